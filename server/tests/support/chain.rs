//! The chain under the server: localnets of a test's own with the contracts, the server's
//! config for indexing one, and contract calls signed with test keys.

use std::path::{Path, PathBuf};
use std::time::Duration;

use ed25519_dalek::SigningKey;
use stellar_xdr::{
    AccountId, HostFunction, InvokeContractArgs, PublicKey, ScAddress, ScSymbol, ScVal, Uint256,
};
use teachlink_localnet::node::{sign_envelope, Node, Submission};
use teachlink_localnet::{deploy_teachlink, Deployment, Localnet, LocalnetHandle};
use teachlink_server::config::{default_wasm_dir, Network, RpcNetwork};
use teachlink_server::demo::DemoState;
use teachlink_server::Config;

/// A localnet on `port` (0: a free one) closing ledgers on demand, keeping its state in
/// `state_file` (if any) so that it can be stopped and resumed.
pub fn localnet_config(port: u16, state_file: Option<PathBuf>) -> teachlink_localnet::Config {
    teachlink_localnet::Config {
        port,
        close_interval: None,
        state_file,
        ..teachlink_localnet::Config::default()
    }
}

/// A localnet of the test's own (as [`localnet_config`] says) with the contracts deployed.
pub fn own_localnet(port: u16, state_file: Option<PathBuf>) -> (LocalnetHandle, Deployment) {
    let net = Localnet::start(localnet_config(port, state_file)).expect("localnet starts");
    let deployment = net
        .with_node(|n| deploy_teachlink(n, &default_wasm_dir()))
        .expect("node")
        .expect("contracts deploy");
    (net, deployment)
}

/// A test server's config (in `dir`) for indexing the deployment `d` over the RPC at
/// `rpc_url`.
pub fn rpc_config(dir: &Path, rpc_url: String, d: &Deployment) -> Config {
    let mut config = Config::for_tests(dir);
    config.network = Network::Rpc(RpcNetwork {
        rpc_url,
        fallback_rpc_urls: Vec::new(),
        lag_switch: 5,
        network_passphrase: Some(d.network_passphrase.clone()),
        deployment: teachlink_indexer::Deployment {
            contracts: d.contracts.clone(),
            start_ledger: d.start_ledger,
        },
    });
    config
}

pub fn account_id(k: &SigningKey) -> AccountId {
    AccountId(PublicKey::PublicKeyTypeEd25519(Uint256(
        k.verifying_key().to_bytes(),
    )))
}

/// The account of `k` as a contract argument.
pub fn account(k: &SigningKey) -> ScVal {
    ScVal::Address(ScAddress::Account(account_id(k)))
}

pub fn sym(s: &str) -> ScVal {
    ScVal::Symbol(ScSymbol(s.try_into().expect("symbol")))
}

/// Sends `function` of `contract` signed by `k` to `n`, which must accept it (the ledger
/// is not closed); returns the transaction's hash.
pub fn send(
    n: &mut Node,
    k: &SigningKey,
    contract: &str,
    function: &str,
    args: Vec<ScVal>,
) -> [u8; 32] {
    let hf = HostFunction::InvokeContract(InvokeContractArgs {
        contract_address: contract.parse().expect("contract id"),
        function_name: ScSymbol(function.try_into().expect("symbol")),
        args: args.try_into().expect("args"),
    });
    let tx = n.prepare_invoke(k, hf).expect("simulated");
    let env = sign_envelope(tx, &[k], n.network_id()).expect("signed");
    match n.submit(env).expect("submitted") {
        Submission::Pending(hash) => hash,
        other => panic!("{function} refused: {other:?}"),
    }
}

/// Submits `function` of `contract` signed by `k`; `close` closes the ledger too (else
/// the localnet's cadence does). Returns the ledger it will land in (or landed in).
pub fn submit(
    net: &LocalnetHandle,
    k: &SigningKey,
    contract: &str,
    function: &str,
    args: Vec<ScVal>,
    close: bool,
) -> u32 {
    net.with_node(|n| {
        send(n, k, contract, function, args);
        let landing = n.latest().header.ledger_seq + 1;
        if close {
            n.close_ledger().expect("closed");
        }
        landing
    })
    .expect("node")
}

/// One more event on the chain (a role granted to a new account), in a closed ledger.
pub async fn one_more_event(
    net: LocalnetHandle,
    rewards: String,
    who: &'static str,
) -> LocalnetHandle {
    tokio::task::spawn_blocking(move || {
        let root = net.with_node(|n| n.root_key().clone()).expect("root key");
        let newcomer = teachlink_server::demo::key(who);
        submit(
            &net,
            &root,
            &rewards,
            "grant_role",
            vec![sym("issuer"), account(&newcomer)],
            true,
        );
        net
    })
    .await
    .expect("a call")
}

/// Ledgers the test localnet keeps events for.
pub const RETENTION: u32 = 300;

/// A localnet keeping `RETENTION` ledgers, with the contracts and the demo; the demo's
/// event count.
pub fn small_window_localnet() -> (LocalnetHandle, teachlink_localnet::Deployment, u64) {
    let net = Localnet::start(teachlink_localnet::Config {
        retention_ledgers: RETENTION,
        ..localnet_config(0, None)
    })
    .expect("localnet starts");
    let deployment = net
        .with_node(|n| deploy_teachlink(n, &default_wasm_dir()))
        .expect("node")
        .expect("contracts deploy");
    let done =
        teachlink_server::demo::run(&net, &deployment, &|| false, &|_| {}).expect("the demo runs");
    let DemoState::Done { events, .. } = done else {
        panic!("the demo did not complete: {done:?}")
    };
    (net, deployment, u64::from(events))
}

pub fn indexer_deployment(d: &teachlink_localnet::Deployment) -> teachlink_indexer::Deployment {
    teachlink_indexer::Deployment {
        contracts: d.contracts.clone(),
        start_ledger: d.start_ledger,
    }
}

/// Closes ledgers until the window of [`small_window_localnet`] has moved past every
/// ledger it held, 20 at a time with the server at `base` following the head (a server
/// that falls out of the window records a gap, and its archive then starts after it);
/// returns the latest ledger.
pub async fn move_window_past(net: &LocalnetHandle, base: &str) -> u32 {
    let mut closed = 0;
    let mut latest = 0;
    while closed < RETENTION + 5 {
        latest = net
            .with_node(|n| {
                for _ in 0..20 {
                    n.close_ledger().expect("closes");
                }
                n.latest().header.ledger_seq
            })
            .expect("node");
        closed += 20;
        crate::support::harness::eventually(
            "the server at the head",
            Duration::from_secs(30),
            || async {
                let v = crate::support::harness::status(base).await;
                let at = v["indexer"]["status"]["indexed_ledger"]
                    .as_u64()
                    .unwrap_or(0);
                if at >= u64::from(latest) {
                    Ok(())
                } else {
                    Err(v.to_string())
                }
            },
        )
        .await;
    }
    latest
}
