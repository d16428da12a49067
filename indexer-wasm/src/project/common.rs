//! Owns the projection of the common events every contract emits: each contract's admin,
//! roles, pause flag, upgrades and pending timelocked operations ([`ContractAdmin`]).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::{Changes, Stamp, State};
use crate::decode::TeachLinkEvent as E;
use crate::types::{Address, Hash32};

/// A role held by an account.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RoleGrant {
    pub role: String,
    pub account: Address,
}

/// A timelocked operation the admin proposed and has neither run nor cancelled.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PendingOperation {
    /// The gated entry point.
    pub op: String,
    /// Its exact arguments, each a base64 XDR `ScVal`.
    pub args: Vec<String>,
    /// When it may run, UNIX seconds.
    pub ready_at: u64,
}

/// Admin state of one contract from the common events.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractAdmin {
    pub contract: Address,
    /// `None` until an `admin_changed` (the constructor sets the first admin silently).
    pub admin: Option<Address>,
    pub roles: BTreeSet<RoleGrant>,
    pub paused: bool,
    pub paused_by: Option<Address>,
    pub wasm_hash: Option<Hash32>,
    pub upgrades: u32,
    /// Reputation contracts: each course's bound issuer (`course_bound`, written by the
    /// reputation module).
    #[serde(default)]
    pub courses: BTreeMap<u64, Address>,
    /// Pending timelocked operations, in proposal order. Absent in entities stored before
    /// the timelock existed.
    #[serde(default)]
    pub pending: Vec<PendingOperation>,
}

/// Applies one common event; the others are left alone (the caller,
/// [`State::apply_event`], sends each event to its contract's module and has recorded
/// its id as applied).
pub(super) fn apply(state: &mut State, body: &E, contract: Address, _stamp: Stamp) {
    match body {
        E::AdminChanged { admin, .. } => state.contract(contract).admin = Some(*admin),
        E::RoleGranted { role, account } => {
            state.contract(contract).roles.insert(RoleGrant {
                role: role.clone(),
                account: *account,
            });
        }
        E::RoleRevoked { role, account } => {
            state.contract(contract).roles.remove(&RoleGrant {
                role: role.clone(),
                account: *account,
            });
        }
        E::Paused { by } => {
            let c = state.contract(contract);
            c.paused = true;
            c.paused_by = Some(*by);
        }
        E::Unpaused { .. } => {
            let c = state.contract(contract);
            c.paused = false;
            c.paused_by = None;
        }
        E::Upgraded { wasm_hash } => {
            let c = state.contract(contract);
            c.wasm_hash = Some(*wasm_hash);
            c.upgrades = c.upgrades.saturating_add(1);
        }
        E::Proposed { op, args, ready_at } => {
            // The contract refuses a second proposal of the same operation while one is
            // pending, so there is nothing to replace.
            state.contract(contract).pending.push(PendingOperation {
                op: op.clone(),
                args: args.clone(),
                ready_at: *ready_at,
            });
        }
        E::Cancelled { op, args } | E::Executed { op, args } => {
            state
                .contract(contract)
                .pending
                .retain(|p| p.op != *op || p.args != *args);
        }
        _ => {}
    }
}

/// Records the entities a common event writes (kept in step with [`apply`]).
pub(super) fn changes(changes: &mut Changes, contract: Address, body: &E) {
    match body {
        E::AdminChanged { .. }
        | E::RoleGranted { .. }
        | E::RoleRevoked { .. }
        | E::Paused { .. }
        | E::Unpaused { .. }
        | E::Upgraded { .. }
        | E::Proposed { .. }
        | E::Cancelled { .. }
        | E::Executed { .. } => {
            changes.contracts.insert(contract);
        }
        _ => {}
    }
}

impl State {
    pub(super) fn contract(&mut self, contract: Address) -> &mut ContractAdmin {
        self.contracts
            .entry(contract)
            .or_insert_with(|| ContractAdmin {
                contract,
                admin: None,
                roles: BTreeSet::new(),
                paused: false,
                paused_by: None,
                wasm_hash: None,
                upgrades: 0,
                courses: BTreeMap::new(),
                pending: Vec::new(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::{apply, PendingOperation, State, E};
    use crate::types::Address;

    #[test]
    fn projects_every_common_event() {
        super::super::check_section("common");
    }

    #[test]
    fn an_operation_is_pending_from_its_proposal_until_run_or_cancelled() {
        let contract = Address::Contract([7; 32]);
        let stamp = super::Stamp::from(&crate::traffic::meta(0, contract));
        let mut state = State::default();
        let args = |a: &str| vec![a.to_string()];
        let op = |name: &str| name.to_string();
        for (name, a, ready_at) in [("upgrade", "AAA=", 10), ("upgrade", "BBB=", 20)] {
            apply(
                &mut state,
                &E::Proposed {
                    op: op(name),
                    args: args(a),
                    ready_at,
                },
                contract,
                stamp,
            );
        }
        let pending = |state: &State| state.contracts[&contract].pending.clone();
        assert_eq!(pending(&state).len(), 2);
        apply(
            &mut state,
            &E::Executed {
                op: op("upgrade"),
                args: args("AAA="),
            },
            contract,
            stamp,
        );
        // Only the operation with the same arguments ran.
        assert_eq!(
            pending(&state),
            vec![PendingOperation {
                op: op("upgrade"),
                args: args("BBB="),
                ready_at: 20,
            }]
        );
        apply(
            &mut state,
            &E::Cancelled {
                op: op("upgrade"),
                args: args("BBB="),
            },
            contract,
            stamp,
        );
        assert!(pending(&state).is_empty());
    }
}
