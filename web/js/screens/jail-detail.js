// The expanded row of a jail (TrueNAS 2.2): its addresses and kind, and the
// actions its state allows (START when down; STOP, RESTART, SHELL, UPDATE when up).
import { h, icon } from '../dom.js';
import { navigate } from '../router.js';
import { alertError } from '../ui/dialog.js';
import { cell, COLUMNS } from './jail-columns.js';
import { startJail, stopJail, restartJail, updateJail, deleteJails } from './jail-actions.js';

const col = (key) => COLUMNS.find((c) => c.key === key);

export function jailDetail(j, refresh, setRestarting) {
  const up = j.state === 'up';
  const isTemplate = j.type === 'template';
  const run = (fn) => async () => {
    try {
      await fn();
    } catch (err) {
      await alertError('Error', err);
    }
    refresh();
  };
  const action = (name, label, fn, show = true) =>
    show ? h('button.button.action', { type: 'button', dataset: { action: name }, onclick: run(fn) }, label) : null;
  const info = [
    ['IPv4', cell(col('ip4'), j)],
    ['IPv6', cell(col('ip6'), j)],
    ['Type', j.type],
    ['Release', j.release || '-'],
    ['Template', j.template || '-'],
    ['Basejail', j.basejail ? 'yes' : 'no'],
    ['Boot', j.boot ? 'on' : 'off'],
  ];
  return h('div.detail', {},
    h('dl.facts', {}, info.map(([k, v]) => h('div.fact', {}, h('dt', {}, k), h('dd', {}, v)))),
    h('div.detail-actions', {},
      action('edit', 'Edit', () => navigate(`/jails/${encodeURIComponent(j.name)}/edit`)),
      action('mounts', 'Mount points', () => navigate(`/jails/${encodeURIComponent(j.name)}/mounts`)),
      action('start', [icon('play'), 'Start'], () => startJail(j.name), !up && !isTemplate),
      action('restart', [icon('restart'), 'Restart'], async () => {
        setRestarting(j.name);
        await restartJail(j.name);
      }, up),
      action('stop', [icon('stop'), 'Stop'], () => stopJail(j.name), up),
      action('update', [icon('update'), 'Update'], () => updateJail(j.name), up),
      action('shell', 'Shell', () => navigate(`/jails/${encodeURIComponent(j.name)}/shell`), up),
      action('delete', [icon('delete'), 'Delete'], () => deleteJails([j.name])),
    ));
}
