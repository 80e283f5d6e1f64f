// The bar at the top of every staff page: product, navigation, live status, language switch,
// who is signed in and "sign out".

import { api } from './api.js';
import { applyI18n, lang, onLangChange, setLang, t } from './i18n.js';
import { esc } from './format.js';

const NAV = [
  ['dashboard', '/dashboard/', 'nav_dashboard'],
  ['checkin', '/checkin/', 'nav_checkin'],
  ['queue_board', '/queue-board/', 'nav_queue_board'],
  ['stats', '/stats/', 'nav_stats'],
  ['admin', '/admin/', 'nav_admin'],
  ['audit', '/audit/', 'nav_audit'],
];
// Links only admin accounts get, added once /api/auth/me says the account is one.
const ADMIN_ONLY = new Set(['admin', 'audit']);

export const LOGO_SVG = `<svg class="logo" viewBox="0 0 48 48" aria-hidden="true">
  <rect x="3" y="13" width="42" height="22" rx="9" fill="currentColor"/>
  <circle cx="15" cy="24" r="6" fill="var(--logo-lens, #0b1a33)"/>
  <circle cx="33" cy="24" r="6" fill="var(--logo-lens, #0b1a33)"/>
  <path d="M21 31q3-4 6 0" stroke="var(--logo-lens, #0b1a33)" stroke-width="3" fill="none"/>
</svg>`;

/** The logo and the product's name, with the line `subKey` under it. */
const brandHtml = (subKey = 'brand_sub') => `${LOGO_SVG}<span><strong data-i18n="brand"></strong><small data-i18n="${subKey}"></small></span>`;

/** A language switch button: shows the other language's name, switches on click. */
export function languageButton(className = 'lang-switch') {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = className;
  button.id = 'lang-switch';
  const paint = () => {
    button.textContent = t('other_language');
    button.setAttribute('aria-label', `${t('language')}: ${t('other_language')}`);
    button.lang = lang() === 'th' ? 'en' : 'th';
  };
  paint();
  onLangChange(paint);
  button.addEventListener('click', () => setLang(lang() === 'th' ? 'en' : 'th'));
  return button;
}

/**
 * The pages without the staff bar (sign-in, pairing, a visitor's result): the brand into the
 * element `brandId` (`subKey`: the line under the product's name) and the language switch into
 * #lang-slot.
 */
export function mountBrand(brandId, subKey = 'brand_sub') {
  document.documentElement.lang = lang();
  const brand = document.getElementById(brandId);
  brand.innerHTML = brandHtml(subKey);
  applyI18n(brand);
  document.getElementById('lang-slot').append(languageButton());
}

function navLink([key, href, label], page) {
  return `<a href="${href}" data-i18n="${label}"${key === page ? ' aria-current="page"' : ''}></a>`;
}

/**
 * Puts the bar at the top of a staff page (<header id="topbar">, the body's first element);
 * `page` is the current page's key. In kiosk mode (the check-in tablet) the bar links nowhere:
 * leaving the page needs a staff login at /login/.
 * Returns {status}: an element where the page shows its live-connection state.
 */
export function mountTopbar(page, { nav = true, kiosk = false } = {}) {
  document.documentElement.lang = lang();
  const bar = document.createElement('header');
  bar.id = 'topbar';
  bar.className = 'topbar';
  document.body.prepend(bar);
  bar.innerHTML = `
    ${kiosk ? '<span class="brand">' : '<a class="brand" href="/dashboard/">'}${brandHtml()}${kiosk ? '</span>' : '</a>'}
    ${nav ? `<nav class="nav">${NAV.filter(([key]) => !ADMIN_ONLY.has(key)).map((item) => navLink(item, page)).join('')}</nav>` : ''}
    <div class="topbar-end">
      <span id="live-status" class="live-status" hidden></span>
      ${kiosk ? '' : '<span id="whoami" class="whoami"></span>'}
      <span class="lang-slot"></span>
      ${kiosk ? '' : '<button type="button" id="logout" class="ghost" data-i18n="logout"></button>'}
    </div>`;
  bar.querySelector('.lang-slot').replaceWith(languageButton());
  bar.querySelector('#logout')?.addEventListener('click', logout);
  applyI18n(bar);
  if (!kiosk) {
    api('/api/auth/me').then((me) => {
      if (me?.username) bar.querySelector('#whoami').textContent = me.username;
      const navEl = bar.querySelector('.nav');
      if (me?.role === 'admin' && navEl) {
        navEl.insertAdjacentHTML('beforeend', NAV.filter(([key]) => ADMIN_ONLY.has(key)).map((item) => navLink(item, page)).join(''));
        applyI18n(navEl);
      }
    }).catch(() => { /* the name is only a nicety */ });
  }
  return { status: bar.querySelector('#live-status') };
}

export async function logout() {
  try {
    await api('/api/auth/logout', { method: 'POST', auth: false });
  } catch { /* signed out already, or offline: the login page shows what is true */ }
  location.assign('/login/');
}

/** Shows the socket's state in the top bar and a banner over `dimmed` while offline. */
export function showLiveState(statusEl, banner, { state, retryAt }, onRetry) {
  statusEl.hidden = false;
  statusEl.dataset.state = state;
  clearInterval(statusEl._tick);
  const paint = () => {
    if (state === 'online') statusEl.textContent = t('live');
    else if (state === 'connecting') statusEl.textContent = t('connecting');
    else statusEl.textContent = t('reconnecting_in', { s: Math.max(0, Math.ceil(((retryAt ?? Date.now()) - Date.now()) / 1000)) });
  };
  paint();
  if (state === 'offline') statusEl._tick = setInterval(paint, 500);
  if (banner) {
    banner.hidden = state === 'online' || state === 'connecting';
    banner.innerHTML = `<span>${esc(t('offline_banner'))}</span> <button type="button" class="small">${esc(t('retry_now'))}</button>`;
    banner.querySelector('button').onclick = onRetry;
  }
  document.body.dataset.live = state;
}
