// The audit trail (admin accounts only): GET /api/audit?since&action&actor, newest first.
// Who did what, when and from where: logins and failed logins, contact-data reads, CSV
// exports, publishes, activations, revocations and retention purges.

import { api, errorText } from '/ui/shared/api.js';
import { mountTopbar } from '/ui/shared/chrome.js';
import { esc } from '/ui/shared/format.js';
import { applyI18n, lang, loadStrings, onLangChange, t } from '/ui/shared/i18n.js';

await loadStrings(new URL('strings.json', import.meta.url));

mountTopbar('audit');
const form = document.getElementById('audit-filters');
const actionSelect = document.getElementById('action');
const body = document.querySelector('#audit-table tbody');
const empty = document.getElementById('audit-empty');
const errorBox = document.getElementById('audit-error');
let view = null;
let lastError = null;

const actionName = (action) => (t(`action_${action}`) !== `action_${action}` ? t(`action_${action}`) : action);

function when(iso) {
  return new Intl.DateTimeFormat(lang() === 'th' ? 'th-TH' : 'en-GB', {
    year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZone: 'Asia/Bangkok',
  }).format(new Date(iso));
}

function paintActions() {
  const chosen = actionSelect.value;
  const known = view ? Object.keys(view.actions) : [];
  actionSelect.innerHTML = `<option value="">${esc(t('audit_any'))}</option>`
    + known.map((a) => `<option value="${esc(a)}"${a === chosen ? ' selected' : ''}>${esc(actionName(a))}</option>`).join('');
}

function paint() {
  errorBox.textContent = lastError ? lastError() : '';
  if (!view) return;
  paintActions();
  body.innerHTML = view.entries.map((e) => `<tr data-action="${esc(e.action)}">
      <td>${esc(when(e.at))}</td>
      <td title="${esc(e.action)}">${esc(actionName(e.action))}</td>
      <td>${esc(e.actor ?? t(e.actor_role === 'system' ? 'audit_server' : 'audit_unknown'))}${e.actor_role ? ` <small class="muted">${esc(e.actor_role)}</small>` : ''}</td>
      <td>${esc(e.address ?? '—')}</td>
      <td>${esc(e.target ?? '—')}</td>
      <td class="details">${Object.keys(e.details).length ? esc(JSON.stringify(e.details)) : ''}</td>
    </tr>`).join('');
  empty.hidden = view.entries.length > 0;
}

async function load() {
  const params = new URLSearchParams();
  const hours = document.getElementById('since').value;
  if (hours) params.set('since', new Date(Date.now() - Number(hours) * 3600_000).toISOString());
  if (actionSelect.value) params.set('action', actionSelect.value);
  const actor = document.getElementById('actor').value.trim();
  if (actor) params.set('actor', actor);
  try {
    view = await api(`/api/audit?${params}`);
    lastError = null;
  } catch (err) {
    view = null;
    body.innerHTML = '';
    lastError = err.status === 403 ? () => t('audit_admin_only') : () => errorText(err);
  }
  paint();
}

form.addEventListener('submit', (event) => { event.preventDefault(); load(); });
onLangChange(() => { applyI18n(); paint(); });
applyI18n();
load();
