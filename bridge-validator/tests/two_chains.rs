//! Two localnets as two chains (different network passphrases, bridge chains 1 and 2) and
//! four validators running the daemon in both directions, one of them Byzantine: it signs
//! every transfer twice, once as locked and once with a larger amount to its own account.
//! A fake peer, first in every releasing daemon's list, serves a garbage signature in every
//! validator's name for whatever its peers attest: the daemons verify before they keep, so
//! it stalls nothing.
//! A transfer locked on chain 1 is released on chain 2 and confirmed back on chain 1, the
//! Byzantine validator is slashed on chain 2, tokens are conserved on both chains, and an
//! honest daemon stopped and restarted from its state file carries the next transfer,
//! which needs every honest validator once the Byzantine one is gone. A second test: a
//! release on chain B of a transfer from an earlier deployment of chain A's bridge is not
//! attested back to A's current bridge (the daemon's completion-marker check).
// Native only: localnet and threads.
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;
use std::rc::Rc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use ed25519_dalek::{Signer as _, SigningKey};
use stellar_xdr::{ReadXdr, ScAddress, ScVal, TransactionResult};
use teachlink_indexer::decode::{ContractKind, Decoded, Decoder};
use teachlink_indexer::sync::{RpcClient, Start};
use teachlink_indexer::TeachLinkEvent;
use teachlink_localnet::{deploy_teachlink, Config, Deployment, Localnet, LocalnetHandle};
use teachlink_sdk::invoke::{InvokeOptions, Invoker, Submitted};
use teachlink_sdk::rpc::{Rpc, RpcOptions};
use teachlink_sdk::signer::SignerKind;
use teachlink_sdk::tx;
use teachlink_validator::chain::{Bridge, HttpTransport};
use teachlink_validator::digest::registration_digest;
use teachlink_validator::progress::Progress;
use teachlink_validator::{
    Attester, DaemonConfig, Endpoint, Error, KeyAttester, Signed, Statement,
};

const XLM: i128 = 10_000_000;
const STAKE: i128 = 2_000 * XLM;
const LIQUIDITY: i128 = 5_000 * XLM;
const AMOUNT: i128 = 250 * XLM;
const BYZANTINE: usize = 3;

fn wasm_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    target.join("wasm32v1-none/contract")
}

fn key(name: &str) -> SigningKey {
    SigningKey::from_bytes(&teachlink_localnet::sha256(name.as_bytes()))
}

fn strkey(k: &SigningKey) -> String {
    tx::account_strkey(&k.verifying_key().to_bytes())
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

/// One chain: a localnet closing ledgers every 200 ms with the TeachLink contracts.
struct Chain {
    handle: LocalnetHandle,
    passphrase: String,
    deployment: Deployment,
    root: SigningKey,
}

impl Chain {
    fn start(passphrase: &str, bridge_chain: u32) -> Chain {
        let handle = Localnet::start(Config {
            network_passphrase: passphrase.into(),
            close_interval: Some(Duration::from_millis(200)),
            bridge_chain,
            ..Config::for_tests()
        })
        .unwrap();
        let deployment = handle
            .with_node(|n| deploy_teachlink(n, &wasm_dir()))
            .unwrap()
            .unwrap_or_else(|e| panic!("{e} (run scripts/build-contracts.sh first)"));
        let root = handle.with_node(|n| n.root_key().clone()).unwrap();
        Chain {
            handle,
            passphrase: passphrase.into(),
            deployment,
            root,
        }
    }

    fn bridge(&self) -> String {
        self.deployment.contracts["bridge"].clone()
    }

    /// The bridge's 32-byte contract id, as messages from it name it.
    fn bridge_id(&self) -> [u8; 32] {
        teachlink_validator::digest::bridge_id(
            &tx::parse_address(&self.bridge(), "bridge").unwrap(),
        )
        .unwrap()
    }

    fn latest_ledger(&self) -> u32 {
        block_on(self.invoker().rpc.latest_ledger_sequence()).unwrap()
    }

    fn endpoint(&self) -> Endpoint {
        Endpoint {
            rpc_url: self.handle.url(),
            passphrase: self.passphrase.clone(),
            bridge: self.bridge(),
        }
    }

    fn fund(&self, accounts: &[&SigningKey]) {
        self.handle
            .with_node(|n| {
                for k in accounts {
                    let id = tx::account_id(&k.verifying_key().to_bytes());
                    n.fund(&id, (20_000 * XLM) as i64).unwrap();
                }
            })
            .unwrap();
        self.handle.close_ledger().unwrap();
    }

    fn invoker(&self) -> Invoker<HttpTransport> {
        Invoker {
            rpc: Rc::new(Rpc::new(
                self.handle.url(),
                HttpTransport::new().unwrap(),
                RpcOptions::default(),
            )),
            passphrase: self.passphrase.clone(),
            options: InvokeOptions::default(),
            error_name: teachlink_validator::chain::error_name,
        }
    }

    /// `function` on `contract`, signed and paid by `by`.
    fn call(&self, contract: &str, function: &str, args: Vec<ScVal>, by: &SigningKey) -> Submitted {
        let contract = tx::parse_address(contract, "contract").unwrap();
        let source = by.verifying_key().to_bytes();
        let signer = SignerKind::Local(Box::new(by.clone()));
        block_on(
            self.invoker()
                .invoke(&contract, function, args, &signer, &source),
        )
        .unwrap_or_else(|e| panic!("{function}: {e}"))
    }

    fn balance(&self, who: &str) -> i128 {
        let hf = tx::invoke_args(
            tx::parse_address(&self.deployment.native_asset, "sac").unwrap(),
            "balance",
            vec![ScVal::Address(tx::parse_address(who, "who").unwrap())],
        )
        .unwrap();
        let v = block_on(self.invoker().read(hf)).unwrap();
        tx::as_i128(&v, "balance").unwrap()
    }

    /// The fee a submitted transaction was charged.
    fn fee_of(&self, submitted: &Submitted) -> i128 {
        let invoker = self.invoker();
        let v = block_on(invoker.rpc.get_transaction(&submitted.hash)).unwrap();
        let xdr = v["resultXdr"].as_str().unwrap();
        let result = TransactionResult::from_xdr_base64(xdr, stellar_xdr::Limits::none()).unwrap();
        i128::from(result.fee_charged)
    }

    fn bridge_client(&self, as_: &SigningKey) -> Bridge {
        Bridge::new(
            &self.handle.url(),
            &self.passphrase,
            &self.bridge(),
            as_.clone(),
        )
        .unwrap()
    }

    /// The bridge events of this chain, decoded by the indexer.
    fn bridge_events(&self) -> Vec<TeachLinkEvent> {
        let rpc = RpcClient::new(self.handle.url()).unwrap();
        let bridge = self.bridge();
        let mut decoder =
            Decoder::with_contracts([(bridge.parse().unwrap(), ContractKind::Bridge)]);
        let page = block_on(rpc.get_events(
            std::slice::from_ref(&bridge),
            Start::Ledger(self.deployment.start_ledger),
            10_000,
        ))
        .unwrap();
        page.events
            .into_iter()
            .filter_map(|raw| match decoder.decode(raw) {
                Decoded::Event(e) => Some(e.body),
                Decoded::Unknown(..) => None,
            })
            .collect()
    }

    /// Everything the bridge needs on this chain: the other chain (and its bridge) enabled,
    /// four validators registered with a stake (and a proof of their signing key) and
    /// activated. Enabling a chain and activating validators are timelocked: the admin
    /// proposes them all, waits the deployment's delay once, then makes the calls.
    fn set_up_bridge(&self, other: &Chain, other_chain: u32, validators: &[SigningKey]) {
        self.set_up_bridge_from(&other.bridge_id(), other_chain, validators);
    }

    /// [`Chain::set_up_bridge`] with `other_chain`'s bridge named by its 32-byte id.
    fn set_up_bridge_from(
        &self,
        other_bridge: &[u8; 32],
        other_chain: u32,
        validators: &[SigningKey],
    ) {
        let bridge = self.bridge();
        let mut gated = vec![(
            "set_chain_limits",
            vec![
                ScVal::U32(other_chain),
                bytes(other_bridge),
                tx::i128_val(1_000 * XLM),
                tx::i128_val(10_000 * XLM),
            ],
        )];
        let bridge_sc = tx::parse_address(&bridge, "bridge").unwrap();
        for v in validators {
            let address = tx::parse_address(&strkey(v), "validator").unwrap();
            let proof = v.sign(&registration_digest(&bridge_sc, &address).unwrap());
            self.call(
                &bridge,
                "register_validator",
                vec![
                    ScVal::Address(address.clone()),
                    bytes(&v.verifying_key().to_bytes()),
                    tx::i128_val(STAKE),
                    bytes(&proof.to_bytes()),
                ],
                v,
            );
            gated.push(("activate_validator", vec![ScVal::Address(address)]));
        }
        let mut ready_at = 0;
        for (op, args) in &gated {
            let done = self.call(
                &bridge,
                "propose",
                vec![
                    ScVal::Symbol(stellar_xdr::ScSymbol((*op).try_into().unwrap())),
                    ScVal::Vec(Some(stellar_xdr::ScVec(args.clone().try_into().unwrap()))),
                ],
                &self.root,
            );
            ready_at = match done.value {
                Some(ScVal::U64(t)) => ready_at.max(t),
                other => panic!("propose returned {other:?}"),
            };
        }
        // Ledgers close on the wall clock: the next one closes at or after `ready_at`.
        while std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            < ready_at
        {
            std::thread::sleep(Duration::from_millis(100));
        }
        for (op, args) in gated {
            self.call(&bridge, op, args, &self.root);
        }
    }

    fn lock(&self, sender: &SigningKey, dest_chain: u32, recipient: &str) -> (u64, Submitted) {
        let done = self.call(
            &self.bridge(),
            "lock",
            vec![
                ScVal::Address(tx::account_address(&sender.verifying_key().to_bytes())),
                tx::i128_val(AMOUNT),
                ScVal::U32(dest_chain),
                bytes(recipient.as_bytes()),
            ],
            sender,
        );
        let nonce = match &done.value {
            Some(ScVal::U64(n)) => *n,
            other => panic!("lock returned {other:?}"),
        };
        (nonce, done)
    }
}

fn bytes(b: &[u8]) -> ScVal {
    ScVal::Bytes(b.to_vec().try_into().unwrap())
}

/// Signs what it is shown, and also a version paying ten times the amount to itself.
struct Equivocator {
    honest: KeyAttester,
    validator: String,
}

impl Attester for Equivocator {
    fn validator(&self) -> &str {
        &self.validator
    }

    fn attest(
        &self,
        bridge: &ScAddress,
        statement: &Statement,
    ) -> teachlink_validator::Result<Vec<Signed>> {
        let mut out = vec![self.honest.sign(bridge, statement)?];
        if let Statement::Inbound { message } = statement {
            let mut forged = message.clone();
            forged.amount *= 10;
            forged.recipient = self.validator.clone();
            out.push(
                self.honest
                    .sign(bridge, &Statement::Inbound { message: forged })?,
            );
        }
        Ok(out)
    }
}

/// A daemon on its own thread (its SDK client is single-threaded).
struct Running {
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<teachlink_validator::Result<Progress>>>,
}

impl Running {
    fn start<A: Attester + Send + 'static>(
        config: DaemonConfig,
        attester: A,
        listener: std::net::TcpListener,
    ) -> Running {
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                teachlink_validator::serve(config, attester, listener, async {
                    let _ = stopped.await;
                })
                .await
            })
        });
        Running {
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    fn finish(mut self) -> Progress {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.thread
            .take()
            .unwrap()
            .join()
            .expect("daemon thread panicked")
            .expect("daemon failed")
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The validators whose attestation of chain 1's transfer `nonce` the daemon at `url` serves.
fn attesting(url: &str, nonce: u64) -> Vec<String> {
    let list: Vec<Signed> = block_on(async {
        let resp = reqwest::get(format!("{url}/v1/inbound/1/{nonce}")).await?;
        resp.json().await
    })
    .unwrap_or_default();
    list.into_iter().map(|s| s.validator).collect()
}

/// A gossip peer that answers every inbound request with what the honest peers attest, each
/// statement re-signed with garbage in every validator's name.
struct GarbagePeer {
    url: String,
    served: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl GarbagePeer {
    fn start(honest: Vec<String>, validators: Vec<String>) -> GarbagePeer {
        use axum::extract::{Path, State};
        use std::sync::atomic::Ordering;

        #[derive(Clone)]
        struct Shared {
            honest: Vec<String>,
            validators: Vec<String>,
            served: std::sync::Arc<std::sync::atomic::AtomicUsize>,
        }
        async fn inbound(
            State(s): State<Shared>,
            Path((chain, nonce)): Path<(u32, u64)>,
        ) -> axum::Json<Vec<Signed>> {
            let mut statements: Vec<Statement> = Vec::new();
            for url in &s.honest {
                let Ok(resp) = reqwest::get(format!("{url}/v1/inbound/{chain}/{nonce}")).await
                else {
                    continue;
                };
                for signed in resp.json::<Vec<Signed>>().await.unwrap_or_default() {
                    if !statements.contains(&signed.statement) {
                        statements.push(signed.statement);
                    }
                }
            }
            let mut out = Vec::new();
            for statement in statements {
                for v in &s.validators {
                    out.push(Signed {
                        statement: statement.clone(),
                        validator: v.clone(),
                        signature: [0x5A; 64],
                    });
                }
            }
            s.served.fetch_add(out.len(), Ordering::SeqCst);
            axum::Json(out)
        }

        let served = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let shared = Shared {
            honest,
            validators,
            served: served.clone(),
        };
        let l = listener();
        let url = format!("http://{}", l.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            block_on(async move {
                let app = axum::Router::new()
                    .route("/v1/inbound/{chain}/{nonce}", axum::routing::get(inbound))
                    .with_state(shared);
                let listener = tokio::net::TcpListener::from_std(l).unwrap();
                axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        let _ = stopped.await;
                    })
                    .await
                    .unwrap();
            })
        });
        GarbagePeer {
            url,
            served,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    fn served(&self) -> usize {
        self.served.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl Drop for GarbagePeer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn listener() -> std::net::TcpListener {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.set_nonblocking(true).unwrap();
    l
}

/// Waits for `what` to hold, up to two minutes.
fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for: {what}");
        std::thread::sleep(Duration::from_millis(250));
    }
}

#[test]
fn a_transfer_crosses_with_a_byzantine_validator_who_is_slashed() {
    let a = Chain::start("TeachLink bridge test chain A", 1);
    let b = Chain::start("TeachLink bridge test chain B", 2);
    let validators: Vec<SigningKey> = (0..4).map(|i| key(&format!("validator {i}"))).collect();
    let sender = key("sender on A");
    let recipient = key("recipient on B");
    let mut funded: Vec<&SigningKey> = validators.iter().collect();
    funded.push(&sender);
    a.fund(&funded);
    funded.pop();
    funded.push(&recipient);
    b.fund(&funded);

    a.set_up_bridge(&b, 2, &validators);
    b.set_up_bridge(&a, 1, &validators);
    b.call(
        &b.bridge(),
        "fund",
        vec![
            ScVal::Address(tx::parse_address(&b.deployment.admin, "admin").unwrap()),
            tx::i128_val(LIQUIDITY),
        ],
        &b.root,
    );

    // A daemon on the wrong network is refused before it does anything.
    let state = tempfile::tempdir().unwrap();
    let wrong = DaemonConfig {
        source: a.endpoint(),
        dest: Endpoint {
            passphrase: "Some other network".into(),
            ..b.endpoint()
        },
        account: validators[0].clone(),
        peers: vec![],
        state_file: state.path().join("wrong.json"),
        start_ledger: None,
        poll_interval: Duration::from_millis(200),
    };
    let refused = block_on(async {
        let book = teachlink_validator::gossip::SharedBook::default();
        teachlink_validator::Daemon::connect(
            wrong,
            KeyAttester::new(strkey(&validators[0]), validators[0].clone()),
            book,
        )
        .await
        .err()
    });
    assert!(
        matches!(refused, Some(Error::Misconfigured(ref m)) if m.contains("Some other network")),
        "{refused:?}"
    );
    assert!(!state.path().join("wrong.json").exists());

    // Four validators, each with a daemon per direction; peers are the same direction's.
    let state_file = |source: &Chain, dest: &Chain, i: usize| {
        let side = |c: &Chain| {
            if c.passphrase == a.passphrase {
                "a"
            } else {
                "b"
            }
        };
        state
            .path()
            .join(format!("{}-to-{}-{i}.json", side(source), side(dest)))
    };
    let saved_done = |i: usize| Progress::load(&state_file(&a, &b, i)).unwrap().done;
    let start = |source: &Chain, dest: &Chain, i: usize, peers: Vec<String>, l| {
        let v = &validators[i];
        let config = DaemonConfig {
            source: source.endpoint(),
            dest: dest.endpoint(),
            account: v.clone(),
            peers,
            state_file: state_file(source, dest, i),
            start_ledger: None,
            poll_interval: Duration::from_millis(200),
        };
        let honest = KeyAttester::new(strkey(v), v.clone());
        if i == BYZANTINE && dest.passphrase == b.passphrase {
            Running::start(
                config,
                Equivocator {
                    honest,
                    validator: strkey(v),
                },
                l,
            )
        } else {
            Running::start(config, honest, l)
        }
    };
    let listeners_ab: Vec<_> = (0..4).map(|_| listener()).collect();
    let listeners_ba: Vec<_> = (0..4).map(|_| listener()).collect();
    let url = |l: &std::net::TcpListener| format!("http://{}", l.local_addr().unwrap());
    let urls_ab: Vec<String> = listeners_ab.iter().map(url).collect();
    let urls_ba: Vec<String> = listeners_ba.iter().map(url).collect();
    let peers = |urls: &[String], i: usize| {
        urls.iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, u)| u.clone())
            .collect::<Vec<_>>()
    };
    // The releasing daemons ask the garbage peer first, so its signatures arrive before any
    // real one: kept unverified, they would take every other validator's place in the book.
    let garbage = GarbagePeer::start(urls_ab.clone(), validators.iter().map(strkey).collect());
    let peers_ab = |i: usize| {
        let mut list = vec![garbage.url.clone()];
        list.extend(peers(&urls_ab, i));
        list
    };
    let mut a_to_b: Vec<Option<Running>> = listeners_ab
        .into_iter()
        .enumerate()
        .map(|(i, l)| Some(start(&a, &b, i, peers_ab(i), l)))
        .collect();
    let b_to_a: Vec<Running> = listeners_ba
        .into_iter()
        .enumerate()
        .map(|(i, l)| start(&b, &a, i, peers(&urls_ba, i), l))
        .collect();

    // Balances before the transfer (every setup transaction is final).
    let byzantine = strkey(&validators[BYZANTINE]);
    let balances = |c: &Chain, who: &[&str]| who.iter().map(|w| c.balance(w)).collect::<Vec<_>>();
    let a_before = balances(&a, &[&strkey(&sender), &a.bridge()]);
    let b_before = balances(
        &b,
        &[
            &strkey(&recipient),
            &b.bridge(),
            &b.deployment.admin,
            &byzantine,
        ],
    );

    let (nonce, lock) = a.lock(&sender, 2, &strkey(&recipient));
    let lock_fee = a.fee_of(&lock);

    let dest = b.bridge_client(&recipient);
    let a_id = a.bridge_id();
    eventually("the transfer released on chain B", || {
        block_on(dest.is_completed(1, &a_id, nonce)).unwrap()
    });
    assert!(
        garbage.served() > 0,
        "the garbage peer was asked and answered"
    );
    eventually("the Byzantine validator slashed on chain B", || {
        block_on(dest.validator(&byzantine))
            .unwrap()
            .is_some_and(|r| r.status == "Slashed")
    });
    eventually("the completion confirmed on chain A", || {
        a.bridge_events()
            .iter()
            .any(|e| matches!(e, TeachLinkEvent::OutboundConfirmed { nonce: n, .. } if *n == nonce))
    });

    // Conservation. Chain A: the sender paid the amount and the fee, the bridge holds the
    // amount (now backing inbound releases). Chain B: the recipient got exactly the amount,
    // the forged message paid nothing, and the bridge paid the amount plus the slashed
    // stake, which went to the admin.
    let a_after = balances(&a, &[&strkey(&sender), &a.bridge()]);
    let b_after = balances(
        &b,
        &[
            &strkey(&recipient),
            &b.bridge(),
            &b.deployment.admin,
            &byzantine,
        ],
    );
    assert_eq!(a_after[0], a_before[0] - AMOUNT - lock_fee);
    assert_eq!(a_after[1], a_before[1] + AMOUNT);
    assert_eq!(b_after[0], b_before[0] + AMOUNT);
    assert_eq!(b_after[1], b_before[1] - AMOUNT - STAKE);
    assert_eq!(b_after[2], b_before[2] + STAKE);
    // The Byzantine validator's account paid fees (its daemon submits too) and received
    // nothing: not the forged amount, and its stake is gone.
    assert!(
        b_after[3] <= b_before[3] && b_before[3] - b_after[3] < XLM,
        "the forged message released nothing: {} -> {}",
        b_before[3],
        b_after[3]
    );
    let slashed: Vec<_> = b
        .bridge_events()
        .into_iter()
        .filter(|e| matches!(e, TeachLinkEvent::BridgeSlashed { .. }))
        .collect();
    assert_eq!(slashed.len(), 1, "{slashed:?}");
    let completed = b
        .bridge_events()
        .into_iter()
        .filter(|e| matches!(e, TeachLinkEvent::BridgeCompleted { .. }))
        .count();
    assert_eq!(completed, 1);

    // Restart: honest daemon 0 stops, a second transfer is locked, and 0 comes back from its
    // state file on the same gossip address. With the Byzantine validator slashed, all three
    // honest validators are the quorum, so the transfer completes only if 0 resumes.
    eventually("daemon 0 saw the first transfer through", || {
        saved_done(0) == 1
    });
    let first = a_to_b[0].take().unwrap().finish();
    assert_eq!(first.done, 1, "{first:?}");
    assert!(first.pending.is_empty());
    assert!(first.cursor.is_some());
    let (nonce2, _) = a.lock(&sender, 2, &strkey(&recipient));
    // Before asserting that nothing happened, let the two running honest validators have
    // their chance: each holds both their signatures (they saw the lock and gossiped), and
    // chain B closed three more ledgers since, in which their submissions would have landed.
    let honest = [strkey(&validators[1]), strkey(&validators[2])];
    eventually("validators 1 and 2 hold each other's signature", || {
        [&urls_ab[1], &urls_ab[2]].iter().all(|url| {
            let held = attesting(url, nonce2);
            honest.iter().all(|v| held.contains(v))
        })
    });
    let gossiped = b.latest_ledger();
    eventually("chain B closed three ledgers since", || {
        b.latest_ledger() >= gossiped + 3
    });
    assert!(
        !block_on(dest.is_completed(1, &a_id, nonce2)).unwrap(),
        "two honest validators are not a quorum"
    );
    let again = std::net::TcpListener::bind(urls_ab[0].trim_start_matches("http://")).unwrap();
    again.set_nonblocking(true).unwrap();
    a_to_b[0] = Some(start(&a, &b, 0, peers_ab(0), again));
    eventually("the second transfer released on chain B", || {
        block_on(dest.is_completed(1, &a_id, nonce2)).unwrap()
    });
    assert_eq!(b.balance(&strkey(&recipient)), b_after[0] + AMOUNT);

    eventually(
        "the restarted daemon saw the second transfer through",
        || saved_done(0) >= 2,
    );
    let resumed = a_to_b[0].take().unwrap().finish();
    assert_eq!(
        resumed.done, 2,
        "the restarted daemon saw the first transfer once and the second once: {resumed:?}"
    );
    for d in a_to_b.into_iter().flatten() {
        d.finish();
    }
    for d in b_to_a {
        d.finish();
    }
}

/// A `completed` event names the source chain but not the source bridge. Chain B releasing
/// a transfer of an earlier deployment of chain A's bridge, under the nonce of a transfer
/// still pending on A's current bridge, must not make a validator confirm A's transfer:
/// that would end its sender's refund right for a transfer nobody released. The daemon
/// attests a completion only if B's completion marker names A's current bridge; a release
/// from A's current bridge is attested (the positive control).
#[test]
fn a_completion_of_another_deployment_is_not_attested() {
    let a = Chain::start("TeachLink marker test chain A", 1);
    let b = Chain::start("TeachLink marker test chain B", 2);
    let validators: Vec<SigningKey> = (0..4).map(|i| key(&format!("validator {i}"))).collect();
    let sender = key("sender on A");
    let recipient = key("recipient on B");
    let mut funded: Vec<&SigningKey> = validators.iter().collect();
    funded.push(&sender);
    a.fund(&funded);
    funded.pop();
    funded.push(&recipient);
    b.fund(&funded);

    // B first trusts an earlier deployment of A's bridge, and releases its transfer 1.
    let earlier = teachlink_localnet::sha256(b"an earlier bridge on chain A");
    a.set_up_bridge(&b, 2, &validators);
    b.set_up_bridge_from(&earlier, 1, &validators);
    b.call(
        &b.bridge(),
        "fund",
        vec![
            ScVal::Address(tx::parse_address(&b.deployment.admin, "admin").unwrap()),
            tx::i128_val(LIQUIDITY),
        ],
        &b.root,
    );
    let (nonce, _) = a.lock(&sender, 2, &strkey(&recipient));
    assert_eq!(nonce, 1);
    let b_bridge = tx::parse_address(&b.bridge(), "bridge").unwrap();
    let dest = b.bridge_client(&recipient);
    let release = |source_bridge: [u8; 32], nonce: u64| {
        let message = teachlink_validator::digest::InboundMessage {
            source_chain: 1,
            source_bridge,
            dest_chain: 2,
            nonce,
            token: b.deployment.native_asset.clone(),
            amount: AMOUNT,
            recipient: strkey(&recipient),
            expires_at: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs()
                + 3_600,
        };
        let statement = Statement::Inbound {
            message: message.clone(),
        };
        let signed: Vec<Signed> = validators[..3]
            .iter()
            .map(|v| {
                KeyAttester::new(strkey(v), v.clone())
                    .sign(&b_bridge, &statement)
                    .unwrap()
            })
            .collect();
        block_on(dest.complete(&message, &signed)).unwrap();
        assert!(block_on(dest.is_completed(1, &source_bridge, nonce)).unwrap());
    };
    release(earlier, nonce);

    // Validator 0's daemon from B to A reads B's `completed` event.
    let state = tempfile::tempdir().unwrap();
    let config = DaemonConfig {
        source: b.endpoint(),
        dest: a.endpoint(),
        account: validators[0].clone(),
        peers: vec![],
        state_file: state.path().join("b-to-a.json"),
        start_ledger: Some(b.deployment.start_ledger),
        poll_interval: Duration::from_millis(200),
    };
    let me = strkey(&validators[0]);
    let book = teachlink_validator::gossip::SharedBook::default();
    let held = |nonce: u64| -> Vec<Signed> {
        book.lock()
            .unwrap()
            .attesting(&Statement::Completion { nonce })
    };
    let mut daemon = block_on(teachlink_validator::Daemon::connect(
        config,
        KeyAttester::new(me.clone(), validators[0].clone()),
        book.clone(),
    ))
    .unwrap();
    let report = block_on(daemon.step()).unwrap();
    assert_eq!(report.new_work, 1, "{report:?}");
    assert_eq!(report.submitted, 0, "{report:?}");
    let progress = daemon.progress().clone();
    assert_eq!(progress.dropped, 1, "{progress:?}");
    assert!(progress.pending.is_empty(), "{progress:?}");
    assert!(
        held(nonce).is_empty(),
        "attested another deployment's release"
    );

    // B now trusts A's current bridge (a lowered limit is immediate, a changed bridge is
    // timelocked), and releases A's transfer 1: that completion is attested and submitted
    // (one of four validators is no quorum, so it stays pending).
    let limits = vec![
        ScVal::U32(1),
        bytes(&a.bridge_id()),
        tx::i128_val(1_000 * XLM),
        tx::i128_val(10_000 * XLM),
    ];
    let proposed = b.call(
        &b.bridge(),
        "propose",
        vec![
            ScVal::Symbol(stellar_xdr::ScSymbol(
                "set_chain_limits".try_into().unwrap(),
            )),
            ScVal::Vec(Some(stellar_xdr::ScVec(limits.clone().try_into().unwrap()))),
        ],
        &b.root,
    );
    let Some(ScVal::U64(ready_at)) = proposed.value else {
        panic!("propose returned {:?}", proposed.value);
    };
    // Ledgers close on the wall clock: the next one closes at or after `ready_at`.
    while std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        < ready_at
    {
        std::thread::sleep(Duration::from_millis(100));
    }
    b.call(&b.bridge(), "set_chain_limits", limits, &b.root);
    release(a.bridge_id(), nonce);
    let report = block_on(daemon.step()).unwrap();
    assert_eq!(report.new_work, 1, "{report:?}");
    let progress = daemon.progress().clone();
    assert_eq!(progress.dropped, 1, "{progress:?}");
    assert_eq!(progress.pending, vec![Statement::Completion { nonce }]);
    let own: Vec<String> = held(nonce).into_iter().map(|s| s.validator).collect();
    assert_eq!(own, vec![me]);
}
