// The day's figures: GET /api/stats?from&to (venue days, inclusive) drawn as SVG charts, and
// the CSV of the same range (GET /api/stats.csv, one row per session, no personal data). At a
// central server with venues, a selector shows one venue's or every venue's figures instead
// (GET /api/stats?venue=<id>|all; CSV: GET /api/central/venues.csv).

import { api, errorText } from '/ui/shared/api.js';
import { barChart, hbarChart, PALETTE, ring } from '/ui/shared/charts.js';
import { mountTopbar } from '/ui/shared/chrome.js';
import { dateLong, duration, esc, isoDay, number, percent } from '/ui/shared/format.js';
import { ICONS } from '/ui/shared/icons.js';
import { applyI18n, loadStrings, loc, onLangChange, t } from '/ui/shared/i18n.js';

await loadStrings(new URL('strings.json', import.meta.url));

mountTopbar('stats');
const form = document.getElementById('range-form');
const fromInput = document.getElementById('from');
const toInput = document.getElementById('to');
const venueSelect = document.getElementById('venue');
const errorBox = document.getElementById('stats-error');
const main = document.querySelector('main.stats');
let figures = null;
let venues = [];

function shiftDay(iso, days) {
  const d = new Date(`${iso}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function setRange(from, to) {
  fromInput.value = from;
  toInput.value = to;
}

function applyPreset(preset) {
  const today = isoDay();
  if (preset === 'today') setRange(today, today);
  else if (preset === 'yesterday') setRange(shiftDay(today, -1), shiftDay(today, -1));
  else setRange(shiftDay(today, -(Number(preset) - 1)), today);
}

function markPreset() {
  const today = isoDay();
  const match = {
    today: [today, today],
    yesterday: [shiftDay(today, -1), shiftDay(today, -1)],
    7: [shiftDay(today, -6), today],
    30: [shiftDay(today, -29), today],
  };
  for (const chip of document.querySelectorAll('[data-preset]')) {
    const [f, to] = match[chip.dataset.preset];
    chip.setAttribute('aria-pressed', String(fromInput.value === f && toInput.value === to));
  }
}

function query() {
  const params = new URLSearchParams({ from: fromInput.value, to: toInput.value });
  if (venueSelect.value) params.set('venue', venueSelect.value);
  return params.toString();
}

/** The venues this server holds (a central server), for the selector; none elsewhere. */
async function loadVenues(wanted) {
  try {
    venues = (await api('/api/central/venues')).venues ?? [];
  } catch {
    venues = []; // a server that keeps no venues
  }
  document.getElementById('venue-field').hidden = venues.length === 0;
  paintVenues();
  if (venues.some((v) => v.id === wanted) || (wanted === 'all' && venues.length)) venueSelect.value = wanted;
}

function paintVenues() {
  const chosen = venueSelect.value;
  const options = [['', t('this_server')], ['all', t('all_venues')], ...venues.map((v) => [v.id, v.name])];
  venueSelect.innerHTML = options.map(([id, name]) => `<option value="${esc(id)}">${esc(name)}</option>`).join('');
  venueSelect.value = chosen;
}

function csvHref() {
  if (!venueSelect.value) return `/api/stats.csv?${query()}`;
  const params = new URLSearchParams({ from: fromInput.value, to: toInput.value });
  const venue = venues.find((v) => v.id === venueSelect.value);
  if (venue) params.set('venue', venue.name); // the central CSV names its venue
  return `/api/central/venues.csv?${params}`;
}

function paintCsvLink() {
  const link = document.getElementById('csv-link');
  link.href = csvHref();
  link.setAttribute('download', `vr-sessions_${fromInput.value}_${toInput.value}.csv`);
  link.innerHTML = `${ICONS.download} ${esc(t('download_csv'))}`;
}

async function load() {
  errorBox.textContent = '';
  if (!fromInput.value || !toInput.value) applyPreset('today');
  if (fromInput.value > toInput.value) {
    errorBox.textContent = t('bad_range');
    return;
  }
  markPreset();
  paintCsvLink();
  document.getElementById('venue-note').hidden = !venueSelect.value;
  history.replaceState(null, '', `?${query()}`);
  main.classList.add('loading');
  try {
    figures = await api(`/api/stats?${query()}`);
    render();
    document.body.dataset.loaded = 'true';
  } catch (err) {
    errorBox.textContent = errorText(err);
  } finally {
    main.classList.remove('loading');
  }
}

function kpi(label, value, sub = '', key = '') {
  return `<div class="kpi" data-kpi="${esc(key)}"><small>${esc(label)}</small><b>${esc(value)}</b>${sub ? `<span>${esc(sub)}</span>` : ''}</div>`;
}

/** One bar per hour for a single day (opening hours filled with zeros), else one per day. */
function visitorBars(f) {
  const rows = f.visitors_per_hour ?? [];
  if (f.from === f.to) {
    const byHour = new Map(rows.map((r) => [Number(r.hour.slice(11, 13)), r.visitors]));
    const hours = [...byHour.keys()];
    const first = Math.min(8, ...hours);
    const last = Math.max(17, ...hours);
    const out = [];
    for (let h = first; h <= last; h++) {
      out.push({ label: `${String(h).padStart(2, '0')}:00`, value: byHour.get(h) ?? 0 });
    }
    return { title: t('visitors_per_hour'), bars: out };
  }
  const byDay = new Map();
  for (const r of rows) byDay.set(r.hour.slice(0, 10), (byDay.get(r.hour.slice(0, 10)) ?? 0) + r.visitors);
  const out = [];
  for (let d = f.from; d <= f.to; d = shiftDay(d, 1)) {
    out.push({ label: d.slice(5).replace('-', '/'), title: d, value: byDay.get(d) ?? 0 });
    if (out.length > 400) break;
  }
  return { title: t('visitors_per_day'), bars: out };
}

/** The drawing width of a chart box, so that SVG text keeps its real size. */
function chartWidth(id) {
  return Math.max(300, document.getElementById(id).clientWidth || 800);
}

let resizeTimer = null;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(render, 150);
});

function render() {
  const f = figures;
  if (!f) return;
  document.getElementById('range-text').textContent = f.from === f.to
    ? t('range_one', { from: dateLong(`${f.from}T12:00:00Z`) })
    : t('range_many', { from: dateLong(`${f.from}T12:00:00Z`), to: dateLong(`${f.to}T12:00:00Z`) });
  const sat = f.satisfaction ?? { ratings: 0, average: null, counts: {} };
  document.getElementById('kpis').innerHTML = [
    kpi(t('kpi_sessions'), number(f.sessions), '', 'sessions'),
    kpi(t('kpi_completed'), number(f.completed), '', 'completed'),
    kpi(t('kpi_completion'), f.completion_rate == null ? '—' : percent(f.completion_rate * 100), '', 'completion'),
    kpi(t('kpi_duration'), duration(f.average_duration_s), '', 'duration'),
    kpi(t('kpi_wait'), duration(f.average_wait_s), '', 'wait'),
    kpi(t('kpi_satisfaction'), sat.average == null ? '—' : `${number(sat.average, 1)} / 5`, t('n_ratings', { n: sat.ratings }), 'satisfaction'),
  ].join('');

  const empty = `<p class="empty">${esc(t('no_data'))}</p>`;
  const hours = visitorBars(f);
  document.querySelector('#chart-hours').previousElementSibling.textContent = hours.title;
  document.getElementById('chart-hours').innerHTML = hours.bars.some((b) => b.value > 0)
    ? barChart(hours.bars, { width: chartWidth('chart-hours'), height: 260, ariaLabel: hours.title, format: (v) => number(v) })
    : empty;

  const scenes = [...(f.sessions_per_scene ?? [])].sort((a, b) => b.sessions - a.sessions);
  document.getElementById('chart-scenes').innerHTML = scenes.length
    ? hbarChart(scenes.map((s) => ({ label: loc(s.title) || s.scene_id, values: [s.sessions, s.completed] })),
      [{ name: t('series_sessions'), color: PALETTE[0] }, { name: t('series_completed'), color: PALETTE[1] }],
      { format: (v) => number(v), ariaLabel: t('sessions_per_occupation') })
    : empty;

  document.getElementById('chart-completion').innerHTML = f.sessions
    ? `${ring(f.completion_rate ?? 0, { text: percent((f.completion_rate ?? 0) * 100), sub: t('kpi_completed') })}
      <div class="ring-facts"><b>${esc(t('completed_of', { c: number(f.completed), n: number(f.sessions) }))}</b>
      <span class="muted">${esc(t('kpi_duration'))}: ${esc(duration(f.average_duration_s))}</span>
      <span class="muted">${esc(t('kpi_wait'))}: ${esc(duration(f.average_wait_s))}</span></div>`
    : empty;

  const headsets = [...(f.headset_utilisation ?? [])].sort((a, b) => b.percent - a.percent);
  document.getElementById('chart-headsets').innerHTML = headsets.length
    ? hbarChart(headsets.map((h) => ({ label: h.name, values: [h.percent], note: t('busy_for', { m: duration(h.busy_s) }) })),
      [{ name: '%', color: PALETTE[3] }], { max: 100, format: (v) => percent(v), ariaLabel: t('headset_utilisation') })
    : empty;

  const counts = sat.counts ?? {};
  document.getElementById('chart-satisfaction').innerHTML = sat.ratings
    ? barChart(['1', '2', '3', '4', '5'].map((k) => ({ label: '★'.repeat(Number(k)), title: t('stars', { n: k }), value: counts[k] ?? 0, color: Number(k) >= 4 ? PALETTE[1] : Number(k) === 3 ? PALETTE[2] : '#ef4444' })),
      { width: chartWidth('chart-satisfaction'), height: 200, ariaLabel: t('satisfaction'), format: (v) => number(v) })
    : empty;
}

for (const chip of document.querySelectorAll('[data-preset]')) {
  chip.addEventListener('click', () => {
    applyPreset(chip.dataset.preset);
    load();
  });
}
form.addEventListener('submit', (event) => {
  event.preventDefault();
  load();
});
for (const input of [fromInput, toInput]) input.addEventListener('change', () => { markPreset(); paintCsvLink(); });
venueSelect.addEventListener('change', () => load());

applyI18n();
onLangChange(() => { paintVenues(); paintCsvLink(); render(); });
const params = new URLSearchParams(location.search);
const dayRe = /^\d{4}-\d{2}-\d{2}$/;
if (dayRe.test(params.get('from') ?? '') && dayRe.test(params.get('to') ?? '')) setRange(params.get('from'), params.get('to'));
else applyPreset('today');
await loadVenues(params.get('venue') ?? '');
load();

window.__stats = { figures: () => figures };
