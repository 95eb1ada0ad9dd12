// The Jails list's columns (TrueNAS 2.2): which are shown by default, how
// each value reads, the Columns menu that picks them (kept in this browser).
import { h } from '../dom.js';

/** The IP parts of "iface|addr/prefix,..." lists. */
function addresses(list) {
  if (!list || list === 'none' || list === '-') return [];
  return list.split(',').map((a) => a.split('|').pop().split('/')[0]);
}

function ipv4(j) {
  if (j.dhcp) return j.state === 'up' ? `DHCP: ${j.ip4 && j.ip4 !== '-' ? j.ip4 : 'waiting'}` : 'DHCP (not running)';
  const a = addresses(j.ip4_addr);
  return a.length ? a.join(', ') : '-';
}

function ipv6(j) {
  if ((j.ip6_addr || '').includes('accept_rtadv')) return 'Auto';
  const a = addresses(j.ip6_addr);
  return a.length ? a.join(', ') : '-';
}

export const COLUMNS = [
  { key: 'jid', label: 'JID', value: (j) => (j.jid === null || j.jid === undefined ? '-' : j.jid) },
  { key: 'name', label: 'Name', always: true },
  { key: 'boot', label: 'Boot', hidden: true, value: (j) => (j.boot ? 'on' : 'off') },
  { key: 'state', label: 'State' },
  { key: 'release', label: 'Release' },
  { key: 'ip4', label: 'IPv4', hidden: true, value: ipv4 },
  { key: 'ip6', label: 'IPv6', hidden: true, value: ipv6 },
  { key: 'type', label: 'Type', hidden: true },
  { key: 'template', label: 'Template', hidden: true, value: (j) => j.template || '-' },
  { key: 'basejail', label: 'Basejail', hidden: true, value: (j) => (j.basejail ? 'yes' : 'no') },
];

export const cell = (col, j) => String(col.value ? col.value(j) : j[col.key] ?? '-');

const STORE = 'jailor.columns';
const defaults = () => COLUMNS.filter((c) => !c.hidden).map((c) => c.key);

export function shownColumns() {
  try {
    const saved = JSON.parse(localStorage.getItem(STORE));
    if (Array.isArray(saved)) return COLUMNS.filter((c) => c.always || saved.includes(c.key));
  } catch {
    /* a damaged setting falls back to the defaults */
  }
  return COLUMNS.filter((c) => c.always || defaults().includes(c.key));
}

function save(keys) {
  localStorage.setItem(STORE, JSON.stringify(keys));
}

/** The Columns menu: Select All, each column, Reset to Defaults. */
export function columnsMenu(onChange) {
  const shown = new Set(shownColumns().map((c) => c.key));
  const menu = h('div.menu', { role: 'menu', hidden: true });
  const apply = () => {
    save([...shown]);
    onChange();
  };
  const render = () => {
    menu.replaceChildren(
      h('button.menu-item', { type: 'button', onclick: () => { COLUMNS.forEach((c) => shown.add(c.key)); render(); apply(); } }, 'Select All'),
      ...COLUMNS.filter((c) => !c.always).map((c) =>
        h('label.menu-item', {},
          h('input', { type: 'checkbox', name: `column-${c.key}`, checked: shown.has(c.key), onchange: (e) => { e.target.checked ? shown.add(c.key) : shown.delete(c.key); apply(); } }),
          c.label)),
      h('button.menu-item', { type: 'button', onclick: () => { shown.clear(); defaults().forEach((k) => shown.add(k)); render(); apply(); } }, 'Reset to Defaults'),
    );
  };
  render();
  return menu;
}
