// Overview: counts by process status and item outcome, throughput and failure rate over the last 15 minutes,
// one row per workflow, and the notifications as they arrive.
import { api } from '../api.js';
import { html, clock, cssVar, percent, throttle, words } from '../format.js';
import { errorBanner } from '../ui.js';
import { recentEvents } from '../live.js';

const STATUS_KPIS = [
  ['RUNNING', 'Running', '--ps-RUNNING'],
  ['COMPENSATING', 'Compensating', '--ps-COMPENSATING'],
  ['INCIDENT', 'Incident', '--ps-INCIDENT'],
  ['COMPLETED', 'Completed', '--ps-COMPLETED'],
];
const OUTCOME_KPIS = [
  ['SUCCEEDED', 'Succeeded', '--oc-SUCCEEDED'],
  ['FAILED', 'Failed', '--oc-FAILED'],
  ['CANCELLED', 'Cancelled', '--oc-CANCELLED'],
];

const EVENT_COLOURS = {
  InstanceStarted: '--st-RUNNING', StepStarted: '--st-RUNNING', StepCompleted: '--st-SUCCEEDED',
  StepSkipped: '--st-PENDING', StepFailed: '--st-FAILED', StepTimedOut: '--st-FAILED', InstanceFailing: '--st-FAILED',
  StepRetryScheduled: '--st-WAITING_TO_RETRY', StepAbandoned: '--st-ABANDONED',
  CompensationStarted: '--st-COMPENSATING', CompensationCompleted: '--st-COMPENSATED',
  CompensationFailed: '--st-COMPENSATION_FAILED', IncidentRaised: '--ps-INCIDENT', InstanceCompleted: '--ps-COMPLETED',
  OutcomeIgnored: '--st-ABANDONED', RequestIgnored: '--st-ABANDONED',
};

const ROLLING_BUCKETS = 6; // failure rate over the last minute at each point

export function mount(root) {
  root.innerHTML = String(html`
    <div class="page-head">
      <div><h1>Overview</h1><p>Instances held by this orchestrator, updated live.</p></div>
    </div>
    <div id="ov-error"></div>
    <div class="kpi-groups">
      <section class="card kpi-group" aria-label="Processes by status">
        <h2>Processes</h2>
        <div class="kpis">${STATUS_KPIS.map(([k, label, c]) => kpi('status', k, label, c))}</div>
      </section>
      <section class="card kpi-group" aria-label="Items by outcome">
        <h2>Items</h2>
        <div class="kpis">${OUTCOME_KPIS.map(([k, label, c]) => kpi('outcome', k, label, c))}</div>
      </section>
    </div>
    <div class="grid grid-2">
      <section class="card">
        <div class="card-head"><h2>Throughput</h2><span class="sub">instances per 10 s, last 15 minutes</span></div>
        <div class="card-body"><div class="chart-box"><canvas id="chart-throughput" aria-label="Throughput chart" role="img"></canvas></div></div>
      </section>
      <section class="card">
        <div class="card-head"><h2>Failure rate</h2><span class="sub">failed ÷ finished, rolling 1 minute</span></div>
        <div class="card-body"><div class="chart-box"><canvas id="chart-failures" aria-label="Failure rate chart" role="img"></canvas></div></div>
      </section>
    </div>
    <div class="grid grid-2 section">
      <section class="card">
        <div class="card-head"><h2>Workflows</h2><span class="sub">latest deployed version</span></div>
        <div class="card-body flush table-wrap" id="ov-workflows"><div class="loading">Loading…</div></div>
      </section>
      <section class="card">
        <div class="card-head"><h2>Live activity</h2><span class="sub">status notifications as they arrive</span></div>
        <div class="card-body flush"><ul class="feed" id="ov-feed"></ul></div>
      </section>
    </div>`);

  const charts = { throughput: null, failures: null };
  let destroyed = false;

  async function load() {
    try {
      const data = await api.overview();
      if (destroyed) return;
      root.querySelector('#ov-error').innerHTML = '';
      renderCounts(root, data);
      renderWorkflows(root, data.workflows || []);
      renderCharts(root, charts, data.throughput || []);
      root.dataset.loaded = 'true';
    } catch (e) {
      if (!destroyed) root.querySelector('#ov-error').innerHTML = String(errorBanner(e));
    }
  }

  const feed = root.querySelector('#ov-feed');
  const seed = recentEvents().slice(0, 30);
  feed.innerHTML = seed.length ? seed.map(e => String(feedItem(e))).join('')
    : String(html`<li class="empty-feed muted" style="display:block">Waiting for notifications…</li>`);

  const refresh = throttle(load, 1000);
  const timer = setInterval(load, 10000);
  load();

  return {
    onEvent(event) {
      feed.querySelector('.empty-feed')?.remove();
      feed.insertAdjacentHTML('afterbegin', String(feedItem(event)));
      while (feed.children.length > 30) feed.lastElementChild.remove();
      refresh();
    },
    destroy() {
      destroyed = true;
      clearInterval(timer);
      charts.throughput?.destroy();
      charts.failures?.destroy();
    },
  };
}

function kpi(kind, key, label, colourVar) {
  const href = `#/instances?${kind}=${key}`;
  return html`<a class="kpi" href="${href}" data-kpi="${key}" data-kind="${kind}" style="--kpi-color:var(${colourVar})">
    <span class="kpi-label">${label}</span><span class="kpi-value">–</span></a>`;
}

function renderCounts(root, data) {
  for (const [map, kind] of [[data.byStatus || {}, 'status'], [data.byOutcome || {}, 'outcome']]) {
    for (const el of root.querySelectorAll(`.kpi[data-kind="${kind}"]`)) {
      const n = map[el.dataset.kpi] ?? 0;
      el.dataset.count = String(n);
      el.querySelector('.kpi-value').textContent = n.toLocaleString();
    }
  }
}

function renderWorkflows(root, workflows) {
  const box = root.querySelector('#ov-workflows');
  if (!workflows.length) {
    box.innerHTML = String(html`<div class="empty">No instances yet. Deploy a workflow and start one:
      <code>baton start WORKFLOW --input '{…}'</code></div>`);
    return;
  }
  box.innerHTML = String(html`<table class="data" id="workflow-table">
    <thead><tr><th>Workflow</th><th class="right">Running</th><th class="right">Succeeded</th><th class="right">Failed</th>
      <th class="right">Cancelled</th><th>Failure rate</th></tr></thead>
    <tbody>${workflows.map(w => {
      const finished = (w.succeeded || 0) + (w.failed || 0) + (w.cancelled || 0);
      const rate = finished ? (100 * (w.failed || 0)) / finished : 0;
      return html`<tr class="clickable" data-workflow="${w.name}" data-href="#/instances?workflow=${encodeURIComponent(w.name)}">
        <td><a href="#/instances?workflow=${encodeURIComponent(w.name)}">${w.name}</a> <span class="muted small">v${w.version}</span>
          <a class="muted small" href="api/workflows/${encodeURIComponent(w.name)}/asyncapi" target="_blank" title="AsyncAPI 3 document of this workflow's topics and messages">AsyncAPI</a></td>
        <td class="right num">${w.running}</td>
        <td class="right num">${w.succeeded}</td>
        <td class="right num">${w.failed}</td>
        <td class="right num">${w.cancelled}</td>
        <td><div style="display:flex;align-items:center;gap:8px"><div class="bar" style="flex:1;--bar-color:var(--oc-FAILED)">
          <span style="width:${rate.toFixed(1)}%"></span></div><span class="num small nowrap">${percent(w.failed || 0, finished)}</span></div></td>
      </tr>`;
    })}</tbody></table>`);
  for (const tr of box.querySelectorAll('tr[data-href]')) {
    tr.addEventListener('click', e => { if (!e.target.closest('a')) location.hash = tr.dataset.href; });
  }
}

function renderCharts(root, charts, points) {
  if (typeof window.Chart !== 'function') return;
  const labels = points.map(p => clock(p.t));
  const started = points.map(p => p.started || 0);
  const succeeded = points.map(p => p.succeeded || 0);
  const failed = points.map(p => p.failed || 0);
  const rate = points.map((_, i) => {
    let ok = 0;
    let bad = 0;
    for (let j = Math.max(0, i - ROLLING_BUCKETS + 1); j <= i; j++) { ok += succeeded[j]; bad += failed[j]; }
    return ok + bad ? Math.round((1000 * bad) / (ok + bad)) / 10 : null;
  });
  const colours = {
    started: cssVar('--st-RUNNING') || '#2563eb',
    succeeded: cssVar('--oc-SUCCEEDED') || '#16a34a',
    failed: cssVar('--oc-FAILED') || '#dc2626',
  };
  const font = { family: cssVar('--font') || 'sans-serif', size: 11.5 };
  const common = {
    responsive: true, maintainAspectRatio: false, animation: false,
    interaction: { mode: 'index', intersect: false },
    plugins: { legend: { position: 'bottom', labels: { boxWidth: 10, boxHeight: 10, font } }, tooltip: { titleFont: font, bodyFont: font } },
  };
  const xAxis = { grid: { display: false }, ticks: { maxTicksLimit: 8, maxRotation: 0, font, color: '#6b7280' } };

  if (!charts.throughput) {
    charts.throughput = new window.Chart(root.querySelector('#chart-throughput'), {
      type: 'bar',
      data: {
        labels,
        datasets: [
          { type: 'line', label: 'Started', data: started, borderColor: colours.started, backgroundColor: colours.started,
            borderWidth: 2, pointRadius: 0, tension: 0.3, order: 0 },
          { label: 'Succeeded', data: succeeded, backgroundColor: colours.succeeded, stack: 'done', order: 1, barPercentage: 0.9, categoryPercentage: 1 },
          { label: 'Failed', data: failed, backgroundColor: colours.failed, stack: 'done', order: 1, barPercentage: 0.9, categoryPercentage: 1 },
        ],
      },
      options: {
        ...common,
        scales: { x: { ...xAxis, stacked: true },
          y: { stacked: true, beginAtZero: true, ticks: { precision: 0, font, color: '#6b7280' }, grid: { color: '#eef0f3' } } },
      },
    });
  } else {
    const c = charts.throughput;
    c.data.labels = labels;
    c.data.datasets[0].data = started;
    c.data.datasets[1].data = succeeded;
    c.data.datasets[2].data = failed;
    c.update('none');
  }
  if (!charts.failures) {
    charts.failures = new window.Chart(root.querySelector('#chart-failures'), {
      type: 'line',
      data: {
        labels,
        datasets: [{ label: 'Failure rate (%)', data: rate, borderColor: colours.failed,
          backgroundColor: 'rgba(220, 38, 38, 0.08)', fill: true, borderWidth: 2, pointRadius: 0, tension: 0.25, spanGaps: true }],
      },
      options: {
        ...common,
        plugins: { ...common.plugins, legend: { display: false } },
        scales: { x: xAxis,
          y: { min: 0, max: 100, ticks: { callback: v => `${v} %`, font, color: '#6b7280', stepSize: 25 }, grid: { color: '#eef0f3' } } },
      },
    });
  } else {
    const c = charts.failures;
    c.data.labels = labels;
    c.data.datasets[0].data = rate;
    c.update('none');
  }
}

function feedItem(e) {
  const colour = EVENT_COLOURS[e.type] ? `var(${EVENT_COLOURS[e.type]})` : 'var(--text-2)';
  const extra = e.stepId ? ` · ${e.stepId}` : (e.outcome ? ` · ${words(e.outcome)}` : '');
  return html`<li data-event="${e.type}" data-instance-id="${e.instanceId || ''}">
    <span class="t">${clock(e.at)}</span>
    <span class="ty" style="--c:${colour}" title="${e.type}">${e.type}</span>
    <span class="who">${e.instanceId ? html`<a href="#/instance/${encodeURIComponent(e.instanceId)}">${e.instanceId}</a>` : ''}${extra}</span>
  </li>`;
}
