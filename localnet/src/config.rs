//! Owns the node's configuration: network identity, ports, ledger cadence, fees and TTLs.

use std::time::Duration;

/// The protocol version the pinned host (soroban-env-host 27.0.1) executes; it refuses any other.
pub const PROTOCOL_VERSION: u32 = 27;

/// The passphrase of stellar/quickstart's local network, so clients' `Networks.STANDALONE` works.
pub const DEFAULT_PASSPHRASE: &str = "Standalone Network ; February 2017";

/// Configuration of one localnet instance.
#[derive(Clone, Debug)]
pub struct Config {
    pub network_passphrase: String,
    /// TCP port for JSON-RPC; 0 picks an ephemeral port (tests).
    pub port: u16,
    /// Address to bind; loopback by default because the node has no access control.
    pub host: String,
    /// Ledger close cadence; `None` is manual mode: ledgers close only on demand.
    pub close_interval: Option<Duration>,
    /// Inclusion fee per operation in stroops (the network's base fee).
    pub base_fee: u32,
    /// Base reserve in stroops.
    pub base_reserve: u32,
    /// Smallest TTL a new temporary entry gets, in ledgers.
    pub min_temporary_ttl: u32,
    /// Smallest TTL a new or restored persistent entry gets, in ledgers.
    pub min_persistent_ttl: u32,
    /// Largest TTL an entry can be extended to, in ledgers.
    pub max_entry_ttl: u32,
    /// How many ledgers of transactions and events are kept for getTransaction/getEvents.
    pub retention_ledgers: u32,
    /// Stroops friendbot gives a new account (10,000 XLM like testnet's friendbot).
    pub friendbot_amount: i64,
    /// Emit diagnostic events in transaction meta (helps debugging; costs nothing on budget).
    pub diagnostics: bool,
    /// Where to keep the chain across restarts; `None` keeps it in memory only. When the file
    /// exists the node resumes from it, and it is rewritten after every ledger close.
    pub state_file: Option<std::path::PathBuf>,
    /// The chain id `deploy_teachlink` gives the bridge (its `Config.local_chain`): two
    /// localnets bridged to each other need different ones.
    pub bridge_chain: u32,
    /// Origins (`scheme://host[:port]`) whose web pages may call the node (CORS), besides
    /// its own and any on localhost (`localhost`, `127.0.0.1`, `[::1]`, any port).
    pub cors_origins: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            network_passphrase: DEFAULT_PASSPHRASE.to_string(),
            port: 8000,
            host: "127.0.0.1".to_string(),
            close_interval: Some(Duration::from_secs(1)),
            base_fee: 100,
            base_reserve: 5_000_000,
            // Testnet-like TTLs so that contracts behave locally as they will there.
            min_temporary_ttl: 17_280,
            min_persistent_ttl: 2_073_600,
            max_entry_ttl: 3_110_400,
            retention_ledgers: 17_280,
            friendbot_amount: 10_000 * 10_000_000,
            diagnostics: true,
            state_file: None,
            bridge_chain: crate::deploy::BRIDGE_LOCAL_CHAIN,
            cors_origins: Vec::new(),
        }
    }
}

impl Config {
    /// Manual-close configuration on an ephemeral port: what in-process tests want.
    pub fn for_tests() -> Self {
        Config {
            port: 0,
            close_interval: None,
            ..Config::default()
        }
    }

    /// sha256 of the passphrase: the network id that signatures and contract ids commit to.
    pub fn network_id(&self) -> [u8; 32] {
        crate::sha256(self.network_passphrase.as_bytes())
    }
}
