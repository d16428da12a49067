//! The `teachlink-validator` binary: one bridge validator, one direction.

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use teachlink_sdk::tx;
use teachlink_validator::{DaemonConfig, Endpoint, KeyAttester};

/// Watches the source chain's TeachLink bridge and attests its transfers to the
/// destination chain's bridge, with peer validators. The validator account's secret seed
/// (S…) comes from TEACHLINK_VALIDATOR_SECRET, never a flag: its G… address is the
/// validator, its key signs attestations and pays fees.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Stellar RPC of the chain whose bridge events are watched.
    #[arg(long, env = "TEACHLINK_SOURCE_RPC")]
    source_rpc: String,
    /// The source chain's network passphrase (checked against its RPC).
    #[arg(long, env = "TEACHLINK_SOURCE_PASSPHRASE")]
    source_passphrase: String,
    /// The source bridge contract (C…).
    #[arg(long, env = "TEACHLINK_SOURCE_BRIDGE")]
    source_bridge: String,
    /// Stellar RPC of the chain attestations are submitted to.
    #[arg(long, env = "TEACHLINK_DEST_RPC")]
    dest_rpc: String,
    /// The destination chain's network passphrase (checked against its RPC).
    #[arg(long, env = "TEACHLINK_DEST_PASSPHRASE")]
    dest_passphrase: String,
    /// The destination bridge contract (C…).
    #[arg(long, env = "TEACHLINK_DEST_BRIDGE")]
    dest_bridge: String,
    /// Address the gossip server listens on (peers pull attestations from it).
    #[arg(
        long,
        default_value = "127.0.0.1:7700",
        env = "TEACHLINK_GOSSIP_LISTEN"
    )]
    listen: String,
    /// A peer validator's gossip URL (repeat for each peer).
    #[arg(long = "peer", env = "TEACHLINK_PEERS", value_delimiter = ',')]
    peers: Vec<String>,
    /// Cursor and pending work, kept across restarts.
    #[arg(
        long,
        default_value = "validator-state.json",
        env = "TEACHLINK_STATE_FILE"
    )]
    state_file: PathBuf,
    /// First source ledger to read on a first run (default: the oldest the RPC serves).
    #[arg(long)]
    start_ledger: Option<u32>,
    /// Milliseconds between steps.
    #[arg(long, default_value_t = 1000)]
    poll_interval_ms: u64,
}

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let args = Args::parse();
    if let Err(e) = run(args) {
        eprintln!("teachlink-validator: {e}");
        std::process::exit(1);
    }
}

fn run(args: Args) -> Result<(), String> {
    let secret = std::env::var("TEACHLINK_VALIDATOR_SECRET")
        .map_err(|_| "set TEACHLINK_VALIDATOR_SECRET to the validator's S… secret seed")?;
    let account = tx::parse_secret(&secret).map_err(|e| e.to_string())?;
    let validator = tx::account_strkey(&account.verifying_key().to_bytes());
    let config = DaemonConfig {
        source: Endpoint {
            rpc_url: args.source_rpc,
            passphrase: args.source_passphrase,
            bridge: args.source_bridge,
        },
        dest: Endpoint {
            rpc_url: args.dest_rpc,
            passphrase: args.dest_passphrase,
            bridge: args.dest_bridge,
        },
        account: account.clone(),
        peers: args.peers,
        state_file: args.state_file,
        start_ledger: args.start_ledger,
        poll_interval: Duration::from_millis(args.poll_interval_ms.max(50)),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(&args.listen)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
        tracing::info!(%validator, listen = %args.listen, "gossip server up");
        let stop = async {
            let _ = tokio::signal::ctrl_c().await;
            tracing::info!("stopping after the current step");
        };
        teachlink_validator::serve(config, KeyAttester::new(validator, account), listener, stop)
            .await
            .map(|p| tracing::info!(done = p.done, pending = p.pending.len(), "stopped"))
            .map_err(|e| e.to_string())
    })
}
