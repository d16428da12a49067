// A minimal test harness for pages driven by run.mjs: `test(name, fn)` registers, `run()`
// runs them in order and publishes `window.__teachlinkReport` ({ done, results }), which
// run.mjs polls through WebDriver. Results also appear on the page.
const tests = [];

export function test(name, fn) {
  tests.push({ name, fn });
}

export async function run(setup) {
  const report = { done: false, results: [] };
  window.__teachlinkReport = report;
  const list = document.createElement('ul');
  document.body.append(list);
  const show = (r) => {
    const li = document.createElement('li');
    li.textContent = `${r.ok ? 'ok' : 'FAILED'} - ${r.name}${r.ok ? '' : `: ${r.error}`}`;
    list.append(li);
  };
  try {
    if (setup) await setup();
  } catch (e) {
    const r = { name: 'setup', ok: false, ms: 0, error: describe(e) };
    report.results.push(r);
    show(r);
    report.done = true;
    return;
  }
  for (const { name, fn } of tests) {
    const start = performance.now();
    let r;
    try {
      await fn();
      r = { name, ok: true, ms: Math.round(performance.now() - start) };
    } catch (e) {
      r = { name, ok: false, ms: Math.round(performance.now() - start), error: describe(e) };
    }
    report.results.push(r);
    show(r);
  }
  report.done = true;
}

function describe(e) {
  if (e instanceof Error) {
    const code = 'code' in e ? ` [${e.code}]` : '';
    return `${e.name}${code}: ${e.message}\n${e.stack ?? ''}`;
  }
  try {
    return JSON.stringify(e);
  } catch {
    return String(e);
  }
}

export function assert(cond, message) {
  if (!cond) throw new Error(`assertion failed: ${message}`);
}

export function equal(actual, expected, message = '') {
  const a = JSON.stringify(actual, (_, v) => (typeof v === 'bigint' ? `${v}n` : v));
  const b = JSON.stringify(expected, (_, v) => (typeof v === 'bigint' ? `${v}n` : v));
  if (a !== b) throw new Error(`${message ? `${message}: ` : ''}expected ${b}, got ${a}`);
}

/** Awaits a promise that must fail with a TeachLinkError of `code`; returns the error. */
export async function fails(promise, code, isTeachLinkError) {
  let error;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  if (error === undefined) throw new Error(`expected a ${code} error, got success`);
  assert(isTeachLinkError(error), `not a TeachLinkError: ${describe(error)}`);
  assert(error instanceof Error, 'a TeachLinkError is an Error');
  equal(error.code, code, `error code (${error.message})`);
  return error;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
