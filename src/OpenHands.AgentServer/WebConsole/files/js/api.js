// The console's one door to the server: the public REST API and the events websocket.
// The session key lives in this module's closure only: never in storage, cookies, the URL or the DOM.
// Requests never ask the server to expose secrets, so no answer can carry a stored key.

const root = new URL('../../', import.meta.url);   // the server's root, below any path base
let sessionKey = null;

/** An answer other than 2xx, with the server's `detail` made readable. */
export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

export function setSessionKey(key) {
  sessionKey = key ? String(key) : null;
}

export function hasSessionKey() {
  return sessionKey !== null;
}

/** Calls a REST route (`path` below the server's root, e.g. `api/profiles`) and returns the parsed JSON. */
export async function call(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (sessionKey !== null) headers['X-Session-API-Key'] = sessionKey;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(new URL(path, root), {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'omit',
    cache: 'no-store',
    redirect: 'error',
  });
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = text;
  }
  if (!response.ok) throw new ApiError(response.status, describe(response.status, data));
  return data;
}

/** Reads `{"detail": "..."}` or FastAPI's `{"detail": [{"loc", "msg"}]}` into one line. */
function describe(status, data) {
  const detail = data && typeof data === 'object' ? data.detail : data;
  if (Array.isArray(detail)) {
    return detail.map((d) => `${(d.loc || []).join('.')}: ${d.msg}`).join('; ');
  }
  return detail ? `${status}: ${detail}` : `HTTP ${status}`;
}

/**
 * Opens the events websocket of a conversation. The key goes in the first frame (`{"type":"auth"}`), not in the URL,
 * which would reach access logs.
 */
export function openEventSocket(conversationId, query) {
  const url = new URL(`sockets/events/${encodeURIComponent(conversationId)}`, root);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  const socket = new WebSocket(url);
  const key = sessionKey;
  socket.addEventListener('open', () => {
    if (key !== null) socket.send(JSON.stringify({ type: 'auth', session_api_key: key }));
  }, { once: true });
  return socket;
}
