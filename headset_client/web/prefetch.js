// Content distribution in the headset app (docs/protocol.md §4, "Content distribution"), as
// headset_client/distribution.py does it for the Python SDK: report the cache after welcome
// and on entering or leaving the lobby, prefetch what the server grants while idle (scenes'
// models and sound files, into the same sha256-verified Cache Storage as loader.js), stop when
// told, and before a session's model downloads ask for a grant and wait for it (GRANT_WAIT_MS
// at most, then download without one).

import { cachedHashes, fetchAsset, isCached } from './loader.js';

const GRANT_WAIT_MS = 20000;
const PROGRESS_EVERY_MS = 500;

export class Prefetcher {
  /** conn: the Connection; token: () => the device token; protocol: loadProtocol()'s answer. */
  constructor({ conn, token, protocol }) {
    this.conn = conn;
    this.token = token;
    this.enabled = protocol.headsetFrames.has('cache_inventory');
    this.scheduled = false;
    this.running = new Map(); // grant_id -> AbortController of a prefetch
    this.waiting = new Map(); // sha256 -> resolve(grant) of a session's request
    this.stats = { prefetched: 0, grants: 0, stops: 0 };
  }

  /** Send the whole inventory; idle: in the lobby without a session. */
  async report(idle) {
    if (!this.enabled) return;
    const held = (await cachedHashes()).slice(0, 2000);
    this.conn.send({ type: 'cache_inventory', held, idle });
  }

  connectionLost() {
    this.scheduled = false;
    this.stopAll();
  }

  onFrame(frame) {
    if (frame.type === 'distribution') {
      this.scheduled = frame.scheduled;
    } else if (frame.type === 'download_grant') {
      this.stats.grants += 1;
      const resolve = this.waiting.get(frame.sha256);
      if (resolve) resolve(frame);
      else if (frame.purpose === 'prefetch' && !this.running.has(frame.grant_id)) this.prefetch(frame);
    } else if (frame.type === 'download_stop') {
      this.stats.stops += 1;
      this.running.get(frame.grant_id)?.abort();
      this.running.delete(frame.grant_id);
    }
  }

  stopAll() {
    for (const controller of this.running.values()) controller.abort();
    this.running.clear();
  }

  /** The grant to download a session's model with, or null (cached, not scheduled, no answer). */
  async forSession(ref, sessionId) {
    if (!this.enabled || !this.scheduled || await isCached(ref.sha256)) return null;
    this.stopAll(); // a visitor waits: the Wi-Fi is theirs
    const granted = new Promise((resolve) => {
      this.waiting.set(ref.sha256, resolve);
      setTimeout(() => resolve(null), GRANT_WAIT_MS);
    });
    if (!this.conn.send({ type: 'download_request', sha256: ref.sha256, session_id: sessionId })) {
      this.waiting.delete(ref.sha256);
      return null;
    }
    const grant = await granted;
    this.waiting.delete(ref.sha256);
    return grant;
  }

  /** onProgress for a granted download: reports at most every PROGRESS_EVERY_MS. */
  progressReporter(grant) {
    let last = 0;
    return (fraction) => {
      const now = performance.now();
      if (fraction >= 1 || now - last < PROGRESS_EVERY_MS) return;
      last = now;
      this.report_(grant, Math.floor(fraction * grant.size), 'downloading');
    };
  }

  finished(grant, ok) {
    if (grant) this.report_(grant, ok ? grant.size : 0, ok ? 'done' : 'failed');
  }

  report_(grant, done, state) {
    this.conn.send({ type: 'download_progress', grant_id: grant.grant_id, sha256: grant.sha256, done, state });
  }

  async prefetch(grant) {
    const controller = new AbortController();
    this.running.set(grant.grant_id, controller);
    // a scene's model or one of its sound files (a scene is cached only with both): the grant
    // does not say which, and the cache keeps either by its sha256
    const ref = { sha256: grant.sha256, size: grant.size };
    try {
      await fetchAsset(ref, this.token(), this.progressReporter(grant), { grant: grant.grant_id, signal: controller.signal });
      if (controller.signal.aborted) return;
      this.stats.prefetched += 1;
      this.finished(grant, true);
    } catch (err) {
      if (!controller.signal.aborted) {
        console.warn(`prefetch of ${grant.sha256.slice(0, 12)}… failed: ${err.message ?? err}`);
        this.finished(grant, false);
      }
    } finally {
      this.running.delete(grant.grant_id);
    }
  }
}
