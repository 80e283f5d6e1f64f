// Staff sign-in: POST /api/auth/login sets the HttpOnly `vr_staff` cookie; then back to `next`.

import { api, errorText } from '/ui/shared/api.js';
import { mountBrand } from '/ui/shared/chrome.js';
import { applyI18n, loadStrings, onLangChange, t } from '/ui/shared/i18n.js';

await loadStrings(new URL('strings.json', import.meta.url));

/**
 * Only pages of this server: "/dashboard/", never "//evil.example" or "https://...". Control
 * characters and spaces are refused too: the URL parser drops tabs and newlines, so
 * "/<TAB>/evil.example" would become "//evil.example". The check is made again on the URL as the
 * browser resolves it, since resolving can make a path protocol-relative ("/..//evil.example"
 * becomes "//evil.example"), and the answer is that absolute URL on this origin, so nothing the
 * browser does with it later can lead elsewhere.
 */
export function safeNext(raw, origin = location.origin) {
  const fallback = new URL('/dashboard/', origin).href;
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  const unsafe = (path) => !path.startsWith('/') || path.startsWith('//') || /[\\\s\x00-\x1f\x7f]/.test(path);
  if (typeof raw !== 'string' || unsafe(raw)) return fallback;
  let url;
  try { url = new URL(raw, origin); } catch { return fallback; }
  if (url.origin !== origin || unsafe(url.pathname) || url.pathname.startsWith('/login')) return fallback;
  return url.href;
}

const next = safeNext(new URLSearchParams(location.search).get('next'));
const form = document.getElementById('login-form');
const errorBox = document.getElementById('login-error');
const submit = document.getElementById('login-submit');

mountBrand('login-brand');
applyI18n();
let lastError = null;
onLangChange(() => { if (lastError) errorBox.textContent = lastError(); });

function showError(describe) {
  lastError = describe;
  errorBox.textContent = describe ? describe() : '';
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const username = form.username.value.trim();
  const password = form.password.value;
  if (!username || !password) {
    showError(() => t('login_missing'));
    (username ? form.password : form.username).focus();
    return;
  }
  showError(null);
  submit.disabled = true;
  submit.textContent = t('signing_in');
  try {
    await api('/api/auth/login', { method: 'POST', body: { username, password }, auth: false });
    location.assign(next);
  } catch (err) {
    if (err.status === 401) showError(() => t('login_wrong'));
    else if (err.status === 403) showError(() => t('login_forbidden'));
    else if (err.status === 422) showError(() => t('login_missing'));
    else if (err.status === 429) showError(() => t('login_throttled', { s: err.retryAfter ?? 60 }));
    else showError(() => errorText(err));
    form.password.select();
  } finally {
    submit.disabled = false;
    submit.textContent = t('sign_in');
  }
});

// Signed in already (e.g. opened /login/ by hand): offer to go on.
api('/api/auth/me', { auth: false }).then((me) => {
  if (!me?.username) return;
  const box = document.getElementById('already');
  const paint = () => {
    box.innerHTML = '';
    box.append(t('login_already', { name: me.username }), ' ');
    const link = document.createElement('a');
    link.href = next;
    link.textContent = t('login_continue');
    box.append(link);
  };
  paint();
  onLangChange(paint);
  box.hidden = false;
}).catch(() => {});

// The button stays disabled until this module runs: a form sent without it would not sign in.
submit.disabled = false;
form.username.focus();
