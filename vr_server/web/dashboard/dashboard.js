// The staff dashboard: every headset live over /ws/staff (snapshot, then headset_update / headsets_live /
// session_update / alert / queue_update deltas), remote control of each headset and session,
// alerts that stay until acknowledged, and the walk-in queue.

import { api, errorText } from '/ui/shared/api.js';
import { mountTopbar, showLiveState } from '/ui/shared/chrome.js';
import { clock, esc, secondsSince, timeOfDay } from '/ui/shared/format.js';
import { applyI18n, loadStrings, loc, onLangChange, t } from '/ui/shared/i18n.js';
import { StaffSocket } from '/ui/shared/socket.js';
import { ICONS } from '/ui/shared/icons.js';
import { busy, confirmDialog, toast } from '/ui/shared/ui.js';
import { AddHeadsets } from '/ui/dashboard/add_headsets.js';
import { Alerts } from '/ui/dashboard/alerts.js';
import { ContentView } from '/ui/dashboard/content.js';
import { AssignDialog, MessageDialog } from '/ui/dashboard/dialogs.js';
import { QueuePanel } from '/ui/dashboard/queue_panel.js';
import { SyncState } from '/ui/dashboard/sync_state.js';

await loadStrings(new URL('strings.json', import.meta.url));

const ACTIVE = new Set(['assigned', 'loading', 'ready', 'running', 'paused']);

const state = {
  headsets: new Map(),
  sessions: new Map(),
  catalog: new Map(),
  queue: null,
  queueAvailable: true,
  live: 'connecting',
};

// ------------------------------------------------------------------ set-up

const top = mountTopbar('dashboard');
const banner = document.getElementById('offline-banner');
const fleetEl = document.getElementById('fleet');
const cards = new Map();

const socket = new StaffSocket({
  onFrame: handleFrame,
  onState: (info) => {
    state.live = info.state;
    showLiveState(top.status, banner, info, () => socket.retryNow());
    fleetEl.classList.toggle('stale', info.state === 'offline');
  },
});
socket.start();
const addHeadsets = new AddHeadsets({ headsets: () => state.headsets });
const content = new ContentView({ onChange: () => renderAll() });
content.start();
document.getElementById('add-headsets').addEventListener('click', () => addHeadsets.open());
const syncState = new SyncState(document.getElementById('sync-state'));
syncState.start();
const alerts = new Alerts({ text: alertText, onHeadset: renderHeadset });
const assignDialog = new AssignDialog({
  headsets: () => state.headsets, catalog: () => state.catalog, sceneTitle, requestOr,
});
const messageDialog = new MessageDialog({ headsets: () => state.headsets, requestOr });
const queuePanel = new QueuePanel({
  state, sceneTitle, freeHeadsets, callTicket,
  onQueue: () => { for (const id of state.headsets.keys()) renderHeadset(id); },
});

applyI18n();
onLangChange(() => {
  for (const card of cards.values()) card.actionsKey = null;
  renderAll();
  addHeadsets.relabel();
  syncState.render();
  showLiveState(top.status, banner, { state: socket.state, retryAt: socket.retryAt }, () => socket.retryNow());
});
setInterval(tick, 1000);

// Test and debugging hook: read-only view of what the page knows.
window.__dashboard = {
  state: () => ({
    live: state.live,
    headsets: [...state.headsets.values()],
    sessions: [...state.sessions.values()],
    queue: state.queue,
    alerts: alerts.list.map((a) => ({ ...a })),
    distribution: content.data,
    sync: syncState.sync,
  }),
};

// ------------------------------------------------------------------ frames

function handleFrame(frame) {
  switch (frame.type) {
    case 'snapshot':
      state.headsets = new Map(frame.headsets.map((h) => [h.id, h]));
      state.sessions = new Map(frame.sessions.map((s) => [s.id, s]));
      state.catalog = new Map(frame.catalog.map((c) => [c.id, c]));
      if (frame.queue) queuePanel.set(frame.queue);
      else queuePanel.load();
      renderAll();
      break;
    case 'headset_update':
    case 'headset_enrolled':
      state.headsets.set(frame.headset.id, frame.headset);
      renderHeadset(frame.headset.id);
      renderSummary();
      queuePanel.render();
      if (frame.type === 'headset_enrolled') addHeadsets.onEnrolled(frame);
      addHeadsets.refresh();
      break;
    case 'headsets_live':
      // Battery, frame rate and step of many headsets at once (about once a second).
      for (const live of frame.headsets) {
        const h = state.headsets.get(live.id);
        if (!h) continue;
        Object.assign(h, live);
        renderHeadset(live.id);
      }
      renderSummary();
      break;
    case 'session_update': {
      const s = frame.session;
      state.sessions.set(s.id, s);
      pruneSessions();
      for (const h of state.headsets.values()) if (h.id === s.headset_id) renderHeadset(h.id);
      if (s.ticket_label) queuePanel.render();
      break;
    }
    case 'alert':
      alerts.add(frame);
      break;
    case 'queue_update':
      queuePanel.set(frame.queue);
      break;
    case 'error':
      console.warn('staff socket error', frame);
      break;
    default:
      break;
  }
}

function pruneSessions() {
  // Keep active sessions, and the last ended one of each headset (its card shows how it ended).
  const keep = new Set();
  for (const h of state.headsets.values()) if (h.session_id) keep.add(h.session_id);
  const lastByHeadset = new Map();
  for (const s of state.sessions.values()) {
    if (ACTIVE.has(s.state)) keep.add(s.id);
    else {
      const prev = lastByHeadset.get(s.headset_id);
      if (!prev || (s.ended_at ?? '') > (prev.ended_at ?? '')) lastByHeadset.set(s.headset_id, s);
    }
  }
  for (const s of lastByHeadset.values()) keep.add(s.id);
  for (const id of [...state.sessions.keys()]) if (!keep.has(id)) state.sessions.delete(id);
}

// ------------------------------------------------------------------ headsets

/** ready | in_session | needs_cleaning | charging | offline */
function displayStatus(h) {
  if (!h.online) return 'offline';
  if (h.status === 'available') return 'ready';
  return h.status;
}

const STATUS_BADGE = { ready: 'good', in_session: 'accent', needs_cleaning: 'warn', charging: 'violet', offline: '' };

function activeSession(h) {
  const s = h.session_id ? state.sessions.get(h.session_id) : null;
  if (s && ACTIVE.has(s.state)) return s;
  for (const other of state.sessions.values()) if (other.headset_id === h.id && ACTIVE.has(other.state)) return other;
  return null;
}

/** The headset's most recent ended session this page has seen (see pruneSessions). */
function lastEnded(headsetId) {
  let last = null;
  for (const s of state.sessions.values()) {
    if (s.headset_id === headsetId && !ACTIVE.has(s.state) && (!last || (s.ended_at ?? '') > (last.ended_at ?? ''))) last = s;
  }
  return last;
}

function sceneTitle(sceneId) {
  const scene = state.catalog.get(sceneId);
  return scene ? loc(scene.title) : sceneId ?? '';
}


function batteryHtml(h) {
  if (h.battery == null) return `<span class="meter muted">${esc(t('battery'))} —</span>`;
  const pct = Math.round(h.battery * 100);
  const level = pct <= 15 ? 'bad' : pct <= 35 ? 'warn' : 'good';
  return `<span class="meter battery ${level}" title="${esc(t('battery'))}">
    <span class="battery-icon"><span style="width:${pct}%"></span></span>${pct}%${h.charging ? ` ${ICONS.bolt}` : ''}</span>`;
}

function stepText(s) {
  if (!s || s.step_count <= 0) return '';
  const started = s.state === 'running' || s.state === 'paused';
  const n = started ? Math.min(s.step_index + 1, s.step_count) : 0;
  return `${Math.max(n, 0)}/${s.step_count}`;
}

function sessionStarted(s) {
  return s.started_at ?? (s.state === 'running' || s.state === 'paused' ? s.created_at : null);
}

function infoHtml(h) {
  const status = displayStatus(h);
  const s = activeSession(h);
  const calling = alerts.of(h.id).some((a) => a.kind === 'call_staff');
  let body;
  if (s) {
    const steps = stepText(s);
    const pct = s.step_count ? Math.round((Math.max(0, s.step_index + (s.state === 'running' || s.state === 'paused' ? 1 : 0)) / s.step_count) * 100) : 0;
    body = `
      <div class="session">
        <div class="scene-line"><strong class="scene-title">${esc(sceneTitle(s.scene_id))}</strong>
          ${s.ticket_label ? `<span class="badge">${esc(t('ticket'))} ${esc(s.ticket_label)}</span>` : ''}
          <span class="badge lang-badge">${esc(s.language.toUpperCase())}</span></div>
        <div class="session-state">
          <span class="badge state-${esc(s.state)} ${s.state === 'paused' ? 'warn' : s.state === 'running' ? 'accent' : ''}">${esc(t(`state_${s.state}`))}</span>
          ${s.stuck ? `<span class="badge bad stuck-mark" title="${esc(t('stuck_help'))}">${ICONS.warn} ${esc(t('stuck'))}</span>` : ''}
        </div>
        <div class="progress-line">
          <span class="step" data-step="${esc(steps)}">${esc(t('step'))} <b>${esc(steps || '—')}</b></span>
          <span class="elapsed" data-since="${esc(sessionStarted(s) ?? '')}">${ICONS.clock} <span>${esc(clock(secondsSince(sessionStarted(s))))}</span></span>
        </div>
        <div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow="${pct}"><span style="width:${pct}%"></span></div>
      </div>`;
  } else {
    const last = lastEnded(h.id);
    const outcome = last ? [t(`state_${last.state}`), sceneTitle(last.scene_id)] : [];
    if (last?.result) outcome.push(`${Math.round(last.result.percent)}%`);
    if (last?.rating) outcome.push(t('rated', { n: last.rating }));
    body = `<div class="session idle"><span class="muted">${esc(status === 'offline' ? t('idle_offline') : status === 'needs_cleaning' ? t('idle_cleaning') : status === 'charging' ? t('idle_charging') : t('idle_ready'))}</span>
      ${last ? `<span class="muted small last-session">${esc(t('last_session'))}: ${esc(outcome.join(' · '))}</span>` : ''}</div>`;
  }
  return `
    <div class="card-head">
      <span class="dot ${h.online ? 'on' : 'off'}" title="${esc(h.online ? t('online') : t('offline'))}"></span>
      <h3 class="headset-name">${esc(h.name)}</h3>
      ${calling ? `<span class="badge bad call-mark">${ICONS.bell} ${esc(t('calls_staff'))}</span>` : ''}
      <span class="badge status ${STATUS_BADGE[status]}" data-status="${status}">${esc(t(`status_${status}`))}</span>
    </div>
    <div class="telemetry">
      ${batteryHtml(h)}
      <span class="meter fps">${h.fps != null ? `${Math.round(h.fps)} fps` : '— fps'}</span>
      ${!h.online && h.last_seen ? `<span class="meter muted">${esc(t('last_seen'))} ${esc(timeOfDay(h.last_seen))}</span>` : ''}
    </div>
    ${body}`;
}

/** The buttons a headset card offers now: [action, label key, class, enabled]. */
function actionsFor(h) {
  const s = activeSession(h);
  const out = [];
  const status = displayStatus(h);
  if (s) {
    if (s.state === 'running') out.push(['pause', 'pause', 'warn', true]);
    else if (s.state === 'paused') out.push(['resume', 'resume', 'good', true]);
    else out.push(['start', 'start', 'good', s.state === 'ready']);
    const started = s.state === 'running' || s.state === 'paused';
    out.push(['recenter', 'recenter', 'secondary', started && h.online]);
    out.push(['language', s.language === 'th' ? 'to_english' : 'to_thai', 'secondary', h.online]);
    out.push(['end', 'end', 'danger', true]);
    out.push(['watch', 'watch', 'secondary', h.online]); // the 3D spectator view, /watch/<id>
  } else if (status === 'ready') {
    const next = state.queue?.waiting?.[0];
    out.push(['call_next', next ? 'call_next_label' : 'call_next', '', Boolean(next)]);
    out.push(['assign', 'assign_scene', 'secondary', true]);
  }
  if (h.online) out.push(['message', 'message', 'secondary', true]);
  if (h.status === 'needs_cleaning') out.push(['cleaned', 'mark_cleaned', 'good', true]);
  if (h.status === 'available' && !s) out.push(['charging', 'mark_charging', 'secondary', true]);
  if (h.status === 'charging') out.push(['charged', 'mark_charged', 'good', true]);
  return out;
}

function renderHeadset(id) {
  const h = state.headsets.get(id);
  let card = cards.get(id);
  if (!h) {
    card?.el.remove();
    cards.delete(id);
    return;
  }
  if (!card) {
    const el = document.createElement('article');
    el.className = 'headset card';
    el.dataset.headsetId = id;
    el.innerHTML = '<div class="info"></div><div class="actions"></div>';
    el.querySelector('.actions').addEventListener('click', (event) => {
      const button = event.target.closest('button[data-action]');
      if (button) onAction(id, button.dataset.action, button);
    });
    card = { el, actionsKey: null };
    cards.set(id, card);
    placeCards();
  }
  const status = displayStatus(h);
  const s = activeSession(h);
  card.el.dataset.status = status;
  card.el.dataset.state = s?.state ?? '';
  card.el.classList.toggle('alerting', alerts.of(id).length > 0);
  card.el.classList.toggle('is-stuck', Boolean(s?.stuck));
  card.el.querySelector('.info').innerHTML = infoHtml(h) + content.cacheHtml(id, sceneTitle);
  const actions = actionsFor(h);
  const next = state.queue?.waiting?.[0];
  const key = JSON.stringify([actions, next?.label]);
  if (key !== card.actionsKey) {
    card.actionsKey = key;
    card.el.querySelector('.actions').innerHTML = actions.map(([action, label, cls, enabled]) =>
      `<button type="button" class="small ${cls}" data-action="${action}"${enabled ? '' : ' disabled'}>${esc(t(label, { label: next?.label ?? '' }))}</button>`).join('');
  }
}

function placeCards() {
  const sorted = [...state.headsets.values()].sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
  if (!sorted.length) {
    fleetEl.innerHTML = `<p class="empty">${esc(t('no_headsets'))}</p>`;
    return;
  }
  fleetEl.querySelector('.empty')?.remove();
  for (const h of sorted) {
    const card = cards.get(h.id);
    if (card) fleetEl.append(card.el);
  }
}

function renderSummary() {
  const counts = { ready: 0, in_session: 0, needs_cleaning: 0, charging: 0, offline: 0 };
  for (const h of state.headsets.values()) counts[displayStatus(h)] += 1;
  const total = state.headsets.size;
  const online = total - counts.offline;
  document.getElementById('fleet-summary').innerHTML =
    `<span class="sum-item"><b>${online}</b>/${total} ${esc(t('online'))}</span>` +
    ['ready', 'in_session', 'needs_cleaning', 'charging', 'offline']
      .map((k) => `<span class="sum-item ${STATUS_BADGE[k]}" data-count="${k}"><b>${counts[k]}</b> ${esc(t(`status_${k}`))}</span>`).join('');
}

function renderAll() {
  for (const id of [...cards.keys()]) if (!state.headsets.has(id)) renderHeadset(id);
  for (const id of state.headsets.keys()) renderHeadset(id);
  placeCards();
  renderSummary();
  alerts.render();
  queuePanel.render();
  document.getElementById('rollout').innerHTML = content.rolloutHtml();
}

function tick() {
  for (const el of document.querySelectorAll('.elapsed[data-since] > span')) {
    const since = el.parentElement.dataset.since;
    el.textContent = since ? clock(secondsSince(since)) : '—';
  }
  for (const el of document.querySelectorAll('[data-waited-since]')) {
    el.textContent = clock(secondsSince(el.dataset.waitedSince));
  }
}

/** An alert in words: who, and where in which scene. */
function alertText(a) {
  const name = state.headsets.get(a.headset_id)?.name ?? a.headset_id;
  const s = a.session_id ? state.sessions.get(a.session_id) : null;
  const scene = s ? sceneTitle(s.scene_id) : '';
  if (a.kind === 'call_staff') return t('alert_call_staff', { name });
  if (a.kind === 'stuck') return t('alert_stuck', { name, scene, step: s ? stepText(s) : '' });
  if (a.kind === 'load_failed') return t('alert_load_failed', { name, scene });
  return `${name}: ${a.kind}`;
}

/** Ready headsets with no session, by name: the ones a ticket can be called to. */
function freeHeadsets() {
  return [...state.headsets.values()]
    .filter((h) => displayStatus(h) === 'ready' && !activeSession(h))
    .sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
}

// ------------------------------------------------------------------ actions

const COMMANDS = new Set(['start', 'pause', 'resume', 'recenter']);

async function onAction(headsetId, action, button) {
  const h = state.headsets.get(headsetId);
  if (!h) return;
  const s = activeSession(h);
  const fail = (err) => `${h.name}: ${errorText(err)}`;
  if (action === 'watch') {
    window.open(`/watch/${encodeURIComponent(headsetId)}`, '_blank', 'noopener');
  } else if (COMMANDS.has(action) && s) {
    await busy(button, () => socket.request({ type: 'session_command', session_id: s.id, command: action }), fail);
  } else if (action === 'language' && s) {
    const language = s.language === 'th' ? 'en' : 'th';
    await busy(button, () => socket.request({ type: 'session_command', session_id: s.id, command: 'language', language }), fail);
  } else if (action === 'end' && s) {
    const ok = await confirmDialog(t('end_title', { name: h.name }), t('end_body'), { confirmLabel: t('end'), danger: true });
    if (ok) await busy(button, () => socket.request({ type: 'session_command', session_id: s.id, command: 'end' }), fail);
  } else if (action === 'assign') {
    assignDialog.open(h, null);
  } else if (action === 'call_next') {
    const ticket = state.queue?.waiting?.[0];
    if (ticket) await callTicket(ticket, h, button);
  } else if (action === 'message') {
    messageDialog.open(h);
  } else if (action === 'cleaned' || action === 'charged') {
    await busy(button, () => setStatus(h.id, 'available'), fail);
  } else if (action === 'charging') {
    await busy(button, () => setStatus(h.id, 'charging'), fail);
  }
}

/** Socket request with a REST fallback for a server that does not know the request type yet. */
async function requestOr(frame, rest) {
  try {
    return await socket.request(frame);
  } catch (err) {
    if (err.code === 'unknown_type' || err.code === 'invalid_message' || err.code === 'network') return rest();
    throw err;
  }
}

function setStatus(headsetId, status) {
  return requestOr({ type: 'set_status', headset_id: headsetId, status },
    () => api(`/api/headsets/${encodeURIComponent(headsetId)}/status`, { method: 'POST', body: { status } }));
}

async function callTicket(ticket, h, button, sceneId = null) {
  if (!sceneId && !(ticket.interests?.length)) {
    assignDialog.open(h, ticket);
    return;
  }
  const frame = { type: 'call_ticket', ticket_id: ticket.id, headset_id: h.id, ...(sceneId ? { scene_id: sceneId } : {}) };
  const done = await busy(button, () => requestOr(frame,
    () => api(`/api/queue/tickets/${encodeURIComponent(ticket.id)}/call`, { method: 'POST', body: { headset_id: h.id, ...(sceneId ? { scene_id: sceneId } : {}) } })),
  (err) => `${ticket.label} → ${h.name}: ${errorText(err)}`);
  if (done !== undefined) toast(t('called_toast', { label: ticket.label, name: h.name }), 'good');
}

// Estimated waits change with time even when the queue does not: refresh them every minute.
setInterval(() => { if (state.queueAvailable && state.live === 'online') queuePanel.load(); }, 60000);
