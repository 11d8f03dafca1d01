// The confirmation dialog and short messages ("toasts").
import { html } from './format.js';

/**
 * Shows the modal confirmation dialog. `body` is safe HTML (from html``); it may hold form fields, whose values
 * are passed to `read(dialog)` when the person confirms. Resolves to read's answer (or true), or null when the
 * person backs out.
 */
export function confirmDialog({ title, body, confirmLabel = 'Confirm', danger = true, read = () => true }) {
  const dialog = document.getElementById('confirm');
  dialog.querySelector('.dialog-title').textContent = title;
  dialog.querySelector('.dialog-body').innerHTML = String(body);
  const ok = dialog.querySelector('[data-role="confirm"]');
  ok.textContent = confirmLabel;
  ok.className = `btn ${danger ? 'btn-danger' : 'btn-primary'}`;
  dialog.returnValue = '';
  return new Promise(resolve => {
    dialog.addEventListener('close', () => {
      resolve(dialog.returnValue === 'confirm' ? read(dialog) : null);
    }, { once: true });
    dialog.showModal();
    const first = dialog.querySelector('.dialog-body textarea, .dialog-body select, .dialog-body input');
    (first || dialog.querySelector('[data-role="dismiss"]')).focus();
  });
}

export function toast(message, kind = 'info', ms = 4000) {
  const box = document.getElementById('toasts');
  const el = document.createElement('div');
  el.className = `toast ${kind}`;
  el.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  el.textContent = message;
  box.appendChild(el);
  setTimeout(() => el.remove(), ms);
}

export function errorBanner(error) {
  return html`<div class="error-banner" role="alert">Could not load this view: ${error.message || error}</div>`;
}
