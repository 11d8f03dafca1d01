// The workflow of one instance drawn as a graph with Cytoscape.js, laid out left to right by dagre: a start
// node, the steps (parallel branches and joins come from each step's `after`), an end node. Each step is filled
// with its state's colour; steps that can be undone carry "↺", compensated ones a dashed border, and the path
// the undo took is drawn as dashed purple edges pointing backwards.
import { cssVar, words, STEP_STATES } from './format.js';

const UNDONE = new Set(['COMPENSATING', 'COMPENSATED', 'COMPENSATION_FAILED']);
const FAILED = new Set(['FAILED', 'TIMED_OUT', 'ABANDONED']);
const DARK_TEXT = new Set(['SKIPPED']);

function colours() {
  const c = {};
  for (const s of STEP_STATES) c[s] = cssVar(`--st-${s}`) || '#9ca3af';
  for (const o of ['SUCCEEDED', 'FAILED', 'CANCELLED']) c[`oc-${o}`] = cssVar(`--oc-${o}`) || '#6b7280';
  return c;
}

function label(step) {
  const undo = step.compensable ? '  ↺' : '';
  return `${step.id}${undo}\n${words(step.state)}`;
}

function elements(instance) {
  const steps = instance.steps || [];
  const byId = new Map(steps.map(s => [s.id, s]));
  const hasSuccessor = new Set();
  for (const s of steps) for (const a of s.after || []) hasSuccessor.add(a);
  const nodes = [
    { data: { id: '__start', kind: 'terminal', label: 'start' } },
    { data: { id: '__end', kind: 'terminal', label: instance.outcome ? words(instance.outcome).toLowerCase() : 'end', outcome: instance.outcome || '' } },
  ];
  const edges = [];
  for (const s of steps) {
    nodes.push({ data: { id: s.id, kind: 'step', state: s.state, label: label(s), compensable: !!s.compensable } });
    const after = (s.after || []).filter(a => byId.has(a));
    if (!after.length) edges.push({ data: { id: `__start->${s.id}`, source: '__start', target: s.id } });
    for (const a of after) {
      const from = byId.get(a);
      // An undo path: the step before was undone because of this one (which failed or was undone itself).
      const undo = UNDONE.has(from.state) && (UNDONE.has(s.state) || FAILED.has(s.state));
      edges.push({ data: { id: `${a}->${s.id}`, source: a, target: s.id, undo } });
    }
    if (!hasSuccessor.has(s.id)) edges.push({ data: { id: `${s.id}->__end`, source: s.id, target: '__end' } });
  }
  return [...nodes, ...edges];
}

function style(c) {
  const font = cssVar('--font') || 'sans-serif';
  const s = [
    { selector: 'node[kind="step"]', style: {
      shape: 'round-rectangle', width: 132, height: 54, 'background-color': c.PENDING,
      label: 'data(label)', 'text-wrap': 'wrap', 'text-valign': 'center', 'text-halign': 'center',
      'font-family': font, 'font-size': 12, 'font-weight': 600, color: '#fff', 'line-height': 1.35,
      'border-width': 1, 'border-color': 'rgba(0,0,0,0.15)',
    } },
    { selector: 'node[kind="terminal"]', style: {
      shape: 'ellipse', width: 24, height: 24, 'background-color': '#fff', 'border-width': 2, 'border-color': '#94a3b8',
      label: 'data(label)', 'font-family': font, 'font-size': 11, 'font-weight': 600, color: '#64748b',
      'text-valign': 'bottom', 'text-halign': 'center', 'text-margin-y': 6,
    } },
    { selector: 'node#__start', style: { 'background-color': '#94a3b8' } },
    { selector: 'node[outcome="SUCCEEDED"]', style: { 'border-color': c['oc-SUCCEEDED'], color: c['oc-SUCCEEDED'], 'border-width': 5 } },
    { selector: 'node[outcome="FAILED"]', style: { 'border-color': c['oc-FAILED'], color: c['oc-FAILED'], 'border-width': 5 } },
    { selector: 'node[outcome="CANCELLED"]', style: { 'border-color': c['oc-CANCELLED'], color: c['oc-CANCELLED'], 'border-width': 5 } },
    { selector: 'edge', style: {
      width: 2, 'line-color': '#94a3b8', 'target-arrow-color': '#94a3b8', 'target-arrow-shape': 'triangle',
      'curve-style': 'bezier', 'arrow-scale': 0.9,
    } },
    { selector: 'edge[?undo]', style: {
      'line-style': 'dashed', 'line-dash-pattern': [6, 4], 'line-color': c.COMPENSATED,
      'target-arrow-shape': 'none', 'source-arrow-shape': 'triangle', 'source-arrow-color': c.COMPENSATED,
    } },
    { selector: 'node.selected', style: { 'overlay-color': '#1d4ed8', 'overlay-opacity': 0.12, 'overlay-padding': 6,
      'border-width': 3, 'border-color': '#1e3a8a' } },
  ];
  for (const [state, colour] of Object.entries(c)) {
    if (state.startsWith('oc-')) continue;
    s.splice(2, 0, { selector: `node[state="${state}"]`, style: {
      'background-color': colour, color: DARK_TEXT.has(state) ? '#4b5563' : '#fff',
    } });
  }
  s.splice(s.length - 1, 0,
    { selector: 'node[state="SKIPPED"]', style: { 'border-style': 'dashed', 'border-color': '#9ca3af', 'border-width': 1.5 } },
    { selector: 'node[state="COMPENSATED"], node[state="COMPENSATING"], node[state="COMPENSATION_FAILED"]',
      style: { 'border-style': 'dashed', 'border-width': 3, 'border-color': '#2e1065' } });
  return s;
}

/**
 * Draws `instance` into `container`. Answers an object with update(instance) (restyles without a new layout
 * when the steps are the same), select(stepId) and destroy().
 */
export function drawGraph(container, instance, { onSelect } = {}) {
  if (typeof window.cytoscape !== 'function') {
    container.innerHTML = '<div class="empty">The graph library did not load.</div>';
    container.dataset.rendered = 'false';
    return { update() {}, select() {}, destroy() {} };
  }
  const c = colours();
  let shape = (instance.steps || []).map(s => `${s.id}<${(s.after || []).join(',')}`).join(';');
  const cy = window.cytoscape({
    container,
    elements: elements(instance),
    style: style(c),
    layout: { name: 'preset' },
    userZoomingEnabled: false,
    userPanningEnabled: false,
    boxSelectionEnabled: false,
    autoungrabify: true,
    autounselectify: true,
  });

  function layout() {
    const options = cy.layout({ name: 'dagre', rankDir: 'LR', nodeSep: 28, rankSep: 70, edgeSep: 10, fit: true, padding: 24 });
    options.one('layoutstop', () => {
      if (cy.zoom() > 1.3) { cy.zoom(1.3); cy.center(); }
      container.dataset.rendered = 'true';
    });
    options.run();
  }
  const hasDagre = !!window.cytoscape('layout', 'dagre');
  if (hasDagre) {
    layout();
  } else {
    cy.layout({ name: 'breadthfirst', directed: true, fit: true, padding: 24 }).run();
    container.dataset.rendered = 'true';
  }
  container.dataset.nodeCount = String(cy.nodes('[kind="step"]').length);
  container.cy = cy; // a handle for the browser tests and the console

  cy.on('tap', 'node[kind="step"]', e => onSelect?.(e.target.id()));
  cy.on('mouseover', 'node[kind="step"]', () => { container.style.cursor = 'pointer'; });
  cy.on('mouseout', 'node', () => { container.style.cursor = ''; });
  const resize = () => { cy.resize(); cy.fit(undefined, 24); if (cy.zoom() > 1.3) { cy.zoom(1.3); cy.center(); } };
  window.addEventListener('resize', resize);

  return {
    cy,
    update(next) {
      const nextShape = (next.steps || []).map(s => `${s.id}<${(s.after || []).join(',')}`).join(';');
      const fresh = elements(next);
      if (nextShape !== shape) {
        shape = nextShape;
        cy.elements().remove();
        cy.add(fresh);
        hasDagre ? layout() : cy.layout({ name: 'breadthfirst', directed: true, fit: true, padding: 24 }).run();
      } else {
        for (const el of fresh) cy.getElementById(el.data.id).data(el.data);
      }
      container.dataset.nodeCount = String(cy.nodes('[kind="step"]').length);
    },
    select(stepId) {
      cy.nodes().removeClass('selected');
      if (stepId) cy.getElementById(stepId).addClass('selected');
    },
    destroy() {
      window.removeEventListener('resize', resize);
      delete container.cy;
      cy.destroy();
    },
  };
}
