// Admin only: accounts (disable, enable, sign out everywhere, contact data for staff, editor
// role for authors), headsets (remove a lost one), kiosks (pairing codes, unpair) and
// enrollment codes (make, revoke).
// Every revocation closes the credential's open sockets on every instance at once.

import { api, errorText } from '/ui/shared/api.js';
import { mountTopbar } from '/ui/shared/chrome.js';
import { esc, timeOfDay } from '/ui/shared/format.js';
import { applyI18n, loadStrings, onLangChange, t } from '/ui/shared/i18n.js';
import { busy, confirmDialog, toast } from '/ui/shared/ui.js';

await loadStrings(new URL('strings.json', import.meta.url));

mountTopbar('admin');
applyI18n();

const table = (id) => document.getElementById(id);
const fail = (err) => errorText(err);

async function act(button, work, question) {
  if (question && !(await confirmDialog(question, '', { danger: true }))) return;
  const ok = await busy(button, work, fail);
  if (ok !== undefined) {
    toast(t('done'), 'good');
    await load();
  }
}

function accountRow(a) {
  const name = encodeURIComponent(a.username);
  const base = `/api/admin/accounts/${name}`;
  const buttons = [
    a.disabled
      ? ['enable', () => api(`${base}/enable`, { method: 'POST' })]
      : ['disable', () => api(`${base}/disable`, { method: 'POST' }), t('confirm_disable', { name: a.username })],
    ['sign_out_all', () => api(`${base}/sign-out`, { method: 'POST' })],
  ];
  if (a.role === 'author' || a.role === 'editor') {
    const role = a.role === 'author' ? 'editor' : 'author';
    buttons.push([`make_${role}`, () => api(`${base}/role`, { method: 'POST', body: { role } })]);
  }
  if (a.role === 'staff') {
    buttons.push([a.contact_access ? 'contact_off' : 'contact_on', () => api(`${base}/contact-access`, { method: 'POST', body: { allowed: !a.contact_access } })]);
  }
  return [`<td>${esc(a.username)}</td><td>${esc(t(`role_${a.role}`))}${a.disabled ? ` · <b>${esc(t('disabled'))}</b>` : ''}</td>`, buttons];
}

function render(id, items, row) {
  const el = table(id);
  el.innerHTML = items.length ? '' : `<tr><td class="muted">${esc(t('none_yet'))}</td></tr>`;
  for (const item of items) {
    const [cells, buttons] = row(item);
    const tr = document.createElement('tr');
    tr.innerHTML = `${cells}<td class="actions"></td>`;
    for (const [label, work, question] of buttons) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'small secondary';
      button.textContent = t(label);
      button.addEventListener('click', () => act(button, work, question));
      tr.querySelector('.actions').append(button);
    }
    el.append(tr);
  }
}

async function load() {
  try {
    const [accounts, headsets, kiosks, codes] = await Promise.all([
      api('/api/admin/accounts'), api('/api/headsets'), api('/api/admin/kiosks'), api('/api/admin/codes'),
    ]);
    render('accounts', accounts, accountRow);
    render('headsets', headsets, (h) => [`<td>${esc(h.name)}</td><td>${esc(h.status)}</td>`, [
      ['remove', () => api(`/api/headsets/${encodeURIComponent(h.id)}`, { method: 'DELETE' }), t('confirm_remove_headset', { name: h.name })],
    ]]);
    render('kiosks', kiosks, (k) => [`<td>${esc(k.name)}</td><td>${esc(timeOfDay(k.paired_at))}</td>`, [
      ['remove', () => api(`/api/admin/kiosks/${encodeURIComponent(k.id)}`, { method: 'DELETE' }), t('confirm_remove_kiosk', { name: k.name })],
    ]]);
    render('codes', codes.filter((c) => c.label), (c) => [
      `<td>${esc(c.label)}</td><td>${esc(c.purpose)} · ${esc(t('uses_left', { n: c.uses_left }))} · ${esc(t('until', { time: timeOfDay(c.expires_at) }))}</td>`,
      [['revoke', () => api('/api/admin/codes/revoke', { method: 'POST', body: { code: c.label } })]],
    ]);
  } catch (err) {
    toast(errorText(err), 'error', 7000);
  }
}

function show(id, code) {
  const el = document.getElementById(id);
  el.hidden = false;
  el.textContent = code;
}

document.getElementById('new-pairing').addEventListener('click', async (event) => {
  const made = await busy(event.currentTarget, () => api('/api/kiosks/pairing-code', { method: 'POST', body: { hours: 1 } }), fail);
  if (made) show('pairing-shown', made.code);
});

document.getElementById('code-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const body = { uses: Number(form.uses.value) || 1, hours: Number(form.hours.value) || 24, label: form.label.value.trim() };
  const made = await busy(form.querySelector('button'), () => api('/api/admin/codes', { method: 'POST', body }), fail);
  if (made) {
    show('code-shown', made.code);
    await load();
  }
});

onLangChange(load);
load();
