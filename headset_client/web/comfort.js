// Panels where the visitor can read them. The UI group (every panel) is laid out facing -Z
// around a visitor standing at the origin with their eyes at EYE_HEIGHT; `PanelFollower` puts
// that frame where the visitor is and turns it to where they look:
// - `place(head)` at once: at the start of each phase (lobby, loading, session, result), after a
//   recentre from staff, after the seated/standing choice;
// - `update(head, dt)` every frame, lazily: when the visitor has turned more than FOLLOW_START_DEG
//   away from the UI (a panel off to the side, or behind them), it swings after their gaze at an
//   easy pace until it is within FOLLOW_STOP_DEG; it walks after them the same way when they
//   have stepped more than FOLLOW_STEP_M away. Small head turns never move it (reading it
//   should not make it slide).

import * as THREE from 'three';

export const EYE_HEIGHT = 1.6; // metres: the eye height the panel layouts are drawn for
const FOLLOW_START_DEG = 40;
const FOLLOW_STOP_DEG = 3;
const FOLLOW_STEP_M = 0.6;
const FOLLOW_RATE = 3; // 1/s: the share of the gap closed per second (exponential easing)

const wrap = (a) => Math.atan2(Math.sin(a), Math.cos(a));

/**
 * The visitor's heading (yaw about +Y, radians; 0 looks along -Z) from a head quaternion; null
 * when they look almost straight up or down (the heading is then noise, not a direction).
 */
export function headingOf(quaternion) {
  const forward = new THREE.Vector3(0, 0, -1).applyQuaternion(quaternion);
  if (Math.hypot(forward.x, forward.z) < 0.2) return null;
  return Math.atan2(-forward.x, -forward.z);
}

export class PanelFollower {
  constructor(group) {
    this.group = group;
    this.turning = false;
    this.walking = false;
  }

  /** Put the UI in front of the head now. */
  place({ position, quaternion }) {
    this.group.position.set(position.x, position.y - EYE_HEIGHT, position.z);
    this.group.rotation.set(0, headingOf(quaternion) ?? this.group.rotation.y, 0);
    this.group.updateMatrixWorld(true);
    this.turning = false;
    this.walking = false;
  }

  /** Follow the head lazily (call every frame with the frame's duration in seconds). */
  update({ position, quaternion }, dt) {
    const g = this.group;
    const heading = headingOf(quaternion);
    const gap = heading === null ? 0 : wrap(heading - g.rotation.y);
    if (Math.abs(gap) > THREE.MathUtils.degToRad(FOLLOW_START_DEG)) this.turning = true;
    const ease = 1 - Math.exp(-FOLLOW_RATE * dt);
    if (this.turning) {
      if (Math.abs(gap) < THREE.MathUtils.degToRad(FOLLOW_STOP_DEG)) this.turning = false;
      else g.rotation.y = wrap(g.rotation.y + gap * ease);
    }
    const step = new THREE.Vector3(position.x - g.position.x, 0, position.z - g.position.z);
    if (step.length() > FOLLOW_STEP_M) this.walking = true;
    if (this.walking) {
      if (step.length() < 0.05) this.walking = false;
      else g.position.addScaledVector(step, ease);
    }
    if (this.turning || this.walking) g.updateMatrixWorld(true);
  }

  get moving() { return this.turning || this.walking; }

  /** How far the UI's facing is from the head's heading (degrees, signed; + is to the left). */
  offsetDeg(quaternion) {
    const heading = headingOf(quaternion) ?? this.group.rotation.y;
    return THREE.MathUtils.radToDeg(wrap(this.group.rotation.y - heading));
  }
}
