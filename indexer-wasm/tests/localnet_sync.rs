//! End to end: the real TeachLink contracts on an in-process localnet produce events for
//! every projection; the syncer pages them over JSON-RPC into the memory store. Also the
//! replay, restart-mid-batch, retention-gap and RPC-retry cases.
// Native only: tokio, the localnet and its signer do not target the browser.
#![cfg(not(target_arch = "wasm32"))]

use std::cell::{Cell, RefCell};
use std::path::PathBuf;
use std::time::Duration;

use ed25519_dalek::SigningKey;
use stellar_xdr::{
    AccountId, HostFunction, Int128Parts, InvokeContractArgs, PublicKey, ScAddress, ScBytes, ScMap,
    ScMapEntry, ScString, ScSymbol, ScVal, ScVec, Uint256,
};
use teachlink_indexer::decode::{Decoded, Resolution};
use teachlink_indexer::project::{EscrowStatus, ProvenanceKind};
use teachlink_indexer::store::{BatchOutcome, Checkpoint, Gap, MemoryStore, Queries, Store};
use teachlink_indexer::sync::{
    Backoff, GapPolicy, SyncConfig, SyncError, Syncer, Timer, TokioTimer,
};
use teachlink_indexer::{Address, Deployment};
use teachlink_localnet::node::{sign_envelope, Submission};
use teachlink_localnet::{deploy_teachlink, Config, Localnet, LocalnetHandle};

fn wasm_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    target.join("wasm32v1-none/contract")
}

fn key(name: &str) -> SigningKey {
    SigningKey::from_bytes(&teachlink_localnet::sha256(name.as_bytes()))
}

fn account_id(k: &SigningKey) -> AccountId {
    AccountId(PublicKey::PublicKeyTypeEd25519(Uint256(
        k.verifying_key().to_bytes(),
    )))
}

fn address(k: &SigningKey) -> Address {
    Address::Account(k.verifying_key().to_bytes())
}

fn addr(k: &SigningKey) -> ScVal {
    ScVal::Address(ScAddress::Account(account_id(k)))
}

fn sym(s: &str) -> ScVal {
    ScVal::Symbol(ScSymbol(s.try_into().unwrap()))
}

fn i128v(v: i128) -> ScVal {
    ScVal::I128(Int128Parts {
        hi: (v >> 64) as i64,
        lo: v as u64,
    })
}

fn vec(items: Vec<ScVal>) -> ScVal {
    ScVal::Vec(Some(ScVec(items.try_into().unwrap())))
}

fn map(mut fields: Vec<(&str, ScVal)>) -> ScVal {
    fields.sort_by(|a, b| a.0.cmp(b.0));
    let entries: Vec<ScMapEntry> = fields
        .into_iter()
        .map(|(k, val)| ScMapEntry { key: sym(k), val })
        .collect();
    ScVal::Map(Some(ScMap(entries.try_into().unwrap())))
}

fn string(s: &str) -> ScVal {
    ScVal::String(ScString(s.as_bytes().to_vec().try_into().unwrap()))
}

fn bytes32(b: u8) -> ScVal {
    ScVal::Bytes(ScBytes(vec![b; 32].try_into().unwrap()))
}

/// A localnet with the TeachLink contracts deployed.
struct Chain {
    net: LocalnetHandle,
    deployment: Deployment,
    native: ScVal,
    root: SigningKey,
}

impl Chain {
    fn start(config: Config) -> Chain {
        let net = Localnet::start(config).expect("localnet starts");
        let deployed = net
            .with_node(|n| deploy_teachlink(n, &wasm_dir()))
            .unwrap()
            .expect("contracts deploy (build them with scripts/build-contracts.sh)");
        // The indexer reads localnet's deployment file format directly.
        let json = serde_json::to_string(&deployed).unwrap();
        let deployment: Deployment = serde_json::from_str(&json).unwrap();
        let native = ScVal::Address(deployed.native_asset.parse().unwrap());
        let root = net.with_node(|n| n.root_key().clone()).unwrap();
        Chain {
            net,
            deployment,
            native,
            root,
        }
    }

    fn contract(&self, name: &str) -> &str {
        &self.deployment.contracts[name]
    }

    fn fund(&self, k: &SigningKey) {
        self.net
            .with_node(|n| {
                n.fund(&account_id(k), 1_000 * 10_000_000).unwrap();
                n.close_ledger().unwrap();
            })
            .unwrap();
    }

    /// Invokes `function` as `k` (the transaction source, so its auth is the source
    /// account's), closes the ledger and returns the result; panics unless it succeeded.
    fn call(&self, k: &SigningKey, contract: &str, function: &str, args: Vec<ScVal>) -> ScVal {
        let hf = HostFunction::InvokeContract(InvokeContractArgs {
            contract_address: contract.parse().unwrap(),
            function_name: ScSymbol(function.try_into().unwrap()),
            args: args.try_into().unwrap(),
        });
        self.net
            .with_node(|n| {
                let tx = n
                    .prepare_invoke(k, hf)
                    .unwrap_or_else(|e| panic!("{function}: {e}"));
                let env = sign_envelope(tx, &[k], n.network_id()).unwrap();
                let hash = match n.submit(env).unwrap() {
                    Submission::Pending(h) | Submission::Duplicate(h) => h,
                    Submission::Error(_, r) => panic!("{function} refused: {r:?}"),
                };
                n.close_ledger().unwrap();
                let rec = n.transaction(&hash).expect("applied");
                assert!(rec.applied.success, "{function} failed");
                n.return_value(&hash).unwrap_or(ScVal::Void)
            })
            .unwrap()
    }

    fn close(&self, ledgers: u32) {
        for _ in 0..ledgers {
            self.net.close_ledger().unwrap();
        }
    }

    fn config(&self, page_limit: u32) -> SyncConfig {
        let mut c = SyncConfig::new(self.net.url(), self.deployment.clone());
        c.page_limit = page_limit;
        c.backoff = Backoff {
            initial: Duration::from_millis(1),
            max: Duration::from_millis(10),
            max_attempts: Some(3),
        };
        c.poll_interval = Duration::from_millis(1);
        c
    }
}

struct People {
    alice: SigningKey,
    bob: SigningKey,
    carol: SigningKey,
    dave: SigningKey,
    erin: SigningKey,
}

fn escrow_terms(chain: &Chain, p: &People, amount: i128, arbitrator: Option<&SigningKey>) -> ScVal {
    map(vec![
        ("beneficiary", addr(&p.bob)),
        ("token", chain.native.clone()),
        ("amount", i128v(amount)),
        (
            "signers",
            vec(vec![
                map(vec![("address", addr(&p.carol)), ("weight", ScVal::U32(1))]),
                map(vec![("address", addr(&p.dave)), ("weight", ScVal::U32(2))]),
            ]),
        ),
        ("threshold", ScVal::U32(3)),
        ("release_after", ScVal::Void),
        ("refund_after", ScVal::Void),
        ("arbitrator", arbitrator.map_or(ScVal::Void, addr)),
        // The contract requires 1 to 180 days with an arbitrator, 0 without.
        (
            "dispute_timeout",
            ScVal::U64(arbitrator.map_or(0, |_| 7 * 86_400)),
        ),
        ("course_id", ScVal::U64(42)),
    ])
}

/// A course bought through escrow and released, another disputed and resolved, a course
/// NFT minted, approved, updated and sold, a completion, a contribution and its rating, and
/// a reward funded, issued and claimed.
fn run_scenario(chain: &Chain) -> People {
    let p = People {
        alice: key("alice"),
        bob: key("bob"),
        carol: key("carol"),
        dave: key("dave"),
        erin: key("erin"),
    };
    for k in [&p.alice, &p.bob, &p.carol, &p.dave, &p.erin] {
        chain.fund(k);
    }
    let root = &chain.root;
    let escrow = chain.contract("escrow").to_string();
    let id1 = chain.call(
        &p.alice,
        &escrow,
        "create",
        vec![addr(&p.alice), escrow_terms(chain, &p, 50_000_000, None)],
    );
    assert_eq!(id1, ScVal::U64(1));
    chain.call(
        &p.carol,
        &escrow,
        "approve",
        vec![addr(&p.carol), ScVal::U64(1)],
    );
    chain.call(
        &p.dave,
        &escrow,
        "approve",
        vec![addr(&p.dave), ScVal::U64(1)],
    );
    chain.call(
        &p.bob,
        &escrow,
        "release",
        vec![addr(&p.bob), ScVal::U64(1)],
    );
    chain.call(
        &p.alice,
        &escrow,
        "create",
        vec![
            addr(&p.alice),
            escrow_terms(chain, &p, 80_000_000, Some(&p.erin)),
        ],
    );
    chain.call(
        &p.alice,
        &escrow,
        "dispute",
        vec![
            addr(&p.alice),
            ScVal::U64(2),
            string("course never started"),
        ],
    );
    chain.call(
        &p.erin,
        &escrow,
        "resolve",
        vec![ScVal::U64(2), vec(vec![sym("Split"), ScVal::U32(2_500)])],
    );

    let content = chain.contract("content").to_string();
    chain.call(
        &p.bob,
        &content,
        "mint",
        vec![
            addr(&p.bob),
            string("Soroban for learners"),
            bytes32(7),
            string("ipfs://course-1"),
            sym("cc_by"),
            vec(vec![sym("rust"), sym("soroban")]),
            ScVal::Bool(true),
            ScVal::U32(500),
        ],
    );
    chain.call(
        &p.bob,
        &content,
        "approve",
        vec![
            addr(&p.bob),
            addr(&p.carol),
            ScVal::U64(1),
            ScVal::U32(100_000),
        ],
    );
    chain.call(
        &p.bob,
        &content,
        "update_metadata",
        vec![
            addr(&p.bob),
            ScVal::U64(1),
            string("ipfs://course-1-v2"),
            ScVal::Void,
        ],
    );
    chain.call(
        &p.bob,
        &content,
        "transfer",
        vec![addr(&p.bob), addr(&p.alice), ScVal::U64(1)],
    );

    let reputation = chain.contract("reputation").to_string();
    chain.call(
        root,
        &reputation,
        "grant_role",
        vec![sym("issuer"), addr(root)],
    );
    chain.call(
        root,
        &reputation,
        "bind_course",
        vec![ScVal::U64(42), addr(root)],
    );
    chain.call(
        root,
        &reputation,
        "grant_role",
        vec![sym("rater"), addr(&p.bob)],
    );
    chain.call(
        root,
        &reputation,
        "record_completion",
        vec![addr(root), addr(&p.alice), ScVal::U64(42), ScVal::U32(90)],
    );
    chain.call(
        &p.alice,
        &reputation,
        "record_contribution",
        vec![addr(&p.alice), sym("tutorial"), bytes32(9)],
    );
    chain.call(
        &p.bob,
        &reputation,
        "rate",
        vec![addr(&p.bob), ScVal::U64(1), ScVal::U32(5)],
    );
    chain.call(
        root,
        &reputation,
        "correct_completion",
        vec![addr(&p.alice), ScVal::U64(42), ScVal::U32(70)],
    );

    let rewards = chain.contract("rewards").to_string();
    chain.call(
        root,
        &rewards,
        "grant_role",
        vec![sym("issuer"), addr(root)],
    );
    chain.call(
        root,
        &rewards,
        "set_allowance",
        vec![addr(root), i128v(5_000_000)],
    );
    chain.call(root, &rewards, "fund", vec![addr(root), i128v(10_000_000)]);
    chain.call(
        root,
        &rewards,
        "issue",
        vec![addr(root), addr(&p.alice), i128v(3_000_000), sym("course")],
    );
    chain.call(
        root,
        &rewards,
        "revoke",
        vec![addr(&p.alice), i128v(1_000_000)],
    );
    chain.call(&p.alice, &rewards, "claim", vec![addr(&p.alice)]);
    p
}

async fn sync_all(
    chain: &Chain,
    store: &MemoryStore,
    page_limit: u32,
) -> teachlink_indexer::Status {
    let mut s = Syncer::new(chain.config(page_limit), store, TokioTimer::default()).unwrap();
    s.backfill().await.unwrap();
    s.status().clone()
}

#[tokio::test]
async fn syncs_every_projection_from_the_real_contracts_and_replays_identically() {
    let chain = Chain::start(Config::for_tests());
    let p = run_scenario(&chain);
    let store = MemoryStore::new();
    // Small pages so that paging and cursors are exercised.
    let status = sync_all(&chain, &store, 4).await;
    let stats = store.stats().await.unwrap();
    assert_eq!(
        stats.unknown,
        0,
        "{:?}",
        store.unknown_events().await.unwrap()
    );
    assert_eq!(stats.orphans, 0);
    // 3 grant_role, 4+3 escrow, 4 content, 5 reputation, 5 rewards.
    assert_eq!(stats.events, 24);
    assert_eq!(status.events_indexed, 24);
    assert!(status.caught_up && status.ledgers_behind == 0, "{status:?}");
    assert!(
        status.pages >= 5 && status.last_error.is_none(),
        "{status:?}"
    );

    let (alice, bob, carol, dave, erin) = (
        address(&p.alice),
        address(&p.bob),
        address(&p.carol),
        address(&p.dave),
        address(&p.erin),
    );
    // Escrows: terms, weighted approvals, status history.
    let e1 = store.escrow(1).await.unwrap().unwrap();
    let terms = e1.terms.as_ref().unwrap();
    assert_eq!((e1.depositor, e1.beneficiary), (Some(alice), Some(bob)));
    assert_eq!(
        (terms.amount, terms.threshold, terms.course_id),
        (50_000_000, 3, 42)
    );
    assert_eq!(terms.signers.len(), 2);
    assert_eq!(
        e1.approvals
            .iter()
            .map(|a| (a.signer, a.weight, a.approved_weight))
            .collect::<Vec<_>>(),
        [(carol, 1, 1), (dave, 2, 3)]
    );
    assert_eq!(e1.status, EscrowStatus::Released);
    assert_eq!(
        e1.history.iter().map(|h| h.status).collect::<Vec<_>>(),
        [EscrowStatus::Open, EscrowStatus::Released]
    );
    assert_eq!(e1.paid_to_beneficiary, 50_000_000);
    let e2 = store.escrow(2).await.unwrap().unwrap();
    assert_eq!(e2.status, EscrowStatus::Resolved);
    assert_eq!(e2.dispute_reason.as_deref(), Some("course never started"));
    assert_eq!(e2.terms.as_ref().unwrap().dispute_timeout, 7 * 86_400);
    // The deadline is the dispute's ledger time plus the timeout.
    let disputed_at = e2.history[1].stamp.at;
    assert_eq!(e2.dispute_deadline, Some(disputed_at + 7 * 86_400));
    assert_eq!(e2.resolution, Some(Resolution::Split(2_500)));
    assert_eq!(
        (e2.paid_to_beneficiary, e2.returned_to_depositor),
        (20_000_000, 60_000_000)
    );
    assert_eq!(store.escrows_by_party(&alice).await.unwrap().len(), 2);
    assert_eq!(store.escrows_by_party(&erin).await.unwrap().len(), 1);
    assert_eq!(
        store
            .escrows_by_status(EscrowStatus::Resolved)
            .await
            .unwrap()[0]
            .id,
        2
    );

    // Content: metadata, owner, provenance.
    let t = store.token(1).await.unwrap().unwrap();
    assert_eq!((t.creator, t.owner), (Some(bob), Some(alice)));
    assert_eq!(t.mint.as_ref().unwrap().title, "Soroban for learners");
    assert_eq!(t.mint.as_ref().unwrap().tags, ["rust", "soroban"]);
    assert_eq!(t.uri.as_deref(), Some("ipfs://course-1-v2"));
    assert_eq!(t.approval, None);
    assert_eq!(
        t.provenance.iter().map(|p| p.kind).collect::<Vec<_>>(),
        [
            ProvenanceKind::Mint,
            ProvenanceKind::MetadataUpdate,
            ProvenanceKind::Transfer
        ]
    );
    assert_eq!(store.tokens_by_owner(&alice).await.unwrap().len(), 1);
    assert_eq!(store.tokens_by_creator(&bob).await.unwrap().len(), 1);

    // Reputation: the scores the contract computed, carried by its events.
    let profile = store.profile(&alice).await.unwrap().unwrap();
    assert_eq!(
        (
            profile.completions,
            profile.contributions,
            profile.ratings_received
        ),
        (1, 1, 1)
    );
    // The corrected completion (70) and bob's rating at the rater role's weight 5.
    assert_eq!(
        (
            profile.completion_score_sum,
            profile.rating_weight,
            profile.weighted_rating_sum
        ),
        (70, 5, 25)
    );
    assert_eq!((profile.reputation, profile.credit_score), (320, 24));
    let completions = store.completions_by_course(42).await.unwrap();
    assert_eq!(completions.len(), 1);
    assert_eq!(
        (completions[0].learner, completions[0].score_pct),
        (alice, 70)
    );
    let rating = &store.contribution(1).await.unwrap().unwrap().ratings[0];
    assert_eq!((rating.rater, rating.weight), (bob, 5));
    let admin = Address::Account(chain.root.verifying_key().to_bytes());
    let courses = store
        .contract_admin(&chain.contract("reputation").parse().unwrap())
        .await
        .unwrap()
        .unwrap()
        .courses;
    assert_eq!(courses.into_iter().collect::<Vec<_>>(), [(42, admin)]);

    // Rewards and the pool.
    let r = store.rewards(&alice).await.unwrap().unwrap();
    assert_eq!(
        (r.issued, r.claimed, r.unclaimed),
        (3_000_000, 2_000_000, 0)
    );
    let pool = store.pool().await.unwrap().unwrap();
    assert_eq!(
        (pool.funded, pool.balance, pool.unclaimed, pool.revoked),
        (10_000_000, 8_000_000, 0, 1_000_000)
    );
    assert_eq!(
        pool.allowances
            .iter()
            .map(|a| (a.issuer, a.remaining))
            .collect::<Vec<_>>(),
        [(admin, 2_000_000)]
    );
    let roles = store
        .contract_admin(&chain.contract("rewards").parse().unwrap())
        .await
        .unwrap()
        .unwrap()
        .roles;
    assert!(roles
        .iter()
        .any(|g| g.role == "issuer" && g.account == admin));

    // Replay: forget the cursor and sync the same range again; nothing changes.
    let before = store.snapshot().unwrap();
    store
        .apply_batch(&[], &Checkpoint::default())
        .await
        .unwrap();
    let replay = sync_all(&chain, &store, 7).await;
    assert_eq!(replay.events_indexed, 0);
    assert_eq!(replay.duplicate_events, 24);
    assert_eq!(store.snapshot().unwrap(), before);
}

/// A store that fails its `fail_on`-th batch, as a crash mid-write would: nothing of that
/// batch is committed.
struct FlakyStore<'a> {
    inner: &'a MemoryStore,
    calls: Cell<u32>,
    fail_on: u32,
}

#[derive(Debug, thiserror::Error)]
#[error("simulated crash")]
struct Crash;

impl Store for FlakyStore<'_> {
    type Error = Crash;
    async fn apply_batch(
        &self,
        events: &[Decoded],
        cp: &Checkpoint,
    ) -> Result<BatchOutcome, Crash> {
        self.calls.set(self.calls.get() + 1);
        if self.calls.get() == self.fail_on {
            return Err(Crash);
        }
        Ok(self
            .inner
            .apply_batch_sync(events, cp)
            .expect("memory store"))
    }
    async fn cursor(&self) -> Result<Option<Checkpoint>, Crash> {
        Ok(self.inner.cursor().await.expect("memory store"))
    }
}

#[tokio::test]
async fn a_restart_after_a_failed_batch_resumes_with_an_identical_result() {
    let chain = Chain::start(Config::for_tests());
    run_scenario(&chain);
    let reference = MemoryStore::new();
    sync_all(&chain, &reference, 3).await;

    let survivor = MemoryStore::new();
    let flaky = FlakyStore {
        inner: &survivor,
        calls: Cell::new(0),
        fail_on: 4,
    };
    let mut s = Syncer::new(chain.config(3), &flaky, TokioTimer::default()).unwrap();
    let err = s.backfill().await.expect_err("the 4th batch fails");
    assert!(matches!(err, SyncError::Store(_)), "{err}");
    let partial = survivor.stats().await.unwrap().events;
    assert!(
        partial > 0 && partial < 19,
        "{partial} events before the crash"
    );
    drop(s);

    // Restart: a new syncer resumes from the committed cursor.
    let status = sync_all(&chain, &survivor, 3).await;
    assert_eq!(
        status.duplicate_events, 0,
        "resumed exactly after the last commit"
    );
    assert_eq!(survivor.snapshot().unwrap(), reference.snapshot().unwrap());
}

#[tokio::test]
async fn a_retention_gap_is_recorded_and_reported_never_skipped_silently() {
    let config = Config {
        retention_ledgers: 12,
        ..Config::for_tests()
    };
    let chain = Chain::start(config);
    let root = chain.root.clone();
    let rewards = chain.contract("rewards").to_string();
    chain.call(
        &root,
        &rewards,
        "grant_role",
        vec![sym("issuer"), addr(&root)],
    );
    chain.close(30);
    // Something inside the retained window.
    chain.call(&root, &rewards, "fund", vec![addr(&root), i128v(1_000)]);

    // Policy Stop: the sync ends with the gap, and the status shows it.
    let store = MemoryStore::new();
    let mut c = chain.config(100);
    c.gap_policy = GapPolicy::Stop;
    let mut s = Syncer::new(c, &store, TokioTimer::default()).unwrap();
    let err = s.backfill().await.expect_err("gap");
    let SyncError::Gap(gap) = err else {
        panic!("{err}")
    };
    assert_eq!(gap.first_ledger, chain.deployment.start_ledger);
    assert_eq!(s.status().gap, Some(gap));
    assert!(s
        .status()
        .last_error
        .as_deref()
        .unwrap()
        .contains("retention window"));
    assert_eq!(store.cursor().await.unwrap(), None, "nothing was skipped");

    // Policy RecordAndContinue: the gap is committed in the checkpoint, then the
    // retained ledgers are indexed.
    let store = MemoryStore::new();
    let mut s = Syncer::new(chain.config(100), &store, TokioTimer::default()).unwrap();
    s.backfill().await.unwrap();
    let status = s.status().clone();
    let oldest = status.oldest_ledger;
    let expected = Gap {
        first_ledger: chain.deployment.start_ledger,
        last_ledger: oldest - 1,
    };
    assert_eq!(status.gap, Some(expected));
    assert_eq!(store.cursor().await.unwrap().unwrap().gaps, [expected]);
    let pool = store.pool().await.unwrap().unwrap();
    assert_eq!((pool.funded, pool.balance), (1_000, 1_000));
    // The role grant fell in the gap: not indexed, but the gap says so.
    assert!(store.stats().await.unwrap().events == 1);
}

/// A clock that never waits, recording the sleeps asked of it.
#[derive(Default)]
struct FakeTimer {
    now: Cell<f64>,
    sleeps: RefCell<Vec<Duration>>,
}

impl Timer for &FakeTimer {
    fn now_ms(&self) -> f64 {
        self.now.get()
    }
    async fn sleep(&self, d: Duration) {
        self.sleeps.borrow_mut().push(d);
        self.now.set(self.now.get() + d.as_secs_f64() * 1_000.0);
    }
}

#[tokio::test]
async fn rpc_failures_are_retried_with_exponential_backoff_then_reported() {
    // A port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let deployment = Deployment {
        contracts: [(
            "rewards".to_string(),
            Address::Contract([4; 32]).to_string(),
        )]
        .into(),
        start_ledger: 5,
    };
    let mut c = SyncConfig::new(format!("http://127.0.0.1:{port}/"), deployment);
    c.backoff = Backoff {
        initial: Duration::from_millis(100),
        max: Duration::from_millis(300),
        max_attempts: Some(4),
    };
    let store = MemoryStore::new();
    let timer = FakeTimer::default();
    let mut s = Syncer::new(c, &store, &timer).unwrap();
    let err = s.step().await.expect_err("nothing listens");
    assert!(matches!(err, SyncError::Rpc { attempts: 4, .. }), "{err}");
    assert_eq!(
        *timer.sleeps.borrow(),
        [100, 200, 300].map(Duration::from_millis)
    );
    let status = s.status();
    assert_eq!((status.retries, status.consecutive_failures), (3, 4));
    assert!(status.last_error.as_deref().unwrap().starts_with("network"));
}

#[tokio::test]
async fn follows_the_head_as_new_ledgers_close() {
    let chain = Chain::start(Config::for_tests());
    let root = chain.root.clone();
    let rewards = chain.contract("rewards").to_string();
    let store = MemoryStore::new();
    let mut s = Syncer::new(chain.config(100), &store, TokioTimer::default()).unwrap();
    let mut fired = 0;
    let follow = s.follow(|status| {
        // Each time the indexer catches up, the chain moves on, twice.
        if status.caught_up && fired < 2 && status.events_indexed == fired {
            fired += 1;
            chain.call(
                &root,
                &rewards,
                "grant_role",
                vec![sym("issuer"), addr(&key(&format!("issuer{fired}")))],
            );
        }
        status.events_indexed < 2
    });
    tokio::time::timeout(Duration::from_secs(60), follow)
        .await
        .expect("caught up within a minute")
        .unwrap();
    let status = s.status().clone();
    assert_eq!(status.events_indexed, 2);
    let admin = store
        .contract_admin(&chain.contract("rewards").parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(admin.roles.len(), 2);
}

/// Every raw event of the deployment, as the RPC returns them unfiltered.
async fn all_raw(chain: &Chain) -> Vec<teachlink_indexer::RawEvent> {
    let rpc = teachlink_indexer::sync::RpcClient::new(chain.net.url()).unwrap();
    let ids: Vec<String> = chain.deployment.contracts.values().cloned().collect();
    let page = rpc
        .get_events(
            &ids,
            teachlink_indexer::sync::Start::Ledger(chain.deployment.start_ledger),
            10_000,
        )
        .await
        .unwrap();
    page.events
}

fn contracts_of(chain: &Chain) -> teachlink_indexer::scope::Contracts {
    use teachlink_indexer::decode::ContractKind;
    let kinds: Vec<(Address, ContractKind)> = chain
        .deployment
        .contracts
        .iter()
        .filter_map(|(name, id)| Some((id.parse().ok()?, ContractKind::from_name(name)?)))
        .collect();
    teachlink_indexer::scope::Contracts::new(&kinds)
}

/// The scope's `getEvents` filters, sent to the real RPC (localnet: stellar-rpc's limits and
/// topic matching, `*` and a trailing `**`), return exactly the events the scope's own
/// matcher selects from the unfiltered stream; and a scoped sync of each account of the
/// scenario, in small pages (several requests per step, escrows and tokens entering the
/// scope with history signed by others), holds that account's entities exactly as the full
/// indexer does, also after the chain moves on (an escrow approved by an outside reviewer,
/// a token sold on by its buyer) and after an account is added to the scope.
#[tokio::test]
async fn scoped_sync_over_real_rpc_filters_matches_the_full_indexer_per_account() {
    use teachlink_indexer::scope::{requests, select, AccountView, Following, Scope};
    let chain = Chain::start(Config::for_tests());
    let p = run_scenario(&chain);
    let people = [&p.alice, &p.bob, &p.carol, &p.dave, &p.erin, &chain.root];
    let contracts = contracts_of(&chain);
    let rpc = teachlink_indexer::sync::RpcClient::new(chain.net.url()).unwrap();
    let raw = all_raw(&chain).await;
    let mut decoder = teachlink_indexer::Decoder::new();
    let pairs: Vec<(Decoded, teachlink_indexer::RawEvent)> = raw
        .iter()
        .map(|r| (decoder.decode(r.clone()), r.clone()))
        .collect();
    // The RPC's matching and the scope's agree, filter set by filter set.
    for k in people {
        let scope = Scope::accounts([address(k)]);
        let filters = scope
            .head_filters(&contracts, &Following::default())
            .unwrap();
        let mut got = Vec::new();
        for r in requests(&filters) {
            let page = rpc
                .get_events_filtered(
                    &r,
                    teachlink_indexer::sync::Start::Ledger(chain.deployment.start_ledger),
                    None,
                    10_000,
                )
                .await
                .unwrap();
            got.extend(page.events.into_iter().map(|e| e.id));
        }
        got.sort();
        got.dedup();
        let mut want: Vec<String> = select(&filters, &pairs)
            .iter()
            .map(|d| d.id_string())
            .collect();
        want.sort();
        assert_eq!(got, want, "{}", address(k));
        assert!(!want.is_empty());
    }

    let full = MemoryStore::new();
    sync_all(&chain, &full, 1_000).await;
    let check = |scoped: &MemoryStore, full: &MemoryStore, who: &[&SigningKey]| {
        let f = full.snapshot().unwrap().state;
        let s = scoped.snapshot().unwrap().state;
        for k in who {
            assert_eq!(
                AccountView::of(&s, &address(k)),
                AccountView::of(&f, &address(k)),
                "{}",
                address(k)
            );
        }
        for (id, x) in &s.escrows {
            assert_eq!(Some(x), f.escrows.get(id));
        }
        for (id, t) in &s.tokens {
            assert_eq!(Some(t), f.tokens.get(id));
        }
    };
    let mut stores = Vec::new();
    for k in people {
        let scope = Scope::accounts([address(k)]);
        let store = MemoryStore::new();
        let mut s = Syncer::new(chain.config(2), &store, TokioTimer::default()).unwrap();
        s.backfill_scoped(&scope).await.unwrap();
        check(&store, &full, &[k]);
        stores.push((scope, store));
    }
    // Carol's view: escrow 1 (she approved), escrow 2 (named as a signer only); the token
    // she was approved to spend is not hers.
    let carol = &stores[2].1.snapshot().unwrap().state;
    assert_eq!(
        carol.escrows.keys().copied().collect::<Vec<_>>(),
        vec![1, 2]
    );

    // The chain moves on: a new escrow by alice that dave (outside alice's scope) approves,
    // and alice sells the token on to dave.
    let escrow = chain.contract("escrow").to_string();
    chain.call(
        &p.alice,
        &escrow,
        "create",
        vec![addr(&p.alice), escrow_terms(&chain, &p, 10_000_000, None)],
    );
    chain.call(
        &p.dave,
        &escrow,
        "approve",
        vec![addr(&p.dave), ScVal::U64(3)],
    );
    let content = chain.contract("content").to_string();
    chain.call(
        &p.alice,
        &content,
        "transfer",
        vec![addr(&p.alice), addr(&p.dave), ScVal::U64(1)],
    );
    chain.close(2);
    sync_all(&chain, &full, 1_000).await;
    for (k, (scope, store)) in people.iter().zip(&stores) {
        let mut s = Syncer::new(chain.config(2), store, TokioTimer::default()).unwrap();
        s.backfill_scoped(scope).await.unwrap();
        check(store, &full, &[k]);
    }
    let alice = stores[0].1.snapshot().unwrap().state;
    assert_eq!(alice.escrows[&3].approvals.len(), 1, "dave's approval");
    assert_eq!(alice.tokens[&1].owner, Some(address(&p.dave)));

    // Erin's scope takes in bob: everything of bob's up to erin's checkpoint, complete.
    let (mut scope, store) = stores.remove(4);
    let mut s = Syncer::new(chain.config(2), &store, TokioTimer::default()).unwrap();
    s.add_account(&mut scope, address(&p.bob)).await.unwrap();
    s.backfill_scoped(&scope).await.unwrap();
    check(&store, &full, &[&p.erin, &p.bob]);
}
