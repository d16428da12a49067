// The decode benchmark in headless Chromium (scripts/sdk-bench.sh runs it after
// decode.mjs, in the same directory): serves browser.html, the installed @teachlink/sdk
// (its browser build, opt-level z), @stellar/stellar-sdk's browser bundle and the input on
// one local origin, drives Debian's chromium through chromedriver (plain WebDriver HTTP),
// and prints both sides from the one page.
//
//   node browser.mjs DIR [RUNS] [PAGE]   (PAGE: browser.html, or boundary.html for the
//                                         JavaScript boundary variants; CHROMIUM,
//                                         CHROMEDRIVER: default /usr/bin/…)
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChromedriver } from './webdriver.mjs';

const dir = process.argv[2];
const runs = Number(process.argv[3] ?? 5);
const pageName = process.argv[4] ?? 'browser.html';
if (!dir || !(runs >= 1)) {
  console.error('usage: node browser.mjs DIR [RUNS]');
  process.exit(2);
}
const here = path.dirname(fileURLToPath(import.meta.url));
const mounts = {
  bench: here,
  teachlink: path.resolve('node_modules/@teachlink/sdk'),
  stellar: path.resolve('node_modules/@stellar/stellar-sdk'),
  data: path.resolve(dir),
  // boundary.html's build (scripts/sdk-bench.sh --boundary), when there is one.
  boundary: path.resolve(dir, '..', 'boundary'),
};
const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json', '.wasm': 'application/wasm' };
const chromium = process.env.CHROMIUM || '/usr/bin/chromium';
const chromedriver = process.env.CHROMEDRIVER || '/usr/bin/chromedriver';
for (const bin of [chromium, chromedriver]) {
  if (!existsSync(bin)) throw new Error(`${bin} is missing (scripts/setup.sh installs chromium and chromium-driver)`);
}

const server = createServer(async (req, res) => {
  const [, mount, ...rest] = decodeURIComponent(new URL(req.url, 'http://x').pathname).split('/');
  const root = mounts[mount];
  const full = root && path.resolve(root, `.${path.posix.normalize(`/${rest.join('/')}`)}`);
  try {
    if (!full || !full.startsWith(root + path.sep)) throw new Error('outside');
    const body = await readFile(full);
    res.writeHead(200, { 'content-type': types[path.extname(full)] ?? 'application/octet-stream' });
    res.end(body);
  } catch {
    res.writeHead(404);
    res.end();
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${server.address().port}`;
const { driver, call } = await startChromedriver(chromedriver);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let session;
let code = 1;
try {
  for (let i = 0; ; i++) {
    try {
      if ((await call('GET', '/status')).ready) break;
    } catch (e) {
      if (i > 100) throw e;
    }
    await sleep(100);
  }
  ({ sessionId: session } = await call('POST', '/session', {
    capabilities: {
      alwaysMatch: {
        browserName: 'chrome',
        'goog:chromeOptions': {
          binary: chromium,
          args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--no-first-run'],
        },
        timeouts: { script: 600_000 },
      },
    },
  }));
  await call('POST', `/session/${session}/url`, { url: `${origin}/bench/${pageName}?runs=${runs}` });
  let r = null;
  const deadline = Date.now() + 900_000;
  while (Date.now() < deadline) {
    r = await call('POST', `/session/${session}/execute/sync`, { script: 'return window.__bench ?? null', args: [] });
    if (r) break;
    await sleep(500);
  }
  if (!r) throw new Error('the page did not finish');
  if (!r.ok) throw new Error(`the page failed: ${r.error}`);
  const version = r.ua.match(/(?:HeadlessChrome|Chrome)\/[\d.]+/)?.[0] ?? r.ua;
  console.log(`headless Chromium (${version}), ${pageName}:`);
  for (const l of r.lines) console.log(l);
  code = 0;
} finally {
  if (session) await call('DELETE', `/session/${session}`).catch(() => {});
  driver.kill();
  server.close();
}
process.exit(code);
