// What the Jails list's buttons do, alone or for a selection (TrueNAS 2.2):
// start, stop (confirmed), restart, update, delete (confirmed, with force).
import { h } from '../dom.js';
import { post, del, seg } from '../api.js';
import { dialog, confirm, jobDialog, alertError } from '../ui/dialog.js';
import { toast } from '../ui/toast.js';

const job = (name, action) => post(`/jails/${seg(name)}/${action}`).then((r) => r.json);

export async function startJail(name) {
  await jobDialog('Starting Jail', job(name, 'start'));
}

export async function stopJail(name) {
  if (!(await confirm('Stop', 'Stop the selected jail?', 'Stop'))) return false;
  await jobDialog('Stopping Jail', job(name, 'stop'));
  return true;
}

export async function restartJail(name) {
  await jobDialog('Restarting Jail', job(name, 'restart'));
}

/*
 * TrueNAS's UPDATE brings a jail to the latest patch of its release
 * (freebsd-update).  A Linux jail is brought up to date by its own package
 * manager, run inside the running jail.
 */
const UPDATE_COMMAND = [
  'if command -v apt-get >/dev/null; then',
  '  export DEBIAN_FRONTEND=noninteractive;',
  '  apt-get -q update && apt-get -qy -o Dpkg::Options::=--force-confold upgrade;',
  'elif command -v dnf >/dev/null; then dnf -y upgrade;',
  'elif command -v apk >/dev/null; then apk update && apk upgrade;',
  'else echo "No package manager (apt-get, dnf, apk) in this jail: no updates available" >&2; exit 100;',
  'fi',
].join(' ');

export async function updateJail(name) {
  const wait = h('dialog.dialog.job', {}, h('h2.dialog-title', {}, 'Updating Jail'), h('div.dialog-body', {}, h('progress.job-bar'), h('p', {}, `Updating ${name}…`)));
  document.body.append(wait);
  wait.showModal();
  let r;
  try {
    r = (await post(`/jails/${seg(name)}/exec`, { command: UPDATE_COMMAND })).json;
  } finally {
    wait.close();
    wait.remove();
  }
  if (r.status === 0) {
    toast(`Jail ${name} updated.`);
    return;
  }
  const why = r.status === 100 ? `No updates available for ${name}` : `Updating ${name} failed (exit status ${r.status})`;
  await dialog({ title: 'Jail Update Failed', body: [h('p', {}, why), h('pre.output', {}, (r.stderr || r.stdout).slice(-4000))] });
}

/** The delete dialog: the name in bold, Force deletion, a Confirm box that enables DELETE. */
export async function deleteJails(names) {
  const force = h('input', { type: 'checkbox', id: 'delete-force', name: 'force' });
  const sure = h('input', { type: 'checkbox', id: 'delete-confirm', name: 'confirm' });
  let button;
  sure.addEventListener('change', () => (button.disabled = !sure.checked));
  const what = names.length === 1 ? h('strong', {}, names[0]) : h('strong', {}, `${names.length} jails: ${names.join(', ')}`);
  const v = await dialog({
    title: names.length === 1 ? 'Delete' : 'Delete jails',
    body: [
      h('p', {}, 'Delete ', what, '?'),
      h('p.help', {}, 'The jail, its files and all its snapshots are destroyed; this cannot be undone.'),
      h('div.field.check', {}, force, h('label', { htmlFor: 'delete-force', title: 'Stop a running jail first' }, 'Force deletion (stop it first if it runs)')),
      h('div.field.check', {}, sure, h('label', { htmlFor: 'delete-confirm' }, 'Confirm')),
    ],
    buttons: [{ label: 'Cancel', value: false }, { label: 'Delete', value: true, danger: true, disabled: true, ref: (b) => (button = b) }],
  });
  if (!v) return false;
  const failures = [];
  for (const name of names) {
    try {
      await del(`/jails/${seg(name)}${force.checked ? '?force=1' : ''}`);
    } catch (err) {
      failures.push(`${name}: ${err.message}`);
    }
  }
  if (failures.length) await alertError('Delete failed', new Error(failures.join('\n')));
  return true;
}

/** Runs action on each name; lists the failures, as TrueNAS's bulk actions do. */
export async function bulk(title, names, action) {
  const failures = [];
  for (const name of names) {
    try {
      await action(name);
    } catch (err) {
      failures.push(h('li', {}, `${name}: ${err.message}`));
    }
  }
  if (failures.length) await dialog({ title, body: [h('ul.failures', {}, failures)] });
}

export const startJob = (name) => jobDialog(`Starting ${name}`, job(name, 'start'));
export const stopJob = (name) => jobDialog(`Stopping ${name}`, job(name, 'stop'));
