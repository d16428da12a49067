//! Owns the contract-event index behind getEvents: TOID-based cursors, filters by type,
//! contract id and topics (with `*` and trailing `**`), and the retention window.

use std::collections::BTreeMap;
use std::fmt;

use soroban_env_host::xdr::{
    ContractEvent, ContractEventBody, ContractEventType, ContractId, ScVal,
};

use crate::error::{LocalnetError, Result};

/// Bits of a TOID given to the transaction's application order and the operation index.
const TX_BITS: u32 = 20;
const OP_BITS: u32 = 12;
pub const TX_MASK: u32 = (1 << TX_BITS) - 1;
pub const OP_MASK: u32 = (1 << OP_BITS) - 1;

/// Position of an event: ledger, transaction application order (from 1), operation index
/// and event index within the transaction. Printed as stellar-rpc prints it: the TOID
/// (ledger << 32 | tx << 12 | op) as 19 digits, a dash, the event index as 10 digits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cursor {
    pub ledger: u32,
    pub tx: u32,
    pub op: u32,
    pub event: u32,
}

impl Cursor {
    /// The largest cursor within `ledger`.
    pub fn end_of(ledger: u32) -> Self {
        Cursor {
            ledger,
            tx: TX_MASK,
            op: OP_MASK,
            event: u32::MAX,
        }
    }

    /// The TOID of the operation this cursor points into.
    pub fn toid(&self) -> i64 {
        (i64::from(self.ledger) << 32)
            | (i64::from(self.tx & TX_MASK) << OP_BITS)
            | i64::from(self.op & OP_MASK)
    }

    /// Parses `TOID-EVENT` (or a bare TOID, event 0), as stellar-rpc accepts.
    pub fn parse(s: &str) -> Result<Self> {
        let bad = || LocalnetError::Invalid(format!("invalid cursor {s:?}"));
        let (toid, event) = match s.split_once('-') {
            Some((t, e)) => (t, e.parse::<u32>().map_err(|_| bad())?),
            None => (s, 0),
        };
        let toid: i64 = toid.parse().map_err(|_| bad())?;
        if toid < 0 {
            return Err(bad());
        }
        Ok(Cursor {
            ledger: u32::try_from(toid >> 32).map_err(|_| bad())?,
            tx: ((toid >> OP_BITS) as u32) & TX_MASK,
            op: (toid as u32) & OP_MASK,
            event,
        })
    }
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:019}-{:010}", self.toid(), self.event)
    }
}

/// One indexed event.
#[derive(Clone, Debug)]
pub struct StoredEvent {
    pub cursor: Cursor,
    pub close_time: u64,
    pub tx_hash: [u8; 32],
    pub event: ContractEvent,
}

/// A topic segment filter.
#[derive(Clone, Debug, PartialEq)]
pub enum Segment {
    /// `*`: exactly one topic, any value.
    Any,
    /// `**` (last segment only): zero or more further topics.
    Rest,
    Value(ScVal),
}

/// One filter of a getEvents request; events matching any filter are returned.
#[derive(Clone, Debug, Default)]
pub struct EventFilter {
    /// Empty means any type.
    pub types: Vec<ContractEventType>,
    /// Empty means any contract.
    pub contract_ids: Vec<ContractId>,
    /// Empty means any topics; otherwise any one of these must match.
    pub topics: Vec<Vec<Segment>>,
}

fn topic_matches(filter: &[Segment], topics: &[ScVal]) -> bool {
    let (fixed, rest) = match filter.split_last() {
        Some((Segment::Rest, head)) => (head, true),
        _ => (filter, false),
    };
    if rest {
        if topics.len() < fixed.len() {
            return false;
        }
    } else if topics.len() != fixed.len() {
        return false;
    }
    fixed.iter().zip(topics).all(|(seg, t)| match seg {
        Segment::Any | Segment::Rest => true,
        Segment::Value(v) => v == t,
    })
}

impl EventFilter {
    /// Whether `event` passes this filter.
    pub fn matches(&self, event: &ContractEvent) -> bool {
        if !self.types.is_empty() && !self.types.contains(&event.type_) {
            return false;
        }
        if !self.contract_ids.is_empty() {
            match &event.contract_id {
                Some(id) if self.contract_ids.contains(id) => {}
                _ => return false,
            }
        }
        if self.topics.is_empty() {
            return true;
        }
        let ContractEventBody::V0(body) = &event.body;
        self.topics.iter().any(|t| topic_matches(t, &body.topics))
    }
}

/// Events of the retained ledgers, in cursor order.
#[derive(Default)]
pub struct EventStore {
    by_ledger: BTreeMap<u32, Vec<StoredEvent>>,
}

impl EventStore {
    /// Adds the events of one closed ledger (already in cursor order).
    pub fn add_ledger(&mut self, ledger: u32, events: Vec<StoredEvent>) {
        if !events.is_empty() {
            self.by_ledger.insert(ledger, events);
        }
    }

    /// Forgets ledgers before `oldest`.
    pub fn prune_before(&mut self, oldest: u32) {
        self.by_ledger = self.by_ledger.split_off(&oldest);
    }

    /// Events at or after `start` in ledgers before `end_ledger`, that match one of
    /// `filters` (or all, when there are none), at most `limit`.
    pub fn query(
        &self,
        start: Cursor,
        end_ledger: u32,
        filters: &[EventFilter],
        limit: usize,
    ) -> Vec<StoredEvent> {
        let mut out = Vec::new();
        if end_ledger <= start.ledger {
            return out;
        }
        for events in self
            .by_ledger
            .range(start.ledger..end_ledger)
            .map(|(_, v)| v)
        {
            for e in events {
                if e.cursor < start {
                    continue;
                }
                if filters.is_empty() || filters.iter().any(|f| f.matches(&e.event)) {
                    out.push(e.clone());
                    if out.len() >= limit {
                        return out;
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use soroban_env_host::xdr::{ContractEventV0, ExtensionPoint, Hash, ScSymbol};

    fn sym(s: &str) -> ScVal {
        ScVal::Symbol(ScSymbol(s.try_into().unwrap()))
    }

    fn event(topics: Vec<ScVal>) -> ContractEvent {
        ContractEvent {
            ext: ExtensionPoint::V0,
            contract_id: Some(ContractId(Hash([1; 32]))),
            type_: ContractEventType::Contract,
            body: ContractEventBody::V0(ContractEventV0 {
                topics: topics.try_into().unwrap(),
                data: ScVal::Void,
            }),
        }
    }

    #[test]
    fn cursor_round_trips_and_orders() {
        let c = Cursor {
            ledger: 7,
            tx: 3,
            op: 0,
            event: 2,
        };
        let s = c.to_string();
        assert_eq!(s, "0000000030064783360-0000000002");
        assert_eq!(Cursor::parse(&s).unwrap(), c);
        assert!(Cursor::end_of(6) < c);
        assert!(Cursor::parse("abc").is_err());
    }

    #[test]
    fn topic_wildcards() {
        let e = event(vec![sym("a"), sym("b")]);
        let f = |t: Vec<Segment>| EventFilter {
            topics: vec![t],
            ..Default::default()
        };
        assert!(f(vec![Segment::Value(sym("a")), Segment::Any]).matches(&e));
        assert!(!f(vec![Segment::Value(sym("a"))]).matches(&e));
        assert!(f(vec![Segment::Value(sym("a")), Segment::Rest]).matches(&e));
        assert!(f(vec![Segment::Value(sym("a")), Segment::Any, Segment::Rest]).matches(&e));
        assert!(!f(vec![
            Segment::Any,
            Segment::Any,
            Segment::Any,
            Segment::Rest
        ])
        .matches(&e));
        assert!(!f(vec![Segment::Value(sym("b")), Segment::Rest]).matches(&e));
    }
}
