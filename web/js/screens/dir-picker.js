// A directory browser for the mount point form: the host's directories
// (Source) or those inside the stopped jail (Destination).
import { h, icon } from '../dom.js';
import { post } from '../api.js';
import { dialog } from '../ui/dialog.js';

const parent = (p) => p.replace(/\/[^/]+\/?$/, '') || '/';
const join = (p, n) => (p === '/' ? '' : p) + '/' + n;

/** Resolves with the chosen path, or null. */
export async function pickDirectory(title, start, jail) {
  const list = h('ul.dir-list');
  const where = h('p.dir-path');
  const error = h('p.field-error');
  let path = start;

  async function open(p) {
    try {
      const r = (await post('/host/directories', jail ? { path: p, jail } : { path: p })).json;
      path = r.path;
      error.textContent = '';
      where.textContent = path;
      list.replaceChildren(
        ...(path !== '/' ? [h('li', {}, h('button.dir', { type: 'button', onclick: () => open(parent(path)) }, icon('up'), '..'))] : []),
        ...r.directories.map((d) => h('li', {}, h('button.dir', { type: 'button', onclick: () => open(join(path, d)) }, icon('folder'), d))));
    } catch (err) {
      if (p !== '/') return open(parent(p));
      error.textContent = err.message;
    }
  }
  await open(start || '/');
  const v = await dialog({
    title,
    className: 'picker',
    body: [where, list, error],
    buttons: [{ label: 'Cancel', value: null }, { label: 'Choose this directory', value: 'ok', primary: true }],
  });
  return v === 'ok' ? path : null;
}
