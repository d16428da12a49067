//! Owns the demo data set on the embedded localnet: teachers, learners and reviewers with
//! deterministic keys (sha256 of their names), funded from the genesis (root) account;
//! courses minted as content NFTs; escrows created, approved and released; completions and
//! a contribution recorded and rated; the reward pool funded, rewards issued and claimed.
//! Every step is a real transaction: simulated, signed with the actor's ed25519 key,
//! validated and applied by the node.
//!
//! Localnet state is ephemeral (a new chain every run), so the demo simply runs once per
//! start; there is nothing to make idempotent across restarts.

use std::collections::BTreeSet;

use ed25519_dalek::SigningKey;
use serde::Serialize;
use stellar_xdr::{
    AccountId, HostFunction, Int128Parts, InvokeContractArgs, PublicKey, ScAddress, ScBytes, ScMap,
    ScMapEntry, ScString, ScSymbol, ScVal, ScVec, Uint256,
};
use teachlink_localnet::node::{sign_envelope, Node, Submission};
use teachlink_localnet::{Deployment, LocalnetError, LocalnetHandle};

/// Stroops per lumen.
const XLM: i128 = 10_000_000;

/// The demo's progress, shown by /api/status.
#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum DemoState {
    Running {
        transactions: u32,
    },
    Done {
        transactions: u32,
        /// Events the TeachLink contracts emitted for the demo: what the indexer must find.
        events: u32,
        people: Vec<Person>,
    },
    Failed {
        error: String,
    },
    Stopped,
}

/// Someone in the demo.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Person {
    pub name: String,
    pub role: &'static str,
    /// G… account id.
    pub account: String,
}

/// Why the demo did not complete.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("localnet: {0}")]
    Localnet(#[from] LocalnetError),
    #[error("XDR: {0}")]
    Xdr(#[from] stellar_xdr::Error),
    #[error("{step}: refused by the node: {detail}")]
    Refused { step: String, detail: String },
    #[error("{step}: the transaction failed: {detail}")]
    Failed { step: String, detail: String },
    #[error("the deployment has no {0} contract")]
    MissingContract(&'static str),
    #[error("stopped by shutdown")]
    Stopped,
}

/// The deterministic key of a demo participant.
pub fn key(name: &str) -> SigningKey {
    SigningKey::from_bytes(&teachlink_localnet::sha256(
        format!("teachlink-demo/{name}").as_bytes(),
    ))
}

fn account_id(k: &SigningKey) -> AccountId {
    AccountId(PublicKey::PublicKeyTypeEd25519(Uint256(
        k.verifying_key().to_bytes(),
    )))
}

fn addr(k: &SigningKey) -> ScVal {
    ScVal::Address(ScAddress::Account(account_id(k)))
}

fn sym(s: &str) -> Result<ScVal, DemoError> {
    Ok(ScVal::Symbol(ScSymbol(s.try_into()?)))
}

fn string(s: &str) -> Result<ScVal, DemoError> {
    Ok(ScVal::String(ScString(s.as_bytes().to_vec().try_into()?)))
}

fn bytes32(seed: &str) -> Result<ScVal, DemoError> {
    Ok(ScVal::Bytes(ScBytes(
        teachlink_localnet::sha256(seed.as_bytes())
            .to_vec()
            .try_into()?,
    )))
}

fn i128v(v: i128) -> ScVal {
    ScVal::I128(Int128Parts {
        hi: (v >> 64) as i64,
        lo: v as u64,
    })
}

fn vec(items: Vec<ScVal>) -> Result<ScVal, DemoError> {
    Ok(ScVal::Vec(Some(ScVec(items.try_into()?))))
}

/// A contract-type struct: a map with its keys in order.
fn map(mut fields: Vec<(&str, ScVal)>) -> Result<ScVal, DemoError> {
    fields.sort_by(|a, b| a.0.cmp(b.0));
    let entries = fields
        .into_iter()
        .map(|(k, val)| Ok(ScMapEntry { key: sym(k)?, val }))
        .collect::<Result<Vec<_>, DemoError>>()?;
    Ok(ScVal::Map(Some(ScMap(entries.try_into()?))))
}

/// The running demo: the node access, the contracts and what has been done so far.
struct Demo<'a> {
    net: &'a LocalnetHandle,
    teachlink: BTreeSet<stellar_xdr::ContractId>,
    transactions: u32,
    events: u32,
    stop: &'a dyn Fn() -> bool,
    progress: &'a dyn Fn(u32),
}

impl Demo<'_> {
    fn check_stop(&self) -> Result<(), DemoError> {
        if (self.stop)() {
            Err(DemoError::Stopped)
        } else {
            Ok(())
        }
    }

    /// Closes the ledger holding `hashes` and checks each succeeded; counts their
    /// TeachLink events.
    fn settle(&mut self, node: &mut Node, steps: &[(String, [u8; 32])]) -> Result<(), DemoError> {
        node.close_ledger()?;
        for (step, hash) in steps {
            let record = node.transaction(hash).ok_or_else(|| DemoError::Failed {
                step: step.clone(),
                detail: "not applied".into(),
            })?;
            if !record.applied.success {
                return Err(DemoError::Failed {
                    step: step.clone(),
                    detail: format!("{:?}", record.applied.result.result),
                });
            }
            let ours = record
                .applied
                .contract_events
                .iter()
                .filter(|e| {
                    e.contract_id
                        .as_ref()
                        .is_some_and(|id| self.teachlink.contains(id))
                })
                .count();
            self.events += u32::try_from(ours).unwrap_or(u32::MAX);
            self.transactions += 1;
        }
        (self.progress)(self.transactions);
        Ok(())
    }

    /// Funds every account from the root account, all in one ledger.
    fn fund(&mut self, keys: &[&SigningKey], lumens: i64) -> Result<(), DemoError> {
        self.check_stop()?;
        let net = self.net;
        net.with_node(|node| {
            let mut steps = Vec::new();
            for k in keys {
                let step = format!("fund {}", account_id(k));
                match node.fund(&account_id(k), lumens * 10_000_000)? {
                    Submission::Pending(h) | Submission::Duplicate(h) => steps.push((step, h)),
                    Submission::Error(_, r) => {
                        return Err(DemoError::Refused {
                            step,
                            detail: format!("{:?}", r.result),
                        })
                    }
                }
            }
            self.settle(node, &steps)
        })?
    }

    /// Invokes `function` of `contract` as `signer` (the transaction's source, so its auth
    /// is the source account's), in a ledger of its own.
    fn call(
        &mut self,
        signer: &SigningKey,
        contract: &str,
        function: &str,
        args: Vec<ScVal>,
    ) -> Result<(), DemoError> {
        self.check_stop()?;
        let step = format!("{function} on {contract}");
        let host_function = HostFunction::InvokeContract(InvokeContractArgs {
            contract_address: contract.parse::<ScAddress>()?,
            function_name: ScSymbol(function.try_into()?),
            args: args.try_into()?,
        });
        tracing::debug!(%step, "demo transaction");
        let net = self.net;
        net.with_node(|node| {
            let tx =
                node.prepare_invoke(signer, host_function)
                    .map_err(|e| DemoError::Refused {
                        step: step.clone(),
                        detail: e.to_string(),
                    })?;
            let envelope = sign_envelope(tx, &[signer], node.network_id())?;
            let hash = match node.submit(envelope)? {
                Submission::Pending(h) | Submission::Duplicate(h) => h,
                Submission::Error(_, r) => {
                    return Err(DemoError::Refused {
                        step,
                        detail: format!("{:?}", r.result),
                    })
                }
            };
            self.settle(node, &[(step, hash)])
        })?
    }
}

/// Everyone in the demo, by role.
struct Cast {
    ada: SigningKey,
    grace: SigningKey,
    alan: SigningKey,
    barbara: SigningKey,
    edsger: SigningKey,
    margaret: SigningKey,
    ken: SigningKey,
}

impl Cast {
    fn new() -> Cast {
        Cast {
            ada: key("ada"),
            grace: key("grace"),
            alan: key("alan"),
            barbara: key("barbara"),
            edsger: key("edsger"),
            margaret: key("margaret"),
            ken: key("ken"),
        }
    }

    fn people(&self) -> Vec<Person> {
        let p = |name: &str, role, k: &SigningKey| Person {
            name: name.to_string(),
            role,
            account: account_id(k).to_string(),
        };
        vec![
            p("ada", "teacher", &self.ada),
            p("grace", "teacher", &self.grace),
            p("alan", "learner", &self.alan),
            p("barbara", "learner", &self.barbara),
            p("edsger", "learner", &self.edsger),
            p("margaret", "reviewer", &self.margaret),
            p("ken", "reviewer", &self.ken),
        ]
    }
}

/// Creates the demo data set on `net`, where `deployment` put the contracts. `stop` is
/// checked between transactions; `progress` hears the transaction count after each.
pub fn run(
    net: &LocalnetHandle,
    deployment: &Deployment,
    stop: &dyn Fn() -> bool,
    progress: &dyn Fn(u32),
) -> Result<DemoState, DemoError> {
    let contract = |name: &'static str| {
        deployment
            .contracts
            .get(name)
            .cloned()
            .ok_or(DemoError::MissingContract(name))
    };
    let escrow = contract("escrow")?;
    let content = contract("content")?;
    let reputation = contract("reputation")?;
    let rewards = contract("rewards")?;
    let mut teachlink = BTreeSet::new();
    for id in deployment.contracts.values() {
        if let ScAddress::Contract(c) = id.parse::<ScAddress>()? {
            teachlink.insert(c);
        }
    }
    let native = ScVal::Address(deployment.native_asset.parse::<ScAddress>()?);
    let root = net.with_node(|n| n.root_key().clone())?;
    let cast = Cast::new();
    let c = &cast;
    let mut demo = Demo {
        net,
        teachlink,
        transactions: 0,
        events: 0,
        stop,
        progress,
    };

    // Everyone gets lumens from the genesis account.
    demo.fund(
        &[
            &c.ada,
            &c.grace,
            &c.alan,
            &c.barbara,
            &c.edsger,
            &c.margaret,
            &c.ken,
        ],
        1_000,
    )?;
    // The platform (the contracts' admin) may record completions and issue rewards.
    demo.call(
        &root,
        &reputation,
        "grant_role",
        vec![sym("issuer")?, addr(&root)],
    )?;
    demo.call(
        &root,
        &rewards,
        "grant_role",
        vec![sym("issuer")?, addr(&root)],
    )?;

    // Teachers mint their courses as content NFTs (token ids 1, 2, 3).
    let courses = [
        (
            &c.ada,
            "Soroban smart contracts 101",
            "ipfs://teachlink-demo/soroban-101",
            vec!["soroban", "rust"],
        ),
        (
            &c.grace,
            "Rust for the web",
            "ipfs://teachlink-demo/rust-web",
            vec!["rust", "web"],
        ),
        (
            &c.ada,
            "Stellar assets and payments",
            "ipfs://teachlink-demo/stellar-assets",
            vec!["stellar"],
        ),
    ];
    for (teacher, title, uri, tags) in &courses {
        let tags = tags.iter().map(|t| sym(t)).collect::<Result<Vec<_>, _>>()?;
        demo.call(
            teacher,
            &content,
            "mint",
            vec![
                addr(teacher),
                string(title)?,
                bytes32(title)?,
                string(uri)?,
                sym("cc_by")?,
                vec(tags)?,
                ScVal::Bool(true),
                ScVal::U32(500),
            ],
        )?;
    }

    // Learners pay for courses through escrow; reviewers approve (Margaret's weight alone
    // meets the threshold), and the teacher is paid.
    let terms = |teacher: &SigningKey, amount: i128, course: u64| {
        map(vec![
            ("beneficiary", addr(teacher)),
            ("token", native.clone()),
            ("amount", i128v(amount)),
            (
                "signers",
                vec(vec![
                    map(vec![
                        ("address", addr(&c.margaret)),
                        ("weight", ScVal::U32(2)),
                    ])?,
                    map(vec![("address", addr(&c.ken)), ("weight", ScVal::U32(1))])?,
                ])?,
            ),
            ("threshold", ScVal::U32(2)),
            ("release_after", ScVal::Void),
            ("refund_after", ScVal::Void),
            ("arbitrator", ScVal::Void),
            ("course_id", ScVal::U64(course)),
        ])
    };
    let purchases = [
        (&c.alan, &c.ada, 50 * XLM, 1u64),
        (&c.barbara, &c.grace, 40 * XLM, 2),
        (&c.edsger, &c.ada, 30 * XLM, 3),
    ];
    for (learner, teacher, amount, course) in &purchases {
        demo.call(
            learner,
            &escrow,
            "create",
            vec![addr(learner), terms(teacher, *amount, *course)?],
        )?;
    }
    demo.call(
        &c.margaret,
        &escrow,
        "approve",
        vec![addr(&c.margaret), ScVal::U64(1)],
    )?;
    demo.call(
        &c.margaret,
        &escrow,
        "approve",
        vec![addr(&c.margaret), ScVal::U64(2)],
    )?;
    // Escrow 3 waits for more approvals: Ken's weight is not enough on its own.
    demo.call(
        &c.ken,
        &escrow,
        "approve",
        vec![addr(&c.ken), ScVal::U64(3)],
    )?;
    demo.call(
        &c.ada,
        &escrow,
        "release",
        vec![addr(&c.ada), ScVal::U64(1)],
    )?;
    demo.call(
        &c.grace,
        &escrow,
        "release",
        vec![addr(&c.grace), ScVal::U64(2)],
    )?;

    // Each course's completions are recorded by the issuer bound to it, the
    // platform; completions raise the learners' credit scores, and a learner
    // with a completion rates a contribution (at weight 1).
    for course_id in 1..=3 {
        demo.call(
            &root,
            &reputation,
            "bind_course",
            vec![ScVal::U64(course_id), addr(&root)],
        )?;
    }
    demo.call(
        &root,
        &reputation,
        "record_completion",
        vec![addr(&root), addr(&c.alan), ScVal::U64(1), ScVal::U32(92)],
    )?;
    demo.call(
        &root,
        &reputation,
        "record_completion",
        vec![addr(&root), addr(&c.barbara), ScVal::U64(2), ScVal::U32(85)],
    )?;
    demo.call(
        &c.alan,
        &reputation,
        "record_contribution",
        vec![
            addr(&c.alan),
            sym("tutorial")?,
            bytes32("alan's soroban tutorial")?,
        ],
    )?;
    demo.call(
        &c.barbara,
        &reputation,
        "rate",
        vec![addr(&c.barbara), ScVal::U64(1), ScVal::U32(5)],
    )?;

    // The reward pool is funded; the platform may promise up to 50 XLM of
    // it; rewards are issued, and one is claimed.
    demo.call(&root, &rewards, "fund", vec![addr(&root), i128v(100 * XLM)])?;
    demo.call(
        &root,
        &rewards,
        "set_allowance",
        vec![addr(&root), i128v(50 * XLM)],
    )?;
    demo.call(
        &root,
        &rewards,
        "issue",
        vec![addr(&root), addr(&c.alan), i128v(10 * XLM), sym("course")?],
    )?;
    demo.call(
        &root,
        &rewards,
        "issue",
        vec![
            addr(&root),
            addr(&c.barbara),
            i128v(5 * XLM),
            sym("course")?,
        ],
    )?;
    demo.call(&c.alan, &rewards, "claim", vec![addr(&c.alan)])?;

    Ok(DemoState::Done {
        transactions: demo.transactions,
        events: demo.events,
        people: cast.people(),
    })
}
