//! Owns the operations on a deployed TeachLink: `status`, pause and unpause, upgrades
//! through the timelock, roles, the admin handover, funding the rewards pool, the bridge's
//! limits and chain pauses, and a validator's registration, unbonding and withdrawal. Each
//! is one contract call on the [`Flow`] path.

use std::path::Path;

use stellar_xdr::{HostFunction, ScAddress, ScVal, TransactionEnvelope};
use teachlink_indexer::TeachLinkEvent;
use teachlink_sdk::signer::SignerKind;
use teachlink_sdk::{tx, SdkError};

use crate::deploy::{error_name, shared_error_name, Deployment, CONTRACTS};
use crate::error::{AdminError, Result};
use crate::flow::{self, Flow};
use crate::net::{self, instance_key, proposal_key};

/// One deployed contract, by name.
pub struct Target {
    pub name: String,
    pub address: ScAddress,
}

impl Target {
    pub fn of(d: &Deployment, name: &str) -> Result<Target> {
        Ok(Target {
            name: name.to_string(),
            address: tx::parse_address(d.contract(name)?, "contract id")?,
        })
    }

    fn call(&self, function: &str, args: Vec<ScVal>) -> Result<HostFunction> {
        Ok(tx::invoke_args(self.address.clone(), function, args)?)
    }

    fn errors(&self) -> fn(u32) -> &'static str {
        error_name(&self.name)
    }
}

/// The contracts a `pause`/`unpause` names: one, or `all` (every contract of the
/// deployment).
pub fn targets(d: &Deployment, which: &str) -> Result<Vec<Target>> {
    if which == "all" {
        CONTRACTS
            .iter()
            .filter(|n| d.contracts.contains_key(**n))
            .map(|n| Target::of(d, n))
            .collect()
    } else {
        Ok(vec![Target::of(d, which)?])
    }
}

fn address_val(s: &str, what: &'static str) -> Result<ScVal> {
    Ok(ScVal::Address(tx::parse_address(s, what)?))
}

fn bytes_val(b: &[u8]) -> Result<ScVal> {
    Ok(ScVal::Bytes(
        b.to_vec()
            .try_into()
            .map_err(|_| AdminError::invalid("bytes", "too long"))?,
    ))
}

/// A simulated read of `function()` on `t`.
async fn read(flow: &Flow<'_>, t: &Target, function: &str) -> Result<ScVal> {
    let invoker = flow.net.invoker(t.errors());
    Ok(invoker.read(t.call(function, vec![])?).await?)
}

// ---------------------------------------------------------------- status

/// A pending timelock proposal.
pub struct Proposal {
    pub contract: String,
    pub op: String,
    pub args: Vec<ScVal>,
    pub ready_at: u64,
}

/// The proposals still pending: each `proposed` event since the deployment (within the
/// RPC's window) whose proposal entry still exists.
pub async fn pending_proposals(flow: &Flow<'_>, d: &Deployment) -> Result<Vec<Proposal>> {
    let events = flow.net.events(&d.pairs(), d.start_ledger, None).await?;
    let mut out: Vec<Proposal> = Vec::new();
    for e in events {
        let TeachLinkEvent::Proposed { op, args, ready_at } = e.body else {
            continue;
        };
        let contract = e.meta.contract.to_string();
        let Some(name) = d
            .contracts
            .iter()
            .find(|(_, id)| **id == contract)
            .map(|(n, _)| n.clone())
        else {
            continue;
        };
        let args = args
            .iter()
            .map(|a| tx::from_b64::<ScVal>(a, "proposal argument"))
            .collect::<Result<Vec<_>, _>>()?;
        out.retain(|p| !(p.contract == name && p.op == op && p.args == args));
        out.push(Proposal {
            contract: name,
            op,
            args,
            ready_at,
        });
    }
    let mut pending = Vec::new();
    for p in out {
        let address = tx::parse_address(d.contract(&p.contract)?, "contract id")?;
        let key = proposal_key(&address, &p.op, p.args.clone())?;
        if flow.net.entry(key).await?.is_some() {
            pending.push(p);
        }
    }
    Ok(pending)
}

/// Prints each contract's admin, pause state, code version and timelock delay, and the
/// pending proposals.
pub async fn status(flow: &Flow<'_>, d: &Deployment) -> Result<()> {
    println!("network {:?}", flow.net.passphrase);
    let now = now_secs();
    for name in CONTRACTS {
        let Ok(t) = Target::of(d, name) else { continue };
        let Some(instance) = flow.net.entry(instance_key(&t.address)).await? else {
            println!("{name:<10} {}  MISSING", t.address);
            continue;
        };
        let info = net::read_instance(&instance.data);
        let admin = read(flow, &t, "admin").await?;
        let paused = read(flow, &t, "is_paused").await?;
        println!("{name:<10} {}", t.address);
        println!("  admin    {}", flow::show_val(&admin));
        println!("  paused   {}", matches!(paused, ScVal::Bool(true)));
        if let Some(i) = info {
            println!("  code     {}", hex::encode(i.wasm_hash));
            if let Some(built) = d
                .wasm_hashes
                .get(name)
                .filter(|h| **h != hex::encode(i.wasm_hash))
            {
                println!("           (deployed with {built})");
            }
            match i.timelock_delay {
                Some(s) => println!("  timelock {s} s"),
                None => println!("  timelock none"),
            }
        }
    }
    let pending = pending_proposals(flow, d).await?;
    if pending.is_empty() {
        println!("no pending proposals");
    }
    for p in pending {
        println!("{}", describe_proposal(&p, now));
    }
    Ok(())
}

pub fn describe_proposal(p: &Proposal, now: u64) -> String {
    let when = if p.ready_at <= now {
        "ready".to_string()
    } else {
        format!("ready in {} s", p.ready_at - now)
    };
    let args: Vec<String> = p.args.iter().map(flow::show_val).collect();
    let xdr: Vec<String> = p
        .args
        .iter()
        .map(|a| tx::to_b64(a, "argument").unwrap_or_default())
        .collect();
    format!(
        "pending {} {}({}) ready_at {} ({when})\n  cancel with: teachlink cancel-proposal {} {} {}",
        p.contract,
        p.op,
        args.join(", "),
        p.ready_at,
        p.contract,
        p.op,
        xdr.join(" ")
    )
}

pub fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

// ---------------------------------------------------------------- pause

/// Pauses (or resumes) each target, as the signer; contracts already in that state are
/// skipped. Goes on past a failure so `all` pauses what it can, then reports it.
pub async fn set_paused(flow: &Flow<'_>, targets: &[Target], pause: bool) -> Result<()> {
    let function = if pause { "pause" } else { "unpause" };
    let by = ScVal::Address(tx::account_address(&flow.source));
    let mut first_error = None;
    for t in targets {
        let state = read(flow, t, "is_paused").await;
        if matches!(state, Ok(ScVal::Bool(p)) if p == pause) {
            println!(
                "{}: already {}",
                t.name,
                if pause { "paused" } else { "running" }
            );
            continue;
        }
        let what = format!("{}: {function}({})", t.name, flow.source_strkey());
        let outcome = match t.call(function, vec![by.clone()]) {
            Ok(hf) => flow.run(&what, hf, t.errors()).await.map(|_| ()),
            Err(e) => Err(e),
        };
        match outcome {
            Ok(_) => println!("{}: {}", t.name, if pause { "paused" } else { "unpaused" }),
            Err(e) => {
                eprintln!("{}: {function} refused: {e}", t.name);
                first_error.get_or_insert(e);
            }
        }
    }
    first_error.map_or(Ok(()), Err)
}

// ---------------------------------------------------------------- timelock

/// Proposes the gated call `op(args)` on `t`; prints when it may run.
pub async fn propose(flow: &Flow<'_>, t: &Target, op: &str, args: Vec<ScVal>) -> Result<()> {
    let shown: Vec<String> = args.iter().map(flow::show_val).collect();
    let what = format!("{}: propose {op}({})", t.name, shown.join(", "));
    let hf = t.call("propose", vec![tx::sym(op)?, tx::vec_val(args)?])?;
    if let Some(sent) = flow.run(&what, hf, t.errors()).await?.sent() {
        if let Some(ScVal::U64(ready_at)) = sent.value {
            println!("proposed {op} on {}: ready at {ready_at}", t.name);
        }
    }
    Ok(())
}

/// Cancels the pending `op(args)` on `t`.
pub async fn cancel(flow: &Flow<'_>, t: &Target, op: &str, args: Vec<ScVal>) -> Result<()> {
    let what = format!("{}: cancel_proposal {op}", t.name);
    let hf = t.call("cancel_proposal", vec![tx::sym(op)?, tx::vec_val(args)?])?;
    flow.run(&what, hf, t.errors()).await?;
    Ok(())
}

/// The code hash of an upgrade: from a Wasm file (uploaded first unless already on chain)
/// or given as hex.
pub async fn upgrade_hash(
    flow: &Flow<'_>,
    wasm: Option<&Path>,
    hash: Option<&str>,
    upload: bool,
) -> Result<[u8; 32]> {
    match (wasm, hash) {
        (Some(path), _) => {
            let code = std::fs::read(path).map_err(|e| AdminError::file(path, e))?;
            let limit = flow.net.max_contract_size().await?;
            if code.len() > limit as usize {
                return Err(AdminError::WasmTooLarge {
                    path: path.to_path_buf(),
                    size: code.len(),
                    limit,
                });
            }
            let h = tx::sha256(&code);
            if upload && flow.net.entry(net::code_key(h)).await?.is_none() {
                let what = format!("upload {} (code {})", path.display(), hex::encode(h));
                flow.run(&what, tx::upload_wasm(&code)?, shared_error_name)
                    .await?;
            } else if upload {
                println!("code {} already on chain, not uploaded", hex::encode(h));
            }
            Ok(h)
        }
        (None, Some(h)) => hex::decode(h.trim())
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| AdminError::invalid("--hash", "expected 64 hex digits")),
        (None, None) => Err(AdminError::invalid(
            "upgrade",
            "pass --wasm FILE or --hash HEX",
        )),
    }
}

/// Runs the proposed `upgrade(hash)` on `t` (refused before the delay passed).
pub async fn upgrade(flow: &Flow<'_>, t: &Target, hash: [u8; 32]) -> Result<()> {
    let what = format!("{}: upgrade to {}", t.name, hex::encode(hash));
    flow.run(
        &what,
        t.call("upgrade", vec![bytes_val(&hash)?])?,
        t.errors(),
    )
    .await?;
    Ok(())
}

// ---------------------------------------------------------------- roles and admin

pub async fn role(
    flow: &Flow<'_>,
    t: &Target,
    grant: bool,
    role: &str,
    account: &str,
) -> Result<()> {
    let function = if grant { "grant_role" } else { "revoke_role" };
    let what = format!("{}: {function}({role}, {account})", t.name);
    let hf = t.call(
        function,
        vec![tx::sym(role)?, address_val(account, "account")?],
    )?;
    flow.run(&what, hf, t.errors()).await?;
    Ok(())
}

/// `transfer_admin(new_admin)`, which the current admin (the signer, as the source) and the
/// new admin both authorize. With the new admin's key, both sign here and it is sent;
/// without it, the transaction is written to `out` for `teachlink sign-auth` by the new
/// admin, then `teachlink submit` by the current admin.
pub async fn transfer_admin(
    flow: &Flow<'_>,
    t: &Target,
    new_admin: &str,
    new_admin_key: Option<ed25519_dalek::SigningKey>,
    out: Option<&Path>,
) -> Result<()> {
    let what = format!("{}: transfer_admin to {new_admin}", t.name);
    let invoker = flow.net.invoker(t.errors());
    let hf = t.call("transfer_admin", vec![address_val(new_admin, "new admin")?])?;
    let built = invoker.prepare(&flow.source, hf).await?;
    println!("{what}");
    let xdr = tx::to_b64(&tx::wrap(built), "transaction")?;
    let signed = match new_admin_key {
        Some(k) => {
            invoker
                .sign_auth_entries(&xdr, &SignerKind::Local(Box::new(k)))
                .await?
                .xdr
        }
        None => {
            let Some(out) = out else {
                return Err(AdminError::invalid(
                    "transfer-admin",
                    "without the new admin's key, pass --out FILE for its signature",
                ));
            };
            let env: TransactionEnvelope = tx::from_b64(&xdr, "transaction")?;
            flow::write_envelope(out, &env)?;
            println!(
                "step 1 of 2 written to {}: the new admin runs `teachlink sign-auth {0}`, then the current admin `teachlink submit {0}`",
                out.display()
            );
            return Ok(());
        }
    };
    finish(flow, &signed, t.errors()).await
}

/// Signs the signer's auth entries of the transaction in `path`, in place.
pub async fn sign_auth(flow: &Flow<'_>, path: &Path) -> Result<()> {
    let env = flow::read_envelope(path)?;
    let xdr = tx::to_b64(&TransactionEnvelope::Tx(env), "transaction")?;
    let invoker = flow.net.invoker(shared_error_name);
    let key = flow.signing_key()?;
    let pending = invoker
        .sign_auth_entries(&xdr, &SignerKind::Local(Box::new(key)))
        .await?;
    let env: TransactionEnvelope = tx::from_b64(&pending.xdr, "transaction")?;
    flow::write_envelope(path, &env)?;
    println!(
        "signed the auth entries of {} in {}",
        flow.source_strkey(),
        path.display()
    );
    if !pending.pending_signers.is_empty() {
        println!("still to sign: {}", pending.pending_signers.join(", "));
    }
    Ok(())
}

/// Sends the transaction in `path`: as it is when it carries signatures (signed
/// elsewhere), else signed here by its source after a fresh simulation.
pub async fn submit(flow: &Flow<'_>, d: Option<&Deployment>, path: &Path) -> Result<()> {
    let env = flow::read_envelope(path)?;
    let errors = error_name_for(d, &env.tx);
    if !env.signatures.is_empty() {
        println!(
            "sending the signed transaction from {}",
            tx::account_strkey(&tx::source_key(&env.tx))
        );
        let invoker = flow.net.invoker(errors);
        let sent = invoker.send_envelope(env).await?;
        flow.report(sent).await?;
        return Ok(());
    }
    let xdr = tx::to_b64(&TransactionEnvelope::Tx(env), "transaction")?;
    finish(flow, &xdr, errors).await
}

/// Re-simulates an auth-signed transaction, asks, signs it as its source and sends it.
async fn finish(flow: &Flow<'_>, xdr: &str, errors: fn(u32) -> &'static str) -> Result<()> {
    let t = tx::unwrap(tx::from_b64::<TransactionEnvelope>(xdr, "transaction")?)?.tx;
    let missing = tx::unsigned_auth_addresses(&t);
    if !missing.is_empty() {
        return Err(SdkError::MissingAuthorization(missing).into());
    }
    flow::confirm(flow.yes, t.fee)?;
    let key = flow.signing_key()?;
    let invoker = flow.net.invoker(errors);
    let sent = invoker
        .finish(xdr, &SignerKind::Local(Box::new(key)))
        .await?;
    flow.report(sent).await?;
    Ok(())
}

/// The error names of the deployment's contract a transaction calls.
fn error_name_for(d: Option<&Deployment>, t: &stellar_xdr::Transaction) -> fn(u32) -> &'static str {
    let called = tx::invoke_op(t)
        .ok()
        .and_then(|op| match &op.host_function {
            HostFunction::InvokeContract(c) => Some(c.contract_address.to_string()),
            _ => None,
        });
    d.zip(called)
        .and_then(|(d, id)| {
            d.contracts
                .iter()
                .find(|(_, c)| **c == id)
                .map(|(n, _)| error_name(n))
        })
        .unwrap_or(shared_error_name)
}

// ---------------------------------------------------------------- rewards and bridge

/// Moves `amount` (stroops of the pool's token) from the signer into the rewards pool.
pub async fn fund(flow: &Flow<'_>, d: &Deployment, amount: i128) -> Result<()> {
    if amount <= 0 {
        return Err(AdminError::invalid("amount", "must be positive"));
    }
    let t = Target::of(d, "rewards")?;
    let args = vec![
        ScVal::Address(tx::account_address(&flow.source)),
        tx::i128_val(amount),
    ];
    flow.run(
        &format!("rewards: fund {amount}"),
        t.call("fund", args)?,
        t.errors(),
    )
    .await?;
    Ok(())
}

/// The bridge's `set_chain_limits` arguments.
pub fn chain_limits_args(
    chain: u32,
    bridge_id: &str,
    per_transfer: i128,
    per_day: i128,
) -> Result<Vec<ScVal>> {
    let id: [u8; 32] = hex::decode(bridge_id.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| AdminError::invalid("--bridge-id", "expected 64 hex digits"))?;
    Ok(vec![
        ScVal::U32(chain),
        bytes_val(&id)?,
        tx::i128_val(per_transfer),
        tx::i128_val(per_day),
    ])
}

pub async fn set_limits(flow: &Flow<'_>, d: &Deployment, args: Vec<ScVal>) -> Result<()> {
    let t = Target::of(d, "bridge")?;
    let shown: Vec<String> = args.iter().map(flow::show_val).collect();
    let what = format!("bridge: set_chain_limits({})", shown.join(", "));
    flow.run(&what, t.call("set_chain_limits", args)?, t.errors())
        .await?;
    Ok(())
}

/// `function(args)` on the bridge, signed by the signer.
pub async fn bridge_call(
    flow: &Flow<'_>,
    d: &Deployment,
    function: &str,
    args: Vec<ScVal>,
) -> Result<()> {
    let t = Target::of(d, "bridge")?;
    let shown: Vec<String> = args.iter().map(flow::show_val).collect();
    let what = format!("bridge: {function}({})", shown.join(", "));
    flow.run(&what, t.call(function, args)?, t.errors()).await?;
    Ok(())
}

pub async fn chain_paused(flow: &Flow<'_>, d: &Deployment, chain: u32, pause: bool) -> Result<()> {
    let t = Target::of(d, "bridge")?;
    let function = if pause { "pause_chain" } else { "resume_chain" };
    let args = vec![
        ScVal::Address(tx::account_address(&flow.source)),
        ScVal::U32(chain),
    ];
    flow.run(
        &format!("bridge: {function}({chain})"),
        t.call(function, args)?,
        t.errors(),
    )
    .await?;
    Ok(())
}

/// Registers the signer as a validator bonding `stake`, with `signing_key` as its
/// attestation key (its proof of possession signed here).
pub async fn register_validator(
    flow: &Flow<'_>,
    d: &Deployment,
    signing_key: &ed25519_dalek::SigningKey,
    stake: i128,
) -> Result<()> {
    use ed25519_dalek::Signer as _;
    let t = Target::of(d, "bridge")?;
    let validator = tx::account_address(&flow.source);
    let digest = teachlink_validator::digest::registration_digest(&t.address, &validator)
        .map_err(|e| AdminError::invalid("registration digest", e.to_string()))?;
    let proof = signing_key.sign(&digest).to_bytes();
    let public = signing_key.verifying_key().to_bytes();
    let args = vec![
        ScVal::Address(validator),
        bytes_val(&public)?,
        tx::i128_val(stake),
        bytes_val(&proof)?,
    ];
    let what = format!(
        "bridge: register_validator({}, key {}, stake {stake})",
        flow.source_strkey(),
        hex::encode(public)
    );
    flow.run(&what, t.call("register_validator", args)?, t.errors())
        .await?;
    Ok(())
}

/// `begin_unbonding` (unbond) or `withdraw_stake` (withdraw) for the signer's validator.
pub async fn validator_step(flow: &Flow<'_>, d: &Deployment, function: &str) -> Result<()> {
    let t = Target::of(d, "bridge")?;
    let args = vec![ScVal::Address(tx::account_address(&flow.source))];
    flow.run(
        &format!("bridge: {function}({})", flow.source_strkey()),
        t.call(function, args)?,
        t.errors(),
    )
    .await?;
    Ok(())
}
