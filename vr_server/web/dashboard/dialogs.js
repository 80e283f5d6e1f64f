// The dashboard's two dialogs: assign a scene to a headset (or choose the scene for a called
// ticket whose visitor named no interest), and send a short message to a visitor in Thai and
// English.

import { api, errorText } from '/ui/shared/api.js';
import { esc } from '/ui/shared/format.js';
import { loc, t } from '/ui/shared/i18n.js';
import { toast } from '/ui/shared/ui.js';

const PRESETS = ['preset_coming', 'preset_look_around', 'preset_take_off', 'preset_well_done'];

/**
 * Runs a form's "ok" submit: `send()` does the work; an error is shown in the form's error
 * box and the dialog stays open; the ok button is disabled meanwhile.
 */
function onOk(form, okId, errorId, send) {
  form.addEventListener('submit', async (event) => {
    if (event.submitter?.value !== 'ok') return;
    event.preventDefault();
    const ok = document.getElementById(okId);
    const errorBox = document.getElementById(errorId);
    ok.disabled = true;
    try {
      await send(errorBox);
    } catch (err) {
      errorBox.textContent = errorText(err);
    } finally {
      ok.disabled = false;
    }
  });
}

export class AssignDialog {
  /**
   * @param {{ headsets: () => Map, catalog: () => Map, sceneTitle: (id: string) => string,
   *           requestOr: (frame: object, rest: () => Promise) => Promise }} deps
   */
  constructor({ headsets, catalog, sceneTitle, requestOr }) {
    Object.assign(this, { headsets, catalog, sceneTitle, requestOr });
    this.dialog = document.getElementById('assign-dialog');
    this.form = document.getElementById('assign-form');
    this.target = null;
    onOk(this.form, 'assign-ok', 'assign-error', () => this.send());
  }

  open(h, ticket) {
    this.target = { headsetId: h.id, ticket };
    document.getElementById('assign-title').textContent = ticket
      ? t('call_ticket_title', { label: ticket.label, name: h.name })
      : t('assign_title', { name: h.name });
    const select = document.getElementById('assign-scene');
    const scenes = [...this.catalog().values()].sort((a, b) => loc(a.title).localeCompare(loc(b.title)));
    select.innerHTML = scenes.map((s) => `<option value="${esc(s.id)}">${esc(loc(s.title))} · ${esc(s.duration_min)} ${esc(t('minutes_short'))}</option>`).join('');
    const language = ticket?.language ?? 'th';
    for (const radio of this.form.querySelectorAll('input[name=assign-lang]')) radio.checked = radio.value === language;
    document.getElementById('autostart-row').hidden = Boolean(ticket);
    document.getElementById('assign-error').textContent = scenes.length ? '' : t('no_scenes');
    document.getElementById('assign-ok').disabled = !scenes.length;
    document.getElementById('assign-ok').textContent = ticket ? t('call') : t('assign');
    this.dialog.showModal();
  }

  async send() {
    const { ticket, headsetId } = this.target;
    const h = this.headsets().get(headsetId);
    const sceneId = document.getElementById('assign-scene').value;
    const language = this.form.querySelector('input[name=assign-lang]:checked').value;
    const autostart = document.getElementById('assign-autostart').checked;
    if (ticket) {
      await this.requestOr({ type: 'call_ticket', ticket_id: ticket.id, headset_id: h.id, scene_id: sceneId },
        () => api(`/api/queue/tickets/${encodeURIComponent(ticket.id)}/call`, { method: 'POST', body: { headset_id: h.id, scene_id: sceneId } }));
      toast(t('called_toast', { label: ticket.label, name: h.name }), 'good');
    } else {
      await this.requestOr({ type: 'assign', headset_id: h.id, scene_id: sceneId, language, autostart },
        () => api('/api/sessions', { method: 'POST', body: { headset_id: h.id, scene_id: sceneId, language, autostart } }));
      toast(t('assigned_toast', { scene: this.sceneTitle(sceneId), name: h.name }), 'good');
    }
    this.dialog.close();
  }
}

export class MessageDialog {
  /** @param {{ headsets: () => Map, requestOr: (frame: object, rest: () => Promise) => Promise }} deps */
  constructor({ headsets, requestOr }) {
    Object.assign(this, { headsets, requestOr });
    this.dialog = document.getElementById('message-dialog');
    this.target = null;
    document.getElementById('message-presets').addEventListener('click', (event) => {
      const key = event.target.closest('[data-preset]')?.dataset.preset;
      if (!key) return;
      document.getElementById('message-th').value = t(key, {}, 'th');
      document.getElementById('message-en').value = t(key, {}, 'en');
    });
    onOk(document.getElementById('message-form'), 'message-ok', 'message-error', (errorBox) => this.send(errorBox));
  }

  open(h) {
    this.target = h.id;
    document.getElementById('message-title').textContent = t('message_title', { name: h.name });
    document.getElementById('message-th').value = '';
    document.getElementById('message-en').value = '';
    document.getElementById('message-error').textContent = '';
    const presets = document.getElementById('message-presets');
    presets.innerHTML = PRESETS.map((key) => `<button type="button" class="chip" data-preset="${key}">${esc(t(key))}</button>`).join('');
    this.dialog.showModal();
  }

  async send(errorBox) {
    const th = document.getElementById('message-th').value.trim();
    const en = document.getElementById('message-en').value.trim();
    if (!th && !en) {
      errorBox.textContent = t('message_empty');
      return;
    }
    // Both languages are required on the wire; one written text is shown in either language.
    const text = { th: th || en, en: en || th };
    const target = this.target;
    await this.requestOr({ type: 'message', headset_id: target, text },
      () => api(`/api/headsets/${encodeURIComponent(target)}/message`, { method: 'POST', body: { text } }));
    toast(t('message_sent', { name: this.headsets().get(target)?.name ?? '' }), 'good');
    this.dialog.close();
  }
}
