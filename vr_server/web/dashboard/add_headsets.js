// "Add headsets": one button makes a short enrollment code (POST /api/enrollment-codes) and
// shows the link to type into each Quest's browser (http://ADDRESS:PORT/p/CODE, readable
// aloud: no 0, O, 1 or I) with a QR code for a phone. The headsets that enroll with this code
// appear in the dialog as they do (`headset_enrolled` frames on the staff socket, matched by the
// code's label). Closing the dialog revokes the code; it also expires on its own.
//
// The address: the page's own when staff opened the dashboard by the server's network address;
// when they opened it as localhost, the server's LAN address (the server lists its addresses).
// Staff can correct it; the correction is remembered in this browser.

import { api, errorText } from '/ui/shared/api.js';
import { esc, timeOfDay } from '/ui/shared/format.js';
import { t } from '/ui/shared/i18n.js';
import { qrSvg } from '/ui/shared/qr.js';

const BASE_KEY = 'vr_enroll_base';
const LOOPBACK = /^(localhost|127(\.\d+){3}|\[::1\])$/;

export class AddHeadsets {
  /** headsets(): the dashboard's headsets by id (their online state updates the list). */
  constructor({ headsets }) {
    this.headsets = headsets;
    this.dialog = document.getElementById('enroll-dialog');
    this.code = null;
    this.enrolled = new Map();
    this.dialog.addEventListener('close', () => this.stop());
    document.getElementById('enroll-new').addEventListener('click', () => this.newCode());
    document.getElementById('enroll-base').addEventListener('input', () => this.showLink());
    document.getElementById('enroll-base').addEventListener('change', () => this.saveBase());
  }

  async open() {
    this.dialog.showModal();
    await this.newCode();
  }

  /** A new code (the previous one of this dialog is revoked first). */
  async newCode() {
    const error = document.getElementById('enroll-error');
    error.textContent = '';
    await this.revoke();
    this.enrolled.clear();
    this.render();
    try {
      this.code = await api('/api/enrollment-codes', { method: 'POST', body: {} });
    } catch (err) {
      error.textContent = errorText(err);
      return;
    }
    const base = document.getElementById('enroll-base');
    base.value = this.defaultBase();
    document.getElementById('enroll-addresses').innerHTML = this.candidates()
      .map((b) => `<option value="${esc(b)}"></option>`).join('');
    this.render();
  }

  /** A `headset_enrolled` frame from the staff socket. */
  onEnrolled(frame) {
    if (!this.code || frame.code_label !== this.code.label) return;
    this.enrolled.set(frame.headset.id, frame.headset);
    this.renderList();
  }

  /** The dashboard's headsets changed (online, name): refresh the list. */
  refresh() {
    if (this.dialog.open) this.renderList();
  }

  /** The page's language changed. */
  relabel() {
    if (this.dialog.open) this.render();
  }

  async stop() {
    await this.revoke();
    this.code = null;
  }

  async revoke() {
    const code = this.code?.code;
    if (!code) return;
    this.code = null;
    try {
      await api('/api/enrollment-codes/revoke', { method: 'POST', body: { code } });
    } catch (err) {
      if (err.status !== 404) console.warn('revoking the enrollment code', err); // 404: used up
    }
  }

  // ---------------------------------------------------------------- the link

  candidates() {
    const port = location.port ? `:${location.port}` : '';
    const out = [];
    if (this.code?.public_url) out.push(this.code.public_url.replace(/\/+$/, ''));
    if (!LOOPBACK.test(location.hostname)) out.push(location.origin);
    for (const ip of this.code?.lan_addresses ?? []) out.push(`${location.protocol}//${ip}${port}`);
    return [...new Set(out)];
  }

  defaultBase() {
    let saved = null;
    try { saved = localStorage.getItem(BASE_KEY); } catch { /* private mode */ }
    if (saved && normalizeBase(saved)) return saved;
    return this.candidates()[0] ?? location.origin;
  }

  saveBase() {
    const value = document.getElementById('enroll-base').value.trim();
    if (!normalizeBase(value)) return; // keep the last good one
    try {
      if (value !== this.candidates()[0]) localStorage.setItem(BASE_KEY, value);
      else localStorage.removeItem(BASE_KEY);
    } catch { /* private mode */ }
  }

  link() {
    const base = normalizeBase(document.getElementById('enroll-base').value);
    return base && this.code ? `${base}${this.code.path}` : null;
  }

  // ---------------------------------------------------------------- painting

  render() {
    const ready = Boolean(this.code);
    document.getElementById('enroll-body').hidden = !ready;
    if (!ready) {
      document.getElementById('enroll-code').textContent = '';
      this.showLink();
    } else {
      const { code } = this;
      document.getElementById('enroll-code').textContent = code.code;
      document.getElementById('enroll-valid').textContent = t('enroll_valid', { time: timeOfDay(code.expires_at), uses: code.uses });
      document.getElementById('enroll-loopback').hidden = !code.loopback_only;
      this.showLink();
    }
    this.renderList();
  }

  showLink() {
    const url = this.link();
    const shown = document.getElementById('enroll-url');
    const qr = document.getElementById('enroll-qr');
    document.getElementById('enroll-base-error').textContent = url || !this.code ? '' : t('enroll_base_invalid');
    if (!url) {
      document.getElementById('enroll-https').hidden = true;
      shown.textContent = '';
      delete shown.dataset.url;
      qr.replaceChildren();
      return;
    }
    // VR needs https on a headset (enrolling does not): say so when the link is http
    document.getElementById('enroll-https').hidden = url.startsWith('https:') || Boolean(this.code?.loopback_only);
    const at = url.lastIndexOf('/p/') + 3;
    shown.innerHTML = `${esc(url.slice(0, at))}<b>${esc(url.slice(at))}</b>`;
    shown.dataset.url = url;
    qr.replaceChildren(qrSvg(url, { label: t('enroll_scan') }));
  }

  renderList() {
    const list = document.getElementById('enroll-list');
    const heads = [...this.enrolled.values()].map((h) => this.headsets().get(h.id) ?? h);
    document.getElementById('enroll-count').textContent = t('enroll_added', { n: heads.length });
    list.innerHTML = heads.length
      ? heads.map((h) => `<li data-headset-id="${esc(h.id)}"><span class="dot ${h.online ? 'on' : 'off'}"></span>
          <strong>${esc(h.name)}</strong> <span class="muted">${esc(h.online ? t('online') : t('enroll_connecting'))}</span></li>`).join('')
      : `<li class="muted empty">${esc(t('enroll_waiting'))}</li>`;
  }
}

/** "192.168.1.20:8000" or "http://192.168.1.20:8000/" -> "http://192.168.1.20:8000"; null when it is no address. */
export function normalizeBase(text) {
  const value = (text ?? '').trim();
  if (!value) return null;
  try {
    const url = new URL(/^https?:\/\//i.test(value) ? value : `${location.protocol}//${value}`);
    if (url.pathname !== '/' || url.search || url.hash || url.username) return null;
    if (!/^([a-z0-9-]+\.)*[a-z0-9-]+$|^\[[0-9a-f:.]+\]$/i.test(url.hostname)) return null;
    return url.origin;
  } catch {
    return null;
  }
}
