// Compact pose frames for the staff's spectator view (vr_server/protocol/poses.py): while a
// staff client watches this headset the server sends `pose_rate` 20 and the app sends a `pose`
// frame every 50 ms with the head, both controllers and the grabbed node, each as seven
// integers (millimetres, the quaternion x 1000 with w >= 0) in the scene's coordinates (the
// glTF's, under the view's `world` group), and in the 6 frames after a release the node let
// go of, where it rests (`d`). `pose_rate` 2 stops them: telemetry carries poses.

import * as THREE from 'three';

const IDLE_HZ = 2;
const MAX_HZ = 20;
const DROPPED_FRAMES = 6; // vr_server/protocol/poses.py

/** Seven integers for a position (metres) and a quaternion. */
export function quantise(position, quaternion) {
  const q = quaternion.clone().normalize();
  const s = q.w < 0 ? -1000 : 1000;
  const c = (v, limit) => Math.max(-limit, Math.min(limit, Math.round(v)));
  return [
    c(position.x * 1000, 100000), c(position.y * 1000, 100000), c(position.z * 1000, 100000),
    c(q.x * s, 1000), c(q.y * s, 1000), c(q.z * s, 1000), c(q.w * s, 1000),
  ];
}

export class PoseSender {
  /** view: the XRView; send(frame): sends it when online. */
  constructor(view, send) {
    this.view = view;
    this.send = send;
    this.hz = IDLE_HZ;
    this.timer = null;
    this.t0 = performance.now();
    this.sent = 0;
  }

  setRate(hz) {
    this.hz = Math.max(1, Math.min(MAX_HZ, hz));
    clearInterval(this.timer);
    this.timer = null;
    if (this.hz > IDLE_HZ) this.timer = setInterval(() => this.tick(), 1000 / this.hz);
  }

  /** A pose in the world group's (the scene's) coordinates. */
  local(position, quaternion) {
    const world = this.view.world;
    world.updateMatrixWorld(true);
    const p = world.worldToLocal(position.clone());
    const q = world.getWorldQuaternion(new THREE.Quaternion()).invert().multiply(quaternion);
    return quantise(p, q);
  }

  frame() {
    const view = this.view;
    const head = view.headPose();
    const frame = { type: 'pose', t: Math.round(performance.now() - this.t0), h: this.local(head.position, head.quaternion) };
    for (let i = 0; i < 2; i++) {
      const c = view.controllerPose(i);
      if (c && (c.handedness === 'left' || c.handedness === 'right')) frame[c.handedness[0]] = this.local(c.position, c.quaternion);
    }
    const grab = view.grabs.values().next().value;
    if (grab) frame.g = this.nodePose(grab.name, grab.node);
    // a node let go of just now: where it rests (put there, or back where it was)
    const dropped = view.released;
    if (dropped && (dropped.sent ?? 0) < DROPPED_FRAMES && dropped.node !== grab?.node) {
      dropped.sent = (dropped.sent ?? 0) + 1; // counted, not timed: a throttled timer sends them too
      frame.d = this.nodePose(dropped.name, dropped.node);
    }
    return frame;
  }

  nodePose(name, node) {
    return { n: name, p: this.local(node.getWorldPosition(new THREE.Vector3()), node.getWorldQuaternion(new THREE.Quaternion())) };
  }

  tick() {
    if (this.send(this.frame())) this.sent += 1;
  }
}
