// Check-in at the entrance (a tablet): language, occupations of interest, PDPA consent with
// optional name and phone, then the ticket with its QR code and the estimated wait. Resets for
// the next visitor by itself.

import { api, errorText } from '/ui/shared/api.js';
import { mountTopbar } from '/ui/shared/chrome.js';
import { aboutMinutes, esc } from '/ui/shared/format.js';
import { addStrings, applyI18n, getLang, lang, loc, onLangChange, setLang, t } from '/ui/shared/i18n.js';
import { ICONS } from '/ui/shared/icons.js';
import { qrSvg } from '/ui/shared/qr.js';

addStrings({
  step_language: { th: 'ภาษา', en: 'Language' },
  step_interests: { th: 'อาชีพที่สนใจ', en: 'Occupations' },
  step_consent: { th: 'ข้อมูลติดต่อ', en: 'Contact' },
  step_ticket: { th: 'บัตรคิว', en: 'Ticket' },
  welcome: { th: 'ยินดีต้อนรับสู่ VR สำรวจอาชีพ', en: 'Welcome to VR career exploration' },
  welcome_lead: { th: 'ลองทำงานจริงในโลกเสมือน 5–10 นาที เลือกภาษาเพื่อเริ่ม', en: 'Try a real job in virtual reality for 5 to 10 minutes. Choose your language to begin.' },
  interests_title: { th: 'อยากลองอาชีพอะไร?', en: 'Which jobs would you like to try?' },
  interests_lead: { th: 'เลือกได้สูงสุด 3 อาชีพ ตามลำดับที่อยากลอง หรือกดถัดไปเพื่อให้เจ้าหน้าที่แนะนำ', en: 'Pick up to 3, in the order you would like to try them, or press Next and staff will suggest one.' },
  picked: { th: 'เลือกแล้ว {n}/3', en: '{n}/3 chosen' },
  picked_none: { th: 'ยังไม่ได้เลือก: เจ้าหน้าที่จะแนะนำให้', en: 'None chosen: staff will suggest one' },
  max_three: { th: 'เลือกได้สูงสุด 3 อาชีพ', en: 'You can choose up to 3' },
  no_catalog: { th: 'ยังไม่มีอาชีพให้เลือก กรุณาติดต่อเจ้าหน้าที่', en: 'No occupations are available yet: please ask staff.' },
  back: { th: 'ย้อนกลับ', en: 'Back' },
  next: { th: 'ถัดไป', en: 'Next' },
  consent_title: { th: 'ให้เราติดต่อคุณได้ไหม? (ไม่บังคับ)', en: 'May we contact you? (optional)' },
  pdpa_heading: { th: 'การคุ้มครองข้อมูลส่วนบุคคล (PDPA)', en: 'Personal data protection (PDPA)' },
  pdpa_body: { th: 'คุณจะรับบัตรคิวได้โดยไม่ต้องให้ข้อมูลส่วนตัวใดๆ หากยินยอม เราจะเก็บชื่อและเบอร์โทรศัพท์ของคุณตามรายละเอียดด้านล่าง', en: 'You can get a ticket without giving any personal data. If you agree, we keep your name and phone number as described below.' },
  pdpa_what: { th: 'ข้อมูลที่เก็บ: ชื่อและเบอร์โทรศัพท์ที่คุณกรอกเท่านั้น', en: 'What: only the name and phone number you type in.' },
  pdpa_why: { th: 'วัตถุประสงค์: เพื่อให้เจ้าหน้าที่เรียกคุณเมื่อถึงคิว และติดต่อเรื่องตำแหน่งงานที่เกี่ยวข้อง', en: 'Why: so staff can call you when it is your turn and contact you about related job openings.' },
  pdpa_how_long: { th: 'ระยะเวลา: ลบโดยอัตโนมัติเมื่อครบ {days} วัน ผลการเล่นและสถิติไม่ระบุตัวตน', en: 'How long: deleted automatically after {days} days. Results and statistics stay anonymous.' },
  pdpa_rights: { th: 'สิทธิของคุณ: ขอดู แก้ไข หรือลบข้อมูลได้ทุกเมื่อโดยแจ้งเจ้าหน้าที่', en: 'Your rights: ask staff at any time to see, correct or delete your data.' },
  pdpa_agree: { th: 'ข้าพเจ้ายินยอมให้เก็บชื่อและเบอร์โทรศัพท์ตามวัตถุประสงค์ข้างต้น', en: 'I agree that my name and phone number are kept for the purposes above.' },
  pdpa_anonymous: { th: 'ไม่ต้องการให้ข้อมูล? ไม่ต้องติ๊ก แล้วกด "รับบัตรคิว" ได้เลย', en: 'Rather not? Leave the box unticked and press "Get my ticket".' },
  name: { th: 'ชื่อ', en: 'Name' },
  phone: { th: 'เบอร์โทรศัพท์', en: 'Phone number' },
  optional: { th: '(ไม่บังคับ)', en: '(optional)' },
  get_ticket: { th: 'รับบัตรคิว', en: 'Get my ticket' },
  getting_ticket: { th: 'กำลังออกบัตรคิว…', en: 'Printing your ticket…' },
  bad_phone: { th: 'เบอร์โทรศัพท์ไม่ถูกต้อง (ตัวเลข 9–10 หลัก เช่น 081 234 5678)', en: 'That phone number does not look right (9–10 digits, e.g. 081 234 5678).' },
  bad_name: { th: 'ชื่อยาวเกินไป', en: 'The name is too long.' },
  your_ticket: { th: 'หมายเลขคิวของคุณ', en: 'Your ticket number' },
  ahead_of_you: { th: 'คิวก่อนหน้าคุณ', en: 'Ahead of you' },
  people: { th: '{n} คน', en: '{n}' },
  estimated_wait: { th: 'เวลารอโดยประมาณ', en: 'Estimated wait' },
  wait_unknown: { th: 'เจ้าหน้าที่จะแจ้งให้ทราบ', en: 'Staff will let you know' },
  occupations: { th: 'อาชีพที่เลือก', en: 'Occupations' },
  any_occupation: { th: 'ให้เจ้าหน้าที่แนะนำ', en: 'Staff will suggest one' },
  watch_board: { th: 'โปรดดูหมายเลขของคุณบนจอคิว เจ้าหน้าที่จะเรียกเมื่อถึงคิว', en: 'Watch for your number on the queue screen: staff will call you.' },
  next_visitor: { th: 'เสร็จสิ้น · ผู้เข้าชมคนถัดไป', en: 'Done · next visitor' },
  reset_in: { th: 'หน้าจอจะเริ่มใหม่ใน {s} วินาที', en: 'This screen resets in {s} s' },
  minutes_n: { th: '{n} นาที', en: '{n} min' },
});

const STEPS = ['language', 'interests', 'consent', 'ticket'];
const MAX_INTERESTS = 3;
const RESET_AFTER_S = 45;
const PHONE_RE = /^\+?[0-9][0-9 ()-]{7,30}$/;

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

for (const button of document.querySelectorAll('.lang-card')) {
  button.addEventListener('click', () => {
    visit.language = button.dataset.lang;
    setLang(visit.language, { remember: false });
    show('interests');
  });
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

document.getElementById('interests-next').addEventListener('click', () => show('consent'));
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
  const button = document.getElementById('get-ticket');
  button.disabled = true;
  button.textContent = t('getting_ticket');
  try {
    ticket = await api('/api/queue/tickets', { method: 'POST', body });
    renderTicket();
    show('ticket');
    startResetCountdown();
  } catch (err) {
    errorBox.textContent = errorText(err);
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
