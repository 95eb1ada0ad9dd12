// The networking fields of the wizard's step 2 and the advanced form's Basic
// Properties, with TrueNAS's rules: DHCP and NAT each force VNET on and
// exclude each other; static IPv4 only without both; the IPv4 default
// router only with VNET and without DHCP/NAT; autoconfigured IPv6 forces
// VNET and replaces the IPv6 rows; with VNET the interfaces are vnet0-3.
import { h, icon } from '../dom.js';
import { get } from '../api.js';
import { field, text, select, checkbox, box } from '../ui/fields.js';

const VNETS = ['vnet0', 'vnet1', 'vnet2', 'vnet3'];
const range = (a, b) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

function netmask(bits) {
  const m = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return [24, 16, 8, 0].map((s) => (m >>> s) & 255).join('.');
}

const V4_MASKS = range(1, 32).reverse().map((b) => [String(b), `/${b} (${netmask(b)})`]);
const V6_PREFIXES = range(1, 128).reverse().map((b) => [String(b), `/${b}`]);

/** "iface|addr/prefix,..." → [{iface, addr, prefix}] */
export function parseAddresses(list) {
  if (!list || list === 'none') return [];
  return list.split(',').map((item) => {
    const [iface, rest] = item.includes('|') ? item.split('|') : ['', item];
    const [addr, prefix] = rest.split('/');
    return { iface, addr, prefix: prefix || '' };
  });
}

let hostInterfaces = null;
export async function loadInterfaces() {
  if (!hostInterfaces) {
    try {
      // what a jail can be given or bridged to: not loopback, bridges, veths or ifbs
      hostInterfaces = (await get('/host/interfaces')).filter((i) => !['loopback', 'veth', 'bridge', 'ifb'].includes(i.kind)).map((i) => i.name);
    } catch {
      hostInterfaces = [];
    }
  }
  return hostInterfaces;
}

/**
 * The fields; initial: a jail's properties (edit) or {} (new).  multi: rows
 * can be added (the advanced form); the wizard has one of each.
 */
export async function networkFields(initial = {}, { multi = false, onChange = () => {} } = {}) {
  const nics = await loadInterfaces();
  const on = (k) => initial[k] === '1';
  const ip6auto = (initial.ip6_addr || '').includes('accept_rtadv');
  const dhcp = checkbox('dhcp', 'DHCP Autoconfigure IPv4', on('dhcp'), 'Get the IPv4 address by DHCP (needs VNET).');
  const nat = checkbox('nat', 'NAT', on('nat'), 'A private address, masqueraded out of the host (needs VNET).');
  const vnet = checkbox('vnet', 'VNET', on('vnet'), 'A network stack of its own on a veth pair into a bridge.');
  const vdi = select('vnet_default_interface', [['none', 'none'], ['auto', 'auto (the default route\'s)'], ...nics.map((n) => [n, n])], initial.vnet_default_interface || 'auto');
  const auto6 = checkbox('auto_configure_ip6', 'Autoconfigure IPv6', ip6auto, 'SLAAC: ip6_addr=vnet0|accept_rtadv (needs VNET).');
  const router4 = text('defaultrouter', initial.defaultrouter && initial.defaultrouter !== 'auto' ? initial.defaultrouter : '', { placeholder: 'auto' });
  const router6 = text('defaultrouter6', initial.defaultrouter6 && initial.defaultrouter6 !== 'auto' ? initial.defaultrouter6 : '', { placeholder: 'auto' });
  const rows4 = h('div.rows', { dataset: { field: 'ip4_addr' } });
  const rows6 = h('div.rows', { dataset: { field: 'ip6_addr' } });

  const ifaceOptions = () => [['', '(default)'], ...(box(vnet).checked ? VNETS : nics).map((n) => [n, n])];

  function addRow(rows, family, value = {}) {
    const iface = select(`${family}_interface`, ifaceOptions(), value.iface || '');
    const addr = text(`${family}_address`, value.addr || '', { placeholder: family === 'ip4' ? '192.168.1.20' : '2001:db8::20', inputMode: 'decimal' });
    const prefix = select(`${family}_${family === 'ip4' ? 'netmask' : 'prefix'}`, family === 'ip4' ? V4_MASKS : V6_PREFIXES, value.prefix || (family === 'ip4' ? '24' : '64'));
    const label = family === 'ip4' ? ['IPv4 Interface', 'IPv4 Address', 'IPv4 Netmask'] : ['IPv6 Interface', 'IPv6 Address', 'IPv6 Prefix'];
    const row = h('div.address-row', {}, field(label[0], iface), field(label[1], addr), field(label[2], prefix),
      multi ? h('button.button.ghost.remove', { type: 'button', 'aria-label': 'Remove address', onclick: () => { row.remove(); update(); } }, icon('delete')) : null);
    rows.append(row);
    return row;
  }

  const initial4 = parseAddresses(initial.ip4_addr);
  const initial6 = ip6auto ? [] : parseAddresses(initial.ip6_addr);
  (initial4.length ? initial4 : [{}]).forEach((v) => addRow(rows4, 'ip4', v));
  (initial6.length ? initial6 : [{}]).forEach((v) => addRow(rows6, 'ip6', v));

  const addButton = (rows, family) => (multi ? h('button.button.ghost', { type: 'button', onclick: () => { addRow(rows, family); update(); } }, [icon('add'), 'Add']) : null);

  function refreshInterfaces(rows) {
    rows.querySelectorAll('select[name$="_interface"]').forEach((s) => {
      const v = s.value;
      s.replaceChildren(...ifaceOptions().map(([val, label]) => h('option', { value: val, selected: val === v }, label)));
    });
  }

  function update() {
    const d = box(dhcp), n = box(nat), v = box(vnet), a6 = box(auto6);
    if (d.checked) n.checked = false;
    if (n.checked) d.checked = false;
    n.disabled = d.checked;
    d.disabled = n.checked;
    const forced = d.checked || n.checked || a6.checked;
    if (forced) v.checked = true;
    v.disabled = forced;
    vdi.disabled = !v.checked;
    const static4 = !d.checked && !n.checked;
    rows4.querySelectorAll('input, select, button').forEach((e) => (e.disabled = !static4));
    router4.disabled = !static4 || !v.checked;
    rows6.querySelectorAll('input, select, button').forEach((e) => (e.disabled = a6.checked));
    refreshInterfaces(rows4);
    refreshInterfaces(rows6);
    onChange({ dhcp: d.checked, nat: n.checked, vnet: v.checked });
  }

  const el = h('div.network', {},
    h('div.checks', {}, dhcp, nat, vnet),
    field('VNET default interface', vdi, 'Host interface added to the jail\'s bridge: auto is the default route\'s.'),
    h('fieldset.addresses', {}, h('legend', {}, 'IPv4'), rows4, addButton(rows4, 'ip4'),
      field('IPv4 Default Router', router4, 'auto: the host\'s gateway; none: no default route.')),
    h('fieldset.addresses', {}, h('legend', {}, 'IPv6'), auto6, rows6, addButton(rows6, 'ip6'),
      field('IPv6 Default Router', router6, 'auto, none, or an address.')));
  el.addEventListener('change', update);
  update();

  function rowsValue(rows, family) {
    const items = [];
    rows.querySelectorAll('.address-row').forEach((r) => {
      const iface = r.querySelector(`[name="${family}_interface"]`).value;
      const addr = r.querySelector(`[name="${family}_address"]`).value.trim();
      const prefix = r.querySelector(`[name="${family}_netmask"], [name="${family}_prefix"]`).value;
      if (addr) items.push(`${iface ? iface + '|' : ''}${addr}/${prefix}`);
    });
    return items.join(',') || 'none';
  }

  /** The properties these fields set (all of them; the caller drops unchanged ones). */
  function values() {
    const d = box(dhcp).checked, n = box(nat).checked, v = box(vnet).checked;
    return {
      dhcp: d ? '1' : '0',
      nat: n ? '1' : '0',
      vnet: v ? '1' : '0',
      vnet_default_interface: vdi.value,
      ip4_addr: d || n ? 'none' : rowsValue(rows4, 'ip4'),
      defaultrouter: router4.disabled ? 'auto' : router4.value.trim() || 'auto',
      ip6_addr: box(auto6).checked ? 'vnet0|accept_rtadv' : rowsValue(rows6, 'ip6'),
      defaultrouter6: router6.value.trim() || 'auto',
    };
  }

  /** The wizard's summary lines. */
  function summary() {
    const p = values();
    const yes = (x) => (x === '1' ? 'Yes' : 'No');
    return [
      ['DHCP Autoconfigure IPv4', yes(p.dhcp)],
      ['NAT Autoconfigure IPv4', yes(p.nat)],
      ['VNET Virtual Networking', yes(p.vnet)],
      ['IPv4 Address', p.ip4_addr],
      ['Default Router For IPv4', p.defaultrouter],
      ['IPv6 Address', p.ip6_addr === 'vnet0|accept_rtadv' ? 'Auto configure IPv6' : p.ip6_addr],
      ['Default Router For IPv6', p.defaultrouter6],
    ];
  }

  return { el, values, summary, update };
}
