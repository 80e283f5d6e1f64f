// HTTP calls from the pages. The staff credential is the HttpOnly `vr_staff` cookie the
// server set at sign-in, so the pages never see a token: fetch sends the cookie itself, and
// every call carries `X-Requested-With`, without which the server refuses a cookie-signed POST.
// Errors become `ApiError` with the server's code; `errorText` says them in Thai or English.

import { t } from './i18n.js';

export class ApiError extends Error {
  constructor(status, code, detail, retryAfter = null) {
    super(detail || code || `HTTP ${status}`);
    this.status = status;
    this.code = code;
    this.detail = detail;
    /** Seconds from a 429's Retry-After header, else null. */
    this.retryAfter = retryAfter;
  }
}

/** Where to sign in again and come back to this page. */
export function loginUrl(next = location.pathname + location.search) {
  return `/login/?next=${encodeURIComponent(next)}`;
}

export function goToLogin() {
  location.assign(loginUrl());
}

const BASE_HEADERS = { Accept: 'application/json', 'X-Requested-With': 'fetch' };

/**
 * `api('/api/queue')`, `api('/api/queue/tickets', {method: 'POST', body: {...}})`.
 * A 401 on a staff page goes back to the sign-in page unless `{auth: false}`.
 */
export async function api(path, { method = 'GET', body, auth = true, timeoutMs = 15000 } = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      cache: 'no-store',
      // X-Requested-With: the server refuses cookie-signed changes without it (CSRF).
      headers: body === undefined ? { ...BASE_HEADERS } : { ...BASE_HEADERS, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal,
    });
  } catch (err) {
    throw new ApiError(0, err?.name === 'AbortError' ? 'timeout' : 'network', String(err?.message ?? err));
  } finally {
    clearTimeout(timer);
  }
  if (response.status === 204) return null;
  let data = null;
  const text = await response.text();
  if (text) {
    try { data = JSON.parse(text); } catch { data = text; }
  }
  if (!response.ok) {
    if (response.status === 401 && auth) {
      goToLogin();
    }
    const detail = typeof data?.detail === 'string' ? data.detail : Array.isArray(data?.detail) ? data.detail.map((d) => d.msg).join('; ') : '';
    const code = data?.code ?? (response.status === 422 ? 'invalid_message' : response.status === 401 ? 'auth_failed' : null);
    const retryAfter = Number.parseInt(response.headers.get('Retry-After') ?? '', 10);
    throw new ApiError(response.status, code, detail, Number.isFinite(retryAfter) ? retryAfter : null);
  }
  return data;
}

const CODE_KEYS = {
  network: 'err_network',
  timeout: 'err_timeout',
  auth_failed: 'err_auth_failed',
  not_found: 'err_not_found',
  conflict: 'err_conflict',
  invalid_state: 'err_invalid_state',
  headset_offline: 'err_headset_offline',
  invalid_message: 'err_invalid',
  invalid_event: 'err_invalid',
  rate_limited: 'err_rate_limited',
  not_allowed: 'err_not_allowed',
};

/** A sentence for people: the kind of error in the page's language, and the server's detail. */
export function errorText(err) {
  if (err == null) return t('err_unknown');
  const code = err.code;
  let key = CODE_KEYS[code];
  if (!key && err.status === 403) key = 'err_forbidden';
  if (!key && err.status === 422) key = 'err_invalid';
  if (!key && err.status >= 500) return t('err_server', { status: err.status });
  const base = key ? t(key) : t('err_unknown');
  const detail = err.detail && err.detail !== code ? ` (${err.detail})` : '';
  return base + detail;
}
