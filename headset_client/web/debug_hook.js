// The headset app's test and debugging hook, `window.__vr`: a read-only view of what the app
// knows (phase, session, panels, sounds, prefetch) and where things are in the scene, so the
// browser tests can drive an emulated headset as a visitor would.

import * as THREE from 'three';
import { loaderStats } from './loader.js';

const v3 = (v) => (v ? [v.x, v.y, v.z] : null);

/**
 * @param {{ app: object, panels: () => { main: object, overlay: object }, noticeText: () => string }} deps
 */
export function installDebugHook({ app, panels, noticeText }) {
  const panelOf = (panel) => (panel === 'main' ? panels().main : panels().overlay);
  window.__vr = {
    state() {
      return {
        phase: app.phase, lang: app.lang, status: app.status, notice: noticeText(), connected: !!app.conn?.online,
        connections: app.conn?.connections ?? 0, headset: app.welcome?.headset ?? null, self_service: !!app.welcome?.self_service,
        catalog: app.catalog.map((s) => ({ id: s.id, thumbnail: !!s.thumb })), presenting: !!app.view?.presenting,
        session: app.runner?.describe() ?? null, pending: app.conn?.outbox.pending.map((e) => e.seq) ?? [],
        result: app.result, scene_cached: app.sceneCached ?? null, loader: { ...loaderStats }, errors: app.errors,
        panel: panels().main ? { texts: panels().main.texts, buttons: panels().main.buttons.map((b) => b.id) } : null,
        overlay: panels().overlay ? { visible: panels().overlay.visible, texts: panels().overlay.texts } : null, fps: app.view?.fps ?? 0,
        grabbing: app.view ? [...app.view.grabs.values()].map((g) => g.name) : [],
        poses: app.poses ? { hz: app.poses.hz, sent: app.poses.sent } : null,
        prefetch: app.prefetcher ? { ...app.prefetcher.stats, scheduled: app.prefetcher.scheduled, running: app.prefetcher.running.size } : null,
        ui: app.view ? { moving: app.view.panelsMoving, offset_deg: app.view.follower.offsetDeg(app.view.headPose().quaternion) } : null,
        seated: app.seated, stage_y: app.view?.stage.position.y ?? 0, rating: app.rating,
        inputs: app.view ? app.view.controllers.map((c) => { const src = c.userData.inputSource; return src ? { handedness: src.handedness, hand: !!src.hand } : null; }) : [],
      };
    },
    node(name) {
      const info = app.view?.nodeInfo(name);
      return info ? { origin: v3(info.origin), center: v3(info.center), radius: info.radius } : null;
    },
    button(id, panel = 'main') {
      const p = panelOf(panel);
      const at = p?.visible ? p.buttonWorld(id) : null;
      return at ? { position: v3(at), normal: v3(p.normalWorld()) } : null;
    },
    /**
     * Where to point at a node: a point on its surface that a ray reaches unobstructed, from the
     * head or, failing that, from above or beside the node (where a visitor would lean).
     */
    aimPoint(name) {
      const view = app.view;
      const info = view?.nodeInfo(name);
      if (!info) return null;
      const head = view.headPose().position;
      const around = [[0, 0.6, 0], [0, 0.4, 0.4], [0.4, 0.4, 0], [-0.4, 0.4, 0], [0, 0.4, -0.4]]
        .map(([x, y, z]) => info.center.clone().add(new THREE.Vector3(x, y, z)));
      for (const from of [head, ...around]) {
        const p = view.surfacePoint(name, from);
        if (p) return { point: v3(p), from: v3(from) };
      }
      return null;
    },
    head() { const h = app.view?.headPose(); return h ? { position: v3(h.position) } : null; },
    /** Where the visitor sees a panel: degrees off their gaze (0: straight ahead) and metres. */
    panelSight(panel = 'main') {
      const p = panelOf(panel);
      const h = app.view?.headPose();
      if (!p || !h) return null;
      const to = p.mesh.getWorldPosition(new THREE.Vector3()).sub(h.position);
      const forward = new THREE.Vector3(0, 0, -1).applyQuaternion(h.quaternion);
      return { angle_deg: THREE.MathUtils.radToDeg(forward.angleTo(to)), distance: to.length() };
    },
    /** The panel's canvas as a PNG data URL (to look at a panel in tests). */
    panelImage(panel = 'main') { return panelOf(panel)?.canvas.toDataURL('image/png') ?? null; },
    dropConnection() { app.conn?.drop(); },
    /** The scene's sounds (each cue's audio, its node, whether it plays) and the settings. */
    sounds() {
      return {
        cues: app.runner?.sounds?.describe() ?? [], failed: app.runner?.sounds?.failed ?? [],
        volume: app.sound.volume, muted: app.sound.muted, master: app.listener?.getMasterVolume() ?? null,
        listener_on_camera: app.listener?.parent === app.view?.camera, context: app.listener?.context.state ?? null,
        listener_position: app.listener ? v3(app.listener.getWorldPosition(new THREE.Vector3())) : null,
      };
    },
    /** What the right (or given) controller's ray points at now: for diagnostics only. */
    pointing(i = null) {
      const view = app.view;
      const c = view?.controllers.find((ctrl, k) => (i == null ? ctrl.userData.inputSource?.handedness === 'right' : k === i));
      if (!c) return null;
      const hit = view.pick(c);
      const pos = new THREE.Vector3().setFromMatrixPosition(c.matrixWorld);
      const dir = new THREE.Vector3(0, 0, -1).transformDirection(c.matrixWorld);
      return { from: v3(pos), dir: v3(dir), node: hit?.node ?? null, button: hit?.button ?? null, panel: hit?.panel?.name ?? null, distance: hit?.distance ?? null };
    },
  };
}
