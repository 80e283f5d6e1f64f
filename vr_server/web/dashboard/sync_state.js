// The venue's sync with its central server (docs/sync.md), from the public /health: shown only
// when the venue is paired. Sessions never wait for central; this line says whether central has
// everything yet (records waiting, the last complete sync) or why the last round failed.

import { esc, timeOfDay } from '/ui/shared/format.js';
import { t } from '/ui/shared/i18n.js';

const REFRESH_MS = 15000;

export class SyncState {
  constructor(element) {
    this.element = element;
    this.sync = null;
  }

  start() {
    this.refresh();
    setInterval(() => this.refresh(), REFRESH_MS);
  }

  async refresh() {
    try {
      const response = await fetch('/health', { cache: 'no-store' });
      this.sync = (await response.json()).sync ?? null;
    } catch {
      return; // the dashboard's own banner says when the server is unreachable
    }
    this.render();
  }

  render() {
    const sync = this.sync;
    this.element.hidden = !sync?.paired;
    if (!sync?.paired) return;
    const last = sync.last_sync_at ? timeOfDay(sync.last_sync_at) : t('sync_never');
    const parts = [`<b>${esc(t('sync_central'))}</b>`];
    if (sync.waiting > 0) {
      parts.push(esc(t('sync_waiting', { n: sync.waiting })));
    } else {
      parts.push(esc(t('sync_done')));
    }
    parts.push(esc(t('sync_last', { time: last })));
    const failed = Boolean(sync.last_error);
    if (failed) parts.push(esc(t('sync_unreachable')));
    const refused = sync.content_refused ?? [];
    if (refused.length) parts.push(esc(t('sync_content_refused', { n: refused.length })));
    const state = failed ? 'bad' : sync.waiting > 0 || refused.length ? 'warn' : 'good';
    this.element.className = `sync-state ${state}`;
    this.element.innerHTML = parts.join(' · ');
    this.element.title = [sync.last_error, ...refused].filter(Boolean).join('\n');
  }
}
