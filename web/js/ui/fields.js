// Labelled form fields; each input carries data-field (the API field or
// property it edits) so server errors land under it (field-errors.js).
import { h } from '../dom.js';

let counter = 0;
const nextId = () => `f${++counter}`;

export function field(label, input, help) {
  const id = input.id || (input.id = nextId());
  return h('div.field', {}, h('label', { htmlFor: id }, label), input, help ? h('p.help', {}, help) : null);
}

export function text(name, value = '', attrs = {}) {
  return h('input', { type: 'text', name, value, dataset: { field: name }, autocomplete: 'off', ...attrs });
}

export function select(name, options, value, attrs = {}) {
  const el = h('select', { name, dataset: { field: name }, ...attrs });
  for (const o of options) {
    const [v, label, disabled] = Array.isArray(o) ? o : [o, o, false];
    el.append(h('option', { value: v, selected: v === value, disabled }, label));
  }
  return el;
}

export function checkbox(name, label, checked = false, help, attrs = {}) {
  const id = nextId();
  const input = h('input', { type: 'checkbox', id, name, checked, dataset: { field: name }, ...attrs });
  return h('div.field.check', {}, input, h('label', { htmlFor: id }, label), help ? h('p.help', {}, help) : null);
}

/** The checkbox input inside a checkbox() field. */
export const box = (fieldEl) => fieldEl.querySelector('input');
