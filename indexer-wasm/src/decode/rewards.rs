//! Owns the rewards contract's events: their catalogue entries and their decoding.

use stellar_xdr::ScVal;

use super::{spec, Cx, DecodeError, EventSpec, Fields, TeachLinkEvent, ADDR, I128};

/// The catalogue entries of this contract, in `contracts/EVENTS.md` order.
pub(super) const SPECS: &[EventSpec] = &[
    spec(
        "rewards",
        "funded",
        &[("funder", ADDR)],
        &[("amount", I128), ("balance", I128)],
    ),
    spec(
        "rewards",
        "reward_issued",
        &[("learner", ADDR), ("issuer", ADDR)],
        &[("amount", I128), ("reason", "Symbol"), ("unclaimed", I128)],
    ),
    spec(
        "rewards",
        "reward_claimed",
        &[("learner", ADDR)],
        &[("amount", I128)],
    ),
    spec("rewards", "withdrawn", &[("to", ADDR)], &[("amount", I128)]),
    spec(
        "rewards",
        "allowance_set",
        &[("issuer", ADDR)],
        &[("amount", I128)],
    ),
    spec(
        "rewards",
        "reward_revoked",
        &[("learner", ADDR)],
        &[("amount", I128), ("unclaimed", I128)],
    ),
];

/// Decodes one event of this contract; topic counts were checked against the catalogue,
/// so indexing `t` is in bounds.
pub(super) fn decode(cx: Cx, t: &[ScVal], d: &Fields<'_>) -> Result<TeachLinkEvent, DecodeError> {
    use TeachLinkEvent as E;
    Ok(match cx.event {
        "funded" => E::Funded {
            funder: cx.address(&t[0], "funder")?,
            amount: cx.i128(d.get("amount")?, "amount")?,
            balance: cx.i128(d.get("balance")?, "balance")?,
        },
        "reward_issued" => E::RewardIssued {
            learner: cx.address(&t[0], "learner")?,
            issuer: cx.address(&t[1], "issuer")?,
            amount: cx.i128(d.get("amount")?, "amount")?,
            reason: cx.symbol(d.get("reason")?, "reason")?,
            unclaimed: cx.i128(d.get("unclaimed")?, "unclaimed")?,
        },
        "reward_claimed" => E::RewardClaimed {
            learner: cx.address(&t[0], "learner")?,
            amount: cx.i128(d.get("amount")?, "amount")?,
        },
        "withdrawn" => E::Withdrawn {
            to: cx.address(&t[0], "to")?,
            amount: cx.i128(d.get("amount")?, "amount")?,
        },
        "allowance_set" => E::AllowanceSet {
            issuer: cx.address(&t[0], "issuer")?,
            amount: cx.i128(d.get("amount")?, "amount")?,
        },
        "reward_revoked" => E::RewardRevoked {
            learner: cx.address(&t[0], "learner")?,
            amount: cx.i128(d.get("amount")?, "amount")?,
            unclaimed: cx.i128(d.get("unclaimed")?, "unclaimed")?,
        },
        // Every catalogue name of this contract is matched above; a name added to `SPECS`
        // without a decoder lands here and the catalogue test fails.
        other => return Err(DecodeError::UnknownName(other.to_string())),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn decodes_every_rewards_event() {
        super::super::check_section("rewards", super::SPECS, super::decode);
    }
}
