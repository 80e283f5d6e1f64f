// The TV by the queue: who is being served on which headset, who is next and how long the wait
// is. Headings show both languages (the switch picks which one leads). The board reads
// GET /api/queue/board (labels, headset names and waits only) whenever the staff socket reports
// a queue change (`queue_changed` when the TV is a paired kiosk), and every 20 s for the waits.

import { api } from '/ui/shared/api.js';
import { LOGO_SVG, languageButton, showLiveState } from '/ui/shared/chrome.js';
import { esc, minutes, timeOfDay } from '/ui/shared/format.js';
import { applyI18n, lang, loadStrings, onLangChange, t } from '/ui/shared/i18n.js';
import { StaffSocket } from '/ui/shared/socket.js';
import { NowPlayingTile } from './now_playing.js';

await loadStrings(new URL('strings.json', import.meta.url));

const SHOW_WAITING = 8;
const POLL_MS = 20000;
const HIGHLIGHT_MS = 12000;

let board = null;
const tile = new NowPlayingTile(document.getElementById('now-playing')); // its socket: below
const calledAt = new Map();
let fetching = null;
let again = false;

document.documentElement.lang = lang();
document.getElementById('tv-brand').innerHTML = LOGO_SVG;
document.getElementById('lang-slot').append(languageButton());
const status = document.getElementById('live-status');
const banner = document.getElementById('offline-banner');

function paintBilingual() {
  const other = lang() === 'th' ? 'en' : 'th';
  for (const el of document.querySelectorAll('[data-bi]')) {
    el.innerHTML = `<span class="primary">${esc(t(el.dataset.bi))}</span> <span class="secondary" lang="${other}">${esc(t(el.dataset.bi, {}, other))}</span>`;
  }
}

function both(key, vars) {
  const other = lang() === 'th' ? 'en' : 'th';
  return `<span class="primary">${esc(t(key, vars))}</span><span class="secondary" lang="${other}">${esc(t(key, vars, other))}</span>`;
}

function waitText(seconds) {
  if (seconds == null) return both('wait_unknown');
  if (seconds < 90) return both('wait_soon');
  return both('wait_about', { n: Math.round(seconds / 60) });
}

function render() {
  paintBilingual();
  const serving = document.getElementById('serving');
  const upcoming = document.getElementById('upcoming');
  if (!board) return;
  const now = Date.now();
  for (const tk of board.now_serving) if (!calledAt.has(tk.label)) calledAt.set(tk.label, now);
  for (const label of [...calledAt.keys()]) if (!board.now_serving.some((tk) => tk.label === label)) calledAt.delete(label);
  const fresh = (tk) => tk.status === 'called' && now - (calledAt.get(tk.label) ?? 0) < HIGHLIGHT_MS;
  // Called tickets first (they must walk to a headset), then those already playing.
  const order = [...board.now_serving].sort((a, b) => (a.status === 'called' ? 0 : 1) - (b.status === 'called' ? 0 : 1));
  serving.innerHTML = order.length ? order.map((tk) => `
    <li class="tv-row ${tk.status}${fresh(tk) ? ' fresh' : ''}" data-label="${esc(tk.label)}">
      <span class="tv-label">${esc(tk.label)}</span>
      <span class="tv-arrow" aria-hidden="true">→</span>
      <span class="tv-headset"><b>${esc(tk.headset_name ?? '')}</b>${both(tk.status === 'called' ? 'called' : 'playing')}</span>
    </li>`).join('') : `<li class="tv-empty">${both(board.free_headsets > 0 ? 'nobody_serving' : 'nobody_playing')}</li>`;
  const waiting = board.waiting;
  upcoming.innerHTML = waiting.length ? waiting.slice(0, SHOW_WAITING).map((tk) => `
    <li class="tv-row waiting" data-label="${esc(tk.label)}">
      <span class="tv-label">${esc(tk.label)}</span>
      <span class="tv-wait">${waitText(tk.estimated_wait_s)}</span>
    </li>`).join('') : `<li class="tv-empty">${both('nobody_waiting')}</li>`;
  const more = waiting.length - SHOW_WAITING;
  document.getElementById('more').innerHTML = more > 0 ? both('more_waiting', { n: more }) : '';
  document.getElementById('tv-foot').innerHTML = `
    <span>${esc(t('foot_average', { m: minutes(board.average_session_s, 0) }))}</span>
    <span>${esc(t('foot_free', { n: board.free_headsets }))}</span>
    <span class="muted-tv">${esc(t('foot_updated', { time: timeOfDay(board.updated_at) }))}</span>`;
}

async function refresh() {
  if (fetching) {
    again = true;
    return fetching;
  }
  fetching = (async () => {
    try {
      board = await api('/api/queue/board');
      document.body.dataset.loaded = 'true';
      render();
      tile.show(board.now_playing ?? null);
    } catch (err) {
      console.warn('queue board', err);
    } finally {
      fetching = null;
      if (again) {
        again = false;
        refresh();
      }
    }
  })();
  return fetching;
}

const socket = new StaffSocket({
  onFrame: (frame) => {
    if (['snapshot', 'queue_update', 'queue_changed'].includes(frame.type)) refresh();
    if (frame.type === 'watched_pose') tile.pose(frame);
    else if (frame.type === 'session_update') tile.session(frame.session);
  },
  onState: (info) => {
    showLiveState(status, banner, info, () => socket.retryNow());
    if (info.state === 'online') tile.reconnected();
  },
});
tile.socket = socket;
socket.start();

function tickClock() {
  document.getElementById('tv-clock').textContent = timeOfDay(new Date());
}

applyI18n();
onLangChange(() => {
  render();
  tile.render();
  tickClock();
  showLiveState(status, banner, { state: socket.state, retryAt: socket.retryAt }, () => socket.retryNow());
});
tickClock();
setInterval(tickClock, 5000);
setInterval(refresh, POLL_MS);
setInterval(render, 2000);
refresh();

window.__board = { state: () => board, tile: () => tile.state() };
