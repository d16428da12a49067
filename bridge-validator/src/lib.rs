//! teachlink-validator: the TeachLink bridge validator daemon. One daemon runs one
//! validator in one direction: it watches the source chain's bridge events (decoded by the
//! indexer crate), signs attestations over the destination bridge's digests, shares them
//! with its peers, and submits them to the destination bridge once a quorum of stake has
//! signed. Running a validator in both directions takes two daemons.
//!
//! | module | owns |
//! |---|---|
//! | [`digest`] | what validators sign: the bridge contract's digests, natively |
//! | [`statement`] | attestations, their wire form, and who signs ([`statement::Attester`]) |
//! | [`book`] | the verified attestations a daemon holds, and equivocation evidence |
//! | [`gossip`] | serving the book to peers over HTTP and pulling theirs |
//! | [`chain`] | one bridge deployment: reads and transactions through the SDK |
//! | [`watch`] | the source chain's events, turned into statements |
//! | [`progress`] | the cursor and pending work, persisted atomically |
//! | [`daemon`] | the loop tying them together |
//! | [`error`] | the daemon's errors |

pub mod book;
pub mod chain;
pub mod daemon;
pub mod digest;
pub mod error;
pub mod gossip;
pub mod progress;
pub mod statement;
pub mod watch;

pub use daemon::{Daemon, DaemonConfig, Endpoint, StepReport};
pub use error::{Error, Result};
pub use statement::{Attester, KeyAttester, Signed, Statement};

/// Runs a daemon and its gossip server on the current thread until `stop` resolves; the
/// daemon's SDK client is single-threaded, so this is the way to host one.
pub async fn serve<A: Attester>(
    config: DaemonConfig,
    attester: A,
    listener: tokio::net::TcpListener,
    stop: impl std::future::Future<Output = ()>,
) -> Result<progress::Progress> {
    let book = gossip::SharedBook::default();
    let app = gossip::router(book.clone(), attester.validator().to_string());
    let (stop_http, http_stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = http_stopped.await;
            })
            .await
    });
    let outcome = match Daemon::connect(config, attester, book).await {
        Ok(daemon) => Ok(daemon.run(stop).await),
        Err(e) => Err(e),
    };
    let _ = stop_http.send(());
    let _ = server.await;
    outcome
}
