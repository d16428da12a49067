//! Tests of the rewards contract, one file per concern under `test/`.

mod admin;
mod claim;
mod fund;
mod invariants;
mod issue;
mod setup;
mod withdraw;
