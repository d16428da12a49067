//! Tests of the rewards contract, one file per concern under `test/`.

mod admin;
mod allowance;
mod claim;
mod fund;
mod invariants;
mod issue;
mod revoke;
mod setup;
mod withdraw;
