//! The `teachlink-localnet` binary: runs a local Soroban network serving Stellar RPC.

use std::time::Duration;

use clap::Parser;
use teachlink_localnet::{Config, Localnet};

/// A local Soroban network that speaks Stellar RPC, executing on the real host.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Port for JSON-RPC (POST /), friendbot (GET /friendbot) and manual close (POST /close).
    #[arg(long, default_value_t = 8000)]
    port: u16,
    /// Address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Milliseconds between ledger closes; 0 closes only on POST /close.
    #[arg(long, alias = "ledger-close-ms", default_value_t = 1000)]
    close_interval_ms: u64,
    /// Network passphrase.
    #[arg(long, default_value = teachlink_localnet::DEFAULT_PASSPHRASE)]
    passphrase: String,
    /// Ledgers of transactions and events kept for getTransaction/getEvents.
    #[arg(long, default_value_t = 17_280)]
    retention_ledgers: u32,
    /// Keep the chain in this file across restarts (resumes from it when it exists).
    #[arg(long)]
    state_file: Option<std::path::PathBuf>,
    /// An origin (`https://app.example`) whose pages may call the node (CORS), besides
    /// its own and localhost's; repeat for several.
    #[arg(long = "cors-origin", value_name = "ORIGIN")]
    cors_origins: Vec<String>,
    /// Deploy the TeachLink contracts at start from this directory of Wasm
    /// (`target/wasm32v1-none/contract`, built by scripts/build-contracts.sh).
    #[arg(long, value_name = "WASM_DIR")]
    deploy_teachlink: Option<std::path::PathBuf>,
    /// The chain id of the deployed bridge (its `local_chain`); two localnets bridged to
    /// each other need different ones.
    #[arg(long, default_value_t = teachlink_localnet::deploy::BRIDGE_LOCAL_CHAIN, requires = "deploy_teachlink")]
    bridge_chain: u32,
    /// Write where the TeachLink contracts landed, as JSON, to this file.
    #[arg(long, requires = "deploy_teachlink")]
    deployment_file: Option<std::path::PathBuf>,
}

/// Deploys the TeachLink contracts, prints their ids and writes the deployment file.
fn deploy(
    handle: &teachlink_localnet::LocalnetHandle,
    wasm_dir: &std::path::Path,
    out: Option<&std::path::Path>,
) -> Result<(), String> {
    let deployment = handle
        .with_node(|n| teachlink_localnet::deploy_teachlink(n, wasm_dir))
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
    for (name, id) in &deployment.contracts {
        println!("teachlink-localnet: {name:<10} {id}");
    }
    if let Some(path) = out {
        let json = serde_json::to_string_pretty(&deployment).map_err(|e| e.to_string())?;
        std::fs::write(path, json + "\n")
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        println!(
            "teachlink-localnet: deployment written to {}",
            path.display()
        );
    }
    Ok(())
}

fn main() {
    let args = Args::parse();
    let config = Config {
        port: args.port,
        host: args.host,
        close_interval: (args.close_interval_ms > 0)
            .then(|| Duration::from_millis(args.close_interval_ms)),
        network_passphrase: args.passphrase,
        retention_ledgers: args.retention_ledgers.max(1),
        state_file: args.state_file,
        bridge_chain: args.bridge_chain,
        cors_origins: args.cors_origins,
        ..Config::default()
    };
    match Localnet::start(config) {
        Ok(handle) => {
            println!("teachlink-localnet: JSON-RPC at {}", handle.url());
            println!(
                "teachlink-localnet: friendbot at {}",
                handle.friendbot_url()
            );
            if let Some(dir) = &args.deploy_teachlink {
                if let Err(e) = deploy(&handle, dir, args.deployment_file.as_deref()) {
                    eprintln!("teachlink-localnet: deploying the TeachLink contracts failed: {e}");
                    std::process::exit(1);
                }
            }
            handle.wait();
        }
        Err(e) => {
            eprintln!("teachlink-localnet: failed to start: {e}");
            std::process::exit(1);
        }
    }
}
