// Server-side validation errors under the field they concern: an ApiError's
// field names a request field or a property, and the form's inputs carry it
// as data-field.
import { h } from '../dom.js';

export function clearErrors(form) {
  form.querySelectorAll('.field-error').forEach((e) => e.remove());
  form.querySelectorAll('.invalid').forEach((e) => e.classList.remove('invalid'));
  form.querySelectorAll('.form-error').forEach((e) => e.replaceChildren());
}

/** Shows err under its field when the form has it; else at the form's top. Returns the element. */
export function showError(form, err) {
  const field = err.field && form.querySelector(`[data-field="${CSS.escape(err.field)}"]`);
  if (field) {
    const wrap = field.closest('.field') || field;
    wrap.classList.add('invalid');
    wrap.append(h('p.field-error', { role: 'alert' }, err.message));
    const section = wrap.closest('details');
    if (section) section.open = true;
    wrap.scrollIntoView({ block: 'center' });
    return wrap;
  }
  const top = form.querySelector('.form-error');
  if (top) top.replaceChildren(h('p.field-error', { role: 'alert' }, err.message));
  return top;
}
