// One property of the table (GET /properties) as a form field: booleans as
// checkboxes, choices as selects, integers as numbers, the rest as text;
// its one-line doc as the help.
import { h } from '../dom.js';
import { field, text, select, checkbox, box } from '../ui/fields.js';

export function propField(p, value) {
  const v = value ?? p.default ?? '';
  if (p.type === 'bool') {
    const f = checkbox(p.name, p.name, v === '1', p.doc);
    return { el: f, get: () => (box(f).checked ? '1' : '0'), inputs: [box(f)] };
  }
  let input;
  if (p.type === 'choice') input = select(p.name, p.choices, v);
  else if (p.type === 'integer') input = h('input', { type: 'number', name: p.name, value: v, min: p.min, max: p.max, dataset: { field: p.name } });
  else input = text(p.name, v === null ? '' : v, { placeholder: p.per_jail ? '(per jail)' : p.default || '' });
  return { el: field(p.name, input, p.doc), get: () => input.value.trim(), inputs: [input] };
}
