// Check-in at the entrance (a tablet): language, occupations of interest, PDPA consent with
// optional name and phone (and the visitor code of a visitor who comes back for another
// occupation), then the ticket with its QR code, the estimated wait, the visitor code and what
// the visitor tried today. Resets for the next visitor by itself.

import { api, errorText } from '/ui/shared/api.js';
import { mountTopbar } from '/ui/shared/chrome.js';
import { aboutMinutes, esc } from '/ui/shared/format.js';
import { applyI18n, getLang, lang, loadStrings, loc, onLangChange, setLang, t } from '/ui/shared/i18n.js';
import { ICONS } from '/ui/shared/icons.js';
import { qrSvg } from '/ui/shared/qr.js';

await loadStrings(new URL('strings.json', import.meta.url));

const STEPS = ['language', 'interests', 'consent', 'ticket'];
const MAX_INTERESTS = 3;
const RESET_AFTER_S = 45;
const PHONE_RE = /^\+?[0-9][0-9 ()-]{7,30}$/;
const CODE_RE = /^[2-9A-HJ-NP-Z]{8}$/; // a visitor code: no 0/O, 1/I (protocol/queue.py)

const visit = { language: lang(), interests: [] };
let catalog = [];
let ticket = null;
let resetTimer = null;

mountTopbar('checkin', { nav: false, kiosk: true });
applyI18n();
onLangChange(() => { renderScenes(); renderTicket(); });

const form = document.getElementById('checkin-form');
const consent = document.getElementById('consent');
const nameInput = document.getElementById('visitor-name');
const phoneInput = document.getElementById('visitor-phone');
const errorBox = document.getElementById('checkin-error');
const codeInput = document.getElementById('visitor-code');

function show(step) {
  for (const panel of document.querySelectorAll('[data-panel]')) panel.hidden = panel.dataset.panel !== step;
  const index = STEPS.indexOf(step);
  for (const li of document.querySelectorAll('#steps li')) {
    const i = STEPS.indexOf(li.dataset.step);
    li.classList.toggle('done', i < index);
    li.classList.toggle('current', i === index);
    if (i === index) li.setAttribute('aria-current', 'step'); else li.removeAttribute('aria-current');
  }
  document.body.dataset.step = step;
  window.scrollTo(0, 0);
}

// ---------------------------------------------------------------- 1. language

// The cards come disabled in the HTML: a tap before this module has run (it waits for its
// strings first) would otherwise be lost without a sign.
for (const button of document.querySelectorAll('.lang-card')) {
  button.addEventListener('click', () => {
    visit.language = button.dataset.lang;
    setLang(visit.language, { remember: false });
    show('interests');
  });
  button.disabled = false;
}

// ---------------------------------------------------------------- 2. interests

/** The retention period the consent text states is the server's (VR_RETENTION_DAYS). */
async function loadRetention() {
  try {
    const queue = await api('/api/queue/board');
    const el = document.getElementById('pdpa-how-long');
    el.dataset.i18nVars = JSON.stringify({ days: queue.retention_days });
    el.textContent = t('pdpa_how_long', { days: queue.retention_days });
  } catch (err) {
    console.warn(`retention period: ${err}`);
  }
}

async function loadCatalog() {
  try {
    catalog = await api('/api/catalog');
    document.getElementById('catalog-error').textContent = catalog.length ? '' : t('no_catalog');
  } catch (err) {
    document.getElementById('catalog-error').textContent = errorText(err);
  }
  renderScenes();
}

function renderScenes() {
  const grid = document.getElementById('scene-grid');
  grid.innerHTML = catalog.map((scene) => {
    const order = visit.interests.indexOf(scene.id);
    return `<button type="button" class="scene-card${order >= 0 ? ' selected' : ''}" data-scene="${esc(scene.id)}" aria-pressed="${order >= 0}">
      <span class="thumb">${scene.thumbnail_sha256 ? `<img src="/assets/${esc(scene.thumbnail_sha256)}" alt="" loading="lazy">` : '<span class="thumb-placeholder" aria-hidden="true">VR</span>'}</span>
      ${order >= 0 ? `<span class="order" aria-hidden="true">${order + 1}</span>` : ''}
      <span class="scene-text"><b>${esc(loc(scene.title))}</b><small>${esc(loc(scene.summary))}</small>
      <small class="duration">${ICONS.clock} ${esc(t('minutes_n', { n: scene.duration_min }))}</small></span>
    </button>`;
  }).join('');
  const n = visit.interests.length;
  document.getElementById('picked-summary').textContent = n ? t('picked', { n }) : t('picked_none');
}

document.getElementById('scene-grid').addEventListener('click', (event) => {
  const id = event.target.closest('[data-scene]')?.dataset.scene;
  if (!id) return;
  const at = visit.interests.indexOf(id);
  if (at >= 0) visit.interests.splice(at, 1);
  else if (visit.interests.length < MAX_INTERESTS) visit.interests.push(id);
  else {
    document.getElementById('picked-summary').textContent = t('max_three');
    return;
  }
  renderScenes();
});

/** The visitor code as typed, checked here ('' when none; null when it cannot be one). */
function visitorCode() {
  const code = codeInput.value.toUpperCase().replace(/[^0-9A-Z]/g, '');
  return !code || CODE_RE.test(code) ? code : null;
}

document.getElementById('interests-next').addEventListener('click', () => {
  const bad = visitorCode() === null;
  document.getElementById('code-error').textContent = bad ? t('bad_visitor_code') : '';
  if (bad) codeInput.focus();
  else show('consent');
});
for (const back of document.querySelectorAll('[data-go]')) back.addEventListener('click', () => show(back.dataset.go));

// ---------------------------------------------------------------- 3. consent

function syncConsent() {
  const on = consent.checked;
  nameInput.disabled = !on;
  phoneInput.disabled = !on;
  if (!on) {
    nameInput.value = '';
    phoneInput.value = '';
  }
  form.classList.toggle('consented', on);
}
consent.addEventListener('change', syncConsent);

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  errorBox.textContent = '';
  const body = { language: visit.language, interests: [...visit.interests], consent: consent.checked };
  if (consent.checked) {
    const name = nameInput.value.trim();
    const phone = phoneInput.value.trim();
    if (phone && !PHONE_RE.test(phone)) {
      errorBox.textContent = t('bad_phone');
      phoneInput.focus();
      return;
    }
    if (name.length > 100) {
      errorBox.textContent = t('bad_name');
      return;
    }
    if (name) body.name = name;
    if (phone) body.phone = phone;
  }
  const code = visitorCode();
  if (code) body.visitor_code = code;
  const button = document.getElementById('get-ticket');
  button.disabled = true;
  button.textContent = t('getting_ticket');
  try {
    ticket = await api('/api/queue/tickets', { method: 'POST', body });
    renderTicket();
    show('ticket');
    startResetCountdown();
  } catch (err) {
    // The one field the server alone can refuse as invalid: a code that is not today's.
    const unknownCode = body.visitor_code && err.status === 422;
    errorBox.textContent = unknownCode ? t('unknown_visitor_code', { code: `${body.visitor_code.slice(0, 4)}-${body.visitor_code.slice(4)}` }) : errorText(err);
  } finally {
    button.disabled = false;
    button.textContent = t('get_ticket');
  }
});

// ---------------------------------------------------------------- 4. ticket

function renderTicket() {
  if (!ticket) return;
  document.getElementById('ticket-label').textContent = ticket.label;
  const qr = document.getElementById('ticket-qr');
  qr.replaceChildren(qrSvg(`VRQ:${ticket.label}:${ticket.id}`, { label: `${t('your_ticket')} ${ticket.label}` }));
  const ahead = ticket.position != null ? Math.max(0, ticket.position - 1) : 0;
  document.getElementById('ticket-ahead').textContent = t('people', { n: ahead });
  document.getElementById('ticket-wait').textContent = ticket.estimated_wait_s == null ? t('wait_unknown') : aboutMinutes(ticket.estimated_wait_s);
  const byId = new Map(catalog.map((s) => [s.id, s]));
  document.getElementById('ticket-interests').textContent = ticket.interests.length
    ? ticket.interests.map((id) => loc(byId.get(id)?.title) || id).join(', ')
    : t('any_occupation');
  document.getElementById('ticket-code').textContent = ticket.visitor_code ?? '—';
  const tried = ticket.tried ?? [];
  document.getElementById('ticket-tried').hidden = !tried.length;
  document.getElementById('ticket-tried-list').textContent = tried
    .map((x) => `${loc(byId.get(x.scene_id)?.title) || x.scene_id}${x.percent != null ? ` (${Math.round(x.percent)}%)` : ''}`)
    .join(', ');
}

function startResetCountdown() {
  clearInterval(resetTimer);
  const until = Date.now() + RESET_AFTER_S * 1000;
  const paint = () => {
    const left = Math.ceil((until - Date.now()) / 1000);
    if (left <= 0) reset();
    else document.getElementById('reset-countdown').textContent = t('reset_in', { s: left });
  };
  paint();
  resetTimer = setInterval(paint, 1000);
}

function reset() {
  clearInterval(resetTimer);
  ticket = null;
  visit.interests = [];
  consent.checked = false;
  codeInput.value = '';
  document.getElementById('code-error').textContent = '';
  syncConsent();
  errorBox.textContent = '';
  document.getElementById('ticket-qr').replaceChildren();
  setLang(getLang(), { remember: false });
  renderScenes();
  show('language');
  loadCatalog();
}

document.getElementById('next-visitor').addEventListener('click', reset);

window.__checkin = { state: () => ({ step: document.body.dataset.step, visit: { ...visit }, ticket }) };

syncConsent();
show('language');
loadCatalog();
loadRetention();
