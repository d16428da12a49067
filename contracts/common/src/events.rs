//! Events of the shared admin, role, pause, timelock and upgrade actions.
//! They carry the same names in every contract; see `contracts/EVENTS.md`.
//!
//! Plain `//` comments on the structs: doc comments are copied into every
//! contract's Wasm spec, and the bridge has no bytes to spare.
use soroban_sdk::{contractevent, Address, BytesN, Symbol, Val, Vec};

// The admin handed the contract to a new admin (both authorized).
#[contractevent(topics = ["admin_changed"])]
pub struct AdminChanged {
    #[topic]
    pub previous: Address,
    #[topic]
    pub admin: Address,
}

// The admin granted `role` to `account`.
#[contractevent(topics = ["role_granted"])]
pub struct RoleGranted {
    #[topic]
    pub role: Symbol,
    #[topic]
    pub account: Address,
}

// The admin revoked `role` from `account`.
#[contractevent(topics = ["role_revoked"])]
pub struct RoleRevoked {
    #[topic]
    pub role: Symbol,
    #[topic]
    pub account: Address,
}

// The emergency role (or the admin) paused the risky entry points.
#[contractevent(topics = ["paused"])]
pub struct Paused {
    #[topic]
    pub by: Address,
}

// The emergency role (or the admin) resumed the paused entry points.
#[contractevent(topics = ["unpaused"])]
pub struct Unpaused {
    #[topic]
    pub by: Address,
}

// The admin replaced the contract's code.
#[contractevent(topics = ["upgraded"])]
pub struct Upgraded {
    pub wasm_hash: BytesN<32>,
}

// The admin scheduled `op(args)`, which may run from `ready_at`.
#[contractevent(topics = ["proposed"])]
pub struct Proposed {
    #[topic]
    pub op: Symbol,
    pub args: Vec<Val>,
    pub ready_at: u64,
}

// The admin dropped the pending `op(args)`.
#[contractevent(topics = ["cancelled"])]
pub struct Cancelled {
    #[topic]
    pub op: Symbol,
    pub args: Vec<Val>,
}

// The scheduled `op(args)` ran.
#[contractevent(topics = ["executed"])]
pub struct Executed {
    #[topic]
    pub op: Symbol,
    pub args: Vec<Val>,
}
