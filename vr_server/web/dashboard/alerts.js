// The dashboard's alert bar: alerts (a visitor calls staff, a session is stuck, a scene failed to
// load) stay until a member of staff acknowledges them, across reloads (localStorage), and a
// call for staff chimes.

import { esc, timeOfDay } from '/ui/shared/format.js';
import { t } from '/ui/shared/i18n.js';
import { ICONS } from '/ui/shared/icons.js';

const ALERTS_KEY = 'vr_dashboard_alerts';
const KEEP = 50;

export class Alerts {
  /**
   * @param {{ text: (alert: object) => string, onHeadset: (headsetId: string) => void }} hooks
   *   `text` words an alert; `onHeadset` re-renders a headset whose alerts changed.
   */
  constructor({ text, onHeadset }) {
    this.text = text;
    this.onHeadset = onHeadset;
    this.list = load();
    this.audio = null;
    document.getElementById('alert-list').addEventListener('click', (event) => {
      const key = event.target.closest('[data-ack]')?.dataset.ack;
      if (key) this.acknowledge(key);
    });
  }

  /** The unacknowledged alerts of one headset. */
  of(headsetId) {
    return this.list.filter((a) => a.headset_id === headsetId);
  }

  /** An `alert` frame from the staff socket: a new alert, or one more of an existing one. */
  add(frame) {
    const key = `${frame.kind}|${frame.headset_id}|${frame.session_id ?? ''}|${frame.kind === 'stuck' ? frame.detail : ''}`;
    const existing = this.list.find((a) => a.key === key);
    if (existing) {
      existing.count += 1;
      existing.at = new Date().toISOString();
    } else {
      this.list.push({ key, kind: frame.kind, headset_id: frame.headset_id, session_id: frame.session_id ?? null, detail: frame.detail ?? '', at: new Date().toISOString(), count: 1 });
    }
    this.save();
    this.render();
    this.onHeadset(frame.headset_id);
    if (frame.kind === 'call_staff') this.chime();
  }

  acknowledge(key) {
    const alert = this.list.find((a) => a.key === key);
    this.list = this.list.filter((a) => a.key !== key);
    this.save();
    this.render();
    if (alert) this.onHeadset(alert.headset_id);
  }

  save() {
    try { localStorage.setItem(ALERTS_KEY, JSON.stringify(this.list.slice(-KEEP))); } catch { /* ignore */ }
  }

  render() {
    const section = document.getElementById('alerts');
    const list = document.getElementById('alert-list');
    section.hidden = this.list.length === 0;
    list.innerHTML = [...this.list].reverse().map((a) => `
    <li class="alert alert-${esc(a.kind)}" data-kind="${esc(a.kind)}" data-headset-id="${esc(a.headset_id)}">
      <span class="alert-icon">${a.kind === 'call_staff' ? ICONS.bell : ICONS.warn}</span>
      <span class="alert-text"><strong>${esc(this.text(a))}</strong>${a.count > 1 ? ` <span class="badge">×${a.count}</span>` : ''}
        ${a.detail && a.kind !== 'stuck' ? `<small>${esc(a.detail)}</small>` : ''}</span>
      <time>${esc(timeOfDay(a.at))}</time>
      <button type="button" class="small secondary" data-ack="${esc(a.key)}">${esc(t('acknowledge'))}</button>
    </li>`).join('');
  }

  chime() {
    try {
      this.audio ??= new AudioContext();
      const audio = this.audio;
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.12, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.6);
      osc.connect(gain).connect(audio.destination);
      osc.start();
      osc.stop(audio.currentTime + 0.6);
    } catch { /* no audio before a user gesture: the alert bar is enough */ }
  }
}

function load() {
  try {
    const saved = JSON.parse(localStorage.getItem(ALERTS_KEY) ?? '[]');
    return Array.isArray(saved) ? saved.slice(-KEEP) : [];
  } catch {
    return [];
  }
}
