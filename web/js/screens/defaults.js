// The defaults of new jails (defaults.json; TrueNAS keeps them behind
// jail.update_defaults, with no screen): every settable property, in the
// advanced form's groups (those defaults.json holds), including those set
// only here (nat_prefix, nat_interface).  Only changed values are sent; refusals land under their field.
import { h, mount } from '../dom.js';
import { get, patch } from '../api.js';
import { alertError } from '../ui/dialog.js';
import { clearErrors, showError } from '../ui/field-errors.js';
import { toast } from '../ui/toast.js';
import { propField } from './prop-field.js';

const GROUPS = [['Basic', 'Basic Properties'], ['Jail', 'Jail Properties'], ['Network', 'Network Properties'], ['Custom', 'Custom Properties']];

export async function renderDefaults(app) {
  document.title = 'Defaults · jailor';
  let schema, values;
  try {
    [schema, values] = await Promise.all([get('/properties'), get('/defaults')]);
  } catch (err) {
    return alertError('Cannot read the defaults', err);
  }
  const fields = {};
  const sections = GROUPS.map(([group, title], i) => h('details.section', { open: i === 0 }, h('summary', {}, title),
    h('div.section-body', {}, schema.filter((p) => p.group === group && !p.readonly && p.name in values).map((p) => {
      const f = propField(p, String(values[p.name]));
      fields[p.name] = f.get;
      return f.el;
    }))));
  const save = h('button.button.primary', { type: 'submit' }, 'Save');
  const form = h('form.card.jail-form.defaults', { noValidate: true, onsubmit: async (e) => {
    e.preventDefault();
    clearErrors(form);
    const properties = {};
    for (const [k, getter] of Object.entries(fields)) {
      const v = getter();
      if (v !== String(values[k] ?? '')) properties[k] = v;
    }
    if (!Object.keys(properties).length) return toast('Nothing was changed.');
    try {
      save.disabled = true;
      await patch('/defaults', { properties });
      Object.assign(values, properties);
      toast('Defaults saved: new jails get them.');
    } catch (err) {
      showError(form, err);
    } finally {
      save.disabled = false;
    }
  } },
  h('p.help', {}, 'What new jails get unless they say otherwise. Jails made already keep their own values.'),
  h('div.form-error'), sections,
  h('div.actions', {}, h('span.spacer'), save));
  mount(app, h('section.screen', {}, h('div.toolbar', {}, h('h1', {}, 'Defaults')), form));
}
