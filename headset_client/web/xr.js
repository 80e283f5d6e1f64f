// The 3D view: three.js renderer, immersive-vr with local-floor, the scene under a `stage`
// group (so that recenter and snap turn move the world, not the reference space), the panels
// under a `ui` group that stays in front of the visitor (comfort.js: placed at each phase start
// and on recentre, following lazily),
// controllers with a ray and trigger select, grab / move / release, hand pinch (hands send
// the same select events), snap turn on the thumbstick, seated height, look detection,
// highlight.

import * as THREE from 'three';
import { GLTFLoader } from 'three/addons/loaders/GLTFLoader.js';
import { DRACOLoader } from 'three/addons/loaders/DRACOLoader.js';
import { KTX2Loader } from 'three/addons/loaders/KTX2Loader.js';
import { MeshoptDecoder } from 'three/addons/libs/meshopt_decoder.module.js';
import { PanelFollower } from './comfort.js';

const SNAP_ANGLE = Math.PI / 6;
const STANDING_EYE_HEIGHT = 1.6; // metres: what a seated visitor sees the scene from
// The Draco decoder (wasm) ships with three.js; the server serves it under /vendor/.
const DRACO_DECODER_PATH = '/vendor/three/examples/jsm/libs/draco/gltf/';
let dracoLoader = null;
// The Basis Universal transcoder (KTX2 textures, KHR_texture_basisu) ships with three.js too.
const BASIS_TRANSCODER_PATH = '/vendor/three/examples/jsm/libs/basis/';
const ktx2Loaders = new WeakMap(); // renderer -> its KTX2Loader (the formats its GPU samples)

// A GLTFLoader for every GLB `vr-content package` writes: plain, meshopt or Draco compressed,
// with PNG/JPEG or KTX2 textures. KTX2 needs the `renderer` that will draw them: the
// transcoder picks the block format its GPU supports (ASTC or ETC on a Quest).
export function createGltfLoader(renderer = null) {
  if (!dracoLoader) dracoLoader = new DRACOLoader().setDecoderPath(DRACO_DECODER_PATH);
  const loader = new GLTFLoader().setMeshoptDecoder(MeshoptDecoder).setDRACOLoader(dracoLoader);
  if (renderer) {
    if (!ktx2Loaders.has(renderer)) {
      ktx2Loaders.set(renderer, new KTX2Loader().setTranscoderPath(BASIS_TRANSCODER_PATH).detectSupport(renderer));
    }
    loader.setKTX2Loader(ktx2Loaders.get(renderer));
  }
  return loader;
}
const RAY_LENGTH = 5;

function visibleInScene(obj) {
  for (let o = obj; o; o = o.parent) if (!o.visible) return false;
  return true;
}

export class XRView {
  constructor({ container, pixelRatio = window.devicePixelRatio, framebufferScale = 1 }) {
    const renderer = new THREE.WebGLRenderer({ antialias: false, powerPreference: 'high-performance' });
    renderer.setPixelRatio(pixelRatio);
    renderer.setSize(window.innerWidth, window.innerHeight);
    renderer.outputColorSpace = THREE.SRGBColorSpace;
    renderer.xr.enabled = true;
    renderer.xr.setReferenceSpaceType('local-floor');
    renderer.xr.setFramebufferScaleFactor(framebufferScale);
    container.appendChild(renderer.domElement);
    this.renderer = renderer;

    const scene = new THREE.Scene();
    scene.background = new THREE.Color(0x1d2633);
    scene.add(new THREE.HemisphereLight(0xffffff, 0x404850, 1.6));
    const sun = new THREE.DirectionalLight(0xffffff, 1.4);
    sun.position.set(2, 4, 3);
    scene.add(sun);
    this.scene = scene;
    this.camera = new THREE.PerspectiveCamera(70, window.innerWidth / window.innerHeight, 0.05, 200);
    this.camera.position.set(0, 1.6, 0);
    scene.add(this.camera);

    this.stage = new THREE.Group();
    this.stage.name = 'stage';
    this.world = new THREE.Group();
    this.world.name = 'world';
    this.ui = new THREE.Group();
    this.ui.name = 'ui';
    this.stage.add(this.world);
    scene.add(this.stage, this.ui);
    this.follower = new PanelFollower(this.ui);
    this.placePending = true; // put the panels in front of the head on the next good frame
    this.xrFrames = 0; // frames since the XR session started (its first pose may not be real)
    renderer.xr.addEventListener('sessionstart', () => { this.xrFrames = 0; this.placePending = true; });

    this.nodes = new Map();
    this.interactive = new Set();
    this.grabbable = () => false;
    this.panels = [];
    this.queue = [];
    this.grabs = new Map(); // controller -> {node, parent, position, quaternion, how}
    this.raycaster = new THREE.Raycaster();
    this.raycaster.far = 30;
    this.callbacks = { select: () => {}, button: () => {}, grab: () => {}, release: () => {}, frame: () => {} };
    this.highlighted = null;
    this.fps = 0;
    this.frames = 0;
    this.fpsSince = performance.now();
    this.last = performance.now();
    this.snapReady = new Map();
    this.heightOffset = 0; // metres the scene is lowered for a seated visitor

    this.controllers = [0, 1].map((i) => this.makeController(i));

    window.addEventListener('resize', () => {
      if (renderer.xr.isPresenting) return;
      this.camera.aspect = window.innerWidth / window.innerHeight;
      this.camera.updateProjectionMatrix();
      renderer.setSize(window.innerWidth, window.innerHeight);
    });
    renderer.setAnimationLoop((time, frame) => this.frame(time, frame));
  }

  on(name, fn) { this.callbacks[name] = fn; }

  makeController(i) {
    const controller = this.renderer.xr.getController(i);
    controller.name = `controller-${i}`;
    const geometry = new THREE.BufferGeometry().setFromPoints([new THREE.Vector3(0, 0, 0), new THREE.Vector3(0, 0, -1)]);
    const ray = new THREE.Line(geometry, new THREE.LineBasicMaterial({ color: 0xffffff, transparent: true, opacity: 0.8 }));
    ray.scale.z = RAY_LENGTH;
    ray.visible = false;
    controller.add(ray);
    controller.userData.ray = ray;
    controller.addEventListener('connected', (e) => {
      controller.userData.inputSource = e.data;
      ray.visible = e.data.targetRayMode === 'tracked-pointer';
    });
    controller.addEventListener('disconnected', () => { controller.userData.inputSource = null; ray.visible = false; this.release(controller); });
    for (const type of ['selectstart', 'selectend', 'squeezestart', 'squeezeend']) {
      controller.addEventListener(type, () => this.queue.push({ type, controller }));
    }
    this.scene.add(controller);
    const grip = this.renderer.xr.getControllerGrip(i);
    const body = new THREE.Mesh(new THREE.CylinderGeometry(0.02, 0.025, 0.12, 12), new THREE.MeshStandardMaterial({ color: 0x30343c, roughness: 0.6 }));
    body.rotation.x = Math.PI / 2;
    grip.add(body);
    this.scene.add(grip);
    this.scene.add(this.renderer.xr.getHand(i)); // joints are tracked; pinch arrives as select
    return controller;
  }

  /** Add `panel` to the UI at `position` (UI coordinates: a visitor at the origin looking
   * along -Z, eyes at 1.6 m), facing the eyes. */
  addPanel(panel, position) {
    this.ui.add(panel.mesh);
    this.panels.push(panel);
    this.movePanel(panel, position);
  }

  movePanel(panel, position, eye = new THREE.Vector3(0, 1.6, 0)) {
    panel.mesh.position.copy(position);
    // a plane faces +Z: turn +Z from the panel towards the eyes (in the UI's own frame)
    const m = new THREE.Matrix4().lookAt(eye, position, new THREE.Vector3(0, 1, 0));
    panel.mesh.quaternion.setFromRotationMatrix(m);
    panel.mesh.updateMatrixWorld(true);
  }

  /** Put the panels in front of where the visitor looks (on the next frame's head pose). */
  facePanels() { this.placePending = true; }

  /** True while the panels are being placed or are following the visitor's gaze. */
  get panelsMoving() { return this.placePending || this.follower.moving; }

  // ------------------------------------------------------------ the scene

  async loadScene(buffer, { spawnNode = 'spawn', interactive = [] } = {}) {
    const gltf = await createGltfLoader(this.renderer).parseAsync(buffer, '');
    this.clearScene();
    const root = gltf.scene;
    this.world.add(root);
    root.updateMatrixWorld(true);
    root.traverse((o) => { if (o.name && !this.nodes.has(o.name)) this.nodes.set(o.name, o); });
    const spawn = this.nodes.get(spawnNode);
    const at = new THREE.Vector3();
    if (spawn) spawn.getWorldPosition(at);
    this.world.position.set(-at.x, -at.y, -at.z);
    this.interactive = new Set(interactive);
    this.stage.updateMatrixWorld(true);
    return { nodes: this.nodes.size };
  }

  clearScene() {
    this.setHighlight(null);
    for (const c of this.controllers) this.release(c, { restore: true, silent: true });
    for (const child of [...this.world.children]) {
      this.world.remove(child);
      child.traverse((o) => {
        o.geometry?.dispose?.();
        for (const m of [].concat(o.material ?? [])) { m.map?.dispose?.(); m.dispose?.(); }
      });
    }
    this.nodes = new Map();
    this.interactive = new Set();
  }

  get sceneLoaded() { return this.world.children.length > 0; }
  set sceneVisible(v) { this.world.visible = v; }

  nodeInfo(name) {
    const node = this.nodes.get(name);
    if (!node) return null;
    node.updateWorldMatrix(true, true);
    const origin = node.getWorldPosition(new THREE.Vector3());
    const box = new THREE.Box3().setFromObject(node);
    const center = box.isEmpty() ? origin.clone() : box.getCenter(new THREE.Vector3());
    const radius = box.isEmpty() ? 0 : box.getSize(new THREE.Vector3()).length() / 2;
    return { origin, center, radius };
  }

  /**
   * A point on `name`'s surface that a ray from `from` reaches before anything else (null if
   * none of the sampled points is visible): where a visitor standing there would point.
   */
  surfacePoint(name, from) {
    const node = this.nodes.get(name);
    if (!node) return null;
    node.updateWorldMatrix(true, true);
    const center = new THREE.Box3().setFromObject(node).getCenter(new THREE.Vector3());
    const candidates = [];
    const a = new THREE.Vector3();
    const b = new THREE.Vector3();
    const c = new THREE.Vector3();
    node.traverse((o) => {
      if (!o.isMesh) return;
      const pos = o.geometry.attributes.position;
      const index = o.geometry.index;
      const tris = (index ? index.count : pos.count) / 3;
      const stride = Math.max(1, Math.floor(tris / 96));
      for (let t = 0; t < tris; t += stride) {
        const [i, j, k] = [0, 1, 2].map((n) => (index ? index.getX(3 * t + n) : 3 * t + n));
        a.fromBufferAttribute(pos, i); b.fromBufferAttribute(pos, j); c.fromBufferAttribute(pos, k);
        const mid = a.clone().add(b).add(c).divideScalar(3);
        candidates.push(mid.clone().applyMatrix4(o.matrixWorld));
        for (const corner of [a, b, c]) candidates.push(mid.clone().lerp(corner, 0.8).applyMatrix4(o.matrixWorld));
      }
    });
    candidates.sort((p, q) => p.distanceTo(center) - q.distanceTo(center));
    const ray = new THREE.Raycaster();
    const owned = (obj) => { for (let o = obj; o; o = o.parent) if (o === node) return true; return false; };
    for (const point of candidates) {
      ray.set(from, point.clone().sub(from).normalize());
      const hit = ray.intersectObject(this.world, true).find((h) => visibleInScene(h.object));
      if (hit && owned(hit.object)) return hit.point;
    }
    return null;
  }

  // ------------------------------------------------------------ user

  headPose() {
    const cam = this.renderer.xr.isPresenting ? this.renderer.xr.getCamera() : this.camera;
    cam.updateMatrixWorld(true);
    const position = new THREE.Vector3();
    const quaternion = new THREE.Quaternion();
    cam.matrixWorld.decompose(position, quaternion, new THREE.Vector3());
    return { position, quaternion };
  }

  controllerPose(i) {
    const c = this.controllers[i];
    if (!c?.userData.inputSource) return null;
    const position = new THREE.Vector3();
    const quaternion = new THREE.Quaternion();
    c.matrixWorld.decompose(position, quaternion, new THREE.Vector3());
    return { position, quaternion, handedness: c.userData.inputSource.handedness };
  }

  /** Put the spawn point where the visitor stands now, facing where they look. */
  recenter() {
    const { position, quaternion } = this.headPose();
    const forward = new THREE.Vector3(0, 0, -1).applyQuaternion(quaternion);
    const yaw = Math.atan2(-forward.x, -forward.z);
    this.stage.position.set(position.x, -this.heightOffset, position.z);
    this.stage.rotation.set(0, yaw, 0);
    this.stage.updateMatrixWorld(true);
    this.facePanels();
  }

  /**
   * Seated: lower the scene so that a seated visitor's eyes are at a standing person's eye
   * height in it (measured from the head now); standing: the floor is the real floor.
   */
  setSeated(seated) {
    const head = this.headPose().position.y;
    this.heightOffset = seated ? THREE.MathUtils.clamp(STANDING_EYE_HEIGHT - head, 0.2, 0.9) : 0;
    this.stage.position.y = -this.heightOffset;
    this.stage.updateMatrixWorld(true);
    this.facePanels(); // at the new eye height
    return this.heightOffset;
  }

  snapTurn(direction) {
    const { position } = this.headPose();
    const angle = -direction * SNAP_ANGLE;
    const pivot = new THREE.Vector3(position.x, 0, position.z);
    this.stage.position.sub(pivot).applyAxisAngle(new THREE.Vector3(0, 1, 0), angle).add(pivot);
    this.stage.rotation.y += angle;
    this.stage.updateMatrixWorld(true);
  }

  /** Is `name` near the centre of view? */
  isLookingAt(name) {
    const info = this.nodeInfo(name);
    if (!info) return false;
    const { position, quaternion } = this.headPose();
    const forward = new THREE.Vector3(0, 0, -1).applyQuaternion(quaternion);
    const to = info.center.clone().sub(position);
    const distance = to.length();
    if (distance < 1e-3) return true;
    const angle = forward.angleTo(to.normalize());
    const allowed = Math.min(THREE.MathUtils.degToRad(20), Math.max(THREE.MathUtils.degToRad(8), Math.atan2(info.radius * 0.6, distance)));
    return angle <= allowed;
  }

  setHighlight(name) {
    if (this.highlighted) {
      const { helper, restore } = this.highlighted;
      this.scene.remove(helper);
      helper.geometry.dispose();
      for (const [mesh, material] of restore) mesh.material = material;
      this.highlighted = null;
    }
    const node = name ? this.nodes.get(name) : null;
    if (!node) return;
    const restore = [];
    const glow = [];
    node.traverse((o) => {
      if (!o.isMesh) return;
      restore.push([o, o.material]);
      const copy = [].concat(o.material).map((m) => {
        const c = m.clone();
        if (c.emissive) { c.emissive = new THREE.Color(0xffb300); glow.push(c); }
        return c;
      });
      o.material = Array.isArray(o.material) ? copy : copy[0];
    });
    const helper = new THREE.BoxHelper(node, 0xffd54a);
    this.scene.add(helper);
    this.highlighted = { name, node, helper, restore, glow };
  }

  // ------------------------------------------------------------ input

  raycast(controller, objects) {
    this.raycaster.setFromXRController(controller);
    return this.raycaster.intersectObjects(objects, true).filter((h) => visibleInScene(h.object));
  }

  pick(controller) {
    const panels = this.panels.filter((p) => p.visible).map((p) => p.mesh);
    const hits = this.raycast(controller, [...panels, this.world]);
    const first = hits[0];
    if (!first) return null;
    const panel = first.object.userData.panel;
    if (panel) return { panel, button: first.uv ? panel.hit(first.uv) : null, distance: first.distance };
    for (let o = first.object; o && o !== this.world; o = o.parent) {
      if (o.name && this.interactive.has(o.name)) return { node: o.name, distance: first.distance };
    }
    return { distance: first.distance };
  }

  handle({ type, controller }) {
    if (type === 'selectend' || type === 'squeezeend') {
      const grab = this.grabs.get(controller);
      if (grab && grab.how === (type === 'selectend' ? 'select' : 'squeeze')) this.release(controller);
      return;
    }
    const hit = this.pick(controller);
    if (!hit) return;
    if (hit.panel) {
      if (hit.button && type === 'selectstart') this.callbacks.button(hit.button, hit.panel);
      return;
    }
    if (!hit.node) return;
    if (this.grabbable(hit.node)) {
      this.grab(controller, hit.node, type === 'selectstart' ? 'select' : 'squeeze');
    } else if (type === 'selectstart') {
      this.callbacks.select(hit.node);
    }
  }

  grab(controller, name, how) {
    if (this.grabs.has(controller)) return;
    const node = this.nodes.get(name);
    if (!node) return;
    for (const [c, g] of this.grabs) if (g.node === node) this.release(c, { silent: true });
    this.grabs.set(controller, { node, name, parent: node.parent, position: node.position.clone(), quaternion: node.quaternion.clone(), how });
    controller.attach(node);
    this.callbacks.grab(name);
  }

  /** Let go of what `controller` holds; the callback decides whether it stays there. */
  release(controller, { restore = false, silent = false } = {}) {
    const grab = this.grabs.get(controller);
    if (!grab) return;
    this.grabs.delete(controller);
    grab.parent.attach(grab.node);
    const putBack = () => { grab.node.position.copy(grab.position); grab.node.quaternion.copy(grab.quaternion); };
    // where it ends up, for the spectator's pose frames (poses.js: `d`)
    if (!silent || restore) this.released = { name: grab.name, node: grab.node, sent: 0 };
    if (restore) { putBack(); return; }
    if (silent) return;
    const origin = grab.node.getWorldPosition(new THREE.Vector3());
    const keep = this.callbacks.release(grab.name, origin);
    if (keep === false) putBack();
    else if (keep instanceof THREE.Vector3) { // snap onto the target
      grab.node.parent.updateWorldMatrix(true, false);
      grab.node.position.copy(grab.node.parent.worldToLocal(keep.clone()));
    }
  }

  // ------------------------------------------------------------ frame loop

  frame(time) {
    const now = performance.now();
    const dt = Math.min(0.25, (now - this.last) / 1000);
    this.last = now;
    this.frames += 1;
    if (now - this.fpsSince >= 1000) {
      this.fps = (this.frames * 1000) / (now - this.fpsSince);
      this.frames = 0;
      this.fpsSince = now;
    }
    this.updatePanels(dt);
    while (this.queue.length) this.handle(this.queue.shift());
    for (const c of this.controllers) this.updateController(c);
    if (this.highlighted) {
      const pulse = 0.35 + 0.35 * Math.sin(time / 220);
      for (const m of this.highlighted.glow) m.emissiveIntensity = pulse;
      this.highlighted.helper.update();
    }
    try { this.callbacks.frame(dt); } catch (err) { console.error(err); }
    this.renderer.render(this.scene, this.camera);
  }

  updatePanels(dt) {
    const presenting = this.renderer.xr.isPresenting;
    if (presenting) this.xrFrames += 1;
    const head = this.headPose();
    if (this.placePending && (!presenting || this.xrFrames > 2)) {
      this.placePending = false;
      this.follower.place(head);
    } else if (!this.placePending) {
      this.follower.update(head, dt);
    }
  }

  updateController(c) {
    const source = c.userData.inputSource;
    if (!source || !this.renderer.xr.isPresenting) return;
    const ray = c.userData.ray;
    const panels = this.panels.filter((p) => p.visible).map((p) => p.mesh);
    const hits = panels.length ? this.raycast(c, panels) : [];
    const panel = hits[0]?.object.userData.panel ?? null;
    const hover = panel && hits[0].uv ? panel.hit(hits[0].uv) : null;
    for (const p of this.panels) {
      if (p.hoveredBy === c && p !== panel) { p.hoveredBy = null; if (p.visible) p.setHover(null); }
    }
    if (panel) { panel.hoveredBy = c; panel.setHover(hover); }
    ray.scale.z = hits[0] ? hits[0].distance : RAY_LENGTH;
    const axes = source.gamepad?.axes;
    if (axes && axes.length >= 4) {
      const x = axes[2];
      const ready = this.snapReady.get(c) ?? true;
      if (ready && Math.abs(x) > 0.7) { this.snapTurn(Math.sign(x)); this.snapReady.set(c, false); }
      else if (Math.abs(x) < 0.3) this.snapReady.set(c, true);
    }
  }

  // ------------------------------------------------------------ XR session

  static async supported() {
    return !!navigator.xr && (await navigator.xr.isSessionSupported('immersive-vr').catch(() => false));
  }

  async enter() {
    if (this.renderer.xr.isPresenting) return;
    const session = await navigator.xr.requestSession('immersive-vr', { optionalFeatures: ['local-floor', 'hand-tracking'] });
    await this.renderer.xr.setSession(session);
    this.xrSession = session;
    session.addEventListener('end', () => { this.xrSession = null; this.onSessionEnd?.(); });
  }

  get presenting() { return this.renderer.xr.isPresenting; }
}
