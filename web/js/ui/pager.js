// Paging of a long table (the Jails list): rows per page and the page shown.
import { h } from '../dom.js';

const SIZES = [10, 25, 50, 100];

export function pager(onChange) {
  const state = { page: 0, size: 25 };
  const el = h('div.pager');
  /** The slice of items to show; redraws the controls. */
  state.slice = (items) => {
    const pages = Math.max(1, Math.ceil(items.length / state.size));
    state.page = Math.min(state.page, pages - 1);
    const first = state.page * state.size;
    const go = (p) => () => { state.page = p; onChange(); };
    el.replaceChildren(
      h('label', {}, 'Rows per page ', h('select', { name: 'page-size', onchange: (e) => { state.size = Number(e.target.value); state.page = 0; onChange(); } },
        SIZES.map((s) => h('option', { value: s, selected: s === state.size }, s)))),
      h('span', {}, items.length ? `${first + 1}–${Math.min(first + state.size, items.length)} of ${items.length}` : '0 of 0'),
      h('button.button.ghost', { type: 'button', 'aria-label': 'Previous page', disabled: state.page === 0, onclick: go(state.page - 1) }, '‹'),
      h('button.button.ghost', { type: 'button', 'aria-label': 'Next page', disabled: state.page >= pages - 1, onclick: go(state.page + 1) }, '›'));
    return items.slice(first, first + state.size);
  };
  state.el = el;
  return state;
}
