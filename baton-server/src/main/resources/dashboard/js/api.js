// The REST API of `baton server` (see HttpApi). Every call answers parsed JSON or throws an Error with the
// server's own message.

async function call(method, path, body) {
  const init = { method, headers: { Accept: 'application/json' } };
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
  instances: params => call('GET', `api/instances${query(params)}`),
  instance: id => call('GET', `api/instances/${encodeURIComponent(id)}`),
  waiting: () => call('GET', 'api/waiting'),
  cancel: (id, reason) => call('POST', `api/instances/${encodeURIComponent(id)}/cancel`, { reason }),
  retry: (id, stepId) => call('POST', `api/instances/${encodeURIComponent(id)}/retry`, { stepId }),
};
