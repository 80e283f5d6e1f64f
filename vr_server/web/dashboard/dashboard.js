// The staff dashboard: every headset live over /ws/staff (snapshot, then headset_update / headsets_live /
// session_update / alert / queue_update deltas), remote control of each headset and session,
// alerts that stay until acknowledged, and the walk-in queue.

import { api, errorText } from '/ui/shared/api.js';
import { mountTopbar, showLiveState } from '/ui/shared/chrome.js';
import { clock, aboutMinutes, esc, secondsSince, timeOfDay } from '/ui/shared/format.js';
import { applyI18n, loadStrings, loc, onLangChange, t } from '/ui/shared/i18n.js';
import { StaffSocket } from '/ui/shared/socket.js';
import { ICONS } from '/ui/shared/icons.js';
import { busy, confirmDialog, toast } from '/ui/shared/ui.js';
import { AddHeadsets } from '/ui/dashboard/add_headsets.js';
import { ContentView } from '/ui/dashboard/content.js';
import { SyncState } from '/ui/dashboard/sync_state.js';

await loadStrings(new URL('strings.json', import.meta.url));

const ACTIVE = new Set(['assigned', 'loading', 'ready', 'running', 'paused']);
const ALERTS_KEY = 'vr_dashboard_alerts';

const state = {
  headsets: new Map(),
  sessions: new Map(),
  catalog: new Map(),
  queue: null,
  queueAvailable: true,
  alerts: loadAlerts(),
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
    alerts: state.alerts.map((a) => ({ ...a })),
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
      if (frame.queue) setQueue(frame.queue);
      else loadQueue();
      renderAll();
      break;
    case 'headset_update':
    case 'headset_enrolled':
      state.headsets.set(frame.headset.id, frame.headset);
      renderHeadset(frame.headset.id);
      renderSummary();
      renderQueue();
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
      if (s.ticket_label) renderQueue();
      break;
    }
    case 'alert':
      addAlert(frame);
      break;
    case 'queue_update':
      setQueue(frame.queue);
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

function unackedAlerts(headsetId) {
  return state.alerts.filter((a) => a.headset_id === headsetId);
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
  const alerts = unackedAlerts(h.id);
  const calling = alerts.some((a) => a.kind === 'call_staff');
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
  card.el.classList.toggle('alerting', unackedAlerts(id).length > 0);
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
  renderAlerts();
  renderQueue();
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
    openAssign(h, null);
  } else if (action === 'call_next') {
    const ticket = state.queue?.waiting?.[0];
    if (ticket) await callTicket(ticket, h, button);
  } else if (action === 'message') {
    openMessage(h);
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
    openAssign(h, ticket);
    return;
  }
  const frame = { type: 'call_ticket', ticket_id: ticket.id, headset_id: h.id, ...(sceneId ? { scene_id: sceneId } : {}) };
  const done = await busy(button, () => requestOr(frame,
    () => api(`/api/queue/tickets/${encodeURIComponent(ticket.id)}/call`, { method: 'POST', body: { headset_id: h.id, ...(sceneId ? { scene_id: sceneId } : {}) } })),
  (err) => `${ticket.label} → ${h.name}: ${errorText(err)}`);
  if (done !== undefined) toast(t('called_toast', { label: ticket.label, name: h.name }), 'good');
}

// Assign dialog: a scene for a headset, or the scene for a ticket without interests.
const assignDialog = document.getElementById('assign-dialog');
const assignForm = document.getElementById('assign-form');
let assignTarget = null;

function openAssign(h, ticket) {
  assignTarget = { headsetId: h.id, ticket };
  document.getElementById('assign-title').textContent = ticket
    ? t('call_ticket_title', { label: ticket.label, name: h.name })
    : t('assign_title', { name: h.name });
  const select = document.getElementById('assign-scene');
  const scenes = [...state.catalog.values()].sort((a, b) => loc(a.title).localeCompare(loc(b.title)));
  select.innerHTML = scenes.map((s) => `<option value="${esc(s.id)}">${esc(loc(s.title))} · ${esc(s.duration_min)} ${esc(t('minutes_short'))}</option>`).join('');
  const language = ticket?.language ?? 'th';
  for (const radio of assignForm.querySelectorAll('input[name=assign-lang]')) radio.checked = radio.value === language;
  document.getElementById('autostart-row').hidden = Boolean(ticket);
  document.getElementById('assign-error').textContent = scenes.length ? '' : t('no_scenes');
  document.getElementById('assign-ok').disabled = !scenes.length;
  document.getElementById('assign-ok').textContent = ticket ? t('call') : t('assign');
  assignDialog.showModal();
}

assignForm.addEventListener('submit', async (event) => {
  if (event.submitter?.value !== 'ok') return;
  event.preventDefault();
  const target = assignTarget;
  const h = state.headsets.get(target.headsetId);
  const sceneId = document.getElementById('assign-scene').value;
  const language = assignForm.querySelector('input[name=assign-lang]:checked').value;
  const autostart = document.getElementById('assign-autostart').checked;
  const ok = document.getElementById('assign-ok');
  const errorBox = document.getElementById('assign-error');
  ok.disabled = true;
  try {
    if (target.ticket) {
      await requestOr({ type: 'call_ticket', ticket_id: target.ticket.id, headset_id: h.id, scene_id: sceneId },
        () => api(`/api/queue/tickets/${encodeURIComponent(target.ticket.id)}/call`, { method: 'POST', body: { headset_id: h.id, scene_id: sceneId } }));
      toast(t('called_toast', { label: target.ticket.label, name: h.name }), 'good');
    } else {
      await requestOr({ type: 'assign', headset_id: h.id, scene_id: sceneId, language, autostart },
        () => api('/api/sessions', { method: 'POST', body: { headset_id: h.id, scene_id: sceneId, language, autostart } }));
      toast(t('assigned_toast', { scene: sceneTitle(sceneId), name: h.name }), 'good');
    }
    assignDialog.close();
  } catch (err) {
    errorBox.textContent = errorText(err);
  } finally {
    ok.disabled = false;
  }
});

// Message dialog: a short text for the visitor, in Thai and English.
const messageDialog = document.getElementById('message-dialog');
const messageForm = document.getElementById('message-form');
let messageTarget = null;
const PRESETS = ['preset_coming', 'preset_look_around', 'preset_take_off', 'preset_well_done'];

function openMessage(h) {
  messageTarget = h.id;
  document.getElementById('message-title').textContent = t('message_title', { name: h.name });
  document.getElementById('message-th').value = '';
  document.getElementById('message-en').value = '';
  document.getElementById('message-error').textContent = '';
  const presets = document.getElementById('message-presets');
  presets.innerHTML = PRESETS.map((key) => `<button type="button" class="chip" data-preset="${key}">${esc(t(key))}</button>`).join('');
  messageDialog.showModal();
}

document.getElementById('message-presets').addEventListener('click', (event) => {
  const key = event.target.closest('[data-preset]')?.dataset.preset;
  if (!key) return;
  document.getElementById('message-th').value = t(key, {}, 'th');
  document.getElementById('message-en').value = t(key, {}, 'en');
});

messageForm.addEventListener('submit', async (event) => {
  if (event.submitter?.value !== 'ok') return;
  event.preventDefault();
  const th = document.getElementById('message-th').value.trim();
  const en = document.getElementById('message-en').value.trim();
  const errorBox = document.getElementById('message-error');
  if (!th && !en) {
    errorBox.textContent = t('message_empty');
    return;
  }
  // Both languages are required on the wire; one written text is shown in either language.
  const text = { th: th || en, en: en || th };
  const ok = document.getElementById('message-ok');
  ok.disabled = true;
  try {
    await requestOr({ type: 'message', headset_id: messageTarget, text },
      () => api(`/api/headsets/${encodeURIComponent(messageTarget)}/message`, { method: 'POST', body: { text } }));
    toast(t('message_sent', { name: state.headsets.get(messageTarget)?.name ?? '' }), 'good');
    messageDialog.close();
  } catch (err) {
    errorBox.textContent = errorText(err);
  } finally {
    ok.disabled = false;
  }
});

// ------------------------------------------------------------------ alerts

function loadAlerts() {
  try {
    const saved = JSON.parse(localStorage.getItem(ALERTS_KEY) ?? '[]');
    return Array.isArray(saved) ? saved.slice(-50) : [];
  } catch {
    return [];
  }
}

function saveAlerts() {
  try { localStorage.setItem(ALERTS_KEY, JSON.stringify(state.alerts.slice(-50))); } catch { /* ignore */ }
}

function addAlert(frame) {
  const key = `${frame.kind}|${frame.headset_id}|${frame.session_id ?? ''}|${frame.kind === 'stuck' ? frame.detail : ''}`;
  const existing = state.alerts.find((a) => a.key === key);
  if (existing) {
    existing.count += 1;
    existing.at = new Date().toISOString();
  } else {
    state.alerts.push({ key, kind: frame.kind, headset_id: frame.headset_id, session_id: frame.session_id ?? null, detail: frame.detail ?? '', at: new Date().toISOString(), count: 1 });
  }
  saveAlerts();
  renderAlerts();
  renderHeadset(frame.headset_id);
  if (frame.kind === 'call_staff') chime();
}

function acknowledge(key) {
  const alert = state.alerts.find((a) => a.key === key);
  state.alerts = state.alerts.filter((a) => a.key !== key);
  saveAlerts();
  renderAlerts();
  if (alert) renderHeadset(alert.headset_id);
}

function alertText(a) {
  const name = state.headsets.get(a.headset_id)?.name ?? a.headset_id;
  const s = a.session_id ? state.sessions.get(a.session_id) : null;
  const scene = s ? sceneTitle(s.scene_id) : '';
  if (a.kind === 'call_staff') return t('alert_call_staff', { name });
  if (a.kind === 'stuck') return t('alert_stuck', { name, scene, step: s ? stepText(s) : '' });
  if (a.kind === 'load_failed') return t('alert_load_failed', { name, scene });
  return `${name}: ${a.kind}`;
}

function renderAlerts() {
  const section = document.getElementById('alerts');
  const list = document.getElementById('alert-list');
  section.hidden = state.alerts.length === 0;
  list.innerHTML = [...state.alerts].reverse().map((a) => `
    <li class="alert alert-${esc(a.kind)}" data-kind="${esc(a.kind)}" data-headset-id="${esc(a.headset_id)}">
      <span class="alert-icon">${a.kind === 'call_staff' ? ICONS.bell : ICONS.warn}</span>
      <span class="alert-text"><strong>${esc(alertText(a))}</strong>${a.count > 1 ? ` <span class="badge">×${a.count}</span>` : ''}
        ${a.detail && a.kind !== 'stuck' ? `<small>${esc(a.detail)}</small>` : ''}</span>
      <time>${esc(timeOfDay(a.at))}</time>
      <button type="button" class="small secondary" data-ack="${esc(a.key)}">${esc(t('acknowledge'))}</button>
    </li>`).join('');
}

document.getElementById('alert-list').addEventListener('click', (event) => {
  const key = event.target.closest('[data-ack]')?.dataset.ack;
  if (key) acknowledge(key);
});

let audio = null;
function chime() {
  try {
    audio ??= new AudioContext();
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = 880;
    gain.gain.setValueAtTime(0.12, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.6);
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.6);
  } catch { /* no audio before a user gesture: the alert bar is enough */ }
}

// ------------------------------------------------------------------ queue

function setQueue(queue) {
  state.queue = queue;
  state.queueAvailable = true;
  renderQueue();
  for (const id of state.headsets.keys()) renderHeadset(id);
}

async function loadQueue() {
  try {
    setQueue(await api('/api/queue'));
  } catch (err) {
    if (err.status === 404 || err.status === 405) {
      state.queueAvailable = false;
      renderQueue();
    } else {
      document.getElementById('queue-error').textContent = errorText(err);
    }
  }
}

function freeHeadsets() {
  return [...state.headsets.values()]
    .filter((h) => displayStatus(h) === 'ready' && !activeSession(h))
    .sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
}

function interestTitles(ticket) {
  if (!ticket.interests?.length) return t('any_occupation');
  return ticket.interests.map(sceneTitle).join(', ');
}

/** What a called ticket plays: its session's scene, else what the visitor asked for. */
function servingScene(ticket) {
  const session = ticket.session_id ? state.sessions.get(ticket.session_id) : null;
  return session ? sceneTitle(session.scene_id) : interestTitles(ticket);
}

/** The visitor's earlier occupations today (their visitor code links them), for the ticket row. */
function triedLine(ticket) {
  const tried = ticket.tried ?? [];
  if (!tried.length) return '';
  const list = tried.map((x) => `${sceneTitle(x.scene_id)}${x.percent != null ? ` (${Math.round(x.percent)}%)` : ''}`).join(', ');
  return `<small class="ticket-tried" title="${esc(t('visitor_code'))} ${esc(ticket.visitor_code ?? '')}">${esc(t('tried_today'))} ${esc(list)}</small>`;
}

function renderQueue() {
  const serving = document.getElementById('now-serving');
  const waiting = document.getElementById('waiting');
  const meta = document.getElementById('queue-meta');
  if (!state.queueAvailable) {
    serving.innerHTML = '';
    waiting.innerHTML = `<li class="empty">${esc(t('queue_unavailable'))}</li>`;
    meta.textContent = '';
    return;
  }
  const q = state.queue;
  if (!q) return;
  document.getElementById('queue-error').textContent = '';
  meta.textContent = `${t('waiting_count', { n: q.waiting.length })} · ${t('free_headsets', { n: q.free_headsets ?? freeHeadsets().length })}`;
  serving.innerHTML = q.now_serving.length ? q.now_serving.map((tk) => `
    <li class="ticket serving" data-ticket-id="${esc(tk.id)}">
      <span class="ticket-label">${esc(tk.label)}</span>
      <span class="ticket-body"><span><span class="arrow">→</span> <strong>${esc(tk.headset_name ?? '—')}</strong></span>
        <small class="muted">${esc(servingScene(tk))}</small></span>
      <span class="badge ${tk.status === 'in_session' ? 'accent' : 'warn'}">${esc(t(`ticket_${tk.status}`))}</span>
    </li>`).join('') : `<li class="empty">${esc(t('none_yet'))}</li>`;
  const free = freeHeadsets();
  const options = free.map((h) => `<option value="${esc(h.id)}">${esc(h.name)}</option>`).join('');
  waiting.innerHTML = q.waiting.length ? q.waiting.map((tk) => `
    <li class="ticket" data-ticket-id="${esc(tk.id)}">
      <span class="ticket-label">${esc(tk.label)}</span>
      <span class="ticket-body">
        <span><span class="badge lang-badge">${esc(tk.language.toUpperCase())}</span> ${esc(interestTitles(tk))}</span>
        <small class="muted">${esc(t('waited'))} <span data-waited-since="${esc(tk.created_at)}">${esc(clock(secondsSince(tk.created_at)))}</span>
          · ${esc(t('est_wait'))} ${esc(aboutMinutes(tk.estimated_wait_s))}${tk.has_personal_data ? ` · <span title="${esc(t('has_contact_help'))}">${ICONS.phone}</span>` : ''}</small>
        ${triedLine(tk)}
      </span>
      <span class="ticket-actions">
        <select aria-label="${esc(t('headset_for', { label: tk.label }))}" data-call-select ${free.length ? '' : 'disabled'}>${options || `<option>${esc(t('no_free_headset'))}</option>`}</select>
        <button type="button" class="small" data-call="${esc(tk.id)}" ${free.length ? '' : 'disabled'}>${esc(t('call'))}</button>
        <button type="button" class="small secondary" data-cancel="${esc(tk.id)}" title="${esc(t('no_show_help'))}">${esc(t('no_show'))}</button>
      </span>
    </li>`).join('') : `<li class="empty">${esc(t('queue_empty'))}</li>`;
}

document.getElementById('waiting').addEventListener('click', async (event) => {
  const callId = event.target.closest('[data-call]')?.dataset.call;
  const cancelId = event.target.closest('[data-cancel]')?.dataset.cancel;
  const ticket = state.queue?.waiting?.find((tk) => tk.id === (callId ?? cancelId));
  if (!ticket) return;
  const button = event.target.closest('button');
  if (callId) {
    const select = button.closest('.ticket').querySelector('[data-call-select]');
    const h = state.headsets.get(select.value);
    if (h) await callTicket(ticket, h, button);
  } else {
    const ok = await confirmDialog(t('no_show_title', { label: ticket.label }), t('no_show_body'), { confirmLabel: t('no_show'), danger: true });
    if (ok) {
      await busy(button, () => api(`/api/queue/tickets/${encodeURIComponent(ticket.id)}/cancel`, { method: 'POST', body: { no_show: true } }),
        (err) => `${ticket.label}: ${errorText(err)}`);
    }
  }
});

// Estimated waits change with time even when the queue does not: refresh them every minute.
setInterval(() => { if (state.queueAvailable && state.live === 'online') loadQueue(); }, 60000);
