// The 3D spectator view: the scene's glTF (the same bytes the headset loaded), the visitor as
// a simple avatar (a head with a visor facing where they look, two hands), the grabbed node
// moved to where the visitor holds it (and a node let go of to where the headset left it:
// where it was put, or back at rest), the current step's target highlighted, and an orbit or
// first-person camera. Poses are the compact ones of vr_server/protocol/poses.py: seven
// integers, millimetres and the quaternion x 1000, in the scene's coordinates.

import * as THREE from 'three';
import { OrbitControls } from 'three/addons/controls/OrbitControls.js';
import { createGltfLoader } from '/headset/xr.js';

const HIGHLIGHT = new THREE.Color(0xffb020);

/** {position, quaternion} of seven integers. */
export function dequantise(p) {
  const position = new THREE.Vector3(p[0] / 1000, p[1] / 1000, p[2] / 1000);
  const quaternion = new THREE.Quaternion(p[3] / 1000, p[4] / 1000, p[5] / 1000, p[6] / 1000).normalize();
  return { position, quaternion };
}

function avatar() {
  const skin = new THREE.MeshStandardMaterial({ color: 0x7dd3fc, roughness: 0.6 });
  const head = new THREE.Group();
  head.name = 'avatar-head';
  head.add(new THREE.Mesh(new THREE.SphereGeometry(0.11, 24, 16), skin));
  const visor = new THREE.Mesh(new THREE.BoxGeometry(0.17, 0.07, 0.06), new THREE.MeshStandardMaterial({ color: 0x0f172a }));
  visor.position.set(0, 0.01, -0.09); // -z is where the visitor looks
  head.add(visor);
  const hand = (color, name) => {
    const g = new THREE.Group();
    g.name = name;
    const palm = new THREE.Mesh(new THREE.BoxGeometry(0.06, 0.03, 0.11), new THREE.MeshStandardMaterial({ color }));
    g.add(palm);
    g.visible = false;
    return g;
  };
  return { head, left: hand(0x22c55e, 'avatar-left'), right: hand(0xf97316, 'avatar-right') };
}

export class Spectator {
  constructor(container) {
    this.renderer = new THREE.WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
    this.renderer.setPixelRatio(Math.min(2, window.devicePixelRatio));
    container.prepend(this.renderer.domElement);
    this.container = container;
    this.scene = new THREE.Scene();
    this.scene.background = new THREE.Color(0x0b1a33);
    this.scene.add(new THREE.HemisphereLight(0xffffff, 0x334155, 2.2));
    const sun = new THREE.DirectionalLight(0xffffff, 1.5);
    sun.position.set(2, 4, 3);
    this.scene.add(sun, new THREE.GridHelper(10, 20, 0x475569, 0x1e293b));
    this.camera = new THREE.PerspectiveCamera(60, 1, 0.02, 100);
    this.camera.position.set(1.6, 2.2, 2.6);
    this.controls = new OrbitControls(this.camera, this.renderer.domElement);
    this.controls.target.set(0, 1, 0);
    this.avatar = avatar();
    this.scene.add(this.avatar.head, this.avatar.left, this.avatar.right);
    this.avatar.head.visible = false;
    this.root = null;
    this.nodes = new Map();
    this.highlighted = null;
    this.restore = [];
    this.dropped = null; // the last node let go of (its name)
    this.marker = new THREE.Box3Helper(new THREE.Box3(), HIGHLIGHT); // a frame around the target
    this.marker.visible = false;
    this.scene.add(this.marker);
    this.mode = 'orbit';
    this.frames = 0;
    this.lastFrame = null;
    new ResizeObserver(() => this.resize()).observe(container);
    this.resize();
    this.renderer.setAnimationLoop(() => this.render());
  }

  resize() {
    const { clientWidth: w, clientHeight: h } = this.container;
    if (!w || !h) return;
    this.renderer.setSize(w, h, false);
    this.camera.aspect = w / h;
    this.camera.updateProjectionMatrix();
  }

  /** Load the glTF; the orbit camera starts above and behind the spawn point (where the
   * visitor stands, facing -z), inside the room rather than outside its walls. */
  async loadScene(buffer, spawnNode = 'spawn') {
    const gltf = await createGltfLoader(this.renderer).parseAsync(buffer, '');
    if (this.root) this.scene.remove(this.root);
    this.highlight(null);
    this.root = gltf.scene;
    this.scene.add(this.root);
    this.root.updateMatrixWorld(true);
    this.nodes.clear();
    this.dropped = null;
    this.root.traverse((o) => { if (o.name && !this.nodes.has(o.name)) this.nodes.set(o.name, o); });
    const spawn = new THREE.Vector3();
    this.nodes.get(spawnNode)?.getWorldPosition(spawn);
    this.controls.target.copy(spawn).add(new THREE.Vector3(0, 1.0, -0.7));
    this.camera.position.copy(spawn).add(new THREE.Vector3(0.5, 2.3, 1.9));
  }

  /** A `watched_pose` frame: move the avatar and the grabbed node. */
  applyPose(frame) {
    this.frames += 1;
    this.lastFrame = frame;
    const { head, left, right } = this.avatar;
    for (const [part, p] of [[head, frame.h], [left, frame.l], [right, frame.r]]) {
      if (!p) continue;
      const { position, quaternion } = dequantise(p);
      part.position.copy(position);
      part.quaternion.copy(quaternion);
      part.visible = part !== head || this.mode !== 'first_person';
    }
    // a node let go of rests where the headset left it: where it was put, or back at rest
    if (frame.d) {
      this.place(frame.d);
      this.dropped = frame.d.n;
    }
    if (frame.g) this.place(frame.g);
  }

  /** Move node `n` to pose `p` (seven integers, the scene's coordinates). */
  place({ n, p }) {
    const node = this.nodes.get(n);
    if (!node?.parent) return;
    const { position, quaternion } = dequantise(p);
    const world = new THREE.Matrix4().compose(position, quaternion, node.getWorldScale(new THREE.Vector3()));
    node.parent.updateMatrixWorld(true);
    const local = new THREE.Matrix4().copy(node.parent.matrixWorld).invert().multiply(world);
    local.decompose(node.position, node.quaternion, node.scale);
  }

  /** Highlight the node called `name` (null: none). */
  highlight(name) {
    if (this.highlighted === name) return;
    for (const [mesh, material] of this.restore) mesh.material = material;
    this.restore = [];
    this.highlighted = name;
    const node = name ? this.nodes.get(name) : null;
    this.marker.visible = !!node;
    if (!node) return;
    this.marker.box.setFromObject(node).expandByScalar(0.02);
    node.traverse((o) => {
      if (!o.isMesh) return;
      this.restore.push([o, o.material]);
      const lit = (m) => {
        const copy = m.clone();
        if (copy.emissive) { copy.emissive.copy(HIGHLIGHT); copy.emissiveIntensity = 0.8; }
        return copy;
      };
      o.material = Array.isArray(o.material) ? o.material.map(lit) : lit(o.material);
    });
  }

  setMode(mode) {
    this.mode = mode === 'first_person' ? 'first_person' : 'orbit';
    this.controls.enabled = this.mode === 'orbit';
    this.avatar.head.visible = this.mode === 'orbit' && this.frames > 0;
  }

  render() {
    if (this.mode === 'first_person' && this.frames > 0) {
      this.camera.position.copy(this.avatar.head.position);
      this.camera.quaternion.copy(this.avatar.head.quaternion);
    } else {
      this.controls.update();
    }
    this.renderer.render(this.scene, this.camera);
  }

  /** Where node `name` is in the scene (metres, rounded to the millimetre), null: no node. */
  nodePosition(name) {
    const node = this.nodes.get(name);
    return node ? node.getWorldPosition(new THREE.Vector3()).toArray().map((v) => Math.round(v * 1000) / 1000) : null;
  }

  /** What the test hook shows: where the avatar's parts and the grabbed node are (metres). */
  state() {
    const at = (o) => (o.visible || o === this.avatar.head ? o.position.toArray().map((v) => Math.round(v * 1000) / 1000) : null);
    const g = this.lastFrame?.g;
    const node = g ? this.nodes.get(g.n) : null;
    const dropped = this.dropped ? this.nodePosition(this.dropped) : null;
    return {
      dropped: dropped ? { name: this.dropped, position: dropped } : null,
      frames: this.frames, mode: this.mode, scene_loaded: !!this.root, highlighted: this.highlighted,
      head: this.frames ? at(this.avatar.head) : null, left: this.frames ? at(this.avatar.left) : null, right: this.frames ? at(this.avatar.right) : null,
      grabbed: node ? { name: g.n, position: this.nodePosition(g.n) } : null,
    };
  }
}
