// Content distribution on the dashboard: each headset card's cached scenes and download in
// progress, and the "Scenes on headsets" card (how many headsets hold each scene version: the
// roll-out of a newly published version). Read from GET /api/distribution every few seconds
// (kept in the server's memory from the headsets' reports, docs/protocol.md §4).

import { api } from '/ui/shared/api.js';
import { esc } from '/ui/shared/format.js';
import { loc, t } from '/ui/shared/i18n.js';

const EVERY_MS = 2000;

export class ContentView {
  /** onChange: called after each new reading (re-render the cards). */
  constructor({ onChange }) {
    this.onChange = onChange;
    this.data = null;
    this.byHeadset = new Map();
    this.timer = null;
  }

  start() {
    const poll = async () => {
      if (!document.hidden) {
        try {
          this.data = await api('/api/distribution');
          this.byHeadset = new Map(this.data.caches.map((c) => [c.headset_id, c]));
          this.onChange();
        } catch (err) {
          console.warn(`distribution: ${err.message ?? err}`);
        }
      }
      this.timer = setTimeout(poll, EVERY_MS);
    };
    poll();
  }

  /** The cache line of one headset card ('' when the headset does not report its cache). */
  cacheHtml(headsetId, sceneTitle) {
    const cache = this.byHeadset.get(headsetId);
    if (!cache || !this.data) return '';
    const active = this.data.scenes.filter((s) => s.active);
    const current = new Set(active.map((s) => `${s.scene_id}@${s.version}`));
    const held = cache.held.filter((h) => current.has(`${h.scene_id}@${h.version}`));
    const names = held.map((h) => sceneTitle(h.scene_id)).join(', ');
    let html = `<div class="cache-line" data-cached="${held.length}" title="${esc(names)}">`
      + `<span class="muted small">${esc(t('cached_scenes', { n: held.length, total: active.length }))}</span>`;
    const d = cache.download;
    if (d) {
      const pct = d.size ? Math.min(100, Math.round((d.done / d.size) * 100)) : 0;
      const scene = d.scene_id ? sceneTitle(d.scene_id) : d.sha256.slice(0, 8);
      const name = d.asset === 'sound' ? `${scene} ${t('asset_sound')}` : scene;
      html += ` <span class="badge download ${d.purpose === 'session' ? 'accent' : ''}" data-download="${esc(d.purpose)}"`
        + ` data-scene="${esc(d.scene_id ?? '')}" data-asset="${esc(d.asset ?? '')}" data-done="${d.done}" data-size="${d.size}">`
        + `${esc(t('downloading', { scene: name, pct }))} ${esc(t(`purpose_${d.purpose}`))}</span>`;
    }
    return `${html}</div>`;
  }

  /** The "Scenes on headsets" card's body. */
  rolloutHtml() {
    const data = this.data;
    if (!data) return `<p class="empty">${esc(t('loading'))}</p>`;
    const total = data.headsets;
    const head = data.scheduled
      ? t('budget', { mbps: data.venue_mbps, slots: data.slots })
      : t('scheduling_off');
    const older = new Map();
    for (const s of data.scenes.filter((x) => !x.active && x.holders)) {
      older.set(s.scene_id, [...(older.get(s.scene_id) ?? []), s]);
    }
    const rows = data.scenes.filter((s) => s.active).map((s) => {
      const pct = total ? Math.round((s.holders / total) * 100) : 0;
      const old = (older.get(s.scene_id) ?? [])
        .map((o) => t('older_version', { version: o.version, n: o.holders })).join(' · ');
      return `<tr data-scene="${esc(s.scene_id)}" data-version="${esc(s.version)}" data-holders="${s.holders}">
        <td>${esc(loc(s.title))}</td>
        <td class="rollout-cell"><span class="rollout-text">${esc(t('rollout', { n: s.holders, total, version: s.version }))}</span>
          <div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow="${pct}"><span style="width:${pct}%"></span></div>
          ${old ? `<span class="muted small older">${esc(old)}</span>` : ''}</td>
        <td class="num">${s.uses}</td></tr>`;
    }).join('');
    return `<p class="muted small-meta" id="content-meta">${esc(head)}${data.waiting ? ` · ${esc(t('visitors_waiting_downloads', { n: data.waiting }))}` : ''}</p>
      <table class="rollout"><thead><tr><th>${esc(t('occupation'))}</th><th>${esc(t('col_holders'))}</th><th class="num">${esc(t('col_uses'))}</th></tr></thead>
      <tbody>${rows || `<tr><td colspan="3" class="empty">${esc(t('no_scenes'))}</td></tr>`}</tbody></table>`;
  }
}
