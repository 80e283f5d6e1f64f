// Scene sounds: the script's sound cues (manifest.script.sounds) as three.js PositionalAudio
// at their nodes, started and stopped by script events (session_start, step_started,
// step_completed, grab, place). The files are bundle assets addressed by sha256
// (manifest.sounds), downloaded, verified and cached like the model (loader.js). One
// AudioListener rides on the camera; its master volume is the visitor's volume and mute from
// the lobby, kept in localStorage.

import * as THREE from 'three';
import { fetchAsset } from './loader.js';

const VOLUME_KEY = 'vr-career.volume';
const MUTED_KEY = 'vr-career.muted';
export const VOLUME_STEP = 0.1;

/** The visitor's volume (0..1) and mute, remembered across visits. */
export class SoundSettings {
  constructor(storage = globalThis.localStorage) {
    this.storage = storage;
    const saved = Number(storage?.getItem(VOLUME_KEY));
    this.volume = storage?.getItem(VOLUME_KEY) != null && Number.isFinite(saved) ? clamp01(saved) : 0.8;
    this.muted = storage?.getItem(MUTED_KEY) === '1';
    this.listeners = [];
  }

  /** What the master volume is: 0 when muted. */
  get gain() { return this.muted ? 0 : this.volume; }

  /** Change the volume by `delta` (unmutes when raised). */
  step(delta) {
    this.volume = Math.round(clamp01(this.volume + delta) * 100) / 100;
    if (delta > 0) this.muted = false;
    this.save();
  }

  toggleMute() {
    this.muted = !this.muted;
    this.save();
  }

  save() {
    try {
      this.storage?.setItem(VOLUME_KEY, String(this.volume));
      this.storage?.setItem(MUTED_KEY, this.muted ? '1' : '0');
    } catch { /* private mode: the setting lasts this visit */ }
    for (const fn of this.listeners) fn(this.gain);
  }

  onChange(fn) { this.listeners.push(fn); fn(this.gain); }
}

function clamp01(v) { return Math.min(1, Math.max(0, v)); }

function matches(trigger, event, stepId) {
  return trigger.event === event && (trigger.step ?? null) === (stepId ?? null);
}

/** The sounds of one loaded scene. */
export class ScenePlayer {
  /** listener: THREE.AudioListener; nodes: Map of node name -> Object3D (XRView.nodes). */
  constructor(listener, nodes) {
    this.listener = listener;
    this.nodes = nodes;
    this.cues = [];
    this.paused = false;
  }

  /**
   * Download (or take from the cache), verify and decode every sound the script's cues name,
   * and put a PositionalAudio for each cue at its node. A sound that fails to load is left
   * out (reported through `failed`): a scene without a sound still runs. `cached`: every
   * sound came from the cache (prefetched with the model: prefetch.js).
   */
  async load(manifest, token) {
    const cues = manifest.script.sounds ?? [];
    const assets = new Map((manifest.sounds ?? []).map((a) => [a.path, a]));
    const decoded = new Map();
    this.failed = [];
    await Promise.all([...new Set(cues.map((c) => c.file))].map(async (file) => {
      const asset = assets.get(file);
      try {
        if (!asset) throw new Error(`no sound asset ${file}`);
        const { buffer, cached } = await fetchAsset(asset, token);
        decoded.set(file, { audio: await this.listener.context.decodeAudioData(buffer.slice(0)), cached });
      } catch (err) {
        console.warn(`sound ${file}: ${err.message ?? err}`);
        this.failed.push(file);
      }
    }));
    for (const cue of cues) {
      const node = this.nodes.get(cue.node);
      const sound = decoded.get(cue.file);
      if (!node || !sound) continue;
      const audio = new THREE.PositionalAudio(this.listener);
      audio.name = `sound:${cue.id}`;
      audio.setBuffer(sound.audio);
      audio.setLoop(!!cue.loop);
      audio.setVolume(cue.volume ?? 1);
      audio.setRefDistance(cue.ref_distance_m ?? 1);
      audio.setRolloffFactor(1);
      node.add(audio);
      this.cues.push({ cue, audio, node, cached: sound.cached, starts: 0 });
    }
    const cached = !this.failed.length && [...decoded.values()].every((d) => d.cached);
    return { sounds: this.cues.length, failed: this.failed.length, cached };
  }

  /** A script event: stop the cues it stops, then (re)start the cues it starts. */
  fire(event, stepId = null) {
    for (const entry of this.cues) {
      if ((entry.cue.stop ?? []).some((t) => matches(t, event, stepId))) this.stop(entry);
    }
    for (const entry of this.cues) {
      if (entry.cue.start.some((t) => matches(t, event, stepId))) this.start(entry);
    }
  }

  start(entry) {
    const { audio } = entry;
    if (audio.isPlaying && entry.cue.loop) return; // a loop keeps going
    if (audio.isPlaying) audio.stop(); // a one-shot plays again from its start
    entry.starts += 1;
    entry.pending = this.paused;
    if (this.paused) return;
    if (this.listener.context.state === 'suspended') this.listener.context.resume().catch(() => {});
    audio.play();
  }

  stop(entry) {
    entry.pending = false;
    if (entry.audio.isPlaying) entry.audio.stop();
  }

  /** Staff paused the session: every sound holds; resumed: they go on. */
  setPaused(paused) {
    if (paused === this.paused) return;
    this.paused = paused;
    for (const entry of this.cues) {
      if (paused && entry.audio.isPlaying) { entry.audio.pause(); entry.pending = true; }
      else if (!paused && entry.pending) { entry.pending = false; entry.audio.play(); }
    }
  }

  stopAll() {
    for (const entry of this.cues) this.stop(entry);
  }

  dispose() {
    this.stopAll();
    for (const { audio } of this.cues) {
      audio.removeFromParent();
      try { audio.gain.disconnect(); } catch { /* never connected */ }
    }
    this.cues = [];
  }

  /** What a test can read: each cue, the node its audio hangs on, and how often it started. */
  describe() {
    return this.cues.map(({ cue, audio, starts, cached }) => {
      const at = new THREE.Vector3();
      audio.getWorldPosition(at);
      return {
        id: cue.id, node: cue.node, parent: audio.parent?.name ?? null, loop: audio.getLoop(),
        playing: audio.isPlaying, starts, cached, ref_distance: audio.getRefDistance(),
        position: [at.x, at.y, at.z],
      };
    });
  }
}
