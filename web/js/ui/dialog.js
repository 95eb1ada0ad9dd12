// Modal dialogs on <dialog>: a message, a confirmation, a job's progress.
import { h, append } from '../dom.js';
import { follow, describeProgress } from '../jobs.js';

/**
 * Opens a dialog; buttons: [{label, value, primary, danger, disabled}].
 * Resolves with the value of the button pressed (null for Escape).
 */
export function dialog({ title, body = [], buttons = [{ label: 'Close', value: null }], className = '' }) {
  return new Promise((resolve) => {
    const el = h(`dialog.dialog${className ? '.' + className : ''}`, { 'aria-label': title });
    const footer = h('footer.dialog-actions');
    for (const b of buttons) {
      const btn = h(`button.button${b.primary ? '.primary' : ''}${b.danger ? '.danger' : ''}`, {
        type: 'button',
        disabled: b.disabled,
        onclick: () => close(b.value),
      }, b.label);
      if (b.ref) b.ref(btn);
      footer.append(btn);
    }
    append(el, [h('h2.dialog-title', {}, title), h('div.dialog-body', {}, body), footer]);
    const close = (value) => {
      el.close();
      el.remove();
      resolve(value);
    };
    el.addEventListener('cancel', (e) => {
      e.preventDefault();
      close(null);
    });
    document.body.append(el);
    el.showModal();
  });
}

export async function confirm(title, message, label = 'Confirm', danger = false) {
  const v = await dialog({
    title,
    body: [h('p', {}, message)],
    buttons: [{ label: 'Cancel', value: false }, { label, value: true, primary: !danger, danger }],
  });
  return v === true;
}

export function alertError(title, err) {
  return dialog({ title, body: [h('p.error-text', {}, err.message || String(err))], className: 'error' });
}

/**
 * A job dialog as TrueNAS shows them ("Starting Jail"): the progress while
 * it runs; resolves with the job, rejects with its error.
 */
export function jobDialog(title, promiseOfJob) {
  const status = h('p.job-status', {}, 'Working…');
  const bar = h('progress.job-bar', {});
  const el = h('dialog.dialog.job', { 'aria-label': title }, h('h2.dialog-title', {}, title), h('div.dialog-body', {}, bar, status));
  el.addEventListener('cancel', (e) => e.preventDefault());
  document.body.append(el);
  el.showModal();
  const finish = () => {
    el.close();
    el.remove();
  };
  return promiseOfJob
    .then((job) => follow(job, (j) => {
      const p = j.progress;
      if (p && p.total) {
        bar.max = p.total;
        bar.value = p.done;
      }
      status.textContent = describeProgress(j) || 'Working…';
    }))
    .then((job) => {
      finish();
      return job;
    }, (err) => {
      finish();
      throw err;
    });
}
