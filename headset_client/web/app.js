// The headset app: enrollment, lobby, loading, the session in immersive-vr, results.
// Open /headset/?enroll=CODE once per headset; /headset/ afterwards. `?emulate=quest3` loads
// the Immersive Web Emulation Runtime (IWER, a Meta Quest 3) for tests and development; on a
// real Quest the native WebXR runtime is used.

import * as THREE from 'three';
import { loadProtocol } from './protocol.js';
import { Connection } from './connection.js';
import { enroll, forgetIdentity, loadIdentity, takeEnrollCode } from './enroll.js';
import { drawLobby, loadCatalog } from './lobby.js';
import { cachedHashes, fetchAsset } from './loader.js';
import { Prefetcher } from './prefetch.js';
import { SessionRunner } from './session.js';
import { XRView } from './xr.js';
import { PoseSender } from './poses.js';
import { COLORS, Panel, loadFonts, progressBar } from './panels.js';
import { loc, t } from './i18n.js';
import { drawResult, resultHtml } from './results.js';
import { errorText, loadErrorWording } from './errors.js';
import { ScenePlayer, SoundSettings, VOLUME_STEP } from './sounds.js';
import { startTelemetry } from './telemetry.js';
import { installDebugHook } from './debug_hook.js';

const APP_VERSION = 'web-0.1.0';
const params = new URLSearchParams(location.search);
const emulate = params.get('emulate');
const $ = (id) => document.getElementById(id);

const app = {
  phase: 'boot', lang: params.get('lang') === 'en' || params.get('lang') === 'th' ? params.get('lang') : (localStorage.getItem('vr-career.lang') ?? 'th'),
  identity: null, conn: null, view: null, protocol: null, welcome: null, catalog: [], page: 0,
  status: '', notice: null, runner: null, result: null, resultTitle: '', errors: [], loading: null,
  timescale: emulate ? Number(params.get('timescale') ?? 1) || 1 : 1,
  seated: localStorage.getItem('vr-career.seated') === '1', staffCalledAt: 0, rating: null,
  sound: new SoundSettings(), listener: null,
};
const STAFF_CALL_SHOWN_MS = 60_000; // "staff are on their way" stays this long
window.addEventListener('error', (e) => app.errors.push(String(e.message)));
window.addEventListener('unhandledrejection', (e) => app.errors.push(String(e.reason?.stack ?? e.reason)));

/** The status line: a string key (or a function of the language), worded again on a switch. */
function setStatus(what) {
  app.statusOf = typeof what === 'function' ? what : (lang) => t(what, lang);
  showStatus();
}

function showStatus() {
  app.status = app.statusOf ? app.statusOf(app.lang) : '';
  $('status').textContent = app.status;
}

/**
 * The lobby's notice in the current language: {key} of i18n.js, or {error, before?} for an error
 * the server (or a request) reported: worded from its reason (errors.js), never its message.
 */
function noticeText() {
  const notice = app.notice;
  if (notice == null || typeof notice === 'string') return notice;
  if (notice.key) return t(notice.key, app.lang);
  const text = errorText(notice.error, app.lang);
  return notice.before ? `${t(notice.before, app.lang)}: ${text}` : text;
}

function setLanguage(lang, byVisitor = false) {
  if (lang !== 'th' && lang !== 'en') return;
  app.lang = lang;
  localStorage.setItem('vr-career.lang', lang);
  document.documentElement.lang = lang;
  showStatus();
  if (app.runner) app.runner.switchLanguage(lang, byVisitor);
  repaint();
}

// ------------------------------------------------------------------ panels

let main;
let overlay;
let messageTimer = null;
// Where the main panel stands (UI coordinates: comfort.js): straight ahead at a readable
// distance in the lobby and on the result; in a session high and to the left, clear of work
// surfaces. Each phase starts with the panels in front of where the visitor looks.
const MAIN_AHEAD = new THREE.Vector3(0, 1.5, -1.1);
const MAIN_SESSION = new THREE.Vector3(-0.8, 1.72, -0.95);
let placedPhase = null;

function placePanels() {
  if (app.phase === placedPhase) return;
  placedPhase = app.phase;
  app.view.movePanel(main, app.phase === 'session' ? MAIN_SESSION : MAIN_AHEAD);
  app.view.facePanels();
}

function repaint() {
  if (!main) return;
  placePanels();
  if (app.phase === 'lobby' || app.phase === 'not_enrolled' || app.phase === 'failed') paintLobby();
  else if (app.phase === 'loading') paintLoading();
  else if (app.phase === 'session' && app.runner) app.runner.paint();
  else if (app.phase === 'result') main.show((p) => drawResult(p, app.result, app.resultTitle, app.lang, { kiosk: !!app.welcome?.self_service, rating: app.rating }));
  if (app.runner?.paused) paintPaused();
  renderDom();
}

function paintLobby() {
  main.lang = app.lang;
  main.show((p) => drawLobby(p, {
    name: app.welcome?.headset.name ?? app.identity?.name, lang: app.lang, status: app.status,
    selfService: !!app.welcome?.self_service && app.phase === 'lobby', catalog: app.catalog, page: app.page, notice: noticeText(),
    seated: app.seated, volume: app.sound.volume, muted: app.sound.muted, canCallStaff: app.phase === 'lobby' && !!app.protocol?.canCallStaffFromLobby && !!app.conn?.online,
    staffCalled: performance.now() - app.staffCalledAt < STAFF_CALL_SHOWN_MS && app.staffCalledAt > 0,
  }));
}

function paintLoading() {
  const l = app.loading ?? { progress: 0, cached: false, title: '' };
  main.lang = app.lang;
  main.show((p) => {
    p.text(l.title, 40, 40, { size: 32, weight: 700 });
    p.text(l.cached ? t('loading_cache', app.lang) : t('loading', app.lang), 40, 220, { size: 36 });
    progressBar(p, 40, 300, p.canvas.width - 80, 36, l.progress);
    p.text(`${Math.round(l.progress * 100)}%`, 40, 350, { size: 30, color: COLORS.dim });
    // the reason goes to staff (load_failed); the visitor gets words, not a developer's detail
    if (l.error) p.text(`${t('load_failed', app.lang)}. ${t('hand_to_staff', app.lang)}`, 40, 420, { size: 26, color: COLORS.bad, maxLines: 3 });
  });
}

function paintPaused() {
  overlay.lang = app.lang;
  overlay.show((p) => {
    p.text(t('paused', app.lang), 40, 60, { size: 56, weight: 700, color: COLORS.accent });
    p.text(t('paused_detail', app.lang), 40, 160, { size: 34 });
  });
}

function showMessage(text) {
  overlay.lang = app.lang;
  overlay.show((p) => {
    p.text(t('message_from_staff', app.lang), 40, 40, { size: 30, color: COLORS.dim });
    p.text(loc(text, app.lang), 40, 100, { size: 38, weight: 700, maxLines: 5 });
  });
  clearTimeout(messageTimer);
  messageTimer = setTimeout(() => { if (!app.runner?.paused) overlay.hide(); }, 8000);
}

// ------------------------------------------------------------------ 2D page

function renderDom() {
  $('title').textContent = t('app_title', app.lang);
  const catalog = $('catalog');
  catalog.replaceChildren();
  if (app.phase === 'lobby' && app.welcome?.self_service) {
    for (const scene of app.catalog) {
      const b = document.createElement('button');
      b.dataset.scene = scene.id;
      if (scene.thumbUrl) { const img = document.createElement('img'); img.src = scene.thumbUrl; img.alt = ''; b.append(img); }
      b.append(loc(scene.title, app.lang));
      b.onclick = async () => { await enterVr(); pickScene(scene.id); };
      catalog.append(b);
    }
  }
  const progress = $('progress');
  progress.hidden = app.phase !== 'loading';
  progress.value = app.loading?.progress ?? 0;
  $('result').innerHTML = app.phase === 'result' && app.result ? resultHtml(app.result, app.resultTitle, app.lang) : '';
}

/** Let sounds play: browsers start audio only after a gesture (entering VR, a button). */
function wakeAudio() {
  const context = app.listener?.context;
  if (context?.state === 'suspended') context.resume().catch(() => {});
}

/** Stop and remove the sounds of the runner's scene (a new scene, the lobby, the result). */
function dropSounds(runner) {
  runner?.sounds?.dispose();
  if (runner) runner.sounds = null;
}

async function enterVr() {
  wakeAudio();
  if (!app.view || app.view.presenting) return;
  try {
    await app.view.enter();
    $('enter').hidden = true;
  } catch (err) {
    console.warn('entering VR failed', err);
    setStatus('no_vr');
  }
}

// ------------------------------------------------------------------ lobby and sessions

async function refreshCatalog() {
  if (!app.welcome?.self_service) { app.catalog = []; return; }
  try {
    app.catalog = await loadCatalog(app.identity.device_token);
  } catch (err) {
    console.warn('catalog', err);
    app.notice = { error: {} };
  }
}

function setSeated(seated) {
  app.seated = seated;
  localStorage.setItem('vr-career.seated', seated ? '1' : '0');
  app.view.setSeated(seated);
  repaint();
}

function callStaff() {
  if (!app.conn?.callStaff('visitor pressed call staff in the lobby')) return;
  app.staffCalledAt = performance.now();
  repaint();
  setTimeout(() => { if (app.phase === 'lobby') repaint(); }, STAFF_CALL_SHOWN_MS + 100);
}

function rate(value) {
  if (!app.result || !app.rating?.enabled || !app.conn?.rate(app.result.session_id, value)) return;
  app.rating = { ...app.rating, value, saved: false };
  repaint();
}

function pickScene(sceneId) {
  if (app.phase !== 'lobby' || !app.conn?.online) return;
  app.notice = null;
  app.conn.requestScene(sceneId, app.lang);
}

async function toLobby(notice = null) {
  dropSounds(app.runner);
  app.phase = 'lobby';
  app.runner = null;
  app.result = null;
  app.notice = notice;
  overlay.hide();
  app.view.clearScene();
  repaint();
  await refreshCatalog();
  if (app.phase === 'lobby') repaint();
}

function onAssignment({ assignment }) {
  const runner = app.runner;
  if (runner && runner.sessionId === assignment.session_id) {
    runner.resumeFrom(assignment.resume);
    const state = assignment.resume.state;
    if (runner.loaded && (state === 'assigned' || state === 'loading')) app.conn.ready(runner.sessionId);
    if (runner.paused) paintPaused(); else overlay.hide();
    return;
  }
  if (['finished', 'aborted'].includes(assignment.resume.state)) return;
  dropSounds(runner);
  if (runner) app.view.clearScene();
  app.result = null;
  app.notice = null;
  if (assignment.resume.language !== app.lang) setLanguage(assignment.resume.language);
  app.runner = new SessionRunner({
    assignment, conn: app.conn, view: app.view, panel: main, protocol: app.protocol, timescale: app.timescale,
    onLanguage: (lang) => { app.lang = lang; localStorage.setItem('vr-career.lang', lang); renderDom(); if (app.runner?.paused) paintPaused(); },
  });
  loadScene(app.runner, assignment);
}

async function loadScene(runner, assignment) {
  const sid = runner.sessionId;
  const glb = assignment.manifest.glb;
  const report = ['assigned', 'loading'].includes(assignment.resume.state);
  app.phase = 'loading';
  app.loading = { progress: 0, cached: false, title: loc(assignment.manifest.scene.title, app.lang) };
  repaint();
  if (report) app.conn.loading(sid, 0);
  let lastSent = 0;
  let lastPaint = 0;
  let grant = null;
  try {
    grant = await app.prefetcher.forSession(glb, sid); // null: cached, or no scheduling
    const granted = grant ? app.prefetcher.progressReporter(grant) : () => {};
    const { buffer, cached } = await fetchAsset(glb, app.identity.device_token, (fraction, info) => {
      granted(fraction);
      app.loading.progress = fraction;
      app.loading.cached = info.cached;
      if (report && fraction - lastSent >= 0.1 && fraction < 1) { lastSent = fraction; app.conn.loading(sid, fraction); }
      const now = performance.now();
      if (now - lastPaint > 100) { lastPaint = now; paintLoading(); renderDom(); }
    }, { grant: grant?.grant_id });
    app.prefetcher.finished(grant, true);
    grant = null;
    if (app.runner !== runner) return;
    app.loading.cached = cached;
    await app.view.loadScene(buffer, { spawnNode: assignment.manifest.scene.spawn_node, interactive: runner.referencedNodes() });
    if (app.runner !== runner) return;
    let soundsCached = true;
    if (app.listener) {
      const sounds = new ScenePlayer(app.listener, app.view.nodes);
      soundsCached = (await sounds.load(assignment.manifest, app.identity.device_token)).cached;
      if (app.runner !== runner) { sounds.dispose(); return; }
      runner.sounds = sounds;
    }
    if (report) app.conn.loading(sid, 1);
    app.conn.ready(sid);
    app.phase = 'session';
    app.sceneCached = cached && soundsCached; // the scene whole: its model and its sounds
    runner.sceneLoaded();
    repaint();
  } catch (err) {
    console.error(err);
    const reason = String(err.message ?? err);
    app.prefetcher.finished(grant, false);
    app.loading.error = reason;
    paintLoading();
    app.conn.loadFailed(sid, reason);
  }
}

function onCommand(cmd) {
  const runner = app.runner;
  const mine = runner && (cmd.session_id == null || cmd.session_id === runner.sessionId);
  switch (cmd.command) {
    case 'start': if (mine) runner.start(); break;
    case 'pause': if (mine) { runner.setPaused(true); paintPaused(); } break;
    case 'resume': if (mine) { runner.setPaused(false); overlay.hide(); } break;
    case 'end': if (mine) { runner.end(); overlay.hide(); } break;
    case 'recenter': app.view.recenter(); break;
    case 'language': if (cmd.language) setLanguage(cmd.language); break;
    case 'message': if (cmd.text) showMessage(cmd.text); break;
    default: break;
  }
}

function onResult(frame) {
  const runner = app.runner;
  if (!runner || runner.sessionId !== frame.session_id) return;
  app.result = frame;
  app.rating = { enabled: !!app.protocol.canRate, value: null, saved: false };
  app.resultTitle = loc(runner.manifest.scene.title, app.lang);
  dropSounds(runner);
  app.runner = null;
  app.phase = 'result';
  app.prefetcher.report(true); // idle again: the server may prefetch into this headset
  overlay.hide();
  app.view.setHighlight(null);
  repaint();
}

function onSoundButton(id) {
  if (id === 'volume:mute') app.sound.toggleMute();
  else app.sound.step(id === 'volume:up' ? VOLUME_STEP : -VOLUME_STEP);
  repaint();
}

function onButton(id, panel) {
  wakeAudio();
  if (panel === overlay) return;
  if (id.startsWith('lang:')) { setLanguage(id.slice(5), true); return; }
  if (id.startsWith('volume:') && app.phase === 'lobby') { onSoundButton(id); return; }
  if (id.startsWith('height:') && app.phase === 'lobby') { setSeated(id === 'height:seated'); return; }
  if (app.phase === 'lobby') {
    if (id === 'call_staff') callStaff();
    else if (id.startsWith('scene:')) pickScene(id.slice(6));
    else if (id === 'page:next') { app.page += 1; repaint(); }
    else if (id === 'page:prev') { app.page = Math.max(0, app.page - 1); repaint(); }
  } else if (app.phase === 'session' && app.runner) {
    app.runner.button(id);
  } else if (app.phase === 'result' && id === 'back') {
    toLobby();
  } else if (app.phase === 'result' && id.startsWith('rate:')) {
    rate(Number(id.slice(5)));
  }
}

// ------------------------------------------------------------------ boot

async function boot() {
  setStatus('…');
  if (emulate === 'quest3') {
    // Before the renderer exists (IWER must own navigator.xr first); forceInstall because
    // desktop Chromium has a native navigator.xr without immersive-vr.
    const { XRDevice, metaQuest3 } = await import('iwer');
    const device = new XRDevice(metaQuest3, { stereoEnabled: params.get('stereo') === '1' });
    device.installRuntime({ forceInstall: true });
    window.__iwer = device;
  }
  app.protocol = await loadProtocol();
  await loadErrorWording();
  await loadFonts();
  app.view = new XRView({ container: $('view'), pixelRatio: emulate ? 1 : window.devicePixelRatio, framebufferScale: emulate ? 0.5 : 1 });
  try {
    app.listener = new THREE.AudioListener(); // the visitor's ears: on the head
    app.view.camera.add(app.listener);
    document.addEventListener('pointerdown', wakeAudio); // a tap on the page is a gesture too
    // at once (setMasterVolume ramps on the audio clock, which stands still until a gesture)
    app.sound.onChange((gain) => { app.listener.gain.gain.value = gain; });
  } catch (err) {
    console.warn(`no Web Audio: scenes play without sound (${err.message ?? err})`);
    app.listener = null;
  }
  main = new Panel({ name: 'main', widthPx: 1024, heightPx: 640, widthM: 0.95 });
  overlay = new Panel({ name: 'overlay', widthPx: 1024, heightPx: 400, widthM: 0.8 });
  app.view.addPanel(main, MAIN_AHEAD);
  app.view.addPanel(overlay, new THREE.Vector3(0, 1.45, -0.7));
  overlay.mesh.renderOrder = 20;
  overlay.hide();
  const view = app.view;
  view.grabbable = (name) => !!app.runner?.canGrab(name);
  view.on('select', (name) => app.runner?.select(name));
  view.on('grab', (name) => app.runner?.grab(name));
  view.on('release', (name, origin) => (app.runner ? app.runner.release(name, origin) : false));
  view.on('button', onButton);
  view.on('frame', (dt) => app.runner?.tick(dt));
  view.onSessionEnd = () => { $('enter').hidden = false; };

  // Enrollment
  app.identity = loadIdentity();
  const code = takeEnrollCode();
  if (code) {
    // Also when enrolled already: a code given on purpose (staff's "Add headsets" link) enrolls
    // this device again, so it shows up in staff's list; a refused code keeps the old enrollment.
    setStatus('enrolling');
    try {
      app.identity = await enroll(code, params.get('name'));
    } catch (err) {
      console.warn('enrollment', err);
      app.notice = { error: err, before: 'enroll_failed' };
      setStatus(noticeText);
      if (!app.identity) {
        app.phase = 'not_enrolled';
        repaint();
        return;
      }
    }
  }
  if (!app.identity) {
    app.phase = 'not_enrolled';
    app.notice = { key: 'not_enrolled' };
    setStatus(noticeText);
    repaint();
    return;
  }

  // XR: the emulator needs no gesture; a real headset enters on the button.
  const enter = $('enter');
  enter.textContent = t('enter_vr', app.lang);
  enter.onclick = () => enterVr();
  if (emulate) await enterVr();
  if (app.seated) app.view.setSeated(true);
  else if (await XRView.supported()) enter.hidden = false;
  else setStatus('no_vr');

  // The connection
  const conn = new Connection({ identity: app.identity, protocol: app.protocol, appVersion: APP_VERSION, cachedHashes });
  app.conn = conn;
  conn.on('status', (s) => {
    if (s.state === 'online') setStatus('online');
    else if (s.state === 'connecting' && conn.connections === 0) setStatus('connecting');
    else if (s.state === 'offline') setStatus('offline');
    else if (s.state === 'failed') {
      const key = { auth: 'token_refused', replaced: 'replaced', protocol: 'protocol_mismatch' }[s.reason];
      if (s.reason === 'auth') forgetIdentity();
      app.phase = 'failed';
      app.notice = { key };
      setStatus(noticeText);
    }
    if (app.phase === 'lobby' || app.phase === 'failed' || app.phase === 'boot') repaint();
  });
  const poses = new PoseSender(app.view, (frame) => conn.send(frame));
  app.poses = poses;
  conn.on('pose_rate', (frame) => poses.setRate(frame.hz));
  const prefetcher = new Prefetcher({ conn, token: () => app.identity.device_token, protocol: app.protocol });
  app.prefetcher = prefetcher;
  conn.on('distribution', (frame) => prefetcher.onFrame(frame));
  conn.on('status', (s) => { if (s.state === 'offline') prefetcher.connectionLost(); });
  conn.on('welcome', async ({ welcome }) => {
    poses.setRate(2); // a new connection starts unwatched
    app.welcome = welcome;
    prefetcher.report(welcome.session_id == null && !app.runner);
    if (welcome.session_id == null && !app.runner && app.phase !== 'result') {
      app.phase = 'lobby';
      await refreshCatalog();
    }
    repaint();
  });
  conn.on('assignment', onAssignment);
  conn.on('command', onCommand);
  conn.on('result', onResult);
  conn.on('rated', (frame) => {
    if (app.result?.session_id !== frame.session_id || !app.rating) return;
    app.rating = { ...app.rating, saved: true };
    if (app.phase === 'result') repaint();
  });
  conn.on('session_lost', ({ session_id }) => { if (app.runner?.sessionId === session_id) toLobby(); });
  conn.on('error', (frame) => {
    if (app.phase === 'lobby') {
      console.warn(`error ${frame.code}: ${frame.message}`);
      app.notice = { error: frame };
      repaint();
    }
  });
  conn.start();
  startTelemetry(app);
  app.phase = app.phase === 'boot' ? 'connecting' : app.phase;
  repaint();
}

installDebugHook({ app, panels: () => ({ main, overlay }), noticeText });

boot().catch((err) => {
  console.error(err);
  app.errors.push(String(err.stack ?? err));
  app.phase = 'error';
  setStatus((lang) => errorText(null, lang));
});
