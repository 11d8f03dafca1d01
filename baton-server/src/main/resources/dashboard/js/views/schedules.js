// "Schedules": workflows that start by themselves (a cron expression or an interval), with their next and last
// run, overlap rule and pause, and Pause/Resume behind a confirmation that asks for a reason.
import { api } from '../api.js';
import { html, dateTime, duration, parseTime, since } from '../format.js';
import { confirmDialog, toast, errorBanner } from '../ui.js';

export function mount(root) {
  let destroyed = false;
  root.innerHTML = String(html`
    <div class="page-head">
      <div><h1>Schedules</h1><p>Workflows that start by themselves, one instance per tick, with the tick in the
        instance id. Needs orchestrators started with <code>--schedules</code>.</p></div>
    </div>
    <div id="sc-error"></div>
    <section class="card">
      <div class="table-wrap" id="sc-table"><div class="loading" style="padding:16px">Loading…</div></div>
    </section>`);

  async function load() {
    try {
      const rows = await api.schedules();
      if (destroyed) return;
      root.querySelector('#sc-error').innerHTML = '';
      render(rows || []);
    } catch (e) {
      if (!destroyed) root.querySelector('#sc-error').innerHTML = String(errorBanner(e));
    }
  }

  function render(rows) {
    const box = root.querySelector('#sc-table');
    if (!rows.length) {
      box.innerHTML = String(html`<div class="empty" id="sc-empty">No deployed workflow has a schedule.</div>`);
      root.dataset.loaded = 'true';
      return;
    }
    box.innerHTML = String(html`<table class="data" id="schedules-table">
      <thead><tr><th>Workflow</th><th>Schedule</th><th>Time zone</th><th>Overlap</th><th>Catch-up</th>
        <th>Next run</th><th>Last run</th><th>State</th><th></th></tr></thead>
      <tbody>${rows.map(r => {
        const state = !r.enabled ? 'off' : r.paused ? 'paused' : 'running';
        const lastHref = r.lastInstanceId ? `#/instance/${encodeURIComponent(r.lastInstanceId)}` : null;
        return html`<tr data-workflow="${r.workflow}" data-paused="${String(!!r.paused)}" data-state="${state}">
          <td class="nowrap"><a href="#/instances?workflow=${encodeURIComponent(r.workflow)}">${r.workflow}</a>
            <span class="muted small">v${r.version}</span></td>
          <td class="mono small" data-col="expression">${r.expression}</td>
          <td class="small">${r.timeZone}</td>
          <td><span class="chip">${r.overlap}</span></td>
          <td><span class="chip">${r.catchUp}</span></td>
          <td class="nowrap" data-col="next-run">${state === 'running' ? until(r.nextRun) : html`<span class="muted">–</span>`}
            <span class="muted small">${dateTime(r.nextRun)}</span></td>
          <td class="nowrap" data-col="last-run">${lastHref
            ? html`<a href="${lastHref}">${since(r.lastRun)}</a> <span class="muted small">${dateTime(r.lastRun)}</span>`
            : html`<span class="muted">never</span>`}</td>
          <td data-col="state">${state === 'paused'
            ? html`<span class="badge" style="--c:var(--st-PAUSED, #d97706)">paused</span>
                <span class="small">by ${r.pausedBy || '?'}: ${r.pauseReason || ''}</span>`
            : state === 'off'
              ? html`<span class="badge">off</span> <span class="muted small">server runs without --schedules</span>`
              : html`<span class="badge" style="--c:var(--st-RUNNING, #2563eb)">running</span>`}</td>
          <td class="right nowrap">${state === 'off' ? '' : r.paused
            ? html`<button class="btn" type="button" data-action="resume">Resume…</button>`
            : html`<button class="btn" type="button" data-action="pause">Pause…</button>`}</td>
        </tr>`;
      })}</tbody></table>`);
    for (const button of box.querySelectorAll('button[data-action]')) {
      const workflow = button.closest('tr').dataset.workflow;
      button.addEventListener('click', () => act(button.dataset.action, workflow));
    }
    root.dataset.loaded = 'true';
  }

  async function act(action, workflow) {
    const pause = action === 'pause';
    const reason = await confirmDialog({
      title: pause ? `Pause the schedule of ${workflow}?` : `Resume the schedule of ${workflow}?`,
      body: html`<p>${pause
        ? 'Its ticks start nothing until it is resumed; a tick waiting for a running instance is dropped.'
        : 'The next tick after now starts; ticks that passed while it was paused are not caught up.'}</p>
        <label for="schedule-reason">Reason (required: kept with the schedule's pause, with your name)</label>
        <textarea id="schedule-reason" rows="2" placeholder="${pause ? 'e.g. month-end freeze' : 'e.g. freeze over'}"></textarea>`,
      confirmLabel: pause ? 'Pause schedule' : 'Resume schedule',
      danger: pause,
      read: dialog => dialog.querySelector('#schedule-reason').value.trim(),
      submit: r => (pause ? api.pauseSchedule(workflow, r) : api.resumeSchedule(workflow, r)),
    });
    if (reason === null) return;
    toast(pause ? `Pausing the schedule of ${workflow}` : `Resuming the schedule of ${workflow}`);
    setTimeout(load, 300);
  }

  const timer = setInterval(load, 2000);
  load();
  return {
    destroy() { destroyed = true; clearInterval(timer); },
  };
}

/** A time to come, such as "in 3 h 12 min", kept as a title-carrying element. */
function until(iso) {
  const t = parseTime(iso);
  if (t === null) return '';
  const ms = t - Date.now();
  return html`<time datetime="${iso}" title="${dateTime(iso)}">${ms <= 1000 ? 'now' : `in ${duration(ms)}`}</time>`;
}
