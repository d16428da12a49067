//! Owns decoding: a Stellar RPC `getEvents` event (JSON, base64 XDR topics and value) into a
//! typed [`TeachLinkEvent`] for every event listed in `contracts/EVENTS.md`, or into
//! [`Decoded::Unknown`] with the reason, so that nothing is dropped and nothing panics.
//!
//! This module holds what every contract shares (the event types, the catalogue lookup,
//! the [`Decoder`], the field readers); each contract's catalogue entries and body decoding
//! live in its own submodule (`common`, `escrow`, `content`, `reputation`,
//! `rewards`, `bridge`).

mod bridge;
mod common;
mod content;
mod escrow;
mod reputation;
mod rewards;

use std::collections::HashMap;

use base64::Engine;
use serde::{Deserialize, Serialize};
use stellar_xdr::{Limits, ReadXdr, ScMapEntry, ScVal};

use crate::types::{amount, parse_rfc3339_utc, Address, EventId, Hash32, HexBytes};

pub use escrow::{Resolution, Signer};

/// One event as Stellar RPC's `getEvents` returns it. Fields the indexer does not need
/// (`operationIndex`, `pagingToken`, …) are ignored, so any RPC version parses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawEvent {
    /// `contract`, `system` or `diagnostic`; absent in some RPC versions.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    pub id: String,
    pub ledger: u32,
    pub ledger_closed_at: String,
    #[serde(default)]
    pub contract_id: String,
    #[serde(default)]
    pub tx_hash: String,
    /// Base64 XDR `ScVal`s; the first is the event name.
    pub topic: Vec<String>,
    /// Base64 XDR `ScVal`: the data map.
    pub value: String,
    /// Older RPCs also return events of failed calls and flag them here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_successful_contract_call: Option<bool>,
}

/// Why an event could not be decoded. Cheap to build: no formatting until displayed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("invalid event metadata: {0}")]
    Meta(&'static str),
    #[error("event of type {0:?} is not a contract event")]
    NotContract(String),
    #[error("event is not from a successful contract call")]
    FailedCall,
    #[error("{0} is not valid base64")]
    Base64(&'static str),
    #[error("{what} is not a valid XDR ScVal: {msg}")]
    Xdr { what: &'static str, msg: String },
    #[error("the event has no topics")]
    NoTopics,
    #[error("the first topic is not a symbol")]
    NameNotSymbol,
    #[error("unknown event {0:?}")]
    UnknownName(String),
    #[error("{0} is emitted by more than one contract; without the contract ids it is ambiguous")]
    AmbiguousName(&'static str),
    #[error("the emitting contract is not one of the indexed TeachLink contracts")]
    ForeignContract,
    #[error("{event} is not an event of the {contract} contract")]
    WrongContract {
        event: &'static str,
        contract: &'static str,
    },
    #[error("{event}: expected {expected} topics after the name, got {got}")]
    TopicCount {
        event: &'static str,
        expected: usize,
        got: usize,
    },
    #[error("{event}: the data is not a map")]
    DataNotMap { event: &'static str },
    #[error("{event}: data field `{field}` is missing")]
    MissingField {
        event: &'static str,
        field: &'static str,
    },
    #[error("{event}: `{field}` is not {expected}")]
    FieldType {
        event: &'static str,
        field: &'static str,
        expected: &'static str,
    },
}

/// Which TeachLink contract emitted an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContractKind {
    Escrow,
    Content,
    Reputation,
    Rewards,
    Bridge,
}

impl ContractKind {
    pub const ALL: [ContractKind; 5] = [
        ContractKind::Escrow,
        ContractKind::Content,
        ContractKind::Reputation,
        ContractKind::Rewards,
        ContractKind::Bridge,
    ];

    /// The contract's name, as in `Deployment::contracts` and the EVENTS.md sections.
    pub fn name(self) -> &'static str {
        match self {
            ContractKind::Escrow => "escrow",
            ContractKind::Content => "content",
            ContractKind::Reputation => "reputation",
            ContractKind::Rewards => "rewards",
            ContractKind::Bridge => "bridge",
        }
    }

    pub fn from_name(name: &str) -> Option<ContractKind> {
        ContractKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// Every TeachLink contract event, with the fields of `contracts/EVENTS.md` (topics first,
/// then data). In JSON the `event` tag is the on-chain event name, except for the one name
/// two contracts share: the bridge's `funded` is tagged `bridge_funded` (the rewards
/// contract's is `funded`), so the JSON form stays unambiguous.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum TeachLinkEvent {
    // ---- common ----
    AdminChanged {
        previous: Address,
        admin: Address,
    },
    RoleGranted {
        role: String,
        account: Address,
    },
    RoleRevoked {
        role: String,
        account: Address,
    },
    Paused {
        by: Address,
    },
    Unpaused {
        by: Address,
    },
    Upgraded {
        wasm_hash: Hash32,
    },
    /// The admin scheduled `op(args)` (a timelocked entry point and its exact arguments,
    /// each a base64 XDR `ScVal`); it may run from `ready_at` (UNIX seconds).
    Proposed {
        op: String,
        args: Vec<String>,
        ready_at: u64,
    },
    /// The admin dropped the pending `op(args)`.
    Cancelled {
        op: String,
        args: Vec<String>,
    },
    /// The scheduled `op(args)` ran.
    Executed {
        op: String,
        args: Vec<String>,
    },
    // ---- escrow ----
    EscrowCreated {
        escrow_id: u64,
        depositor: Address,
        beneficiary: Address,
        token: Address,
        #[serde(with = "amount")]
        amount: i128,
        signers: Vec<Signer>,
        threshold: u32,
        release_after: Option<u64>,
        refund_after: Option<u64>,
        arbitrator: Option<Address>,
        /// Absent from escrow events before the dispute timeout existed: 0.
        #[serde(default)]
        dispute_timeout: u64,
        course_id: u64,
    },
    EscrowApproved {
        escrow_id: u64,
        signer: Address,
        weight: u32,
        approved_weight: u32,
        threshold: u32,
    },
    EscrowReleased {
        escrow_id: u64,
        beneficiary: Address,
        #[serde(with = "amount")]
        amount: i128,
        by: Address,
    },
    EscrowRefunded {
        escrow_id: u64,
        depositor: Address,
        #[serde(with = "amount")]
        amount: i128,
        by: Address,
    },
    EscrowCancelled {
        escrow_id: u64,
        depositor: Address,
        #[serde(with = "amount")]
        amount: i128,
    },
    EscrowDisputed {
        escrow_id: u64,
        by: Address,
        reason: String,
        /// Absent from escrow events before the dispute timeout existed: 0.
        #[serde(default)]
        deadline: u64,
    },
    EscrowResolved {
        escrow_id: u64,
        arbitrator: Address,
        resolution: Resolution,
        #[serde(with = "amount")]
        to_beneficiary: i128,
        #[serde(with = "amount")]
        to_depositor: i128,
    },
    EscrowSettled {
        escrow_id: u64,
        by: Address,
        #[serde(with = "amount")]
        to_beneficiary: i128,
        #[serde(with = "amount")]
        to_depositor: i128,
    },
    // ---- content ----
    Minted {
        token_id: u64,
        creator: Address,
        title: String,
        content_hash: Hash32,
        uri: String,
        licence: String,
        tags: Vec<String>,
        transferable: bool,
        royalty_bps: u32,
    },
    Approved {
        token_id: u64,
        owner: Address,
        spender: Option<Address>,
        live_until: u32,
    },
    Transferred {
        token_id: u64,
        from: Address,
        to: Address,
    },
    MetadataUpdated {
        token_id: u64,
        creator: Address,
        uri: String,
        content_hash: Hash32,
    },
    // ---- reputation ----
    CompletionRecorded {
        learner: Address,
        course_id: u64,
        issuer: Address,
        score_pct: u32,
        credit_score: u32,
        reputation: u32,
    },
    ContributionRecorded {
        contribution_id: u64,
        learner: Address,
        kind: String,
        reference: Hash32,
    },
    ContributionRated {
        contribution_id: u64,
        rater: Address,
        author: Address,
        rating: u32,
        /// The rater's weight (1..=5), which the author's scores were computed with.
        weight: u32,
        author_reputation: u32,
        author_credit_score: u32,
    },
    CourseBound {
        course_id: u64,
        issuer: Address,
    },
    CompletionCorrected {
        learner: Address,
        course_id: u64,
        previous_pct: u32,
        score_pct: u32,
        credit_score: u32,
        reputation: u32,
    },
    // ---- rewards ----
    Funded {
        funder: Address,
        #[serde(with = "amount")]
        amount: i128,
        #[serde(with = "amount")]
        balance: i128,
    },
    RewardIssued {
        learner: Address,
        issuer: Address,
        #[serde(with = "amount")]
        amount: i128,
        reason: String,
        #[serde(with = "amount")]
        unclaimed: i128,
    },
    RewardClaimed {
        learner: Address,
        #[serde(with = "amount")]
        amount: i128,
    },
    Withdrawn {
        to: Address,
        #[serde(with = "amount")]
        amount: i128,
    },
    AllowanceSet {
        issuer: Address,
        #[serde(with = "amount")]
        amount: i128,
    },
    RewardRevoked {
        learner: Address,
        #[serde(with = "amount")]
        amount: i128,
        #[serde(with = "amount")]
        unclaimed: i128,
    },
    // ---- bridge ----
    ValidatorRegistered {
        validator: Address,
        /// The ed25519 public key the validator signs attestations with.
        signing_key: Hash32,
        #[serde(with = "amount")]
        stake: i128,
    },
    ValidatorActivated {
        validator: Address,
    },
    ValidatorDeactivated {
        validator: Address,
    },
    ChainLimitsSet {
        chain: u32,
        #[serde(with = "amount")]
        per_transfer: i128,
        #[serde(with = "amount")]
        per_day: i128,
    },
    ChainPaused {
        chain: u32,
        by: Address,
    },
    ChainResumed {
        chain: u32,
        by: Address,
    },
    /// The bridge's `funded`: liquidity for inbound releases was added.
    BridgeFunded {
        from: Address,
        #[serde(with = "amount")]
        amount: i128,
    },
    /// Tokens locked on this chain for `dest_chain` (an outbound transfer).
    #[serde(rename = "locked")]
    BridgeLocked {
        nonce: u64,
        dest_chain: u32,
        sender: Address,
        #[serde(with = "amount")]
        amount: i128,
        /// The recipient on the destination chain, in that chain's encoding.
        recipient: HexBytes,
        expires_at: u64,
    },
    /// An inbound transfer from `source_chain` was released to its recipient.
    #[serde(rename = "completed")]
    BridgeCompleted {
        nonce: u64,
        source_chain: u32,
        recipient: Address,
        #[serde(with = "amount")]
        amount: i128,
        #[serde(with = "amount")]
        attested_stake: i128,
    },
    OutboundConfirmed {
        nonce: u64,
        dest_chain: u32,
        sender: Address,
        #[serde(with = "amount")]
        amount: i128,
        #[serde(with = "amount")]
        attested_stake: i128,
    },
    /// An expired, unconfirmed outbound transfer went back to its sender.
    #[serde(rename = "refunded")]
    BridgeRefunded {
        nonce: u64,
        dest_chain: u32,
        sender: Address,
        #[serde(with = "amount")]
        amount: i128,
    },
    /// Proven equivocation on (`source_chain`, `nonce`): the validator's stake went to `to`.
    #[serde(rename = "slashed")]
    BridgeSlashed {
        nonce: u64,
        source_chain: u32,
        validator: Address,
        #[serde(with = "amount")]
        amount: i128,
        to: Address,
    },
    UnbondingStarted {
        validator: Address,
        unbonding_ends: u64,
    },
    StakeWithdrawn {
        validator: Address,
        #[serde(with = "amount")]
        amount: i128,
    },
}

impl TeachLinkEvent {
    /// The escrow an escrow event is about (its first topic after the name).
    pub fn escrow_id(&self) -> Option<u64> {
        use TeachLinkEvent::*;
        match self {
            EscrowCreated { escrow_id, .. }
            | EscrowApproved { escrow_id, .. }
            | EscrowReleased { escrow_id, .. }
            | EscrowRefunded { escrow_id, .. }
            | EscrowCancelled { escrow_id, .. }
            | EscrowDisputed { escrow_id, .. }
            | EscrowResolved { escrow_id, .. }
            | EscrowSettled { escrow_id, .. } => Some(*escrow_id),
            _ => None,
        }
    }

    /// The content token a content event is about (its first topic after the name).
    pub fn token_id(&self) -> Option<u64> {
        use TeachLinkEvent::*;
        match self {
            Minted { token_id, .. }
            | Approved { token_id, .. }
            | Transferred { token_id, .. }
            | MetadataUpdated { token_id, .. } => Some(*token_id),
            _ => None,
        }
    }

    /// The on-chain event name (the first topic).
    pub fn name(&self) -> &'static str {
        use TeachLinkEvent::*;
        match self {
            AdminChanged { .. } => "admin_changed",
            RoleGranted { .. } => "role_granted",
            RoleRevoked { .. } => "role_revoked",
            Paused { .. } => "paused",
            Unpaused { .. } => "unpaused",
            Upgraded { .. } => "upgraded",
            Proposed { .. } => "proposed",
            Cancelled { .. } => "cancelled",
            Executed { .. } => "executed",
            EscrowCreated { .. } => "escrow_created",
            EscrowApproved { .. } => "escrow_approved",
            EscrowReleased { .. } => "escrow_released",
            EscrowRefunded { .. } => "escrow_refunded",
            EscrowCancelled { .. } => "escrow_cancelled",
            EscrowDisputed { .. } => "escrow_disputed",
            EscrowResolved { .. } => "escrow_resolved",
            EscrowSettled { .. } => "escrow_settled",
            Minted { .. } => "minted",
            Approved { .. } => "approved",
            Transferred { .. } => "transferred",
            MetadataUpdated { .. } => "metadata_updated",
            CompletionRecorded { .. } => "completion_recorded",
            ContributionRecorded { .. } => "contribution_recorded",
            ContributionRated { .. } => "contribution_rated",
            CourseBound { .. } => "course_bound",
            CompletionCorrected { .. } => "completion_corrected",
            Funded { .. } => "funded",
            RewardIssued { .. } => "reward_issued",
            RewardClaimed { .. } => "reward_claimed",
            Withdrawn { .. } => "withdrawn",
            AllowanceSet { .. } => "allowance_set",
            RewardRevoked { .. } => "reward_revoked",
            ValidatorRegistered { .. } => "validator_registered",
            ValidatorActivated { .. } => "validator_activated",
            ValidatorDeactivated { .. } => "validator_deactivated",
            ChainLimitsSet { .. } => "chain_limits_set",
            ChainPaused { .. } => "chain_paused",
            ChainResumed { .. } => "chain_resumed",
            BridgeFunded { .. } => "funded",
            BridgeLocked { .. } => "locked",
            BridgeCompleted { .. } => "completed",
            OutboundConfirmed { .. } => "outbound_confirmed",
            BridgeRefunded { .. } => "refunded",
            BridgeSlashed { .. } => "slashed",
            UnbondingStarted { .. } => "unbonding_started",
            StakeWithdrawn { .. } => "stake_withdrawn",
        }
    }

    /// The contract that emits this event; `None` for the common events, which every
    /// contract emits. With [`TeachLinkEvent::name`] it identifies the catalogue entry
    /// (names alone do not: `funded` is both a rewards and a bridge event).
    pub fn contract_kind(&self) -> Option<ContractKind> {
        use TeachLinkEvent::*;
        Some(match self {
            AdminChanged { .. }
            | RoleGranted { .. }
            | RoleRevoked { .. }
            | Paused { .. }
            | Unpaused { .. }
            | Upgraded { .. }
            | Proposed { .. }
            | Cancelled { .. }
            | Executed { .. } => return None,
            EscrowCreated { .. }
            | EscrowApproved { .. }
            | EscrowReleased { .. }
            | EscrowRefunded { .. }
            | EscrowCancelled { .. }
            | EscrowDisputed { .. }
            | EscrowResolved { .. }
            | EscrowSettled { .. } => ContractKind::Escrow,
            Minted { .. } | Approved { .. } | Transferred { .. } | MetadataUpdated { .. } => {
                ContractKind::Content
            }
            CompletionRecorded { .. }
            | ContributionRecorded { .. }
            | ContributionRated { .. }
            | CourseBound { .. }
            | CompletionCorrected { .. } => ContractKind::Reputation,
            Funded { .. }
            | RewardIssued { .. }
            | RewardClaimed { .. }
            | Withdrawn { .. }
            | AllowanceSet { .. }
            | RewardRevoked { .. } => ContractKind::Rewards,
            ValidatorRegistered { .. }
            | ValidatorActivated { .. }
            | ValidatorDeactivated { .. }
            | ChainLimitsSet { .. }
            | ChainPaused { .. }
            | ChainResumed { .. }
            | BridgeFunded { .. }
            | BridgeLocked { .. }
            | BridgeCompleted { .. }
            | OutboundConfirmed { .. }
            | BridgeRefunded { .. }
            | BridgeSlashed { .. }
            | UnbondingStarted { .. }
            | StakeWithdrawn { .. } => ContractKind::Bridge,
        })
    }
}

/// Where and when an event happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventMeta {
    pub id: EventId,
    pub ledger: u32,
    /// Ledger close time, UNIX seconds.
    pub closed_at: u64,
    pub contract: Address,
    pub tx_hash: Hash32,
}

/// A decoded event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub meta: EventMeta,
    pub body: TeachLinkEvent,
}

/// The outcome of decoding one RPC event: typed, or kept raw with the reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decoded {
    Event(Event),
    Unknown(RawEvent, DecodeError),
}

impl Decoded {
    /// The RPC id string of the event (its idempotency key).
    pub fn id_string(&self) -> String {
        match self {
            Decoded::Event(e) => e.meta.id.to_string(),
            Decoded::Unknown(raw, _) => raw.id.clone(),
        }
    }
}

/// The shape of one catalogued event: topics after the name, then data fields, each as
/// `(name, type as written in EVENTS.md)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventSpec {
    /// `common` (emitted by every contract) or the contract's name.
    pub section: &'static str,
    pub name: &'static str,
    pub topics: &'static [(&'static str, &'static str)],
    pub data: &'static [(&'static str, &'static str)],
}

const fn spec(
    section: &'static str,
    name: &'static str,
    topics: &'static [(&'static str, &'static str)],
    data: &'static [(&'static str, &'static str)],
) -> EventSpec {
    EventSpec {
        section,
        name,
        topics,
        data,
    }
}

const ADDR: &str = "Address";
const U64: &str = "u64";
const U32: &str = "u32";
const I128: &str = "i128";

/// Each section's catalogue entries, in `contracts/EVENTS.md` order: the common events, then
/// one contract after another.
const SECTIONS: [&[EventSpec]; 6] = [
    common::SPECS,
    escrow::SPECS,
    content::SPECS,
    reputation::SPECS,
    rewards::SPECS,
    bridge::SPECS,
];

const CATALOGUE_LEN: usize = {
    let mut n = 0;
    let mut i = 0;
    while i < SECTIONS.len() {
        n += SECTIONS[i].len();
        i += 1;
    }
    n
};

/// The sections joined at compile time, so the catalogue stays one `'static` slice.
const fn join_sections() -> [EventSpec; CATALOGUE_LEN] {
    let mut out = [SECTIONS[0][0]; CATALOGUE_LEN];
    let mut n = 0;
    let mut i = 0;
    while i < SECTIONS.len() {
        let mut j = 0;
        while j < SECTIONS[i].len() {
            out[n] = SECTIONS[i][j];
            n += 1;
            j += 1;
        }
        i += 1;
    }
    out
}

const JOINED: [EventSpec; CATALOGUE_LEN] = join_sections();

/// Every event this decoder understands; a test holds it equal to `contracts/EVENTS.md`.
pub const CATALOGUE: &[EventSpec] = &JOINED;

/// The catalogue entry of event `name` as emitted by a contract of `kind`: its own events
/// and the common ones. Names are unique per contract, not across contracts (`funded` is
/// a rewards and a bridge event), so the contract decides.
pub fn spec_in(kind: ContractKind, name: &str) -> Option<&'static EventSpec> {
    CATALOGUE
        .iter()
        .find(|s| s.name == name && (s.section == "common" || s.section == kind.name()))
}

/// The catalogue entry of event `name` when the emitting contract's kind is unknown:
/// only a name exactly one contract (or the common set) declares is accepted.
pub fn spec_of(name: &str) -> Result<&'static EventSpec, DecodeError> {
    let mut found = CATALOGUE.iter().filter(|s| s.name == name);
    match (found.next(), found.next()) {
        (Some(spec), None) => Ok(spec),
        (Some(spec), Some(_)) => Err(DecodeError::AmbiguousName(spec.name)),
        (None, _) => Err(DecodeError::UnknownName(name.to_string())),
    }
}

/// XDR read limits for untrusted input: deep enough for every TeachLink event (a map of
/// vectors of maps), shallow enough that a hostile payload cannot exhaust the stack.
const XDR_LIMITS: Limits = Limits {
    depth: 64,
    len: 1 << 20,
};

/// Decodes RPC events. Holds a scratch buffer reused across events (the base64 bytes), and
/// optionally the indexed contracts so an event is only accepted from the contract that
/// declares it.
#[derive(Default)]
pub struct Decoder {
    buf: Vec<u8>,
    contracts: HashMap<Address, ContractKind>,
    /// Contract strkeys already parsed: a page holds a handful of contracts, and parsing a
    /// strkey (base32 and CRC) for every event would be a large share of the decode time.
    strkeys: Vec<(String, Address)>,
}

impl Decoder {
    /// A decoder that accepts catalogued events from any contract.
    pub fn new() -> Self {
        Self::default()
    }

    /// A decoder that accepts only events of `contracts`, each only from the contract kind
    /// that emits it (common events from any of them).
    pub fn with_contracts(contracts: impl IntoIterator<Item = (Address, ContractKind)>) -> Self {
        Decoder {
            buf: Vec::new(),
            contracts: contracts.into_iter().collect(),
            strkeys: Vec::new(),
        }
    }

    /// Decodes one event; an event that does not decode is returned raw with the reason.
    pub fn decode(&mut self, raw: RawEvent) -> Decoded {
        match self.decode_ref(&raw) {
            Ok(e) => Decoded::Event(e),
            Err(reason) => Decoded::Unknown(raw, reason),
        }
    }

    /// Decodes one event by reference.
    pub fn decode_ref(&mut self, raw: &RawEvent) -> Result<Event, DecodeError> {
        if let Some(kind) = raw.kind.as_deref() {
            if kind != "contract" {
                return Err(DecodeError::NotContract(kind.to_string()));
            }
        }
        if raw.in_successful_contract_call == Some(false) {
            return Err(DecodeError::FailedCall);
        }
        let contract = self.contract_address(&raw.contract_id)?;
        let meta = parse_meta(raw, contract)?;
        let (name_topic, rest) = raw.topic.split_first().ok_or(DecodeError::NoTopics)?;
        let name = self.scval(name_topic, "the name topic")?;
        let ScVal::Symbol(name) = name else {
            return Err(DecodeError::NameNotSymbol);
        };
        let name =
            std::str::from_utf8(name.0.as_slice()).map_err(|_| DecodeError::NameNotSymbol)?;
        let spec = if self.contracts.is_empty() {
            spec_of(name)?
        } else {
            let kind = *self
                .contracts
                .get(&meta.contract)
                .ok_or(DecodeError::ForeignContract)?;
            match spec_in(kind, name) {
                Some(spec) => spec,
                None => {
                    return Err(match CATALOGUE.iter().find(|s| s.name == name) {
                        Some(other) => DecodeError::WrongContract {
                            event: other.name,
                            contract: kind.name(),
                        },
                        None => DecodeError::UnknownName(name.to_string()),
                    })
                }
            }
        };
        if rest.len() != spec.topics.len() {
            return Err(DecodeError::TopicCount {
                event: spec.name,
                expected: spec.topics.len(),
                got: rest.len(),
            });
        }
        let mut topics = Vec::with_capacity(rest.len());
        for t in rest {
            topics.push(self.scval(t, "a topic")?);
        }
        let data = self.scval(&raw.value, "the value")?;
        let body = decode_body(spec, &topics, &data)?;
        Ok(Event { meta, body })
    }

    fn contract_address(&mut self, strkey: &str) -> Result<Address, DecodeError> {
        if let Some((_, a)) = self.strkeys.iter().find(|(s, _)| s == strkey) {
            return Ok(*a);
        }
        let a: Address = strkey
            .parse()
            .map_err(|_| DecodeError::Meta("contractId"))?;
        if !matches!(a, Address::Contract(_)) {
            return Err(DecodeError::Meta("contractId"));
        }
        // Bounded: an RPC answering for many contracts must not grow this without limit.
        if self.strkeys.len() >= 16 {
            self.strkeys.remove(0);
        }
        self.strkeys.push((strkey.to_string(), a));
        Ok(a)
    }

    fn scval(&mut self, b64: &str, what: &'static str) -> Result<ScVal, DecodeError> {
        self.buf.clear();
        base64::engine::general_purpose::STANDARD
            .decode_vec(b64, &mut self.buf)
            .map_err(|_| DecodeError::Base64(what))?;
        ScVal::from_xdr(&self.buf, XDR_LIMITS).map_err(|e| DecodeError::Xdr {
            what,
            msg: e.to_string(),
        })
    }
}

fn parse_meta(raw: &RawEvent, contract: Address) -> Result<EventMeta, DecodeError> {
    let id: EventId = raw.id.parse().map_err(|_| DecodeError::Meta("id"))?;
    if id.ledger() != raw.ledger {
        return Err(DecodeError::Meta("id and ledger disagree"));
    }
    let closed_at =
        parse_rfc3339_utc(&raw.ledger_closed_at).ok_or(DecodeError::Meta("ledgerClosedAt"))?;
    let tx_hash: Hash32 = raw
        .tx_hash
        .parse()
        .map_err(|_| DecodeError::Meta("txHash"))?;
    Ok(EventMeta {
        id,
        ledger: raw.ledger,
        closed_at,
        contract,
        tx_hash,
    })
}

/// Field decoding in the context of one event, so errors name the event and the field.
#[derive(Clone, Copy)]
struct Cx {
    event: &'static str,
}

impl Cx {
    fn ty(self, field: &'static str, expected: &'static str) -> DecodeError {
        DecodeError::FieldType {
            event: self.event,
            field,
            expected,
        }
    }

    fn address(self, v: &ScVal, field: &'static str) -> Result<Address, DecodeError> {
        match v {
            ScVal::Address(a) => Address::from_sc(a).ok_or(self.ty(field, "an Address")),
            _ => Err(self.ty(field, "an Address")),
        }
    }

    fn u64(self, v: &ScVal, field: &'static str) -> Result<u64, DecodeError> {
        match v {
            ScVal::U64(x) => Ok(*x),
            _ => Err(self.ty(field, "a u64")),
        }
    }

    fn u32(self, v: &ScVal, field: &'static str) -> Result<u32, DecodeError> {
        match v {
            ScVal::U32(x) => Ok(*x),
            _ => Err(self.ty(field, "a u32")),
        }
    }

    fn i128(self, v: &ScVal, field: &'static str) -> Result<i128, DecodeError> {
        match v {
            ScVal::I128(p) => Ok((i128::from(p.hi) << 64) | i128::from(p.lo)),
            _ => Err(self.ty(field, "an i128")),
        }
    }

    fn bool(self, v: &ScVal, field: &'static str) -> Result<bool, DecodeError> {
        match v {
            ScVal::Bool(b) => Ok(*b),
            _ => Err(self.ty(field, "a bool")),
        }
    }

    /// A Soroban `String` is bytes; invalid UTF-8 is replaced rather than losing the event.
    fn string(self, v: &ScVal, field: &'static str) -> Result<String, DecodeError> {
        match v {
            ScVal::String(s) => Ok(String::from_utf8_lossy(s.0.as_slice()).into_owned()),
            _ => Err(self.ty(field, "a String")),
        }
    }

    fn symbol(self, v: &ScVal, field: &'static str) -> Result<String, DecodeError> {
        match v {
            ScVal::Symbol(s) => std::str::from_utf8(s.0.as_slice())
                .map(str::to_string)
                .map_err(|_| self.ty(field, "a Symbol")),
            _ => Err(self.ty(field, "a Symbol")),
        }
    }

    fn bytes(self, v: &ScVal, field: &'static str) -> Result<HexBytes, DecodeError> {
        match v {
            ScVal::Bytes(b) => Ok(HexBytes(b.0.to_vec())),
            _ => Err(self.ty(field, "Bytes")),
        }
    }

    fn bytes32(self, v: &ScVal, field: &'static str) -> Result<Hash32, DecodeError> {
        match v {
            ScVal::Bytes(b) => <[u8; 32]>::try_from(b.0.as_slice())
                .map(Hash32)
                .map_err(|_| self.ty(field, "BytesN<32>")),
            _ => Err(self.ty(field, "BytesN<32>")),
        }
    }

    fn option<T>(
        self,
        v: &ScVal,
        field: &'static str,
        f: impl FnOnce(Self, &ScVal, &'static str) -> Result<T, DecodeError>,
    ) -> Result<Option<T>, DecodeError> {
        match v {
            ScVal::Void => Ok(None),
            v => f(self, v, field).map(Some),
        }
    }

    fn vec<'v>(self, v: &'v ScVal, field: &'static str) -> Result<&'v [ScVal], DecodeError> {
        match v {
            ScVal::Vec(Some(items)) => Ok(items.0.as_slice()),
            _ => Err(self.ty(field, "a Vec")),
        }
    }

    /// A `Vec<Val>` of any values, each kept as its base64 XDR: lossless, whatever the
    /// timelocked entry point's argument types.
    fn any_vec(self, v: &ScVal, field: &'static str) -> Result<Vec<String>, DecodeError> {
        use stellar_xdr::WriteXdr;
        self.vec(v, field)?
            .iter()
            .map(|item| {
                item.to_xdr(Limits::none())
                    .map(|b| base64::engine::general_purpose::STANDARD.encode(b))
                    .map_err(|_| self.ty(field, "a Vec of XDR values"))
            })
            .collect()
    }
}

/// The data map of an event. Lookup is a linear scan: the maps hold at most eight keys,
/// where a scan beats hashing, and extra keys are tolerated so that a field added to a
/// contract later does not turn its events into unknowns.
struct Fields<'a> {
    cx: Cx,
    entries: &'a [ScMapEntry],
}

impl<'a> Fields<'a> {
    fn of(cx: Cx, data: &'a ScVal) -> Result<Self, DecodeError> {
        match data {
            ScVal::Map(Some(m)) => Ok(Fields {
                cx,
                entries: m.0.as_slice(),
            }),
            // Events without data fields carry an empty map; accept void too.
            ScVal::Map(None) | ScVal::Void => Ok(Fields { cx, entries: &[] }),
            _ => Err(DecodeError::DataNotMap { event: cx.event }),
        }
    }

    fn get(&self, field: &'static str) -> Result<&'a ScVal, DecodeError> {
        self.entries
            .iter()
            .find(|e| matches!(&e.key, ScVal::Symbol(s) if s.0.as_slice() == field.as_bytes()))
            .map(|e| &e.val)
            .ok_or(DecodeError::MissingField {
                event: self.cx.event,
                field,
            })
    }
}

/// Decodes the topics and data of an event whose catalogue entry is `spec`, in the module of
/// the section that declares it: names are unique within a contract, not across contracts.
fn decode_body(
    spec: &'static EventSpec,
    t: &[ScVal],
    data: &ScVal,
) -> Result<TeachLinkEvent, DecodeError> {
    let cx = Cx { event: spec.name };
    let d = Fields::of(cx, data)?;
    match spec.section {
        "common" => common::decode(cx, t, &d),
        "escrow" => escrow::decode(cx, t, &d),
        "content" => content::decode(cx, t, &d),
        "reputation" => reputation::decode(cx, t, &d),
        "rewards" => rewards::decode(cx, t, &d),
        "bridge" => bridge::decode(cx, t, &d),
        // Every section of CATALOGUE is matched above.
        _ => Err(DecodeError::UnknownName(spec.name.to_string())),
    }
}

/// One contract module's decoder, as [`decode_body`] calls it.
#[cfg(test)]
type SectionDecoder = fn(Cx, &[ScVal], &Fields<'_>) -> Result<TeachLinkEvent, DecodeError>;

/// A value of catalogue type `ty`, distinct per `i` so that a field read from the wrong
/// place does not encode back to the same event.
#[cfg(test)]
fn sample(ty: &str, i: u8) -> ScVal {
    use crate::encode as x;
    let ok = |v: Result<ScVal, crate::encode::EncodeError>| v.expect("samples encode");
    match ty {
        "Address" => x::addr(&Address::Account([i; 32])),
        "u64" => ScVal::U64(1_000 + u64::from(i)),
        "u32" => ScVal::U32(100 + u32::from(i)),
        // Wider than 64 bits and negative: both halves of the XDR parts matter.
        "i128" => x::i128v(-(1 << 70) - i128::from(i)),
        "bool" => ScVal::Bool(i % 2 == 1),
        "Symbol" => ok(x::sym(&format!("s{i}"))),
        "String" => ok(x::string(&format!("text {i}"))),
        "BytesN<32>" => ok(x::raw_bytes(&[i; 32])),
        "Bytes" => ok(x::raw_bytes(&[i; 5])),
        "Option<u64>" => sample("u64", i),
        "Option<Address>" => sample("Address", i),
        "Vec<Symbol>" => ok(x::vec(vec![sample("Symbol", i), sample("Symbol", i + 1)])),
        // Any values: an address and an amount, as a gated call's arguments.
        "Vec<Val>" => ok(x::vec(vec![sample("Address", i), sample("i128", i)])),
        "Vec<Signer>" => ok(x::signers(&[
            Signer {
                address: Address::Account([i; 32]),
                weight: 3,
            },
            Signer {
                address: Address::Account([i + 1; 32]),
                weight: 4,
            },
        ])),
        "Resolution" => ok(x::resolution(&Resolution::Split(2_500 + u32::from(i)))),
        other => panic!("no sample for catalogue type {other}"),
    }
}

/// The topics and data of an event built from its catalogue entry, each field a distinct
/// value.
#[cfg(test)]
fn sample_scvals(spec: &EventSpec) -> (Vec<ScVal>, ScVal) {
    let mut i = 0u8;
    let mut next = |ty: &str| {
        i += 1;
        sample(ty, i)
    };
    let topics: Vec<ScVal> = spec.topics.iter().map(|(_, ty)| next(ty)).collect();
    let fields: Vec<(&str, ScVal)> = spec.data.iter().map(|(f, ty)| (*f, next(ty))).collect();
    let data = crate::encode::map(fields).expect("samples encode");
    (topics, data)
}

/// An event of catalogue entry `spec`, each field a distinct value: for the projection
/// modules' tests, which need one event of every kind.
#[cfg(test)]
pub(crate) fn sample_event(spec: &'static EventSpec) -> TeachLinkEvent {
    let (topics, data) = sample_scvals(spec);
    decode_body(spec, &topics, &data).unwrap_or_else(|e| panic!("{}: {e}", spec.name))
}

/// What each contract module's test checks: every entry of its `SPECS` belongs to its
/// section, and its `decode` reads an event built from the entry (each field a distinct
/// value) into the event of that name and contract, which encodes back to the same topics
/// and data.
#[cfg(test)]
fn check_section(section: &str, specs: &[EventSpec], decode: SectionDecoder) {
    assert!(!specs.is_empty());
    for spec in specs {
        assert_eq!(spec.section, section, "{}", spec.name);
        let (topics, data) = sample_scvals(spec);
        let cx = Cx { event: spec.name };
        let d = Fields::of(cx, &data).expect("the data is a map");
        let event = decode(cx, &topics, &d).unwrap_or_else(|e| panic!("{}: {e}", spec.name));
        assert_eq!(event.name(), spec.name);
        assert_eq!(
            event.contract_kind().map_or("common", ContractKind::name),
            section,
            "{}",
            spec.name
        );
        let encoded = crate::encode::to_scvals(&event).expect("decoded events encode");
        assert_eq!(encoded, (topics, data), "{}", spec.name);
    }
}
