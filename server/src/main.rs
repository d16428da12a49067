//! The `teachlink-server` binary: parses the configuration, starts the server, prints where
//! it is, and stops gracefully on SIGINT or SIGTERM.

use std::process::ExitCode;

use clap::Parser;
use teachlink_server::config::Network;
use teachlink_server::{run, Args, Config};
use tracing_subscriber::EnvFilter;

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let config = match Config::from_args(Args::parse()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("teachlink-server: {e}");
            return ExitCode::from(2);
        }
    };
    let embedded = matches!(config.network, Network::Localnet(_));
    let handle = match run(config, shutdown_signal()).await {
        Ok(h) => h,
        Err(e) => {
            eprintln!("teachlink-server: {e}");
            return ExitCode::FAILURE;
        }
    };
    if embedded {
        println!("teachlink-server: localnet RPC at {}", handle.rpc_url());
        if let Some(file) = handle.deployment_file() {
            println!("teachlink-server: contracts in {}", file.display());
        }
    } else {
        println!("teachlink-server: indexing {}", handle.rpc_url());
    }
    for (name, id) in &handle.deployment().contracts {
        println!("teachlink-server:   {name:<10} {id}");
    }
    let url = handle.url();
    println!("teachlink-server: TeachLink at {url}");
    println!("teachlink-server: API {url}api/status · health {url}health · metrics {url}metrics");
    match handle.wait().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("teachlink-server: {e}");
            ExitCode::FAILURE
        }
    }
}
