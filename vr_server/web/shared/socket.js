// The staff pages' live connection: /ws/staff, authenticated by the `vr_staff` cookie the
// browser sends with the upgrade (the server then sends `snapshot` first). Reconnects with
// exponential backoff and jitter, pings every 10 s, and pairs each request with its `reply`
// or `error` through `request_id`.

import { goToLogin } from './api.js';

const CLOSE_UNAUTHORIZED = 4401;
const PING_EVERY_MS = 10000;
const REQUEST_TIMEOUT_MS = 10000;
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 30000;

export class SocketError extends Error {
  constructor(code, detail) {
    super(detail || code);
    this.code = code;
    this.detail = detail;
    this.status = 0;
  }
}

export class StaffSocket {
  /**
   * onFrame(frame): every server frame (snapshot, headset_update, session_update, alert, queue_update, ...).
   * onState({state: 'connecting'|'online'|'offline', retryAt}): connection changes.
   */
  constructor({ onFrame, onState, url } = {}) {
    this.url = url ?? `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/staff`;
    this.onFrame = onFrame ?? (() => {});
    this.onState = onState ?? (() => {});
    this.ws = null;
    this.attempt = 0;
    this.state = 'connecting';
    this.retryAt = null;
    this.pending = new Map();
    this.nextId = 1;
    this.timer = null;
    this.pinger = null;
    this.stopped = false;
    this.gotSnapshot = false;
    this.online = false;
  }

  start() {
    this.stopped = false;
    this._connect();
    window.addEventListener('online', () => this.retryNow());
    return this;
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.pinger);
    this.ws?.close(1000, 'page closed');
  }

  /** Reconnect at once (the "retry now" button, or the browser came back online). */
  retryNow() {
    if (this.stopped || this.online || (this.ws && this.ws.readyState === WebSocket.CONNECTING)) return;
    clearTimeout(this.timer);
    this._connect();
  }

  _setState(state, retryAt = null) {
    this.state = state;
    this.retryAt = retryAt;
    this.onState({ state, retryAt });
  }

  _connect() {
    this._setState('connecting');
    this.gotSnapshot = false;
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch {
      this._scheduleRetry();
      return;
    }
    this.ws = ws;
    ws.onmessage = (event) => {
      let frame;
      try { frame = JSON.parse(event.data); } catch { return; }
      // a kiosk (queue TV) gets `queue_changed` instead of the snapshot
      if (frame.type === 'snapshot' || (frame.type === 'queue_changed' && !this.online)) {
        this.gotSnapshot = true;
        this.online = true;
        this.attempt = 0;
        this._setState('online');
      }
      if (frame.type === 'reply' || (frame.type === 'error' && frame.request_id)) {
        const waiting = this.pending.get(frame.request_id);
        if (waiting) {
          this.pending.delete(frame.request_id);
          clearTimeout(waiting.timer);
          if (frame.type === 'reply') waiting.resolve(frame);
          else waiting.reject(new SocketError(frame.code, frame.message));
          return;
        }
      }
      this.onFrame(frame);
    };
    ws.onopen = () => {
      clearInterval(this.pinger);
      this.pinger = setInterval(() => this._send({ type: 'ping', t: Date.now() / 1000 }), PING_EVERY_MS);
    };
    ws.onclose = (event) => {
      if (this.ws !== ws) return;
      clearInterval(this.pinger);
      this.online = false;
      this.ws = null;
      for (const [, waiting] of this.pending) {
        clearTimeout(waiting.timer);
        waiting.reject(new SocketError('network', 'connection closed'));
      }
      this.pending.clear();
      if (this.stopped) return;
      if (event.code === CLOSE_UNAUTHORIZED) {
        // The cookie is missing or expired: sign in again, then come back here.
        this._setState('offline');
        goToLogin();
        return;
      }
      this._scheduleRetry();
    };
  }

  _scheduleRetry() {
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this.attempt);
    const delay = Math.round(base / 2 + Math.random() * base / 2);
    this.attempt += 1;
    const retryAt = Date.now() + delay;
    this._setState('offline', retryAt);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this._connect(), delay);
  }

  _send(frame) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  /** Send a request frame; resolves with the `reply`, rejects with a SocketError. */
  request(frame) {
    const requestId = `r${Date.now().toString(36)}-${this.nextId++}`;
    return new Promise((resolve, reject) => {
      if (!this.online || !this._send({ ...frame, request_id: requestId })) {
        reject(new SocketError('network', 'not connected'));
        return;
      }
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new SocketError('timeout', ''));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(requestId, { resolve, reject, timer });
    });
  }
}
