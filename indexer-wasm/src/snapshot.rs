//! Owns snapshots: every projected entity and the checkpoint at one ledger, in one file a
//! fresh store (a new browser, a new server replica) imports instead of replaying the
//! chain, and then continues syncing from the RPC.
//!
//! The format is NDJSON, one self-describing JSON value per line, so it streams, diffs and
//! compresses well (the server serves it gzip-compressed; compression is the file's or
//! the transport's business, not this codec's):
//!
//! ```text
//! {"format":"teachlink-snapshot/1","network_passphrase":…,"contracts":{…},"checkpoint":{…},
//!  "events":…,"orphans":…,"applied_through":…,"chain":{…},"entities":…}
//! {"escrow":{…}}
//! {"token":{…}}
//! …
//! {"sha256":"<hex of every byte above this line>"}
//! ```
//!
//! Two hashes make it verifiable. The [`EventChain`] in the header is a hash chain over
//! every raw event the snapshot covers, in chain order, as Stellar RPC returns them: any
//! holder of those events (an archive, another replica) recomputes it and so checks the
//! snapshot stands for that exact history. The trailer's SHA-256 covers the header
//! (with the chain head) and every entity line: a byte changed, a line dropped or a file
//! cut short is refused by [`decode`] before anything is imported, and a hash published
//! beside the file (pinned through [`Expected::sha256`]) ties the file to its publisher.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::decode::RawEvent;
use crate::project::{
    BridgeChain, BridgeTotals, Completion, ContentToken, ContractAdmin, Contribution, Escrow,
    InboundTransfer, Keyed, LearnerRewards, OutboundTransfer, Pool, Profile, State, UnknownEvent,
    Validator,
};
use crate::store::Checkpoint;
use crate::types::EventId;

/// The format this module writes and the only one it reads.
pub const FORMAT: &str = "teachlink-snapshot/1";

/// The HTTP header a server sends a snapshot's SHA-256 in (its trailer's), to pin it.
pub const SHA256_HEADER: &str = "x-teachlink-snapshot-sha256";
/// The HTTP header a server sends a snapshot's ledger in.
pub const LEDGER_HEADER: &str = "x-teachlink-snapshot-ledger";

/// Why a snapshot was refused. Nothing is imported from a refused snapshot.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SnapshotError {
    #[error("the snapshot is empty")]
    Empty,
    #[error(
        "the snapshot has no trailer line with its SHA-256: it is cut short or not a snapshot"
    )]
    NoTrailer,
    #[error("the snapshot's content does not match its SHA-256 (trailer says {recorded}, content hashes to {computed}): it was altered or corrupted")]
    HashMismatch { recorded: String, computed: String },
    #[error("the snapshot's SHA-256 is {actual}, not the {expected} it was published with")]
    NotPinned { expected: String, actual: String },
    #[error("unsupported snapshot format {0:?} (this indexer reads {FORMAT})")]
    Format(String),
    #[error("the snapshot is of the network {snapshot:?}, not {expected:?}")]
    WrongNetwork { snapshot: String, expected: String },
    #[error(
        "the snapshot indexes contract {name} = {snapshot:?}, this deployment has {expected:?}"
    )]
    WrongContracts {
        name: String,
        snapshot: Option<String>,
        expected: Option<String>,
    },
    #[error("snapshot line {line}: {reason}")]
    Malformed { line: usize, reason: String },
    #[error("snapshot line {line}: a second {kind} with the same key")]
    Duplicate { line: usize, kind: &'static str },
    #[error("the snapshot header announces {announced} entities, the file holds {found}")]
    CountMismatch { announced: u64, found: u64 },
    #[error("the snapshot could not be written: {0}")]
    Encode(String),
}

/// A hash chain over raw events in chain order: `head = SHA-256(head ‖ event)` from a
/// fixed genesis, where an event is its id, ledger, contract, transaction,
/// topics and value, each length-prefixed. Events at or before `through` are skipped, so
/// replaying a page after a restart leaves the chain unchanged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventChain {
    /// Hex SHA-256.
    pub head: String,
    /// The last event folded in; `None` for the genesis.
    pub through: Option<EventId>,
    /// Events folded in.
    pub events: u64,
}

impl EventChain {
    /// The chain of no events. (The network is named by the snapshot's header, which the
    /// trailer's hash covers with the chain head.)
    pub fn genesis() -> EventChain {
        EventChain {
            head: hex::encode(Sha256::digest(b"teachlink-event-chain/1")),
            through: None,
            events: 0,
        }
    }

    /// Folds `event` in unless it is at or before [`EventChain::through`]; returns whether
    /// it did. An id that does not parse is an error: the chain has no order for it.
    pub fn push(&mut self, event: &RawEvent) -> Result<bool, SnapshotError> {
        let id: EventId = event.id.parse().map_err(|_| SnapshotError::Malformed {
            line: 0,
            reason: format!("event id {:?} is not an RPC event id", event.id),
        })?;
        if self.through.is_some_and(|t| id <= t) {
            return Ok(false);
        }
        let events = self
            .events
            .checked_add(1)
            .ok_or_else(|| SnapshotError::Malformed {
                line: 0,
                reason: format!("the event chain's count {} cannot grow", self.events),
            })?;
        let mut prev = [0u8; 32];
        hex::decode_to_slice(&self.head, &mut prev).map_err(|_| SnapshotError::Malformed {
            line: 0,
            reason: format!("chain head {:?} is not 32 bytes of hex", self.head),
        })?;
        let mut h = Sha256::new();
        h.update(prev);
        field(&mut h, event.id.as_bytes());
        h.update(event.ledger.to_be_bytes());
        field(&mut h, event.contract_id.as_bytes());
        field(&mut h, event.tx_hash.as_bytes());
        h.update((event.topic.len() as u32).to_be_bytes());
        for t in &event.topic {
            field(&mut h, t.as_bytes());
        }
        field(&mut h, event.value.as_bytes());
        self.head = hex::encode(h.finalize());
        self.through = Some(id);
        self.events = events;
        Ok(true)
    }
}

fn field(h: &mut Sha256, bytes: &[u8]) {
    h.update((bytes.len() as u64).to_be_bytes());
    h.update(bytes);
}

/// The first line: what the snapshot is of.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub format: String,
    pub network_passphrase: String,
    /// Contract ids by name, as in [`crate::Deployment::contracts`].
    pub contracts: BTreeMap<String, String>,
    /// Where the importer's sync resumes.
    pub checkpoint: Checkpoint,
    /// The state's counters ([`State::events`], [`State::orphans`],
    /// [`State::applied_through`]).
    pub events: u64,
    pub orphans: u64,
    pub applied_through: Option<EventId>,
    /// The raw events the entities were projected from.
    pub chain: EventChain,
    /// Entity lines that follow.
    pub entities: u64,
}

/// What an importer requires of a snapshot besides its own integrity.
#[derive(Clone, Debug, Default)]
pub struct Expected<'a> {
    /// The network the importer syncs from (checked against the RPC's `getNetwork`).
    pub network_passphrase: &'a str,
    /// The importer's deployment: every contract it indexes must be the snapshot's.
    pub contracts: Option<&'a BTreeMap<String, String>>,
    /// The SHA-256 the snapshot was published with, when the importer has one.
    pub sha256: Option<&'a str>,
}

/// A verified snapshot, ready to import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    pub header: Header,
    pub state: State,
    /// The trailer's SHA-256 (hex): the snapshot's identity.
    pub sha256: String,
}

impl Snapshot {
    /// The checkpoint to record with the imported state.
    pub fn checkpoint(&self) -> &Checkpoint {
        &self.header.checkpoint
    }
}

impl fmt::Display for Snapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "snapshot at ledger {} ({} events, {} entities, sha256 {})",
            self.header.checkpoint.ledger,
            self.header.chain.events,
            self.header.entities,
            self.sha256
        )
    }
}

/// One entity line, borrowed for writing.
#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
enum EntityRef<'a> {
    Escrow(&'a Escrow),
    Token(&'a ContentToken),
    Profile(&'a Profile),
    Completion(&'a Completion),
    Contribution(&'a Contribution),
    Rewards(&'a LearnerRewards),
    Pool(&'a Pool),
    Contract(&'a ContractAdmin),
    Outbound(&'a OutboundTransfer),
    Inbound(&'a InboundTransfer),
    Validator(&'a Validator),
    Chain(&'a BridgeChain),
    Bridge(&'a BridgeTotals),
    Unknown(&'a UnknownEvent),
}

/// One entity line, read.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum Entity {
    Escrow(Escrow),
    Token(ContentToken),
    Profile(Profile),
    Completion(Completion),
    Contribution(Contribution),
    Rewards(LearnerRewards),
    Pool(Pool),
    Contract(ContractAdmin),
    Outbound(OutboundTransfer),
    Inbound(InboundTransfer),
    Validator(Validator),
    Chain(BridgeChain),
    Bridge(BridgeTotals),
    Unknown(UnknownEvent),
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Trailer {
    sha256: String,
}

/// Every entity of `state`, in a fixed order (kind, then key).
fn entities(state: &State) -> impl Iterator<Item = EntityRef<'_>> {
    let s = state;
    s.escrows
        .values()
        .map(EntityRef::Escrow)
        .chain(s.tokens.values().map(EntityRef::Token))
        .chain(s.profiles.values().map(EntityRef::Profile))
        .chain(s.completions.values().map(EntityRef::Completion))
        .chain(s.contributions.values().map(EntityRef::Contribution))
        .chain(s.rewards.values().map(EntityRef::Rewards))
        .chain(s.pools.values().map(EntityRef::Pool))
        .chain(s.contracts.values().map(EntityRef::Contract))
        .chain(s.outbound.values().map(EntityRef::Outbound))
        .chain(s.inbound.values().map(EntityRef::Inbound))
        .chain(s.validators.values().map(EntityRef::Validator))
        .chain(s.chains.values().map(EntityRef::Chain))
        .chain(s.bridges.values().map(EntityRef::Bridge))
        .chain(s.unknown.values().map(EntityRef::Unknown))
}

/// A written snapshot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Encoded {
    pub bytes: Vec<u8>,
    /// The trailer's SHA-256 (hex), to publish beside the file.
    pub sha256: String,
}

/// Writes `state` at `checkpoint`, covering the events of `chain`, as a snapshot.
pub fn encode(
    network_passphrase: &str,
    contracts: &BTreeMap<String, String>,
    checkpoint: &Checkpoint,
    chain: &EventChain,
    state: &State,
) -> Result<Encoded, SnapshotError> {
    let header = Header {
        format: FORMAT.to_string(),
        network_passphrase: network_passphrase.to_string(),
        contracts: contracts.clone(),
        checkpoint: checkpoint.clone(),
        events: state.events,
        orphans: state.orphans,
        applied_through: state.applied_through,
        chain: chain.clone(),
        entities: entities(state).count() as u64,
    };
    let encode_error = |e: serde_json::Error| SnapshotError::Encode(e.to_string());
    let mut out = Vec::with_capacity(256 * (header.entities as usize + 1));
    serde_json::to_writer(&mut out, &header).map_err(encode_error)?;
    out.push(b'\n');
    for entity in entities(state) {
        serde_json::to_writer(&mut out, &entity).map_err(encode_error)?;
        out.push(b'\n');
    }
    let sha256 = hex::encode(Sha256::digest(&out));
    serde_json::to_writer(
        &mut out,
        &Trailer {
            sha256: sha256.clone(),
        },
    )
    .map_err(encode_error)?;
    out.push(b'\n');
    Ok(Encoded { bytes: out, sha256 })
}

/// Verifies `bytes` (integrity first, then `expected`) and reads the state out of them.
/// Refuses, with the reason, anything altered, cut short, of another format, network or
/// deployment, malformed, or holding one entity twice.
pub fn decode(bytes: &[u8], expected: &Expected<'_>) -> Result<Snapshot, SnapshotError> {
    let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    if body.is_empty() {
        return Err(SnapshotError::Empty);
    }
    let split = body.iter().rposition(|&b| b == b'\n');
    let (content, trailer) = match split {
        Some(i) => (&bytes[..=i], &body[i + 1..]),
        None => return Err(SnapshotError::NoTrailer),
    };
    let trailer: Trailer = serde_json::from_slice(trailer).map_err(|_| SnapshotError::NoTrailer)?;
    let computed = hex::encode(Sha256::digest(content));
    if !computed.eq_ignore_ascii_case(&trailer.sha256) {
        return Err(SnapshotError::HashMismatch {
            recorded: trailer.sha256,
            computed,
        });
    }
    if let Some(pinned) = expected.sha256 {
        if !pinned.eq_ignore_ascii_case(&computed) {
            return Err(SnapshotError::NotPinned {
                expected: pinned.to_string(),
                actual: computed,
            });
        }
    }

    let mut lines = content[..content.len() - 1].split(|&b| b == b'\n');
    let first = lines.next().unwrap_or_default();
    let format = serde_json::from_slice::<serde_json::Value>(first)
        .ok()
        .and_then(|v| v.get("format").and_then(|f| f.as_str()).map(str::to_string))
        .ok_or_else(|| SnapshotError::Malformed {
            line: 1,
            reason: "the first line is not a snapshot header".into(),
        })?;
    if format != FORMAT {
        return Err(SnapshotError::Format(format));
    }
    let header: Header = serde_json::from_slice(first).map_err(|e| SnapshotError::Malformed {
        line: 1,
        reason: e.to_string(),
    })?;
    check_ranges(&header)?;
    if header.network_passphrase != expected.network_passphrase {
        return Err(SnapshotError::WrongNetwork {
            snapshot: header.network_passphrase,
            expected: expected.network_passphrase.to_string(),
        });
    }
    if let Some(contracts) = expected.contracts {
        for (name, id) in contracts {
            if header.contracts.get(name) != Some(id) {
                return Err(SnapshotError::WrongContracts {
                    name: name.clone(),
                    snapshot: header.contracts.get(name).cloned(),
                    expected: Some(id.clone()),
                });
            }
        }
        if let Some((name, id)) = header
            .contracts
            .iter()
            .find(|(n, _)| !contracts.contains_key(*n))
        {
            return Err(SnapshotError::WrongContracts {
                name: name.clone(),
                snapshot: Some(id.clone()),
                expected: None,
            });
        }
    }

    let mut state = State {
        events: header.events,
        orphans: header.orphans,
        applied_through: header.applied_through,
        ..State::default()
    };
    let mut found = 0u64;
    for (i, line) in lines.enumerate() {
        let line_no = i + 2;
        let entity: Entity =
            serde_json::from_slice(line).map_err(|e| SnapshotError::Malformed {
                line: line_no,
                reason: e.to_string(),
            })?;
        found += 1;
        let fresh = match entity {
            Entity::Escrow(x) => insert(&mut state.escrows, x),
            Entity::Token(x) => insert(&mut state.tokens, x),
            Entity::Profile(x) => insert(&mut state.profiles, x),
            Entity::Completion(x) => insert(&mut state.completions, x),
            Entity::Contribution(x) => insert(&mut state.contributions, x),
            Entity::Rewards(x) => insert(&mut state.rewards, x),
            Entity::Pool(x) => insert(&mut state.pools, x),
            Entity::Contract(x) => insert(&mut state.contracts, x),
            Entity::Outbound(x) => insert(&mut state.outbound, x),
            Entity::Inbound(x) => insert(&mut state.inbound, x),
            Entity::Validator(x) => insert(&mut state.validators, x),
            Entity::Chain(x) => insert(&mut state.chains, x),
            Entity::Bridge(x) => insert(&mut state.bridges, x),
            Entity::Unknown(x) => insert(&mut state.unknown, x),
        };
        if let Err(kind) = fresh {
            return Err(SnapshotError::Duplicate {
                line: line_no,
                kind,
            });
        }
    }
    if found != header.entities {
        return Err(SnapshotError::CountMismatch {
            announced: header.entities,
            found,
        });
    }
    Ok(Snapshot {
        header,
        state,
        sha256: computed,
    })
}

/// Refuses header fields no store could have written, whatever the hash says (a hash
/// proves who made the file, not that it is sane): counts beyond what the SQL stores keep
/// (signed 64-bit), a chain whose count and last event disagree, positions past the
/// checkpoint, a chain head that is not a SHA-256.
fn check_ranges(h: &Header) -> Result<(), SnapshotError> {
    let bad = |reason: String| Err(SnapshotError::Malformed { line: 1, reason });
    let max = i64::MAX as u64;
    for (name, value) in [
        ("events", h.events),
        ("orphans", h.orphans),
        ("entities", h.entities),
        ("chain.events", h.chain.events),
    ] {
        if value > max {
            return bad(format!("{name} {value} is out of range (at most {max})"));
        }
    }
    if (h.chain.events == 0) != h.chain.through.is_none() {
        return bad(format!(
            "chain.events {} and chain.through {:?} disagree",
            h.chain.events, h.chain.through
        ));
    }
    let ledger = h.checkpoint.ledger;
    // A position may lie in the ledger after `checkpoint.ledger` when the cursor stopped
    // inside that ledger (it is then not fully covered), but never past the cursor.
    let cursor = h
        .checkpoint
        .cursor
        .unwrap_or(EventId::end_of_ledger(ledger));
    for (name, id) in [
        ("chain.through", h.chain.through),
        ("applied_through", h.applied_through),
    ] {
        if let Some(id) = id.filter(|id| *id > cursor) {
            return bad(format!(
                "{name} {id} is after the checkpoint's cursor {cursor}"
            ));
        }
    }
    if let Some(g) = h
        .checkpoint
        .gaps
        .iter()
        .find(|g| g.first_ledger > g.last_ledger || g.last_ledger > ledger)
    {
        return bad(format!(
            "gap {}..={} is not within the checkpoint's ledgers",
            g.first_ledger, g.last_ledger
        ));
    }
    if h.chain.head.len() != 64 || !h.chain.head.bytes().all(|b| b.is_ascii_hexdigit()) {
        return bad(format!("chain.head {:?} is not a SHA-256", h.chain.head));
    }
    Ok(())
}

fn insert<T: Keyed>(map: &mut BTreeMap<T::Key, T>, x: T) -> Result<(), &'static str> {
    match map.insert(x.key(), x) {
        None => Ok(()),
        Some(_) => Err(short_type_name::<T>()),
    }
}

fn short_type_name<T>() -> &'static str {
    let full = std::any::type_name::<T>();
    full.rsplit("::").next().unwrap_or(full)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::MemoryStore;
    use crate::traffic;

    const NET: &str = "Test SDF Network ; September 2015";

    fn contracts() -> BTreeMap<String, String> {
        BTreeMap::from([
            ("escrow".to_string(), traffic::ESCROW.to_string()),
            ("content".to_string(), traffic::CONTENT.to_string()),
        ])
    }

    fn sample() -> (State, Checkpoint) {
        let store = MemoryStore::new();
        let events = traffic::stream(3_000);
        let last = events
            .last()
            .and_then(|d| d.id_string().parse::<EventId>().ok());
        let checkpoint = Checkpoint {
            cursor: last,
            ledger: last.map(|id| id.ledger()).unwrap_or(0),
            gaps: vec![],
        };
        store
            .apply_batch_sync(&events, &checkpoint)
            .expect("applies");
        let state = store.with_state(State::clone).expect("state");
        (state, checkpoint)
    }

    fn expected(c: &BTreeMap<String, String>) -> Expected<'_> {
        Expected {
            network_passphrase: NET,
            contracts: Some(c),
            sha256: None,
        }
    }

    #[test]
    fn round_trips_every_entity_and_counter() {
        let (state, checkpoint) = sample();
        let c = contracts();
        let chain = EventChain::genesis();
        let Encoded { bytes, sha256 } =
            encode(NET, &c, &checkpoint, &chain, &state).expect("encodes");
        let snap = decode(&bytes, &expected(&c)).expect("decodes");
        assert_eq!(snap.state, state);
        assert_eq!(snap.header.checkpoint, checkpoint);
        assert_eq!(snap.sha256, sha256);
        assert!(!state.escrows.is_empty() && !state.unknown.is_empty());
        // Pinned to its own hash it is accepted, to another refused.
        let pinned = snap.sha256.clone();
        let ok = Expected {
            sha256: Some(&pinned),
            ..expected(&c)
        };
        assert!(decode(&bytes, &ok).is_ok());
        let other = "0".repeat(64);
        let wrong = Expected {
            sha256: Some(&other),
            ..expected(&c)
        };
        assert!(matches!(
            decode(&bytes, &wrong),
            Err(SnapshotError::NotPinned { .. })
        ));
    }

    #[test]
    fn refuses_every_alteration() {
        let (state, checkpoint) = sample();
        let c = contracts();
        let bytes = encode(NET, &c, &checkpoint, &EventChain::genesis(), &state)
            .expect("encodes")
            .bytes;
        let text = String::from_utf8(bytes.clone()).expect("utf-8");

        // One digit of one amount changed.
        let i = text.find("\"amount\":").expect("an amount") + 9;
        let mut altered = bytes.clone();
        altered[i] = if altered[i] == b'9' { b'8' } else { b'9' };
        assert!(matches!(
            decode(&altered, &expected(&c)),
            Err(SnapshotError::HashMismatch { .. })
        ));

        // Cut short: the trailer is gone.
        let cut = &bytes[..bytes.len() / 2];
        assert!(matches!(
            decode(cut, &expected(&c)),
            Err(SnapshotError::NoTrailer)
        ));
        assert_eq!(decode(b"", &expected(&c)), Err(SnapshotError::Empty));

        // A line dropped and the trailer recomputed: the count no longer matches.
        let mut lines: Vec<&str> = text.lines().collect();
        lines.remove(2);
        lines.pop();
        let resealed = reseal(&lines);
        assert!(matches!(
            decode(&resealed, &expected(&c)),
            Err(SnapshotError::CountMismatch { .. })
        ));

        // A line repeated, header count adjusted, resealed: a duplicate key.
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        lines.pop();
        let dup = lines[1].clone();
        lines.insert(2, dup);
        let mut header: Header = serde_json::from_str(&lines[0]).expect("header");
        header.entities += 1;
        lines[0] = serde_json::to_string(&header).expect("json");
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        assert!(matches!(
            decode(&reseal(&refs), &expected(&c)),
            Err(SnapshotError::Duplicate { line: 3, .. })
        ));

        // Another network, another deployment, another format.
        let other_net = Expected {
            network_passphrase: "Public Global Stellar Network ; September 2015",
            ..expected(&c)
        };
        assert!(matches!(
            decode(&bytes, &other_net),
            Err(SnapshotError::WrongNetwork { .. })
        ));
        let mut other = c.clone();
        other.insert("escrow".into(), traffic::REWARDS.to_string());
        assert!(matches!(
            decode(&bytes, &expected(&other)),
            Err(SnapshotError::WrongContracts { .. })
        ));
        let v2 = text.replacen(FORMAT, "teachlink-snapshot/2", 1);
        let mut lines: Vec<&str> = v2.lines().collect();
        lines.pop();
        assert!(matches!(
            decode(&reseal(&lines), &expected(&c)),
            Err(SnapshotError::Format(f)) if f == "teachlink-snapshot/2"
        ));
    }

    /// Issue 17 item 6: a header with a valid hash and an impossible count is refused at
    /// decode; a chain at its maximum count refuses to grow instead of panicking.
    #[test]
    fn refuses_header_fields_out_of_range_and_never_overflows() {
        let (state, checkpoint) = sample();
        let c = contracts();
        let text = String::from_utf8(
            encode(NET, &c, &checkpoint, &EventChain::genesis(), &state)
                .expect("encodes")
                .bytes,
        )
        .expect("utf-8");
        let forged = |edit: &dyn Fn(&mut Header)| {
            let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
            lines.pop();
            let mut header: Header = serde_json::from_str(&lines[0]).expect("header");
            edit(&mut header);
            lines[0] = serde_json::to_string(&header).expect("json");
            let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
            decode(&reseal(&refs), &expected(&c))
        };
        let through = checkpoint.cursor;
        assert_eq!(
            forged(&|h| {
                h.chain.events = u64::MAX;
                h.chain.through = through;
            }),
            Err(SnapshotError::Malformed {
                line: 1,
                reason: format!(
                    "chain.events {} is out of range (at most {})",
                    u64::MAX,
                    i64::MAX
                ),
            })
        );
        assert_eq!(
            forged(&|h| h.chain.events = 5),
            Err(SnapshotError::Malformed {
                line: 1,
                reason: "chain.events 5 and chain.through None disagree".into(),
            })
        );
        let later = EventId::end_of_ledger(checkpoint.ledger + 1);
        assert_eq!(
            forged(&|h| h.applied_through = Some(later)),
            Err(SnapshotError::Malformed {
                line: 1,
                reason: format!(
                    "applied_through {later} is after the checkpoint's cursor {}",
                    checkpoint
                        .cursor
                        .unwrap_or(EventId::end_of_ledger(checkpoint.ledger))
                ),
            })
        );
        // Positive control: the file as made decodes.
        assert!(forged(&|_| {}).is_ok());

        let mut full = EventChain {
            events: u64::MAX,
            ..EventChain::genesis()
        };
        let event = RawEvent {
            kind: Some("contract".into()),
            id: "0000000042949672960-0000000000".into(),
            ledger: 10,
            ledger_closed_at: String::new(),
            contract_id: traffic::ESCROW.to_string(),
            tx_hash: String::new(),
            topic: vec![],
            value: String::new(),
            in_successful_contract_call: None,
        };
        assert_eq!(
            full.push(&event),
            Err(SnapshotError::Malformed {
                line: 0,
                reason: format!("the event chain's count {} cannot grow", u64::MAX),
            })
        );
        assert_eq!(full.events, u64::MAX, "unchanged");
    }

    /// Lines followed by a trailer with their correct hash: what a forger who does not
    /// know the pinned hash can produce.
    fn reseal(lines: &[&str]) -> Vec<u8> {
        let mut out = Vec::new();
        for l in lines {
            out.extend_from_slice(l.as_bytes());
            out.push(b'\n');
        }
        let sha256 = hex::encode(Sha256::digest(&out));
        out.extend_from_slice(format!("{{\"sha256\":\"{sha256}\"}}\n").as_bytes());
        out
    }

    #[test]
    fn the_chain_skips_replays_and_depends_on_every_field() {
        let raw = |id: &str, value: &str| RawEvent {
            kind: Some("contract".into()),
            id: id.into(),
            ledger: 7,
            ledger_closed_at: "2026-01-01T00:00:00Z".into(),
            contract_id: traffic::ESCROW.to_string(),
            tx_hash: "ab".repeat(32),
            topic: vec!["AAAADwAAAAdjcmVhdGVk".into()],
            value: value.into(),
            in_successful_contract_call: None,
        };
        let first = raw("0000000030064771072-0000000000", "AAAAAQ==");
        let second = raw("0000000030064771072-0000000001", "AAAAAQ==");
        let mut a = EventChain::genesis();
        assert!(a.push(&first).expect("pushes"));
        assert!(a.push(&second).expect("pushes"));
        let head = a.clone();
        assert!(!a.push(&first).expect("a replay is skipped"));
        assert_eq!(a, head);
        assert_eq!(a.events, 2);

        let mut b = EventChain::genesis();
        b.push(&first).expect("pushes");
        b.push(&raw("0000000030064771072-0000000001", "AAAAAg=="))
            .expect("pushes");
        assert_ne!(a.head, b.head, "a different value gives a different head");
        assert!(EventChain::genesis().push(&raw("nope", "")).is_err());
    }
}
