// The spectator view of one headset (/watch/<headset id>): the staff socket's snapshot and
// updates say which session runs there and on which step; `watch` asks the server for the
// headset's poses (the headset then sends them at 20 Hz, back to 2 Hz when nobody watches) and
// every `watched_pose` moves the avatar (spectator.js). The scene is the session's glTF from
// the asset store; the step's title, narration and target are read from its manifest.

import { api } from '/ui/shared/api.js';
import { mountTopbar, showLiveState } from '/ui/shared/chrome.js';
import { applyI18n, loadStrings, loc, onLangChange, t } from '/ui/shared/i18n.js';
import { StaffSocket } from '/ui/shared/socket.js';
import { Spectator } from './spectator.js';

await loadStrings(new URL('strings.json', import.meta.url));

const $ = (id) => document.getElementById(id);
const headsetId = decodeURIComponent(location.pathname.split('/')[2] ?? '');
const ACTIVE = new Set(['assigned', 'loading', 'ready', 'running', 'paused']);

const { status } = mountTopbar('watch');
const view = new Spectator($('view'));
const page = { headset: null, session: null, manifest: null, sceneKey: null, note: 'loading_scene', missing: false };

function stepOf() {
  const steps = page.manifest?.script.steps ?? [];
  return page.session ? steps[page.session.step_index] ?? null : null;
}

function targetOf(step) {
  if (!step) return null;
  const a = step.action ?? {};
  return a.target ?? a.node ?? step.highlight ?? null;
}

function paint() {
  applyI18n(document.body);
  $('view').setAttribute('aria-label', t('view_label'));
  const name = page.headset?.name ?? headsetId;
  $('watch-heading').textContent = t('watching', { name });
  const session = page.session;
  const state = $('watch-state');
  state.textContent = page.missing ? t('no_headset') : page.headset && !page.headset.online ? t('headset_offline') : session ? t(`state_${session.state}`) : t('no_session');
  state.dataset.state = session?.state ?? 'none';
  for (const button of document.querySelectorAll('#modes [data-mode]')) button.setAttribute('aria-pressed', String(button.dataset.mode === view.mode));
  const step = stepOf();
  const total = page.manifest?.script.steps.length ?? 0;
  $('step-count').textContent = step ? t('step_of', { n: page.session.step_index + 1, total }) : '';
  $('step-title').textContent = step ? loc(step.title) : (session ? '' : t('no_session'));
  $('step-text').textContent = step ? loc(step.narration) : '';
  const target = targetOf(step);
  $('step-target').textContent = target ? t('target', { node: target }) : '';
  view.highlight(target);
  const note = page.missing ? 'no_headset' : !session ? 'no_session' : page.note;
  $('view-note').textContent = note ? t(note) : '';
}

async function loadScene(session) {
  const key = `${session.scene_id}@${session.scene_version}`;
  if (page.sceneKey === key) return;
  page.sceneKey = key;
  page.note = 'loading_scene';
  paint();
  try {
    const manifest = await api(`/api/catalog/${encodeURIComponent(session.scene_id)}/manifest?version=${encodeURIComponent(session.scene_version)}`);
    const response = await fetch(`/assets/${manifest.glb.sha256}`, { credentials: 'same-origin' });
    if (!response.ok) throw new Error(`asset ${response.status}`);
    await view.loadScene(await response.arrayBuffer(), manifest.scene.spawn_node);
    if (page.sceneKey !== key) return;
    page.manifest = manifest;
    page.note = view.frames ? null : 'waiting_poses';
  } catch (err) {
    console.error(err);
    page.sceneKey = null;
    page.note = 'scene_failed';
  }
  paint();
}

function setSession(session) {
  page.session = session && ACTIVE.has(session.state) ? session : null;
  if (page.session) loadScene(page.session);
  paint();
}

const socket = new StaffSocket({
  onFrame(frame) {
    switch (frame.type) {
      case 'snapshot':
        page.headset = frame.headsets.find((h) => h.id === headsetId) ?? null;
        page.missing = !page.headset;
        setSession(frame.sessions.find((s) => s.headset_id === headsetId) ?? null);
        if (page.headset) socket.request({ type: 'watch', headset_id: headsetId }).catch((err) => console.warn('watch', err));
        break;
      case 'headset_update':
        if (frame.headset.id === headsetId) { page.headset = frame.headset; paint(); }
        break;
      case 'session_update':
        if (frame.session.headset_id === headsetId) setSession(frame.session);
        break;
      case 'watched_pose':
        if (frame.headset_id !== headsetId) break;
        view.applyPose(frame);
        if (page.note === 'waiting_poses') { page.note = null; paint(); }
        break;
      default:
        break;
    }
  },
  onState: (s) => showLiveState(status, $('offline-banner'), s, () => socket.retryNow()),
}).start();

for (const button of document.querySelectorAll('#modes [data-mode]')) {
  button.addEventListener('click', () => { view.setMode(button.dataset.mode); paint(); });
}
onLangChange(paint);
paint();

// Read-only, for the browser tests: what the page shows and where the avatar is.
window.__watch = {
  state: () => ({
    headset_id: headsetId, session_id: page.session?.id ?? null, step_id: page.session?.step_id ?? null,
    step_title: $('step-title').textContent, note: $('view-note').textContent, ...view.state(),
  }),
  node: (name) => view.nodePosition(name),
};
