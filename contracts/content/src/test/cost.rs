//! CPU cost of the two hot entry points, each measured alone on a fresh
//! contract: budget reset right before one call, realistic arguments.
extern crate std;

use soroban_sdk::{testutils::Address as _, Address};

use super::{mint, params, setup_mocked};

/// Native (Rust, not Wasm) CPU instruction targets.
const MINT_MAX_CPU: u64 = 124_000;
const TRANSFER_MAX_CPU: u64 = 170_000;

#[test]
fn cost_of_mint_and_transfer() {
    let s = setup_mocked();
    let creator = Address::generate(&s.env);
    let buyer = Address::generate(&s.env);
    let params = params(&s.env);

    s.env.cost_estimate().budget().reset_default();
    let id = mint(&s.client, &creator, &params);
    let mint_cpu = s.env.cost_estimate().budget().cpu_instruction_cost();

    s.env.cost_estimate().budget().reset_default();
    s.client.transfer(&creator, &buyer, &id);
    let transfer_cpu = s.env.cost_estimate().budget().cpu_instruction_cost();

    // The token's first transfer is the dearest: it also reads the
    // metadata and creates the token's hot record. Measure a later one too.
    s.env.cost_estimate().budget().reset_default();
    s.client.transfer(&buyer, &creator, &id);
    let later_transfer_cpu = s.env.cost_estimate().budget().cpu_instruction_cost();

    std::println!(
        "native CPU instructions: mint {mint_cpu}, first transfer {transfer_cpu}, \
         later transfer {later_transfer_cpu}"
    );
    assert!(mint_cpu <= MINT_MAX_CPU, "mint costs {mint_cpu}");
    assert!(
        transfer_cpu <= TRANSFER_MAX_CPU,
        "transfer costs {transfer_cpu}"
    );
    assert!(
        later_transfer_cpu <= TRANSFER_MAX_CPU,
        "later transfer costs {later_transfer_cpu}"
    );
}
