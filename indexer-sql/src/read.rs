//! The read path: the indexer's [`Queries`] and the paged reads of the REST API, each one
//! indexed SQL query, always from the database (never from the writer's memory).
//!
//! Pages are sorted by key ascending, `after` is exclusive (the last key of the previous
//! page), and `limit` is clamped to `1..=MAX_PAGE`. Keys sort as SQL sorts them, which is
//! also how Rust sorts the same values: u64 keys numerically (see [`crate::u64_to_sql`]),
//! addresses and event ids by their text, bytewise. (The indexer's `Address` orders
//! accounts before contracts and then by raw bytes, which is NOT the strkey's text order:
//! the few [`Queries`] answers sorted by address are sorted again in Rust to match the
//! memory store exactly; pages keep the text order, which their `after` uses.)

use serde::de::DeserializeOwned;
use teachlink_indexer::project::{
    BridgeChain, BridgeTotals, Completion, ContentToken, ContractAdmin, Contribution, Escrow,
    EscrowStatus, InboundTransfer, LearnerRewards, OutboundTransfer, Pool, Profile, UnknownEvent,
    Validator,
};
use teachlink_indexer::store::{Queries, StoreStats};
use teachlink_indexer::Address;

use crate::codec::{from_json, u64_to_sql};
use crate::db::Param;
use crate::{clamp_limit, SqlError, SqlStore};

/// A `SELECT` under construction: its conditions and their parameters (`$1`, `$2`, … in
/// the order they are bound).
#[derive(Default)]
struct Select {
    params: Vec<Param>,
    conds: Vec<String>,
}

impl Select {
    /// Binds `p` and returns its placeholder.
    fn bind(&mut self, p: Param) -> String {
        self.params.push(p);
        format!("${}", self.params.len())
    }

    fn cond(&mut self, c: String) {
        self.conds.push(c);
    }

    /// `SELECT {what} WHERE … ORDER BY {order} [LIMIT n]`.
    fn sql(mut self, what: &str, order: &str, limit: Option<u32>) -> (String, Vec<Param>) {
        let mut sql = format!("SELECT {what}");
        if !self.conds.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&self.conds.join(" AND "));
        }
        sql.push_str(" ORDER BY ");
        sql.push_str(order);
        if let Some(limit) = limit {
            let p = self.bind(Param::Int(i64::from(clamp_limit(limit))));
            sql.push_str(" LIMIT ");
            sql.push_str(&p);
        }
        (sql, self.params)
    }
}

fn text(a: &Address) -> Param {
    Param::Text(a.to_string())
}

fn int(v: u64) -> Param {
    Param::Int(u64_to_sql(v))
}

impl SqlStore {
    async fn list<T: DeserializeOwned>(
        &self,
        what: &'static str,
        (sql, params): (String, Vec<Param>),
    ) -> Result<Vec<T>, SqlError> {
        let texts = self.pool.texts(&sql, &params).await?;
        texts.iter().map(|t| from_json(t, what)).collect()
    }

    async fn get<T: DeserializeOwned>(
        &self,
        what: &'static str,
        sql: &str,
        params: &[Param],
    ) -> Result<Option<T>, SqlError> {
        match self.pool.text(sql, params).await? {
            Some(t) => Ok(Some(from_json(&t, what)?)),
            None => Ok(None),
        }
    }

    /// Escrows with `party` among their parties (depositor, beneficiary, signer or
    /// arbitrator) and in `status`, either filter optional, by id, after `after`.
    pub async fn escrows_page(
        &self,
        party: Option<&Address>,
        status: Option<EscrowStatus>,
        after: Option<u64>,
        limit: u32,
    ) -> Result<Vec<Escrow>, SqlError> {
        self.list("escrow", escrows_sql(party, status, after, Some(limit)))
            .await
    }

    /// Content tokens owned by `owner` and created by `creator`, either optional, by id.
    pub async fn tokens_page(
        &self,
        owner: Option<&Address>,
        creator: Option<&Address>,
        after: Option<u64>,
        limit: u32,
    ) -> Result<Vec<ContentToken>, SqlError> {
        self.list("token", tokens_sql(owner, creator, after, Some(limit)))
            .await
    }

    /// Completions of `course` by `learner`, either optional, by (course, learner).
    pub async fn completions_page(
        &self,
        course: Option<u64>,
        learner: Option<&Address>,
        after: Option<(u64, Address)>,
        limit: u32,
    ) -> Result<Vec<Completion>, SqlError> {
        match completions_sql(course, learner, after.as_ref(), Some(limit)) {
            Some(q) => self.list("completion", q).await,
            None => Ok(Vec::new()),
        }
    }

    /// Contributions by `author` (optional), by id.
    pub async fn contributions_page(
        &self,
        author: Option<&Address>,
        after: Option<u64>,
        limit: u32,
    ) -> Result<Vec<Contribution>, SqlError> {
        self.list(
            "contribution",
            contributions_sql(author, after, Some(limit)),
        )
        .await
    }

    /// Outbound bridge transfers of `sender` (optional), by nonce.
    pub async fn outbound_page(
        &self,
        sender: Option<&Address>,
        after: Option<u64>,
        limit: u32,
    ) -> Result<Vec<OutboundTransfer>, SqlError> {
        self.list(
            "outbound transfer",
            outbound_sql(sender, after, Some(limit)),
        )
        .await
    }

    /// Inbound bridge transfers released to `recipient` (optional), by (source chain, nonce).
    pub async fn inbound_page(
        &self,
        recipient: Option<&Address>,
        after: Option<(u32, u64)>,
        limit: u32,
    ) -> Result<Vec<InboundTransfer>, SqlError> {
        self.list(
            "inbound transfer",
            inbound_sql(recipient, after, Some(limit)),
        )
        .await
    }

    /// Every validator ever seen, by address (strkey text order).
    pub async fn validators_page(
        &self,
        after: Option<&Address>,
        limit: u32,
    ) -> Result<Vec<Validator>, SqlError> {
        self.list(
            "validator",
            keyed_sql(
                "json FROM validators",
                "",
                None,
                "address",
                after.map(text),
                Some(limit),
            ),
        )
        .await
    }

    /// Events kept raw because they did not decode, by RPC event id (text order).
    pub async fn unknown_page(
        &self,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<UnknownEvent>, SqlError> {
        self.list(
            "unknown event",
            keyed_sql(
                "json FROM unknown_events",
                "",
                None,
                "id",
                after.map(|a| Param::Text(a.to_string())),
                Some(limit),
            ),
        )
        .await
    }

    /// Every row of a small table, in no particular order.
    async fn all<T: DeserializeOwned>(
        &self,
        what: &'static str,
        table: &str,
    ) -> Result<Vec<T>, SqlError> {
        self.list(what, (format!("SELECT json FROM {table}"), Vec::new()))
            .await
    }
}

fn escrows_sql(
    party: Option<&Address>,
    status: Option<EscrowStatus>,
    after: Option<u64>,
    limit: Option<u32>,
) -> (String, Vec<Param>) {
    let mut q = Select::default();
    match party {
        // escrow_parties repeats the status: (party, status, escrow_id) is one index range.
        Some(party) => {
            let p = q.bind(text(party));
            q.cond(format!("p.party = {p}"));
            if let Some(s) = status {
                let p = q.bind(Param::Text(s.as_str().into()));
                q.cond(format!("p.status = {p}"));
            }
            if let Some(a) = after {
                let p = q.bind(int(a));
                q.cond(format!("p.escrow_id > {p}"));
            }
            q.sql(
                "e.json FROM escrow_parties p JOIN escrows e ON e.id = p.escrow_id",
                "p.escrow_id",
                limit,
            )
        }
        None => {
            if let Some(s) = status {
                let p = q.bind(Param::Text(s.as_str().into()));
                q.cond(format!("status = {p}"));
            }
            if let Some(a) = after {
                let p = q.bind(int(a));
                q.cond(format!("id > {p}"));
            }
            q.sql("json FROM escrows", "id", limit)
        }
    }
}

fn tokens_sql(
    owner: Option<&Address>,
    creator: Option<&Address>,
    after: Option<u64>,
    limit: Option<u32>,
) -> (String, Vec<Param>) {
    let mut q = Select::default();
    if let Some(o) = owner {
        let p = q.bind(text(o));
        q.cond(format!("owner = {p}"));
    }
    if let Some(c) = creator {
        let p = q.bind(text(c));
        q.cond(format!("creator = {p}"));
    }
    if let Some(a) = after {
        let p = q.bind(int(a));
        q.cond(format!("id > {p}"));
    }
    q.sql("json FROM tokens", "id", limit)
}

fn contributions_sql(
    author: Option<&Address>,
    after: Option<u64>,
    limit: Option<u32>,
) -> (String, Vec<Param>) {
    let after = after.map(int);
    keyed_sql(
        "json FROM contributions",
        "author",
        author,
        "id",
        after,
        limit,
    )
}

fn outbound_sql(
    sender: Option<&Address>,
    after: Option<u64>,
    limit: Option<u32>,
) -> (String, Vec<Param>) {
    let after = after.map(int);
    keyed_sql(
        "json FROM outbound",
        "sender",
        sender,
        "nonce",
        after,
        limit,
    )
}

/// `SELECT {what} [WHERE {filter} = …] [AND {key} > after] ORDER BY {key}`.
fn keyed_sql(
    what: &str,
    filter: &str,
    value: Option<&Address>,
    key: &str,
    after: Option<Param>,
    limit: Option<u32>,
) -> (String, Vec<Param>) {
    let mut q = Select::default();
    if let Some(v) = value {
        let p = q.bind(text(v));
        q.cond(format!("{filter} = {p}"));
    }
    if let Some(a) = after {
        let p = q.bind(a);
        q.cond(format!("{key} > {p}"));
    }
    q.sql(what, key, limit)
}

/// Completions by (course, learner) after `after`; `None` when nothing can follow `after`.
/// With one of the two fixed, the row comparison is resolved here so that the query stays
/// one range of one index.
fn completions_sql(
    course: Option<u64>,
    learner: Option<&Address>,
    after: Option<&(u64, Address)>,
    limit: Option<u32>,
) -> Option<(String, Vec<Param>)> {
    let mut q = Select::default();
    let learner_text = learner.map(ToString::to_string);
    let after_text = after.map(|(c, l)| (*c, l.to_string()));
    let order = match (course, &learner_text) {
        (Some(c), Some(l)) => {
            if let Some((ac, al)) = &after_text {
                if (c, l) <= (*ac, al) {
                    return None;
                }
            }
            let p = q.bind(int(c));
            q.cond(format!("course = {p}"));
            let p = q.bind(Param::Text(l.clone()));
            q.cond(format!("learner = {p}"));
            "course, learner"
        }
        (Some(c), None) => {
            let p = q.bind(int(c));
            q.cond(format!("course = {p}"));
            if let Some((ac, al)) = after_text {
                if c < ac {
                    return None;
                }
                if c == ac {
                    let p = q.bind(Param::Text(al));
                    q.cond(format!("learner > {p}"));
                }
            }
            "learner"
        }
        (None, Some(l)) => {
            let p = q.bind(Param::Text(l.clone()));
            q.cond(format!("learner = {p}"));
            if let Some((ac, al)) = &after_text {
                let op = if l.as_str() > al.as_str() { ">=" } else { ">" };
                let p = q.bind(int(*ac));
                q.cond(format!("course {op} {p}"));
            }
            "course"
        }
        (None, None) => {
            if let Some((ac, al)) = after_text {
                let c = q.bind(int(ac));
                let l = q.bind(Param::Text(al));
                q.cond(format!("(course, learner) > ({c}, {l})"));
            }
            "course, learner"
        }
    };
    Some(q.sql("json FROM completions", order, limit))
}

fn inbound_sql(
    recipient: Option<&Address>,
    after: Option<(u32, u64)>,
    limit: Option<u32>,
) -> (String, Vec<Param>) {
    let mut q = Select::default();
    if let Some(r) = recipient {
        let p = q.bind(text(r));
        q.cond(format!("recipient = {p}"));
    }
    if let Some((chain, nonce)) = after {
        let c = q.bind(Param::Int(i64::from(chain)));
        let n = q.bind(int(nonce));
        q.cond(format!("(source_chain, nonce) > ({c}, {n})"));
    }
    q.sql("json FROM inbound", "source_chain, nonce", limit)
}

impl Queries for SqlStore {
    async fn escrow(&self, id: u64) -> Result<Option<Escrow>, SqlError> {
        self.get(
            "escrow",
            "SELECT json FROM escrows WHERE id = $1",
            &[int(id)],
        )
        .await
    }

    async fn escrows_by_party(&self, party: &Address) -> Result<Vec<Escrow>, SqlError> {
        self.list("escrow", escrows_sql(Some(party), None, None, None))
            .await
    }

    async fn escrows_by_status(&self, status: EscrowStatus) -> Result<Vec<Escrow>, SqlError> {
        self.list("escrow", escrows_sql(None, Some(status), None, None))
            .await
    }

    async fn token(&self, id: u64) -> Result<Option<ContentToken>, SqlError> {
        self.get("token", "SELECT json FROM tokens WHERE id = $1", &[int(id)])
            .await
    }

    async fn tokens_by_owner(&self, owner: &Address) -> Result<Vec<ContentToken>, SqlError> {
        self.list("token", tokens_sql(Some(owner), None, None, None))
            .await
    }

    async fn tokens_by_creator(&self, creator: &Address) -> Result<Vec<ContentToken>, SqlError> {
        self.list("token", tokens_sql(None, Some(creator), None, None))
            .await
    }

    async fn tokens(
        &self,
        after: Option<u64>,
        limit: usize,
    ) -> Result<Vec<ContentToken>, SqlError> {
        // Pages of at most MAX_LIMIT rows (what one SELECT returns) until `limit`.
        let mut out: Vec<ContentToken> = Vec::new();
        let mut after = after;
        while out.len() < limit {
            let want = u32::try_from(limit - out.len()).unwrap_or(u32::MAX);
            let page = self.tokens_page(None, None, after, want).await?;
            let short = page.len() < clamp_limit(want) as usize;
            after = page.last().map(|t| t.id);
            out.extend(page);
            if short {
                break;
            }
        }
        Ok(out)
    }

    async fn profile(&self, learner: &Address) -> Result<Option<Profile>, SqlError> {
        self.get(
            "profile",
            "SELECT json FROM profiles WHERE learner = $1",
            &[text(learner)],
        )
        .await
    }

    async fn completions_by_course(&self, course_id: u64) -> Result<Vec<Completion>, SqlError> {
        let Some(q) = completions_sql(Some(course_id), None, None, None) else {
            return Ok(Vec::new());
        };
        let mut out: Vec<Completion> = self.list("completion", q).await?;
        // The memory store's order: by learner as `Address` orders (not by strkey text).
        out.sort_by_key(|c| c.learner);
        Ok(out)
    }

    async fn completions_by_learner(&self, learner: &Address) -> Result<Vec<Completion>, SqlError> {
        match completions_sql(None, Some(learner), None, None) {
            Some(q) => self.list("completion", q).await,
            None => Ok(Vec::new()),
        }
    }

    async fn contribution(&self, id: u64) -> Result<Option<Contribution>, SqlError> {
        self.get(
            "contribution",
            "SELECT json FROM contributions WHERE id = $1",
            &[int(id)],
        )
        .await
    }

    async fn contributions_by_author(
        &self,
        author: &Address,
    ) -> Result<Vec<Contribution>, SqlError> {
        self.list("contribution", contributions_sql(Some(author), None, None))
            .await
    }

    async fn rewards(&self, learner: &Address) -> Result<Option<LearnerRewards>, SqlError> {
        self.get(
            "rewards",
            "SELECT json FROM rewards WHERE learner = $1",
            &[text(learner)],
        )
        .await
    }

    async fn pool(&self) -> Result<Option<Pool>, SqlError> {
        // One per deployment; with several, the memory store's first by `Address` order.
        let pools: Vec<Pool> = self.all("pool", "pools").await?;
        Ok(pools.into_iter().min_by_key(|p| p.contract))
    }

    async fn contract_admin(&self, contract: &Address) -> Result<Option<ContractAdmin>, SqlError> {
        self.get(
            "contract",
            "SELECT json FROM contracts WHERE contract = $1",
            &[text(contract)],
        )
        .await
    }

    async fn outbound_transfer(&self, nonce: u64) -> Result<Option<OutboundTransfer>, SqlError> {
        self.get(
            "outbound transfer",
            "SELECT json FROM outbound WHERE nonce = $1",
            &[int(nonce)],
        )
        .await
    }

    async fn outbound_transfers_by_sender(
        &self,
        sender: &Address,
    ) -> Result<Vec<OutboundTransfer>, SqlError> {
        self.list("outbound transfer", outbound_sql(Some(sender), None, None))
            .await
    }

    async fn inbound_transfer(
        &self,
        source_chain: u32,
        nonce: u64,
    ) -> Result<Option<InboundTransfer>, SqlError> {
        self.get(
            "inbound transfer",
            "SELECT json FROM inbound WHERE source_chain = $1 AND nonce = $2",
            &[Param::Int(i64::from(source_chain)), int(nonce)],
        )
        .await
    }

    async fn inbound_transfers_by_recipient(
        &self,
        recipient: &Address,
    ) -> Result<Vec<InboundTransfer>, SqlError> {
        self.list("inbound transfer", inbound_sql(Some(recipient), None, None))
            .await
    }

    async fn validators(&self) -> Result<Vec<Validator>, SqlError> {
        let mut out: Vec<Validator> = self.all("validator", "validators").await?;
        out.sort_by_key(|v| v.address);
        Ok(out)
    }

    async fn validator(&self, address: &Address) -> Result<Option<Validator>, SqlError> {
        self.get(
            "validator",
            "SELECT json FROM validators WHERE address = $1",
            &[text(address)],
        )
        .await
    }

    async fn chains(&self) -> Result<Vec<BridgeChain>, SqlError> {
        self.list(
            "chain",
            ("SELECT json FROM chains ORDER BY chain".into(), Vec::new()),
        )
        .await
    }

    async fn bridge(&self) -> Result<Option<BridgeTotals>, SqlError> {
        let bridges: Vec<BridgeTotals> = self.all("bridge", "bridges").await?;
        Ok(bridges.into_iter().min_by_key(|b| b.contract))
    }

    async fn stats(&self) -> Result<StoreStats, SqlError> {
        let meta = self.read_meta().await?;
        Ok(StoreStats {
            events: meta.events,
            unknown: meta.unknown,
            orphans: meta.orphans,
        })
    }

    async fn unknown_events(&self) -> Result<Vec<UnknownEvent>, SqlError> {
        self.list(
            "unknown event",
            (
                "SELECT json FROM unknown_events ORDER BY id".into(),
                Vec::new(),
            ),
        )
        .await
    }
}
