// Small UI helpers shared by the pages: toasts, confirmation dialogs, element building.

import { esc } from './format.js';
import { t } from './i18n.js';

let toastArea = null;

export function toast(message, kind = '', ms = 4500) {
  if (!toastArea) {
    toastArea = document.createElement('div');
    toastArea.className = 'toast-area';
    toastArea.setAttribute('role', 'status');
    toastArea.setAttribute('aria-live', 'polite');
    document.body.append(toastArea);
  }
  const el = document.createElement('div');
  el.className = `toast ${kind}`;
  el.textContent = message;
  toastArea.append(el);
  setTimeout(() => el.remove(), ms);
  return el;
}

/** A yes/no question in a modal dialog; resolves true when confirmed. */
export function confirmDialog(title, body, { confirmLabel = t('confirm'), danger = false } = {}) {
  return new Promise((resolve) => {
    const dialog = document.createElement('dialog');
    dialog.className = 'confirm-dialog';
    dialog.innerHTML = `<form method="dialog">
      <h2>${esc(title)}</h2>
      ${body ? `<p>${esc(body)}</p>` : ''}
      <div class="dialog-actions">
        <button value="no" class="secondary">${esc(t('cancel'))}</button>
        <button value="yes" class="${danger ? 'danger' : ''}" data-confirm>${esc(confirmLabel)}</button>
      </div></form>`;
    document.body.append(dialog);
    dialog.addEventListener('close', () => {
      resolve(dialog.returnValue === 'yes');
      dialog.remove();
    });
    dialog.showModal();
    dialog.querySelector('[data-confirm]').focus();
  });
}

/** Run `work` with `button` disabled; errors become a toast. Returns work's result or undefined. */
export async function busy(button, work, describe) {
  if (button) button.disabled = true;
  try {
    return await work();
  } catch (err) {
    toast(describe ? describe(err) : String(err?.message ?? err), 'error', 7000);
    return undefined;
  } finally {
    if (button) button.disabled = false;
  }
}
