// A root shell in a running jail (TrueNAS 2.7): xterm.js over the WebSocket
// of /api/v1/jails/NAME/shell (ws_shell.h).  `exit` returns to the Jails list.
import { h, mount } from '../dom.js';
import { getCsrf } from '../api.js';
import { navigate } from '../router.js';

let current = null;

function loadCss() {
  if (document.querySelector('link[href="vendor/xterm.css"]')) return;
  document.head.append(h('link', { rel: 'stylesheet', href: 'vendor/xterm.css' }));
}

export async function renderShell(app, { name }) {
  document.title = `Shell of ${name} · jailor`;
  if (current) current();
  loadCss();
  const status = h('span.shell-status', {}, 'Connecting…');
  const screen = h('div.terminal', { id: 'terminal' });
  mount(app, h('section.screen.shell', {},
    h('div.toolbar', {}, h('nav.crumbs', {}, h('a', { href: '#/jails' }, 'Jails'), ' › ', h('span', {}, name), ' › Shell'), h('span.spacer'), status,
      h('button.button', { type: 'button', onclick: () => navigate('/jails') }, 'Back to Jails')),
    screen));

  // xterm.js only loads for this screen
  const [{ Terminal }, { FitAddon }] = await Promise.all([import('../../vendor/xterm.mjs'), import('../../vendor/addon-fit.mjs')]);
  const term = new Terminal({ cursorBlink: true, fontFamily: '"DejaVu Sans Mono", monospace', fontSize: 14, theme: { background: '#101820' } });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.open(screen);
  fit.fit();
  term.focus();

  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const protocols = ['jailor-shell', ...(getCsrf() ? [`jailor-csrf-${getCsrf()}`] : [])];
  const ws = new WebSocket(`${scheme}//${location.host}/api/v1/jails/${encodeURIComponent(name)}/shell`, protocols);
  ws.binaryType = 'arraybuffer';
  const encoder = new TextEncoder();
  const sendSize = () => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify({ resize: { cols: term.cols, rows: term.rows } }));
  let exited = false;

  ws.onopen = () => {
    status.textContent = 'Connected';
    sendSize();
  };
  ws.onmessage = (e) => {
    if (typeof e.data !== 'string') return term.write(new Uint8Array(e.data));
    const m = JSON.parse(e.data);
    if ('exit' in m) {
      exited = true;
      status.textContent = `Exited (${m.exit})`;
      setTimeout(() => location.hash === `#/jails/${encodeURIComponent(name)}/shell` && navigate('/jails'), 600);
    } else if (m.error) {
      status.textContent = m.error;
      term.write(`\r\n\x1b[31m${m.error}\x1b[0m\r\n`);
    }
  };
  ws.onclose = () => {
    if (!exited && status.textContent === 'Connected') status.textContent = 'Disconnected';
  };
  term.onData((d) => ws.readyState === WebSocket.OPEN && ws.send(encoder.encode(d)));
  term.onResize(sendSize);
  const onWindow = () => fit.fit();
  window.addEventListener('resize', onWindow);

  const stop = () => {
    window.removeEventListener('resize', onWindow);
    window.removeEventListener('hashchange', leave);
    ws.close();
    term.dispose();
    current = null;
  };
  const leave = () => {
    if (!location.hash.endsWith('/shell')) stop();
  };
  window.addEventListener('hashchange', leave);
  current = stop;
}
