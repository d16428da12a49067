//! Owns the escrow contract's projection: [`Escrow`]s, their terms, approvals and status
//! history, and how each escrow event changes them.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::{Changes, Stamp, State};
use crate::decode::TeachLinkEvent as E;
use crate::decode::{Resolution, Signer};
use crate::types::{amount, Address};

/// Where an escrow is in its life (the contract's `EscrowStatus`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EscrowStatus {
    Open,
    Disputed,
    Released,
    Refunded,
    Cancelled,
    Resolved,
}

impl EscrowStatus {
    /// The status as one lowercase word: the SQL stores' column text, and what pages show.
    pub fn as_str(self) -> &'static str {
        match self {
            EscrowStatus::Open => "open",
            EscrowStatus::Disputed => "disputed",
            EscrowStatus::Released => "released",
            EscrowStatus::Refunded => "refunded",
            EscrowStatus::Cancelled => "cancelled",
            EscrowStatus::Resolved => "resolved",
        }
    }
}

/// What the depositor asked for at creation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EscrowTerms {
    pub token: Address,
    #[serde(with = "amount")]
    pub amount: i128,
    pub signers: Vec<Signer>,
    pub threshold: u32,
    pub release_after: Option<u64>,
    pub refund_after: Option<u64>,
    pub arbitrator: Option<Address>,
    pub course_id: u64,
}

/// One signer's approval.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    pub signer: Address,
    pub weight: u32,
    /// Total approved weight once this approval counted.
    pub approved_weight: u32,
    pub stamp: Stamp,
}

/// One step of an escrow's status history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    pub status: EscrowStatus,
    pub by: Option<Address>,
    pub stamp: Stamp,
}

/// A course escrow as its events describe it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Escrow {
    pub id: u64,
    pub contract: Address,
    pub depositor: Option<Address>,
    pub beneficiary: Option<Address>,
    /// `None` when the creation event was missed (retention gap).
    pub terms: Option<EscrowTerms>,
    pub approvals: Vec<Approval>,
    pub approved_weight: u32,
    pub status: EscrowStatus,
    pub history: Vec<StatusChange>,
    pub dispute_reason: Option<String>,
    pub resolution: Option<Resolution>,
    /// Paid out to the beneficiary (release or resolution).
    #[serde(with = "amount")]
    pub paid_to_beneficiary: i128,
    /// Returned to the depositor (refund, cancellation or resolution).
    #[serde(with = "amount")]
    pub returned_to_depositor: i128,
}

impl Escrow {
    fn new(id: u64, contract: Address) -> Self {
        Escrow {
            id,
            contract,
            depositor: None,
            beneficiary: None,
            terms: None,
            approvals: Vec::new(),
            approved_weight: 0,
            status: EscrowStatus::Open,
            history: Vec::new(),
            dispute_reason: None,
            resolution: None,
            paid_to_beneficiary: 0,
            returned_to_depositor: 0,
        }
    }

    /// Everyone with a part in the escrow: depositor, beneficiary, signers, arbitrator.
    pub fn parties(&self) -> BTreeSet<Address> {
        let mut out = BTreeSet::new();
        out.extend(self.depositor);
        out.extend(self.beneficiary);
        if let Some(t) = &self.terms {
            out.extend(t.signers.iter().map(|s| s.address));
            out.extend(t.arbitrator);
        }
        out.extend(self.approvals.iter().map(|a| a.signer));
        out
    }

    fn set_status(&mut self, status: EscrowStatus, by: Option<Address>, stamp: Stamp) {
        self.status = status;
        self.history.push(StatusChange { status, by, stamp });
    }
}

/// Applies one event of this contract; the others are left alone (the caller,
/// [`State::apply_event`], sends each event to its contract's module and has recorded
/// its id as applied).
pub(super) fn apply(state: &mut State, body: &E, contract: Address, stamp: Stamp) {
    match body {
        E::EscrowCreated {
            escrow_id,
            depositor,
            beneficiary,
            token,
            amount,
            signers,
            threshold,
            release_after,
            refund_after,
            arbitrator,
            course_id,
        } => {
            let x = state
                .escrows
                .entry(*escrow_id)
                .or_insert_with(|| Escrow::new(*escrow_id, contract));
            x.depositor = Some(*depositor);
            x.beneficiary = Some(*beneficiary);
            x.terms = Some(EscrowTerms {
                token: *token,
                amount: *amount,
                signers: signers.clone(),
                threshold: *threshold,
                release_after: *release_after,
                refund_after: *refund_after,
                arbitrator: *arbitrator,
                course_id: *course_id,
            });
            x.set_status(EscrowStatus::Open, Some(*depositor), stamp);
        }
        E::EscrowApproved {
            escrow_id,
            signer,
            weight,
            approved_weight,
            ..
        } => {
            let x = state.escrow(*escrow_id, contract);
            x.approvals.push(Approval {
                signer: *signer,
                weight: *weight,
                approved_weight: *approved_weight,
                stamp,
            });
            x.approved_weight = *approved_weight;
        }
        E::EscrowReleased {
            escrow_id,
            beneficiary,
            amount,
            by,
        } => {
            let x = state.escrow(*escrow_id, contract);
            x.beneficiary = Some(*beneficiary);
            x.paid_to_beneficiary = x.paid_to_beneficiary.saturating_add(*amount);
            x.set_status(EscrowStatus::Released, Some(*by), stamp);
        }
        E::EscrowRefunded {
            escrow_id,
            depositor,
            amount,
            by,
        } => {
            let x = state.escrow(*escrow_id, contract);
            x.depositor = Some(*depositor);
            x.returned_to_depositor = x.returned_to_depositor.saturating_add(*amount);
            x.set_status(EscrowStatus::Refunded, Some(*by), stamp);
        }
        E::EscrowCancelled {
            escrow_id,
            depositor,
            amount,
        } => {
            let x = state.escrow(*escrow_id, contract);
            x.depositor = Some(*depositor);
            x.returned_to_depositor = x.returned_to_depositor.saturating_add(*amount);
            x.set_status(EscrowStatus::Cancelled, Some(*depositor), stamp);
        }
        E::EscrowDisputed {
            escrow_id,
            by,
            reason,
        } => {
            let x = state.escrow(*escrow_id, contract);
            x.dispute_reason = Some(reason.clone());
            x.set_status(EscrowStatus::Disputed, Some(*by), stamp);
        }
        E::EscrowResolved {
            escrow_id,
            arbitrator,
            resolution,
            to_beneficiary,
            to_depositor,
        } => {
            let x = state.escrow(*escrow_id, contract);
            x.resolution = Some(*resolution);
            x.paid_to_beneficiary = x.paid_to_beneficiary.saturating_add(*to_beneficiary);
            x.returned_to_depositor = x.returned_to_depositor.saturating_add(*to_depositor);
            x.set_status(EscrowStatus::Resolved, Some(*arbitrator), stamp);
        }
        _ => {}
    }
}

/// Records the entities an event of this contract writes (kept in step with [`apply`]).
pub(super) fn changes(changes: &mut Changes, _contract: Address, body: &E) {
    match body {
        E::EscrowCreated { escrow_id, .. }
        | E::EscrowApproved { escrow_id, .. }
        | E::EscrowReleased { escrow_id, .. }
        | E::EscrowRefunded { escrow_id, .. }
        | E::EscrowCancelled { escrow_id, .. }
        | E::EscrowDisputed { escrow_id, .. }
        | E::EscrowResolved { escrow_id, .. } => {
            changes.escrows.insert(*escrow_id);
        }
        _ => {}
    }
}

impl State {
    /// The escrow an event refers to; an escrow first seen after its creation (missed in
    /// a gap) is created empty and the event counted as an orphan.
    fn escrow(&mut self, id: u64, contract: Address) -> &mut Escrow {
        let orphans = &mut self.orphans;
        let x = self
            .escrows
            .entry(id)
            .or_insert_with(|| Escrow::new(id, contract));
        if x.terms.is_none() {
            *orphans = orphans.saturating_add(1);
        }
        x
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn projects_every_escrow_event() {
        super::super::check_section("escrow");
    }
}
