//! Owns the common events every TeachLink contract emits (admin, roles, pause, upgrade,
//! the admin timelock): their catalogue entries and their decoding.

use stellar_xdr::ScVal;

use super::{spec, Cx, DecodeError, EventSpec, Fields, TeachLinkEvent, ADDR};

/// The catalogue entries of the common events, in `contracts/EVENTS.md` order.
pub(super) const SPECS: &[EventSpec] = &[
    spec(
        "common",
        "admin_changed",
        &[("previous", ADDR), ("admin", ADDR)],
        &[],
    ),
    spec(
        "common",
        "role_granted",
        &[("role", "Symbol"), ("account", ADDR)],
        &[],
    ),
    spec(
        "common",
        "role_revoked",
        &[("role", "Symbol"), ("account", ADDR)],
        &[],
    ),
    spec("common", "paused", &[("by", ADDR)], &[]),
    spec("common", "unpaused", &[("by", ADDR)], &[]),
    spec("common", "upgraded", &[], &[("wasm_hash", "BytesN<32>")]),
    spec(
        "common",
        "proposed",
        &[("op", "Symbol")],
        &[("args", "Vec<Val>"), ("ready_at", "u64")],
    ),
    spec(
        "common",
        "cancelled",
        &[("op", "Symbol")],
        &[("args", "Vec<Val>")],
    ),
    spec(
        "common",
        "executed",
        &[("op", "Symbol")],
        &[("args", "Vec<Val>")],
    ),
];

/// Decodes one event of this contract; topic counts were checked against the catalogue,
/// so indexing `t` is in bounds.
pub(super) fn decode(cx: Cx, t: &[ScVal], d: &Fields<'_>) -> Result<TeachLinkEvent, DecodeError> {
    use TeachLinkEvent as E;
    Ok(match cx.event {
        "admin_changed" => E::AdminChanged {
            previous: cx.address(&t[0], "previous")?,
            admin: cx.address(&t[1], "admin")?,
        },
        "role_granted" => E::RoleGranted {
            role: cx.symbol(&t[0], "role")?,
            account: cx.address(&t[1], "account")?,
        },
        "role_revoked" => E::RoleRevoked {
            role: cx.symbol(&t[0], "role")?,
            account: cx.address(&t[1], "account")?,
        },
        "paused" => E::Paused {
            by: cx.address(&t[0], "by")?,
        },
        "unpaused" => E::Unpaused {
            by: cx.address(&t[0], "by")?,
        },
        "upgraded" => E::Upgraded {
            wasm_hash: cx.bytes32(d.get("wasm_hash")?, "wasm_hash")?,
        },
        "proposed" => E::Proposed {
            op: cx.symbol(&t[0], "op")?,
            args: cx.any_vec(d.get("args")?, "args")?,
            ready_at: cx.u64(d.get("ready_at")?, "ready_at")?,
        },
        "cancelled" => E::Cancelled {
            op: cx.symbol(&t[0], "op")?,
            args: cx.any_vec(d.get("args")?, "args")?,
        },
        "executed" => E::Executed {
            op: cx.symbol(&t[0], "op")?,
            args: cx.any_vec(d.get("args")?, "args")?,
        },
        // Every common catalogue name is matched above; a name added to `SPECS`
        // without a decoder lands here and the catalogue test fails.
        other => return Err(DecodeError::UnknownName(other.to_string())),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn decodes_every_common_event() {
        super::super::check_section("common", super::SPECS, super::decode);
    }
}
