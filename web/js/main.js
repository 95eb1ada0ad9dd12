// The web UI's entry: who is logged in, the header, the routes.
import { get, del, setCsrf, onUnauthorized } from './api.js';
import { route, start, dispatch, navigate } from './router.js';
import { renderLogin } from './screens/login.js';
import { renderJails } from './screens/jails.js';
import { renderWizard } from './screens/wizard.js';
import { renderJailForm } from './screens/jail-form.js';
import { renderMounts } from './screens/mounts.js';
import { renderMountForm } from './screens/mount-form.js';
import { renderReleases } from './screens/releases.js';
import { renderShell } from './screens/shell.js';
import { renderDefaults } from './screens/defaults.js';
import { ensurePool } from './screens/pool-dialog.js';

const app = document.getElementById('app');
const topbar = document.getElementById('topbar');
let started = false;

/**
 * Every screen gets the app element; the header marks where we are.  Every
 * screen but the list (which asks itself) needs a pool chosen first.
 */
function screen(name, render, needsPool = true) {
  return async (params) => {
    document.querySelectorAll('[data-nav]').forEach((a) => a.classList.toggle('active', a.dataset.nav === name));
    if (needsPool && !(await ensurePool().catch(() => false))) return navigate('/jails');
    return render(app, params);
  };
}

route('/jails', screen('jails', renderJails, false));
route('/jails/add', screen('jails', (el) => renderWizard(el)));
route('/jails/add/advanced', screen('jails', (el) => renderJailForm(el, {})));
route('/jails/:name/edit', screen('jails', (el, p) => renderJailForm(el, p)));
route('/jails/:name/mounts', screen('jails', renderMounts));
route('/jails/:name/mounts/add', screen('jails', renderMountForm));
route('/jails/:name/mounts/:index/edit', screen('jails', renderMountForm));
route('/jails/:name/shell', screen('jails', renderShell));
route('/releases', screen('releases', renderReleases));
route('/defaults', screen('defaults', renderDefaults));

function loggedIn(user) {
  document.getElementById('user').textContent = user;
  topbar.hidden = false;
  if (!started) {
    started = true;
    start();
  } else {
    dispatch();
  }
}

function showLogin() {
  topbar.hidden = true;
  setCsrf(null);
  renderLogin(app, loggedIn);
}

document.getElementById('logout').addEventListener('click', async () => {
  try {
    await del('/session');
  } finally {
    showLogin();
    navigate('/jails');
  }
});

onUnauthorized(showLogin);

(async () => {
  try {
    const who = await get('/session');
    setCsrf(who.csrf_token || null);
    loggedIn(who.user);
  } catch {
    showLogin();
  }
})();
