// The board's "now playing" tile: one visitor in a running session (`now_playing` of
// GET /api/queue/board), drawn as an avatar in the scene from the headset's poses (`watch` on
// the board's socket, the watch page's spectator.js), with the scene's title and the step, so
// that people waiting see what they will do. No personal data: poses, scene and step only.

import { api } from '/ui/shared/api.js';
import { esc } from '/ui/shared/format.js';
import { lang, loc, t } from '/ui/shared/i18n.js';
import { Spectator } from '/ui/watch/spectator.js';

export class NowPlayingTile {
  constructor(section, socket = null) {
    // view: the Spectator, made when first shown; watched: the headset id asked for
    Object.assign(this, { section, socket, view: null, playing: null, watched: null, manifest: null, sceneKey: null });
  }

  /** The board's `now_playing` (null: hide the tile and stop watching). */
  async show(playing) {
    this.playing = playing;
    if (!playing) {
      this.section.hidden = true;
      this.unwatch();
      return;
    }
    this.section.hidden = false;
    this.view ??= new Spectator(this.section.querySelector('.np-view'));
    if (this.watched !== playing.headset_id) {
      this.unwatch();
      this.watch();
    }
    const key = `${playing.scene_id}@${playing.scene_version}`;
    if (this.sceneKey !== key) {
      this.sceneKey = key;
      try {
        const manifest = await api(`/api/catalog/${encodeURIComponent(playing.scene_id)}/manifest?version=${encodeURIComponent(playing.scene_version)}`);
        const response = await fetch(`/assets/${manifest.glb.sha256}`, { credentials: 'same-origin' });
        if (!response.ok) throw new Error(`asset ${response.status}`);
        await this.view.loadScene(await response.arrayBuffer(), manifest.scene.spawn_node);
        this.manifest = manifest;
      } catch (err) {
        console.warn('now playing', err);
        this.sceneKey = null;
      }
    }
    this.render();
  }

  /** A session_update (a staff account's board gets them): follow the step at once. */
  session(view) {
    if (!this.playing || view.id !== this.playing.session_id) return;
    this.playing = { ...this.playing, step_index: view.step_index };
    this.render();
  }

  watch() {
    if (!this.playing || !this.socket?.online) return;
    this.watched = this.playing.headset_id;
    this.socket.request({ type: 'watch', headset_id: this.watched }).catch((err) => console.warn('watch', err));
  }

  unwatch() {
    if (this.watched && this.socket?.online) this.socket.request({ type: 'unwatch', headset_id: this.watched }).catch(() => {});
    this.watched = null;
  }

  /** After a reconnect the server has forgotten the old connection's watch. */
  reconnected() {
    this.watched = null;
    this.watch();
  }

  pose(frame) {
    if (this.view && frame.headset_id === this.watched) this.view.applyPose(frame);
  }

  render() {
    const p = this.playing;
    const caption = this.section.querySelector('.np-caption');
    if (!p || !this.manifest) { caption.textContent = ''; return; }
    const step = this.manifest.script.steps[p.step_index];
    const other = lang() === 'th' ? 'en' : 'th';
    const title = loc(this.manifest.scene.title);
    caption.innerHTML = `<b>${esc(title)}</b> · ${esc(p.headset_name)}<br>${esc(t('np_step', { n: p.step_index + 1, total: p.step_count }))}: ${esc(step ? loc(step.title) : '')}`
      + `<span class="secondary" lang="${other}">${esc(loc(this.manifest.scene.title, other))}</span>`;
    const a = step?.action ?? {};
    this.view.highlight(a.target ?? a.node ?? step?.highlight ?? null);
  }

  state() {
    return { playing: this.playing, watched: this.watched, ...(this.view ? this.view.state() : {}) };
  }
}
