// The pool chooser (TrueNAS "Choose Pool for Plugin and Jail Storage"):
// shown when no pool is active, and from the settings icon at any time.
import { h } from '../dom.js';
import { get, post } from '../api.js';
import { dialog } from '../ui/dialog.js';
import { field, select, text } from '../ui/fields.js';
import { toast } from '../ui/toast.js';
import { formatBytes } from '../jobs.js';

function label(p) {
  const kind = p.embedded ? 'built-in directory' : p.backend === 'zfs' ? 'ZFS pool' : p.backend === 'btrfs' ? 'btrfs' : 'directory';
  return `${p.pool} (${kind}${p.free ? `, ${formatBytes(p.free)} free` : ''})`;
}

/** Resolves true when a pool was chosen. */
export async function choosePool() {
  const pools = await get('/pools');
  const active = pools.find((p) => p.active);
  // with nothing active the built-in directory is offered first: it is always local and safe
  const embedded = pools.find((p) => p.embedded);
  const preset = active || embedded || pools[0];
  const choice = select('pool', pools.map((p) => [p.pool, label(p)]), preset && preset.pool);
  const dir = text('directory', '', { placeholder: '/mnt/tank/jails' });
  const error = h('p.field-error');
  const title = pools.length ? 'Choose Pool for Jail Storage' : 'No Pools';
  const body = pools.length
    ? [
        h('p', {}, active ? `Jails are stored in ${active.pool}.` : 'No pool is chosen yet: jails cannot be added until one is.'),
        field('Choose a pool for jail storage.', choice),
        field('Or a directory (a pool of its own; not on a network file system)', dir),
        h('p.help', {}, 'Disconnecting or deleting the pool later can lose the jails stored on it.'),
        error,
      ]
    : [h('p', {}, 'Cannot create jails until a pool is present for storing them.')];
  for (;;) {
    const v = await dialog({
      title,
      body,
      className: 'pool-dialog',
      buttons: [{ label: 'Cancel', value: null }, { label: 'Choose', value: 'choose', primary: true }],
    });
    if (v !== 'choose') return false;
    const pool = dir.value.trim() || choice.value;
    try {
      const { json } = await post('/pools/activate', { pool });
      toast(`Pool Chosen: using pool ${json.pool || pool}`);
      return true;
    } catch (err) {
      error.textContent = err.message;
    }
  }
}

/** The active pool, or null. */
export async function activePool() {
  const pools = await get('/pools');
  const a = pools.find((p) => p.active);
  return a ? a.pool : null;
}

/**
 * True once a pool is active, asking for one first when none is: with no
 * pool active the server would pick one itself, as the command line does,
 * while TrueNAS asks.
 */
export async function ensurePool() {
  return (await activePool()) !== null || choosePool();
}
