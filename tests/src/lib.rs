//! Fixtures shared by the cross-contract tests and the cost report: where
//! the built contract Wasm lives, how to register a contract either as its
//! native Rust crate or as that Wasm on the real Soroban host, and how to
//! read the host's budget around one call.
use std::path::PathBuf;

use soroban_sdk::{xdr::ContractCostType, Address, Env};

pub mod events_doc;
pub mod fixtures;

/// The TeachLink contracts, by the name of their crate directory.
pub const CONTRACTS: [&str; 5] = ["escrow", "content", "reputation", "rewards", "bridge"];

/// How a contract runs in a test: compiled into the test binary, or as its
/// release Wasm inside the host's VM (what the network runs).
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub enum Build {
    Native,
    Wasm,
}

/// The directory cargo builds into, honouring `CARGO_TARGET_DIR`.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"),
    }
}

/// Path of a contract's release Wasm, e.g. `wasm_path("escrow")`.
pub fn wasm_path(contract: &str) -> PathBuf {
    target_dir()
        .join("wasm32v1-none/contract")
        .join(format!("teachlink_{contract}.wasm"))
}

/// A contract's release Wasm. Panics with the command to run when it has
/// not been built: these tests exist to exercise exactly that file.
pub fn wasm(contract: &str) -> Vec<u8> {
    let path = wasm_path(contract);
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {} ({e}); build the contracts first: scripts/build-contracts.sh",
            path.display()
        )
    })
}

/// Registers a TeachLink contract with its constructor arguments.
pub fn register<A>(env: &Env, build: Build, contract: &str, args: A) -> Address
where
    A: soroban_sdk::ConstructorArgs,
{
    match (build, contract) {
        (Build::Wasm, _) => env.register(wasm(contract).as_slice(), args),
        (Build::Native, "escrow") => env.register(teachlink_escrow::EscrowContract, args),
        (Build::Native, "content") => env.register(teachlink_content::ContentContract, args),
        (Build::Native, "reputation") => {
            env.register(teachlink_reputation::ReputationContract, args)
        }
        (Build::Native, "rewards") => env.register(teachlink_rewards::RewardsContract, args),
        (Build::Native, "bridge") => env.register(teachlink_bridge::BridgeContract, args),
        (Build::Native, other) => panic!("unknown contract {other}"),
    }
}

/// CPU instructions and memory bytes the host charged for one call.
#[derive(Copy, Clone, Debug, Default, Eq, PartialEq)]
pub struct Cost {
    pub cpu_instructions: u64,
    pub memory_bytes: u64,
    /// The part of `cpu_instructions` spent parsing and instantiating Wasm
    /// modules (zero natively). The test host, like the network since
    /// protocol 23, caches parsed modules, so this is instantiation alone:
    /// it grows with the number of host functions a module imports and of
    /// entry points it exports.
    pub vm_instantiation_cpu: u64,
}

const VM_START_COSTS: [ContractCostType; 22] = [
    ContractCostType::VmInstantiation,
    ContractCostType::VmCachedInstantiation,
    ContractCostType::ParseWasmInstructions,
    ContractCostType::ParseWasmFunctions,
    ContractCostType::ParseWasmGlobals,
    ContractCostType::ParseWasmTableEntries,
    ContractCostType::ParseWasmTypes,
    ContractCostType::ParseWasmDataSegments,
    ContractCostType::ParseWasmElemSegments,
    ContractCostType::ParseWasmImports,
    ContractCostType::ParseWasmExports,
    ContractCostType::ParseWasmDataSegmentBytes,
    ContractCostType::InstantiateWasmInstructions,
    ContractCostType::InstantiateWasmFunctions,
    ContractCostType::InstantiateWasmGlobals,
    ContractCostType::InstantiateWasmTableEntries,
    ContractCostType::InstantiateWasmTypes,
    ContractCostType::InstantiateWasmDataSegments,
    ContractCostType::InstantiateWasmElemSegments,
    ContractCostType::InstantiateWasmImports,
    ContractCostType::InstantiateWasmExports,
    ContractCostType::InstantiateWasmDataSegmentBytes,
];

/// Runs `call` on a freshly reset budget and returns what it cost.
pub fn measure<R>(env: &Env, call: impl FnOnce() -> R) -> (R, Cost) {
    let mut budget = env.cost_estimate().budget();
    budget.reset_default();
    let result = call();
    let cost = Cost {
        cpu_instructions: budget.cpu_instruction_cost(),
        memory_bytes: budget.memory_bytes_cost(),
        vm_instantiation_cpu: VM_START_COSTS.iter().map(|t| budget.tracker(*t).cpu).sum(),
    };
    (result, cost)
}
