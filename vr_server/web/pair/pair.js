// Pairs a check-in tablet or queue TV: a one-use code from staff (dashboard, admin page or
// `vr-server kiosk code`) is exchanged for a kiosk token, which the server sets as the HttpOnly
// `vr_staff` cookie. The kiosk's pages then open without a staff login and link nowhere else;
// a staff login at /login/ replaces the kiosk's cookie.

import { api, errorText } from '/ui/shared/api.js';
import { mountBrand } from '/ui/shared/chrome.js';
import { applyI18n, loadStrings, t } from '/ui/shared/i18n.js';

await loadStrings(new URL('strings.json', import.meta.url));

const form = document.getElementById('pair-form');
const errorBox = document.getElementById('pair-error');
mountBrand('pair-brand');
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
