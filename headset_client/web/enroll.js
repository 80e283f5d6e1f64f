// Enrollment: `/headset/?enroll=CODE` exchanges a one-time code for a device token
// (POST /api/devices/enroll), kept in localStorage for this server.

const KEY = 'vr-career.identity';

export function loadIdentity() {
  try {
    const identity = JSON.parse(localStorage.getItem(KEY) ?? 'null');
    if (identity && identity.device_id && identity.device_token && identity.server === location.origin) return identity;
  } catch { /* a damaged entry counts as none */ }
  return null;
}

/** The code of `?enroll=CODE`, or null; taken out of the address (the code is a credential:
 * keep it out of history). */
export function takeEnrollCode() {
  const code = new URLSearchParams(location.search).get('enroll');
  if (code) {
    const clean = new URL(location.href);
    clean.searchParams.delete('enroll');
    history.replaceState(null, '', clean.href);
  }
  return code;
}

export function forgetIdentity() {
  localStorage.removeItem(KEY);
}

function newDeviceId() {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return 'webxr-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** `reason` and `params` from the server's error body: the app words them (errors.js). */
export class EnrollmentError extends Error {
  constructor(message, status, reason = null, params = {}) {
    super(message);
    this.status = status;
    this.reason = reason;
    this.params = params;
  }
}

/** Enroll with `code`; returns and saves {device_id, device_token, headset_id, name, server}. */
export async function enroll(code, name = null) {
  const previous = (() => { try { return JSON.parse(localStorage.getItem(KEY) ?? 'null'); } catch { return null; } })();
  const deviceId = previous?.device_id ?? newDeviceId();
  const body = { code, device_id: deviceId };
  if (name) body.name = name;
  let response;
  try {
    response = await fetch('/api/devices/enroll', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
    });
  } catch (err) {
    throw new EnrollmentError(`cannot reach the server: ${err}`, 0);
  }
  if (!response.ok) {
    let detail = `HTTP ${response.status}`;
    let refused = {};
    try { refused = await response.json(); if (typeof refused.detail === 'string') detail += `: ${refused.detail}`; } catch { /* no body */ }
    throw new EnrollmentError(detail, response.status, refused?.reason ?? null, refused?.params ?? {});
  }
  const data = await response.json();
  const identity = {
    device_id: deviceId, device_token: data.device_token, headset_id: data.headset_id,
    name: data.name, server: location.origin,
  };
  localStorage.setItem(KEY, JSON.stringify(identity));
  return identity;
}
