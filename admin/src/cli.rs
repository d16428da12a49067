//! Owns the command line: the global network, key and confirmation flags, the commands,
//! and running one of them to completion on a single-threaded runtime (the SDK's futures
//! stay on one thread).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use teachlink_sdk::invoke::InvokeOptions;
use teachlink_sdk::tx;

use crate::deploy::{self, BridgeSettings, DeployPlan, Deployment};
use crate::error::{AdminError, Result};
use crate::flow::Flow;
use crate::keys::KeySource;
use crate::net::Net;
use crate::ops::{self, Target};

/// Deploys and operates TeachLink over Stellar RPC.
///
/// Every command that spends simulates first, shows the fee and the footprint, and asks
/// before sending unless --yes; --build-only writes the unsigned transaction instead.
#[derive(Parser, Debug)]
#[command(name = "teachlink", version)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug)]
pub struct Global {
    /// Stellar RPC endpoint.
    #[arg(long, env = "TEACHLINK_RPC_URL", global = true)]
    pub rpc_url: Option<String>,
    /// The network's passphrase; the RPC must serve exactly this network. Required by
    /// `deploy`; other commands default to the deployment file's.
    #[arg(long, env = "TEACHLINK_NETWORK_PASSPHRASE", global = true)]
    pub network_passphrase: Option<String>,
    /// The deployment file: written by `deploy`, read by every other command and by the
    /// server (`teachlink-server --deployment-file`).
    #[arg(
        long,
        env = "TEACHLINK_DEPLOYMENT_FILE",
        default_value = "teachlink-deployment.json",
        global = true
    )]
    pub deployment: PathBuf,
    /// A file holding the signer's secret seed (S…), readable by its owner only (0600).
    #[arg(long, env = "TEACHLINK_KEY_FILE", global = true)]
    pub key_file: Option<PathBuf>,
    /// The environment variable holding the signer's secret seed (default TEACHLINK_SECRET).
    #[arg(long, value_name = "VAR", global = true)]
    pub secret_env: Option<String>,
    /// The transaction source (G…) when building without a key (--build-only).
    #[arg(long, global = true)]
    pub source: Option<String>,
    /// Send without asking.
    #[arg(long, short = 'y', global = true)]
    pub yes: bool,
    /// Write the unsigned transaction (base64 XDR, auth entries included) to FILE (`-`:
    /// stdout) instead of sending it; sign it elsewhere, then `teachlink submit FILE`.
    #[arg(long, value_name = "FILE", global = true)]
    pub build_only: Option<PathBuf>,
    /// Inclusion fee bid in stroops, on top of the simulated resource fee.
    #[arg(long, default_value_t = 100, global = true)]
    pub base_fee: u32,
    /// Seconds a built transaction stays valid.
    #[arg(long, default_value_t = 300, global = true)]
    pub valid_for: u32,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create a new key: its secret into FILE (mode 0600, never overwritten), its address
    /// (G…) printed.
    Keygen { file: PathBuf },
    /// Upload and instantiate the five contracts (completing a partial deployment), and
    /// write the deployment file.
    Deploy(DeployArgs),
    /// Each contract's admin, pause state, code and timelock, and pending proposals.
    Status,
    /// Pause a contract's risky entry points (CONTRACT or `all`); admin or emergency role.
    Pause { contract: String },
    /// Resume a paused contract (CONTRACT or `all`); admin only.
    Unpause { contract: String },
    /// Upgrade a contract's code through its timelock.
    #[command(subcommand)]
    Upgrade(UpgradeCommand),
    /// Drop any pending proposal: OP and its arguments as base64 XDR values, as
    /// `upgrade pending` prints them; admin only.
    CancelProposal {
        contract: String,
        op: String,
        args: Vec<String>,
    },
    /// Grant ROLE (e.g. issuer, emergency) on CONTRACT to ACCOUNT; admin only.
    GrantRole {
        contract: String,
        role: String,
        account: String,
    },
    /// Revoke ROLE on CONTRACT from ACCOUNT; admin only.
    RevokeRole {
        contract: String,
        role: String,
        account: String,
    },
    /// Hand CONTRACT to NEW_ADMIN; the current admin (the signer) and the new admin both
    /// authorize it.
    TransferAdmin(TransferAdminArgs),
    /// Sign the signer's auth entries of a built transaction FILE, in place.
    SignAuth { file: PathBuf },
    /// Send the transaction in FILE: as is when signed elsewhere, else signed by its source.
    Submit { file: PathBuf },
    /// Move AMOUNT stroops of the pool's token from the signer into the rewards pool.
    Fund { amount: i128 },
    /// The bridge's per-chain limits and pauses.
    #[command(subcommand)]
    Bridge(BridgeCommand),
    /// The signer as a bridge validator.
    #[command(subcommand)]
    Validator(ValidatorCommand),
}

#[derive(Args, Debug)]
pub struct DeployArgs {
    /// The contracts' Wasm (`teachlink_<name>.wasm`, scripts/build-contracts.sh).
    #[arg(long, default_value = "target/wasm32v1-none/contract")]
    pub wasm_dir: PathBuf,
    /// Seconds between proposing an upgrade (or a validator activation, a limit raise)
    /// and running it; at most 30 days.
    #[arg(long)]
    pub timelock_delay: u64,
    /// The bridge's chain id.
    #[arg(long, default_value_t = 1)]
    pub bridge_chain: u32,
    /// The bridge's least validator stake (stroops).
    #[arg(long, default_value_t = 10_000_000_000)]
    pub bridge_min_stake: i128,
    /// The bridge's most active validators.
    #[arg(long, default_value_t = 8)]
    pub bridge_max_validators: u32,
    /// Fewest active validators for a quorum.
    #[arg(long, default_value_t = 3)]
    pub bridge_min_active_validators: u32,
    /// Least active stake for a quorum (stroops).
    #[arg(long, default_value_t = 30_000_000_000)]
    pub bridge_min_active_stake: i128,
    /// Seconds before an outbound transfer may be refunded.
    #[arg(long, default_value_t = 86_400)]
    pub bridge_transfer_timeout: u64,
    /// Seconds a validator waits between unbonding and withdrawing.
    #[arg(long, default_value_t = 7 * 86_400)]
    pub bridge_unbonding_period: u64,
}

#[derive(Args, Debug, Clone)]
pub struct CodeArg {
    /// The new code, as a Wasm file.
    #[arg(long, conflicts_with = "hash")]
    pub wasm: Option<PathBuf>,
    /// The new code's hash (hex).
    #[arg(long)]
    pub hash: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum UpgradeCommand {
    /// Upload the code (unless on chain) and propose `upgrade(hash)`.
    Propose {
        contract: String,
        #[command(flatten)]
        code: CodeArg,
    },
    /// The pending proposals.
    Pending,
    /// Run the proposed upgrade once its delay passed.
    Execute {
        contract: String,
        #[command(flatten)]
        code: CodeArg,
    },
    /// Drop the proposed upgrade.
    Cancel {
        contract: String,
        #[command(flatten)]
        code: CodeArg,
    },
}

#[derive(Args, Debug)]
pub struct TransferAdminArgs {
    pub contract: String,
    pub new_admin: String,
    /// The new admin's key file (0600): both sign here and it is sent.
    #[arg(long)]
    pub new_admin_key_file: Option<PathBuf>,
    /// The variable holding the new admin's secret.
    #[arg(long, value_name = "VAR")]
    pub new_admin_secret_env: Option<String>,
    /// Without the new admin's key: write the transaction here for `sign-auth` by the new
    /// admin, then `submit` by the current one.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum BridgeCommand {
    /// Set CHAIN's bridge and limits; lowering is immediate, enabling or raising must be
    /// proposed first (--propose), then run after the delay.
    SetLimits {
        chain: u32,
        /// The remote bridge's 32-byte id (hex).
        #[arg(long)]
        bridge_id: String,
        #[arg(long)]
        per_transfer: i128,
        #[arg(long)]
        per_day: i128,
        /// Propose it through the timelock instead of running it.
        #[arg(long)]
        propose: bool,
    },
    /// Stop transfers with CHAIN; admin or emergency role.
    PauseChain { chain: u32 },
    /// Admit a registered validator to the quorum: propose it (--propose), then run it
    /// after the delay.
    ActivateValidator {
        validator: String,
        /// Propose it through the timelock instead of running it.
        #[arg(long)]
        propose: bool,
    },
    /// Remove a validator from the quorum now (a leaked key); admin only.
    DeactivateValidator { validator: String },
    /// Resume transfers with CHAIN; admin only.
    ResumeChain { chain: u32 },
}

#[derive(Subcommand, Debug)]
pub enum ValidatorCommand {
    /// Bond STAKE and register an attestation key.
    Register {
        /// The attestation key's file (S… secret, 0600).
        #[arg(long)]
        signing_key_file: Option<PathBuf>,
        /// The variable holding the attestation key's secret.
        #[arg(long, value_name = "VAR")]
        signing_secret_env: Option<String>,
        /// Stroops of the bridge's token to bond.
        #[arg(long)]
        stake: i128,
    },
    /// Start unbonding (stop attesting now, withdraw after the unbonding period).
    Unbond,
    /// Withdraw the stake once unbonded.
    Withdraw,
}

/// Runs one parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    if let Command::Keygen { file } = &cli.command {
        let key = crate::keys::generate(file)?;
        println!("{}", tx::account_strkey(&key.verifying_key().to_bytes()));
        return Ok(());
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| AdminError::invalid("runtime", e.to_string()))?;
    rt.block_on(run_async(cli))
}

fn needs_key(c: &Command) -> bool {
    !matches!(
        c,
        Command::Keygen { .. }
            | Command::Status
            | Command::Upgrade(UpgradeCommand::Pending)
            | Command::Submit { .. }
    )
}

async fn run_async(cli: Cli) -> Result<()> {
    let g = &cli.global;
    let rpc_url = g
        .rpc_url
        .clone()
        .ok_or_else(|| AdminError::invalid("--rpc-url", "required (or TEACHLINK_RPC_URL)"))?;
    let is_deploy = matches!(cli.command, Command::Deploy(_));
    let deployment = if is_deploy {
        None
    } else {
        Some(Deployment::read(&g.deployment)?)
    };
    let passphrase = match (&g.network_passphrase, &deployment) {
        (Some(p), Some(d)) if *p != d.network_passphrase => {
            return Err(AdminError::Deployment(format!(
                "{} is for network {:?}, not {p:?}",
                g.deployment.display(),
                d.network_passphrase
            )))
        }
        (Some(p), _) => p.clone(),
        (None, Some(d)) => d.network_passphrase.clone(),
        (None, None) => {
            return Err(AdminError::invalid(
                "--network-passphrase",
                "required by deploy: the network you mean to deploy to",
            ))
        }
    };
    let keys = KeySource {
        file: g.key_file.clone(),
        env: g.secret_env.clone(),
    };
    // The key is read (and a loose key file refused) before the network is contacted.
    // `submit` of an envelope signed elsewhere needs none, but uses one when given.
    let wants_key = (needs_key(&cli.command) && !(g.build_only.is_some() && g.source.is_some()))
        || (keys.is_given() && matches!(cli.command, Command::Submit { .. }));
    let key = if wants_key { Some(keys.load()?) } else { None };
    let source = match (&key, &g.source) {
        (Some(k), _) => k.verifying_key().to_bytes(),
        (None, Some(s)) => tx::parse_account(s, "--source")?,
        (None, None) => [0; 32],
    };
    let options = InvokeOptions {
        base_fee: g.base_fee,
        tx_timeout_secs: g.valid_for,
        ..InvokeOptions::default()
    };
    let net = Net::connect(&rpc_url, &passphrase, options).await?;
    let flow = Flow {
        net: &net,
        key,
        source,
        yes: g.yes,
        build_only: g.build_only.clone(),
        contracts: deployment
            .as_ref()
            .map(Deployment::pairs)
            .unwrap_or_default(),
    };
    let d = || {
        deployment
            .as_ref()
            .ok_or_else(|| AdminError::Deployment("no deployment file".into()))
    };
    match cli.command {
        Command::Keygen { .. } => Ok(()),
        Command::Deploy(a) => {
            let plan = DeployPlan {
                wasm_dir: a.wasm_dir,
                timelock_delay: a.timelock_delay,
                bridge: BridgeSettings {
                    local_chain: a.bridge_chain,
                    max_validators: a.bridge_max_validators,
                    min_stake: a.bridge_min_stake,
                    min_active_validators: a.bridge_min_active_validators,
                    min_active_stake: a.bridge_min_active_stake,
                    transfer_timeout: a.bridge_transfer_timeout,
                    unbonding_period: a.bridge_unbonding_period,
                },
                out: g.deployment.clone(),
            };
            deploy::deploy(&flow, &plan).await.map(|_| ())
        }
        Command::Status => ops::status(&flow, d()?).await,
        Command::Pause { contract } => {
            ops::set_paused(&flow, &ops::targets(d()?, &contract)?, true).await
        }
        Command::Unpause { contract } => {
            ops::set_paused(&flow, &ops::targets(d()?, &contract)?, false).await
        }
        Command::Upgrade(u) => upgrade(&flow, d()?, u).await,
        Command::GrantRole {
            contract,
            role,
            account,
        } => ops::role(&flow, &Target::of(d()?, &contract)?, true, &role, &account).await,
        Command::RevokeRole {
            contract,
            role,
            account,
        } => ops::role(&flow, &Target::of(d()?, &contract)?, false, &role, &account).await,
        Command::TransferAdmin(a) => {
            let new_key = KeySource {
                file: a.new_admin_key_file.clone(),
                env: a.new_admin_secret_env.clone(),
            };
            let new_key = if new_key.file.is_some() || new_key.env.is_some() {
                Some(new_key.load()?)
            } else {
                None
            };
            let t = Target::of(d()?, &a.contract)?;
            ops::transfer_admin(&flow, &t, &a.new_admin, new_key, a.out.as_deref()).await
        }
        Command::CancelProposal { contract, op, args } => {
            let args = args
                .iter()
                .map(|a| tx::from_b64::<stellar_xdr::ScVal>(a, "proposal argument"))
                .collect::<std::result::Result<Vec<_>, _>>()?;
            ops::cancel(&flow, &Target::of(d()?, &contract)?, &op, args).await
        }
        Command::SignAuth { file } => ops::sign_auth(&flow, &file).await,
        Command::Submit { file } => ops::submit(&flow, deployment.as_ref(), &file).await,
        Command::Fund { amount } => ops::fund(&flow, d()?, amount).await,
        Command::Bridge(b) => bridge(&flow, d()?, b).await,
        Command::Validator(v) => validator(&flow, d()?, v).await,
    }
}

async fn upgrade(flow: &Flow<'_>, d: &Deployment, u: UpgradeCommand) -> Result<()> {
    let hash = |code: &CodeArg, upload: bool| {
        let wasm = code.wasm.clone();
        let h = code.hash.clone();
        async move { ops::upgrade_hash(flow, wasm.as_deref(), h.as_deref(), upload).await }
    };
    match u {
        UpgradeCommand::Propose { contract, code } => {
            let t = Target::of(d, &contract)?;
            let h = hash(&code, flow.build_only.is_none()).await?;
            ops::propose(flow, &t, "upgrade", vec![hash_val(&h)?]).await
        }
        UpgradeCommand::Pending => {
            let pending = ops::pending_proposals(flow, d).await?;
            if pending.is_empty() {
                println!("no pending proposals");
            }
            let now = ops::now_secs();
            for p in pending {
                println!("{}", ops::describe_proposal(&p, now));
            }
            Ok(())
        }
        UpgradeCommand::Execute { contract, code } => {
            let t = Target::of(d, &contract)?;
            let h = hash(&code, false).await?;
            ops::upgrade(flow, &t, h).await
        }
        UpgradeCommand::Cancel { contract, code } => {
            let t = Target::of(d, &contract)?;
            let h = hash(&code, false).await?;
            ops::cancel(flow, &t, "upgrade", vec![hash_val(&h)?]).await
        }
    }
}

fn hash_val(h: &[u8; 32]) -> Result<stellar_xdr::ScVal> {
    Ok(stellar_xdr::ScVal::Bytes(h.to_vec().try_into().map_err(
        |_| AdminError::invalid("hash", "not 32 bytes"),
    )?))
}

async fn bridge(flow: &Flow<'_>, d: &Deployment, b: BridgeCommand) -> Result<()> {
    match b {
        BridgeCommand::SetLimits {
            chain,
            bridge_id,
            per_transfer,
            per_day,
            propose,
        } => {
            let args = ops::chain_limits_args(chain, &bridge_id, per_transfer, per_day)?;
            if propose {
                ops::propose(flow, &Target::of(d, "bridge")?, "set_chain_limits", args).await
            } else {
                ops::set_limits(flow, d, args).await
            }
        }
        BridgeCommand::PauseChain { chain } => ops::chain_paused(flow, d, chain, true).await,
        BridgeCommand::ActivateValidator { validator, propose } => {
            let args = vec![stellar_xdr::ScVal::Address(tx::parse_address(
                &validator,
                "validator",
            )?)];
            let t = Target::of(d, "bridge")?;
            if propose {
                ops::propose(flow, &t, "activate_validator", args).await
            } else {
                ops::bridge_call(flow, d, "activate_validator", args).await
            }
        }
        BridgeCommand::DeactivateValidator { validator } => {
            let args = vec![stellar_xdr::ScVal::Address(tx::parse_address(
                &validator,
                "validator",
            )?)];
            ops::bridge_call(flow, d, "deactivate_validator", args).await
        }
        BridgeCommand::ResumeChain { chain } => ops::chain_paused(flow, d, chain, false).await,
    }
}

async fn validator(flow: &Flow<'_>, d: &Deployment, v: ValidatorCommand) -> Result<()> {
    match v {
        ValidatorCommand::Register {
            signing_key_file,
            signing_secret_env,
            stake,
        } => {
            if signing_key_file.is_none() && signing_secret_env.is_none() {
                return Err(AdminError::KeyMissing(
                    "pass --signing-key-file or --signing-secret-env (the attestation key)".into(),
                ));
            }
            let key = KeySource {
                file: signing_key_file,
                env: signing_secret_env,
            }
            .load()?;
            ops::register_validator(flow, d, &key, stake).await
        }
        ValidatorCommand::Unbond => ops::validator_step(flow, d, "begin_unbonding").await,
        ValidatorCommand::Withdraw => ops::validator_step(flow, d, "withdraw_stake").await,
    }
}
