// Admin only: accounts (disable, enable, sign out everywhere, contact data for staff, editor
// role for authors), headsets (remove a lost one), kiosks (pairing codes, unpair) and
// enrollment codes (make, revoke).
// Every revocation closes the credential's open sockets on every instance at once.

import { api, errorText } from '/ui/shared/api.js';
import { mountTopbar } from '/ui/shared/chrome.js';
import { esc, timeOfDay } from '/ui/shared/format.js';
import { addStrings, applyI18n, onLangChange, t } from '/ui/shared/i18n.js';
import { busy, confirmDialog, toast } from '/ui/shared/ui.js';

addStrings({
  admin_title: { th: 'ผู้ดูแลระบบ', en: 'Administration' },
  admin_intro: { th: 'บัญชี แว่น จอ และรหัส: การเพิกถอนมีผลทันทีกับทุกการเชื่อมต่อ', en: 'Accounts, headsets, screens and codes: a revocation takes effect on every open connection at once.' },
  accounts: { th: 'บัญชีผู้ใช้', en: 'Accounts' },
  headsets: { th: 'แว่น VR', en: 'Headsets' },
  kiosks: { th: 'จอลงทะเบียนและจอคิว', en: 'Check-in tablets and queue TVs' },
  kiosks_help: { th: 'เปิด /pair/ บนจอแล้วใส่รหัสจับคู่ (ใช้ได้ครั้งเดียว ภายใน 1 ชั่วโมง)', en: 'Open /pair/ on the screen and enter a pairing code (one use, within 1 hour).' },
  codes: { th: 'รหัสลงทะเบียนแว่น', en: 'Headset enrollment codes' },
  role_admin: { th: 'ผู้ดูแลระบบ', en: 'admin' },
  role_staff: { th: 'เจ้าหน้าที่', en: 'staff' },
  role_author: { th: 'ผู้สร้างเนื้อหา', en: 'author' },
  role_editor: { th: 'บรรณาธิการ', en: 'editor' },
  disabled: { th: 'ถูกปิดใช้งาน', en: 'disabled' },
  disable: { th: 'ปิดใช้งาน', en: 'Disable' },
  enable: { th: 'เปิดใช้งาน', en: 'Enable' },
  sign_out_all: { th: 'ออกจากระบบทุกเครื่อง', en: 'Sign out everywhere' },
  contact_on: { th: 'อนุญาตดูข้อมูลติดต่อ', en: 'Allow contact data' },
  contact_off: { th: 'เลิกอนุญาตข้อมูลติดต่อ', en: 'Stop contact data' },
  make_editor: { th: 'ให้แก้ไขได้ทุกฉาก (บรรณาธิการ)', en: 'Make editor (every scene)' },
  make_author: { th: 'กลับเป็นผู้สร้างเนื้อหา', en: 'Back to author' },
  remove: { th: 'ลบ', en: 'Remove' },
  revoke: { th: 'เพิกถอน', en: 'Revoke' },
  new_pairing_code: { th: 'สร้างรหัสจับคู่จอ', en: 'New pairing code' },
  new_enroll_code: { th: 'สร้างรหัสลงทะเบียน', en: 'New enrollment code' },
  code_uses: { th: 'จำนวนครั้ง', en: 'Uses' },
  code_hours: { th: 'ใช้ได้ (ชั่วโมง)', en: 'Valid (hours)' },
  code_label: { th: 'ป้ายชื่อ', en: 'Label' },
  uses_left: { th: 'เหลือ {n} ครั้ง', en: '{n} uses left' },
  until: { th: 'ถึง {time}', en: 'until {time}' },
  confirm_disable: { th: 'ปิดใช้งานบัญชี {name}? ทุกการเชื่อมต่อของบัญชีจะถูกตัดทันที', en: 'Disable {name}? Every connection of the account is closed at once.' },
  confirm_remove_headset: { th: 'ลบแว่น {name}? แว่นจะใช้งานไม่ได้จนกว่าจะลงทะเบียนใหม่', en: 'Remove headset {name}? It stops working until enrolled again.' },
  confirm_remove_kiosk: { th: 'เลิกจับคู่จอ {name}?', en: 'Unpair screen {name}?' },
  done: { th: 'เรียบร้อย', en: 'Done' },
});

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
