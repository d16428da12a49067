//! Owns the inverse of decoding: a typed event back into the RPC form the contracts
//! produce (name symbol + topics, data map sorted by key), for tests, benchmarks and
//! fixtures that must look exactly like the chain.

use base64::Engine;
use stellar_xdr::{
    Int128Parts, Limits, ScBytes, ScMap, ScMapEntry, ScString, ScSymbol, ScVal, ScVec, WriteXdr,
};

use crate::decode::{Event, RawEvent, Resolution, Signer, TeachLinkEvent};
use crate::types::{Address, Hash32};

/// Why an event could not be encoded (a value too long for its XDR type).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot encode {0}")]
pub struct EncodeError(pub &'static str);

pub(crate) fn sym(s: &str) -> Result<ScVal, EncodeError> {
    Ok(ScVal::Symbol(ScSymbol(
        s.try_into().map_err(|_| EncodeError("symbol"))?,
    )))
}

pub(crate) fn addr(a: &Address) -> ScVal {
    ScVal::Address(a.to_sc())
}

pub(crate) fn i128v(v: i128) -> ScVal {
    ScVal::I128(Int128Parts {
        hi: (v >> 64) as i64,
        lo: v as u64,
    })
}

pub(crate) fn string(s: &str) -> Result<ScVal, EncodeError> {
    Ok(ScVal::String(ScString(
        s.as_bytes()
            .to_vec()
            .try_into()
            .map_err(|_| EncodeError("string"))?,
    )))
}

fn bytes(h: &Hash32) -> Result<ScVal, EncodeError> {
    raw_bytes(&h.0)
}

pub(crate) fn raw_bytes(b: &[u8]) -> Result<ScVal, EncodeError> {
    Ok(ScVal::Bytes(ScBytes(
        b.to_vec().try_into().map_err(|_| EncodeError("bytes"))?,
    )))
}

pub(crate) fn vec(items: Vec<ScVal>) -> Result<ScVal, EncodeError> {
    Ok(ScVal::Vec(Some(ScVec(
        items.try_into().map_err(|_| EncodeError("vec"))?,
    ))))
}

/// A `Vec<Val>` from its items' base64 XDR, as the decoder keeps them.
fn any_vec(items: &[String]) -> Result<ScVal, EncodeError> {
    use stellar_xdr::ReadXdr;
    vec(items
        .iter()
        .map(|b| {
            let raw = base64::engine::general_purpose::STANDARD
                .decode(b)
                .map_err(|_| EncodeError("value"))?;
            ScVal::from_xdr(raw, Limits::none()).map_err(|_| EncodeError("value"))
        })
        .collect::<Result<_, _>>()?)
}

/// A Soroban map: keys sorted, as the host requires and `contractevent` emits.
pub(crate) fn map(mut fields: Vec<(&str, ScVal)>) -> Result<ScVal, EncodeError> {
    fields.sort_by(|a, b| a.0.cmp(b.0));
    let entries = fields
        .into_iter()
        .map(|(k, val)| Ok(ScMapEntry { key: sym(k)?, val }))
        .collect::<Result<Vec<_>, EncodeError>>()?;
    Ok(ScVal::Map(Some(ScMap(
        entries.try_into().map_err(|_| EncodeError("map"))?,
    ))))
}

fn opt(v: Option<ScVal>) -> ScVal {
    v.unwrap_or(ScVal::Void)
}

pub(crate) fn signers(s: &[Signer]) -> Result<ScVal, EncodeError> {
    vec(s
        .iter()
        .map(|s| {
            map(vec![
                ("address", addr(&s.address)),
                ("weight", ScVal::U32(s.weight)),
            ])
        })
        .collect::<Result<_, _>>()?)
}

pub(crate) fn resolution(r: &Resolution) -> Result<ScVal, EncodeError> {
    match r {
        Resolution::ToBeneficiary => vec(vec![sym("ToBeneficiary")?]),
        Resolution::ToDepositor => vec(vec![sym("ToDepositor")?]),
        Resolution::Split(bps) => vec(vec![sym("Split")?, ScVal::U32(*bps)]),
    }
}

/// The topics (after the name) and the data map of an event, as its contract emits them.
pub fn to_scvals(body: &TeachLinkEvent) -> Result<(Vec<ScVal>, ScVal), EncodeError> {
    use TeachLinkEvent as E;
    let (topics, data) = match body {
        E::AdminChanged { previous, admin } => (vec![addr(previous), addr(admin)], vec![]),
        E::RoleGranted { role, account } | E::RoleRevoked { role, account } => {
            (vec![sym(role)?, addr(account)], vec![])
        }
        E::Paused { by } | E::Unpaused { by } => (vec![addr(by)], vec![]),
        E::Upgraded { wasm_hash } => (vec![], vec![("wasm_hash", bytes(wasm_hash)?)]),
        E::Proposed { op, args, ready_at } => (
            vec![sym(op)?],
            vec![
                ("args", any_vec(args)?),
                ("ready_at", ScVal::U64(*ready_at)),
            ],
        ),
        E::Cancelled { op, args } | E::Executed { op, args } => {
            (vec![sym(op)?], vec![("args", any_vec(args)?)])
        }
        E::EscrowCreated {
            escrow_id,
            depositor,
            beneficiary,
            token,
            amount,
            signers: s,
            threshold,
            release_after,
            refund_after,
            arbitrator,
            course_id,
        } => (
            vec![ScVal::U64(*escrow_id), addr(depositor), addr(beneficiary)],
            vec![
                ("token", addr(token)),
                ("amount", i128v(*amount)),
                ("signers", signers(s)?),
                ("threshold", ScVal::U32(*threshold)),
                ("release_after", opt(release_after.map(ScVal::U64))),
                ("refund_after", opt(refund_after.map(ScVal::U64))),
                ("arbitrator", opt(arbitrator.as_ref().map(addr))),
                ("course_id", ScVal::U64(*course_id)),
            ],
        ),
        E::EscrowApproved {
            escrow_id,
            signer,
            weight,
            approved_weight,
            threshold,
        } => (
            vec![ScVal::U64(*escrow_id), addr(signer)],
            vec![
                ("weight", ScVal::U32(*weight)),
                ("approved_weight", ScVal::U32(*approved_weight)),
                ("threshold", ScVal::U32(*threshold)),
            ],
        ),
        E::EscrowReleased {
            escrow_id,
            beneficiary: party,
            amount,
            by,
        }
        | E::EscrowRefunded {
            escrow_id,
            depositor: party,
            amount,
            by,
        } => (
            vec![ScVal::U64(*escrow_id), addr(party)],
            vec![("amount", i128v(*amount)), ("by", addr(by))],
        ),
        E::EscrowCancelled {
            escrow_id,
            depositor,
            amount,
        } => (
            vec![ScVal::U64(*escrow_id), addr(depositor)],
            vec![("amount", i128v(*amount))],
        ),
        E::EscrowDisputed {
            escrow_id,
            by,
            reason,
        } => (
            vec![ScVal::U64(*escrow_id), addr(by)],
            vec![("reason", string(reason)?)],
        ),
        E::EscrowResolved {
            escrow_id,
            arbitrator,
            resolution: r,
            to_beneficiary,
            to_depositor,
        } => (
            vec![ScVal::U64(*escrow_id), addr(arbitrator)],
            vec![
                ("resolution", resolution(r)?),
                ("to_beneficiary", i128v(*to_beneficiary)),
                ("to_depositor", i128v(*to_depositor)),
            ],
        ),
        E::Minted {
            token_id,
            creator,
            title,
            content_hash,
            uri,
            licence,
            tags,
            transferable,
            royalty_bps,
        } => (
            vec![ScVal::U64(*token_id), addr(creator)],
            vec![
                ("title", string(title)?),
                ("content_hash", bytes(content_hash)?),
                ("uri", string(uri)?),
                ("licence", sym(licence)?),
                (
                    "tags",
                    vec(tags.iter().map(|t| sym(t)).collect::<Result<_, _>>()?)?,
                ),
                ("transferable", ScVal::Bool(*transferable)),
                ("royalty_bps", ScVal::U32(*royalty_bps)),
            ],
        ),
        E::Approved {
            token_id,
            owner,
            spender,
            live_until,
        } => (
            vec![ScVal::U64(*token_id), addr(owner)],
            vec![
                ("spender", opt(spender.as_ref().map(addr))),
                ("live_until", ScVal::U32(*live_until)),
            ],
        ),
        E::Transferred { token_id, from, to } => {
            (vec![ScVal::U64(*token_id), addr(from), addr(to)], vec![])
        }
        E::MetadataUpdated {
            token_id,
            creator,
            uri,
            content_hash,
        } => (
            vec![ScVal::U64(*token_id), addr(creator)],
            vec![
                ("uri", string(uri)?),
                ("content_hash", bytes(content_hash)?),
            ],
        ),
        E::CompletionRecorded {
            learner,
            course_id,
            issuer,
            score_pct,
            credit_score,
            reputation,
        } => (
            vec![addr(learner), ScVal::U64(*course_id), addr(issuer)],
            vec![
                ("score_pct", ScVal::U32(*score_pct)),
                ("credit_score", ScVal::U32(*credit_score)),
                ("reputation", ScVal::U32(*reputation)),
            ],
        ),
        E::ContributionRecorded {
            contribution_id,
            learner,
            kind,
            reference,
        } => (
            vec![ScVal::U64(*contribution_id), addr(learner)],
            vec![("kind", sym(kind)?), ("reference", bytes(reference)?)],
        ),
        E::ContributionRated {
            contribution_id,
            rater,
            author,
            rating,
            weight,
            author_reputation,
            author_credit_score,
        } => (
            vec![ScVal::U64(*contribution_id), addr(rater), addr(author)],
            vec![
                ("rating", ScVal::U32(*rating)),
                ("weight", ScVal::U32(*weight)),
                ("author_reputation", ScVal::U32(*author_reputation)),
                ("author_credit_score", ScVal::U32(*author_credit_score)),
            ],
        ),
        E::CourseBound { course_id, issuer } => {
            (vec![ScVal::U64(*course_id), addr(issuer)], vec![])
        }
        E::CompletionCorrected {
            learner,
            course_id,
            previous_pct,
            score_pct,
            credit_score,
            reputation,
        } => (
            vec![addr(learner), ScVal::U64(*course_id)],
            vec![
                ("previous_pct", ScVal::U32(*previous_pct)),
                ("score_pct", ScVal::U32(*score_pct)),
                ("credit_score", ScVal::U32(*credit_score)),
                ("reputation", ScVal::U32(*reputation)),
            ],
        ),
        E::Funded {
            funder,
            amount,
            balance,
        } => (
            vec![addr(funder)],
            vec![("amount", i128v(*amount)), ("balance", i128v(*balance))],
        ),
        E::RewardIssued {
            learner,
            issuer,
            amount,
            reason,
            unclaimed,
        } => (
            vec![addr(learner), addr(issuer)],
            vec![
                ("amount", i128v(*amount)),
                ("reason", sym(reason)?),
                ("unclaimed", i128v(*unclaimed)),
            ],
        ),
        E::RewardClaimed { learner, amount } => {
            (vec![addr(learner)], vec![("amount", i128v(*amount))])
        }
        E::Withdrawn { to, amount } => (vec![addr(to)], vec![("amount", i128v(*amount))]),
        E::AllowanceSet { issuer, amount } => {
            (vec![addr(issuer)], vec![("amount", i128v(*amount))])
        }
        E::RewardRevoked {
            learner,
            amount,
            unclaimed,
        } => (
            vec![addr(learner)],
            vec![("amount", i128v(*amount)), ("unclaimed", i128v(*unclaimed))],
        ),
        E::ValidatorRegistered {
            validator,
            signing_key,
            stake,
        } => (
            vec![addr(validator)],
            vec![
                ("signing_key", bytes(signing_key)?),
                ("stake", i128v(*stake)),
            ],
        ),
        E::ValidatorActivated { validator } | E::ValidatorDeactivated { validator } => {
            (vec![addr(validator)], vec![])
        }
        E::ChainLimitsSet {
            chain,
            per_transfer,
            per_day,
        } => (
            vec![ScVal::U32(*chain)],
            vec![
                ("per_transfer", i128v(*per_transfer)),
                ("per_day", i128v(*per_day)),
            ],
        ),
        E::ChainPaused { chain, by } | E::ChainResumed { chain, by } => {
            (vec![ScVal::U32(*chain), addr(by)], vec![])
        }
        E::BridgeFunded { from, amount } => (vec![addr(from)], vec![("amount", i128v(*amount))]),
        E::BridgeLocked {
            nonce,
            dest_chain,
            sender,
            amount,
            recipient,
            expires_at,
        } => (
            vec![ScVal::U64(*nonce), ScVal::U32(*dest_chain), addr(sender)],
            vec![
                ("amount", i128v(*amount)),
                ("recipient", raw_bytes(&recipient.0)?),
                ("expires_at", ScVal::U64(*expires_at)),
            ],
        ),
        E::BridgeCompleted {
            nonce,
            source_chain: chain,
            recipient: party,
            amount,
            attested_stake,
        }
        | E::OutboundConfirmed {
            nonce,
            dest_chain: chain,
            sender: party,
            amount,
            attested_stake,
        } => (
            vec![ScVal::U64(*nonce), ScVal::U32(*chain), addr(party)],
            vec![
                ("amount", i128v(*amount)),
                ("attested_stake", i128v(*attested_stake)),
            ],
        ),
        E::BridgeRefunded {
            nonce,
            dest_chain,
            sender,
            amount,
        } => (
            vec![ScVal::U64(*nonce), ScVal::U32(*dest_chain), addr(sender)],
            vec![("amount", i128v(*amount))],
        ),
        E::BridgeSlashed {
            nonce,
            source_chain,
            validator,
            amount,
            to,
        } => (
            vec![
                ScVal::U64(*nonce),
                ScVal::U32(*source_chain),
                addr(validator),
            ],
            vec![("amount", i128v(*amount)), ("to", addr(to))],
        ),
        E::UnbondingStarted {
            validator,
            unbonding_ends,
        } => (
            vec![addr(validator)],
            vec![("unbonding_ends", ScVal::U64(*unbonding_ends))],
        ),
        E::StakeWithdrawn { validator, amount } => {
            (vec![addr(validator)], vec![("amount", i128v(*amount))])
        }
    };
    Ok((topics, map(data)?))
}

/// Base64 XDR of one value.
pub fn b64(v: &ScVal) -> Result<String, EncodeError> {
    let bytes = v.to_xdr(Limits::none()).map_err(|_| EncodeError("xdr"))?;
    Ok(base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// The `getEvents` JSON form of `event`, as an RPC would return it.
pub fn to_raw(event: &Event) -> Result<RawEvent, EncodeError> {
    let (topics, data) = to_scvals(&event.body)?;
    let mut topic = Vec::with_capacity(topics.len() + 1);
    topic.push(b64(&sym(event.body.name())?)?);
    for t in &topics {
        topic.push(b64(t)?);
    }
    Ok(RawEvent {
        kind: Some("contract".into()),
        id: event.meta.id.to_string(),
        ledger: event.meta.ledger,
        ledger_closed_at: rfc3339(event.meta.closed_at),
        contract_id: event.meta.contract.to_string(),
        tx_hash: event.meta.tx_hash.to_string(),
        topic,
        value: b64(&data)?,
        in_successful_contract_call: None,
    })
}

/// Formats UNIX seconds as RFC 3339 UTC, as stellar-rpc does.
pub fn rfc3339(secs: u64) -> String {
    i64::try_from(secs)
        .ok()
        .and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok())
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}
