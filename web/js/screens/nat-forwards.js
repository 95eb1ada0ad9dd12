// NAT Port Forwarding (TrueNAS 2.4 C): rows of protocol, jail port and host
// port, kept as nat_forwards "tcp(80:8080),udp(53)" or "none".
import { h, icon } from '../dom.js';
import { field, text, select } from '../ui/fields.js';

const ITEM = /^(tcp|udp|tcp\/udp)\(([\d-]+)(?::([\d-]+))?\)$/;

export function natForwards(value) {
  const rows = h('div.rows', { dataset: { field: 'nat_forwards' } });
  const add = (proto = 'tcp', jail = '', hostPort = '') => {
    const row = h('div.address-row',
      {},
      field('Protocol', select('nat_protocol', ['tcp', 'udp', 'tcp/udp'], proto)),
      field('Jail Port Number', text('nat_jail_port', jail, { inputMode: 'numeric', placeholder: '80' })),
      field('Host Port Number', text('nat_host_port', hostPort, { inputMode: 'numeric', placeholder: '(same)' })),
      h('button.button.ghost.remove', { type: 'button', 'aria-label': 'Remove forward', onclick: () => row.remove() }, icon('delete')));
    rows.append(row);
  };
  for (const item of value && value !== 'none' ? value.split(',') : []) {
    const m = item.trim().match(ITEM);
    if (m) add(m[1], m[2], m[3] || '');
  }
  const el = h('fieldset.addresses.nat-forwards', {}, h('legend', {}, 'NAT Port Forwarding'), rows,
    h('button.button.ghost', { type: 'button', onclick: () => add() }, [icon('add'), 'Add']));
  const get = () => {
    const items = [];
    rows.querySelectorAll('.address-row').forEach((r) => {
      const proto = r.querySelector('[name="nat_protocol"]').value;
      const jail = r.querySelector('[name="nat_jail_port"]').value.trim();
      const hostPort = r.querySelector('[name="nat_host_port"]').value.trim();
      if (jail) items.push(`${proto}(${jail}${hostPort ? ':' + hostPort : ''})`);
    });
    return items.join(',') || 'none';
  };
  return { el, get };
}
