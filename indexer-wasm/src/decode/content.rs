//! Owns the content (course NFT) contract's events: their catalogue entries and their
//! decoding.

use stellar_xdr::ScVal;

use super::{spec, Cx, DecodeError, EventSpec, Fields, TeachLinkEvent, ADDR, U32, U64};

/// The catalogue entries of this contract, in `contracts/EVENTS.md` order.
pub(super) const SPECS: &[EventSpec] = &[
    spec(
        "content",
        "minted",
        &[("token_id", U64), ("creator", ADDR)],
        &[
            ("title", "String"),
            ("content_hash", "BytesN<32>"),
            ("uri", "String"),
            ("licence", "Symbol"),
            ("tags", "Vec<Symbol>"),
            ("transferable", "bool"),
            ("royalty_bps", U32),
        ],
    ),
    spec(
        "content",
        "approved",
        &[("token_id", U64), ("owner", ADDR)],
        &[("spender", "Option<Address>"), ("live_until", U32)],
    ),
    spec(
        "content",
        "transferred",
        &[("token_id", U64), ("from", ADDR), ("to", ADDR)],
        &[],
    ),
    spec(
        "content",
        "metadata_updated",
        &[("token_id", U64), ("creator", ADDR)],
        &[("uri", "String"), ("content_hash", "BytesN<32>")],
    ),
];

/// Decodes one event of this contract; topic counts were checked against the catalogue,
/// so indexing `t` is in bounds.
pub(super) fn decode(cx: Cx, t: &[ScVal], d: &Fields<'_>) -> Result<TeachLinkEvent, DecodeError> {
    use TeachLinkEvent as E;
    Ok(match cx.event {
        "minted" => E::Minted {
            token_id: cx.u64(&t[0], "token_id")?,
            creator: cx.address(&t[1], "creator")?,
            title: cx.string(d.get("title")?, "title")?,
            content_hash: cx.bytes32(d.get("content_hash")?, "content_hash")?,
            uri: cx.string(d.get("uri")?, "uri")?,
            licence: cx.symbol(d.get("licence")?, "licence")?,
            tags: cx
                .vec(d.get("tags")?, "tags")?
                .iter()
                .map(|v| cx.symbol(v, "tags"))
                .collect::<Result<_, _>>()?,
            transferable: cx.bool(d.get("transferable")?, "transferable")?,
            royalty_bps: cx.u32(d.get("royalty_bps")?, "royalty_bps")?,
        },
        "approved" => E::Approved {
            token_id: cx.u64(&t[0], "token_id")?,
            owner: cx.address(&t[1], "owner")?,
            spender: cx.option(d.get("spender")?, "spender", Cx::address)?,
            live_until: cx.u32(d.get("live_until")?, "live_until")?,
        },
        "transferred" => E::Transferred {
            token_id: cx.u64(&t[0], "token_id")?,
            from: cx.address(&t[1], "from")?,
            to: cx.address(&t[2], "to")?,
        },
        "metadata_updated" => E::MetadataUpdated {
            token_id: cx.u64(&t[0], "token_id")?,
            creator: cx.address(&t[1], "creator")?,
            uri: cx.string(d.get("uri")?, "uri")?,
            content_hash: cx.bytes32(d.get("content_hash")?, "content_hash")?,
        },
        // Every catalogue name of this contract is matched above; a name added to `SPECS`
        // without a decoder lands here and the catalogue test fails.
        other => return Err(DecodeError::UnknownName(other.to_string())),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn decodes_every_content_event() {
        super::super::check_section("content", super::SPECS, super::decode);
    }
}
