// Pairs a check-in tablet or queue TV: a one-use code from staff (dashboard, admin page or
// `vr-server kiosk code`) is exchanged for a kiosk token, which the server sets as the HttpOnly
// `vr_staff` cookie. The kiosk's pages then open without a staff login and link nowhere else;
// a staff login at /login/ replaces the kiosk's cookie.

import { api, errorText } from '/ui/shared/api.js';
import { LOGO_SVG, languageButton } from '/ui/shared/chrome.js';
import { addStrings, applyI18n, lang, t } from '/ui/shared/i18n.js';

addStrings({
  pair_title: { th: 'จับคู่จอลงทะเบียนหรือจอคิว', en: 'Pair a check-in tablet or queue TV' },
  pair_intro: { th: 'ใส่รหัสจับคู่ที่เจ้าหน้าที่สร้างให้ (ใช้ได้ครั้งเดียว)', en: 'Enter the one-use pairing code a staff member made.' },
  pair_code: { th: 'รหัสจับคู่', en: 'Pairing code' },
  pair_name: { th: 'ชื่อจอ เช่น แท็บเล็ตทางเข้า', en: 'Screen name, e.g. entrance tablet' },
  pair_screen: { th: 'ใช้เป็น', en: 'Use as' },
  pair_submit: { th: 'จับคู่', en: 'Pair' },
  pair_missing: { th: 'กรุณากรอกรหัสและชื่อจอ', en: 'Enter the code and a name.' },
  pair_wrong: { th: 'รหัสไม่ถูกต้อง ใช้ไปแล้ว หรือหมดอายุ', en: 'The code is wrong, used or expired.' },
});

const form = document.getElementById('pair-form');
const errorBox = document.getElementById('pair-error');
document.documentElement.lang = lang();
document.getElementById('pair-brand').innerHTML = `${LOGO_SVG}<span><strong data-i18n="brand"></strong><small data-i18n="brand_sub"></small></span>`;
document.getElementById('lang-slot').append(languageButton());
applyI18n();

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const code = form.code.value.trim();
  const name = form.name.value.trim();
  if (!code || !name) {
    errorBox.textContent = t('pair_missing');
    return;
  }
  errorBox.textContent = '';
  try {
    await api('/api/kiosks/pair', { method: 'POST', body: { code, name }, auth: false });
    location.assign(form.screen.value === '/queue-board/' ? '/queue-board/' : '/checkin/');
  } catch (err) {
    errorBox.textContent = err.status === 401 ? t('pair_wrong') : errorText(err);
  }
});
