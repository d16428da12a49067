//! The same measurement through the release Wasm. Ignored by default
//! because it needs the Wasm built first:
//! `scripts/build-contracts.sh`, then
//! `cargo test -p teachlink-content wasm_cost -- --ignored --nocapture`.
extern crate std;

use soroban_sdk::{testutils::Address as _, xdr::ContractCostType, Address};

use super::{mint, params};
use crate::ContentContractClient;

const WASM: &str = std::concat!(
    std::env!("CARGO_MANIFEST_DIR"),
    "/../../target/wasm32v1-none/contract/teachlink_content.wasm"
);

#[test]
#[ignore = "needs the release Wasm; see the module docs"]
fn wasm_cost_of_mint_and_transfer() {
    let wasm = std::fs::read(WASM).expect("build the release Wasm first");
    let env = teachlink_common::testutils::env();
    env.mock_all_auths();
    let admin = Address::generate(&env);
    let id = env.register(
        wasm.as_slice(),
        (admin, teachlink_common::testutils::TIMELOCK_DELAY),
    );
    let client = ContentContractClient::new(&env, &id);
    let creator = Address::generate(&env);
    let buyer = Address::generate(&env);
    let params = params(&env);

    let budget = || env.cost_estimate().budget();
    let report = |name: &str| {
        let b = budget();
        let instantiation: u64 = [
            ContractCostType::InstantiateWasmInstructions,
            ContractCostType::InstantiateWasmFunctions,
            ContractCostType::InstantiateWasmImports,
            ContractCostType::InstantiateWasmExports,
            ContractCostType::InstantiateWasmGlobals,
            ContractCostType::InstantiateWasmDataSegmentBytes,
        ]
        .iter()
        .map(|t| b.tracker(*t).cpu)
        .sum();
        std::println!(
            "wasm {name}: {} CPU instructions ({} of them instantiating the module, \
             {} executing Wasm)",
            b.cpu_instruction_cost(),
            instantiation,
            b.tracker(ContractCostType::WasmInsnExec).cpu,
        );
        b.cpu_instruction_cost()
    };

    budget().reset_default();
    let token = mint(&client, &creator, &params);
    report("mint");
    budget().reset_default();
    client.transfer(&creator, &buyer, &token);
    report("first transfer");
    budget().reset_default();
    client.transfer(&buyer, &creator, &token);
    report("later transfer");
    budget().reset_default();
    client.is_paused();
    report("is_paused");
}
