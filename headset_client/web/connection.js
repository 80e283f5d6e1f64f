// The headset's WebSocket client for /ws/headset, following the same flow as the Python SDK
// (headset_client/client.py + outbox.py): hello -> welcome (-> assignment), events numbered
// per session and buffered until acknowledged (go-back-N), resend after reconnect from the
// server's next_seq, reconnect with exponential backoff and jitter, ping heartbeat.

const CLOSE_UNAUTHORIZED = 4401;
const CLOSE_REPLACED = 4409;
const CLOSE_PROTOCOL = 4426;

/** Numbering, buffering and resending of session events, without I/O (see outbox.py). */
export class Outbox {
  constructor() {
    this.sessionId = null;
    this.nextSeq = 1;
    this.pending = [];
    this.sentUpto = 0;
    this.resyncFrom = null;
  }
  get idle() { return this.pending.length === 0; }
  startSession(sessionId, nextSeq = 1) {
    const dropped = this.dropAll();
    this.sessionId = sessionId;
    this.nextSeq = Math.max(1, nextSeq);
    return dropped;
  }
  resume(sessionId, nextSeq) {
    if (sessionId !== this.sessionId) return this.startSession(sessionId, nextSeq);
    this.ackBelow(nextSeq);
    if (this.pending.length && this.pending[0].seq !== nextSeq) this.renumberFrom(0, nextSeq);
    this.nextSeq = this.pending.length ? this.pending[this.pending.length - 1].seq + 1 : Math.max(1, nextSeq);
    this.connectionLost();
    return [];
  }
  endSession(sessionId) {
    if (sessionId !== this.sessionId) return [];
    const dropped = this.dropAll();
    this.sessionId = null;
    return dropped;
  }
  add(body, at) {
    if (this.sessionId == null) throw new Error('no session to number events for');
    const frame = { type: 'event', session_id: this.sessionId, seq: this.nextSeq++, at, event: body };
    this.pending.push(frame);
    return frame;
  }
  takeUnsent() {
    const out = this.pending.filter((e) => e.seq > this.sentUpto);
    if (out.length) this.sentUpto = out[out.length - 1].seq;
    return out;
  }
  connectionLost() { this.sentUpto = 0; this.resyncFrom = null; }
  ack(sessionId, seq) {
    if (sessionId !== this.sessionId) return 0;
    const n = this.ackBelow(seq + 1);
    if (this.resyncFrom != null && seq >= this.resyncFrom) this.resyncFrom = null;
    return n;
  }
  /** -> {handled, rejected, resend, retryLater, sessionGone} */
  error(err) {
    if (err.seq == null || this.sessionId == null) return {};
    if (err.code === 'seq_gap') return this.gap(err.expected_seq ?? err.seq);
    const index = this.pending.findIndex((e) => e.seq === err.seq);
    if (err.code === 'wrong_session' || err.code === 'not_found') {
      const dropped = this.dropAll();
      this.sessionId = null;
      return { handled: true, sessionGone: true, rejected: dropped[0] ?? null };
    }
    if (index < 0) return {};
    if (err.code === 'rate_limited' || err.code === 'internal_error') {
      this.sentUpto = Math.min(this.sentUpto, err.seq - 1);
      this.resyncFrom = null;
      return { handled: true, retryLater: true };
    }
    const [rejected] = this.pending.splice(index, 1);
    if (err.code === 'seq_conflict') return { handled: true, rejected };
    this.renumberFrom(index, err.seq);
    this.nextSeq -= 1;
    this.sentUpto = Math.min(this.sentUpto, err.seq - 1);
    this.resyncFrom = err.seq;
    return { handled: true, rejected, resend: index < this.pending.length };
  }
  gap(expected) {
    this.ackBelow(expected);
    if (!this.pending.length) { this.nextSeq = Math.max(this.nextSeq, expected); return { handled: true }; }
    if (expected < this.pending[0].seq) {
      this.renumberFrom(0, expected);
      this.nextSeq = this.pending[this.pending.length - 1].seq + 1;
    }
    if (this.resyncFrom === expected) return { handled: true };
    this.resyncFrom = expected;
    this.sentUpto = Math.min(this.sentUpto, expected - 1);
    return { handled: true, resend: true };
  }
  ackBelow(seq) {
    let n = 0;
    while (this.pending.length && this.pending[0].seq < seq) { this.pending.shift(); n++; }
    return n;
  }
  renumberFrom(index, firstSeq) {
    for (let i = index; i < this.pending.length; i++) {
      this.pending[i] = { ...this.pending[i], seq: firstSeq + (i - index) };
    }
  }
  dropAll() {
    const dropped = this.pending;
    this.pending = [];
    this.sentUpto = 0;
    this.resyncFrom = null;
    return dropped;
  }
}

export function headsetSocketUrl(base = location.href) {
  const url = new URL('/ws/headset', base);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

export class Connection {
  /**
   * identity: {device_id, device_token}; protocol: from loadProtocol();
   * cachedHashes: async () => [sha256...] reported in hello.
   */
  constructor({ url = headsetSocketUrl(), identity, protocol, appVersion, cachedHashes = async () => [],
                backoffInitial = 0.25, backoffMax = 5, handshakeTimeout = 10 }) {
    Object.assign(this, { url, identity, protocol, appVersion, cachedHashes, backoffInitial, backoffMax, handshakeTimeout });
    this.outbox = new Outbox();
    this.listeners = new Map();
    this.ws = null;
    this.online = false;
    this.welcome = null;
    this.assignment = null;
    this.closing = false;
    this.failure = null;
    this.attempt = 0;
    this.connections = 0;
    this.lastRx = 0;
    this.timers = new Set();
    this.awaitingAssignment = false;
    this.stats = { sent: 0, acked: 0, resent: 0 };
  }

  on(type, fn) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type).add(fn);
    return () => this.listeners.get(type).delete(fn);
  }
  emit(type, detail) {
    for (const fn of this.listeners.get(type) ?? []) {
      try { fn(detail); } catch (err) { console.error(`connection listener ${type}`, err); }
    }
  }

  get sessionId() { return this.outbox.sessionId; }

  start() {
    this.closing = false;
    this.open();
  }

  close() {
    this.closing = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    clearInterval(this.heartbeat);
    if (this.ws) this.ws.close(1000, 'headset app closing');
  }

  /** Drop the connection as a Wi-Fi loss would; the client reconnects by itself. */
  drop() {
    if (this.ws) this.ws.close(4000, 'dropped by the headset app');
  }

  later(seconds, fn) {
    const id = setTimeout(() => { this.timers.delete(id); fn(); }, seconds * 1000);
    this.timers.add(id);
  }

  async open() {
    if (this.closing || this.failure) return;
    this.emit('status', { state: 'connecting', attempt: this.attempt });
    let cached = [];
    try { cached = (await this.cachedHashes()).slice(0, this.protocol.maxCached); } catch { cached = []; }
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch (err) {
      this.scheduleReconnect(String(err));
      return;
    }
    this.ws = ws;
    let welcomed = false;
    const handshake = setTimeout(() => { if (!welcomed) ws.close(4000, 'no welcome in time'); }, this.handshakeTimeout * 1000);
    ws.onopen = () => {
      ws.send(JSON.stringify({
        type: 'hello', protocol: this.protocol.version, device_id: this.identity.device_id,
        device_token: this.identity.device_token, app_version: this.appVersion, cached,
      }));
    };
    ws.onmessage = (message) => {
      this.lastRx = performance.now();
      let frame;
      try { frame = JSON.parse(message.data); } catch { return; }
      if (!welcomed) {
        if (frame.type === 'welcome') {
          welcomed = true;
          clearTimeout(handshake);
          this.onWelcome(ws, frame);
        } else if (frame.type === 'error') {
          this.lastError = `${frame.code}: ${frame.message}`;
          this.emit('error', frame);
        }
        return;
      }
      this.dispatch(frame);
    };
    ws.onclose = (event) => {
      clearTimeout(handshake);
      clearInterval(this.heartbeat);
      if (this.ws === ws) this.ws = null;
      const wasOnline = this.online;
      this.online = false;
      this.outbox.connectionLost();
      const fatal = { [CLOSE_UNAUTHORIZED]: 'auth', [CLOSE_PROTOCOL]: 'protocol', [CLOSE_REPLACED]: 'replaced' }[event.code];
      if (fatal && !this.closing) {
        this.failure = fatal;
        this.emit('status', { state: 'failed', reason: fatal, code: event.code, detail: event.reason || this.lastError });
        return;
      }
      this.emit('status', { state: 'offline', code: event.code, willRetry: !this.closing });
      if (this.closing) return;
      this.attempt = wasOnline ? 1 : this.attempt + 1;
      this.scheduleReconnect(`closed ${event.code}`);
    };
  }

  scheduleReconnect(reason) {
    this.lastError = reason;
    const cap = Math.min(this.backoffMax, this.backoffInitial * 2 ** Math.max(0, this.attempt - 1));
    this.later(cap / 2 + Math.random() * cap / 2, () => this.open());
  }

  onWelcome(ws, welcome) {
    this.welcome = welcome;
    this.online = true;
    this.connections += 1;
    this.awaitingAssignment = welcome.session_id != null;
    if (this.outbox.sessionId != null && this.outbox.sessionId !== welcome.session_id) {
      this.sessionGone(this.outbox.sessionId); // it ended while we were away
    }
    const hb = welcome.heartbeat_s;
    const deadAfter = Math.max(3 * hb, 5) * 1000;
    this.heartbeat = setInterval(() => {
      if (performance.now() - this.lastRx > deadAfter) { ws.close(4000, 'server silent'); return; }
      this.send({ type: 'ping', t: Date.now() / 1000 });
    }, Math.max(50, (hb / 2) * 1000));
    this.emit('status', { state: 'online' });
    this.emit('welcome', { welcome, reconnect: this.connections > 1 });
    if (!this.awaitingAssignment) this.flush();
  }

  dispatch(frame) {
    switch (frame.type) {
      case 'ack':
        this.stats.acked += this.outbox.ack(frame.session_id, frame.seq);
        this.emit('ack', frame);
        break;
      case 'command':
        this.send({ type: 'command_ack', command_id: frame.command_id });
        this.emit('command', frame);
        break;
      case 'assignment': {
        const old = this.outbox.sessionId;
        this.outbox.resume(frame.session_id, frame.resume.next_seq);
        if (old != null && old !== frame.session_id) this.emit('session_lost', { session_id: old });
        const repeat = this.assignment?.session_id === frame.session_id;
        this.assignment = frame;
        this.awaitingAssignment = false;
        this.emit('assignment', { assignment: frame, repeat });
        this.flush();
        break;
      }
      case 'result':
        this.outbox.endSession(frame.session_id);
        if (this.assignment?.session_id === frame.session_id) this.assignment = null;
        this.emit('result', frame);
        break;
      case 'rated':
        this.emit('rated', frame);
        break;
      case 'pose_rate':
        this.emit('pose_rate', frame);
        break;
      case 'distribution':
      case 'download_grant':
      case 'download_stop':
        this.emit('distribution', frame);
        break;
      case 'error':
        this.onError(frame);
        break;
      case 'pong':
        if (frame.t != null) this.rtt = Math.max(0, Date.now() / 1000 - frame.t);
        break;
      default:
        break;
    }
  }

  onError(frame) {
    const session = this.outbox.sessionId;
    const verdict = this.outbox.error(frame);
    if (verdict.rejected && !verdict.sessionGone) {
      console.warn(`event ${frame.seq} refused: ${frame.code}: ${frame.message}`);
      this.emit('event_rejected', { event: verdict.rejected, code: frame.code, message: frame.message });
    }
    if (verdict.sessionGone && session != null) this.sessionGone(session, true);
    if (verdict.resend) this.flush();
    if (verdict.retryLater) this.later(1, () => this.flush());
    if (!verdict.handled) {
      this.lastError = `${frame.code}: ${frame.message}`;
      this.emit('error', frame);
    }
  }

  sessionGone(sessionId, alreadyDropped = false) {
    if (!alreadyDropped) this.outbox.endSession(sessionId);
    if (this.assignment?.session_id === sessionId) this.assignment = null;
    this.emit('session_lost', { session_id: sessionId });
  }

  /** Send a frame now; false when not connected (the frame is not kept). */
  send(frame) {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN || !this.online) return false;
    ws.send(JSON.stringify(frame));
    return true;
  }

  /** Number an event of the current session, buffer it until acknowledged, send it. */
  sendEvent(body) {
    if (this.outbox.sessionId == null) throw new Error(`no session: cannot send ${body.kind}`);
    const frame = this.outbox.add(body, Date.now() / 1000);
    this.flush();
    return frame;
  }

  flush() {
    if (!this.online || this.awaitingAssignment) return;
    for (const frame of this.outbox.takeUnsent()) {
      if (!this.send(frame)) return; // resent after the reconnect
      this.stats.sent += 1;
    }
  }

  requestScene(sceneId, language) { return this.send({ type: 'request_scene', scene_id: sceneId, language }); }
  loading(sessionId, progress) { return this.send({ type: 'loading', session_id: sessionId, progress: Math.min(1, Math.max(0, progress)) }); }
  ready(sessionId) { return this.send({ type: 'ready', session_id: sessionId }); }
  /** Outside a session (lobby, results): ask staff to come; false when offline. */
  callStaff(reason) { return this.send({ type: 'call_staff', reason }); }
  /** The visitor's 1-5 rating of an ended session; the server answers `rated`. */
  rate(sessionId, rating) { return this.send({ type: 'rating', session_id: sessionId, rating }); }
  loadFailed(sessionId, reason) { return this.send({ type: 'load_failed', session_id: sessionId, reason: String(reason).slice(0, 500) }); }
  telemetry(fields) { return this.send({ type: 'telemetry', ...fields }); }
}
