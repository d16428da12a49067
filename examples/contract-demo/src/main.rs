//! The contract demo: one paid course, end to end, on the real Soroban host
//! running the contracts' release Wasm. Prints each step, the events it
//! emitted and what it cost.
use std::collections::HashMap;

use soroban_sdk::{
    testutils::{Address as _, Events as _, Ledger as _},
    token, vec,
    xdr::{self, ScVal},
    Address, BytesN, Env, String, Symbol,
};
use teachlink_content::ContentContractClient;
use teachlink_escrow::{EscrowContractClient, EscrowTerms, Signer};
use teachlink_reputation::ReputationContractClient;
use teachlink_rewards::RewardsContractClient;
use teachlink_tests::{measure, register, wasm_path, Build, CONTRACTS};

const UNIT: i128 = 10_000_000;

struct Demo {
    env: Env,
    names: HashMap<xdr::ScAddress, &'static str>,
}

impl Demo {
    fn party(&mut self, name: &'static str) -> Address {
        let address = Address::generate(&self.env);
        self.name(&address, name);
        address
    }

    fn name(&mut self, address: &Address, name: &'static str) {
        self.names.insert(address.into(), name);
    }

    /// Runs one step, then prints its cost and the events it emitted.
    fn step<R>(&self, title: &str, call: impl FnOnce() -> R) -> R {
        let (result, cost) = measure(&self.env, call);
        println!(
            "\n▸ {title}  ({} CPU instructions, {} bytes)",
            cost.cpu_instructions, cost.memory_bytes
        );
        for event in self.env.events().all().events() {
            let xdr::ContractEventBody::V0(body) = &event.body;
            let contract = event
                .contract_id
                .as_ref()
                .map(|id| self.render_address(&xdr::ScAddress::Contract(id.clone())))
                .unwrap_or_default();
            let topics: Vec<std::string::String> =
                body.topics.iter().map(|t| self.render(t)).collect();
            println!(
                "    event {contract}: [{}] {}",
                topics.join(", "),
                self.render(&body.data)
            );
        }
        result
    }

    fn render_address(&self, address: &xdr::ScAddress) -> std::string::String {
        match self.names.get(address) {
            Some(name) => name.to_string(),
            None => "<address>".into(),
        }
    }

    /// A short human rendering of a contract value.
    fn render(&self, value: &ScVal) -> std::string::String {
        match value {
            ScVal::Symbol(s) => s.to_utf8_string_lossy(),
            ScVal::String(s) => format!("{:?}", s.to_utf8_string_lossy()),
            ScVal::U32(n) => n.to_string(),
            ScVal::U64(n) => n.to_string(),
            ScVal::I128(parts) => {
                let n = ((parts.hi as i128) << 64) | parts.lo as i128;
                format!("{}.{:07}", n / UNIT, (n % UNIT).abs())
            }
            ScVal::Bool(b) => b.to_string(),
            ScVal::Void => "none".into(),
            ScVal::Address(a) => self.render_address(a),
            ScVal::Bytes(b) => format!("0x{}…", hex_prefix(b.as_slice())),
            ScVal::Vec(Some(items)) => format!(
                "[{}]",
                items
                    .iter()
                    .map(|v| self.render(v))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            ScVal::Map(Some(entries)) => format!(
                "{{{}}}",
                entries
                    .iter()
                    .map(|e| format!("{}: {}", self.render(&e.key), self.render(&e.val)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            other => format!("{other:?}"),
        }
    }
}

fn hex_prefix(bytes: &[u8]) -> std::string::String {
    bytes.iter().take(4).map(|b| format!("{b:02x}")).collect()
}

fn main() {
    let env = teachlink_tests::fixtures::World::new().env;
    let mut demo = Demo {
        env: env.clone(),
        names: HashMap::new(),
    };
    println!("TeachLink contract demo — release Wasm on the Soroban host (protocol line 27)");
    for contract in CONTRACTS {
        let size = std::fs::metadata(wasm_path(contract))
            .map(|m| m.len())
            .unwrap_or(0);
        println!("  {contract:<11} {size:>6} bytes of Wasm");
    }

    let admin = demo.party("admin");
    let ada = demo.party("ada (learner)");
    let alan = demo.party("alan (teacher)");
    let grace = demo.party("grace (reviewer)");
    let hopper = demo.party("hopper (arbitrator)");
    let registrar = demo.party("registrar (issuer)");
    let sac = env.register_stellar_asset_contract_v2(admin.clone());
    demo.name(&sac.address(), "USDC");
    let usdc = token::TokenClient::new(&env, &sac.address());
    token::StellarAssetClient::new(&env, &sac.address()).mint(&ada, &(500 * UNIT));
    token::StellarAssetClient::new(&env, &sac.address()).mint(&admin, &(1_000 * UNIT));

    // A day between proposing an upgrade and running it.
    let delay = 86_400u64;
    let escrow_id = register(&env, Build::Wasm, "escrow", (admin.clone(), delay));
    let content_id = register(&env, Build::Wasm, "content", (admin.clone(), delay));
    let reputation_id = register(&env, Build::Wasm, "reputation", (admin.clone(), delay));
    let rewards_id = register(
        &env,
        Build::Wasm,
        "rewards",
        (admin.clone(), delay, sac.address()),
    );
    demo.name(&escrow_id, "escrow");
    demo.name(&content_id, "content");
    demo.name(&reputation_id, "reputation");
    demo.name(&rewards_id, "rewards");
    let escrow = EscrowContractClient::new(&env, &escrow_id);
    let content = ContentContractClient::new(&env, &content_id);
    let reputation = ReputationContractClient::new(&env, &reputation_id);
    let rewards = RewardsContractClient::new(&env, &rewards_id);
    let issuer_role = Symbol::new(&env, "issuer");
    reputation.grant_role(&issuer_role, &registrar);
    rewards.grant_role(&issuer_role, &registrar);

    let course = demo.step("alan mints his course as a content NFT", || {
        content.mint(
            &alan,
            &String::from_str(&env, "Soroban smart contracts from zero"),
            &BytesN::from_array(&env, &[0xab; 32]),
            &String::from_str(
                &env,
                "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi",
            ),
            &Symbol::new(&env, "cc_by"),
            &vec![
                &env,
                Symbol::new(&env, "soroban"),
                Symbol::new(&env, "rust"),
            ],
            &true,
            &500,
        )
    });

    let now = env.ledger().timestamp();
    let paid = demo.step("ada pays 120 USDC for the course into escrow", || {
        escrow.create(
            &ada,
            &EscrowTerms {
                beneficiary: alan.clone(),
                token: sac.address(),
                amount: 120 * UNIT,
                signers: vec![
                    &env,
                    Signer {
                        address: ada.clone(),
                        weight: 1,
                    },
                    Signer {
                        address: grace.clone(),
                        weight: 1,
                    },
                ],
                threshold: 2,
                release_after: Some(now + 3_600),
                refund_after: Some(now + 14 * 86_400),
                arbitrator: Some(hopper.clone()),
                course_id: course,
            },
        )
    });
    demo.step("ada approves: the course was delivered", || {
        escrow.approve(&ada, &paid)
    });
    demo.step("grace, the reviewer, approves too", || {
        escrow.approve(&grace, &paid)
    });
    env.ledger().set_timestamp(now + 3_600);
    demo.step("an hour later alan releases the payment", || {
        escrow.release(&alan, &paid)
    });

    demo.step("admin binds the course to the registrar", || {
        reputation.bind_course(&course, &registrar)
    });
    demo.step("the registrar records ada's completion (score 92%)", || {
        reputation.record_completion(&registrar, &ada, &course, &92)
    });
    demo.step("admin funds the reward pool with 200 USDC", || {
        rewards.fund(&admin, &(200 * UNIT))
    });
    demo.step("admin lets the registrar promise up to 50 USDC", || {
        rewards.set_allowance(&registrar, &(50 * UNIT))
    });
    demo.step("the registrar rewards ada with 10 USDC", || {
        rewards.issue(
            &registrar,
            &ada,
            &(10 * UNIT),
            &Symbol::new(&env, "completion"),
        )
    });
    demo.step("ada claims her reward", || rewards.claim(&ada));

    let profile = reputation.profile(&ada);
    println!("\nAfterwards:");
    println!(
        "  alan holds {} USDC; ada holds {} USDC",
        usdc.balance(&alan) / UNIT,
        usdc.balance(&ada) / UNIT
    );
    println!(
        "  ada: credit score {} / 1000, reputation {} / 10000, {} completion(s)",
        profile.credit_score, profile.reputation, profile.completions
    );
    println!("  escrow #{paid}: {:?}", escrow.escrow(&paid).status);
    println!(
        "  content #{course} owned by {}",
        demo.render_address(&(&content.owner_of(&course)).into())
    );
}
