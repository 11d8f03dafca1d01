// Live updates: the server-sent events of GET /api/events (event name "status", data = a status notification
// as on the baton.status topic). Keeps the indicator in the top bar current and remembers recent notifications.

import { apiToken } from './api.js';

const RECENT_MAX = 100;
const PER_INSTANCE_MAX = 300;

const listeners = new Set();
const recent = [];
const byInstance = new Map();
let source = null;
let received = 0;

const LABELS = { connecting: 'Connecting…', open: 'Live', reconnecting: 'Reconnecting…', closed: 'Offline' };

function indicate(state) {
  const el = document.getElementById('live');
  if (!el) return;
  el.dataset.state = state;
  el.querySelector('.live-text').textContent = LABELS[state];
  el.title = state === 'open'
    ? `Live updates connected; ${received} notification${received === 1 ? '' : 's'} received`
    : 'Live updates (server-sent events) are not connected; the browser retries by itself';
}

function remember(event) {
  recent.unshift(event);
  if (recent.length > RECENT_MAX) recent.length = RECENT_MAX;
  if (!event.instanceId) return;
  let list = byInstance.get(event.instanceId);
  if (!list) {
    list = [];
    byInstance.set(event.instanceId, list);
    if (byInstance.size > PER_INSTANCE_MAX) byInstance.delete(byInstance.keys().next().value);
  }
  list.push(event);
}

function pulse() {
  const el = document.getElementById('live');
  if (!el) return;
  el.classList.remove('pulse');
  void el.offsetWidth; // restart the animation
  el.classList.add('pulse');
  el.dataset.events = String(received);
}

export function connect() {
  if (source) return;
  indicate('connecting');
  // EventSource cannot send headers, so a token goes in the query string (the server accepts it there only here).
  const token = apiToken();
  source = new EventSource(token ? `api/events?access_token=${encodeURIComponent(token)}` : 'api/events');
  source.onopen = () => indicate('open');
  source.onerror = () => indicate(source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting');
  source.addEventListener('status', message => {
    let event;
    try { event = JSON.parse(message.data); } catch { return; }
    received++;
    remember(event);
    pulse();
    indicate('open');
    for (const listener of listeners) {
      try { listener(event); } catch (e) { console.error('live listener failed', e); }
    }
  });
}

/** Calls listener(notification) for every notification; returns the function that unsubscribes. */
export function subscribe(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function recentEvents() { return recent.slice(); }

export function eventsOf(instanceId) { return (byInstance.get(instanceId) || []).slice(); }
