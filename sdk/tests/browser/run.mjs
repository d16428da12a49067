// Runs the browser pages of sdk/tests/browser (and examples/sdk-web) in headless Chromium
// against a real localnet: serves the installed @teachlink/sdk and the pages on one local
// origin, passes `/rpc/*` through to the localnet (Stellar RPC and friendbot, which send no
// CORS headers; a dapp is served the same way, beside its backend), drives Chromium with
// ChromeDriver over plain WebDriver HTTP, and prints each page's results. Exits 1 if any
// test failed or a page did not finish.
//
//   node run.mjs PAGE…      (sdk/tests/node.rs runs it in the package's consumer directory)
//
// Paths served: /pkg/ the installed package (node_modules/@teachlink/sdk of the working
// directory), /tests/ this directory, /examples/ the repository's examples/,
// /deployment.json, /people.json; passed through: /rpc/ to TEACHLINK_RPC_URL (a localnet),
// /api/ to TEACHLINK_SERVER_URL's API and /server-rpc/ to TEACHLINK_SERVER_RPC_URL (a
// TeachLink server and its localnet). Environment: those, TEACHLINK_DEPLOYMENT (the
// localnet's deployment file), TEACHLINK_PEOPLE (the server demo's accounts by name);
// CHROMIUM (default /usr/bin/chromium), CHROMEDRIVER (default /usr/bin/chromedriver).
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChromedriver } from '../../bench/webdriver.mjs';

function env(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
}
const deploymentFile = env('TEACHLINK_DEPLOYMENT');
// Passed through, by path prefix: the localnet, and (when given) the TeachLink server's
// REST API and its own localnet.
const upstreams = { '/rpc/': new URL(env('TEACHLINK_RPC_URL')) };
if (process.env.TEACHLINK_SERVER_URL) upstreams['/api/'] = new URL('api/', process.env.TEACHLINK_SERVER_URL);
if (process.env.TEACHLINK_SERVER_RPC_URL) upstreams['/server-rpc/'] = new URL(process.env.TEACHLINK_SERVER_RPC_URL);
const files = { '/deployment.json': deploymentFile };
if (process.env.TEACHLINK_PEOPLE) files['/people.json'] = process.env.TEACHLINK_PEOPLE;
const here = path.dirname(fileURLToPath(import.meta.url));
const mounts = {
  pkg: path.resolve('node_modules/@teachlink/sdk'),
  tests: here,
  examples: path.resolve(here, '../../../examples'),
};
const chromium = process.env.CHROMIUM || '/usr/bin/chromium';
const chromedriver = process.env.CHROMEDRIVER || '/usr/bin/chromedriver';
const pages = process.argv.slice(2);
if (pages.length === 0) throw new Error('usage: node run.mjs PAGE…');
const PAGE_TIMEOUT_MS = 240_000;

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
};

/** A file under `root`, or null (no escaping it). */
async function file(root, rel) {
  const full = path.resolve(root, `.${path.posix.normalize(`/${rel}`)}`);
  if (!full.startsWith(root + path.sep)) return null;
  try {
    return { body: await readFile(full), type: types[path.extname(full)] ?? 'application/octet-stream' };
  } catch {
    return null;
  }
}

async function passThrough(req, res, upstream, rest) {
  const target = new URL(rest, upstream);
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const body = chunks.length ? Buffer.concat(chunks) : undefined;
  try {
    const up = await fetch(target, {
      method: req.method,
      headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
    });
    const text = Buffer.from(await up.arrayBuffer());
    // fetch has undone any content encoding; TeachLink's own headers go through.
    const headers = { 'content-type': up.headers.get('content-type') ?? 'application/json' };
    for (const [k, v] of up.headers) if (k.startsWith('x-teachlink-')) headers[k] = v;
    res.writeHead(up.status, headers);
    res.end(text);
  } catch (e) {
    res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(String(e));
  }
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  const p = decodeURIComponent(url.pathname);
  for (const [prefix, upstream] of Object.entries(upstreams)) {
    if (p.startsWith(prefix)) return passThrough(req, res, upstream, p.slice(prefix.length) + url.search);
  }
  if (files[p]) {
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end(await readFile(files[p]));
  }
  const [, mount, ...rest] = p.split('/');
  const found = mounts[mount] ? await file(mounts[mount], rest.join('/')) : null;
  if (!found) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    return res.end('not found');
  }
  res.writeHead(200, { 'content-type': found.type, 'cache-control': 'no-store' });
  res.end(found.body);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${server.address().port}`;

for (const bin of [chromium, chromedriver]) {
  if (!existsSync(bin)) throw new Error(`${bin} is missing (scripts/setup.sh installs chromium and chromium-driver)`);
}
const { driver, call } = await startChromedriver(chromedriver);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let failed = 0;
let passed = 0;
let session;
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
          args: [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-dev-shm-usage',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
          ],
        },
      },
    },
  }));
  const version = (await call('POST', `/session/${session}/execute/sync`, { script: 'return navigator.userAgent', args: [] }));
  console.log(`# ${version}`);
  for (const page of pages) {
    await call('POST', `/session/${session}/url`, { url: `${origin}/${page}` });
    const start = Date.now();
    let report = null;
    while (Date.now() - start < PAGE_TIMEOUT_MS) {
      report = await call('POST', `/session/${session}/execute/sync`, {
        script: 'return window.__teachlinkReport ?? null',
        args: [],
      });
      if (report?.done) break;
      await sleep(250);
    }
    if (!report?.done) {
      failed += 1;
      console.log(`not ok - ${page}: did not finish in ${PAGE_TIMEOUT_MS / 1000} s; so far ${JSON.stringify(report)}`);
      continue;
    }
    for (const t of report.results) {
      if (t.ok) {
        passed += 1;
        console.log(`ok - ${page}: ${t.name} (${t.ms} ms)`);
      } else {
        failed += 1;
        console.log(`not ok - ${page}: ${t.name}\n  ${String(t.error).replaceAll('\n', '\n  ')}`);
      }
    }
    if (report.results.length === 0) {
      failed += 1;
      console.log(`not ok - ${page}: no test ran`);
    }
  }
} finally {
  if (session) await call('DELETE', `/session/${session}`).catch(() => {});
  driver.kill();
  server.close();
}
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
