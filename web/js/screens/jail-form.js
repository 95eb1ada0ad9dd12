// The advanced form (TrueNAS 2.4): Basic, Jail, Network and Custom
// Properties in collapsible sections, for a new jail or to edit one.  A
// running jail's form is read-only, as TrueNAS's is.  Only changed values
// are sent; a rename is its own request; the server's refusals appear under
// the field they name.
import { h, mount } from '../dom.js';
import { get, post, patch, seg } from '../api.js';
import { navigate } from '../router.js';
import { jobDialog, alertError } from '../ui/dialog.js';
import { field, text, select, checkbox, box } from '../ui/fields.js';
import { clearErrors, showError } from '../ui/field-errors.js';
import { toast } from '../ui/toast.js';
import { networkFields } from './network.js';
import { natForwards } from './nat-forwards.js';
import { propField } from './prop-field.js';
import { releaseChoices, fromChoice, nameProblem } from './release-choices.js';

/* Basic Properties drawn by network.js and below, not from the table */
const BASIC = new Set(['vnet', 'dhcp', 'nat', 'ip4_addr', 'defaultrouter', 'ip6_addr', 'defaultrouter6', 'notes', 'boot', 'vnet_default_interface', 'nat_forwards']);

export async function renderJailForm(app, { name }) {
  const editing = Boolean(name);
  document.title = `${editing ? 'Edit ' + name : 'Add Jail'} · jailor`;
  let schema, jail, values, choices = [], taken = [];
  try {
    schema = await get('/properties');
    if (editing) {
      jail = await get(`/jails/${seg(name)}`);
      values = jail.properties;
    } else {
      const [defaults, c, jails, templates] = await Promise.all([get('/defaults'), releaseChoices(), get('/jails'), get('/jails?templates=1')]);
      values = defaults;
      choices = c;
      taken = [...jails, ...templates].map((j) => j.name);
    }
  } catch (err) {
    return alertError(editing ? `Cannot edit ${name}` : 'Cannot add a jail', err);
  }
  const running = editing && jail.state === 'up';
  const fields = {}; // property -> getter

  const nameInput = text('name', editing ? name : '', { required: true });
  const type = select('type', [['clone', 'Default (Clone Jail)'], ['basejail', 'Basejail'], ['thick', 'Thick (an independent copy)'], ['empty', 'Empty']], 'clone');
  const release = editing ? text('release', values.release || '', { disabled: true }) : select('release', choices, choices[0] && choices[0][0]);
  const notes = text('notes', values.notes === 'none' ? '' : values.notes || '', { placeholder: 'none' });
  const boot = checkbox('boot', 'Auto-start', values.boot === '1', 'Start with the host, in the order of priority (Custom Properties).');
  const forwards = natForwards(values.nat_forwards);
  const net = await networkFields(values, { multi: true, onChange: ({ nat }) => (forwards.el.hidden = !nat) });
  fields.notes = () => notes.value.trim() || 'none';
  fields.boot = () => (box(boot).checked ? '1' : '0');
  fields.nat_forwards = () => forwards.get();

  const section = (title, open, ...children) => h('details.section', { open }, h('summary', {}, title), h('div.section-body', {}, children));
  const group = (g) => schema.filter((p) => p.group === g && !p.readonly && !BASIC.has(p.name)).map((p) => {
    const f = propField(p, values[p.name]);
    if (p.default_only) {
      f.inputs.forEach((i) => (i.disabled = true));
      f.el.append(h('p.help', {}, 'Set under Defaults, for every jail.'));
    } else {
      fields[p.name] = f.get;
    }
    return f.el;
  });

  const save = h('button.button.primary', { type: 'submit', disabled: running }, 'Save');
  const form = h('form.card.jail-form', { noValidate: true, onsubmit: (e) => { e.preventDefault(); submit(); } },
    running ? h('p.banner', { role: 'status' }, 'Jails cannot be changed while running.') : null,
    h('div.form-error'),
    section('Basic Properties', true,
      field('Name', nameInput, 'Letters, digits, ".", "_" and "-".'),
      editing ? null : field('Jail Type', type),
      field('Release', release),
      net.el, forwards.el,
      field('Notes', notes), boot),
    section('Jail Properties', false, group('Jail')),
    section('Network Properties', false, group('Network')),
    section('Custom Properties', false, group('Custom')),
    h('div.actions', {}, h('span.spacer'), h('button.button', { type: 'button', onclick: () => navigate('/jails') }, 'Cancel'), save));
  forwards.el.hidden = values.nat !== '1';
  if (running) form.querySelectorAll('input, select, textarea, .section-body button').forEach((e) => (e.disabled = true));
  mount(app, h('section.screen', {}, h('div.toolbar', {}, h('h1', {}, editing ? `Edit ${name}` : 'Advanced Jail Creation')), form));

  function changed() {
    const all = { ...net.values() };
    for (const [k, getter] of Object.entries(fields)) all[k] = getter();
    const out = {};
    for (const [k, v] of Object.entries(all)) {
      const before = values[k] ?? (schema.find((p) => p.name === k) || {}).default ?? '';
      if (v !== before && !(v === '' && (before === 'none' || before === null))) out[k] = v;
    }
    return out;
  }

  async function submit() {
    clearErrors(form);
    const newName = nameInput.value.trim();
    const properties = changed();
    try {
      save.disabled = true;
      if (!editing) {
        const problem = nameProblem(newName, taken);
        if (problem) return showError(form, { field: 'name', message: problem });
        const r = await post('/jails', { name: newName, type: type.value, ...fromChoice(release.value), properties });
        if (r.status === 202) await jobDialog('Creating Jail…', Promise.resolve(r.json));
        toast(`Jail ${newName} created.`);
        return navigate('/jails');
      }
      if (Object.keys(properties).length) await patch(`/jails/${seg(name)}`, { properties });
      if (newName !== name) {
        const problem = nameProblem(newName, []);
        if (problem) return showError(form, { field: 'name', message: problem });
        await patch(`/jails/${seg(name)}`, { name: newName });
      }
      toast(Object.keys(properties).length || newName !== name ? `Jail ${newName} saved.` : 'Nothing was changed.');
      navigate('/jails');
    } catch (err) {
      showError(form, err.field === 'template' ? { ...err, field: 'release', message: err.message } : err);
    } finally {
      save.disabled = running;
    }
  }
}
