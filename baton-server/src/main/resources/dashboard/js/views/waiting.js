// "Waiting on": per workflow step and worker topic, how many instances wait for the worker's outcome and since
// when. A worker that is down, or that only works in batch windows (the article's service C), shows up here as
// a growing count and an old "waiting since".
import { api } from '../api.js';
import { html, since, duration, dateTime, parseTime, throttle } from '../format.js';
import { errorBanner } from '../ui.js';

const WARN_MS = 30_000;
const BAD_MS = 5 * 60_000;

export function mount(root) {
  let destroyed = false;
  root.innerHTML = String(html`
    <div class="page-head">
      <div><h1>Waiting on</h1><p>Commands sent to a worker whose outcome has not come back yet, per step and topic.
        A count that grows while the oldest wait gets older points at a worker that is down or works in batches.</p></div>
    </div>
    <div id="wt-error"></div>
    <div class="kpi-groups" style="grid-template-columns:repeat(3, minmax(0, 1fr))">
      <div class="card kpi-group"><h2>Instances waiting</h2><div class="kpi-value" id="wt-total">–</div></div>
      <div class="card kpi-group"><h2>Steps waited on</h2><div class="kpi-value" id="wt-steps">–</div></div>
      <div class="card kpi-group"><h2>Longest wait</h2><div class="kpi-value" id="wt-longest">–</div></div>
    </div>
    <section class="card">
      <div class="table-wrap" id="wt-table"><div class="loading" style="padding:16px">Loading…</div></div>
    </section>`);

  async function load() {
    try {
      const rows = await api.waiting();
      if (destroyed) return;
      root.querySelector('#wt-error').innerHTML = '';
      render(rows || []);
    } catch (e) {
      if (!destroyed) root.querySelector('#wt-error').innerHTML = String(errorBanner(e));
    }
  }

  function render(rows) {
    rows = rows.slice().sort((a, b) => (parseTime(a.oldestSince) ?? Infinity) - (parseTime(b.oldestSince) ?? Infinity)
      || b.waiting - a.waiting);
    const total = rows.reduce((n, r) => n + (r.waiting || 0), 0);
    const oldest = rows.map(r => parseTime(r.oldestSince)).filter(t => t !== null).sort((a, b) => a - b)[0];
    root.querySelector('#wt-total').textContent = total.toLocaleString();
    root.querySelector('#wt-steps').textContent = String(rows.length);
    const longest = root.querySelector('#wt-longest');
    if (oldest) {
      longest.innerHTML = String(html`<span data-age-of="${new Date(oldest).toISOString()}">${duration(Date.now() - oldest)}</span>`);
    } else {
      longest.textContent = '–';
    }
    const box = root.querySelector('#wt-table');
    if (!rows.length) {
      box.innerHTML = String(html`<div class="empty" id="wt-empty">Nothing is waiting: every command sent has its outcome.</div>`);
      root.dataset.loaded = 'true';
      return;
    }
    const max = Math.max(...rows.map(r => r.waiting || 0), 1);
    box.innerHTML = String(html`<table class="data" id="waiting-table">
      <thead><tr><th>Workflow</th><th>Step</th><th>Kind</th><th>Worker topic</th><th class="right">Waiting</th><th></th>
        <th>Oldest waiting since</th><th class="right">Longest wait</th></tr></thead>
      <tbody>${rows.map(r => {
        const age = Date.now() - (parseTime(r.oldestSince) ?? Date.now());
        const ageClass = age >= BAD_MS ? 'age-bad' : age >= WARN_MS ? 'age-warn' : '';
        const status = r.kind === 'compensate' ? 'COMPENSATING' : 'RUNNING';
        const href = `#/instances?workflow=${encodeURIComponent(r.workflow)}&status=${status}`;
        return html`<tr class="clickable" data-href="${href}" data-workflow="${r.workflow}" data-step-id="${r.stepId}"
            data-topic="${r.topic || ''}" data-waiting="${r.waiting}">
          <td class="nowrap"><a href="${href}">${r.workflow}</a>${r.version ? html` <span class="muted small">v${r.version}</span>` : ''}</td>
          <td><span class="chip">${r.stepId}</span></td>
          <td><span class="kind ${r.kind || 'execute'}">${r.kind === 'compensate' ? 'undo' : 'execute'}</span></td>
          <td class="mono small">${r.topic || '–'}</td>
          <td class="right num"><b>${(r.waiting || 0).toLocaleString()}</b></td>
          <td style="width:18%"><div class="bar" style="--bar-color:var(--st-RUNNING)"><span style="width:${(100 * (r.waiting || 0) / max).toFixed(1)}%"></span></div></td>
          <td class="nowrap">${since(r.oldestSince)} <span class="muted small">${dateTime(r.oldestSince)}</span></td>
          <td class="right num nowrap ${ageClass}" data-age-of="${r.oldestSince || ''}">${duration(age)}</td>
        </tr>`;
      })}</tbody></table>`);
    for (const tr of box.querySelectorAll('tr[data-href]')) {
      tr.addEventListener('click', e => { if (!e.target.closest('a')) location.hash = tr.dataset.href; });
    }
    root.dataset.loaded = 'true';
  }

  const refresh = throttle(load, 1000);
  const timer = setInterval(load, 5000);
  load();
  return {
    onEvent() { refresh(); },
    destroy() { destroyed = true; clearInterval(timer); },
  };
}
