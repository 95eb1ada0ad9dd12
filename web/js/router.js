// Hash routes (#/jails/web/edit): the server serves one page, the browser
// keeps the place on reload and the back button works.

const routes = [];

/** route('/jails/:name/edit', fn): fn({name}) renders the screen. */
export function route(pattern, render) {
  const names = [];
  const re = new RegExp(
    '^' + pattern.replace(/:([a-z]+)/g, (_, n) => (names.push(n), '([^/]+)')) + '$',
  );
  routes.push({ re, names, render });
}

export function navigate(path) {
  if (location.hash === `#${path}`) dispatch();
  else location.hash = path;
}

export function current() {
  return location.hash.replace(/^#/, '') || '/jails';
}

export function dispatch() {
  const path = current();
  for (const r of routes) {
    const m = path.match(r.re);
    if (m) {
      const params = {};
      r.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1])));
      return r.render(params);
    }
  }
  return navigate('/jails');
}

export function start() {
  window.addEventListener('hashchange', dispatch);
  dispatch();
}
