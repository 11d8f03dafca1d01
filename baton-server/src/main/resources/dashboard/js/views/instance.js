// One instance: header with "process … · item …", the workflow graph coloured by step state, the selected
// step's payloads, the event timeline, and the operator actions behind a confirmation: cancel and retry, and the
// recovery actions pause, resume, redrive, migrate (the instance) and complete by hand, skip, rerun (a step), which
// need a reason.
import { api } from '../api.js';
import {
  html, raw, words, stateBadge, since, clock, dateTime, duration, between, json, throttle, STEP_STATES, parseTime,
} from '../format.js';
import { drawGraph } from '../graph.js';
import { confirmDialog, toast, errorBanner } from '../ui.js';
import { eventsOf } from '../live.js';

const RETRYABLE = new Set(['FAILED', 'TIMED_OUT', 'COMPENSATION_FAILED']);
// The states an operator may settle a step from (the engine's COMPLETED_BY_HAND and SKIPPED_BY_HAND moves).
const COMPLETABLE = new Set(['RUNNING', 'WAITING_TO_RETRY', 'FAILED', 'TIMED_OUT']);
const SKIPPABLE = new Set([...COMPLETABLE, 'PENDING']);
// The instance-level recovery actions: what the confirmation says, and what the toast says once the API took it.
const RECOVERY = {
  pause: {
    title: 'Pause this instance?',
    text: id => html`<p>Instance <code>${id}</code> sends nothing more (no command, HTTP call, sub-workflow start,
      compensation or result) until it is resumed. What arrives meanwhile (outcomes, signals, timeouts) is still
      recorded.</p>`,
    label: 'Pause instance', placeholder: 'e.g. payments maintenance until 14:00',
    done: 'Pause requested.',
  },
  resume: {
    title: 'Resume this instance?',
    text: id => html`<p>Instance <code>${id}</code> goes on: what it held back while paused is sent now.</p>`,
    label: 'Resume instance', placeholder: 'e.g. payments are back',
    done: 'Resume requested.',
  },
  redrive: {
    title: 'Redrive this instance?',
    text: id => html`<p>Instance <code>${id}</code> runs again from where it failed: the steps that failed, timed
      out, were abandoned or were undone (compensated) run again under a new attempt; the steps that succeeded and
      were not undone keep their outputs. The item's outcome is decided anew.</p>`,
    label: 'Redrive instance', placeholder: 'e.g. the mail server is fixed',
    done: 'Redrive requested: the instance runs again.',
  },
};
const EARLIER = { StepStarted: 'started', StepCompleted: 'succeeded', StepFailed: 'failed', StepTimedOut: 'timed out' };
// Notifications the timeline rebuilds from the instance itself; the others are shown as they arrive live.
const DERIVED = new Set(['InstanceStarted', 'StepStarted', 'StepCompleted', 'StepSkipped', 'StepFailed', 'StepTimedOut',
  'InstanceFailing', 'CompensationStarted', 'CompensationCompleted', 'CompensationFailed', 'InstanceCompleted']);

export function mount(root, params) {
  const id = params.id;
  let instance = null;
  let graph = null;
  let selected = params.step || null;
  let destroyed = false;
  let loading = 0;

  root.innerHTML = String(html`<div class="loading">Loading instance ${id}…</div>`);

  async function load() {
    const ticket = ++loading;
    try {
      const data = await api.instance(id);
      if (destroyed || ticket !== loading) return;
      instance = data;
      render();
    } catch (e) {
      if (destroyed || ticket !== loading) return;
      if (e.status === 404 && !instance) {
        root.innerHTML = String(html`<div class="crumbs"><a href="#/instances">Instances</a> › ${id}</div>
          <div class="empty" id="not-found">No instance <code>${id}</code> here (yet). It appears as soon as the
          orchestrator has taken its start request.</div>`);
      } else if (!instance) {
        root.innerHTML = String(errorBanner(e));
      } else {
        toast(`Refreshing failed: ${e.message}`, 'error');
      }
    }
  }

  function render() {
    if (!root.querySelector('#instance-view')) {
      root.innerHTML = String(skeleton(id));
      root.querySelector('#act-cancel').addEventListener('click', cancel);
      root.querySelector('#act-retry').addEventListener('click', () => retry());
      root.querySelector('#act-migrate').addEventListener('click', migrate);
      for (const kind of Object.keys(RECOVERY)) {
        root.querySelector(`#act-${kind}`).addEventListener('click', () => recover(kind));
      }
    }
    const steps = instance.steps || [];
    if (!selected || !steps.some(s => s.id === selected)) selected = defaultStep(instance);
    root.querySelector('#instance-header').innerHTML = String(header(instance));
    root.querySelector('#instance-callouts').innerHTML = String(callouts(instance));
    renderActions();
    const container = root.querySelector('#graph');
    if (!graph) {
      graph = drawGraph(container, instance, { onSelect: select });
    } else {
      graph.update(instance);
    }
    graph.select(selected);
    renderSteps();
    renderDetails();
    // Rebuild the timeline, keeping the payloads the person opened or closed as they were.
    const tl = root.querySelector('#timeline');
    const key = d => { const li = d.closest('li'); return `${li.dataset.event}/${li.dataset.stepId}/${li.querySelector('.tl-time')?.textContent}`; };
    const opened = new Map([...tl.querySelectorAll('details')].map(d => [key(d), d.open]));
    tl.innerHTML = String(timeline(instance, eventsOf(id)));
    for (const d of tl.querySelectorAll('details')) if (opened.has(key(d))) d.open = opened.get(key(d));
    root.querySelector('#instance-input').innerHTML = String(json(instance.input ?? null));
    const view = root.querySelector('#instance-view');
    view.dataset.status = instance.status;
    view.dataset.outcome = instance.outcome || '';
    view.dataset.paused = String(!!instance.paused);
    view.dataset.redrives = String(instance.redrives || 0);
    view.dataset.version = String(instance.version);
    view.dataset.loaded = 'true';
  }

  function renderActions() {
    const cancelBtn = root.querySelector('#act-cancel');
    const retryBtn = root.querySelector('#act-retry');
    const canCancel = instance.status !== 'COMPLETED' && !instance.outcome;
    cancelBtn.disabled = !canCancel;
    cancelBtn.title = canCancel ? 'Cancel: abandon running steps and undo what was done'
      : 'Only an instance that is still running and whose item has not failed can be cancelled';
    const candidates = retryCandidates(instance);
    retryBtn.disabled = !candidates.length || !!instance.paused;
    retryBtn.title = !candidates.length ? 'Nothing to retry: retry applies to a failed step or compensation that an incident waits on'
      : instance.paused ? 'A paused instance takes no retry: resume it first'
      : `Retry ${candidates.map(s => s.id).join(', ')}`;

    // Pause or Resume, whichever applies; Pause, disabled, when neither does.
    const pauseBtn = root.querySelector('#act-pause');
    const resumeBtn = root.querySelector('#act-resume');
    const paused = !!instance.paused;
    const canPause = !paused && instance.status !== 'COMPLETED';
    pauseBtn.hidden = paused;
    resumeBtn.hidden = !paused;
    pauseBtn.disabled = !canPause;
    pauseBtn.title = canPause ? 'Pause: send nothing more (commands, calls, compensations, the result) until resumed'
      : 'Nothing to pause: the instance has completed (a failed or cancelled one can be redriven)';
    resumeBtn.disabled = !paused;
    resumeBtn.title = 'Resume: send what was held back while paused, and go on';
    const redriveBtn = root.querySelector('#act-redrive');
    const blocked = redriveBlocker(instance);
    redriveBtn.disabled = !!blocked;
    redriveBtn.title = blocked || 'Redrive: run the failed, timed-out, abandoned and undone steps again';
    const migrateBtn = root.querySelector('#act-migrate');
    const canMigrate = instance.status !== 'COMPLETED';
    migrateBtn.disabled = !canMigrate;
    migrateBtn.title = canMigrate ? 'Migrate: move the instance to another deployed version of its workflow'
      : 'Only a running instance is migrated: this one has completed';
  }

  function renderSteps() {
    const box = root.querySelector('#steps');
    box.innerHTML = String(html`${(instance.steps || []).map(s => html`<button type="button" class="step-chip${s.id === selected ? ' selected' : ''}"
        data-step-id="${s.id}" data-state="${s.state}" style="--c:${s.state === 'SKIPPED' ? '#cbd5e1' : `var(--st-${s.state})`}"
        title="${target(s)}">
        <span class="sw"></span><span class="sid">${s.id}</span><span class="sst">${words(s.state)}</span>
        ${s.forEach ? html`<span class="items-done" title="items succeeded or failed, of all">${s.forEach.succeeded + s.forEach.failed}/${s.forEach.total}</span>` : ''}
        ${s.compensable ? html`<span class="undo" title="can be undone">↺</span>` : ''}</button>`)}`);
    for (const b of box.querySelectorAll('[data-step-id]')) b.addEventListener('click', () => select(b.dataset.stepId));
  }

  function renderDetails() {
    const s = (instance.steps || []).find(x => x.id === selected);
    root.querySelector('#step-title').textContent = s ? `Step ${s.id}` : 'Step';
    root.querySelector('#step-details').innerHTML = String(s ? stepDetails(s, instance) : html`<div class="empty">No steps.</div>`);
    root.querySelector('#step-details').dataset.stepId = s ? s.id : '';
    const retryBtn = root.querySelector('#step-details [data-retry]');
    if (retryBtn) retryBtn.addEventListener('click', () => retry(retryBtn.dataset.retry));
    const completeBtn = root.querySelector('#step-details [data-complete]');
    if (completeBtn) completeBtn.addEventListener('click', () => completeStep(completeBtn.dataset.complete));
    const skipBtn = root.querySelector('#step-details [data-skip]');
    if (skipBtn) skipBtn.addEventListener('click', () => skipStep(skipBtn.dataset.skip));
    const rerunBtn = root.querySelector('#step-details [data-rerun]');
    if (rerunBtn) rerunBtn.addEventListener('click', () => rerunStep(rerunBtn.dataset.rerun));
    if (s && s.forEach) loadItems(s);
  }

  // forEach: the selected step's items, a page at a time; the page and the items a person opened survive refreshes.
  const itemPages = new Map();
  const openedItems = new Set();
  let itemsTicket = 0;

  async function loadItems(s) {
    const box = root.querySelector('#items');
    if (!box) return;
    const ticket = ++itemsTicket;
    const offset = itemPages.get(s.id) || 0;
    try {
      const page = await api.items(id, s.id, offset, ITEMS_PER_PAGE);
      if (destroyed || ticket !== itemsTicket) return;
      box.innerHTML = String(itemList(s, page, openedItems));
      box.dataset.offset = String(offset);
      box.dataset.total = String(page.total);
      for (const d of box.querySelectorAll('details[data-index]')) {
        d.addEventListener('toggle', () => {
          const key = `${s.id}#${d.dataset.index}`;
          if (d.open) openedItems.add(key); else openedItems.delete(key);
        });
      }
      for (const b of box.querySelectorAll('[data-page]')) {
        b.addEventListener('click', () => {
          itemPages.set(s.id, Math.max(0, offset + Number(b.dataset.page) * ITEMS_PER_PAGE));
          loadItems(s);
        });
      }
    } catch (e) {
      if (!destroyed && ticket === itemsTicket) box.innerHTML = String(errorBanner(e));
    }
  }

  function select(stepId) {
    selected = stepId;
    graph?.select(stepId);
    for (const b of root.querySelectorAll('#steps [data-step-id]')) b.classList.toggle('selected', b.dataset.stepId === stepId);
    renderDetails();
  }

  async function cancel() {
    const reason = await confirmDialog({
      title: 'Cancel this instance?',
      body: html`<p>Instance <code>${id}</code> stops: running steps are abandoned and the steps that completed are
        undone (compensated). The item's outcome becomes <b>CANCELLED</b>. This cannot be reverted.</p>
        <label for="cancel-reason">Reason (kept with the request)</label>
        <textarea id="cancel-reason" rows="2" placeholder="e.g. customer withdrew the order"></textarea>`,
      confirmLabel: 'Cancel instance',
      read: dialog => dialog.querySelector('#cancel-reason').value.trim() || 'cancelled from the dashboard',
    });
    if (reason === null) return;
    try {
      await api.cancel(id, reason);
      toast('Cancel requested: the instance will compensate and complete as CANCELLED.');
      setTimeout(load, 300);
    } catch (e) {
      toast(`Cancel failed: ${e.message}`, 'error');
    }
  }

  async function retry(stepId) {
    const candidates = retryCandidates(instance);
    if (!candidates.length) return;
    const chosen = stepId || candidates[0].id;
    const stepIdChosen = await confirmDialog({
      title: 'Retry a step?',
      body: html`<p>Baton sends the step's command again as a new attempt (or, for a failed compensation, the undo
        command again). The worker must be able to process it now.</p>
        <label for="retry-step">Step</label>
        <select id="retry-step">${candidates.map(s => html`<option value="${s.id}" ${s.id === chosen ? raw('selected') : ''}>${s.id} — ${words(s.state)}${
          s.state === 'COMPENSATION_FAILED' ? ' (retry the undo)' : ` (attempt ${(s.attempt || 1) + 1})`}</option>`)}</select>`,
      confirmLabel: 'Retry',
      danger: false,
      read: dialog => dialog.querySelector('#retry-step').value,
    });
    if (stepIdChosen === null) return;
    try {
      await api.retry(id, stepIdChosen);
      toast(`Retry of ${stepIdChosen} requested.`);
      setTimeout(load, 300);
    } catch (e) {
      toast(`Retry failed: ${e.message}`, 'error');
    }
  }

  // Pause, resume or redrive: a confirmation with a reason, sent from the dialog, which shows the API's refusal
  // (e.g. an empty reason) and stays open.
  async function recover(kind) {
    const a = RECOVERY[kind];
    const reason = await confirmDialog({
      title: a.title,
      body: html`${a.text(id)}${reasonField(a.placeholder)}`,
      confirmLabel: a.label,
      danger: kind === 'redrive',
      read: readReason,
      submit: r => api[kind](id, r),
    });
    if (reason === null) return;
    toast(a.done);
    setTimeout(load, 300);
  }

  async function completeStep(stepId) {
    const done = await confirmDialog({
      title: `Complete step ${stepId} by hand?`,
      body: html`<p>Step <code>${stepId}</code> becomes <b>SUCCEEDED</b> with the output below, as if its worker had
        answered; whatever still works for it stops (its timeout, an HTTP call waiting to be made again, a running
        sub-workflow is cancelled), and the steps after it start. A late outcome of its command is ignored.</p>
        <label for="complete-output">Output (JSON)</label>
        <textarea id="complete-output" class="json-editor" rows="6" spellcheck="false">{}</textarea>
        ${reasonField('e.g. charged by phone, reference 4711')}`,
      confirmLabel: 'Complete step',
      danger: false,
      read: dialog => {
        const text = dialog.querySelector('#complete-output').value;
        let output;
        try {
          output = JSON.parse(text);
        } catch (e) {
          throw new Error(`The output is not valid JSON: ${e.message}`);
        }
        return { output, reason: readReason(dialog) };
      },
      submit: v => api.completeStep(id, stepId, v.output, v.reason),
    });
    if (done === null) return;
    toast(`Completion of ${stepId} requested.`);
    setTimeout(load, 300);
  }

  async function skipStep(stepId) {
    const reason = await confirmDialog({
      title: `Skip step ${stepId}?`,
      body: html`<p>Step <code>${stepId}</code> becomes <b>SKIPPED</b>, without an output, as if its condition had
        been false; whatever still works for it stops, and the steps after it go on without it.</p>
        ${reasonField('e.g. the parcel was handed over at the counter')}`,
      confirmLabel: 'Skip step',
      read: readReason,
      submit: r => api.skipStep(id, stepId, r),
    });
    if (reason === null) return;
    toast(`Skip of ${stepId} requested.`);
    setTimeout(load, 300);
  }

  async function rerunStep(stepId) {
    const done = await confirmDialog({
      title: `Rerun from step ${stepId}?`,
      body: html`<p>Step <code>${stepId}</code> runs again under a new attempt, and so does every step after it; the
        steps before it keep their outputs. The work of the steps that run again is not undone (compensated) first.
        ${instance.status === 'COMPLETED' ? 'The instance starts a new run, which publishes a result of its own.' : ''}</p>
        <label for="rerun-input">New input (JSON; leave empty to keep the step's mapped input)</label>
        <textarea id="rerun-input" class="json-editor" rows="6" spellcheck="false"></textarea>
        ${reasonField('e.g. the customer gave a new address')}`,
      confirmLabel: 'Rerun',
      read: dialog => {
        const text = dialog.querySelector('#rerun-input').value.trim();
        let input;
        if (text) {
          try {
            input = JSON.parse(text);
          } catch (e) {
            throw new Error(`The input is not valid JSON: ${e.message}`);
          }
        }
        return { input, reason: readReason(dialog) };
      },
      submit: v => api.rerunStep(id, stepId, v.input, v.reason),
    });
    if (done === null) return;
    toast(`Rerun from ${stepId} requested.`);
    setTimeout(load, 300);
  }

  // Migrate: the versions come from the workflow's deployed ones; the API checks the move at once and answers 409
  // with the reason it cannot be made, which the dialog shows (and stays open).
  async function migrate() {
    let versions;
    try {
      versions = ((await api.workflow(instance.workflow)).versions || []).filter(v => v !== instance.version);
    } catch (e) {
      toast(`Reading the workflow's versions failed: ${e.message}`, 'error');
      return;
    }
    if (!versions.length) {
      toast(`Workflow ${instance.workflow} has no other deployed version than ${instance.version}.`, 'error');
      return;
    }
    const latest = Math.max(...versions);
    const done = await confirmDialog({
      title: 'Migrate this instance?',
      body: html`<p>Instance <code>${id}</code> moves from version ${instance.version} of <code>${instance.workflow}</code>
        to the version you choose. Each step keeps what it did under the step of the same id, or the one you map it
        to; the new version's other steps start out pending.</p>
        <label for="migrate-version">Version</label>
        <select id="migrate-version">${versions.map(v => html`<option value="${v}" ${v === latest ? raw('selected') : ''}>version ${v}${v > instance.version ? '' : ' (older)'}</option>`)}</select>
        <label for="migrate-mapping">Step mapping (optional: one <code>old=new</code> a line, for steps whose id changes)</label>
        <textarea id="migrate-mapping" class="json-editor" rows="3" spellcheck="false" placeholder="approve=review"></textarea>
        ${reasonField('e.g. move to the fixed notification step')}`,
      confirmLabel: 'Migrate',
      read: dialog => ({
        version: Number(dialog.querySelector('#migrate-version').value),
        mapping: parseMapping(dialog.querySelector('#migrate-mapping').value),
        reason: readReason(dialog),
      }),
      submit: v => api.migrate(id, v.version, v.mapping, v.reason),
    });
    if (done === null) return;
    toast(`Migration to version ${done.version} requested.`);
    setTimeout(load, 300);
  }

  load();
  const refresh = throttle(load, 400);

  return {
    id,
    onEvent(event) {
      if (event.instanceId === id) refresh();
    },
    destroy() {
      destroyed = true;
      graph?.destroy();
    },
  };
}

function retryCandidates(instance) {
  if (!instance) return [];
  const steps = instance.steps || [];
  const failedUndo = steps.filter(s => s.state === 'COMPENSATION_FAILED');
  if (instance.status !== 'INCIDENT' && !failedUndo.length) return [];
  return steps.filter(s => RETRYABLE.has(s.state));
}

/** Why the instance cannot be redriven now (as the engine refuses it), or null when it can. */
function redriveBlocker(instance) {
  if (instance.status !== 'COMPLETED' || !instance.outcome) {
    return 'Only a completed instance whose item failed or was cancelled can be redriven';
  }
  if (instance.outcome === 'SUCCEEDED') return 'The item succeeded: there is nothing to redrive';
  if (instance.parent) return "A sub-workflow's instance is run again through its parent's step";
  if ((instance.steps || []).some(s => s.state === 'COMPENSATING' || s.state === 'COMPENSATION_FAILED')) {
    return 'A compensation of late work is still open: let it finish (or retry it) first';
  }
  return null;
}

/** Why the step cannot be rerun now (as the engine refuses it), or null when it can. */
function rerunBlocker(s, instance) {
  if (instance.status !== 'COMPLETED' && instance.status !== 'INCIDENT') {
    return 'Only a completed instance, or one in an incident, reruns a step';
  }
  if (instance.paused) return 'The instance is paused: resume it first';
  if (instance.parent) return "A sub-workflow's instance is run again through its parent's step";
  const steps = instance.steps || [];
  if (steps.some(x => x.state === 'COMPENSATING' || x.state === 'COMPENSATION_FAILED')) {
    return 'A compensation is still open: let it finish (or retry it) first';
  }
  const byId = new Map(steps.map(x => [x.id, x]));
  const upstream = new Set();
  const todo = [...(s.after || [])];
  while (todo.length) {
    const up = todo.pop();
    if (upstream.has(up)) continue;
    upstream.add(up);
    todo.push(...(byId.get(up)?.after || []));
  }
  const unsettled = steps.filter(x => upstream.has(x.id) && x.state !== 'SUCCEEDED' && x.state !== 'SKIPPED');
  if (unsettled.length) {
    return `Step ${unsettled.map(x => `${x.id} (${words(x.state).toLowerCase()})`).join(', ')} before it has not succeeded: rerun from there, or redrive the instance`;
  }
  return null;
}

/** "old=new" lines into {old: new}; blank lines are ignored, anything else is an error shown in the dialog. */
function parseMapping(text) {
  const mapping = {};
  text.split('\n').forEach((line, n) => {
    const t = line.trim();
    if (!t) return;
    const m = /^([^=\s]+)\s*=\s*([^=\s]+)$/.exec(t);
    if (!m) throw new Error(`Mapping line ${n + 1} is not old=new: ${t}`);
    if (m[1] in mapping) throw new Error(`The mapping names step ${m[1]} twice`);
    mapping[m[1]] = m[2];
  });
  return mapping;
}

/** Why an operator cannot complete (or skip) the step by hand now, or null when they can. */
function settleBlocker(s, instance, states) {
  if (instance.outcome) {
    return `The item's outcome is decided (${instance.outcome})${instance.outcome === 'SUCCEEDED' ? '' : ': redrive the instance instead'}`;
  }
  if (!states.has(s.state)) return `Step ${s.id} is ${words(s.state).toLowerCase()}: there is nothing to settle`;
  return null;
}

function reasonField(placeholder) {
  return html`<label for="action-reason">Reason (required: kept in the instance's timeline with your name)</label>
    <textarea id="action-reason" rows="2" placeholder="${placeholder}"></textarea>`;
}

function readReason(dialog) {
  return dialog.querySelector('#action-reason').value.trim();
}

function defaultStep(instance) {
  const steps = instance.steps || [];
  const pick = states => steps.find(s => states.includes(s.state));
  return (pick(['FAILED', 'TIMED_OUT', 'COMPENSATION_FAILED']) || pick(['RUNNING', 'WAITING_TO_RETRY', 'COMPENSATING'])
    || steps.filter(s => s.state !== 'PENDING').at(-1) || steps[0] || {}).id || null;
}

function skeleton(id) {
  const legendStates = STEP_STATES.filter(s => s !== 'TIMED_OUT');
  return html`<div id="instance-view" data-instance-id="${id}">
    <div class="crumbs"><a href="#/instances">Instances</a> › <span class="mono">${id}</span></div>
    <div class="instance-head">
      <div id="instance-header"></div>
      <div class="actions">
        <button class="btn" id="act-pause" type="button">Pause…</button>
        <button class="btn" id="act-resume" type="button" hidden>Resume…</button>
        <button class="btn" id="act-redrive" type="button">Redrive…</button>
        <button class="btn" id="act-migrate" type="button">Migrate…</button>
        <button class="btn" id="act-retry" type="button">Retry…</button>
        <button class="btn btn-danger" id="act-cancel" type="button">Cancel…</button>
      </div>
    </div>
    <div id="instance-callouts"></div>
    <div class="grid grid-2">
      <div class="stack">
        <section class="card">
          <div class="card-head"><h2>Workflow</h2><span class="sub">click a step for its payloads</span></div>
          <div class="legend" aria-label="Legend">
            ${legendStates.map(s => html`<span><i style="--c:var(--st-${s})"></i>${words(s).toLowerCase()}${s === 'FAILED' ? ' / timed out' : ''}</span>`)}
            <span><i class="undo"></i>undo path</span><span>↺ can be undone</span>
          </div>
          <div class="graph" id="graph" role="img" aria-label="Workflow graph"></div>
          <div class="steps" id="steps" aria-label="Steps"></div>
        </section>
        <section class="card">
          <div class="card-head"><h2 id="step-title">Step</h2></div>
          <div class="card-body payload" id="step-details"></div>
        </section>
      </div>
      <div class="stack">
        <section class="card">
          <div class="card-head"><h2>Timeline</h2><span class="sub">local time · since start</span></div>
          <ol class="timeline" id="timeline"></ol>
        </section>
        <section class="card">
          <div class="card-head"><h2>Instance input</h2></div>
          <div class="card-body" id="instance-input"></div>
        </section>
      </div>
    </div>
  </div>`;
}

function header(i) {
  const took = i.completedAt ? between(i.startedAt, i.completedAt) : null;
  return html`<div class="instance-title">
      <h1 title="${i.instanceId}">${i.instanceId}</h1>
      <span class="process-status" id="status-line" data-status="${i.status}" data-outcome="${i.outcome || ''}">
        <span><span class="k">process</span><span class="v" style="color:var(--ps-${i.status})">${i.status}</span></span>
        ${i.outcome ? html`<span class="dotsep">·</span><span><span class="k">item</span><span class="v" style="color:var(--oc-${i.outcome})">${i.outcome}</span></span>` : ''}
      </span>
      ${i.paused ? html`<span class="badge" id="paused-badge" style="--c:var(--paused)" title="An operator paused this instance: it sends nothing until resumed">paused</span>` : ''}
      ${i.redrives > 0 ? html`<span class="badge plain" id="redrive-count" data-redrives="${i.redrives}" style="--c:var(--operator)" title="Times an operator ran this instance again">redriven ${i.redrives}×</span>` : ''}
    </div>
    <div class="meta">
      <span><b>workflow</b><a href="#/instances?workflow=${encodeURIComponent(i.workflow)}">${i.workflow}</a> <span id="instance-version" data-version="${i.version}">v${i.version}</span>
        <a class="muted" href="api/workflows/${encodeURIComponent(i.workflow)}/asyncapi" target="_blank" title="AsyncAPI 3 document of this workflow's topics and messages">AsyncAPI</a></span>
      ${i.businessKey ? html`<span><b>business key</b><span class="mono">${i.businessKey}</span></span>` : ''}
      ${i.parent ? html`<span id="parent-link"><b>sub-workflow of</b><a class="mono" href="#/instance/${encodeURIComponent(i.parent.instanceId)}">${i.parent.instanceId}</a> step <span class="mono">${i.parent.stepId}</span></span>` : ''}
      <span><b>started</b><span title="${dateTime(i.startedAt)}">${dateTime(i.startedAt)}</span></span>
      ${i.startsAt ? html`<span id="starts-at" data-starts-at="${i.startsAt}"><b>starts at</b>${dateTime(i.startsAt)}</span>` : ''}
      ${i.deadlineAt ? html`<span id="deadline-at" data-deadline-at="${i.deadlineAt}" title="The workflow's deadline: still running then, the instance ends"><b>deadline</b>${dateTime(i.deadlineAt)}</span>` : ''}
      ${i.completedAt ? html`<span><b>completed</b>${dateTime(i.completedAt)}</span><span><b>took</b>${duration(took)}</span>`
        : html`<span><b>updated</b>${since(i.updatedAt)}</span>`}
    </div>`;
}

function callouts(i) {
  const out = [];
  if (i.startsAt) {
    out.push(html`<div class="callout" id="starts-at-callout"><b>Delayed start:</b>
      <span>recorded, but its first steps start at ${dateTime(i.startsAt)}. Cancel it to start nothing.</span></div>`);
  }
  if (i.paused) {
    out.push(html`<div class="callout paused" id="paused-callout"><b>Paused:</b>
      <span>the instance records what arrives but sends nothing (commands, calls, compensations, its result) until an
      operator resumes it.</span></div>`);
  }
  if (i.failure) {
    out.push(html`<div class="callout fail" id="failure-callout" data-step-id="${i.failure.stepId || ''}">
      <b>${i.outcome === 'CANCELLED' ? 'Cancelled' : 'Failed'}${i.failure.stepId ? html` at step <span class="mono">${i.failure.stepId}</span>` : ''}</b>
      <span>${i.failure.type && i.failure.type.toLowerCase() !== 'cancelled' ? html`<span class="mono">${i.failure.type}</span>: ` : ''}${
        i.failure.message || ''}</span></div>`);
  }
  if (i.status === 'INCIDENT') {
    const stuck = (i.steps || []).filter(s => RETRYABLE.has(s.state));
    out.push(html`<div class="callout fail" id="incident-callout"><b>Incident:</b>
      ${stuck.length ? stuck.map(s => {
        const e = s.state === 'COMPENSATION_FAILED' ? s.compensation?.error : s.error;
        const what = s.state === 'COMPENSATION_FAILED' ? 'the undo of step' : 'step';
        return html`<span>${what} <span class="mono">${s.id}</span> ${words(s.state).toLowerCase()}${
          e ? html` (<span class="mono">${e.type || 'error'}</span>${e.message ? `: ${e.message}` : ''})` : ''}.</span>`;
      }) : ''}
      <span>The instance waits for an operator: retry, complete or skip the step by hand, or cancel the instance.</span></div>`);
  }
  const kept = i.bufferedSignals || [];
  if (kept.length) {
    out.push(html`<div class="callout" id="buffered-signals" data-count="${kept.length}"><b>Signals kept for steps that have not started yet</b>
      <span>(the step takes the oldest when it starts):</span>
      ${kept.map(k => html`<span class="chip" data-signal="${k.name}" title="received ${dateTime(k.receivedAt)}">${k.name} · ${dateTime(k.receivedAt)}</span>`)}</div>`);
  }
  const comp = i.compensated || [];
  if (comp.length) {
    out.push(html`<div class="callout comp" id="compensated" data-compensated="${comp.join(',')}"><b>Undone (compensated), in order:</b>
      ${comp.map((s, n) => html`${n ? html`<span class="arrow">→</span>` : ''}<span class="chip" data-step-id="${s}">${s}</span>`)}</div>`);
  }
  return html`${out}`;
}

/** What a step's command goes to: a worker's topic, a child workflow, or an endpoint Baton calls. */
function target(s) {
  return s.topic || (s.workflow ? `workflow ${s.workflow}` : s.http ? `${s.http.method} ${s.http.url}`
    : s.event ? `event ${s.event.topic}` : '');
}

/** Tries made: by the worker, or, for an HTTP step, Baton's own calls in this run. */
function tries(s) {
  return s.http ? `called ${s.workerAttempts}×` : `worker tried ${s.workerAttempts}×`;
}

const ITEMS_PER_PAGE = 20;

/** A forEach step's counts, e.g. "3 running · 40 succeeded · 1 failed of 50". */
function itemCounts(f) {
  const parts = [];
  if (f.running) parts.push(html`<span class="item-count" data-count="running">${f.running} running</span>`);
  parts.push(html`<span class="item-count" data-count="succeeded">${f.succeeded} succeeded</span>`);
  parts.push(html`<span class="item-count" data-count="failed">${f.failed} failed</span>`);
  if (f.pending) parts.push(html`<span class="item-count" data-count="pending">${f.pending} not started</span>`);
  if (f.compensating || f.compensated || f.compensationFailed) {
    parts.push(html`<span class="item-count" data-count="compensated">${f.compensated} compensated</span>`);
  }
  return html`${parts.map((p, n) => n ? html` · ${p}` : p)} <span class="muted">of ${f.total} · at most ${f.maxConcurrency} at a time · ${f.toleratedFailures} may fail</span>`;
}

/** One page of items: each opens to its output or error. */
function itemList(s, page, opened) {
  const last = Math.min(page.total, page.offset + page.items.length);
  return html`
    <div class="items-pager">
      <button class="btn btn-ghost" type="button" data-page="-1" ${page.offset === 0 ? raw('disabled') : ''}>‹ Previous</button>
      <span class="muted small">items ${page.total ? page.offset + 1 : 0}–${last} of ${page.total}</span>
      <button class="btn btn-ghost" type="button" data-page="1" ${last >= page.total ? raw('disabled') : ''}>Next ›</button>
    </div>
    <ul class="items">${page.items.map(it => html`
      <li><details data-index="${it.index}" data-state="${it.state}" ${opened.has(`${s.id}#${it.index}`) ? raw('open') : ''}>
        <summary><span class="mono">#${it.index}</span> ${stateBadge(it.state)}</summary>
        <div class="item-body">
          <div class="mono small muted">${it.commandId || 'not started yet'}</div>
          ${it.error ? html`<h4>Error</h4>${json(it.error, 'error')}` : ''}
          ${it.output !== null && it.output !== undefined ? html`<h4>Output</h4>${json(it.output)}` : it.error ? '' : html`<div class="muted small">no output yet</div>`}
        </div>
      </details></li>`)}</ul>`;
}

function stepDetails(s, instance) {
  const comp = s.compensation;
  const canRetry = retryCandidates(instance).some(x => x.id === s.id) && !instance.paused;
  const noComplete = settleBlocker(s, instance, COMPLETABLE);
  const noSkip = settleBlocker(s, instance, SKIPPABLE);
  const noRerun = rerunBlocker(s, instance);
  return html`
    <dl class="kv">
      <dt>State</dt><dd>${stateBadge(s.state)} ${canRetry ? html`<button class="btn btn-ghost" data-retry="${s.id}" type="button">Retry…</button>` : ''}</dd>
      <dt>By hand</dt><dd class="by-hand">
        <button class="btn btn-ghost" data-complete="${s.id}" type="button" ${noComplete ? raw('disabled') : ''}
          title="${noComplete || 'Mark the step succeeded with an output you give'}">Complete by hand…</button>
        <button class="btn btn-ghost" data-skip="${s.id}" type="button" ${noSkip ? raw('disabled') : ''}
          title="${noSkip || 'Mark the step skipped: the steps after it go on without it'}">Skip…</button>
        <button class="btn btn-ghost" data-rerun="${s.id}" type="button" ${noRerun ? raw('disabled') : ''}
          title="${noRerun || 'Run this step (maybe with a new input) and every step after it again'}">Rerun from here…</button></dd>
      ${s.workflow ? html`<dt>Workflow</dt><dd><span class="mono">${s.workflow}</span>${s.childInstanceId ? html` · child <a class="mono child-link" href="#/instance/${encodeURIComponent(s.childInstanceId)}">${s.childInstanceId}</a>` : ''}</dd>`
        : s.http ? html`<dt>HTTP</dt><dd class="mono">${s.http.method} ${s.http.url}${s.nextCallAt ? html` <span class="muted">· next call ${dateTime(s.nextCallAt)}</span>` : ''}</dd>`
        : s.sleep ? html`<dt>Sleep</dt><dd id="sleep-${s.id}">${s.sleep.duration ? html`for <span class="mono">${s.sleep.duration}</span>` : html`until <span class="mono">${s.sleep.until}</span>`}${
          s.sleepingUntil ? html` <span class="muted">· sleeping until ${dateTime(s.sleepingUntil)}</span>` : ''}</dd>`
        : s.event ? html`<dt>Event</dt><dd class="event-wait" data-topic="${s.event.topic}"><span class="mono">${s.event.topic}</span> where <span class="mono">${s.event.field}</span> =
            ${s.waitingFor ? html`<span class="mono waiting-for" data-correlation="${s.waitingFor.correlation}">${s.waitingFor.correlation}</span> <span class="muted">· waiting (consume ${s.event.consume})</span>`
              : html`<span class="mono">${s.event.equals}</span>`}</dd>`
        : html`<dt>Topic</dt><dd class="mono">${s.topic || '–'}</dd>`}
      ${s.repeat ? html`<dt>Rounds</dt><dd id="round-${s.id}" data-round="${s.round || 0}">round ${s.round || 0} of at most ${s.repeat.max}
        <span class="muted">· until <span class="mono">${s.repeat.until}</span>${s.repeat.delay ? ` · ${s.repeat.delay} between rounds` : ''}${
          s.nextRoundAt ? html` · next round ${dateTime(s.nextRoundAt)}` : ''}</span></dd>` : ''}
      ${s.forEach ? html`<dt>Items</dt><dd class="item-counts">${itemCounts(s.forEach)}</dd>` : ''}
      <dt>After</dt><dd>${(s.after || []).length ? s.after.map(a => html`<span class="chip">${a}</span>`) : html`<span class="muted">starts with the instance</span>`}</dd>
      <dt>Attempt</dt><dd>${s.attempt || 0}${s.workerAttempts ? html` <span class="muted">· ${tries(s)}</span>` : ''}</dd>
      <dt>Command</dt><dd class="mono small">${s.commandId || '–'}</dd>
      <dt>Started</dt><dd>${s.startedAt ? dateTime(s.startedAt) : html`<span class="muted">not yet</span>`}</dd>
      <dt>Finished</dt><dd>${s.finishedAt ? html`${dateTime(s.finishedAt)} <span class="muted">· ${duration(s.durationMs ?? between(s.startedAt, s.finishedAt))}</span>`
        : s.sleepingUntil ? html`<span class="muted">sleeping until ${dateTime(s.sleepingUntil)}</span>`
        : s.nextRoundAt ? html`<span class="muted">between rounds; the next goes out ${dateTime(s.nextRoundAt)}</span>`
        : s.state === 'RUNNING' && s.startedAt ? html`<span class="age-warn">${s.event ? 'waiting for the event for' : "waiting for the worker's outcome for"} <span data-age-of="${s.startedAt}">${duration(Date.now() - parseTime(s.startedAt))}</span></span>`
        : html`<span class="muted">–</span>`}</dd>
      <dt>Compensation</dt><dd>${s.compensable ? (comp ? html`${comp.finishedAt ? (comp.error ? 'failed' : 'done') : 'running'} <span class="muted">· attempt ${comp.attempt} · ${comp.commandId}</span>`
        : html`<span class="muted">possible, not needed</span>`) : html`<span class="muted">none defined</span>`}</dd>
    </dl>
    ${s.error ? html`<h3>Error</h3>${json(s.error, 'error')}` : ''}
    ${comp && comp.error ? html`<h3>Compensation error</h3>${json(comp.error, 'error')}` : ''}
    <h3>Input</h3>${s.forEach ? html`<div class="muted small">one per item: open an item below</div>`
      : s.input !== undefined && s.input !== null ? json(s.input)
      : s.startedAt ? html`<div class="muted small">the instance input (this step maps none of its own)</div>`
      : html`<div class="muted small">not sent yet</div>`}
    ${s.forEach ? html`<h3>Items</h3><div id="items" class="items-box"><div class="muted small">Loading items…</div></div>` : ''}
    <h3>Output</h3>${s.output !== undefined && s.output !== null ? json(s.output) : html`<div class="muted small">none</div>`}
    ${comp ? html`<h3>Compensation</h3>${json(comp)}` : ''}`;
}

// ---- timeline ----

function timeline(i, live) {
  const events = [];
  const add = (type, at, stepId, props) => events.push({ type, at, t: parseTime(at), stepId, seq: events.length, ...props });
  add('InstanceStarted', i.startedAt, null, { title: 'Instance started', payload: ['input', i.input] });
  for (const s of i.steps || []) {
    if (s.state === 'SKIPPED') {
      add('StepSkipped', s.finishedAt || s.startedAt || i.startedAt, s.id, { title: 'skipped', sub: 'its condition was false' });
      continue;
    }
    if (s.startedAt) {
      add('StepStarted', s.startedAt, s.id, { title: 'started', sub: `attempt ${s.attempt || 1} · ${target(s)}`, payload: ['input', s.input] });
    }
    if (s.state === 'ABANDONED') {
      // In flight when the item failed or was cancelled: no outcome came (a late success would be compensated).
      add('StepAbandoned', s.finishedAt || i.updatedAt, s.id, { title: 'abandoned', sub: 'in flight when the item failed or was cancelled' });
    } else if (s.finishedAt) {
      if (s.state === 'FAILED' || (s.error && s.state !== 'TIMED_OUT')) {
        add('StepFailed', s.finishedAt, s.id, { title: 'failed', bad: true,
          sub: s.error ? `${s.error.type ? `${s.error.type}: ` : ''}${s.error.message || ''}` : '',
          payload: ['error', s.error], open: true });
      } else if (s.state === 'TIMED_OUT') {
        add('StepTimedOut', s.finishedAt, s.id, { title: 'timed out', bad: true, sub: 'no outcome within the step timeout' });
      } else {
        add('StepCompleted', s.finishedAt, s.id, { title: 'succeeded',
          sub: `${duration(s.durationMs ?? between(s.startedAt, s.finishedAt))}${s.workerAttempts > 1 ? ` · ${tries(s)}` : ''}`,
          payload: ['output', s.output] });
      }
    }
    const c = s.compensation;
    if (c && c.startedAt) add('CompensationStarted', c.startedAt, s.id, { title: 'compensation started', comp: true, sub: `undo attempt ${c.attempt || 1}` });
    if (c && c.finishedAt) {
      if (c.error) {
        add('CompensationFailed', c.finishedAt, s.id, { title: 'compensation failed', comp: true, bad: true,
          sub: `${c.error.type ? `${c.error.type}: ` : ''}${c.error.message || ''}`, payload: ['error', c.error], open: true });
      } else {
        add('CompensationCompleted', c.finishedAt, s.id, { title: 'compensated', comp: true, sub: duration(between(c.startedAt, c.finishedAt)) });
      }
    }
  }
  if (i.failure && i.outcome) {
    const failedStep = (i.steps || []).find(s => s.id === i.failure.stepId);
    const at = failedStep?.finishedAt || i.completedAt || i.updatedAt;
    const undo = (i.steps || []).filter(s => s.compensation).map(s => s.id);
    add('InstanceFailing', at, null, { title: i.outcome === 'CANCELLED' ? 'Item cancelled' : 'Item failed', bad: true,
      sub: undo.length ? `undoing ${undo.join(', ')}` : 'nothing to undo' });
  }
  if (i.completedAt) {
    add('InstanceCompleted', i.completedAt, null, { title: `Process completed · item ${i.outcome || ''}`, bad: i.outcome && i.outcome !== 'SUCCEEDED',
      final: true });
  }
  // The instance keeps each step's latest attempt only; notifications seen live about an earlier attempt (before
  // an operator's retry) are added back.
  const currentCommand = new Map((i.steps || []).map(s => [s.id, s.commandId]));
  // A redrive or a rerun seen live: the end of the run before it is not in the instance any more, so it is added
  // back, named after the first of them that came after it.
  const againWord = { REDRIVE: 'redrive', RERUN_STEP: 'rerun' };
  const runsAgain = live.filter(e => e.type === 'OperatorActed' && againWord[e.action])
    .map(e => ({ t: parseTime(e.at), word: againWord[e.action] })).sort((x, y) => x.t - y.t);
  for (const e of live) {
    if (e.type === 'OperatorActed') {
      add(e.type, e.at, e.stepId || null, { title: operatorTitle(e), live: true, plain: true, action: e.action });
      continue;
    }
    const again = (e.type === 'InstanceCompleted' || e.type === 'InstanceFailing') && runsAgain.find(r => parseTime(e.at) <= r.t);
    if (again) {
      add(e.type, e.at, null, { live: true, bad: e.outcome !== 'SUCCEEDED',
        title: e.type === 'InstanceCompleted' ? `Process completed · item ${e.outcome || ''} (before the ${again.word})`
          : `${e.outcome === 'CANCELLED' ? 'Item cancelled' : 'Item failed'} (before the ${again.word})` });
      continue;
    }
    if (EARLIER[e.type] && e.stepId && e.commandId && currentCommand.get(e.stepId) && e.commandId !== currentCommand.get(e.stepId)) {
      const err = e.error || null;
      add(e.type, e.at, e.stepId, { title: `${EARLIER[e.type]} (earlier attempt)`, live: true,
        bad: e.type === 'StepFailed' || e.type === 'StepTimedOut',
        sub: err ? `${err.type ? `${err.type}: ` : ''}${err.message || ''}` : e.commandId,
        payload: err ? ['error', err] : undefined });
      continue;
    }
    if (DERIVED.has(e.type)) continue;
    add(e.type, e.at, e.stepId || null, { title: liveTitle(e), sub: e.reason || e.request || '', bad: e.type === 'IncidentRaised', live: true });
  }
  events.sort((a, b) => (a.t ?? Infinity) - (b.t ?? Infinity) || rank(a) - rank(b) || a.seq - b.seq);
  const t0 = parseTime(i.startedAt);
  // What the instance waits for now, with a ticking age: the article's service C at a glance.
  const waiting = (i.steps || []).filter(s => ['RUNNING', 'WAITING_TO_RETRY', 'COMPENSATING'].includes(s.state)).map(s => {
    const since = s.state === 'RUNNING' ? s.startedAt : s.state === 'WAITING_TO_RETRY' ? s.finishedAt : s.compensation?.startedAt;
    return html`<li class="tl-item waiting" data-event="Waiting" data-step-id="${s.id}">
      <span class="tl-time">now</span><span class="tl-dot pulse-dot" style="--c:var(--st-${s.state})"></span>
      <div class="tl-body"><div class="tl-title"><span class="step">${s.id}</span> ${s.sleepingUntil ? `sleeping until ${dateTime(s.sleepingUntil)}` : s.nextRoundAt ? `round ${s.round} done; next round ${dateTime(s.nextRoundAt)}` : s.state === 'RUNNING' ? `waiting for its worker${s.repeat ? ` (round ${s.round})` : ''}` : s.state === 'WAITING_TO_RETRY' ? 'waiting to call again' : 'waiting for its compensation'}</div>
      <div class="tl-sub">${s.topic || ''}${since ? html` · for <span data-age-of="${since}">${duration(Date.now() - parseTime(since))}</span>` : ''}</div></div></li>`;
  });
  return html`${events.map(e => timelineItem(e, t0))}${waiting}`;
}

// An operator's action comes before what it causes at the same instant (a redrive: the steps it sends back, then
// their new starts).
const RANKS = { InstanceStarted: 0, OperatorActed: 0.5, InstanceMigrated: 0.6, StepRedriven: 0.7, StepStarted: 1, StepCompleted: 2, StepFailed: 2, StepTimedOut: 2, StepSkipped: 2,
  InstanceFailing: 3, StepAbandoned: 3.5, CompensationStarted: 4, CompensationCompleted: 5, CompensationFailed: 5, InstanceCompleted: 9 };
function rank(e) { return RANKS[e.type] ?? 6; }

function liveTitle(e) {
  switch (e.type) {
    case 'IncidentRaised': return 'incident raised';
    case 'OutcomeIgnored': return `outcome ignored (${words(e.reason || '').toLowerCase()})`;
    case 'RequestIgnored': return 'request ignored';
    case 'StepRedriven': return 'redriven: runs again under a new attempt';
    case 'InstanceMigrated': return `moved from version ${e.fromVersion} to ${e.toVersion}`;
    case 'InstanceScheduled': return `scheduled: starts at ${dateTime(e.startsAt)}`;
    case 'StepSleeping': return `sleeping until ${dateTime(e.until)}`;
    case 'StepRoundCompleted': return `round ${e.round} done, condition not met; next round ${dateTime(e.nextRoundAt)}`;
    default: return e.type;
  }
}

const ACTED = {
  PAUSE: () => 'paused', RESUME: () => 'resumed', REDRIVE: () => 'redrove the instance',
  COMPLETE_STEP: step => `completed ${step} by hand`, SKIP_STEP: step => `skipped ${step}`,
  RERUN_STEP: step => `reran ${step}`, MIGRATE: () => 'migrated the instance',
};

/** "ops-alice paused: payments maintenance": who did what, and why. */
function operatorTitle(e) {
  const what = ACTED[e.action] ? ACTED[e.action](e.stepId) : words(e.action || 'acted').toLowerCase();
  return `${e.actor || 'someone'} ${what}${e.reason ? `: ${e.reason}` : ''}`;
}

const DOTS = {
  InstanceStarted: 'var(--st-RUNNING)', StepStarted: 'var(--st-RUNNING)', StepCompleted: 'var(--st-SUCCEEDED)',
  StepSkipped: 'var(--st-PENDING)', StepFailed: 'var(--st-FAILED)', StepTimedOut: 'var(--st-TIMED_OUT)',
  StepAbandoned: 'var(--st-ABANDONED)', StepRetryScheduled: 'var(--st-WAITING_TO_RETRY)', InstanceFailing: 'var(--st-FAILED)', CompensationStarted: 'var(--st-COMPENSATING)',
  CompensationCompleted: 'var(--st-COMPENSATED)', CompensationFailed: 'var(--st-COMPENSATION_FAILED)',
  IncidentRaised: 'var(--ps-INCIDENT)', InstanceCompleted: 'var(--ps-COMPLETED)',
  OperatorActed: 'var(--operator)', StepRedriven: 'var(--st-PENDING)',
};

function timelineItem(e, t0) {
  let dot = DOTS[e.type] || 'var(--st-ABANDONED)';
  if (e.final) dot = e.bad ? 'var(--oc-FAILED)' : 'var(--oc-SUCCEEDED)';
  const rel = e.t !== null && t0 !== null ? `+${duration(e.t - t0)}` : '';
  const [name, value] = e.payload || [];
  const classes = ['tl-item', e.bad ? 'bad' : '', e.comp ? 'comp' : ''].filter(Boolean).join(' ');
  return html`<li class="${classes}" data-event="${e.type}" data-step-id="${e.stepId || ''}"${e.action ? html` data-action="${e.action}"` : ''}>
    <span class="tl-time">${e.at ? clock(e.at, true) : ''}<span class="rel">${rel}</span></span>
    <span class="tl-dot" style="--c:${dot}"></span>
    <div class="tl-body">
      <div class="tl-title">${e.stepId && !e.plain ? html`<span class="step">${e.stepId}</span> ` : ''}${e.title}</div>
      ${e.sub ? html`<div class="tl-sub">${e.sub}</div>` : ''}
      ${e.payload && value !== undefined && value !== null
        ? html`<details ${e.open ? raw('open') : ''}><summary>${name}</summary>${json(value, name === 'error' ? 'error' : '')}</details>` : ''}
    </div>
  </li>`;
}
