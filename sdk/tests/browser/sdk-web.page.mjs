// examples/sdk-web (the real page, in a same-origin frame) against a real TeachLink server
// (run.mjs passes /api/* to it and /server-rpc/* to its localnet): the network shown, and
// the wallet states a person meets: none installed, on the wrong network, refusing to
// share an account, and connected (the learner's escrows listed, a reviewer's paged with
// "More"). The wallets are SEP-43-shaped objects injected as an extension would.
import { assert, equal, run, sleep, test } from './harness.mjs';

let status;
let people;
let frame;

const doc = () => frame.contentDocument;
const state = () => doc().getElementById('state');

/** Waits until the page's state element shows `want` (or fails with what it shows). */
async function until(want, ms = 20_000) {
  const deadline = performance.now() + ms;
  while (performance.now() < deadline) {
    if (state()?.dataset.state === want) return state().textContent;
    await sleep(50);
  }
  throw new Error(`the page did not reach "${want}"; it shows ${state()?.dataset.state}: ${state()?.textContent}`);
}

async function load(query) {
  frame = document.getElementById('app');
  await new Promise((resolve) => {
    frame.onload = resolve;
    frame.src = `/examples/sdk-web/index.html?${query}`;
  });
}

function wallet(address, overrides = {}) {
  return {
    getAddress: async () => ({ address }),
    getNetwork: async () => ({ network: 'STANDALONE', networkPassphrase: status.network.network_passphrase }),
    signTransaction: async () => { throw new Error('this page never signs'); },
    ...overrides,
  };
}

async function connect(w, want) {
  frame.contentWindow.stellarWallet = w;
  doc().getElementById('connect').click();
  return until(want);
}

const rows = () => [...doc().querySelectorAll('#escrows tbody tr')].map((tr) => [...tr.children].map((td) => td.textContent));

test('shows the network and the latest ledger; no wallet: says so', async () => {
  await load('indexer=/&rpc=/server-rpc/');
  const text = await until('ready');
  assert(/No Stellar wallet found/.test(text), text);
  equal(doc().getElementById('network').textContent, status.network.network_passphrase);
  assert(Number(doc().getElementById('ledger').textContent) > 0, `ledger: ${doc().getElementById('ledger').textContent}`);
  doc().getElementById('connect').click();
  const none = await until('no-wallet');
  assert(/Install Freighter/.test(none), none);
  assert(doc().getElementById('escrows').hidden, 'no table');
});

test('a wallet on another network: asked to switch, nothing listed', async () => {
  const testnet = 'Test SDF Network ; September 2015';
  const text = await connect(
    wallet(people.alan, { getNetwork: async () => ({ network: 'TESTNET', networkPassphrase: testnet }) }),
    'wrong-network',
  );
  assert(text.includes(testnet) && text.includes(status.network.network_passphrase), text);
  assert(doc().getElementById('escrows').hidden, 'no table');
});

test('a wallet that refuses to share an account', async () => {
  const text = await connect(
    wallet(people.alan, { getAddress: async () => { throw { code: -4, message: 'User declined access' }; } }),
    'refused',
  );
  assert(/User declined access/.test(text), text);
});

test('connected: the learner\'s escrows', async () => {
  const text = await connect(wallet(people.alan), 'connected');
  assert(text.includes(people.alan), text);
  equal(rows(), [['1', '1', 'learner', '50.00', '2/2', 'Released']]);
  assert(doc().getElementById('more').hidden, 'one page');
});

test('connected: a reviewer\'s escrows, paged by cursor', async () => {
  await load('indexer=/&rpc=/server-rpc/&limit=2');
  await until('ready');
  await connect(wallet(people.margaret), 'connected');
  equal(rows().map((r) => [r[0], r[2]]), [['1', 'reviewer'], ['2', 'reviewer']]);
  const more = doc().getElementById('more');
  assert(!more.hidden, '"More" is offered');
  more.click();
  const deadline = performance.now() + 10_000;
  while (rows().length < 3 && performance.now() < deadline) await sleep(50);
  equal(rows().map((r) => [r[0], r[5]]), [['1', 'Released'], ['2', 'Released'], ['3', 'Open']]);
  assert(more.hidden, 'the last page');
});

run(async () => {
  status = await (await fetch('/api/status')).json();
  people = await (await fetch('/people.json')).json();
});
