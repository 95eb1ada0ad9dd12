// Mount points of a jail (TrueNAS 2.6): Source and Destination of its fstab
// (the basejail's own entries hidden), Add, Edit, Delete — refused while it runs.
import { h, icon, mount } from '../dom.js';
import { get, del, seg } from '../api.js';
import { navigate } from '../router.js';
import { confirm, alertError } from '../ui/dialog.js';
import { toast } from '../ui/toast.js';

export async function renderMounts(app, { name }) {
  document.title = `Mount points of ${name} · jailor`;
  let entries, jail;
  try {
    [entries, jail] = await Promise.all([get(`/jails/${seg(name)}/fstab`), get(`/jails/${seg(name)}`)]);
  } catch (err) {
    return alertError(`Cannot list the mount points of ${name}`, err);
  }
  const running = jail.state === 'up';
  const refused = () => toast(`${name} should not be running when adding/deleting a mountpoint.`, 'error');
  const base = `/jails/${encodeURIComponent(name)}/mounts`;
  const rows = entries.filter((e) => !e.basejail).map((e) =>
    h('tr', { dataset: { index: e.index } },
      h('td', { dataset: { label: 'Source' } }, e.src),
      h('td', { dataset: { label: 'Destination' } }, e.dst),
      h('td', { dataset: { label: 'Read-only' } }, /(^|,)ro(,|$)/.test(e.options) ? 'yes' : 'no'),
      h('td.row-actions', {},
        h('button.button.ghost', { type: 'button', dataset: { action: 'edit' }, onclick: () => (running ? refused() : navigate(`${base}/${e.index}/edit`)) }, 'Edit'),
        h('button.button.ghost.danger', { type: 'button', dataset: { action: 'delete' }, onclick: async () => {
          if (running) return refused();
          if (!(await confirm('Delete Mount Point', `Delete Mount Point ${e.src}?`, 'Delete Mount Point', true))) return;
          try {
            await del(`/jails/${seg(name)}/fstab/${e.index}`);
            toast(`Mount point ${e.src} deleted.`);
          } catch (err) {
            await alertError('Cannot delete the mount point', err);
          }
          renderMounts(app, { name });
        } }, [icon('delete'), 'Delete']))));
  mount(app, h('section.screen.mounts', {},
    h('div.toolbar', {}, h('h1', {}, `Mount points of ${name}`), h('span.spacer'),
      h('button.button', { type: 'button', onclick: () => navigate('/jails') }, 'Go Back to Jails'),
      h('button.button.primary', { type: 'button', dataset: { action: 'add-mount' }, onclick: () => (running ? refused() : navigate(`${base}/add`)) }, [icon('add'), 'Add Mount Point'])),
    running ? h('p.banner', {}, `Mount points used in jail ${name} cannot be edited while the jail is running.`) : null,
    h('div.table-wrap', {}, h('table.grid', {},
      h('thead', {}, h('tr', {}, h('th', {}, 'Source'), h('th', {}, 'Destination'), h('th', {}, 'Read-only'), h('th', {}, h('span.visually-hidden', {}, 'Actions')))),
      h('tbody', {}, rows.length ? rows : h('tr', {}, h('td.empty', { colSpan: 4 }, 'No mount points.')))))));
}
