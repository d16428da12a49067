// Owns ChromeDriver for the SDK's headless Chromium runs (the tests' sdk/tests/browser/run.mjs
// and the benchmark's sdk/bench/browser.mjs): a driver on a free port and plain WebDriver
// HTTP calls to it, so no WebDriver client package is installed for either.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

/// A port nothing listens on now (the OS picks it; closed again before it is returned).
export function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/// Starts `chromedriver` and returns it with `call(method, path, body)`, which answers the
/// WebDriver reply's `value` and throws with the driver's own message on an error status.
export async function startChromedriver(chromedriver) {
  const port = await freePort();
  const driver = spawn(chromedriver, [`--port=${port}`], { stdio: ['ignore', 'ignore', 'inherit'] });
  const wd = `http://127.0.0.1:${port}`;
  async function call(method, p, body) {
    const res = await fetch(`${wd}${p}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`WebDriver ${method} ${p}: ${res.status} ${JSON.stringify(json.value)}`);
    return json.value;
  }
  return { driver, call };
}
