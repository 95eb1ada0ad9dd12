// The login screen: a host account (root or a member of group jailor), PAM on the server.
import { h, mount } from '../dom.js';
import { post, setCsrf } from '../api.js';
import { field, text } from '../ui/fields.js';
import { clearErrors, showError } from '../ui/field-errors.js';

export function renderLogin(app, onLoggedIn) {
  document.title = 'Log in · jailor';
  const user = text('username', '', { autocomplete: 'username', required: true, autofocus: true });
  const pass = h('input', { type: 'password', name: 'password', dataset: { field: 'password' }, autocomplete: 'current-password', required: true });
  const button = h('button.button.primary', { type: 'submit' }, 'Log in');
  const form = h('form.card.login', { noValidate: true,
    onsubmit: async (e) => {
      e.preventDefault();
      clearErrors(form);
      button.disabled = true;
      try {
        const { json } = await post('/session', { username: user.value, password: pass.value });
        setCsrf(json.csrf_token);
        onLoggedIn(json.user);
      } catch (err) {
        pass.value = '';
        showError(form, err.field ? err : Object.assign(err, { field: 'password' }));
      } finally {
        button.disabled = false;
      }
    },
  },
  h('div.login-brand', {}, h('img', { src: 'img/jailor.svg', alt: '', width: 40, height: 40 }), h('h1', {}, 'jailor')),
  h('p.help', {}, 'Log in with an account of this host: root, or a member of group jailor.'),
  h('div.form-error'),
  field('Username', user),
  field('Password', pass),
  h('div.actions', {}, button));
  mount(app, h('div.login-page', {}, form));
}
