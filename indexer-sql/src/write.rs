//! The write path: the `meta` row, loading the whole [`State`] for the writer, and one
//! transaction per batch that upserts exactly the changed entities.

use std::collections::{BTreeMap, BTreeSet};

use serde::de::DeserializeOwned;
use teachlink_indexer::decode::{Decoded, RawEvent};
use teachlink_indexer::project::{
    BridgeChain, BridgeTotals, Changes, Completion, ContentToken, ContractAdmin, Contribution,
    Escrow, InboundTransfer, LearnerRewards, OutboundTransfer, Pool, Profile, State, UnknownEvent,
    Validator,
};
use teachlink_indexer::snapshot::EventChain;
use teachlink_indexer::store::{BatchOutcome, Checkpoint, Gap};
use teachlink_indexer::EventId;

use crate::codec::{from_json, to_json, u32_from_sql, u64_from_sql, u64_to_sql};
use crate::db::{Column, IntRow, Param, Tx, Upsert};
use crate::{Backend, Cached, SqlError, SqlStore};

const META_COLUMNS: &str = "generation, checkpoint_ledger, cursor_toid, cursor_index, \
     applied_toid, applied_index, events, orphans, unknown, gaps";
pub(crate) const META_INTS: usize = 9;

/// The `meta` row, decoded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Meta {
    pub generation: i64,
    pub checkpoint: Option<Checkpoint>,
    pub applied_through: Option<EventId>,
    pub events: u64,
    pub orphans: u64,
    pub unknown: u64,
}

pub(crate) fn meta_sql(for_update: bool) -> String {
    format!(
        "SELECT {META_COLUMNS} FROM meta WHERE id = 1{}",
        if for_update { " FOR UPDATE" } else { "" }
    )
}

fn event_id(
    toid: Option<i64>,
    index: Option<i64>,
    what: &'static str,
) -> Result<Option<EventId>, SqlError> {
    match (toid, index) {
        (Some(t), Some(i)) => Ok(Some(EventId {
            toid: u64_from_sql(t),
            index: u32_from_sql(i, what)?,
        })),
        (None, None) => Ok(None),
        _ => Err(SqlError::Corrupt {
            what,
            detail: "half of an event id is NULL".into(),
        }),
    }
}

pub(crate) fn decode_meta(row: Option<(IntRow, Option<String>)>) -> Result<Meta, SqlError> {
    let Some((ints, gaps)) = row else {
        return Err(SqlError::Corrupt {
            what: "meta",
            detail: "the meta row is missing".into(),
        });
    };
    let [generation, ledger, cursor_toid, cursor_index, applied_toid, applied_index, events, orphans, unknown] =
        <[Option<i64>; META_INTS]>::try_from(ints).map_err(|_| SqlError::Corrupt {
            what: "meta",
            detail: "unexpected columns".into(),
        })?;
    let checkpoint = match ledger {
        None => None,
        Some(ledger) => Some(Checkpoint {
            cursor: event_id(cursor_toid, cursor_index, "checkpoint cursor")?,
            ledger: u32_from_sql(ledger, "checkpoint ledger")?,
            gaps: match gaps {
                Some(g) => from_json::<Vec<Gap>>(&g, "checkpoint gaps")?,
                None => Vec::new(),
            },
        }),
    };
    Ok(Meta {
        generation: generation.unwrap_or(0),
        checkpoint,
        applied_through: event_id(applied_toid, applied_index, "applied_through")?,
        events: events.map_or(0, u64_from_sql),
        orphans: orphans.map_or(0, u64_from_sql),
        unknown: unknown.map_or(0, u64_from_sql),
    })
}

impl SqlStore {
    /// The committed `meta` row.
    pub(crate) async fn read_meta(&self) -> Result<Meta, SqlError> {
        decode_meta(self.pool.ints_text(&meta_sql(false), META_INTS).await?)
    }

    /// One batch in one transaction (see the crate documentation).
    pub(crate) async fn write_batch(
        &self,
        raw: &[RawEvent],
        events: &[Decoded],
        checkpoint: &Checkpoint,
    ) -> Result<BatchOutcome, SqlError> {
        // Encoded before the transaction: nothing to undo if an event cannot be.
        let archive = raw_upsert(raw)?;
        let mut writer = self.writer.lock().await;
        // Taken out: if anything below fails (or this future is dropped), the state is
        // gone and the next batch reloads what was committed.
        let cached = writer.take();
        let mut tx = self.pool.begin_write().await?;
        // On PostgreSQL `FOR UPDATE` locks the row until commit: writers serialise here.
        let for_update = self.backend() == Backend::Postgres;
        let meta = decode_meta(tx.ints_text(&meta_sql(for_update), META_INTS).await?)?;
        let fence = self.fence.lock().ok().and_then(|f| f.clone());
        if let Some(fence) = fence {
            crate::lock::check_fence(&mut tx, &fence).await?;
        }
        let mut cached = match cached {
            Some(c) if c.generation == meta.generation => c,
            _ => Cached {
                state: load_state(&mut tx, &meta).await?,
                generation: meta.generation,
            },
        };
        let (outcome, changes) = cached.state.apply_batch(events);
        write_changes(&mut tx, &cached.state, &changes).await?;
        tx.upsert(&archive).await?;
        if !raw.is_empty() {
            let mut chain = read_chain(&mut tx).await?;
            for event in raw {
                chain.push(event).map_err(|e| SqlError::Encode {
                    what: "event chain",
                    detail: e.to_string(),
                })?;
            }
            write_chain(&mut tx, &chain).await?;
        }
        let generation = meta.generation.wrapping_add(1);
        write_meta(&mut tx, &cached.state, checkpoint, generation).await?;
        tx.commit().await?;
        cached.generation = generation;
        *writer = Some(cached);
        Ok(outcome)
    }
}

/// The archive's hash chain, as committed (the genesis before any event).
pub(crate) async fn read_chain(tx: &mut Tx) -> Result<EventChain, SqlError> {
    let texts = tx
        .texts("SELECT COALESCE(event_chain, '') FROM meta WHERE id = 1")
        .await?;
    match texts.first().map(String::as_str) {
        None | Some("") => Ok(EventChain::genesis()),
        Some(text) => from_json(text, "event chain"),
    }
}

pub(crate) async fn write_chain(tx: &mut Tx, chain: &EventChain) -> Result<(), SqlError> {
    tx.execute(
        "UPDATE meta SET event_chain = $1 WHERE id = 1",
        &[Param::Text(to_json(chain, "event chain")?)],
    )
    .await?;
    Ok(())
}

pub(crate) async fn write_meta(
    tx: &mut Tx,
    state: &State,
    checkpoint: &Checkpoint,
    generation: i64,
) -> Result<(), SqlError> {
    let params = [
        Param::Int(generation),
        Param::Int(i64::from(checkpoint.ledger)),
        Param::OptInt(checkpoint.cursor.map(|c| u64_to_sql(c.toid))),
        Param::OptInt(checkpoint.cursor.map(|c| i64::from(c.index))),
        Param::Text(to_json(&checkpoint.gaps, "checkpoint gaps")?),
        Param::OptInt(state.applied_through.map(|c| u64_to_sql(c.toid))),
        Param::OptInt(state.applied_through.map(|c| i64::from(c.index))),
        Param::Int(u64_to_sql(state.events)),
        Param::Int(u64_to_sql(state.orphans)),
        Param::Int(u64_to_sql(state.unknown.len() as u64)),
    ];
    let updated = tx
        .execute(
            "UPDATE meta SET generation = $1, checkpoint_ledger = $2, cursor_toid = $3, \
             cursor_index = $4, gaps = $5, applied_toid = $6, applied_index = $7, events = $8, \
             orphans = $9, unknown = $10 WHERE id = 1",
            &params,
        )
        .await?;
    if updated != 1 {
        return Err(SqlError::Corrupt {
            what: "meta",
            detail: "the meta row is missing".into(),
        });
    }
    Ok(())
}

/// Every row of `table`'s `json` column, decoded, keyed by `key`.
async fn load<K: Ord, V: DeserializeOwned>(
    tx: &mut Tx,
    table: &'static str,
    what: &'static str,
    key: impl Fn(&V) -> K,
) -> Result<BTreeMap<K, V>, SqlError> {
    let texts = tx.texts(&format!("SELECT json FROM {table}")).await?;
    let mut out = BTreeMap::new();
    for t in &texts {
        let v: V = from_json(t, what)?;
        out.insert(key(&v), v);
    }
    Ok(out)
}

/// The whole committed state, read inside `tx` (so it matches `meta`, read there too).
pub(crate) async fn load_state(tx: &mut Tx, meta: &Meta) -> Result<State, SqlError> {
    Ok(State {
        escrows: load(tx, "escrows", "escrow", |x: &Escrow| x.id).await?,
        tokens: load(tx, "tokens", "token", |t: &ContentToken| t.id).await?,
        profiles: load(tx, "profiles", "profile", |p: &Profile| p.learner).await?,
        completions: load(tx, "completions", "completion", |c: &Completion| {
            (c.course_id, c.learner)
        })
        .await?,
        contributions: load(tx, "contributions", "contribution", |c: &Contribution| c.id).await?,
        rewards: load(tx, "rewards", "rewards", |r: &LearnerRewards| r.learner).await?,
        pools: load(tx, "pools", "pool", |p: &Pool| p.contract).await?,
        contracts: load(tx, "contracts", "contract", |c: &ContractAdmin| c.contract).await?,
        outbound: load(
            tx,
            "outbound",
            "outbound transfer",
            |t: &OutboundTransfer| t.nonce,
        )
        .await?,
        inbound: load(tx, "inbound", "inbound transfer", |t: &InboundTransfer| {
            (t.source_chain, t.nonce)
        })
        .await?,
        validators: load(tx, "validators", "validator", |v: &Validator| v.address).await?,
        chains: load(tx, "chains", "chain", |c: &BridgeChain| c.chain).await?,
        bridges: load(tx, "bridges", "bridge", |b: &BridgeTotals| b.contract).await?,
        unknown: load(tx, "unknown_events", "unknown event", |u: &UnknownEvent| {
            u.raw.id.clone()
        })
        .await?,
        applied_through: meta.applied_through,
        events: meta.events,
        orphans: meta.orphans,
    })
}

/// The values of `map` at `keys` (every changed key is in the state; a missing one is
/// skipped rather than trusted).
fn changed<'a, K: Ord, V>(map: &'a BTreeMap<K, V>, keys: &'a BTreeSet<K>) -> Vec<&'a V> {
    keys.iter().filter_map(|k| map.get(k)).collect()
}

const UPDATE_JSON: &str = "DO UPDATE SET json = excluded.json";

/// A table of key text and JSON (profiles, rewards, pools, …).
fn text_keyed<V: serde::Serialize>(
    table: &'static str,
    key: &'static [&'static str],
    what: &'static str,
    rows: &[&V],
    key_of: impl Fn(&V) -> String,
) -> Result<Upsert, SqlError> {
    Ok(Upsert {
        table,
        names: key,
        columns: vec![
            Column::Text(rows.iter().map(|v| key_of(v)).collect()),
            Column::Text(
                rows.iter()
                    .map(|v| to_json(*v, what))
                    .collect::<Result<_, _>>()?,
            ),
        ],
        conflict: key[0],
        action: UPDATE_JSON,
    })
}

/// A table of one u64 key and JSON plus `extra` text columns.
fn u64_keyed<V: serde::Serialize>(
    table: &'static str,
    names: &'static [&'static str],
    action: &'static str,
    what: &'static str,
    rows: &[&V],
    key_of: impl Fn(&V) -> u64,
    extra: Vec<Column>,
) -> Result<Upsert, SqlError> {
    let mut columns = vec![Column::Int(
        rows.iter().map(|v| u64_to_sql(key_of(v))).collect(),
    )];
    columns.extend(extra);
    columns.push(Column::Text(
        rows.iter()
            .map(|v| to_json(*v, what))
            .collect::<Result<_, _>>()?,
    ));
    Ok(Upsert {
        table,
        names,
        columns,
        conflict: names[0],
        action,
    })
}

/// Writes the entities `changes` names, as `state` holds them.
pub(crate) async fn write_changes(
    tx: &mut Tx,
    state: &State,
    changes: &Changes,
) -> Result<(), SqlError> {
    let escrows = changed(&state.escrows, &changes.escrows);
    tx.upsert(&u64_keyed(
        "escrows",
        &["id", "status", "json"],
        "DO UPDATE SET status = excluded.status, json = excluded.json",
        "escrow",
        &escrows,
        |x| x.id,
        vec![Column::Text(
            escrows
                .iter()
                .map(|x| x.status.as_str().to_string())
                .collect(),
        )],
    )?)
    .await?;
    // Parties are only ever added (as in the memory store's index): existing rows take
    // the new status, then the current parties are inserted with it.
    tx.update_party_status(
        escrows
            .iter()
            .map(|x| (u64_to_sql(x.id), x.status.as_str()))
            .collect(),
    )
    .await?;
    let mut party_ids = Vec::new();
    let mut party_names = Vec::new();
    let mut party_statuses = Vec::new();
    for x in &escrows {
        for p in x.parties() {
            party_ids.push(u64_to_sql(x.id));
            party_names.push(p.to_string());
            party_statuses.push(x.status.as_str().to_string());
        }
    }
    tx.upsert(&Upsert {
        table: "escrow_parties",
        names: &["escrow_id", "party", "status"],
        columns: vec![
            Column::Int(party_ids),
            Column::Text(party_names),
            Column::Text(party_statuses),
        ],
        conflict: "party, escrow_id",
        action: "DO NOTHING",
    })
    .await?;

    let tokens = changed(&state.tokens, &changes.tokens);
    tx.upsert(&u64_keyed(
        "tokens",
        &["id", "owner", "creator", "json"],
        "DO UPDATE SET owner = excluded.owner, creator = excluded.creator, json = excluded.json",
        "token",
        &tokens,
        |t| t.id,
        vec![
            Column::OptText(
                tokens
                    .iter()
                    .map(|t| t.owner.map(|a| a.to_string()))
                    .collect(),
            ),
            Column::OptText(
                tokens
                    .iter()
                    .map(|t| t.creator.map(|a| a.to_string()))
                    .collect(),
            ),
        ],
    )?)
    .await?;

    let profiles = changed(&state.profiles, &changes.profiles);
    tx.upsert(&text_keyed(
        "profiles",
        &["learner", "json"],
        "profile",
        &profiles,
        |p| p.learner.to_string(),
    )?)
    .await?;

    let completions = changed(&state.completions, &changes.completions);
    tx.upsert(&Upsert {
        table: "completions",
        names: &["course", "learner", "json"],
        columns: vec![
            Column::Int(
                completions
                    .iter()
                    .map(|c| u64_to_sql(c.course_id))
                    .collect(),
            ),
            Column::Text(completions.iter().map(|c| c.learner.to_string()).collect()),
            Column::Text(
                completions
                    .iter()
                    .map(|c| to_json(*c, "completion"))
                    .collect::<Result<_, _>>()?,
            ),
        ],
        conflict: "course, learner",
        action: UPDATE_JSON,
    })
    .await?;

    let contributions = changed(&state.contributions, &changes.contributions);
    tx.upsert(&u64_keyed(
        "contributions",
        &["id", "author", "json"],
        "DO UPDATE SET author = excluded.author, json = excluded.json",
        "contribution",
        &contributions,
        |c| c.id,
        vec![Column::Text(
            contributions.iter().map(|c| c.author.to_string()).collect(),
        )],
    )?)
    .await?;

    let rewards = changed(&state.rewards, &changes.rewards);
    tx.upsert(&text_keyed(
        "rewards",
        &["learner", "json"],
        "rewards",
        &rewards,
        |r| r.learner.to_string(),
    )?)
    .await?;
    let pools = changed(&state.pools, &changes.pools);
    tx.upsert(&text_keyed(
        "pools",
        &["contract", "json"],
        "pool",
        &pools,
        |p| p.contract.to_string(),
    )?)
    .await?;
    let contracts = changed(&state.contracts, &changes.contracts);
    tx.upsert(&text_keyed(
        "contracts",
        &["contract", "json"],
        "contract",
        &contracts,
        |c| c.contract.to_string(),
    )?)
    .await?;

    let outbound = changed(&state.outbound, &changes.outbound);
    tx.upsert(&u64_keyed(
        "outbound",
        &["nonce", "sender", "json"],
        "DO UPDATE SET sender = excluded.sender, json = excluded.json",
        "outbound transfer",
        &outbound,
        |t| t.nonce,
        vec![Column::Text(
            outbound.iter().map(|t| t.sender.to_string()).collect(),
        )],
    )?)
    .await?;

    let inbound = changed(&state.inbound, &changes.inbound);
    tx.upsert(&Upsert {
        table: "inbound",
        names: &["source_chain", "nonce", "recipient", "json"],
        columns: vec![
            Column::Int(inbound.iter().map(|t| i64::from(t.source_chain)).collect()),
            Column::Int(inbound.iter().map(|t| u64_to_sql(t.nonce)).collect()),
            Column::Text(inbound.iter().map(|t| t.recipient.to_string()).collect()),
            Column::Text(
                inbound
                    .iter()
                    .map(|t| to_json(*t, "inbound transfer"))
                    .collect::<Result<_, _>>()?,
            ),
        ],
        conflict: "source_chain, nonce",
        action: "DO UPDATE SET recipient = excluded.recipient, json = excluded.json",
    })
    .await?;

    let validators = changed(&state.validators, &changes.validators);
    tx.upsert(&text_keyed(
        "validators",
        &["address", "json"],
        "validator",
        &validators,
        |v| v.address.to_string(),
    )?)
    .await?;

    let chains = changed(&state.chains, &changes.chains);
    tx.upsert(&Upsert {
        table: "chains",
        names: &["chain", "json"],
        columns: vec![
            Column::Int(chains.iter().map(|c| i64::from(c.chain)).collect()),
            Column::Text(
                chains
                    .iter()
                    .map(|c| to_json(*c, "chain"))
                    .collect::<Result<_, _>>()?,
            ),
        ],
        conflict: "chain",
        action: UPDATE_JSON,
    })
    .await?;

    let bridges = changed(&state.bridges, &changes.bridges);
    tx.upsert(&text_keyed(
        "bridges",
        &["contract", "json"],
        "bridge",
        &bridges,
        |b| b.contract.to_string(),
    )?)
    .await?;

    let unknown = changed(&state.unknown, &changes.unknown);
    tx.upsert(&text_keyed(
        "unknown_events",
        &["id", "json"],
        "unknown event",
        &unknown,
        |u| u.raw.id.clone(),
    )?)
    .await?;
    Ok(())
}

/// The archive rows of `raw` (a replayed event is already there: `DO NOTHING`). An event
/// whose id is not a `TOID-INDEX` cannot be placed in chain order and is not archived
/// (the RPC never sends one; if it did, the decoder keeps it as an unknown event).
pub(crate) fn raw_upsert(raw: &[RawEvent]) -> Result<Upsert, SqlError> {
    let mut toids = Vec::with_capacity(raw.len());
    let mut indexes = Vec::with_capacity(raw.len());
    let mut ids = Vec::with_capacity(raw.len());
    let mut ledgers = Vec::with_capacity(raw.len());
    let mut closed = Vec::with_capacity(raw.len());
    let mut contracts = Vec::with_capacity(raw.len());
    let mut hashes = Vec::with_capacity(raw.len());
    let mut kinds = Vec::with_capacity(raw.len());
    let mut topics = Vec::with_capacity(raw.len());
    let mut values = Vec::with_capacity(raw.len());
    let mut successful = Vec::with_capacity(raw.len());
    for e in raw {
        let Ok(id) = e.id.parse::<EventId>() else {
            continue;
        };
        toids.push(u64_to_sql(id.toid));
        indexes.push(i64::from(id.index));
        ids.push(e.id.clone());
        ledgers.push(i64::from(e.ledger));
        closed.push(e.ledger_closed_at.clone());
        contracts.push(e.contract_id.clone());
        hashes.push(e.tx_hash.clone());
        kinds.push(e.kind.clone());
        topics.push(to_json(&e.topic, "event topics")?);
        values.push(e.value.clone());
        successful.push(e.in_successful_contract_call.map(i64::from));
    }
    Ok(Upsert {
        table: "raw_events",
        names: &[
            "toid",
            "event_index",
            "id",
            "ledger",
            "closed_at",
            "contract_id",
            "tx_hash",
            "kind",
            "topics",
            "value",
            "successful",
        ],
        columns: vec![
            Column::Int(toids),
            Column::Int(indexes),
            Column::Text(ids),
            Column::Int(ledgers),
            Column::Text(closed),
            Column::Text(contracts),
            Column::Text(hashes),
            Column::OptText(kinds),
            Column::Text(topics),
            Column::Text(values),
            Column::OptInt(successful),
        ],
        conflict: "toid, event_index",
        action: "DO NOTHING",
    })
}
