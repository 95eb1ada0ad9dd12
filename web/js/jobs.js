// Long operations (docs/API.md, Jobs): followed through their Server-Sent
// Events, with polling as the fallback when the stream breaks.
import { get, ApiError } from './api.js';

/**
 * Resolves with the finished job (its result), rejects with an ApiError
 * holding the job's error; onProgress(job) on each change.
 */
export function follow(job, onProgress = () => {}) {
  return new Promise((resolve, reject) => {
    const done = (j) => {
      if (j.state === 'succeeded') resolve(j);
      else reject(new ApiError(409, { error: { code: 'failed', field: j.error && j.error.field, message: (j.error && j.error.message) || 'The job failed' } }));
    };
    if (job.state !== 'running') return done(job);
    const events = new EventSource(`/api/v1/jobs/${job.id}/events`);
    let finished = false;
    events.addEventListener('progress', (e) => onProgress(JSON.parse(e.data)));
    events.addEventListener('done', (e) => {
      finished = true;
      events.close();
      done(JSON.parse(e.data));
    });
    events.onerror = () => {
      if (finished) return;
      events.close();
      poll(job.id, onProgress).then(done, reject);
    };
  });
}

async function poll(id, onProgress) {
  for (;;) {
    const j = await get(`/jobs/${id}`);
    onProgress(j);
    if (j.state !== 'running') return j;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** "Downloading 12.0 MiB of 50.0 MiB" from a job's progress. */
export function describeProgress(job) {
  const p = job && job.progress;
  if (!p) return '';
  if (!p.total) return p.what || '';
  const pct = Math.floor((100 * p.done) / p.total);
  return `${p.what} ${formatBytes(p.done)} of ${formatBytes(p.total)} (${pct}%)`;
}

export function formatBytes(n) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
}
