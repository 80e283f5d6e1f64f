// Numbers, durations and times for people, in the page's language. Times are shown in the
// venue's time zone (Asia/Bangkok unless the page says otherwise).

import { lang, t } from './i18n.js';

export const VENUE_TZ = 'Asia/Bangkok';

const locale = () => (lang() === 'th' ? 'th-TH' : 'en-GB');

/** 75 -> "1:15", 3725 -> "1:02:05". */
export function clock(seconds) {
  if (seconds == null || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** A wait or a duration in whole minutes: "about 12 min" / "under a minute". */
export function aboutMinutes(seconds) {
  if (seconds == null || !Number.isFinite(seconds)) return '—';
  if (seconds < 60) return t('less_than_minute');
  return t('about_minutes', { n: Math.round(seconds / 60) });
}

export function minutes(seconds, digits = 1) {
  if (seconds == null || !Number.isFinite(seconds)) return '—';
  return `${number(seconds / 60, digits)} ${t('minutes_short')}`;
}

/** A duration for figures: "45 s" under a minute and a half, else "2.5 min". */
export function duration(seconds) {
  if (seconds == null || !Number.isFinite(seconds)) return '—';
  if (seconds < 90) return `${number(Math.round(seconds))} ${t('seconds_short')}`;
  return minutes(seconds);
}

export function number(value, digits = 0) {
  if (value == null || !Number.isFinite(value)) return '—';
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(value);
}

export function percent(value, digits = 0) {
  if (value == null || !Number.isFinite(value)) return '—';
  return `${number(value, digits)}%`;
}

export function timeOfDay(when, tz = VENUE_TZ) {
  if (!when) return '—';
  return new Intl.DateTimeFormat(locale(), { hour: '2-digit', minute: '2-digit', timeZone: tz }).format(new Date(when));
}

export function dateLong(when, tz = VENUE_TZ) {
  if (!when) return '—';
  return new Intl.DateTimeFormat(locale(), { day: 'numeric', month: 'long', year: 'numeric', timeZone: tz }).format(new Date(when));
}

/** "YYYY-MM-DD" of a Date in the venue's time zone. */
export function isoDay(when = new Date(), tz = VENUE_TZ) {
  const parts = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: tz }).formatToParts(when);
  const get = (type) => parts.find((p) => p.type === type).value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** Seconds since an ISO time (server clock skew ignored: the venue's machines share NTP or not at all). */
export function secondsSince(iso, now = Date.now()) {
  if (!iso) return null;
  return Math.max(0, (now - new Date(iso).getTime()) / 1000);
}

/** Escape text for innerHTML templates. */
export function esc(value) {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}
