// The central dashboard: every venue's day (GET /api/central/venues?day), from what the venues'
// sync brought to central (docs/sync.md).

import { api, errorText } from '/ui/shared/api.js';
import { mountTopbar } from '/ui/shared/chrome.js';
import { esc, isoDay, percent, timeOfDay } from '/ui/shared/format.js';
import { applyI18n, loadStrings, onLangChange, t } from '/ui/shared/i18n.js';

await loadStrings(new URL('strings.json', import.meta.url));

mountTopbar('venues');
const dayInput = document.getElementById('day');
const body = document.getElementById('venues-body');
const errorBox = document.getElementById('venues-error');
let overview = null;

function csvHref(venue) {
  const day = encodeURIComponent(dayInput.value);
  const which = venue ? `&venue=${encodeURIComponent(venue)}` : '';
  return `/api/central/venues.csv?from=${day}&to=${day}${which}`;
}

function row(v) {
  const last = v.last_sync_at ? timeOfDay(v.last_sync_at) : t(v.paired ? 'never' : 'not_paired');
  const wait = v.median_wait_s == null ? '—' : t('minutes', { n: Math.round(v.median_wait_s / 60) });
  const rating = v.rating_avg == null ? '—' : t('stars', { avg: v.rating_avg.toFixed(1), n: v.ratings });
  const done = v.completion == null ? '—' : percent(v.completion * 100);
  return `<tr data-venue-id="${esc(v.id)}">
    <td>${esc(v.name)}</td><td>${esc(last)}</td>
    <td class="num">${esc(v.headsets_online ?? '—')}</td>
    <td class="num">${esc(v.sessions)}</td><td class="num">${esc(done)}</td>
    <td class="num">${esc(wait)}</td><td class="num">${esc(rating)}</td>
    <td class="num">${esc(v.headsets_used)}</td>
    <td><a class="csv" href="${esc(csvHref(v.name))}" download>CSV</a></td></tr>`;
}

function render() {
  document.getElementById('csv-link').href = csvHref(null);
  if (!overview) return;
  body.innerHTML = overview.venues.length
    ? overview.venues.map(row).join('')
    : `<tr><td colspan="9" class="muted">${esc(t('no_venues'))}</td></tr>`;
}

async function load() {
  errorBox.textContent = '';
  try {
    overview = await api(`/api/central/venues?day=${encodeURIComponent(dayInput.value)}`);
    render();
  } catch (error) {
    errorBox.textContent = errorText(error);
  }
}

document.getElementById('day-form').addEventListener('submit', (event) => {
  event.preventDefault();
  load();
});
dayInput.value = isoDay();
applyI18n();
onLangChange(render);
load();

// Test hook: what the page shows.
window.__venues = { overview: () => overview };
