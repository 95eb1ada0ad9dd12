// Short notices in a corner ("Jail web updated."), gone after a while.
import { h } from '../dom.js';

export function toast(message, kind = 'info') {
  const box = document.getElementById('toasts');
  const el = h(`div.toast.${kind}`, {}, message);
  box.append(el);
  setTimeout(() => el.remove(), kind === 'error' ? 8000 : 4000);
}
