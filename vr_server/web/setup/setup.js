// First start: creates the first admin with the one-time link the server printed on its
// console (`/setup/#token=...`). The token is in the fragment, which the browser never sends;
// it is taken out of the address bar at once and posted in a JSON body. The new admin is
// signed in (the server sets the `vr_staff` cookie), then the dashboard opens.

import { api, errorText } from '/ui/shared/api.js';
import { mountBrand } from '/ui/shared/chrome.js';
import { applyI18n, onLangChange, loadStrings, t } from '/ui/shared/i18n.js';

await loadStrings(new URL('strings.json', import.meta.url));

const MIN_PASSWORD = 8;
const MAX_PASSWORD = 256;

/** The token of a `#token=...` fragment, or null. */
export function tokenFrom(hash) {
  const value = new URLSearchParams(hash.replace(/^#/, '')).get('token');
  return value && /^[A-Za-z0-9_-]{1,128}$/.test(value) ? value : null;
}

/** The key of what is wrong with the form's values, or null: the server checks the same. */
export function formProblem(username, password, again) {
  if (!username || !password || !again) return 'setup_missing';
  if (password.length < MIN_PASSWORD) return 'setup_short';
  if (password.length > MAX_PASSWORD) return 'setup_long';
  if (password.trim().toLowerCase() === username.toLowerCase()) return 'setup_same';
  if (password !== again) return 'setup_mismatch';
  return null;
}

/** The token of the address's fragment, which is then taken out of the address bar. */
function takeToken() {
  const found = tokenFrom(location.hash);
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);
  return found;
}

let token = takeToken();

const form = document.getElementById('setup-form');
const state = document.getElementById('setup-state');
const errorBox = document.getElementById('setup-error');
const submit = document.getElementById('setup-submit');

mountBrand('setup-brand');
applyI18n();

// What the page says is kept as a function of the language, so the switch repaints it.
let stateText = () => t('setup_checking');
let errorSays = null;
function paint() {
  state.replaceChildren(...[stateText()].flat());
  errorBox.textContent = errorSays ? errorSays() : '';
}
onLangChange(paint);

function signInLink() {
  const link = document.createElement('a');
  link.href = '/login/';
  link.textContent = t('setup_sign_in');
  return link;
}

function show(kind) {
  const says = {
    need_link: () => t('setup_need_link'),
    bad_link: () => t('setup_bad_link'),
    done: () => [t('setup_done'), ' ', signInLink()],
    ready: () => t('setup_ready'),
  };
  stateText = says[kind];
  state.dataset.state = kind;
  form.hidden = kind !== 'ready';
  paint();
}

function showError(describe) {
  errorSays = describe;
  paint();
}

async function refused(err) {
  if (err.status === 403) return show('bad_link');
  if (err.status === 409) {
    // 409 is either "an admin exists" or "that username is taken": the status tells them apart
    const status = await api('/api/setup', { auth: false }).catch(() => ({ required: false }));
    if (!status.required) return show('done');
    showError(() => t('setup_taken'));
    form.username.select();
    return undefined;
  }
  showError(() => errorText(err));
  return undefined;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const username = form.username.value.trim();
  const password = form.password.value;
  const problem = formProblem(username, password, form.password2.value);
  if (problem) {
    showError(() => t(problem));
    return;
  }
  showError(null);
  submit.disabled = true;
  submit.textContent = t('setup_creating');
  try {
    const account = await api('/api/setup', { method: 'POST', body: { token, username, password }, auth: false });
    stateText = () => t('setup_created', { name: account.username });
    state.dataset.state = 'created';
    form.hidden = true;
    paint();
    location.assign('/dashboard/');
  } catch (err) {
    await refused(err);
  } finally {
    submit.disabled = false;
    submit.textContent = t('setup_create');
  }
});

async function start() {
  const status = await api('/api/setup', { auth: false });
  if (!status.required) return show('done');
  if (!token) return show('need_link');
  try {
    await api('/api/setup/check', { method: 'POST', body: { token }, auth: false });
  } catch (err) {
    return refused(err);
  }
  show('ready');
  submit.disabled = false;
  form.username.focus();
  return undefined;
}

function run() {
  showError(null);
  start().catch((err) => showError(() => errorText(err)));
}

// A link pasted into this page's address bar changes only the fragment: no new page load.
window.addEventListener('hashchange', () => {
  token = takeToken();
  run();
});
paint();
run();
