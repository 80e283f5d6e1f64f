// Telemetry: once a second while online, the frame rate, the current step, the battery (where
// the browser tells it) and, in immersive-vr, the head's and both controllers' poses.

const TELEMETRY_PERIOD_MS = 1000; // the protocol allows at most 2 Hz

/** A pose as the protocol has it, to 0.1 mm and 1e-4 of a quaternion component. */
function pose(p) {
  if (!p) return null;
  const r = (v) => Math.round(v * 1e4) / 1e4;
  return { position: [r(p.position.x), r(p.position.y), r(p.position.z)], orientation: [r(p.quaternion.x), r(p.quaternion.y), r(p.quaternion.z), r(p.quaternion.w)] };
}

/** Sends telemetry for `app` (its conn, view, protocol and runner) from now on. */
export function startTelemetry(app) {
  let battery = null;
  navigator.getBattery?.().then((b) => { battery = b; }).catch(() => {});
  const send = () => {
    const { conn, view } = app;
    if (!conn?.online) return;
    const fields = { fps: Math.min(app.protocol.maxFps, Math.round(view.fps * 10) / 10), step_id: app.runner?.step?.id ?? null };
    if (battery) { fields.battery = Math.round(battery.level * 100) / 100; fields.charging = battery.charging; }
    if (view.presenting) {
      fields.head = pose(view.headPose());
      for (let i = 0; i < 2; i++) {
        const c = view.controllerPose(i);
        if (c && (c.handedness === 'left' || c.handedness === 'right')) fields[c.handedness] = pose(c);
      }
    }
    conn.telemetry(fields);
  };
  setInterval(send, TELEMETRY_PERIOD_MS);
}
