//! The two backends behind one small interface: a pool, a write transaction, and the few
//! shapes of statement the store runs (rows of one text column, a row of integers, bulk
//! upserts). SQL text is shared: both SQLite (through sqlx) and PostgreSQL take `$N`
//! placeholders, and the statements use only syntax both understand (`ON CONFLICT`, row
//! values, `LIMIT`). Where they differ (bulk writes), the difference is here.

use sqlx::postgres::{PgPool, Postgres};
use sqlx::sqlite::{Sqlite, SqlitePool};
use sqlx::{ColumnIndex, Decode, Row, Transaction, Type};

/// A bound parameter.
#[derive(Clone, Debug)]
pub(crate) enum Param {
    Int(i64),
    OptInt(Option<i64>),
    Text(String),
}

/// One column of a bulk write, all rows' values.
#[derive(Clone, Debug)]
pub(crate) enum Column {
    Int(Vec<i64>),
    OptInt(Vec<Option<i64>>),
    Text(Vec<String>),
    OptText(Vec<Option<String>>),
}

impl Column {
    fn len(&self) -> usize {
        match self {
            Column::Int(v) => v.len(),
            Column::OptInt(v) => v.len(),
            Column::Text(v) => v.len(),
            Column::OptText(v) => v.len(),
        }
    }
}

/// Binds `params` to a query, whatever its database.
macro_rules! bind_params {
    ($query:expr, $params:expr) => {{
        let mut q = $query;
        for p in $params {
            q = match p {
                Param::Int(v) => q.bind(*v),
                Param::OptInt(v) => q.bind(*v),
                Param::Text(v) => q.bind(v.as_str()),
            };
        }
        q
    }};
}

/// Runs the same code on either backend's value (each arm is type-checked on its own).
macro_rules! on_backend {
    ($value:expr, $enum:ident, $x:ident => $body:expr) => {
        match $value {
            $enum::Sqlite($x) => $body,
            $enum::Postgres($x) => $body,
        }
    };
}

#[derive(Clone, Debug)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// An open write transaction; rolled back when dropped uncommitted.
pub(crate) enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// Rows per SQLite bulk statement (at 4 columns, 512 parameters: far below SQLite's
/// limit of 32,766).
const SQLITE_CHUNK: usize = 128;

/// One row of `raw_events`, as stored.
#[derive(Clone, Debug)]
pub(crate) struct RawRow {
    pub id: String,
    pub ledger: i64,
    pub closed_at: String,
    pub contract_id: String,
    pub tx_hash: String,
    pub kind: Option<String>,
    pub topics: String,
    pub value: String,
    pub successful: Option<i64>,
}

/// The integer columns of one row; `None` for SQL NULL.
pub(crate) type IntRow = Vec<Option<i64>>;

impl Pool {
    /// A write transaction. On SQLite `BEGIN IMMEDIATE` takes the write lock at once (the
    /// transaction reads before it writes, and a deferred one could not upgrade if another
    /// connection wrote in between); on PostgreSQL the meta row is locked by the first read.
    pub(crate) async fn begin_write(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Pool::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// A read-only transaction that sees one committed moment throughout and blocks no
    /// writer: on SQLite a deferred transaction, whose WAL read snapshot starts at its
    /// first read; on PostgreSQL `REPEATABLE READ READ ONLY`, whose snapshot starts at its
    /// first statement.
    pub(crate) async fn begin_read(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Pool::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN DEFERRED").await?),
            Pool::Postgres(p) => Tx::Postgres(
                p.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await?,
            ),
        })
    }

    /// The first column, text, of every row.
    pub(crate) async fn texts(
        &self,
        sql: &str,
        params: &[Param],
    ) -> Result<Vec<String>, sqlx::Error> {
        on_backend!(self, Pool, p => {
            let rows = bind_params!(sqlx::query(sql), params).fetch_all(p).await?;
            rows.iter().map(|r| r.try_get::<String, _>(0)).collect()
        })
    }

    /// The first column, text, of the first row, if any.
    pub(crate) async fn text(
        &self,
        sql: &str,
        params: &[Param],
    ) -> Result<Option<String>, sqlx::Error> {
        on_backend!(self, Pool, p => {
            let row = bind_params!(sqlx::query(sql), params).fetch_optional(p).await?;
            row.map(|r| r.try_get::<String, _>(0)).transpose()
        })
    }

    /// The first row, if any: `ints` integer columns (or NULL) then one text column (or NULL).
    pub(crate) async fn ints_text(
        &self,
        sql: &str,
        ints: usize,
    ) -> Result<Option<(IntRow, Option<String>)>, sqlx::Error> {
        on_backend!(self, Pool, p => {
            let row = sqlx::query(sql).fetch_optional(p).await?;
            row.map(|r| ints_text(&r, ints)).transpose()
        })
    }

    /// Rows of archived events: the columns `id, ledger, closed_at, contract_id, tx_hash,
    /// kind, topics, value, successful`, in that order.
    pub(crate) async fn raw_rows(
        &self,
        sql: &str,
        params: &[Param],
    ) -> Result<Vec<RawRow>, sqlx::Error> {
        on_backend!(self, Pool, p => {
            let rows = bind_params!(sqlx::query(sql), params).fetch_all(p).await?;
            rows.iter().map(raw_row).collect()
        })
    }

    pub(crate) async fn execute(&self, sql: &str) -> Result<(), sqlx::Error> {
        on_backend!(self, Pool, p => {
            sqlx::query(sql).execute(p).await?;
            Ok(())
        })
    }

    pub(crate) async fn close(&self) {
        on_backend!(self, Pool, p => p.close().await)
    }

    pub(crate) fn is_closed(&self) -> bool {
        on_backend!(self, Pool, p => p.is_closed())
    }
}

/// One bulk upsert: `names`' columns of `table` (as many rows as each column has), and
/// what to do on a key conflict.
pub(crate) struct Upsert {
    pub table: &'static str,
    pub names: &'static [&'static str],
    pub columns: Vec<Column>,
    /// The key columns, as in `ON CONFLICT (…)`.
    pub conflict: &'static str,
    /// `DO UPDATE SET …` or `DO NOTHING`.
    pub action: &'static str,
}

impl Upsert {
    /// The number of rows; an error if the columns disagree (a bug here, not bad data).
    fn rows(&self) -> Result<usize, sqlx::Error> {
        let n = self.columns.first().map_or(0, Column::len);
        if self.columns.len() != self.names.len() || self.columns.iter().any(|c| c.len() != n) {
            return Err(sqlx::Error::Protocol(format!(
                "bulk write to {}: columns of unequal length",
                self.table
            )));
        }
        Ok(n)
    }
}

impl Tx {
    pub(crate) async fn commit(self) -> Result<(), sqlx::Error> {
        on_backend!(self, Tx, t => t.commit().await)
    }

    pub(crate) async fn execute(
        &mut self,
        sql: &str,
        params: &[Param],
    ) -> Result<u64, sqlx::Error> {
        on_backend!(self, Tx, t => {
            let done = bind_params!(sqlx::query(sql), params).execute(&mut **t).await?;
            Ok(done.rows_affected())
        })
    }

    pub(crate) async fn texts(&mut self, sql: &str) -> Result<Vec<String>, sqlx::Error> {
        on_backend!(self, Tx, t => {
            let rows = sqlx::query(sql).fetch_all(&mut **t).await?;
            rows.iter().map(|r| r.try_get::<String, _>(0)).collect()
        })
    }

    /// As [`Pool::raw_rows`], inside the transaction.
    pub(crate) async fn raw_rows(
        &mut self,
        sql: &str,
        params: &[Param],
    ) -> Result<Vec<RawRow>, sqlx::Error> {
        on_backend!(self, Tx, t => {
            let rows = bind_params!(sqlx::query(sql), params).fetch_all(&mut **t).await?;
            rows.iter().map(raw_row).collect()
        })
    }

    /// As [`Pool::ints_text`], inside the transaction.
    pub(crate) async fn ints_text(
        &mut self,
        sql: &str,
        ints: usize,
    ) -> Result<Option<(IntRow, Option<String>)>, sqlx::Error> {
        on_backend!(self, Tx, t => {
            let row = sqlx::query(sql).fetch_optional(&mut **t).await?;
            row.map(|r| ints_text(&r, ints)).transpose()
        })
    }

    /// Writes `u`'s rows: on SQLite a few multi-row statements; on PostgreSQL one statement for all of them, the columns sent as arrays and turned back
    /// into rows by `UNNEST`, so a batch costs one round trip per table, not per row.
    pub(crate) async fn upsert(&mut self, u: &Upsert) -> Result<(), sqlx::Error> {
        let rows = u.rows()?;
        if rows == 0 {
            return Ok(());
        }
        match self {
            Tx::Sqlite(t) => {
                // Multi-row `VALUES`, in chunks of SQLITE_CHUNK rows and then powers of
                // two, so each table has a handful of distinct (cached) statements.
                let mut start = 0;
                while start < rows {
                    let left = rows - start;
                    let n = if left >= SQLITE_CHUNK {
                        SQLITE_CHUNK
                    } else {
                        1 << left.ilog2()
                    };
                    let width = u.names.len();
                    let tuples: Vec<String> = (0..n)
                        .map(|r| {
                            let cells: Vec<String> =
                                (1..=width).map(|c| format!("${}", r * width + c)).collect();
                            format!("({})", cells.join(", "))
                        })
                        .collect();
                    let sql = format!(
                        "INSERT INTO {} ({}) VALUES {} ON CONFLICT ({}) {}",
                        u.table,
                        u.names.join(", "),
                        tuples.join(", "),
                        u.conflict,
                        u.action
                    );
                    let mut q = sqlx::query(&sql);
                    for i in start..start + n {
                        for c in &u.columns {
                            // In range: every column has `rows` values (checked above).
                            q = match c {
                                Column::Int(v) => q.bind(v.get(i).copied()),
                                Column::OptInt(v) => q.bind(v.get(i).copied().flatten()),
                                Column::Text(v) => q.bind(v.get(i).map(String::as_str)),
                                Column::OptText(v) => q.bind(v.get(i).and_then(Option::as_deref)),
                            };
                        }
                    }
                    q.execute(&mut **t).await?;
                    start += n;
                }
                Ok(())
            }
            Tx::Postgres(t) => {
                let casts: Vec<String> = u
                    .columns
                    .iter()
                    .enumerate()
                    .map(|(i, c)| match c {
                        Column::Int(_) | Column::OptInt(_) => format!("${}::int8[]", i + 1),
                        Column::Text(_) | Column::OptText(_) => format!("${}::text[]", i + 1),
                    })
                    .collect();
                let sql = format!(
                    "INSERT INTO {} ({}) SELECT * FROM UNNEST({}) ON CONFLICT ({}) {}",
                    u.table,
                    u.names.join(", "),
                    casts.join(", "),
                    u.conflict,
                    u.action
                );
                let mut q = sqlx::query(&sql);
                for c in &u.columns {
                    q = match c {
                        Column::Int(v) => q.bind(v.as_slice()),
                        Column::OptInt(v) => q.bind(v.as_slice()),
                        Column::Text(v) => q.bind(v.as_slice()),
                        Column::OptText(v) => q.bind(v.as_slice()),
                    };
                }
                q.execute(&mut **t).await?;
                Ok(())
            }
        }
    }

    /// Sets `escrow_parties.status` of each escrow `(id, status)` in `rows`.
    pub(crate) async fn update_party_status(
        &mut self,
        rows: Vec<(i64, &'static str)>,
    ) -> Result<(), sqlx::Error> {
        if rows.is_empty() {
            return Ok(());
        }
        match self {
            Tx::Sqlite(t) => {
                // Grouped by status: `… WHERE escrow_id IN (…)`, chunked as in `upsert`.
                let mut by_status: std::collections::BTreeMap<&str, Vec<i64>> =
                    std::collections::BTreeMap::new();
                for (id, status) in rows {
                    by_status.entry(status).or_default().push(id);
                }
                for (status, ids) in by_status {
                    let mut start = 0;
                    while start < ids.len() {
                        let left = ids.len() - start;
                        let n = if left >= SQLITE_CHUNK {
                            SQLITE_CHUNK
                        } else {
                            1 << left.ilog2()
                        };
                        let list: Vec<String> = (2..n + 2).map(|i| format!("${i}")).collect();
                        let sql = format!(
                            "UPDATE escrow_parties SET status = $1 \
                             WHERE status <> $1 AND escrow_id IN ({})",
                            list.join(", ")
                        );
                        let mut q = sqlx::query(&sql).bind(status);
                        for id in &ids[start..start + n] {
                            q = q.bind(*id);
                        }
                        q.execute(&mut **t).await?;
                        start += n;
                    }
                }
                Ok(())
            }
            Tx::Postgres(t) => {
                let (ids, statuses): (Vec<i64>, Vec<&str>) = rows.into_iter().unzip();
                sqlx::query(
                    "UPDATE escrow_parties AS p SET status = u.status \
                     FROM UNNEST($1::int8[], $2::text[]) AS u(escrow_id, status) \
                     WHERE p.escrow_id = u.escrow_id AND p.status <> u.status",
                )
                .bind(ids)
                .bind(statuses)
                .execute(&mut **t)
                .await?;
                Ok(())
            }
        }
    }
}

fn ints_text<R>(r: &R, ints: usize) -> Result<(IntRow, Option<String>), sqlx::Error>
where
    R: Row,
    usize: ColumnIndex<R>,
    for<'a> Option<i64>: Decode<'a, R::Database> + Type<R::Database>,
    for<'a> Option<String>: Decode<'a, R::Database> + Type<R::Database>,
{
    let values = (0..ints)
        .map(|i| r.try_get::<Option<i64>, _>(i))
        .collect::<Result<IntRow, _>>()?;
    Ok((values, r.try_get::<Option<String>, _>(ints)?))
}

/// A `raw_events` row read as the columns `id, ledger, closed_at, contract_id, tx_hash,
/// kind, topics, value, successful`.
fn raw_row<R>(r: &R) -> Result<RawRow, sqlx::Error>
where
    R: Row,
    usize: ColumnIndex<R>,
    for<'a> String: Decode<'a, R::Database> + Type<R::Database>,
    for<'a> i64: Decode<'a, R::Database> + Type<R::Database>,
    for<'a> Option<i64>: Decode<'a, R::Database> + Type<R::Database>,
    for<'a> Option<String>: Decode<'a, R::Database> + Type<R::Database>,
{
    Ok(RawRow {
        id: r.try_get(0)?,
        ledger: r.try_get(1)?,
        closed_at: r.try_get(2)?,
        contract_id: r.try_get(3)?,
        tx_hash: r.try_get(4)?,
        kind: r.try_get(5)?,
        topics: r.try_get(6)?,
        value: r.try_get(7)?,
        successful: r.try_get(8)?,
    })
}
