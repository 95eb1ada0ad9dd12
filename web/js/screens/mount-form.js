// Add or edit a mount point (TrueNAS 2.6): the jail (fixed), Source on the
// host and Destination in the jail, each with a directory browser, Read-Only.
import { h, icon, mount } from '../dom.js';
import { get, post, put, seg } from '../api.js';
import { navigate } from '../router.js';
import { alertError } from '../ui/dialog.js';
import { field, text, checkbox, box } from '../ui/fields.js';
import { clearErrors, showError } from '../ui/field-errors.js';
import { toast } from '../ui/toast.js';
import { pickDirectory } from './dir-picker.js';

export async function renderMountForm(app, { name, index }) {
  const editing = index !== undefined;
  document.title = `${editing ? 'Edit' : 'Add'} mount point · jailor`;
  let entry = { src: '', dst: '', options: 'ro' }, jail;
  try {
    jail = await get(`/jails/${seg(name)}`);
    if (editing) entry = (await get(`/jails/${seg(name)}/fstab`)).find((e) => String(e.index) === index) || entry;
  } catch (err) {
    return alertError(`Cannot edit the mount points of ${name}`, err);
  }
  const running = jail.state === 'up';
  const back = `/jails/${encodeURIComponent(name)}/mounts`;
  const src = text('src', entry.src, { required: true, placeholder: '/mnt/tank/media' });
  const dst = text('dst', entry.dst, { required: true, placeholder: '/media' });
  const ro = checkbox('read_only', 'Read-Only', /(^|,)ro(,|$)/.test(entry.options));
  const browse = (input, title, jailName) => h('button.button.ghost', { type: 'button', onclick: async () => {
    const p = await pickDirectory(title, input.value || (jailName ? '/' : '/mnt'), jailName);
    if (p) input.value = p;
  } }, [icon('folder'), 'Browse']);
  const save = h('button.button.primary', { type: 'submit', disabled: running }, 'Save');
  const form = h('form.card.mount-form', { noValidate: true, onsubmit: async (e) => {
    e.preventDefault();
    clearErrors(form);
    const body = { src: src.value.trim(), dst: dst.value.trim(), read_only: box(ro).checked };
    try {
      save.disabled = true;
      if (editing) await put(`/jails/${seg(name)}/fstab/${index}`, body);
      else await post(`/jails/${seg(name)}/fstab`, body);
      toast(`Mount point ${body.dst} saved.`);
      navigate(back);
    } catch (err) {
      showError(form, err);
    } finally {
      save.disabled = running;
    }
  } },
  running ? h('p.banner', {}, `Mount points used in jail ${name} cannot be edited while the jail is running.`) : null,
  h('div.form-error'),
  field('Jail', text('jail', name, { disabled: true })),
  h('div.with-button', {}, field('Source', src, 'A directory of the host; it must exist and be outside the jail.'), browse(src, 'Source', null)),
  h('div.with-button', {}, field('Destination', dst, 'Where it appears in the jail; made when missing.'), browse(dst, `Destination in ${name}`, name)),
  ro,
  h('div.actions', {}, h('span.spacer'), h('button.button', { type: 'button', onclick: () => navigate(back) }, 'Cancel'), save));
  if (running) form.querySelectorAll('input, button').forEach((b) => (b.disabled = b.textContent !== 'Cancel'));
  mount(app, h('section.screen', {}, h('div.toolbar', {}, h('h1', {}, `${editing ? 'Edit' : 'Add'} Mount Point`)), form));
}
