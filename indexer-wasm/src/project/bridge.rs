//! Owns the bridge contract's projection: outbound and inbound transfers, validators, remote
//! chains' circuit breakers and each bridge's totals, and how each bridge event changes them.

use serde::{Deserialize, Serialize};

use super::{Changes, Stamp, State};
use crate::decode::TeachLinkEvent as E;
use crate::types::{amount, amount_opt, Address, Hash32, HexBytes};

/// Where an outbound bridge transfer (locked here for another chain) is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum OutboundStatus {
    /// Locked; may still complete on the destination chain or be refunded.
    Locked,
    /// Validators attested its completion on the destination chain.
    Confirmed,
    /// Returned to the sender.
    Refunded,
}

/// A transfer out of this chain, by its nonce.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboundTransfer {
    pub nonce: u64,
    pub contract: Address,
    pub dest_chain: u32,
    pub sender: Address,
    #[serde(with = "amount")]
    pub amount: i128,
    /// The recipient on the destination chain (hex in JSON); `None` when the lock was
    /// missed (retention gap), as is `expires_at`.
    pub recipient: Option<HexBytes>,
    /// From this time (UNIX seconds) the destination refuses to complete it.
    pub expires_at: Option<u64>,
    pub status: OutboundStatus,
    pub locked: Option<Stamp>,
    /// Stake that attested the completion elsewhere, once confirmed.
    #[serde(with = "amount_opt")]
    pub attested_stake: Option<i128>,
    /// The confirmation or refund.
    pub settled: Option<Stamp>,
}

/// A transfer into this chain, released to its recipient; one per (source chain, nonce).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboundTransfer {
    pub source_chain: u32,
    pub nonce: u64,
    pub contract: Address,
    pub recipient: Address,
    #[serde(with = "amount")]
    pub amount: i128,
    /// Stake of the validators whose attestations released it.
    #[serde(with = "amount")]
    pub attested_stake: i128,
    pub stamp: Stamp,
}

/// Where a bridge validator is in its life. `Withdrawn` is the indexer's own: the contract
/// forgets a validator once its stake is withdrawn (it may then register again).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ValidatorStatus {
    /// Bonded, waiting for the admin to activate it; does not attest.
    Inactive,
    /// Counts toward quorum.
    Active,
    /// Leaving; slashable until the stake is withdrawn at `unbonding_ends`.
    Unbonding,
    /// Stake withdrawn; no longer a validator.
    Withdrawn,
    /// Caught equivocating; stake taken, never again a validator.
    Slashed,
}

/// The proof a validator was slashed on: two conflicting attestations for one message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slash {
    pub source_chain: u32,
    pub nonce: u64,
    #[serde(with = "amount")]
    pub amount: i128,
    /// Who received the stake (the admin).
    pub to: Address,
    pub stamp: Stamp,
}

/// A bridge validator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validator {
    pub address: Address,
    pub contract: Address,
    /// The ed25519 key it signs with; `None` when the registration was missed.
    pub signing_key: Option<Hash32>,
    /// Bonded stake held by the bridge (0 once withdrawn or slashed).
    #[serde(with = "amount")]
    pub stake: i128,
    pub status: ValidatorStatus,
    /// When the stake becomes withdrawable, while unbonding (and after).
    pub unbonding_ends: Option<u64>,
    /// Stake taken by slashing.
    #[serde(with = "amount")]
    pub slashed: i128,
    pub slash: Option<Slash>,
    /// Stake paid back, over all its registrations.
    #[serde(with = "amount")]
    pub withdrawn: i128,
    /// The latest registration.
    pub registered: Option<Stamp>,
    pub updated: Stamp,
}

/// The circuit breaker of one remote chain, as the bridge's events set it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BridgeChain {
    pub chain: u32,
    pub contract: Address,
    /// Largest single transfer and most per rolling day, each direction; `None` until a
    /// `chain_limits_set` is seen.
    #[serde(with = "amount_opt")]
    pub per_transfer: Option<i128>,
    #[serde(with = "amount_opt")]
    pub per_day: Option<i128>,
    pub paused: bool,
    pub paused_by: Option<Address>,
    pub updated: Stamp,
}

/// The totals of one bridge contract. `liquidity` follows the contract's own counter:
/// funded, plus outbound transfers confirmed completed elsewhere, minus inbound releases.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BridgeTotals {
    pub contract: Address,
    #[serde(with = "amount")]
    pub liquidity: i128,
    #[serde(with = "amount")]
    pub funded: i128,
    /// Released to inbound recipients.
    #[serde(with = "amount")]
    pub released: i128,
    /// Outbound transfers confirmed completed on their destination.
    #[serde(with = "amount")]
    pub confirmed: i128,
    #[serde(with = "amount")]
    pub locked: i128,
    #[serde(with = "amount")]
    pub refunded: i128,
    /// Locked and neither confirmed nor refunded yet (of the locks seen).
    #[serde(with = "amount")]
    pub pending: i128,
    /// Validator stake bonded now (registrations minus withdrawals and slashes).
    #[serde(with = "amount")]
    pub staked: i128,
    #[serde(with = "amount")]
    pub slashed: i128,
    pub updated: Option<Stamp>,
}

/// Applies one event of this contract; the others are left alone (the caller,
/// [`State::apply_event`], sends each event to its contract's module and has recorded
/// its id as applied).
pub(super) fn apply(state: &mut State, body: &E, contract: Address, stamp: Stamp) {
    match body {
        E::ValidatorRegistered {
            validator,
            signing_key,
            stake,
        } => {
            let v = state
                .validators
                .entry(*validator)
                .or_insert_with(|| new_validator(*validator, contract, stamp));
            // A withdrawn validator may register again: a fresh bond.
            v.signing_key = Some(*signing_key);
            v.stake = *stake;
            v.status = ValidatorStatus::Inactive;
            v.unbonding_ends = None;
            v.registered = Some(stamp);
            v.updated = stamp;
            let b = state.bridge(contract);
            b.staked = b.staked.saturating_add(*stake);
            b.updated = Some(stamp);
        }
        E::ValidatorActivated { validator } => {
            state.validator(*validator, contract, stamp).status = ValidatorStatus::Active;
        }
        E::ValidatorDeactivated { validator } => {
            state.validator(*validator, contract, stamp).status = ValidatorStatus::Inactive;
        }
        E::UnbondingStarted {
            validator,
            unbonding_ends,
        } => {
            let v = state.validator(*validator, contract, stamp);
            v.status = ValidatorStatus::Unbonding;
            v.unbonding_ends = Some(*unbonding_ends);
        }
        E::StakeWithdrawn { validator, amount } => {
            let v = state.validator(*validator, contract, stamp);
            v.status = ValidatorStatus::Withdrawn;
            v.stake = 0;
            v.withdrawn = v.withdrawn.saturating_add(*amount);
            let b = state.bridge(contract);
            b.staked = b.staked.saturating_sub(*amount);
            b.updated = Some(stamp);
        }
        E::BridgeSlashed {
            nonce,
            source_chain,
            validator,
            amount,
            to,
        } => {
            let v = state.validator(*validator, contract, stamp);
            v.status = ValidatorStatus::Slashed;
            v.stake = 0;
            v.slashed = v.slashed.saturating_add(*amount);
            v.slash = Some(Slash {
                source_chain: *source_chain,
                nonce: *nonce,
                amount: *amount,
                to: *to,
                stamp,
            });
            let b = state.bridge(contract);
            b.staked = b.staked.saturating_sub(*amount);
            b.slashed = b.slashed.saturating_add(*amount);
            b.updated = Some(stamp);
        }
        E::ChainLimitsSet {
            chain,
            per_transfer,
            per_day,
        } => {
            let c = state.chain(*chain, contract, stamp);
            c.per_transfer = Some(*per_transfer);
            c.per_day = Some(*per_day);
        }
        E::ChainPaused { chain, by } => {
            let c = state.chain(*chain, contract, stamp);
            c.paused = true;
            c.paused_by = Some(*by);
        }
        E::ChainResumed { chain, .. } => {
            let c = state.chain(*chain, contract, stamp);
            c.paused = false;
            c.paused_by = None;
        }
        E::BridgeFunded { amount, .. } => {
            let b = state.bridge(contract);
            b.funded = b.funded.saturating_add(*amount);
            b.liquidity = b.liquidity.saturating_add(*amount);
            b.updated = Some(stamp);
        }
        E::BridgeLocked {
            nonce,
            dest_chain,
            sender,
            amount,
            recipient,
            expires_at,
        } => {
            let t = state
                .outbound
                .entry(*nonce)
                .or_insert_with(|| new_outbound(*nonce, contract, *dest_chain, *sender, *amount));
            t.dest_chain = *dest_chain;
            t.sender = *sender;
            t.amount = *amount;
            t.recipient = Some(recipient.clone());
            t.expires_at = Some(*expires_at);
            t.locked = Some(stamp);
            // A settlement seen first (events out of order) stays the status.
            let b = state.bridge(contract);
            b.locked = b.locked.saturating_add(*amount);
            b.pending = b.pending.saturating_add(*amount);
            b.updated = Some(stamp);
        }
        E::OutboundConfirmed {
            nonce,
            dest_chain,
            sender,
            amount,
            attested_stake,
        } => {
            let t = state.outbound(*nonce, contract, *dest_chain, *sender, *amount);
            t.status = OutboundStatus::Confirmed;
            t.attested_stake = Some(*attested_stake);
            t.settled = Some(stamp);
            let lock_seen = t.locked.is_some();
            let b = state.bridge(contract);
            b.confirmed = b.confirmed.saturating_add(*amount);
            if lock_seen {
                b.pending = b.pending.saturating_sub(*amount);
            }
            b.liquidity = b.liquidity.saturating_add(*amount);
            b.updated = Some(stamp);
        }
        E::BridgeRefunded {
            nonce,
            dest_chain,
            sender,
            amount,
        } => {
            let t = state.outbound(*nonce, contract, *dest_chain, *sender, *amount);
            t.status = OutboundStatus::Refunded;
            t.settled = Some(stamp);
            let lock_seen = t.locked.is_some();
            let b = state.bridge(contract);
            b.refunded = b.refunded.saturating_add(*amount);
            if lock_seen {
                b.pending = b.pending.saturating_sub(*amount);
            }
            b.updated = Some(stamp);
        }
        E::BridgeCompleted {
            nonce,
            source_chain,
            recipient,
            amount,
            attested_stake,
        } => {
            state.inbound.insert(
                (*source_chain, *nonce),
                InboundTransfer {
                    source_chain: *source_chain,
                    nonce: *nonce,
                    contract,
                    recipient: *recipient,
                    amount: *amount,
                    attested_stake: *attested_stake,
                    stamp,
                },
            );
            let b = state.bridge(contract);
            b.released = b.released.saturating_add(*amount);
            b.liquidity = b.liquidity.saturating_sub(*amount);
            b.updated = Some(stamp);
        }
        _ => {}
    }
}

/// Records the entities an event of this contract writes (kept in step with [`apply`]).
pub(super) fn changes(changes: &mut Changes, contract: Address, body: &E) {
    match body {
        E::ValidatorRegistered { validator, .. }
        | E::UnbondingStarted { validator, .. }
        | E::StakeWithdrawn { validator, .. }
        | E::BridgeSlashed { validator, .. } => {
            changes.validators.insert(*validator);
            changes.bridges.insert(contract);
        }
        E::ValidatorActivated { validator } | E::ValidatorDeactivated { validator } => {
            changes.validators.insert(*validator);
        }
        E::ChainLimitsSet { chain, .. }
        | E::ChainPaused { chain, .. }
        | E::ChainResumed { chain, .. } => {
            changes.chains.insert(*chain);
        }
        E::BridgeLocked { nonce, .. }
        | E::OutboundConfirmed { nonce, .. }
        | E::BridgeRefunded { nonce, .. } => {
            changes.outbound.insert(*nonce);
            changes.bridges.insert(contract);
        }
        E::BridgeFunded { .. } => {
            changes.bridges.insert(contract);
        }
        E::BridgeCompleted {
            source_chain,
            nonce,
            ..
        } => {
            changes.inbound.insert((*source_chain, *nonce));
            changes.bridges.insert(contract);
        }
        _ => {}
    }
}

impl State {
    /// The validator an event refers to, stamped with it; one first seen after its
    /// registration (missed in a gap) is created empty and the event counted as an orphan.
    fn validator(&mut self, address: Address, contract: Address, stamp: Stamp) -> &mut Validator {
        let orphans = &mut self.orphans;
        let v = self
            .validators
            .entry(address)
            .or_insert_with(|| new_validator(address, contract, stamp));
        if v.registered.is_none() {
            *orphans = orphans.saturating_add(1);
        }
        v.updated = stamp;
        v
    }

    /// The outbound transfer a settlement refers to; one whose lock was missed is built
    /// from the settlement's topics and counted as an orphan.
    fn outbound(
        &mut self,
        nonce: u64,
        contract: Address,
        dest_chain: u32,
        sender: Address,
        amount: i128,
    ) -> &mut OutboundTransfer {
        let orphans = &mut self.orphans;
        let t = self
            .outbound
            .entry(nonce)
            .or_insert_with(|| new_outbound(nonce, contract, dest_chain, sender, amount));
        if t.locked.is_none() {
            *orphans = orphans.saturating_add(1);
        }
        t
    }

    fn chain(&mut self, chain: u32, contract: Address, stamp: Stamp) -> &mut BridgeChain {
        let c = self.chains.entry(chain).or_insert_with(|| BridgeChain {
            chain,
            contract,
            per_transfer: None,
            per_day: None,
            paused: false,
            paused_by: None,
            updated: stamp,
        });
        c.updated = stamp;
        c
    }

    fn bridge(&mut self, contract: Address) -> &mut BridgeTotals {
        self.bridges
            .entry(contract)
            .or_insert_with(|| BridgeTotals {
                contract,
                liquidity: 0,
                funded: 0,
                released: 0,
                confirmed: 0,
                locked: 0,
                refunded: 0,
                pending: 0,
                staked: 0,
                slashed: 0,
                updated: None,
            })
    }
}

fn new_validator(address: Address, contract: Address, stamp: Stamp) -> Validator {
    Validator {
        address,
        contract,
        signing_key: None,
        stake: 0,
        status: ValidatorStatus::Inactive,
        unbonding_ends: None,
        slashed: 0,
        slash: None,
        withdrawn: 0,
        registered: None,
        updated: stamp,
    }
}

fn new_outbound(
    nonce: u64,
    contract: Address,
    dest_chain: u32,
    sender: Address,
    amount: i128,
) -> OutboundTransfer {
    OutboundTransfer {
        nonce,
        contract,
        dest_chain,
        sender,
        amount,
        recipient: None,
        expires_at: None,
        status: OutboundStatus::Locked,
        locked: None,
        attested_stake: None,
        settled: None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn projects_every_bridge_event() {
        super::super::check_section("bridge");
    }
}
