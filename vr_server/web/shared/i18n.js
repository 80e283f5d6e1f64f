// Thai and English for every page. The strings all pages share are below; each page keeps its
// own in a JSON catalog beside its script (`strings.json`: key -> {th, en}), loaded over these
// with `await loadStrings(new URL('strings.json', import.meta.url))` before it paints;
// elements carrying `data-i18n="key"` (text), `data-i18n-placeholder`, `data-i18n-title` or
// `data-i18n-aria` are filled by `applyI18n`. The language is remembered per browser.

export const LANGUAGES = ['th', 'en'];
const STORAGE_KEY = 'vr_lang';

const STRINGS = {
  brand: { th: 'VR สำรวจอาชีพ', en: 'VR Career' },
  brand_sub: { th: 'ศูนย์บริการจัดหางาน', en: 'Employment service' },
  nav_dashboard: { th: 'แผงควบคุม', en: 'Dashboard' },
  nav_checkin: { th: 'ลงทะเบียน', en: 'Check-in' },
  nav_queue_board: { th: 'จอคิว', en: 'Queue board' },
  nav_stats: { th: 'สถิติ', en: 'Statistics' },
  nav_audit: { th: 'บันทึกการใช้งาน', en: 'Audit trail' },
  nav_admin: { th: 'ผู้ดูแลระบบ', en: 'Admin' },
  logout: { th: 'ออกจากระบบ', en: 'Sign out' },
  language: { th: 'ภาษา', en: 'Language' },
  other_language: { th: 'English', en: 'ภาษาไทย' },
  live: { th: 'ออนไลน์', en: 'Live' },
  connecting: { th: 'กำลังเชื่อมต่อ…', en: 'Connecting…' },
  reconnecting_in: { th: 'ขาดการเชื่อมต่อ ลองใหม่ใน {s} วินาที', en: 'Connection lost, retrying in {s} s' },
  offline_banner: { th: 'ขาดการเชื่อมต่อกับเซิร์ฟเวอร์ ข้อมูลที่เห็นอาจไม่เป็นปัจจุบัน', en: 'Not connected to the server: what you see may be out of date.' },
  retry_now: { th: 'ลองใหม่ตอนนี้', en: 'Retry now' },
  cancel: { th: 'ยกเลิก', en: 'Cancel' },
  close: { th: 'ปิด', en: 'Close' },
  send: { th: 'ส่ง', en: 'Send' },
  confirm: { th: 'ยืนยัน', en: 'Confirm' },
  loading: { th: 'กำลังโหลด…', en: 'Loading…' },
  minutes_short: { th: 'นาที', en: 'min' },
  seconds_short: { th: 'วินาที', en: 's' },
  about_minutes: { th: 'ประมาณ {n} นาที', en: 'about {n} min' },
  less_than_minute: { th: 'ไม่ถึง 1 นาที', en: 'under a minute' },
  none_yet: { th: 'ยังไม่มี', en: 'None yet' },
  lang_th: { th: 'ไทย', en: 'Thai' },
  lang_en: { th: 'อังกฤษ', en: 'English' },
  // Errors (see api.js: errorText)
  err_network: { th: 'ติดต่อเซิร์ฟเวอร์ไม่ได้ ตรวจสอบ Wi-Fi แล้วลองใหม่', en: 'Cannot reach the server. Check the Wi-Fi and try again.' },
  err_auth_failed: { th: 'ต้องเข้าสู่ระบบใหม่', en: 'Please sign in again.' },
  err_forbidden: { th: 'บัญชีนี้ไม่มีสิทธิ์ทำรายการนี้', en: 'This account may not do that.' },
  err_not_found: { th: 'ไม่พบข้อมูลที่ต้องการ', en: 'Not found.' },
  err_conflict: { th: 'ทำรายการไม่ได้: มีรายการอื่นอยู่แล้ว (เช่น แว่นนี้มีกิจกรรมอยู่)', en: 'Not possible right now: something else is in the way (e.g. the headset already has a session).' },
  err_invalid_state: { th: 'ทำคำสั่งนี้ในสถานะปัจจุบันไม่ได้', en: 'That command is not possible in the current state.' },
  err_headset_offline: { th: 'แว่นนี้ไม่ได้เชื่อมต่ออยู่', en: 'That headset is not connected.' },
  err_invalid: { th: 'ข้อมูลไม่ถูกต้อง กรุณาตรวจสอบ', en: 'Some of the input is not valid. Please check it.' },
  err_rate_limited: { th: 'ส่งคำขอบ่อยเกินไป รอสักครู่แล้วลองใหม่', en: 'Too many requests: wait a moment and try again.' },
  err_not_allowed: { th: 'เซิร์ฟเวอร์นี้ปิดฟังก์ชันนี้ไว้', en: 'This server has that feature switched off.' },
  err_timeout: { th: 'เซิร์ฟเวอร์ไม่ตอบสนอง ลองใหม่อีกครั้ง', en: 'The server did not answer in time. Try again.' },
  err_server: { th: 'เกิดข้อผิดพลาดที่เซิร์ฟเวอร์ ({status})', en: 'The server had a problem ({status}).' },
  err_unknown: { th: 'เกิดข้อผิดพลาด', en: 'Something went wrong' },
  riasec_R: { th: 'ช่างลงมือทำ (Realistic)', en: 'Realistic (doer)' },
  riasec_I: { th: 'นักคิดค้นคว้า (Investigative)', en: 'Investigative (thinker)' },
  riasec_A: { th: 'นักสร้างสรรค์ (Artistic)', en: 'Artistic (creator)' },
  riasec_S: { th: 'ผู้ช่วยเหลือผู้อื่น (Social)', en: 'Social (helper)' },
  riasec_E: { th: 'ผู้นำ (Enterprising)', en: 'Enterprising (persuader)' },
  riasec_C: { th: 'ผู้จัดระเบียบ (Conventional)', en: 'Conventional (organiser)' },
};

const listeners = new Set();

/** Adds the JSON catalog at `url` ({key: {th, en}}) to the strings, over the shared ones. */
export async function loadStrings(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  Object.assign(STRINGS, await response.json());
}

export function hasString(key) {
  return Object.hasOwn(STRINGS, key);
}

export function getLang() {
  const fromUrl = new URLSearchParams(location.search).get('lang');
  if (LANGUAGES.includes(fromUrl)) return fromUrl;
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (LANGUAGES.includes(stored)) return stored;
  } catch { /* storage blocked: default */ }
  return 'th';
}

let current = null;

export function lang() {
  if (current == null) current = getLang();
  return current;
}

export function setLang(value, { remember = true } = {}) {
  if (!LANGUAGES.includes(value) || value === current) return;
  current = value;
  if (remember) {
    try { localStorage.setItem(STORAGE_KEY, value); } catch { /* ignore */ }
  }
  document.documentElement.lang = value;
  applyI18n(document);
  for (const fn of listeners) fn(value);
}

export function onLangChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** The string `key` in the current (or given) language, with `{name}` placeholders filled. */
export function t(key, vars = {}, language = lang()) {
  const entry = STRINGS[key];
  let text = entry ? (entry[language] ?? entry.en ?? key) : key;
  for (const [name, value] of Object.entries(vars)) text = text.replaceAll(`{${name}}`, String(value));
  return text;
}

/** A LocalizedText {th, en} from the server, in the current language. */
export function loc(text, language = lang()) {
  if (text == null) return '';
  if (typeof text === 'string') return text;
  return text[language] ?? text.en ?? text.th ?? '';
}

export function applyI18n(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n, el.dataset.i18nVars ? JSON.parse(el.dataset.i18nVars) : {});
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of root.querySelectorAll('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
  for (const el of root.querySelectorAll('[data-i18n-aria]')) el.setAttribute('aria-label', t(el.dataset.i18nAria));
  const title = document.querySelector('title[data-i18n-doc]');
  if (title) document.title = `${t(title.dataset.i18nDoc)} · ${t('brand')}`;
}

export const ALL_KEYS = () => Object.keys(STRINGS);
