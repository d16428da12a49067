//! Owns the bridge contract's events: their catalogue entries and their decoding (names are
//! unique within a contract only: the bridge's `funded` is not the rewards contract's).

use stellar_xdr::ScVal;

use super::{spec, Cx, DecodeError, EventSpec, Fields, TeachLinkEvent, ADDR, I128, U32, U64};

/// The catalogue entries of this contract, in `contracts/EVENTS.md` order.
pub(super) const SPECS: &[EventSpec] = &[
    spec(
        "bridge",
        "validator_registered",
        &[("validator", ADDR)],
        &[("signing_key", "BytesN<32>"), ("stake", I128)],
    ),
    spec("bridge", "validator_activated", &[("validator", ADDR)], &[]),
    spec(
        "bridge",
        "validator_deactivated",
        &[("validator", ADDR)],
        &[],
    ),
    spec(
        "bridge",
        "chain_limits_set",
        &[("chain", U32)],
        &[("per_transfer", I128), ("per_day", I128)],
    ),
    spec(
        "bridge",
        "chain_paused",
        &[("chain", U32), ("by", ADDR)],
        &[],
    ),
    spec(
        "bridge",
        "chain_resumed",
        &[("chain", U32), ("by", ADDR)],
        &[],
    ),
    spec("bridge", "funded", &[("from", ADDR)], &[("amount", I128)]),
    spec(
        "bridge",
        "locked",
        &[("nonce", U64), ("dest_chain", U32), ("sender", ADDR)],
        &[
            ("amount", I128),
            ("recipient", "Bytes"),
            ("expires_at", U64),
        ],
    ),
    spec(
        "bridge",
        "completed",
        &[("nonce", U64), ("source_chain", U32), ("recipient", ADDR)],
        &[("amount", I128), ("attested_stake", I128)],
    ),
    spec(
        "bridge",
        "outbound_confirmed",
        &[("nonce", U64), ("dest_chain", U32), ("sender", ADDR)],
        &[("amount", I128), ("attested_stake", I128)],
    ),
    spec(
        "bridge",
        "refunded",
        &[("nonce", U64), ("dest_chain", U32), ("sender", ADDR)],
        &[("amount", I128)],
    ),
    spec(
        "bridge",
        "slashed",
        &[("nonce", U64), ("source_chain", U32), ("validator", ADDR)],
        &[("amount", I128), ("to", ADDR)],
    ),
    spec(
        "bridge",
        "unbonding_started",
        &[("validator", ADDR)],
        &[("unbonding_ends", U64)],
    ),
    spec(
        "bridge",
        "stake_withdrawn",
        &[("validator", ADDR)],
        &[("amount", I128)],
    ),
];

/// Decodes one event of this contract; topic counts were checked against the catalogue,
/// so indexing `t` is in bounds.
pub(super) fn decode(cx: Cx, t: &[ScVal], d: &Fields<'_>) -> Result<TeachLinkEvent, DecodeError> {
    use TeachLinkEvent as E;
    Ok(match cx.event {
        "validator_registered" => E::ValidatorRegistered {
            validator: cx.address(&t[0], "validator")?,
            signing_key: cx.bytes32(d.get("signing_key")?, "signing_key")?,
            stake: cx.i128(d.get("stake")?, "stake")?,
        },
        "validator_activated" => E::ValidatorActivated {
            validator: cx.address(&t[0], "validator")?,
        },
        "validator_deactivated" => E::ValidatorDeactivated {
            validator: cx.address(&t[0], "validator")?,
        },
        "chain_limits_set" => E::ChainLimitsSet {
            chain: cx.u32(&t[0], "chain")?,
            per_transfer: cx.i128(d.get("per_transfer")?, "per_transfer")?,
            per_day: cx.i128(d.get("per_day")?, "per_day")?,
        },
        "chain_paused" => E::ChainPaused {
            chain: cx.u32(&t[0], "chain")?,
            by: cx.address(&t[1], "by")?,
        },
        "chain_resumed" => E::ChainResumed {
            chain: cx.u32(&t[0], "chain")?,
            by: cx.address(&t[1], "by")?,
        },
        "funded" => E::BridgeFunded {
            from: cx.address(&t[0], "from")?,
            amount: cx.i128(d.get("amount")?, "amount")?,
        },
        "locked" => E::BridgeLocked {
            nonce: cx.u64(&t[0], "nonce")?,
            dest_chain: cx.u32(&t[1], "dest_chain")?,
            sender: cx.address(&t[2], "sender")?,
            amount: cx.i128(d.get("amount")?, "amount")?,
            recipient: cx.bytes(d.get("recipient")?, "recipient")?,
            expires_at: cx.u64(d.get("expires_at")?, "expires_at")?,
        },
        "completed" => E::BridgeCompleted {
            nonce: cx.u64(&t[0], "nonce")?,
            source_chain: cx.u32(&t[1], "source_chain")?,
            recipient: cx.address(&t[2], "recipient")?,
            amount: cx.i128(d.get("amount")?, "amount")?,
            attested_stake: cx.i128(d.get("attested_stake")?, "attested_stake")?,
        },
        "outbound_confirmed" => E::OutboundConfirmed {
            nonce: cx.u64(&t[0], "nonce")?,
            dest_chain: cx.u32(&t[1], "dest_chain")?,
            sender: cx.address(&t[2], "sender")?,
            amount: cx.i128(d.get("amount")?, "amount")?,
            attested_stake: cx.i128(d.get("attested_stake")?, "attested_stake")?,
        },
        "refunded" => E::BridgeRefunded {
            nonce: cx.u64(&t[0], "nonce")?,
            dest_chain: cx.u32(&t[1], "dest_chain")?,
            sender: cx.address(&t[2], "sender")?,
            amount: cx.i128(d.get("amount")?, "amount")?,
        },
        "slashed" => E::BridgeSlashed {
            nonce: cx.u64(&t[0], "nonce")?,
            source_chain: cx.u32(&t[1], "source_chain")?,
            validator: cx.address(&t[2], "validator")?,
            amount: cx.i128(d.get("amount")?, "amount")?,
            to: cx.address(d.get("to")?, "to")?,
        },
        "unbonding_started" => E::UnbondingStarted {
            validator: cx.address(&t[0], "validator")?,
            unbonding_ends: cx.u64(d.get("unbonding_ends")?, "unbonding_ends")?,
        },
        "stake_withdrawn" => E::StakeWithdrawn {
            validator: cx.address(&t[0], "validator")?,
            amount: cx.i128(d.get("amount")?, "amount")?,
        },
        // Every catalogue name of this contract is matched above; a name added to `SPECS`
        // without a decoder lands here and the catalogue test fails.
        other => return Err(DecodeError::UnknownName(other.to_string())),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn decodes_every_bridge_event() {
        super::super::check_section("bridge", super::SPECS, super::decode);
    }
}
