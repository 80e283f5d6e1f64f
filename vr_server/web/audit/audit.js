// The audit trail (admin accounts only): GET /api/audit?since&action&actor, newest first.
// Who did what, when and from where: logins and failed logins, contact-data reads, CSV
// exports, publishes, activations, revocations and retention purges.

import { api, errorText } from '/ui/shared/api.js';
import { mountTopbar } from '/ui/shared/chrome.js';
import { esc } from '/ui/shared/format.js';
import { addStrings, applyI18n, lang, onLangChange, t } from '/ui/shared/i18n.js';

addStrings({
  audit_title: { th: 'บันทึกการใช้งาน', en: 'Audit trail' },
  audit_intro: { th: 'ใครทำอะไร เมื่อไร จากที่ไหน ล่าสุดอยู่บนสุด (เฉพาะผู้ดูแลระบบ)', en: 'Who did what, when and from where, newest first (administrators only).' },
  audit_since: { th: 'ช่วงเวลา', en: 'Since' },
  audit_1h: { th: '1 ชั่วโมงล่าสุด', en: 'Last hour' },
  audit_24h: { th: '24 ชั่วโมงล่าสุด', en: 'Last 24 hours' },
  audit_7d: { th: '7 วันล่าสุด', en: 'Last 7 days' },
  audit_30d: { th: '30 วันล่าสุด', en: 'Last 30 days' },
  audit_all: { th: 'ทั้งหมด', en: 'All' },
  audit_action: { th: 'การกระทำ', en: 'Action' },
  audit_any: { th: 'ทุกอย่าง', en: 'Any' },
  audit_actor: { th: 'ผู้ใช้', en: 'Account' },
  audit_show: { th: 'แสดง', en: 'Show' },
  audit_col_time: { th: 'เวลา', en: 'Time' },
  audit_col_action: { th: 'การกระทำ', en: 'Action' },
  audit_col_actor: { th: 'ผู้ทำ', en: 'Who' },
  audit_col_address: { th: 'จากที่อยู่', en: 'From' },
  audit_col_target: { th: 'เป้าหมาย', en: 'Target' },
  audit_col_details: { th: 'รายละเอียด', en: 'Details' },
  audit_empty: { th: 'ไม่มีรายการในช่วงนี้', en: 'No entries in this range.' },
  audit_admin_only: { th: 'หน้านี้สำหรับบัญชีผู้ดูแลระบบเท่านั้น', en: 'This page is for administrator accounts only.' },
  audit_server: { th: 'เซิร์ฟเวอร์', en: 'the server' },
  audit_unknown: { th: 'ไม่ทราบ', en: 'unknown' },
  action_login: { th: 'เข้าสู่ระบบ', en: 'Signed in' },
  action_login_failed: { th: 'เข้าสู่ระบบไม่สำเร็จ', en: 'Failed sign-in' },
  action_contact_read: { th: 'เปิดดูข้อมูลติดต่อผู้เข้าชม', en: 'Read visitor contact data' },
  action_csv_export: { th: 'ดาวน์โหลด CSV', en: 'CSV export' },
  action_publish: { th: 'เผยแพร่ฉาก', en: 'Published a scene' },
  action_activate: { th: 'เปลี่ยนเวอร์ชันที่ใช้งาน', en: 'Changed the active version' },
  action_purge: { th: 'ลบข้อมูลส่วนบุคคลตามกำหนด', en: 'Retention purge' },
  action_token_revoked: { th: 'เพิกถอนสิทธิ์', en: 'Token revoked' },
  action_account_disabled: { th: 'ปิดบัญชี', en: 'Account disabled' },
  action_headset_removed: { th: 'นำแว่นออกจากระบบ', en: 'Headset removed' },
  action_enrollment_revoked: { th: 'ยกเลิกรหัสลงทะเบียน', en: 'Enrollment code revoked' },
  action_account_enabled: { th: 'เปิดบัญชีอีกครั้ง', en: 'Account enabled' },
  action_contact_access: { th: 'เปลี่ยนสิทธิ์ดูข้อมูลติดต่อ', en: 'Contact access changed' },
  action_role_changed: { th: 'เปลี่ยนบทบาทบัญชี', en: 'Role changed' },
  action_kiosk_paired: { th: 'จับคู่แท็บเล็ต/จอคิว', en: 'Kiosk paired' },
  action_kiosk_removed: { th: 'นำแท็บเล็ต/จอคิวออก', en: 'Kiosk removed' },
  action_logout: { th: 'ออกจากระบบ', en: 'Signed out' },
});

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
