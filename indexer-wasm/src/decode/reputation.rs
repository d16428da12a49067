//! Owns the reputation contract's events: their catalogue entries and their decoding.

use stellar_xdr::ScVal;

use super::{spec, Cx, DecodeError, EventSpec, Fields, TeachLinkEvent, ADDR, U32, U64};

/// The catalogue entries of this contract, in `contracts/EVENTS.md` order.
pub(super) const SPECS: &[EventSpec] = &[
    spec(
        "reputation",
        "completion_recorded",
        &[("learner", ADDR), ("course_id", U64), ("issuer", ADDR)],
        &[
            ("score_pct", U32),
            ("credit_score", U32),
            ("reputation", U32),
        ],
    ),
    spec(
        "reputation",
        "contribution_recorded",
        &[("contribution_id", U64), ("learner", ADDR)],
        &[("kind", "Symbol"), ("reference", "BytesN<32>")],
    ),
    spec(
        "reputation",
        "contribution_rated",
        &[("contribution_id", U64), ("rater", ADDR), ("author", ADDR)],
        &[
            ("rating", U32),
            ("weight", U32),
            ("author_reputation", U32),
            ("author_credit_score", U32),
        ],
    ),
    spec(
        "reputation",
        "course_bound",
        &[("course_id", U64), ("issuer", ADDR)],
        &[],
    ),
    spec(
        "reputation",
        "completion_corrected",
        &[("learner", ADDR), ("course_id", U64)],
        &[
            ("previous_pct", U32),
            ("score_pct", U32),
            ("credit_score", U32),
            ("reputation", U32),
        ],
    ),
];

/// Decodes one event of this contract; topic counts were checked against the catalogue,
/// so indexing `t` is in bounds.
pub(super) fn decode(cx: Cx, t: &[ScVal], d: &Fields<'_>) -> Result<TeachLinkEvent, DecodeError> {
    use TeachLinkEvent as E;
    Ok(match cx.event {
        "completion_recorded" => E::CompletionRecorded {
            learner: cx.address(&t[0], "learner")?,
            course_id: cx.u64(&t[1], "course_id")?,
            issuer: cx.address(&t[2], "issuer")?,
            score_pct: cx.u32(d.get("score_pct")?, "score_pct")?,
            credit_score: cx.u32(d.get("credit_score")?, "credit_score")?,
            reputation: cx.u32(d.get("reputation")?, "reputation")?,
        },
        "contribution_recorded" => E::ContributionRecorded {
            contribution_id: cx.u64(&t[0], "contribution_id")?,
            learner: cx.address(&t[1], "learner")?,
            kind: cx.symbol(d.get("kind")?, "kind")?,
            reference: cx.bytes32(d.get("reference")?, "reference")?,
        },
        "contribution_rated" => E::ContributionRated {
            contribution_id: cx.u64(&t[0], "contribution_id")?,
            rater: cx.address(&t[1], "rater")?,
            author: cx.address(&t[2], "author")?,
            rating: cx.u32(d.get("rating")?, "rating")?,
            weight: cx.u32(d.get("weight")?, "weight")?,
            author_reputation: cx.u32(d.get("author_reputation")?, "author_reputation")?,
            author_credit_score: cx.u32(d.get("author_credit_score")?, "author_credit_score")?,
        },
        "course_bound" => E::CourseBound {
            course_id: cx.u64(&t[0], "course_id")?,
            issuer: cx.address(&t[1], "issuer")?,
        },
        "completion_corrected" => E::CompletionCorrected {
            learner: cx.address(&t[0], "learner")?,
            course_id: cx.u64(&t[1], "course_id")?,
            previous_pct: cx.u32(d.get("previous_pct")?, "previous_pct")?,
            score_pct: cx.u32(d.get("score_pct")?, "score_pct")?,
            credit_score: cx.u32(d.get("credit_score")?, "credit_score")?,
            reputation: cx.u32(d.get("reputation")?, "reputation")?,
        },
        // Every catalogue name of this contract is matched above; a name added to `SPECS`
        // without a decoder lands here and the catalogue test fails.
        other => return Err(DecodeError::UnknownName(other.to_string())),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn decodes_every_reputation_event() {
        super::super::check_section("reputation", super::SPECS, super::decode);
    }
}
