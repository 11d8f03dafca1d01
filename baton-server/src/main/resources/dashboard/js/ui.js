// The confirmation dialog and short messages ("toasts").
import { html } from './format.js';

/**
 * Shows the modal confirmation dialog. `body` is safe HTML (from html``); it may hold form fields, whose values
 * are passed to `read(dialog)` when the person confirms. Resolves to read's answer (or true), or null when the
 * person backs out.
 *
 * With `submit(value)`, confirming calls it with read's answer while the dialog stays open: the dialog closes when
 * it resolves, and shows the error and stays open when read or submit throws (an invalid field, the API's refusal),
 * so the person can correct it or back out. The promise then resolves to read's answer once submit succeeded.
 */
export function confirmDialog({ title, body, confirmLabel = 'Confirm', danger = true, read = () => true, submit = null }) {
  const dialog = document.getElementById('confirm');
  const form = dialog.querySelector('form');
  const errorBox = dialog.querySelector('.dialog-error');
  dialog.querySelector('.dialog-title').textContent = title;
  dialog.querySelector('.dialog-body').innerHTML = String(body);
  errorBox.textContent = '';
  errorBox.hidden = true;
  const ok = dialog.querySelector('[data-role="confirm"]');
  ok.textContent = confirmLabel;
  ok.className = `btn ${danger ? 'btn-danger' : 'btn-primary'}`;
  ok.disabled = false;
  dialog.returnValue = '';
  return new Promise(resolve => {
    let submitted = null;
    const fail = e => {
      errorBox.textContent = e && e.message ? e.message : String(e);
      errorBox.hidden = false;
    };
    const onSubmit = async event => {
      if (!submit || event.submitter?.value !== 'confirm') return;
      event.preventDefault();
      if (ok.disabled) return;
      let value;
      try {
        value = read(dialog);
      } catch (e) {
        fail(e);
        return;
      }
      ok.disabled = true;
      errorBox.hidden = true;
      try {
        await submit(value);
        submitted = { value };
      } catch (e) {
        fail(e);
        return;
      } finally {
        ok.disabled = false;
      }
      if (dialog.open) dialog.close('confirm');
    };
    form.addEventListener('submit', onSubmit);
    dialog.addEventListener('close', () => {
      form.removeEventListener('submit', onSubmit);
      if (submit) resolve(dialog.returnValue === 'confirm' && submitted ? submitted.value : null);
      else resolve(dialog.returnValue === 'confirm' ? read(dialog) : null);
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
