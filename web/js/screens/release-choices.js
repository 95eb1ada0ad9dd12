// The Release select of the wizard and the advanced form: fetched releases
// "(fetched)", Debian suites that can be fetched, templates "NAME (template)".
import { get } from '../api.js';

export const NAME_RE = /^[a-zA-Z0-9._-]+$/;

/** [[value, label]]: value "release:NAME" or "template:NAME". */
export async function releaseChoices() {
  const [fetched, remote, templates] = await Promise.all([
    get('/releases'),
    get('/releases/remote').catch(() => []),
    get('/jails?templates=1'),
  ]);
  const have = new Set(fetched.map((r) => r.name));
  return [
    ...fetched.map((r) => [`release:${r.name}`, `${r.name} (fetched)`]),
    ...remote.filter((r) => !have.has(r.name)).map((r) => [`release:${r.name}`, r.name]),
    ...templates.map((t) => [`template:${t.name}`, `${t.name} (template)`]),
  ];
}

/** The create request's release or template from a choice. */
export function fromChoice(value) {
  const [kind, name] = [value.slice(0, value.indexOf(':')), value.slice(value.indexOf(':') + 1)];
  return kind === 'template' ? { template: name } : { release: name };
}

/** Checks a new jail's name as the server will; the message, or null. */
export function nameProblem(name, taken) {
  if (!name) return 'Jail Name is required.';
  if (!NAME_RE.test(name)) return `Invalid name '${name}': letters, digits, '.', '_' and '-' only.`;
  if (taken.includes(name)) return `A jail named '${name}' already exists.`;
  return null;
}
