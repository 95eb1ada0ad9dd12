// Releases: the fetched ones (delete), the Debian suites that can be
// fetched, and a root file system archive from the host; a fetch is a job
// whose progress the dialog follows.
import { h, icon, mount } from '../dom.js';
import { get, post, del, seg } from '../api.js';
import { confirm, jobDialog, alertError } from '../ui/dialog.js';
import { field, text } from '../ui/fields.js';
import { clearErrors, showError } from '../ui/field-errors.js';
import { toast } from '../ui/toast.js';
import { formatBytes } from '../jobs.js';

export async function renderReleases(app) {
  document.title = 'Releases · jailor';
  let fetched, remote;
  try {
    [fetched, remote] = await Promise.all([get('/releases'), get('/releases/remote').catch(() => [])]);
  } catch (err) {
    return alertError('Cannot list the releases', err);
  }
  const again = () => renderReleases(app);
  const fetchJob = async (body) => {
    await jobDialog(`Fetching ${body.name}`, post('/releases', body).then((r) => r.json));
    toast(`Release ${body.name} fetched.`);
    again();
  };
  const have = new Set(fetched.map((r) => r.name));
  const rows = fetched.map((r) => h('tr', { dataset: { name: r.name } },
    h('td', { dataset: { label: 'Name' } }, r.name),
    h('td', { dataset: { label: 'System' } }, (r.os_release && r.os_release.PRETTY_NAME) || '-'),
    h('td', { dataset: { label: 'Origin' } }, (r.origin && r.origin.type) || '-'),
    h('td', { dataset: { label: 'Size' } }, r.size ? formatBytes(r.size) : '-'),
    h('td', { dataset: { label: 'Fetched' } }, (r.fetched_at || '').replace('T', ' ').replace('Z', ' UTC')),
    h('td.row-actions', {}, h('button.button.ghost.danger', { type: 'button', onclick: async () => {
      if (!(await confirm('Delete release', `Delete release ${r.name}? Jails made from it keep working only if they are not clones of it.`, 'Delete', true))) return;
      try {
        await del(`/releases/${seg(r.name)}`);
      } catch (err) {
        await alertError('Cannot delete the release', err);
      }
      again();
    } }, [icon('delete'), 'Delete']))));
  const suites = remote.filter((r) => !have.has(r.name)).map((r) => h('li', {},
    h('span', {}, `Debian ${r.version} “${r.name}”`),
    h('button.button', { type: 'button', onclick: () => fetchJob({ name: r.name }).catch((err) => alertError('Fetch failed', err)) }, 'Fetch')));

  const name = text('name', '', { placeholder: 'alpine' });
  const file = text('file', '', { placeholder: '/srv/images/rootfs.tar.gz' });
  const form = h('form.card.fetch-file', { noValidate: true, onsubmit: async (e) => {
    e.preventDefault();
    clearErrors(form);
    try {
      await fetchJob({ name: name.value.trim(), file: file.value.trim() });
    } catch (err) {
      showError(form, err.field ? err : { ...err, field: 'file', message: err.message });
    }
  } },
  h('h2', {}, 'Fetch from an archive on the host'), h('div.form-error'),
  field('Release name', name), field('Root file system archive (tar, any compression)', file),
  h('div.actions', {}, h('span.spacer'), h('button.button.primary', { type: 'submit' }, 'Fetch')));

  mount(app, h('section.screen.releases', {},
    h('div.toolbar', {}, h('h1', {}, 'Releases')),
    h('div.table-wrap', {}, h('table.grid', {},
      h('thead', {}, h('tr', {}, ['Name', 'System', 'Origin', 'Size', 'Fetched'].map((c) => h('th', {}, c)), h('th', {}, h('span.visually-hidden', {}, 'Actions')))),
      h('tbody', {}, rows.length ? rows : h('tr', {}, h('td.empty', { colSpan: 6 }, 'No release fetched yet.'))))),
    h('div.card', {}, h('h2', {}, 'Debian suites'), suites.length ? h('ul.suites', {}, suites) : h('p.help', {}, 'Every suite this host can run is fetched.')),
    form));
}
