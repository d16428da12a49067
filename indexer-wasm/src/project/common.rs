//! Owns the projection of the common events every contract emits: each contract's admin,
//! roles, pause flag and upgrades ([`ContractAdmin`]).

use std::collections::BTreeSet;

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
        | E::Upgraded { .. } => {
            changes.contracts.insert(contract);
        }
        _ => {}
    }
}

impl State {
    fn contract(&mut self, contract: Address) -> &mut ContractAdmin {
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
            })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn projects_every_common_event() {
        super::super::check_section("common");
    }
}
