// The REST API (docs/API.md): JSON in and out, the session's CSRF token on
// every change, errors as ApiError with the field they concern.

let csrfToken = null;

export function setCsrf(token) {
  csrfToken = token;
}

export function getCsrf() {
  return csrfToken;
}

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `The server answered ${status}`);
    this.status = status;
    this.code = e.code || 'failed';
    this.field = e.field || null;
  }
}

/** Listeners told when the session is gone (401), so the app shows the login. */
const unauthorized = new Set();
export function onUnauthorized(fn) {
  unauthorized.add(fn);
}

export async function request(method, path, body) {
  const headers = {};
  const init = { method, headers, credentials: 'same-origin' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const resp = await fetch(`/api/v1${path}`, init);
  const text = await resp.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!resp.ok) {
    const err = new ApiError(resp.status, json);
    if (resp.status === 401 && !path.startsWith('/session')) unauthorized.forEach((fn) => fn(err));
    throw err;
  }
  return { status: resp.status, json };
}

export const get = async (path) => (await request('GET', path)).json;
export const post = (path, body = {}) => request('POST', path, body);
export const patch = (path, body) => request('PATCH', path, body);
export const put = (path, body) => request('PUT', path, body);
export const del = (path) => request('DELETE', path);

/** Path segment of a name chosen by a user. */
export const seg = (name) => encodeURIComponent(name);
