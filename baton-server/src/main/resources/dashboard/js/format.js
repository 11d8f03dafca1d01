// Small helpers shared by the views: safe HTML templates, times, durations, badges and JSON.

class Safe {
  constructor(text) { this.text = text; }
  toString() { return this.text; }
}

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(value) {
  return String(value ?? '').replace(/[&<>"']/g, c => ESCAPES[c]);
}

function piece(value) {
  if (value instanceof Safe) return value.text;
  if (Array.isArray(value)) return value.map(piece).join('');
  if (value === null || value === undefined || value === false) return '';
  return esc(value);
}

/** A tagged template that escapes every interpolated value unless it is already safe HTML. */
export function html(strings, ...values) {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += piece(values[i]) + strings[i + 1];
  return new Safe(out);
}

export function raw(text) { return new Safe(text); }

// ---- states and statuses ----

export const STEP_STATES = ['PENDING', 'RUNNING', 'WAITING_TO_RETRY', 'SUCCEEDED', 'SKIPPED', 'FAILED', 'TIMED_OUT',
  'COMPENSATING', 'COMPENSATED', 'COMPENSATION_FAILED', 'ABANDONED'];
export const PROCESS_STATUSES = ['RUNNING', 'COMPENSATING', 'INCIDENT', 'COMPLETED'];
export const OUTCOMES = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

export function words(state) {
  return String(state ?? '').replaceAll('_', ' ');
}

export function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

export function stateColor(state) { return `var(--st-${state})`; }

export function stateBadge(state) {
  // SKIPPED's fill is very light: give its badge a readable grey instead.
  const c = state === 'SKIPPED' ? '#9ca3af' : stateColor(state);
  return html`<span class="badge" style="--c:${c}" data-state="${state}">${words(state)}</span>`;
}

export function statusBadge(status) {
  return html`<span class="badge" style="--c:var(--ps-${status})">${words(status)}</span>`;
}

export function outcomeBadge(outcome) {
  return html`<span class="badge" style="--c:var(--oc-${outcome})">${words(outcome)}</span>`;
}

/** "COMPLETED · FAILED" for a finished item, "RUNNING" while nothing is decided, "COMPENSATING · FAILED" meanwhile. */
export function statusPair(status, outcome) {
  return html`<span class="status-pair" data-status="${status}" data-outcome="${outcome ?? ''}">${statusBadge(status)}${
    outcome ? html`<span class="sep">·</span>${outcomeBadge(outcome)}` : ''}</span>`;
}

// ---- time ----

function pad(n, w = 2) { return String(n).padStart(w, '0'); }

export function parseTime(iso) {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

export function clock(iso, millis = false) {
  const t = parseTime(iso);
  if (t === null) return '';
  const d = new Date(t);
  const s = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return millis ? `${s}.${pad(d.getMilliseconds(), 3)}` : s;
}

export function dateTime(iso) {
  const t = parseTime(iso);
  if (t === null) return '';
  const d = new Date(t);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${clock(iso, true)}`;
}

export function duration(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '';
  if (ms < 0) ms = 0;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s < 10 ? s.toFixed(2) : s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${pad(Math.floor(s % 60))} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${pad(m % 60)} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

export function between(fromIso, toIso) {
  const a = parseTime(fromIso);
  const b = parseTime(toIso);
  return a === null || b === null ? null : b - a;
}

export function ago(iso, now = Date.now()) {
  const t = parseTime(iso);
  if (t === null) return '';
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.floor(h / 24)} d ago`;
}

/** A time that keeps itself current: see tickRelativeTimes. */
export function since(iso) {
  return html`<time datetime="${iso ?? ''}" data-ago title="${dateTime(iso)}">${ago(iso)}</time>`;
}

export function tickRelativeTimes(root = document) {
  const now = Date.now();
  for (const el of root.querySelectorAll('time[data-ago]')) el.textContent = ago(el.getAttribute('datetime'), now);
  for (const el of root.querySelectorAll('[data-age-of]')) {
    const ms = now - (parseTime(el.getAttribute('data-age-of')) ?? now);
    el.textContent = duration(ms);
  }
}

// ---- JSON ----

/** Pretty JSON with light syntax colouring; the text is escaped before any markup is added. */
export function json(value, cls = '') {
  const text = value === undefined ? 'undefined' : JSON.stringify(value, null, 2);
  const coloured = esc(text).replace(
    /(&quot;(?:\\.|[^\\])*?&quot;)(\s*:)?|\b(true|false)\b|\bnull\b|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g,
    (m, str, colon, bool) => {
      if (str) return colon ? `<span class="k">${str}</span>${colon}` : `<span class="s">${str}</span>`;
      if (bool) return `<span class="b">${m}</span>`;
      if (m === 'null') return `<span class="z">${m}</span>`;
      return `<span class="n">${m}</span>`;
    });
  return html`<pre class="json ${cls}">${raw(coloured)}</pre>`;
}

export function percent(part, whole) {
  if (!whole) return '–';
  const p = (100 * part) / whole;
  return `${p < 10 && p > 0 ? p.toFixed(1) : Math.round(p)} %`;
}

/** Calls fn at most once per `ms`, and always once more after the last request. */
export function throttle(fn, ms) {
  let last = 0;
  let timer = null;
  return (...args) => {
    const wait = last + ms - Date.now();
    if (wait <= 0 && !timer) {
      last = Date.now();
      fn(...args);
    } else if (!timer) {
      timer = setTimeout(() => { timer = null; last = Date.now(); fn(...args); }, Math.max(wait, 0));
    }
  };
}
