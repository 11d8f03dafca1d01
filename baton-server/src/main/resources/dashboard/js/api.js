// The REST API of `baton server` (see HttpApi). Every call answers parsed JSON or throws an Error with the
// server's own message.

// When the server requires tokens (baton server --api-tokens), the dashboard asks for one once and keeps it in this
// browser's local storage; a 401 asks again.
const TOKEN_KEY = 'baton.apiToken';

export function apiToken() {
  return localStorage.getItem(TOKEN_KEY);
}

async function call(method, path, body, retried) {
  const init = { method, headers: { Accept: 'application/json' } };
  const token = apiToken();
  if (token) init.headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new Error(`the server cannot be reached (${e.message})`);
  }
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (response.status === 401 && !retried) {
    const entered = window.prompt('This Baton server requires an API token:');
    if (entered) {
      localStorage.setItem(TOKEN_KEY, entered.trim());
      return call(method, path, body, true);
    }
  }
  if (!response.ok) {
    const error = new Error((data && data.error) || `${method} ${path} answered ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return data;
}

function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

export const api = {
  overview: () => call('GET', 'api/overview'),
  workflows: () => call('GET', 'api/workflows'),
  workflow: name => call('GET', `api/workflows/${encodeURIComponent(name)}`),
  instances: params => call('GET', `api/instances${query(params)}`),
  instance: id => call('GET', `api/instances/${encodeURIComponent(id)}`),
  waiting: () => call('GET', 'api/waiting'),
  // A page of a forEach step's items in list order: index, state, output or error.
  items: (id, stepId, offset, limit) =>
    call('GET', `api/instances/${encodeURIComponent(id)}/steps/${encodeURIComponent(stepId)}/items${query({ offset, limit })}`),
  cancel: (id, reason) => call('POST', `api/instances/${encodeURIComponent(id)}/cancel`, { reason }),
  retry: (id, stepId) => call('POST', `api/instances/${encodeURIComponent(id)}/retry`, { stepId }),
  // The recovery actions; each needs a reason, which the server refuses when empty (400 with its message).
  pause: (id, reason) => call('POST', `api/instances/${encodeURIComponent(id)}/pause`, { reason }),
  resume: (id, reason) => call('POST', `api/instances/${encodeURIComponent(id)}/resume`, { reason }),
  redrive: (id, reason) => call('POST', `api/instances/${encodeURIComponent(id)}/redrive`, { reason }),
  completeStep: (id, stepId, output, reason) =>
    call('POST', `api/instances/${encodeURIComponent(id)}/steps/${encodeURIComponent(stepId)}/complete`, { output, reason }),
  // Without an input (undefined), the step runs again on its mapped input.
  rerunStep: (id, stepId, input, reason) =>
    call('POST', `api/instances/${encodeURIComponent(id)}/steps/${encodeURIComponent(stepId)}/rerun`,
      input === undefined ? { reason } : { input, reason }),
  // Refused at once (409, with the reason) where the instance's state cannot be mapped onto that version.
  migrate: (id, version, mapping, reason) =>
    call('POST', `api/instances/${encodeURIComponent(id)}/migrate`, { version, mapping, reason }),
  schedules: () => call('GET', 'api/schedules'),
  pauseSchedule: (workflow, reason) => call('POST', `api/schedules/${encodeURIComponent(workflow)}/pause`, { reason }),
  resumeSchedule: (workflow, reason) => call('POST', `api/schedules/${encodeURIComponent(workflow)}/resume`, { reason }),
  skipStep: (id, stepId, reason) =>
    call('POST', `api/instances/${encodeURIComponent(id)}/steps/${encodeURIComponent(stepId)}/skip`, { reason }),
};
