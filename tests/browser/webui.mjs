// The web UI end to end in headless Chromium (Debian's), driven by
// playwright-core; run by tests/integration/test_webui.py, which starts
// `jailor serve`, makes the login account and cleans up.
//
// Environment: JAILOR_URL, JAILOR_USER, JAILOR_PASSWORD, JAILOR_POOL (a
// directory to choose as the pool), JAILOR_RELEASE_FILE (a busybox root
// file system archive), JAILOR_MOUNT_SRC (a host directory to mount),
// JAILOR_SHOTS (where the screenshots go).
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { strict as assert } from 'node:assert';

const env = (k) => {
  if (!process.env[k]) throw new Error(`${k} is not set`);
  return process.env[k];
};
const URL = env('JAILOR_URL');
const SHOTS = env('JAILOR_SHOTS');
mkdirSync(SHOTS, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
const page = await context.newPage();
const problems = [];
page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
page.on('console', (m) => m.type() === 'error' && !/status of 4\d\d/.test(m.text()) && problems.push(`console: ${m.text()}`));
page.setDefaultTimeout(20000);

// notices fade by themselves; a screenshot shows the screen without them
const shot = async (name) => {
  await page.evaluate(() => document.querySelectorAll('.toast').forEach((t) => t.remove()));
  await page.screenshot({ path: `${SHOTS}/${name}.png` });
};
const step = (what) => console.log(`-- ${what}`);
const row = (name) => page.locator(`tr.jail[data-name="${name}"]`);
const dialogButton = (label) => page.locator('dialog[open] .dialog-actions button', { hasText: label });

async function waitState(name, state) {
  await page.waitForFunction(([n, s]) => {
    const cell = document.querySelector(`tr.jail[data-name="${n}"] .state`);
    return cell && cell.textContent === s;
  }, [name, state]);
}

async function expand(name) {
  const button = row(name).locator('button.chevron');
  if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click();
}

try {
  step('log in');
  await page.goto(URL);
  await page.locator('form.login').waitFor();
  await page.fill('input[name=username]', env('JAILOR_USER'));
  await page.fill('input[name=password]', 'wrong password');
  await page.click('form.login button[type=submit]');
  await page.locator('form.login .field-error').waitFor();
  await shot('login');
  await page.fill('input[name=password]', env('JAILOR_PASSWORD'));
  await page.click('form.login button[type=submit]');

  step('choose the pool: none is active yet');
  await page.locator('dialog.pool-dialog').waitFor();
  await page.fill('dialog.pool-dialog input[name=directory]', env('JAILOR_POOL'));
  await shot('pool-chooser');
  await dialogButton('Choose').click();
  await page.locator('.pool-note', { hasText: env('JAILOR_POOL') }).waitFor();

  step('fetch a release, following the job');
  await page.click('a[data-nav=releases]');
  await page.fill('form.fetch-file input[name=name]', 'bb');
  await page.fill('form.fetch-file input[name=file]', env('JAILOR_RELEASE_FILE'));
  await page.click('form.fetch-file button[type=submit]');
  await page.locator('.releases tr[data-name="bb"]').waitFor();
  await shot('releases');

  step('ADD: the wizard');
  await page.click('a[data-nav=jails]');
  await page.click('button[data-action=add]');
  await page.fill('.wizard input[name=name]', 'bad name!');
  await page.click('.wizard button:text-is("Next")');
  await page.locator('.wizard .field-error', { hasText: 'Invalid name' }).waitFor();
  await page.fill('.wizard input[name=name]', 'webui1');
  await page.selectOption('.wizard select[name=release]', { label: 'bb (fetched)' });
  await shot('wizard-1-name');
  await page.click('.wizard button:text-is("Next")');
  // TrueNAS's rules: DHCP forces VNET on and rules NAT out
  await page.check('.wizard input[name=dhcp]');
  assert.equal(await page.isChecked('.wizard input[name=vnet]'), true);
  assert.equal(await page.isDisabled('.wizard input[name=vnet]'), true);
  assert.equal(await page.isDisabled('.wizard input[name=nat]'), true);
  assert.equal(await page.isDisabled('.wizard input[name=ip4_address]'), true);
  await shot('wizard-2-network');
  await page.uncheck('.wizard input[name=dhcp]');
  await page.uncheck('.wizard input[name=vnet]');
  assert.equal(await page.isDisabled('.wizard input[name=ip4_address]'), false);
  await page.click('.wizard button:text-is("Next")');
  await page.locator('.wizard dl.summary dd', { hasText: 'webui1' }).first().waitFor();
  await shot('wizard-3-confirm');
  await page.click('.wizard button:text-is("Submit")');

  step('the jail is listed; columns');
  await row('webui1').waitFor();
  await waitState('webui1', 'down');
  await page.click('button:has-text("Columns")');
  await page.check('input[name=column-type]');
  await page.check('input[name=column-ip4]');
  await page.locator('th', { hasText: 'Type' }).waitFor();
  await shot('jails-columns');
  await page.click('h1');

  step('start it from its expanded row');
  await expand('webui1');
  await page.locator('button[data-action=start]').click();
  await waitState('webui1', 'up');
  await expand('webui1');
  await page.locator('button[data-action=shell]').waitFor();
  assert.equal(await page.locator('button[data-action=start]').count(), 0);
  await shot('jails-expanded');

  step('a shell in the browser: hostname');
  await page.locator('button[data-action=shell]').click();
  await page.locator('.shell-status', { hasText: 'Connected' }).waitFor();
  await page.locator('.xterm-rows', { hasText: '#' }).waitFor();
  await page.keyboard.type('hostname\n');
  await page.waitForFunction(() => {
    const lines = [...document.querySelectorAll('.xterm-rows > div')].map((d) => d.textContent.trim());
    const i = lines.findIndex((l) => l.endsWith('hostname'));
    return i >= 0 && lines[i + 1] === 'webui1';
  });
  await shot('shell');
  await page.keyboard.type('exit\n');
  await page.locator('.shell-status', { hasText: 'Exited (0)' }).waitFor();
  await page.waitForURL(/#\/jails$/);

  step('update: a jail without a package manager has none to offer');
  await expand('webui1');
  await page.locator('button[data-action=update]').click();
  await page.locator('dialog[open]', { hasText: 'No updates available for webui1' }).waitFor();
  await dialogButton('Close').click();

  step('restart it');
  await expand('webui1');
  await page.locator('button[data-action=restart]').click();
  await page.locator('dialog.job').waitFor({ state: 'detached' });
  await waitState('webui1', 'up');

  step('a running jail cannot be edited');
  await expand('webui1');
  await page.locator('button[data-action=edit]').click();
  await page.locator('.banner', { hasText: 'Jails cannot be changed while running.' }).waitFor();
  assert.equal(await page.isDisabled('.jail-form button[type=submit]'), true);
  await shot('edit-running');
  await page.click('.jail-form button:text-is("Cancel")');
  await expand('webui1');
  await page.locator('button[data-action=mounts]').click();
  await page.locator('.banner', { hasText: 'Mount points used in jail webui1 cannot be edited while the jail is running.' }).waitFor();
  await page.locator('button[data-action=add-mount]').click();
  await page.locator('.toast', { hasText: 'webui1 should not be running when adding/deleting a mountpoint.' }).waitFor();
  assert.match(page.url(), /#\/jails\/webui1\/mounts$/);
  await page.click('.mounts button:text-is("Go Back to Jails")');

  step('stop it: the selection\'s bulk Stop, confirmed');
  await row('webui1').locator('td.select input').check();
  await page.locator('.bulk', { hasText: '1 selected' }).waitFor();
  assert.equal(await page.isDisabled('button[data-bulk=start]'), true);
  await shot('jails-selected');
  await page.click('button[data-bulk=stop]');
  await dialogButton('Stop').click();
  await waitState('webui1', 'down');
  await page.locator('.bulk').waitFor({ state: 'hidden' });

  step('the advanced form: a server-side error under its field, then a change');
  await expand('webui1');
  await page.locator('button[data-action=edit]').click();
  await page.click('.jail-form summary:text-is("Custom Properties")');
  await page.fill('.jail-form input[name=priority]', '0');
  await page.click('.jail-form button[type=submit]');
  const err = page.locator('.field.invalid:has(input[name=priority]) .field-error');
  await err.waitFor();
  assert.match(await err.textContent(), /priority/);
  await shot('edit-error');
  await page.fill('.jail-form input[name=priority]', '10');
  await page.fill('.jail-form input[name=notes]', 'made in the browser');
  await page.click('.jail-form button[type=submit]');
  await page.waitForURL(/#\/jails$/);
  const props = await page.evaluate(async () => (await (await fetch('/api/v1/jails/webui1')).json()).properties);
  assert.equal(props.priority, '10');
  assert.equal(props.notes, 'made in the browser');

  step('mount points: add with the pickers, then remove');
  await expand('webui1');
  await page.locator('button[data-action=mounts]').click();
  await page.locator('button[data-action=add-mount]').click();
  await page.fill('.mount-form input[name=src]', env('JAILOR_MOUNT_SRC'));
  await page.locator('.mount-form .with-button:has(input[name=dst]) button').click();
  await page.locator('dialog.picker .dir', { hasText: 'tmp' }).waitFor();
  await shot('mount-picker');
  await page.locator('dialog.picker .dir', { hasText: 'tmp' }).click();
  await page.locator('dialog.picker .dir-path', { hasText: '/tmp' }).waitFor();
  await dialogButton('Choose this directory').click();
  assert.equal(await page.inputValue('.mount-form input[name=dst]'), '/tmp');
  await page.fill('.mount-form input[name=dst]', '/mnt/data');
  await page.click('.mount-form button[type=submit]');
  const entry = page.locator('.mounts tbody tr', { hasText: '/mnt/data' });
  await entry.waitFor();
  await shot('mounts');
  await entry.locator('button[data-action=edit]').click();
  assert.equal(await page.inputValue('.mount-form input[name=dst]'), '/mnt/data');
  await page.uncheck('.mount-form input[name=read_only]');
  await page.fill('.mount-form input[name=dst]', '/mnt/data2');
  await page.click('.mount-form button[type=submit]');
  const edited = page.locator('.mounts tbody tr', { hasText: '/mnt/data2' });
  await edited.waitFor();
  assert.equal(await edited.locator('td[data-label=Read-only]').textContent(), 'no');
  await edited.locator('button[data-action=delete]').click();
  await dialogButton('Delete Mount Point').click();
  await page.locator('.mounts td.empty').waitFor();
  await page.click('.mounts button:text-is("Go Back to Jails")');

  step('a template made in the advanced form is offered by the wizard');
  await page.click('button[data-action=add]');
  await page.click('.wizard button:text-is("Advanced Jail Creation")');
  await page.fill('.jail-form input[name=name]', 'tpl1');
  await page.selectOption('.jail-form select[name=type]', 'basejail');
  await page.selectOption('.jail-form select[name=release]', { label: 'bb (fetched)' });
  await page.click('.jail-form summary:text-is("Custom Properties")');
  await page.check('.jail-form input[name=template]');
  await shot('advanced-create');
  await page.click('.jail-form button[type=submit]');
  await row('tpl1').waitFor();
  assert.equal(await row('tpl1').locator('td.col-type').textContent(), 'template');
  await page.click('button[data-action=add]');
  await page.selectOption('.wizard select[name=release]', { label: 'tpl1 (template)' });
  await page.click('.wizard button:text-is("Cancel")');
  await row('tpl1').waitFor();

  step('sorting by a column, both ways');
  const names = () => page.locator('tr.jail').evaluateAll((rows) => rows.map((r) => r.dataset.name));
  assert.deepEqual(await names(), ['tpl1', 'webui1']);
  await page.click('th button.sort:has-text("Name")');
  assert.deepEqual(await names(), ['webui1', 'tpl1']);
  await page.click('th button.sort:has-text("Type")');
  assert.deepEqual(await names(), ['webui1', 'tpl1']); // jail before template
  await page.click('th button.sort:has-text("Name")');

  step('a phone-sized screen');
  await page.setViewportSize({ width: 390, height: 780 });
  await expand('webui1');
  await shot('phone-jails');
  await page.click('button[data-action=add]');
  await page.locator('.wizard').waitFor();
  await shot('phone-wizard');
  await page.click('.wizard button:text-is("Cancel")');
  await row('webui1').waitFor();
  await page.setViewportSize({ width: 1280, height: 800 });

  step('delete it, confirmed');
  await expand('webui1');
  await page.locator('button[data-action=delete]').click();
  assert.equal(await dialogButton('Delete').isDisabled(), true);
  await page.check('#delete-confirm');
  await shot('delete');
  await dialogButton('Delete').click();
  await row('webui1').waitFor({ state: 'detached' });
  await row('tpl1').locator('td.select input').check();
  await page.click('button[data-bulk=delete]');
  await page.check('#delete-confirm');
  await dialogButton('Delete').click();
  await page.locator('td.empty', { hasText: 'No jails yet' }).waitFor();

  step('defaults: a refusal under its field, then a change');
  await page.click('a[data-nav=defaults]');
  await page.click('.defaults summary:text-is("Network Properties")');
  await page.fill('.defaults input[name=nat_prefix]', '1.2.3');
  await page.click('.defaults button[type=submit]');
  await page.locator('.field.invalid:has(input[name=nat_prefix]) .field-error').waitFor();
  await page.fill('.defaults input[name=nat_prefix]', '10.5');
  await page.click('.defaults button[type=submit]');
  await page.locator('.toast', { hasText: 'Defaults saved' }).waitFor();
  assert.equal(await page.evaluate(async () => (await (await fetch('/api/v1/defaults')).json()).nat_prefix), '10.5');
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot('defaults');

  step('log out');
  await page.click('#logout');
  await page.locator('form.login').waitFor();
  assert.equal(await page.evaluate(async () => (await fetch('/api/v1/jails')).status), 401);

  assert.deepEqual(problems, []);
  console.log('webui: all steps passed');
} catch (e) {
  await shot('failure').catch(() => {});
  console.error(problems.join('\n'));
  throw e;
} finally {
  await browser.close();
}
