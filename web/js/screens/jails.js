// The Jails list (TrueNAS 2.2): toolbar (Columns, pool chooser, ADD),
// sortable columns, selection with bulk actions, expandable rows.
import { h, icon, mount } from '../dom.js';
import { get } from '../api.js';
import { navigate } from '../router.js';
import { confirm, alertError } from '../ui/dialog.js';
import { toast } from '../ui/toast.js';
import { shownColumns, columnsMenu, cell } from './jail-columns.js';
import { jailDetail } from './jail-detail.js';
import { bulk, deleteJails, startJob, stopJob, updateJail } from './jail-actions.js';
import { choosePool, activePool } from './pool-dialog.js';
import { pager } from '../ui/pager.js';

const REFRESH_MS = 10000;
const state = { sort: 'name', desc: false, selected: new Set(), expanded: new Set(), restarting: new Set() };

/* one listener for the whole page: a click elsewhere closes the Columns menu */
document.addEventListener('click', (e) => {
  const menu = document.querySelector('.menu-anchor .menu');
  if (menu && !menu.hidden && !e.target.closest('.menu-anchor')) menu.hidden = true;
});

function compare(a, b, key) {
  const x = a[key] ?? '';
  const y = b[key] ?? '';
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  return String(x).localeCompare(String(y), undefined, { numeric: true });
}

async function loadJails() {
  const [jails, templates] = await Promise.all([get('/jails'), get('/jails?templates=1')]);
  const names = new Set(jails.map((j) => j.name));
  return [...jails, ...templates.filter((t) => !names.has(t.name))];
}

export async function renderJails(app) {
  document.title = 'Jails · jailor';
  const table = h('div.table-wrap');
  const bulkBar = h('div.bulk', { hidden: true });
  const poolNote = h('p.pool-note');
  let menu;
  const addButton = h('button.button.primary', { type: 'button', dataset: { action: 'add' }, onclick: () => navigate('/jails/add') }, [icon('add'), 'Add']);
  const columnsButton = h('button.button.ghost', { type: 'button', 'aria-haspopup': 'menu', onclick: () => (menu.hidden = !menu.hidden) }, [icon('columns'), 'Columns']);
  menu = columnsMenu(() => draw());
  const toolbar = h('div.toolbar', {},
    h('h1', {}, 'Jails'),
    h('span.spacer'),
    h('div.menu-anchor', {}, columnsButton, menu),
    h('button.button.icon-only', { type: 'button', title: 'Choose Pool for Jail Storage', 'aria-label': 'Choose Pool for Jail Storage', dataset: { action: 'pool' }, onclick: async () => { if (await choosePool()) load(); } }, icon('settings')),
    addButton);
  const pages = pager(() => draw());
  mount(app, h('section.screen.jails', {}, toolbar, poolNote, bulkBar, table, pages.el));

  let jails = [];

  const refresh = () => load();

  function drawBulk() {
    const chosen = jails.filter((j) => state.selected.has(j.name));
    bulkBar.hidden = chosen.length === 0;
    if (!chosen.length) return;
    const names = chosen.map((j) => j.name);
    const anyDown = chosen.some((j) => j.state !== 'up' && j.type !== 'template');
    const anyUp = chosen.some((j) => j.state === 'up');
    const act = (label, name, enabled, fn) => h('button.button', { type: 'button', disabled: !enabled, dataset: { bulk: name }, onclick: async () => { await fn(); state.selected.clear(); load(); } }, label);
    mount(bulkBar,
      h('span', {}, `${chosen.length} selected`),
      act([icon('play'), 'Start'], 'start', anyDown, () => bulk('Start failed', chosen.filter((j) => j.state !== 'up').map((j) => j.name), startJob)),
      act([icon('stop'), 'Stop'], 'stop', anyUp, async () => {
        if (await confirm('Stop', 'Stop the selected jails?', 'Stop')) await bulk('Stop failed', chosen.filter((j) => j.state === 'up').map((j) => j.name), stopJob);
      }),
      act([icon('update'), 'Update'], 'update', anyUp, async () => {
        toast('Updating selected jails…');
        await bulk('Jail Update Failed', chosen.filter((j) => j.state === 'up').map((j) => j.name), updateJail);
        toast('Selected jails updated.');
      }),
      act([icon('delete'), 'Delete'], 'delete', true, () => deleteJails(names)));
  }

  function header(cols) {
    const all = h('input', { type: 'checkbox', 'aria-label': 'Select all', checked: jails.length > 0 && jails.every((j) => state.selected.has(j.name)), onchange: (e) => { jails.forEach((j) => (e.target.checked ? state.selected.add(j.name) : state.selected.delete(j.name))); draw(); } });
    return h('thead', {}, h('tr', {},
      h('th.select', {}, all),
      cols.map((c) => h('th', { 'aria-sort': state.sort === c.key ? (state.desc ? 'descending' : 'ascending') : 'none' },
        h('button.sort', { type: 'button', onclick: () => { state.desc = state.sort === c.key ? !state.desc : false; state.sort = c.key; draw(); } },
          c.label, state.sort === c.key ? (state.desc ? ' ▼' : ' ▲') : ''))),
      h('th.expand', {}, h('span.visually-hidden', {}, 'Details'))));
  }

  function row(j, cols) {
    const open = state.expanded.has(j.name);
    const shown = { ...j, state: state.restarting.has(j.name) ? 'restarting' : j.state };
    const tr = h('tr.jail', { dataset: { name: j.name } },
      h('td.select', {}, h('input', { type: 'checkbox', 'aria-label': `Select ${j.name}`, checked: state.selected.has(j.name), onchange: (e) => { e.target.checked ? state.selected.add(j.name) : state.selected.delete(j.name); drawBulk(); } })),
      cols.map((c) => h(`td.col-${c.key}`, { dataset: { label: c.label } }, c.key === 'state' ? h(`span.state.${shown.state}`, {}, shown.state) : cell(c, shown))),
      h('td.expand', {}, h('button.button.icon-only.chevron', { type: 'button', 'aria-expanded': String(open), 'aria-label': `Details of ${j.name}`, onclick: () => { open ? state.expanded.delete(j.name) : state.expanded.add(j.name); draw(); } }, icon('chevron'))));
    if (!open) return [tr];
    const setRestarting = (name) => {
      state.restarting.add(name);
      draw();
    };
    return [tr, h('tr.detail-row', {}, h('td', { colSpan: cols.length + 2 }, jailDetail(j, async () => { state.restarting.clear(); await refresh(); }, setRestarting)))];
  }

  function draw() {
    const cols = shownColumns();
    const key = state.sort;
    const sortCol = cols.find((c) => c.key === key);
    const sorted = [...jails].sort((a, b) => {
      const r = sortCol && sortCol.value ? cell(sortCol, a).localeCompare(cell(sortCol, b), undefined, { numeric: true }) : compare(a, b, key);
      return state.desc ? -r : r;
    });
    if (!sorted.length) pages.slice(sorted);
    const body = sorted.length
      ? h('tbody', {}, pages.slice(sorted).map((j) => row(j, cols)))
      : h('tbody', {}, h('tr', {}, h('td.empty', { colSpan: cols.length + 2 }, 'No jails yet. ADD makes one.')));
    mount(table, h('table.grid', {}, header(cols), body));
    drawBulk();
  }

  async function load() {
    try {
      const pool = await activePool();
      if (!pool) {
        addButton.disabled = true;
        poolNote.textContent = 'No pool is chosen for jail storage.';
        jails = [];
        draw();
        if (await choosePool()) return load();
        return;
      }
      addButton.disabled = false;
      poolNote.textContent = `Pool: ${pool}`;
      jails = await loadJails();
      for (const name of [...state.selected]) if (!jails.some((j) => j.name === name)) state.selected.delete(name);
      draw();
    } catch (err) {
      if (err.status !== 401) await alertError('Cannot list the jails', err);
    }
  }
  await load();

  // jails change from elsewhere too (the command line, boot): the list follows, redrawn only on change
  const timer = setInterval(async () => {
    if (!table.isConnected) return clearInterval(timer);
    if (document.querySelector('dialog[open]') || addButton.disabled) return;
    try {
      const fresh = await loadJails();
      if (JSON.stringify(fresh) !== JSON.stringify(jails)) {
        jails = fresh;
        draw();
      }
    } catch {
      /* the next round tries again; a lost session shows the login */
    }
  }, REFRESH_MS);
}
