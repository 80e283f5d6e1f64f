// Asset downloads: GET /assets/<sha256> with the device token, with progress, verified with
// crypto.subtle, kept in Cache Storage under the sha256 so the next visit downloads nothing.

const CACHE_NAME = 'vr-career-assets-v1';
const SHA_RE = /^[0-9a-f]{64}$/;

export const loaderStats = { downloads: 0, downloadedBytes: 0, cacheHits: 0 };

function assetUrl(sha256) {
  return new URL(`/assets/${sha256}`, location.origin).href;
}

async function openCache() {
  if (!('caches' in globalThis)) return null; // only in a secure context (https or localhost)
  try { return await caches.open(CACHE_NAME); } catch { return null; }
}

export async function sha256Hex(buffer) {
  const digest = await crypto.subtle.digest('SHA-256', buffer);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The sha256 of every asset in the cache (reported in hello.cached). */
export async function cachedHashes() {
  const cache = await openCache();
  if (!cache) return [];
  const keys = await cache.keys();
  return keys.map((r) => new URL(r.url).pathname.split('/').pop()).filter((s) => SHA_RE.test(s));
}

/** Is the asset in the cache (not verified here: fetchAsset verifies what it reads)? */
export async function isCached(sha256) {
  const cache = await openCache();
  return !!cache && !!(await cache.match(assetUrl(sha256)));
}

export class DownloadError extends Error {}

/**
 * The bytes of asset `ref` ({sha256, size?, media_type?}): from the cache when present,
 * otherwise downloaded (up to 3 attempts), verified and cached.
 * onProgress(fraction 0..1, {cached}) is called while it loads. options.grant: a download
 * grant of the server's (sent as X-VR-Grant); options.signal: an AbortSignal that stops it.
 */
export async function fetchAsset(ref, token, onProgress = () => {}, options = {}) {
  const sha = ref.sha256;
  if (!SHA_RE.test(sha)) throw new DownloadError(`not an asset name: ${sha}`);
  const cache = await openCache();
  const key = assetUrl(sha);
  if (cache) {
    const hit = await cache.match(key);
    if (hit) {
      const buffer = await hit.arrayBuffer();
      if ((await sha256Hex(buffer)) === sha) {
        loaderStats.cacheHits += 1;
        onProgress(1, { cached: true });
        return { buffer, cached: true };
      }
      await cache.delete(key); // damaged: download it again
    }
  }
  let lastError = null;
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      const buffer = await download(sha, ref.size, token, onProgress, options);
      const actual = await sha256Hex(buffer);
      if (actual !== sha) throw new DownloadError(`asset ${sha.slice(0, 12)}… failed verification (got ${actual.slice(0, 12)}…)`);
      if (cache) {
        await cache.put(key, new Response(buffer.slice(0), {
          headers: { 'Content-Type': ref.media_type ?? 'application/octet-stream', 'Content-Length': String(buffer.byteLength) },
        }));
      }
      onProgress(1, { cached: false });
      return { buffer, cached: false };
    } catch (err) {
      lastError = err;
      if (options.signal?.aborted || (err instanceof DownloadError && err.permanent)) break;
      await new Promise((resolve) => { setTimeout(resolve, 250 * 2 ** attempt); });
    }
  }
  throw lastError;
}

async function download(sha, expectedSize, token, onProgress, { grant = null, signal } = {}) {
  loaderStats.downloads += 1;
  const headers = { Authorization: `Bearer ${token}` };
  if (grant) headers['X-VR-Grant'] = grant;
  const response = await fetch(assetUrl(sha), { headers, cache: 'no-store', signal });
  if (!response.ok) {
    const err = new DownloadError(`GLB download failed: HTTP ${response.status}`);
    err.permanent = response.status === 401 || response.status === 403 || response.status === 404;
    throw err;
  }
  const total = expectedSize ?? Number(response.headers.get('Content-Length') ?? 0);
  if (!response.body || !total) {
    const buffer = await response.arrayBuffer();
    loaderStats.downloadedBytes += buffer.byteLength;
    return buffer;
  }
  const reader = response.body.getReader();
  const out = new Uint8Array(total);
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (received + value.byteLength > total) throw new DownloadError('the server sent more bytes than expected');
    out.set(value, received);
    received += value.byteLength;
    onProgress(received / total, { cached: false });
  }
  loaderStats.downloadedBytes += received;
  if (received !== total) throw new DownloadError(`the transfer stopped after ${received} of ${total} bytes`);
  return out.buffer;
}
