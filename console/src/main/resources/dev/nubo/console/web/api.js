// The control API, called with the token the user signed in with (kept for this tab only).

const KEY = 'nubo.token';

export const token = {
  get: () => sessionStorage.getItem(KEY),
  set: value => sessionStorage.setItem(KEY, value),
  clear: () => sessionStorage.removeItem(KEY),
};

/** An answer of the API other than 2xx, with its error code, message and hint (docs/API.md, "Errors"). */
export class ApiError extends Error {
  constructor(status, code, message, hint) {
    super(message);
    this.status = status;
    this.code = code;
    this.hint = hint;
  }
}

/** Sends a request to the API; resolves to the Response when it is 2xx, else rejects with an ApiError. */
export async function call(method, path, {body, headers = {}, signal} = {}) {
  const sent = {Authorization: 'Bearer ' + (token.get() ?? ''), ...headers};
  if (body !== undefined) sent['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, {method, headers: sent, body: body === undefined ? undefined : JSON.stringify(body), signal});
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', 'The Nubo server did not answer (' + e.message + ')', 'Is `nubo server` still running?');
  }
  if (!res.ok) throw await failure(res);
  return res;
}

export async function get(path, signal) {
  return (await call('GET', path, {signal})).json();
}

async function failure(res) {
  let error = {};
  try {
    error = (await res.json()).error ?? {};
  } catch {
    // not one of the API's JSON errors: the status says what there is to say
  }
  const e = new ApiError(res.status, error.code ?? 'http.' + res.status, error.message ?? 'HTTP ' + res.status, error.hint ?? '');
  if (res.status === 401) window.dispatchEvent(new CustomEvent('nubo:unauthorized', {detail: e}));
  return e;
}

export const encode = encodeURIComponent;
