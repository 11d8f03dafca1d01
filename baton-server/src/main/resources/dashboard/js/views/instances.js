// Instances: filter by workflow, process status, item outcome and business key; page through; open one.
// The filters and the page live in the hash (#/instances?outcome=FAILED&offset=25), so a view can be linked to.
import { api } from '../api.js';
import { html, statusPair, since, duration, between, throttle, PROCESS_STATUSES, OUTCOMES, words } from '../format.js';
import { errorBanner } from '../ui.js';

const PAGE = 25;
const FILTERS = ['workflow', 'status', 'outcome', 'businessKey'];

export function mount(root, params) {
  let state = normalise(params);
  let destroyed = false;
  let known = null; // ids on the current page, to mark rows that arrive live
  let loading = 0;

  root.innerHTML = String(html`
    <div class="page-head">
      <div><h1>Instances</h1><p>Newest first. Click a row to see its workflow graph, timeline and payloads.</p></div>
    </div>
    <div id="in-error"></div>
    <section class="card">
      <form class="filters" id="filters" autocomplete="off">
        <div class="field"><label for="f-workflow">Workflow</label>
          <select id="f-workflow" name="workflow"><option value="">All workflows</option></select></div>
        <div class="field"><label for="f-status">Process status</label>
          <select id="f-status" name="status"><option value="">Any status</option>
            ${PROCESS_STATUSES.map(s => html`<option value="${s}">${words(s)}</option>`)}</select></div>
        <div class="field"><label for="f-outcome">Item outcome</label>
          <select id="f-outcome" name="outcome"><option value="">Any outcome</option>
            ${OUTCOMES.map(s => html`<option value="${s}">${words(s)}</option>`)}</select></div>
        <div class="field"><label for="f-businessKey">Business key</label>
          <input id="f-businessKey" name="businessKey" type="search" placeholder="exact key, e.g. o-1001"></div>
        <div class="field"><button type="button" class="btn btn-ghost" id="f-clear">Clear filters</button></div>
      </form>
      <div class="table-wrap" id="in-table"><div class="loading" style="padding:16px">Loading…</div></div>
      <div class="pager" id="in-pager"></div>
    </section>`);

  const form = root.querySelector('#filters');

  function fillForm() {
    for (const f of FILTERS) form.elements[f].value = state[f] || '';
  }

  async function loadWorkflows() {
    try {
      const list = await api.workflows();
      const select = form.elements.workflow;
      const names = [...new Set([...(list || []).map(w => w.name), state.workflow].filter(Boolean))].sort();
      select.innerHTML = String(html`<option value="">All workflows</option>${names.map(n => html`<option value="${n}">${n}</option>`)}`);
      select.value = state.workflow || '';
    } catch { /* the list still works without the names */ }
  }

  function go(next) {
    const q = new URLSearchParams();
    for (const f of FILTERS) if (next[f]) q.set(f, next[f]);
    if (next.offset) q.set('offset', String(next.offset));
    const hash = `#/instances${q.toString() ? `?${q}` : ''}`;
    if (location.hash !== hash) location.hash = hash; // app.js calls route() below
  }

  form.addEventListener('change', e => {
    if (e.target.name === 'businessKey') return;
    go({ ...readForm(form), offset: 0 });
  });
  let typing = null;
  form.elements.businessKey.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => go({ ...readForm(form), offset: 0 }), 400);
  });
  form.addEventListener('submit', e => { e.preventDefault(); go({ ...readForm(form), offset: 0 }); });
  root.querySelector('#f-clear').addEventListener('click', () => go({}));

  async function load() {
    const ticket = ++loading;
    const query = { limit: PAGE, offset: state.offset };
    for (const f of FILTERS) if (state[f]) query[f] = state[f];
    try {
      const page = await api.instances(query);
      if (destroyed || ticket !== loading) return;
      root.querySelector('#in-error').innerHTML = '';
      render(page);
    } catch (e) {
      if (!destroyed && ticket === loading) root.querySelector('#in-error').innerHTML = String(errorBanner(e));
    }
  }

  function render(page) {
    const items = page.items || [];
    const box = root.querySelector('#in-table');
    const fresh = known ? new Set(items.map(i => i.instanceId).filter(id => !known.has(id))) : new Set();
    known = new Set(items.map(i => i.instanceId));
    if (!items.length) {
      const filtered = FILTERS.some(f => state[f]);
      box.innerHTML = String(html`<div class="empty" id="in-empty">${filtered ? 'No instance matches these filters.' : 'No instances yet.'}</div>`);
    } else {
      box.innerHTML = String(html`<table class="data" id="instance-table">
        <thead><tr><th>Instance</th><th>Workflow</th><th>Business key</th><th>Status</th><th>Waiting on</th>
          <th>Started</th><th class="right">Duration</th><th>Failure</th></tr></thead>
        <tbody>${items.map(i => row(i, fresh.has(i.instanceId)))}</tbody></table>`);
      for (const tr of box.querySelectorAll('tr[data-instance-id]')) {
        tr.addEventListener('click', e => {
          if (e.target.closest('a')) return;
          location.hash = `#/instance/${encodeURIComponent(tr.dataset.instanceId)}`;
        });
      }
    }
    const total = page.total ?? items.length;
    const from = total ? state.offset + 1 : 0;
    const to = state.offset + items.length;
    const pager = root.querySelector('#in-pager');
    pager.dataset.total = String(total);
    pager.innerHTML = String(html`<span class="num" id="in-count">${total ? `${from}–${to} of ${total.toLocaleString()}` : '0 instances'}</span>
      <span class="btns"><button class="btn" data-page="prev" ${state.offset <= 0 ? 'disabled' : ''}>← Newer</button>
      <button class="btn" data-page="next" ${to >= total ? 'disabled' : ''}>Older →</button></span>`);
    pager.querySelector('[data-page="prev"]').disabled = state.offset <= 0;
    pager.querySelector('[data-page="next"]').disabled = to >= total;
    pager.querySelector('[data-page="prev"]').onclick = () => go({ ...state, offset: Math.max(0, state.offset - PAGE) });
    pager.querySelector('[data-page="next"]').onclick = () => go({ ...state, offset: state.offset + PAGE });
    root.dataset.loaded = 'true';
  }

  fillForm();
  loadWorkflows();
  load();
  const refresh = throttle(load, 1000);

  return {
    route(next) {
      state = normalise(next);
      known = null;
      fillForm();
      load();
    },
    onEvent(event) {
      // New instances only show on the first page; every notification may change a row's status.
      if (event.type === 'InstanceStarted' && state.offset > 0) return;
      refresh();
    },
    destroy() { destroyed = true; clearTimeout(typing); },
  };
}

function normalise(params) {
  const s = {};
  for (const f of FILTERS) s[f] = params[f] || '';
  s.offset = Math.max(0, parseInt(params.offset, 10) || 0);
  return s;
}

function readForm(form) {
  const s = {};
  for (const f of FILTERS) s[f] = form.elements[f].value.trim();
  return s;
}

function row(i, fresh) {
  const end = i.completedAt || null;
  const took = end ? between(i.startedAt, end) : null;
  const failure = i.failure;
  return html`<tr class="clickable${fresh ? ' flash' : ''}" data-instance-id="${i.instanceId}" data-status="${i.status}" data-outcome="${i.outcome || ''}">
    <td class="id"><a href="#/instance/${encodeURIComponent(i.instanceId)}" title="${i.instanceId}">${i.instanceId}</a></td>
    <td class="nowrap">${i.workflow} <span class="muted small">v${i.version}</span></td>
    <td class="mono small">${i.businessKey || html`<span class="muted">–</span>`}</td>
    <td>${statusPair(i.status, i.outcome)}${i.paused ? html` <span class="badge paused-mark" style="--c:var(--paused)" title="paused by an operator">paused</span>` : ''}</td>
    <td>${(i.waitingOn || []).length ? i.waitingOn.map(s => html`<span class="chip">${s}</span>`) : html`<span class="muted">–</span>`}</td>
    <td class="nowrap">${since(i.startedAt)}</td>
    <td class="right num nowrap">${took !== null ? duration(took) : html`<span class="muted" data-age-of="${i.startedAt}">${duration(Date.now() - Date.parse(i.startedAt))}</span>`}</td>
    <td class="failure-cell" title="${failure ? `${failure.stepId}: ${failure.type} — ${failure.message}` : ''}">${
      failure ? html`<span class="chip">${failure.stepId}</span>${failure.type}${failure.message ? ` — ${failure.message}` : ''}` : ''}</td>
  </tr>`;
}
