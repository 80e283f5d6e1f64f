// The dashboard's walk-in queue: who is being served on which headset, and the waiting tickets
// with their wait, interests and earlier occupations today, each callable to a free headset.

import { api, errorText } from '/ui/shared/api.js';
import { aboutMinutes, clock, esc, secondsSince } from '/ui/shared/format.js';
import { t } from '/ui/shared/i18n.js';
import { ICONS } from '/ui/shared/icons.js';
import { busy, confirmDialog } from '/ui/shared/ui.js';

export class QueuePanel {
  /**
   * @param {{ state: object, sceneTitle: (id: string) => string, freeHeadsets: () => object[],
   *           callTicket: (ticket: object, h: object, button: HTMLElement) => Promise,
   *           onQueue: () => void }} deps
   *   `state` is the page's state (its `queue`, `queueAvailable`, `headsets` and `sessions`);
   *   `onQueue` runs after a new queue arrives (the headset cards' "call next" depends on it).
   */
  constructor({ state, sceneTitle, freeHeadsets, callTicket, onQueue }) {
    Object.assign(this, { state, sceneTitle, freeHeadsets, callTicket, onQueue });
    document.getElementById('waiting').addEventListener('click', (event) => this.onClick(event));
  }

  set(queue) {
    this.state.queue = queue;
    this.state.queueAvailable = true;
    this.render();
    this.onQueue();
  }

  async load() {
    try {
      this.set(await api('/api/queue'));
    } catch (err) {
      if (err.status === 404 || err.status === 405) {
        this.state.queueAvailable = false;
        this.render();
      } else {
        document.getElementById('queue-error').textContent = errorText(err);
      }
    }
  }

  interestTitles(ticket) {
    if (!ticket.interests?.length) return t('any_occupation');
    return ticket.interests.map(this.sceneTitle).join(', ');
  }

  /** What a called ticket plays: its session's scene, else what the visitor asked for. */
  servingScene(ticket) {
    const session = ticket.session_id ? this.state.sessions.get(ticket.session_id) : null;
    return session ? this.sceneTitle(session.scene_id) : this.interestTitles(ticket);
  }

  /** The visitor's earlier occupations today (their visitor code links them), for the ticket row. */
  triedLine(ticket) {
    const tried = ticket.tried ?? [];
    if (!tried.length) return '';
    const list = tried.map((x) => `${this.sceneTitle(x.scene_id)}${x.percent != null ? ` (${Math.round(x.percent)}%)` : ''}`).join(', ');
    return `<small class="ticket-tried" title="${esc(t('visitor_code'))} ${esc(ticket.visitor_code ?? '')}">${esc(t('tried_today'))} ${esc(list)}</small>`;
  }

  render() {
    const serving = document.getElementById('now-serving');
    const waiting = document.getElementById('waiting');
    const meta = document.getElementById('queue-meta');
    if (!this.state.queueAvailable) {
      serving.innerHTML = '';
      waiting.innerHTML = `<li class="empty">${esc(t('queue_unavailable'))}</li>`;
      meta.textContent = '';
      return;
    }
    const q = this.state.queue;
    if (!q) return;
    document.getElementById('queue-error').textContent = '';
    const free = this.freeHeadsets();
    meta.textContent = `${t('waiting_count', { n: q.waiting.length })} · ${t('free_headsets', { n: q.free_headsets ?? free.length })}`;
    serving.innerHTML = q.now_serving.length ? q.now_serving.map((tk) => `
    <li class="ticket serving" data-ticket-id="${esc(tk.id)}">
      <span class="ticket-label">${esc(tk.label)}</span>
      <span class="ticket-body"><span><span class="arrow">→</span> <strong>${esc(tk.headset_name ?? '—')}</strong></span>
        <small class="muted">${esc(this.servingScene(tk))}</small></span>
      <span class="badge ${tk.status === 'in_session' ? 'accent' : 'warn'}">${esc(t(`ticket_${tk.status}`))}</span>
    </li>`).join('') : `<li class="empty">${esc(t('none_yet'))}</li>`;
    const options = free.map((h) => `<option value="${esc(h.id)}">${esc(h.name)}</option>`).join('');
    waiting.innerHTML = q.waiting.length ? q.waiting.map((tk) => `
    <li class="ticket" data-ticket-id="${esc(tk.id)}">
      <span class="ticket-label">${esc(tk.label)}</span>
      <span class="ticket-body">
        <span><span class="badge lang-badge">${esc(tk.language.toUpperCase())}</span> ${esc(this.interestTitles(tk))}</span>
        <small class="muted">${esc(t('waited'))} <span data-waited-since="${esc(tk.created_at)}">${esc(clock(secondsSince(tk.created_at)))}</span>
          · ${esc(t('est_wait'))} ${esc(aboutMinutes(tk.estimated_wait_s))}${tk.has_personal_data ? ` · <span title="${esc(t('has_contact_help'))}">${ICONS.phone}</span>` : ''}</small>
        ${this.triedLine(tk)}
      </span>
      <span class="ticket-actions">
        <select aria-label="${esc(t('headset_for', { label: tk.label }))}" data-call-select ${free.length ? '' : 'disabled'}>${options || `<option>${esc(t('no_free_headset'))}</option>`}</select>
        <button type="button" class="small" data-call="${esc(tk.id)}" ${free.length ? '' : 'disabled'}>${esc(t('call'))}</button>
        <button type="button" class="small secondary" data-cancel="${esc(tk.id)}" title="${esc(t('no_show_help'))}">${esc(t('no_show'))}</button>
      </span>
    </li>`).join('') : `<li class="empty">${esc(t('queue_empty'))}</li>`;
  }

  async onClick(event) {
    const callId = event.target.closest('[data-call]')?.dataset.call;
    const cancelId = event.target.closest('[data-cancel]')?.dataset.cancel;
    const ticket = this.state.queue?.waiting?.find((tk) => tk.id === (callId ?? cancelId));
    if (!ticket) return;
    const button = event.target.closest('button');
    if (callId) {
      const select = button.closest('.ticket').querySelector('[data-call-select]');
      const h = this.state.headsets.get(select.value);
      if (h) await this.callTicket(ticket, h, button);
    } else {
      const ok = await confirmDialog(t('no_show_title', { label: ticket.label }), t('no_show_body'), { confirmLabel: t('no_show'), danger: true });
      if (ok) {
        await busy(button, () => api(`/api/queue/tickets/${encodeURIComponent(ticket.id)}/cancel`, { method: 'POST', body: { no_show: true } }),
          (err) => `${ticket.label}: ${errorText(err)}`);
      }
    }
  }
}
