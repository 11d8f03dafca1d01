// Entry point: hash routes, the current view's life cycle, live updates.
//   #/                      overview
//   #/instances?workflow=…  instances, filtered and paged (the filters live in the hash, so a view can be shared)
//   #/instance/<id>         one instance: graph, timeline, payloads, actions
//   #/waiting               what instances wait on, per worker topic
//   #/schedules             scheduled workflows: next run, last run, pause and resume
import * as live from './live.js';
import { tickRelativeTimes } from './format.js';
import * as overview from './views/overview.js';
import * as instances from './views/instances.js';
import * as instance from './views/instance.js';
import * as waiting from './views/waiting.js';
import * as schedules from './views/schedules.js';

const root = document.getElementById('view');
let current = null; // { name, view }

function parse(hash) {
  const h = (hash || '').replace(/^#/, '');
  const [path, q = ''] = h.split('?');
  const params = Object.fromEntries(new URLSearchParams(q));
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'instances') return { name: 'instances', module: instances, params };
  if (parts[0] === 'instance' && parts.length > 1) {
    return { name: 'instance', module: instance, params: { ...params, id: decodeURIComponent(parts.slice(1).join('/')) } };
  }
  if (parts[0] === 'waiting') return { name: 'waiting', module: waiting, params };
  if (parts[0] === 'schedules') return { name: 'schedules', module: schedules, params };
  return { name: 'overview', module: overview, params };
}

function route() {
  const next = parse(location.hash);
  for (const a of document.querySelectorAll('[data-nav]')) {
    const nav = a.dataset.nav;
    a.classList.toggle('active', nav === next.name || (nav === 'instances' && next.name === 'instance'));
  }
  if (current && current.name === next.name && current.view.route && next.name !== 'instance') {
    current.view.route(next.params);
    return;
  }
  if (current && current.name === 'instance' && next.name === 'instance' && current.view.id === next.params.id) return;
  if (current) {
    try { current.view.destroy?.(); } catch (e) { console.error(e); }
  }
  root.replaceChildren();
  root.dataset.view = next.name;
  window.scrollTo(0, 0);
  current = { name: next.name, view: next.module.mount(root, next.params) };
}

live.subscribe(event => current?.view.onEvent?.(event));
window.addEventListener('hashchange', route);
setInterval(() => tickRelativeTimes(root), 1000);

function start() {
  // cytoscape-dagre registers itself when it finds the global cytoscape; register it here otherwise.
  const cy = window.cytoscape;
  if (typeof cy === 'function' && typeof window.cytoscapeDagre === 'function' && !cy('layout', 'dagre')) {
    cy.use(window.cytoscapeDagre);
  }
  live.connect();
  route();
}

start();
