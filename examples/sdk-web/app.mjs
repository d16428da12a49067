// TeachLink in a plain web page (no bundler): connect a SEP-43 / Freighter-shaped wallet,
// check it is on the network the TeachLink server indexes, and list the escrows the
// wallet's account is a party to (as learner, teacher, reviewer or arbitrator), read from
// the server's REST API with @teachlink/sdk's IndexerClient, paged by cursor.
//
// Query parameters: `indexer` (the TeachLink server's root; default: this page's origin,
// `/`), `rpc` (a Stellar RPC URL for the latest ledger; default: the server's), `limit`
// (escrows per page, default 20). The wallet: `window.freighterApi` (Freighter's
// @stellar/freighter-api browser build) or any SEP-43 object at `window.stellarWallet`.
// The read side (the package's small default entry) and the transaction side's RPC client
// and wallet signer (`/clients`, its own Wasm module).
import init, { IndexerClient, isTeachLinkError } from '@teachlink/sdk';
import initClients, { RpcClient, WalletSigner } from '@teachlink/sdk/clients';

const params = new URLSearchParams(location.search);
const indexerUrl = params.get('indexer') ?? '/';
const pageSize = Number(params.get('limit') ?? 20);
const $ = (id) => document.getElementById(id);

function setState(state, text) {
  const el = $('state');
  el.dataset.state = state;
  el.textContent = text;
}

function findWallet() {
  return window.stellarWallet ?? window.freighterApi ?? null;
}

const message = (e) => (isTeachLinkError(e) ? `${e.message} (${e.code})` : e instanceof Error ? e.message : String(e));
const xlm = (stroops) => (Number(BigInt(stroops)) / 1e7).toFixed(2);

function role(escrow, me) {
  const roles = [];
  if (escrow.depositor === me) roles.push('learner');
  if (escrow.beneficiary === me) roles.push('teacher');
  if (escrow.terms?.signers.some((s) => s.address === me)) roles.push('reviewer');
  if (escrow.terms?.arbitrator === me) roles.push('arbitrator');
  return roles.join(', ');
}

let indexer;
let passphrase;
let listing = 0; // each connection's own listing; a newer one wins

async function list(address, cursor, run) {
  const page = await indexer.escrows({ party: address, limit: pageSize, cursor });
  if (run !== listing) return;
  const body = $('escrows').querySelector('tbody');
  for (const e of page.items) {
    const tr = document.createElement('tr');
    tr.dataset.escrow = String(e.id);
    const cells = [
      e.id,
      e.terms?.course_id ?? '?',
      role(e, address),
      e.terms ? xlm(e.terms.amount) : '?',
      `${e.approved_weight}/${e.terms?.threshold ?? '?'}`,
      e.status,
    ];
    for (const c of cells) {
      const td = document.createElement('td');
      td.textContent = String(c);
      tr.append(td);
    }
    body.append(tr);
  }
  const more = $('more');
  more.hidden = page.next_cursor === null;
  more.onclick = () => {
    more.hidden = true;
    list(address, page.next_cursor, run).catch((e) => setState('error', `Cannot list escrows: ${message(e)}`));
  };
  const total = body.children.length;
  $('escrows').hidden = total === 0;
  setState('connected', `Connected as ${address}. ${total === 0 ? 'No escrows yet for this account.' : `${total} escrow(s)${page.next_cursor ? ', more to load' : ''}.`}`);
  $('state').dataset.address = address;
}

async function connect() {
  const run = ++listing;
  $('escrows').hidden = true;
  $('escrows').querySelector('tbody').replaceChildren();
  $('more').hidden = true;
  delete $('state').dataset.address;
  const wallet = findWallet();
  if (!wallet) {
    setState('no-wallet', 'No Stellar wallet found. Install Freighter (or another SEP-43 wallet) and reload this page.');
    return;
  }
  setState('connecting', 'Asking the wallet…');
  try {
    if (typeof wallet.getNetwork === 'function') {
      const net = await wallet.getNetwork();
      if (net?.error) throw Object.assign(new Error(net.error.message ?? String(net.error)), { refused: true });
      if (net?.networkPassphrase !== passphrase) {
        setState(
          'wrong-network',
          `Your wallet is on "${net?.networkPassphrase ?? net?.network ?? 'an unknown network'}". ` +
            `Switch it to "${passphrase}", the network this TeachLink server indexes.`,
        );
        return;
      }
    }
    const address = await new WalletSigner(wallet).getAddress();
    await list(address, undefined, run);
  } catch (e) {
    if (e?.refused || (isTeachLinkError(e) && e.code === 'wallet_refused')) {
      setState('refused', `The wallet did not share an account: ${message(e)}`);
    } else {
      setState('error', `Something went wrong: ${message(e)}`);
    }
  }
}

async function main() {
  await Promise.all([init(), initClients()]);
  indexer = new IndexerClient(new URL(indexerUrl, location.href).href);
  let status;
  try {
    status = await indexer.status();
  } catch (e) {
    setState('error', `Cannot reach the TeachLink server at ${indexerUrl}: ${message(e)}`);
    return;
  }
  passphrase = status.network.network_passphrase;
  $('network').textContent = passphrase;
  const rpcUrl = params.get('rpc') ?? status.network.rpc_url;
  try {
    const rpc = new RpcClient(new URL(rpcUrl, location.href).href, { retries: 1 });
    $('ledger').textContent = String((await rpc.getLatestLedger()).sequence);
  } catch (e) {
    $('ledger').textContent = `unavailable (${message(e)})`;
  }
  $('connect').disabled = false;
  $('connect').onclick = connect;
  setState('ready', findWallet() ? 'Connect your wallet to see your escrows.' : 'No Stellar wallet found yet: install Freighter, or connect once it is injected.');
}

main().catch((e) => setState('error', message(e)));
