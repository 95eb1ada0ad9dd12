// The ADD wizard (TrueNAS 2.3): 1 name, type and release; 2 networking;
// 3 the summary, then SUBMIT creates the jail (a job when the release must
// be fetched first).  ADVANCED JAIL CREATION leads to the full form.
import { h, mount } from '../dom.js';
import { get, post } from '../api.js';
import { navigate } from '../router.js';
import { jobDialog, alertError } from '../ui/dialog.js';
import { field, text, select } from '../ui/fields.js';
import { clearErrors, showError } from '../ui/field-errors.js';
import { toast } from '../ui/toast.js';
import { networkFields } from './network.js';
import { releaseChoices, fromChoice, nameProblem } from './release-choices.js';

const STEPS = ['Name Jail and Choose Release', 'Configure Networking', 'Confirm Options'];
const NETWORK_DEFAULTS = { dhcp: '0', nat: '0', vnet: '0', vnet_default_interface: 'auto', ip4_addr: 'none', defaultrouter: 'auto', ip6_addr: 'none', defaultrouter6: 'auto' };

export async function renderWizard(app) {
  document.title = 'Add Jail · jailor';
  let choices, existing;
  try {
    const [c, jails, templates] = await Promise.all([releaseChoices(), get('/jails'), get('/jails?templates=1')]);
    choices = c;
    existing = [...jails, ...templates].map((j) => j.name);
  } catch (err) {
    return alertError('Cannot add a jail', err);
  }
  const name = text('name', '', { required: true, autofocus: true, placeholder: 'web' });
  const type = select('type', [['clone', 'Default (Clone Jail)'], ['basejail', 'Basejail']], 'clone');
  const release = select('release', choices.length ? choices : [['', 'No release: fetch one under Releases', true]], choices[0] && choices[0][0]);
  const net = await networkFields({}, {});
  const summary = h('dl.summary');
  const steps = [
    h('div.step', {}, field('Jail Name', name, 'Letters, digits, ".", "_" and "-".'), field('Jail Type', type, 'A clone shares the release\'s files until changed; a basejail mounts the release\'s system directories read-only.'), field('Release', release)),
    h('div.step', {}, net.el, h('p.help', {}, 'Leaving every field blank makes a jail without networking; Edit adds it later.')),
    h('div.step', {}, summary),
  ];
  let at = 0;
  const back = h('button.button', { type: 'button', onclick: () => show(at - 1) }, 'Back');
  const next = h('button.button.primary', { type: 'button', onclick: () => advance() }, 'Next');
  const submit = h('button.button.primary', { type: 'submit' }, 'Submit');
  const advanced = h('button.button.ghost', { type: 'button', onclick: () => navigate('/jails/add/advanced') }, 'Advanced Jail Creation');
  const stepper = h('ol.stepper', {}, STEPS.map((s, i) => h('li', { dataset: { step: i + 1 } }, s)));
  const form = h('form.card.wizard', { noValidate: true, onsubmit: (e) => { e.preventDefault(); create(); } },
    h('div.form-error'), stepper, ...steps,
    h('div.actions', {}, advanced, h('span.spacer'), h('button.button', { type: 'button', onclick: () => navigate('/jails') }, 'Cancel'), back, next, submit));
  mount(app, h('section.screen', {}, h('div.toolbar', {}, h('h1', {}, 'Add Jail')), form));

  function show(i) {
    at = i;
    steps.forEach((s, k) => (s.hidden = k !== i));
    [...stepper.children].forEach((li, k) => li.classList.toggle('current', k === i));
    back.hidden = i === 0;
    next.hidden = i === steps.length - 1;
    submit.hidden = i !== steps.length - 1;
    advanced.hidden = i !== 0;
    if (i === 2) fillSummary();
  }

  function advance() {
    clearErrors(form);
    if (at === 0) {
      const problem = nameProblem(name.value.trim(), existing);
      if (problem) return showError(form, { field: 'name', message: problem });
      if (!release.value) return showError(form, { field: 'release', message: 'Release is required.' });
    }
    show(at + 1);
  }

  function fillSummary() {
    const rel = release.selectedOptions[0] ? release.selectedOptions[0].textContent : '';
    const lines = [['Jail Name', name.value.trim()], ['Jail Type', type.selectedOptions[0].textContent], ['Release', rel], ...net.summary()];
    mount(summary, lines.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
  }

  async function create() {
    clearErrors(form);
    const properties = {};
    for (const [k, v] of Object.entries(net.values())) if (NETWORK_DEFAULTS[k] !== v) properties[k] = v;
    const body = { name: name.value.trim(), type: type.value, ...fromChoice(release.value), properties };
    try {
      submit.disabled = true;
      const r = await post('/jails', body);
      if (r.status === 202) await jobDialog('Creating Jail…', Promise.resolve(r.json));
      toast(`Jail ${body.name} created.`);
      navigate('/jails');
    } catch (err) {
      const onFirst = ['name', 'release', 'template', 'type'].includes(err.field);
      show(onFirst ? 0 : err.field ? 1 : at);
      showError(form, err.field === 'template' ? { ...err, field: 'release', message: err.message } : err);
    } finally {
      submit.disabled = false;
    }
  }
  show(0);
}
