//! Owns the escrow contract's events: their catalogue entries, their decoding, and the
//! escrow-only field types ([`Signer`], [`Resolution`]).

use serde::{Deserialize, Serialize};
use stellar_xdr::ScVal;

use super::{spec, Cx, DecodeError, EventSpec, Fields, TeachLinkEvent, ADDR, I128, U32, U64};
use crate::types::Address;

/// One escrow approver and the weight of its approval.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signer {
    pub address: Address,
    pub weight: u32,
}

/// How an arbitrator ended a dispute.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Resolution {
    ToBeneficiary,
    ToDepositor,
    /// Basis points of the amount that went to the beneficiary.
    Split(u32),
}

/// The catalogue entries of this contract, in `contracts/EVENTS.md` order.
pub(super) const SPECS: &[EventSpec] = &[
    spec(
        "escrow",
        "escrow_created",
        &[
            ("escrow_id", U64),
            ("depositor", ADDR),
            ("beneficiary", ADDR),
        ],
        &[
            ("token", ADDR),
            ("amount", I128),
            ("signers", "Vec<Signer>"),
            ("threshold", U32),
            ("release_after", "Option<u64>"),
            ("refund_after", "Option<u64>"),
            ("arbitrator", "Option<Address>"),
            ("course_id", U64),
        ],
    ),
    spec(
        "escrow",
        "escrow_approved",
        &[("escrow_id", U64), ("signer", ADDR)],
        &[
            ("weight", U32),
            ("approved_weight", U32),
            ("threshold", U32),
        ],
    ),
    spec(
        "escrow",
        "escrow_released",
        &[("escrow_id", U64), ("beneficiary", ADDR)],
        &[("amount", I128), ("by", ADDR)],
    ),
    spec(
        "escrow",
        "escrow_refunded",
        &[("escrow_id", U64), ("depositor", ADDR)],
        &[("amount", I128), ("by", ADDR)],
    ),
    spec(
        "escrow",
        "escrow_cancelled",
        &[("escrow_id", U64), ("depositor", ADDR)],
        &[("amount", I128)],
    ),
    spec(
        "escrow",
        "escrow_disputed",
        &[("escrow_id", U64), ("by", ADDR)],
        &[("reason", "String")],
    ),
    spec(
        "escrow",
        "escrow_resolved",
        &[("escrow_id", U64), ("arbitrator", ADDR)],
        &[
            ("resolution", "Resolution"),
            ("to_beneficiary", I128),
            ("to_depositor", I128),
        ],
    ),
];

/// Decodes one event of this contract; topic counts were checked against the catalogue,
/// so indexing `t` is in bounds.
pub(super) fn decode(cx: Cx, t: &[ScVal], d: &Fields<'_>) -> Result<TeachLinkEvent, DecodeError> {
    use TeachLinkEvent as E;
    Ok(match cx.event {
        "escrow_created" => E::EscrowCreated {
            escrow_id: cx.u64(&t[0], "escrow_id")?,
            depositor: cx.address(&t[1], "depositor")?,
            beneficiary: cx.address(&t[2], "beneficiary")?,
            token: cx.address(d.get("token")?, "token")?,
            amount: cx.i128(d.get("amount")?, "amount")?,
            signers: cx.signers(d.get("signers")?, "signers")?,
            threshold: cx.u32(d.get("threshold")?, "threshold")?,
            release_after: cx.option(d.get("release_after")?, "release_after", Cx::u64)?,
            refund_after: cx.option(d.get("refund_after")?, "refund_after", Cx::u64)?,
            arbitrator: cx.option(d.get("arbitrator")?, "arbitrator", Cx::address)?,
            course_id: cx.u64(d.get("course_id")?, "course_id")?,
        },
        "escrow_approved" => E::EscrowApproved {
            escrow_id: cx.u64(&t[0], "escrow_id")?,
            signer: cx.address(&t[1], "signer")?,
            weight: cx.u32(d.get("weight")?, "weight")?,
            approved_weight: cx.u32(d.get("approved_weight")?, "approved_weight")?,
            threshold: cx.u32(d.get("threshold")?, "threshold")?,
        },
        "escrow_released" => E::EscrowReleased {
            escrow_id: cx.u64(&t[0], "escrow_id")?,
            beneficiary: cx.address(&t[1], "beneficiary")?,
            amount: cx.i128(d.get("amount")?, "amount")?,
            by: cx.address(d.get("by")?, "by")?,
        },
        "escrow_refunded" => E::EscrowRefunded {
            escrow_id: cx.u64(&t[0], "escrow_id")?,
            depositor: cx.address(&t[1], "depositor")?,
            amount: cx.i128(d.get("amount")?, "amount")?,
            by: cx.address(d.get("by")?, "by")?,
        },
        "escrow_cancelled" => E::EscrowCancelled {
            escrow_id: cx.u64(&t[0], "escrow_id")?,
            depositor: cx.address(&t[1], "depositor")?,
            amount: cx.i128(d.get("amount")?, "amount")?,
        },
        "escrow_disputed" => E::EscrowDisputed {
            escrow_id: cx.u64(&t[0], "escrow_id")?,
            by: cx.address(&t[1], "by")?,
            reason: cx.string(d.get("reason")?, "reason")?,
        },
        "escrow_resolved" => E::EscrowResolved {
            escrow_id: cx.u64(&t[0], "escrow_id")?,
            arbitrator: cx.address(&t[1], "arbitrator")?,
            resolution: cx.resolution(d.get("resolution")?, "resolution")?,
            to_beneficiary: cx.i128(d.get("to_beneficiary")?, "to_beneficiary")?,
            to_depositor: cx.i128(d.get("to_depositor")?, "to_depositor")?,
        },
        // Every catalogue name of this contract is matched above; a name added to `SPECS`
        // without a decoder lands here and the catalogue test fails.
        other => return Err(DecodeError::UnknownName(other.to_string())),
    })
}

impl Cx {
    fn signers(self, v: &ScVal, field: &'static str) -> Result<Vec<Signer>, DecodeError> {
        let items = self.vec(v, field)?;
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let ScVal::Map(Some(m)) = item else {
                return Err(self.ty(field, "a Vec<Signer>"));
            };
            let f = Fields {
                cx: self,
                entries: m.0.as_slice(),
            };
            out.push(Signer {
                address: self.address(f.get("address")?, field)?,
                weight: self.u32(f.get("weight")?, field)?,
            });
        }
        Ok(out)
    }

    fn resolution(self, v: &ScVal, field: &'static str) -> Result<Resolution, DecodeError> {
        let bad = || self.ty(field, "a Resolution");
        let items = self.vec(v, field).map_err(|_| bad())?;
        let tag = match items.first() {
            Some(ScVal::Symbol(s)) => s.0.as_slice(),
            _ => return Err(bad()),
        };
        match (tag, items.get(1), items.len()) {
            (b"ToBeneficiary", None, 1) => Ok(Resolution::ToBeneficiary),
            (b"ToDepositor", None, 1) => Ok(Resolution::ToDepositor),
            (b"Split", Some(ScVal::U32(bps)), 2) => Ok(Resolution::Split(*bps)),
            _ => Err(bad()),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn decodes_every_escrow_event() {
        super::super::check_section("escrow", super::SPECS, super::decode);
    }
}
