//! Events of the shared admin, role, pause, timelock and upgrade actions.
//! They carry the same names in every contract; see `contracts/EVENTS.md`.
//!
//! Plain `//` comments on the structs: doc comments are copied into every
//! contract's Wasm spec, and the bridge has no bytes to spare.
use soroban_sdk::{contractevent, Address, BytesN, Env, Event, Symbol, Val, Vec};

/// An event's topics and data, behind a trait object. Not `dyn Event`: its
/// vtable would hold `Event::publish`, generic per event type, which is what
/// this avoids.
pub trait Parts {
    fn topics(&self, env: &Env) -> Vec<Val>;
    fn data(&self, env: &Env) -> Val;
}

impl<T: Event> Parts for T {
    #[inline(always)]
    fn topics(&self, env: &Env) -> Vec<Val> {
        Event::topics(self, env)
    }
    #[inline(always)]
    fn data(&self, env: &Env) -> Val {
        Event::data(self, env)
    }
}

/// Publishes `event` through one function for every event type. The SDK's
/// `publish` is generic: one copy per event type (23 in the bridge) of
/// about 80 bytes of Wasm each.
#[inline(never)]
pub fn publish(env: &Env, event: &dyn Parts) {
    env.events().publish_event(&Dyn(event));
}

/// A type-erased event, so `publish_event` is instantiated once.
struct Dyn<'a>(&'a dyn Parts);

impl Event for Dyn<'_> {
    fn topics(&self, env: &Env) -> Vec<Val> {
        self.0.topics(env)
    }
    fn data(&self, env: &Env) -> Val {
        self.0.data(env)
    }
}

/// `event.emit(env)`: publishes any contract event through [`publish`].
pub trait Emit: Event + Sized {
    #[inline(always)]
    fn emit(&self, env: &Env) {
        publish(env, self);
    }
}

impl<T: Event> Emit for T {}

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
