//! Owns transaction validation and application as stellar-core does them: envelope
//! signatures, sequence numbers, fees and declared resources, then execution on the real host
//! in enforcing mode, ledger changes, meta, refunds and results.

use std::collections::{BTreeMap, BTreeSet};

use ed25519_dalek::{Signature as EdSignature, VerifyingKey};
use soroban_env_host::budget::{AsBudget, Budget};
use soroban_env_host::e2e_invoke::{
    entry_size_for_rent, extract_rent_changes, invoke_host_function,
};
use soroban_env_host::fees::{
    compute_rent_fee, compute_transaction_resource_fee, LedgerEntryRentChange, TransactionResources,
};
use soroban_env_host::xdr::{
    AccountEntry, AccountId, Asset, ConfigSettingEntry, ConfigSettingId, ContractEvent,
    ContractEventBody, ContractEventType, ContractEventV0, ContractIdPreimage, CreateAccountOp,
    CreateAccountResult, DiagnosticEvent, ExtendFootprintTtlOp, ExtendFootprintTtlResult,
    ExtensionPoint, FeeBumpTransactionInnerTx, Hash, InnerTransactionResult,
    InnerTransactionResultExt, InnerTransactionResultPair, InnerTransactionResultResult,
    Int128Parts, InvokeHostFunctionOp, InvokeHostFunctionResult, InvokeHostFunctionSuccessPreImage,
    LedgerEntry, LedgerEntryChange, LedgerEntryChanges, LedgerEntryData, LedgerEntryExt, LedgerKey,
    LedgerKeyAccount, LedgerKeyConfigSetting, LedgerKeyTtl, MuxedAccount, Operation, OperationBody,
    OperationMetaV2, OperationResult, OperationResultTr, PaymentOp, PaymentResult, Preconditions,
    PublicKey, RestoreFootprintResult, ScAddress, ScErrorCode, ScErrorType, ScSymbol, ScVal,
    SignerKey, SorobanTransactionData, SorobanTransactionDataExt, SorobanTransactionMetaExt,
    SorobanTransactionMetaExtV1, SorobanTransactionMetaV2, Transaction, TransactionEnvelope,
    TransactionEvent, TransactionEventStage, TransactionExt, TransactionMeta, TransactionMetaV4,
    TransactionResult, TransactionResultExt, TransactionResultResult, TtlEntry, VecM,
};
use soroban_env_host::{CompilationContext, ErrorHandler, HostError, LedgerInfo, ModuleCache};
use soroban_simulation::NetworkConfig;

use crate::config::Config;
use crate::error::{LocalnetError, Result};
use crate::state::{has_ttl, is_temporary, LedgerState};
use crate::xdr_util::{from_xdr, to_xdr};

/// Per-transaction limits from the ConfigSetting entries that `NetworkConfig` does not carry.
#[derive(Clone, Debug)]
pub struct TxLimits {
    pub tx_max_disk_read_entries: u32,
    pub tx_max_disk_read_bytes: u32,
    pub tx_max_write_ledger_entries: u32,
    pub tx_max_write_bytes: u32,
    pub tx_max_footprint_entries: u32,
    pub tx_max_size_bytes: u32,
    pub tx_max_contract_events_size_bytes: u32,
}

impl TxLimits {
    /// Reads the limits from the state's ConfigSetting entries.
    pub fn load(state: &LedgerState) -> Result<Self> {
        let get = |id: ConfigSettingId| -> Result<ConfigSettingEntry> {
            let key = LedgerKey::ConfigSetting(LedgerKeyConfigSetting {
                config_setting_id: id,
            });
            match state.get(&key).map(|e| &e.entry.data) {
                Some(LedgerEntryData::ConfigSetting(cs)) => Ok(cs.clone()),
                _ => Err(LocalnetError::Genesis(format!(
                    "missing config setting {id:?}"
                ))),
            }
        };
        let (
            ConfigSettingEntry::ContractLedgerCostV0(cost),
            ConfigSettingEntry::ContractLedgerCostExtV0(ext),
            ConfigSettingEntry::ContractBandwidthV0(bw),
            ConfigSettingEntry::ContractEventsV0(ev),
        ) = (
            get(ConfigSettingId::ContractLedgerCostV0)?,
            get(ConfigSettingId::ContractLedgerCostExtV0)?,
            get(ConfigSettingId::ContractBandwidthV0)?,
            get(ConfigSettingId::ContractEventsV0)?,
        )
        else {
            return Err(LocalnetError::Genesis(
                "config settings of the wrong type".into(),
            ));
        };
        Ok(TxLimits {
            tx_max_disk_read_entries: cost.tx_max_disk_read_entries,
            tx_max_disk_read_bytes: cost.tx_max_disk_read_bytes,
            tx_max_write_ledger_entries: cost.tx_max_write_ledger_entries,
            tx_max_write_bytes: cost.tx_max_write_bytes,
            tx_max_footprint_entries: ext.tx_max_footprint_entries,
            tx_max_size_bytes: bw.tx_max_size_bytes,
            tx_max_contract_events_size_bytes: ev.tx_max_contract_events_size_bytes,
        })
    }
}

/// Everything application needs besides the state: the ledger being built and the network.
pub struct ApplyEnv<'a> {
    pub config: &'a Config,
    pub network_id: [u8; 32],
    /// Describes the ledger being closed (sequence, close time, TTL settings).
    pub ledger_info: LedgerInfo,
    pub network: &'a NetworkConfig,
    pub limits: &'a TxLimits,
    pub module_cache: &'a ModuleCache,
}

/// A transaction that passed validation, with what application needs from it.
#[derive(Clone, Debug)]
pub struct ValidatedTx {
    pub hash: [u8; 32],
    pub envelope: TransactionEnvelope,
    pub tx: Transaction,
    /// The (inner) transaction's source: its sequence number moves.
    pub source: AccountId,
    /// Who pays the fee: the source, or a fee bump's fee source.
    pub fee_source: AccountId,
    /// A fee bump's inner transaction hash.
    pub inner_hash: Option<[u8; 32]>,
    pub soroban: Option<SorobanTransactionData>,
    /// Inclusion fee charged: the base fee per operation, plus one for a fee bump (localnet
    /// never surge-prices).
    pub inclusion_fee: i64,
    /// Non-refundable resource fee computed from the declared resources and the tx size.
    pub non_refundable_fee: i64,
}

/// The outcome of applying one transaction.
#[derive(Clone, Debug)]
pub struct AppliedTx {
    pub hash: [u8; 32],
    pub envelope: TransactionEnvelope,
    pub result: TransactionResult,
    pub meta: TransactionMeta,
    pub fee_processing: LedgerEntryChanges,
    pub contract_events: Vec<ContractEvent>,
    pub diagnostic_events: Vec<DiagnosticEvent>,
    pub success: bool,
}

/// A compilation context for the module cache: compiling happens outside any transaction,
/// so it runs on an unmetered budget built from the network's cost model.
#[derive(Clone)]
struct CompileCtx(Budget);

impl ErrorHandler for CompileCtx {
    fn map_err<T, E>(&self, res: std::result::Result<T, E>) -> std::result::Result<T, HostError>
    where
        soroban_env_host::Error: From<E>,
        E: std::fmt::Debug,
    {
        res.map_err(|e| HostError::from(soroban_env_host::Error::from(e)))
    }

    fn error(
        &self,
        error: soroban_env_host::Error,
        _msg: &str,
        _args: &[soroban_env_host::Val],
    ) -> HostError {
        HostError::from(error)
    }
}

impl AsBudget for CompileCtx {
    fn as_budget(&self) -> &Budget {
        &self.0
    }
}

impl CompilationContext for CompileCtx {}

fn unmetered_budget(network: &NetworkConfig) -> Result<Budget> {
    Ok(Budget::try_from_configs(
        u64::MAX,
        u64::MAX,
        network.cpu_cost_params.clone(),
        network.memory_cost_params.clone(),
    )?)
}

/// Creates the node's module cache (one for its whole life, shared by every invocation).
pub fn new_module_cache(network: &NetworkConfig) -> Result<ModuleCache> {
    Ok(ModuleCache::new(&CompileCtx(unmetered_budget(network)?))?)
}

/// Compiles a contract's Wasm into the cache, so enforcing-mode invocations find it there as
/// stellar-core's do (the simulator assumes a cache hit; without it creation runs out of budget).
pub fn cache_module(
    cache: &ModuleCache,
    network: &NetworkConfig,
    protocol: u32,
    wasm: &[u8],
) -> Result<()> {
    let ctx = CompileCtx(unmetered_budget(network)?);
    cache.parse_and_cache_module_simple(&ctx, protocol, wasm)?;
    Ok(())
}

/// The account id behind a (possibly muxed) account.
pub fn muxed_to_account(m: &MuxedAccount) -> AccountId {
    match m {
        MuxedAccount::Ed25519(pk) => AccountId(PublicKey::PublicKeyTypeEd25519(pk.clone())),
        MuxedAccount::MuxedEd25519(m) => {
            AccountId(PublicKey::PublicKeyTypeEd25519(m.ed25519.clone()))
        }
    }
}

fn account_key(id: &AccountId) -> LedgerKey {
    LedgerKey::Account(LedgerKeyAccount {
        account_id: id.clone(),
    })
}

fn ttl_key(key: &LedgerKey) -> Result<LedgerKey> {
    Ok(LedgerKey::Ttl(LedgerKeyTtl {
        key_hash: Hash(crate::sha256(&to_xdr(key)?)),
    }))
}

fn ttl_entry(key: &LedgerKey, live_until: u32, ledger: u32) -> Result<LedgerEntry> {
    Ok(LedgerEntry {
        last_modified_ledger_seq: ledger,
        data: LedgerEntryData::Ttl(TtlEntry {
            key_hash: Hash(crate::sha256(&to_xdr(key)?)),
            live_until_ledger_seq: live_until,
        }),
        ext: LedgerEntryExt::V0,
    })
}

/// A transaction result with no operation results (validation failures).
pub fn tx_failure(code: TransactionResultResult, fee_charged: i64) -> TransactionResult {
    TransactionResult {
        fee_charged,
        result: code,
        ext: TransactionResultExt::V0,
    }
}

/// The transaction hash: sha256 of the network-id-tagged signature payload.
pub fn tx_hash(envelope: &TransactionEnvelope, network_id: [u8; 32]) -> Result<[u8; 32]> {
    Ok(envelope.hash(network_id)?)
}

fn load_account(state: &LedgerState, id: &AccountId) -> Option<AccountEntry> {
    match state.get(&account_key(id)).map(|e| &e.entry.data) {
        Some(LedgerEntryData::Account(a)) => Some(a.clone()),
        _ => None,
    }
}

fn account_ledger_entry(acc: AccountEntry, ledger: u32) -> LedgerEntry {
    LedgerEntry {
        last_modified_ledger_seq: ledger,
        data: LedgerEntryData::Account(acc),
        ext: LedgerEntryExt::V0,
    }
}

/// Balance above the reserve (2 base reserves plus one per sub-entry), as core computes it.
fn available_balance(acc: &AccountEntry, base_reserve: u32) -> i64 {
    let reserve = (2 + i64::from(acc.num_sub_entries)) * i64::from(base_reserve);
    acc.balance - reserve
}

fn is_soroban_op(op: &Operation) -> bool {
    matches!(
        op.body,
        OperationBody::InvokeHostFunction(_)
            | OperationBody::ExtendFootprintTtl(_)
            | OperationBody::RestoreFootprint(_)
    )
}

/// Checks the envelope's signatures: each account whose authority the transaction uses (the
/// source and any operation sources) must reach its medium threshold (at least 1) with
/// ed25519 signatures over `hash`, and every signature must be used by some signer.
fn check_signatures(
    state: &LedgerState,
    tx: &Transaction,
    signatures: &[soroban_env_host::xdr::DecoratedSignature],
    hash: &[u8; 32],
) -> std::result::Result<(), TransactionResultResult> {
    let mut accounts: Vec<AccountId> = vec![muxed_to_account(&tx.source_account)];
    for op in tx.operations.iter() {
        if let Some(src) = &op.source_account {
            let id = muxed_to_account(src);
            if !accounts.contains(&id) {
                accounts.push(id);
            }
        }
    }
    check_account_signatures(state, &accounts, MEDIUM_THRESHOLD, signatures, hash)
}

/// Index of the low threshold in an account's thresholds (a fee bump's fee source needs it).
const LOW_THRESHOLD: usize = 1;
/// Index of the medium threshold.
const MEDIUM_THRESHOLD: usize = 2;

/// Each of `accounts` must reach its threshold `level` (at least 1) with ed25519 signatures
/// over `hash`, and every signature must be used by some signer.
fn check_account_signatures(
    state: &LedgerState,
    accounts: &[AccountId],
    level: usize,
    signatures: &[soroban_env_host::xdr::DecoratedSignature],
    hash: &[u8; 32],
) -> std::result::Result<(), TransactionResultResult> {
    let mut used = vec![false; signatures.len()];
    for id in accounts {
        let Some(acc) = load_account(state, id) else {
            return Err(TransactionResultResult::TxNoAccount);
        };
        let PublicKey::PublicKeyTypeEd25519(master) = &acc.account_id.0;
        let mut signers: Vec<([u8; 32], u32)> = vec![(master.0, u32::from(acc.thresholds.0[0]))];
        for s in acc.signers.iter() {
            if let SignerKey::Ed25519(k) = &s.key {
                signers.push((k.0, s.weight));
            }
        }
        let needed = u32::from(acc.thresholds.0[level]).max(1);
        let mut weight = 0u32;
        for (pk, w) in signers.into_iter().filter(|(_, w)| *w > 0) {
            let Ok(vk) = VerifyingKey::from_bytes(&pk) else {
                continue;
            };
            for (i, sig) in signatures.iter().enumerate() {
                if sig.hint.0 != pk[28..32] {
                    continue;
                }
                let Ok(bytes) = <[u8; 64]>::try_from(sig.signature.0.as_slice()) else {
                    continue;
                };
                if vk
                    .verify_strict(hash, &EdSignature::from_bytes(&bytes))
                    .is_ok()
                {
                    used[i] = true;
                    weight = weight.saturating_add(w);
                    break;
                }
            }
        }
        if weight < needed {
            return Err(TransactionResultResult::TxBadAuth);
        }
    }
    if used.iter().any(|u| !u) {
        return Err(TransactionResultResult::TxBadAuthExtra);
    }
    Ok(())
}

/// Validates a transaction against `state` as core does before accepting it: a v1 envelope,
/// or a fee bump of one (outer fee, fee source and its signatures, then the inner transaction,
/// whose failures come back as `txFEE_BUMP_INNER_FAILED`). `seq_offset` counts this source's
/// transactions already waiting for the next ledger, so chained submissions are accepted.
/// Failures come back as the `TransactionResult` core would give.
pub fn validate(
    state: &LedgerState,
    envelope: TransactionEnvelope,
    env: &ApplyEnv,
    seq_offset: i64,
) -> std::result::Result<ValidatedTx, TransactionResult> {
    use TransactionResultResult as R;
    let hash = tx_hash(&envelope, env.network_id).map_err(|_| tx_failure(R::TxMalformed, 0))?;
    let size = to_xdr(&envelope).map(|b| b.len()).unwrap_or(usize::MAX);
    let size = u32::try_from(size).unwrap_or(u32::MAX);
    let plain = match &envelope {
        TransactionEnvelope::Tx(e) => Some((e.tx.clone(), &e.signatures)),
        // A v0 envelope (before protocol 13) is the same transaction with an ed25519 source;
        // its hash is the v1 transaction's.
        TransactionEnvelope::TxV0(e) => Some(((&e.tx).into(), &e.signatures)),
        TransactionEnvelope::TxFeeBump(_) => None,
    };
    match &envelope {
        TransactionEnvelope::Tx(_) | TransactionEnvelope::TxV0(_) => {
            let Some((tx, signatures)) = plain else {
                return Err(tx_failure(R::TxMalformed, 0));
            };
            let c = validate_tx(state, &tx, signatures, &hash, false, size, env, seq_offset)?;
            Ok(ValidatedTx {
                hash,
                tx,
                fee_source: c.source.clone(),
                inner_hash: None,
                source: c.source,
                soroban: c.soroban,
                inclusion_fee: c.inclusion_fee,
                non_refundable_fee: c.non_refundable_fee,
                envelope,
            })
        }
        TransactionEnvelope::TxFeeBump(f) => {
            let FeeBumpTransactionInnerTx::Tx(inner) = &f.tx.inner_tx;
            let inner_hash = inner
                .hash(env.network_id)
                .map_err(|_| tx_failure(R::TxMalformed, 0))?;
            let n_ops = inner.tx.operations.len().max(1) as i64;
            let inclusion_fee = i64::from(env.config.base_fee) * (n_ops + 1);
            let resource_fee = match &inner.tx.ext {
                TransactionExt::V1(d) => d.resource_fee,
                TransactionExt::V0 => 0,
            };
            if resource_fee < 0 {
                return Err(tx_failure(R::TxMalformed, inclusion_fee));
            }
            let full_fee = inclusion_fee.saturating_add(resource_fee);
            // The outer bid covers one more operation than the inner transaction has, and
            // bids at least the inner transaction's inclusion fee rate.
            let outer_inclusion = i128::from(f.tx.fee) - i128::from(resource_fee);
            let inner_inclusion = i128::from(inner.tx.fee) - i128::from(resource_fee);
            if f.tx.fee < full_fee
                || outer_inclusion * i128::from(n_ops) < inner_inclusion * i128::from(n_ops + 1)
            {
                return Err(tx_failure(R::TxInsufficientFee, full_fee));
            }
            let fee_source = muxed_to_account(&f.tx.fee_source);
            let Some(payer) = load_account(state, &fee_source) else {
                return Err(tx_failure(R::TxNoAccount, full_fee));
            };
            if available_balance(&payer, env.config.base_reserve) < full_fee {
                return Err(tx_failure(R::TxInsufficientBalance, full_fee));
            }
            check_account_signatures(
                state,
                std::slice::from_ref(&fee_source),
                LOW_THRESHOLD,
                &f.signatures,
                &hash,
            )
            .map_err(|c| tx_failure(c, full_fee))?;
            let tx = inner.tx.clone();
            let c = validate_tx(
                state,
                &tx,
                &inner.signatures,
                &inner_hash,
                true,
                size,
                env,
                seq_offset,
            )
            .map_err(|r| TransactionResult {
                fee_charged: full_fee,
                result: R::TxFeeBumpInnerFailed(inner_pair(inner_hash, r.result)),
                ext: TransactionResultExt::V0,
            })?;
            Ok(ValidatedTx {
                hash,
                tx,
                source: c.source,
                fee_source,
                inner_hash: Some(inner_hash),
                soroban: c.soroban,
                inclusion_fee,
                non_refundable_fee: c.non_refundable_fee,
                envelope,
            })
        }
    }
}

/// A fee bump's result for its inner transaction (the fee is charged to the fee source, so
/// the inner transaction's own charge is 0).
fn inner_pair(inner_hash: [u8; 32], result: TransactionResultResult) -> InnerTransactionResultPair {
    use InnerTransactionResultResult as I;
    use TransactionResultResult as R;
    let inner = match result {
        R::TxSuccess(ops) => I::TxSuccess(ops),
        R::TxFailed(ops) => I::TxFailed(ops),
        R::TxTooEarly => I::TxTooEarly,
        R::TxTooLate => I::TxTooLate,
        R::TxMissingOperation => I::TxMissingOperation,
        R::TxBadSeq => I::TxBadSeq,
        R::TxBadAuth => I::TxBadAuth,
        R::TxInsufficientBalance => I::TxInsufficientBalance,
        R::TxNoAccount => I::TxNoAccount,
        R::TxInsufficientFee => I::TxInsufficientFee,
        R::TxBadAuthExtra => I::TxBadAuthExtra,
        R::TxNotSupported => I::TxNotSupported,
        R::TxBadSponsorship => I::TxBadSponsorship,
        R::TxBadMinSeqAgeOrGap => I::TxBadMinSeqAgeOrGap,
        R::TxMalformed => I::TxMalformed,
        R::TxSorobanInvalid => I::TxSorobanInvalid,
        R::TxFrozenKeyAccessed => I::TxFrozenKeyAccessed,
        // A fee bump cannot wrap a fee bump.
        R::TxInternalError | R::TxFeeBumpInnerSuccess(_) | R::TxFeeBumpInnerFailed(_) => {
            I::TxInternalError
        }
    };
    InnerTransactionResultPair {
        transaction_hash: Hash(inner_hash),
        result: InnerTransactionResult {
            fee_charged: 0,
            result: inner,
            ext: InnerTransactionResultExt::V0,
        },
    }
}

/// What validating a (possibly inner) transaction found.
struct Checked {
    source: AccountId,
    soroban: Option<SorobanTransactionData>,
    inclusion_fee: i64,
    non_refundable_fee: i64,
}

/// Validates one transaction. `fee_bumped`: it is a fee bump's inner transaction, so its own
/// bid and balance are not checked (the outer ones were), only that its bid covers its
/// declared resource fee. `size` is the whole envelope's, which the
/// non-refundable resource fee is computed on.
#[allow(clippy::too_many_arguments)]
fn validate_tx(
    state: &LedgerState,
    tx: &Transaction,
    signatures: &[soroban_env_host::xdr::DecoratedSignature],
    hash: &[u8; 32],
    fee_bumped: bool,
    size: u32,
    env: &ApplyEnv,
    seq_offset: i64,
) -> std::result::Result<Checked, TransactionResult> {
    use TransactionResultResult as R;
    let min_fee_of = |n: usize| i64::from(env.config.base_fee) * n.max(1) as i64;
    let n_ops = tx.operations.len();
    let inclusion_fee = min_fee_of(n_ops);
    if n_ops == 0 {
        return Err(tx_failure(R::TxMissingOperation, inclusion_fee));
    }
    let soroban_ops = tx.operations.iter().filter(|op| is_soroban_op(op)).count();
    let soroban = match &tx.ext {
        TransactionExt::V1(d) => Some(d.clone()),
        TransactionExt::V0 => None,
    };
    if soroban_ops > 0 && (n_ops != 1 || soroban.is_none()) {
        return Err(tx_failure(R::TxMalformed, inclusion_fee));
    }
    if soroban_ops == 0 && soroban.is_some() {
        return Err(tx_failure(R::TxMalformed, inclusion_fee));
    }

    // Preconditions: time and ledger bounds against the ledger being closed.
    let now = env.ledger_info.timestamp;
    let seq = env.ledger_info.sequence_number;
    let (time_bounds, ledger_bounds) = match &tx.cond {
        Preconditions::None => (None, None),
        Preconditions::Time(tb) => (Some(tb.clone()), None),
        Preconditions::V2(p) => (p.time_bounds.clone(), p.ledger_bounds.clone()),
    };
    if let Some(tb) = time_bounds {
        if tb.min_time.0 > now {
            return Err(tx_failure(R::TxTooEarly, inclusion_fee));
        }
        if tb.max_time.0 != 0 && tb.max_time.0 < now {
            return Err(tx_failure(R::TxTooLate, inclusion_fee));
        }
    }
    if let Some(lb) = ledger_bounds {
        if lb.min_ledger > seq {
            return Err(tx_failure(R::TxTooEarly, inclusion_fee));
        }
        if lb.max_ledger != 0 && lb.max_ledger <= seq {
            return Err(tx_failure(R::TxTooLate, inclusion_fee));
        }
    }

    let source = muxed_to_account(&tx.source_account);
    let Some(acc) = load_account(state, &source) else {
        return Err(tx_failure(R::TxNoAccount, inclusion_fee));
    };
    if acc.seq_num.0.checked_add(1 + seq_offset) != Some(tx.seq_num.0) {
        return Err(tx_failure(R::TxBadSeq, inclusion_fee));
    }

    // Fees: the bid must cover the inclusion fee plus the declared resource fee.
    let resource_fee = soroban.as_ref().map_or(0, |d| d.resource_fee);
    if resource_fee < 0 {
        return Err(tx_failure(R::TxMalformed, inclusion_fee));
    }
    let full_fee = inclusion_fee.saturating_add(resource_fee);
    if fee_bumped {
        if i64::from(tx.fee) < resource_fee {
            return Err(tx_failure(R::TxSorobanInvalid, 0));
        }
    } else if i64::from(tx.fee) < full_fee {
        return Err(tx_failure(R::TxInsufficientFee, full_fee));
    }

    let mut non_refundable_fee = 0;
    if let Some(data) = &soroban {
        let tx_size = size;
        let res = &data.resources;
        let fp = &res.footprint;
        let classic_reads = fp
            .read_only
            .iter()
            .chain(fp.read_write.iter())
            .filter(|k| !has_ttl(k))
            .count();
        let restored = match &data.ext {
            SorobanTransactionDataExt::V1(e) => e.archived_soroban_entries.len(),
            SorobanTransactionDataExt::V0 => 0,
        };
        let disk_read_entries = u32::try_from(classic_reads + restored).unwrap_or(u32::MAX);
        let write_entries = u32::try_from(fp.read_write.len()).unwrap_or(u32::MAX);
        let footprint_entries =
            u32::try_from(fp.read_only.len() + fp.read_write.len()).unwrap_or(u32::MAX);
        let l = env.limits;
        let over = i64::from(res.instructions) > env.network.tx_max_instructions
            || res.disk_read_bytes > l.tx_max_disk_read_bytes
            || res.write_bytes > l.tx_max_write_bytes
            || disk_read_entries > l.tx_max_disk_read_entries
            || write_entries > l.tx_max_write_ledger_entries
            || footprint_entries > l.tx_max_footprint_entries
            || tx_size > l.tx_max_size_bytes;
        let mut keys = BTreeSet::new();
        let duplicate_keys = !fp
            .read_only
            .iter()
            .chain(fp.read_write.iter())
            .all(|k| keys.insert(k.clone()));
        if over || duplicate_keys {
            return Err(tx_failure(R::TxSorobanInvalid, full_fee));
        }
        let (nr, _) = compute_transaction_resource_fee(
            &TransactionResources {
                instructions: res.instructions,
                disk_read_entries,
                write_entries,
                disk_read_bytes: res.disk_read_bytes,
                write_bytes: res.write_bytes,
                contract_events_size_bytes: 0,
                transaction_size_bytes: tx_size,
            },
            &env.network.fee_configuration,
        );
        if resource_fee < nr {
            return Err(tx_failure(R::TxSorobanInvalid, full_fee));
        }
        non_refundable_fee = nr;
    }

    if !fee_bumped && available_balance(&acc, env.config.base_reserve) < full_fee {
        return Err(tx_failure(R::TxInsufficientBalance, full_fee));
    }

    check_signatures(state, tx, signatures, hash).map_err(|c| tx_failure(c, full_fee))?;

    Ok(Checked {
        source,
        soroban,
        inclusion_fee,
        non_refundable_fee,
    })
}

/// What executing one operation produced. State changes are staged in `writes` and
/// committed only when the whole transaction succeeds.
#[derive(Default)]
struct OpOutcome {
    results: Vec<OperationResult>,
    success: bool,
    op_metas: Vec<OperationMetaV2>,
    writes: Vec<Write>,
    events: Vec<ContractEvent>,
    diagnostics: Vec<DiagnosticEvent>,
    return_value: Option<ScVal>,
    /// Refundable fee consumed: rent plus events.
    refundable_consumed: i64,
    rent_fee: i64,
    new_code: Vec<Vec<u8>>,
}

/// One staged state change.
enum Write {
    Put(LedgerKey, Box<LedgerEntry>, Option<u32>),
    SetTtl(LedgerKey, u32),
    Remove(LedgerKey),
}

fn commit(state: &mut LedgerState, writes: Vec<Write>) {
    for w in writes {
        match w {
            Write::Put(k, e, ttl) => state.put(k, *e, ttl),
            Write::SetTtl(k, ttl) => state.set_live_until(&k, ttl),
            Write::Remove(k) => {
                state.remove(&k);
            }
        }
    }
}

/// Applies a validated transaction at the ledger described by `env`, as core does: fee and
/// sequence first (kept even if the operation fails), then the operation, then the refund.
pub fn apply(state: &mut LedgerState, v: ValidatedTx, env: &ApplyEnv) -> Result<AppliedTx> {
    let seq = env.ledger_info.sequence_number;
    let resource_fee = v.soroban.as_ref().map_or(0, |d| d.resource_fee);
    let full_fee = v.inclusion_fee + resource_fee;

    // Fee processing: the fee source (a fee bump's, or the source) pays.
    let mut payer = load_account(state, &v.fee_source)
        .ok_or_else(|| LocalnetError::Invalid("fee source account vanished".into()))?;
    let mut fee_processing = vec![LedgerEntryChange::State(account_ledger_entry(
        payer.clone(),
        last_modified(state, &account_key(&v.fee_source)),
    ))];
    payer.balance -= full_fee;
    fee_processing.push(LedgerEntryChange::Updated(account_ledger_entry(
        payer.clone(),
        seq,
    )));
    state.put(
        account_key(&v.fee_source),
        account_ledger_entry(payer, seq),
        None,
    );

    // Sequence bump.
    let mut acc = load_account(state, &v.source)
        .ok_or_else(|| LocalnetError::Invalid("source account vanished".into()))?;
    let mut before = vec![LedgerEntryChange::State(account_ledger_entry(
        acc.clone(),
        last_modified(state, &account_key(&v.source)),
    ))];
    acc.seq_num = v.tx.seq_num.clone();
    before.push(LedgerEntryChange::Updated(account_ledger_entry(
        acc.clone(),
        seq,
    )));
    state.put(
        account_key(&v.source),
        account_ledger_entry(acc.clone(), seq),
        None,
    );

    let refundable_budget = resource_fee - v.non_refundable_fee;
    let outcome = match &v.soroban {
        Some(data) => {
            let op =
                v.tx.operations
                    .first()
                    .ok_or_else(|| LocalnetError::Invalid("no operation".into()))?;
            let op_source = op
                .source_account
                .as_ref()
                .map_or_else(|| v.source.clone(), muxed_to_account);
            match &op.body {
                OperationBody::InvokeHostFunction(ihf) => invoke(
                    state,
                    ihf,
                    data,
                    &op_source,
                    env,
                    &v.hash,
                    refundable_budget,
                )?,
                OperationBody::ExtendFootprintTtl(ext) => {
                    extend_ttl(state, ext, data, env, refundable_budget)?
                }
                OperationBody::RestoreFootprint(_) => restore(state, data, env, refundable_budget)?,
                _ => return Err(LocalnetError::Invalid("not a Soroban operation".into())),
            }
        }
        None => classic(state, &v, env)?,
    };

    let success = outcome.success;
    // A failed transaction consumes no refundable resources: it wrote nothing and its
    // events were discarded, so the whole refundable part goes back.
    let consumed = if success {
        outcome.refundable_consumed
    } else {
        0
    };
    let refund = (refundable_budget - consumed).max(0);
    if success {
        for wasm in &outcome.new_code {
            cache_module(
                env.module_cache,
                env.network,
                env.ledger_info.protocol_version,
                wasm,
            )?;
        }
        commit(state, outcome.writes);
    }

    let mut after = Vec::new();
    if refund > 0 {
        let mut payer = load_account(state, &v.fee_source)
            .ok_or_else(|| LocalnetError::Invalid("fee source account vanished".into()))?;
        after.push(LedgerEntryChange::State(account_ledger_entry(
            payer.clone(),
            last_modified(state, &account_key(&v.fee_source)),
        )));
        payer.balance += refund;
        after.push(LedgerEntryChange::Updated(account_ledger_entry(
            payer.clone(),
            seq,
        )));
        state.put(
            account_key(&v.fee_source),
            account_ledger_entry(payer, seq),
            None,
        );
    }

    let ops: VecM<OperationResult> = outcome.results.try_into()?;
    let inner = if success {
        TransactionResultResult::TxSuccess(ops)
    } else {
        TransactionResultResult::TxFailed(ops)
    };
    let result = TransactionResult {
        fee_charged: full_fee - refund,
        result: match v.inner_hash {
            Some(h) if success => {
                TransactionResultResult::TxFeeBumpInnerSuccess(inner_pair(h, inner))
            }
            Some(h) => TransactionResultResult::TxFeeBumpInnerFailed(inner_pair(h, inner)),
            None => inner,
        },
        ext: TransactionResultExt::V0,
    };
    // CAP-67's fee events: the fee charged before any transaction applies, the refund
    // (negative) after all of them.
    let mut tx_events = vec![fee_event(
        env,
        &v.fee_source,
        full_fee,
        TransactionEventStage::BeforeAllTxs,
    )?];
    if refund > 0 {
        tx_events.push(fee_event(
            env,
            &v.fee_source,
            -refund,
            TransactionEventStage::AfterAllTxs,
        )?);
    }
    let soroban_meta = v.soroban.as_ref().map(|_| SorobanTransactionMetaV2 {
        ext: SorobanTransactionMetaExt::V1(SorobanTransactionMetaExtV1 {
            ext: ExtensionPoint::V0,
            total_non_refundable_resource_fee_charged: v.non_refundable_fee,
            total_refundable_resource_fee_charged: consumed,
            rent_fee_charged: if success { outcome.rent_fee } else { 0 },
        }),
        return_value: if success {
            outcome.return_value.clone()
        } else {
            None
        },
    });
    let events = if success { outcome.events } else { Vec::new() };
    let op_metas = if success {
        outcome.op_metas
    } else {
        vec![
            OperationMetaV2 {
                ext: ExtensionPoint::V0,
                changes: LedgerEntryChanges::default(),
                events: Default::default(),
            };
            v.tx.operations.len()
        ]
    };
    let meta = TransactionMeta::V4(TransactionMetaV4 {
        ext: ExtensionPoint::V0,
        tx_changes_before: before.try_into()?,
        operations: op_metas.try_into()?,
        tx_changes_after: after.try_into()?,
        soroban_meta,
        events: tx_events.try_into()?,
        diagnostic_events: outcome.diagnostics.clone().try_into()?,
    });
    Ok(AppliedTx {
        hash: v.hash,
        envelope: v.envelope,
        result,
        meta,
        fee_processing: fee_processing.try_into()?,
        contract_events: events,
        diagnostic_events: outcome.diagnostics,
        success,
    })
}

/// A fee event of the native asset contract: `["fee", payer]`, the amount charged (a refund
/// is negative).
fn fee_event(
    env: &ApplyEnv,
    payer: &AccountId,
    amount: i64,
    stage: TransactionEventStage,
) -> Result<TransactionEvent> {
    let native =
        crate::node::contract_id(env.network_id, ContractIdPreimage::Asset(Asset::Native))?;
    Ok(TransactionEvent {
        stage,
        event: ContractEvent {
            ext: ExtensionPoint::V0,
            contract_id: Some(native),
            type_: ContractEventType::Contract,
            body: ContractEventBody::V0(ContractEventV0 {
                topics: vec![
                    ScVal::Symbol(ScSymbol("fee".try_into()?)),
                    ScVal::Address(ScAddress::Account(payer.clone())),
                ]
                .try_into()?,
                data: ScVal::I128(Int128Parts {
                    hi: if amount < 0 { -1 } else { 0 },
                    lo: amount as u64,
                }),
            }),
        },
    })
}

impl AppliedTx {
    /// Rebuilds an applied transaction from what a ledger's close meta keeps of it (the
    /// history file holds close metas).
    pub fn from_history(
        envelope: TransactionEnvelope,
        hash: [u8; 32],
        result: TransactionResult,
        meta: TransactionMeta,
        fee_processing: LedgerEntryChanges,
    ) -> Self {
        let success = matches!(
            result.result,
            TransactionResultResult::TxSuccess(_)
                | TransactionResultResult::TxFeeBumpInnerSuccess(_)
        );
        let (contract_events, diagnostic_events) = match &meta {
            TransactionMeta::V4(m) => (
                if success {
                    m.operations
                        .iter()
                        .flat_map(|o| o.events.iter().cloned())
                        .collect()
                } else {
                    Vec::new()
                },
                m.diagnostic_events.to_vec(),
            ),
            _ => (Vec::new(), Vec::new()),
        };
        AppliedTx {
            hash,
            envelope,
            result,
            meta,
            fee_processing,
            contract_events,
            diagnostic_events,
            success,
        }
    }
}

fn last_modified(state: &LedgerState, key: &LedgerKey) -> u32 {
    state
        .get(key)
        .map_or(0, |e| e.entry.last_modified_ledger_seq)
}

fn fail(result: OperationResult) -> OpOutcome {
    OpOutcome {
        results: vec![result],
        success: false,
        ..Default::default()
    }
}

fn ihf_fail(r: InvokeHostFunctionResult, diagnostics: Vec<DiagnosticEvent>) -> OpOutcome {
    OpOutcome {
        diagnostics,
        ..fail(OperationResult::OpInner(
            OperationResultTr::InvokeHostFunction(r),
        ))
    }
}

fn is_budget_exceeded(e: &HostError) -> bool {
    e.error.is_type(ScErrorType::Budget) && e.error.is_code(ScErrorCode::ExceededLimit)
}

fn restored_indices(data: &SorobanTransactionData) -> BTreeSet<u32> {
    match &data.ext {
        SorobanTransactionDataExt::V1(e) => e.archived_soroban_entries.iter().copied().collect(),
        SorobanTransactionDataExt::V0 => BTreeSet::new(),
    }
}

/// Records the meta of one entry going from `old` to `new` (with their TTLs).
fn record_change(
    changes: &mut Vec<LedgerEntryChange>,
    key: &LedgerKey,
    old: Option<(LedgerEntry, Option<u32>)>,
    new: Option<(LedgerEntry, Option<u32>)>,
    restored: bool,
    ledger: u32,
) -> Result<()> {
    match (old, new) {
        (Some((o, ot)), Some((n, nt))) if restored => {
            changes.push(LedgerEntryChange::Restored(o.clone()));
            if let Some(t) = ot {
                changes.push(LedgerEntryChange::Restored(ttl_entry(key, t, ledger)?));
            }
            if o != n {
                changes.push(LedgerEntryChange::Updated(n));
            }
            if let (Some(ot), Some(nt)) = (ot, nt) {
                if nt != ot {
                    changes.push(LedgerEntryChange::Updated(ttl_entry(key, nt, ledger)?));
                }
            }
        }
        (Some((o, ot)), Some((n, nt))) => {
            if o != n {
                changes.push(LedgerEntryChange::State(o.clone()));
                changes.push(LedgerEntryChange::Updated(n));
            }
            if let (Some(ot), Some(nt)) = (ot, nt) {
                if nt != ot {
                    let prev = ttl_entry(key, ot, o.last_modified_ledger_seq)?;
                    changes.push(LedgerEntryChange::State(prev));
                    changes.push(LedgerEntryChange::Updated(ttl_entry(key, nt, ledger)?));
                }
            }
        }
        (None, Some((n, nt))) => {
            changes.push(LedgerEntryChange::Created(n));
            if let Some(t) = nt {
                changes.push(LedgerEntryChange::Created(ttl_entry(key, t, ledger)?));
            }
        }
        (Some((o, ot)), None) => {
            changes.push(LedgerEntryChange::State(o.clone()));
            changes.push(LedgerEntryChange::Removed(key.clone()));
            if let Some(t) = ot {
                changes.push(LedgerEntryChange::State(ttl_entry(
                    key,
                    t,
                    o.last_modified_ledger_seq,
                )?));
                changes.push(LedgerEntryChange::Removed(ttl_key(key)?));
            }
        }
        (None, None) => {}
    }
    Ok(())
}

/// Runs InvokeHostFunction on the host in enforcing mode.
fn invoke(
    state: &LedgerState,
    op: &InvokeHostFunctionOp,
    data: &SorobanTransactionData,
    source: &AccountId,
    env: &ApplyEnv,
    tx_hash: &[u8; 32],
    refundable_budget: i64,
) -> Result<OpOutcome> {
    use InvokeHostFunctionResult as H;
    let seq = env.ledger_info.sequence_number;
    let res = &data.resources;
    let fp = &res.footprint;
    let restore_marked = restored_indices(data);
    let min_persistent_live_until =
        seq.saturating_add(env.ledger_info.min_persistent_entry_ttl) - 1;

    // Entries for the footprint, read-only first then read-write, absent keys omitted.
    let mut entries: Vec<Vec<u8>> = Vec::new();
    let mut ttls: Vec<Vec<u8>> = Vec::new();
    let mut old_values: BTreeMap<LedgerKey, (LedgerEntry, Option<u32>)> = BTreeMap::new();
    let mut restored_keys: BTreeSet<LedgerKey> = BTreeSet::new();
    let mut restored_rw: Vec<u32> = Vec::new();
    let mut disk_read_bytes: u64 = 0;
    let ro_len = fp.read_only.len();
    for (i, key) in fp.read_only.iter().chain(fp.read_write.iter()).enumerate() {
        let rw_index = i.checked_sub(ro_len).and_then(|j| u32::try_from(j).ok());
        let (entry, live_until) = if let Some(e) = state.get_live(key, seq) {
            ((*e.entry).clone(), e.live_until)
        } else if let Some(e) = state.get_needing_restore(key, seq) {
            match rw_index {
                Some(j) if restore_marked.contains(&j) => {
                    restored_keys.insert(key.clone());
                    restored_rw.push(j);
                    ((*e.entry).clone(), Some(min_persistent_live_until))
                }
                _ => return Ok(ihf_fail(H::EntryArchived, Vec::new())),
            }
        } else {
            continue;
        };
        let bytes = to_xdr(&entry)?;
        if !has_ttl(key) || restored_keys.contains(key) {
            disk_read_bytes += bytes.len() as u64;
        }
        entries.push(bytes);
        ttls.push(match live_until {
            Some(l) if has_ttl(key) => to_xdr(&TtlEntry {
                key_hash: Hash(crate::sha256(&to_xdr(key)?)),
                live_until_ledger_seq: l,
            })?,
            _ => Vec::new(),
        });
        let old_ttl = if restored_keys.contains(key) {
            state
                .get_needing_restore(key, seq)
                .and_then(|e| e.live_until)
        } else {
            live_until
        };
        old_values.insert(key.clone(), (entry, old_ttl));
    }
    if disk_read_bytes > u64::from(res.disk_read_bytes) {
        return Ok(ihf_fail(H::ResourceLimitExceeded, Vec::new()));
    }

    let budget = Budget::try_from_configs(
        u64::from(res.instructions),
        u64::from(env.network.tx_memory_limit),
        env.network.cpu_cost_params.clone(),
        env.network.memory_cost_params.clone(),
    )?;
    let mut seed_input = tx_hash.to_vec();
    seed_input.extend_from_slice(&seq.to_be_bytes());
    let seed = crate::sha256(&seed_input);
    let auth: Vec<Vec<u8>> = op.auth.iter().map(to_xdr).collect::<Result<Vec<_>>>()?;
    let mut diagnostics = Vec::new();
    let invoked = invoke_host_function(
        &budget,
        env.config.diagnostics,
        to_xdr(&op.host_function)?,
        to_xdr(res)?,
        &restored_rw,
        to_xdr(source)?,
        auth.into_iter(),
        env.ledger_info.clone(),
        entries.into_iter(),
        ttls.into_iter(),
        seed.to_vec(),
        &mut diagnostics,
        None,
        Some(env.module_cache.clone()),
    );
    let invoked = match invoked {
        Ok(r) => r,
        Err(e) if is_budget_exceeded(&e) => {
            return Ok(ihf_fail(H::ResourceLimitExceeded, diagnostics))
        }
        Err(_) => return Ok(ihf_fail(H::Trapped, diagnostics)),
    };
    let ret_bytes = match invoked.encoded_invoke_result {
        Ok(b) => b,
        Err(e) if is_budget_exceeded(&e) => {
            return Ok(ihf_fail(H::ResourceLimitExceeded, diagnostics))
        }
        Err(_) => return Ok(ihf_fail(H::Trapped, diagnostics)),
    };
    let return_value: ScVal = from_xdr(&ret_bytes)?;
    let mut events_size = ret_bytes.len() as u64;
    let mut events = Vec::new();
    for e in &invoked.encoded_contract_events {
        events_size += e.len() as u64;
        events.push(from_xdr::<ContractEvent>(e)?);
    }
    if events_size > u64::from(env.limits.tx_max_contract_events_size_bytes) {
        return Ok(ihf_fail(H::ResourceLimitExceeded, diagnostics));
    }
    let write_bytes: u64 = invoked
        .ledger_changes
        .iter()
        .filter(|c| !c.read_only)
        .filter_map(|c| c.encoded_new_value.as_ref())
        .map(|v| v.len() as u64)
        .sum();
    if write_bytes > u64::from(res.write_bytes) {
        return Ok(ihf_fail(H::ResourceLimitExceeded, diagnostics));
    }

    let rent_fee = compute_rent_fee(
        &extract_rent_changes(&invoked.ledger_changes),
        &env.network.rent_fee_configuration,
        seq,
    );
    let (_, events_fee) = compute_transaction_resource_fee(
        &TransactionResources {
            instructions: 0,
            disk_read_entries: 0,
            write_entries: 0,
            disk_read_bytes: 0,
            write_bytes: 0,
            contract_events_size_bytes: u32::try_from(events_size).unwrap_or(u32::MAX),
            transaction_size_bytes: 0,
        },
        &env.network.fee_configuration,
    );
    let consumed = rent_fee.saturating_add(events_fee);
    if consumed > refundable_budget {
        return Ok(ihf_fail(H::InsufficientRefundableFee, diagnostics));
    }

    // Stage the ledger changes and build the operation's meta.
    let mut writes = Vec::new();
    let mut changes = Vec::new();
    let mut new_code = Vec::new();
    for change in &invoked.ledger_changes {
        let key: LedgerKey = from_xdr(&change.encoded_key)?;
        let old = old_values.get(&key).cloned();
        let restored = restored_keys.contains(&key);
        let new_ttl = change.ttl_change.as_ref().map(|t| t.new_live_until_ledger);
        if change.read_only {
            if let (Some((o, Some(ot))), Some(nt)) = (&old, new_ttl) {
                if nt > *ot {
                    writes.push(Write::SetTtl(key.clone(), nt));
                    record_change(
                        &mut changes,
                        &key,
                        old.clone(),
                        Some((o.clone(), Some(nt))),
                        false,
                        seq,
                    )?;
                }
            }
            continue;
        }
        match &change.encoded_new_value {
            Some(bytes) => {
                let mut entry: LedgerEntry = from_xdr(bytes)?;
                let unchanged_value = old
                    .as_ref()
                    .is_some_and(|(o, _)| o.data == entry.data && o.ext == entry.ext);
                entry.last_modified_ledger_seq = match (&old, unchanged_value) {
                    (Some((o, _)), true) if !restored => o.last_modified_ledger_seq,
                    _ => seq,
                };
                let ttl = if has_ttl(&key) { new_ttl } else { None };
                let unchanged_ttl = old.as_ref().is_some_and(|(_, ot)| *ot == ttl);
                if unchanged_value && unchanged_ttl && !restored {
                    continue;
                }
                if old.is_none() || restored {
                    if let LedgerEntryData::ContractCode(code) = &entry.data {
                        new_code.push(code.code.to_vec());
                    }
                }
                record_change(
                    &mut changes,
                    &key,
                    old.clone(),
                    Some((entry.clone(), ttl)),
                    restored,
                    seq,
                )?;
                writes.push(Write::Put(key, Box::new(entry), ttl));
            }
            None => {
                if old.is_some() {
                    record_change(&mut changes, &key, old.clone(), None, false, seq)?;
                    writes.push(Write::Remove(key));
                }
            }
        }
    }

    let preimage = InvokeHostFunctionSuccessPreImage {
        return_value: return_value.clone(),
        events: events.clone().try_into()?,
    };
    let result_hash = Hash(crate::sha256(&to_xdr(&preimage)?));
    Ok(OpOutcome {
        results: vec![OperationResult::OpInner(
            OperationResultTr::InvokeHostFunction(H::Success(result_hash)),
        )],
        success: true,
        op_metas: vec![OperationMetaV2 {
            ext: ExtensionPoint::V0,
            changes: changes.try_into()?,
            events: events.clone().try_into()?,
        }],
        writes,
        events,
        diagnostics,
        return_value: Some(return_value),
        refundable_consumed: consumed,
        rent_fee,
        new_code,
    })
}

fn rent_size(entry: &LedgerEntry, network: &NetworkConfig) -> Result<u32> {
    let size = u32::try_from(to_xdr(entry)?.len()).unwrap_or(u32::MAX);
    Ok(entry_size_for_rent(
        &unmetered_budget(network)?,
        entry,
        size,
    )?)
}

fn rent_change(
    key: &LedgerKey,
    entry: &LedgerEntry,
    old_size: u32,
    old_live_until: u32,
    new_live_until: u32,
    network: &NetworkConfig,
) -> Result<LedgerEntryRentChange> {
    Ok(LedgerEntryRentChange {
        is_persistent: !is_temporary(key),
        is_code_entry: matches!(key, LedgerKey::ContractCode(_)),
        old_size_bytes: old_size,
        new_size_bytes: rent_size(entry, network)?,
        old_live_until_ledger: old_live_until,
        new_live_until_ledger: new_live_until,
    })
}

/// ExtendFootprintTtl: extends every live read-only entry to `ledger + extend_to`.
fn extend_ttl(
    state: &LedgerState,
    op: &ExtendFootprintTtlOp,
    data: &SorobanTransactionData,
    env: &ApplyEnv,
    refundable_budget: i64,
) -> Result<OpOutcome> {
    use ExtendFootprintTtlResult as E;
    let wrap = |r| OperationResult::OpInner(OperationResultTr::ExtendFootprintTtl(r));
    let seq = env.ledger_info.sequence_number;
    let fp = &data.resources.footprint;
    if !fp.read_write.is_empty()
        || fp.read_only.iter().any(|k| !has_ttl(k))
        || op.extend_to > env.ledger_info.max_entry_ttl.saturating_sub(1)
    {
        return Ok(fail(wrap(E::Malformed)));
    }
    let new_live_until = seq.saturating_add(op.extend_to);
    let mut rent_changes = Vec::new();
    let mut writes = Vec::new();
    let mut changes = Vec::new();
    for key in fp.read_only.iter() {
        let Some(e) = state.get_live(key, seq) else {
            continue;
        };
        let old = e.live_until.unwrap_or(0);
        if old >= new_live_until {
            continue;
        }
        let size = rent_size(&e.entry, env.network)?;
        rent_changes.push(rent_change(
            key,
            &e.entry,
            size,
            old,
            new_live_until,
            env.network,
        )?);
        writes.push(Write::SetTtl(key.clone(), new_live_until));
        record_change(
            &mut changes,
            key,
            Some(((*e.entry).clone(), Some(old))),
            Some(((*e.entry).clone(), Some(new_live_until))),
            false,
            seq,
        )?;
    }
    let rent_fee = compute_rent_fee(&rent_changes, &env.network.rent_fee_configuration, seq);
    if rent_fee > refundable_budget {
        return Ok(fail(wrap(E::InsufficientRefundableFee)));
    }
    Ok(OpOutcome {
        results: vec![wrap(E::Success)],
        success: true,
        op_metas: vec![OperationMetaV2 {
            ext: ExtensionPoint::V0,
            changes: changes.try_into()?,
            events: Default::default(),
        }],
        writes,
        refundable_consumed: rent_fee,
        rent_fee,
        ..Default::default()
    })
}

/// RestoreFootprint: brings archived (or expired) persistent read-write entries back with the
/// minimum persistent TTL.
fn restore(
    state: &LedgerState,
    data: &SorobanTransactionData,
    env: &ApplyEnv,
    refundable_budget: i64,
) -> Result<OpOutcome> {
    use RestoreFootprintResult as R;
    let wrap = |r| OperationResult::OpInner(OperationResultTr::RestoreFootprint(r));
    let seq = env.ledger_info.sequence_number;
    let res = &data.resources;
    let fp = &res.footprint;
    if !fp.read_only.is_empty() || fp.read_write.iter().any(|k| !has_ttl(k) || is_temporary(k)) {
        return Ok(fail(wrap(R::Malformed)));
    }
    let new_live_until = seq.saturating_add(env.ledger_info.min_persistent_entry_ttl) - 1;
    let mut rent_changes = Vec::new();
    let mut writes = Vec::new();
    let mut changes = Vec::new();
    let mut read_bytes = 0u64;
    let mut new_code = Vec::new();
    for key in fp.read_write.iter() {
        let Some(e) = state.get_needing_restore(key, seq) else {
            continue;
        };
        let bytes = to_xdr(&*e.entry)?.len() as u64;
        read_bytes += bytes;
        rent_changes.push(rent_change(
            key,
            &e.entry,
            0,
            0,
            new_live_until,
            env.network,
        )?);
        let mut entry = (*e.entry).clone();
        entry.last_modified_ledger_seq = seq;
        if let LedgerEntryData::ContractCode(code) = &entry.data {
            new_code.push(code.code.to_vec());
        }
        changes.push(LedgerEntryChange::Restored(entry.clone()));
        changes.push(LedgerEntryChange::Restored(ttl_entry(
            key,
            new_live_until,
            seq,
        )?));
        writes.push(Write::Put(
            key.clone(),
            Box::new(entry),
            Some(new_live_until),
        ));
    }
    if read_bytes > u64::from(res.disk_read_bytes) || read_bytes > u64::from(res.write_bytes) {
        return Ok(fail(wrap(R::ResourceLimitExceeded)));
    }
    let rent_fee = compute_rent_fee(&rent_changes, &env.network.rent_fee_configuration, seq);
    if rent_fee > refundable_budget {
        return Ok(fail(wrap(R::InsufficientRefundableFee)));
    }
    Ok(OpOutcome {
        results: vec![wrap(R::Success)],
        success: true,
        op_metas: vec![OperationMetaV2 {
            ext: ExtensionPoint::V0,
            changes: changes.try_into()?,
            events: Default::default(),
        }],
        writes,
        refundable_consumed: rent_fee,
        rent_fee,
        new_code,
        ..Default::default()
    })
}

/// Classic operations: CreateAccount and native Payment. Each op sees the effects of the ones
/// before it; nothing is committed unless all succeed.
fn classic(state: &LedgerState, v: &ValidatedTx, env: &ApplyEnv) -> Result<OpOutcome> {
    let seq = env.ledger_info.sequence_number;
    let reserve = env.config.base_reserve;
    let mut scratch: BTreeMap<AccountId, AccountEntry> = BTreeMap::new();
    let mut created: BTreeSet<AccountId> = BTreeSet::new();
    let get = |scratch: &BTreeMap<AccountId, AccountEntry>, id: &AccountId| {
        scratch.get(id).cloned().or_else(|| load_account(state, id))
    };
    let mut results = Vec::new();
    let mut metas = Vec::new();
    let mut success = true;
    for op in v.tx.operations.iter() {
        let src_id = op
            .source_account
            .as_ref()
            .map_or_else(|| v.source.clone(), muxed_to_account);
        let mut changes = Vec::new();
        let result = match &op.body {
            OperationBody::CreateAccount(CreateAccountOp {
                destination,
                starting_balance,
            }) => {
                use CreateAccountResult as C;
                let r = if *starting_balance <= 0 {
                    C::Malformed
                } else if get(&scratch, destination).is_some() {
                    C::AlreadyExist
                } else if *starting_balance < 2 * i64::from(reserve) {
                    C::LowReserve
                } else {
                    match get(&scratch, &src_id) {
                        Some(mut src) if available_balance(&src, reserve) >= *starting_balance => {
                            changes.push(LedgerEntryChange::State(account_ledger_entry(
                                src.clone(),
                                last_modified(state, &account_key(&src_id)),
                            )));
                            src.balance -= starting_balance;
                            changes.push(LedgerEntryChange::Updated(account_ledger_entry(
                                src.clone(),
                                seq,
                            )));
                            scratch.insert(src_id.clone(), src);
                            let new = crate::genesis::account_entry(
                                destination.clone(),
                                *starting_balance,
                                i64::from(seq) << 32,
                                seq,
                            );
                            if let LedgerEntryData::Account(a) = &new.data {
                                scratch.insert(destination.clone(), a.clone());
                            }
                            created.insert(destination.clone());
                            changes.push(LedgerEntryChange::Created(new));
                            C::Success
                        }
                        _ => C::Underfunded,
                    }
                };
                success &= r == C::Success;
                OperationResult::OpInner(OperationResultTr::CreateAccount(r))
            }
            OperationBody::Payment(PaymentOp {
                destination,
                asset,
                amount,
            }) => {
                use PaymentResult as P;
                let dest_id = muxed_to_account(destination);
                let r = if *asset != Asset::Native {
                    P::NoTrust
                } else if *amount <= 0 {
                    P::Malformed
                } else {
                    match (get(&scratch, &src_id), get(&scratch, &dest_id)) {
                        (_, None) => P::NoDestination,
                        (Some(src), Some(_)) if available_balance(&src, reserve) < *amount => {
                            P::Underfunded
                        }
                        (Some(_), Some(_)) if src_id == dest_id => P::Success,
                        (Some(mut src), Some(mut dest)) => {
                            for (id, before) in [(&src_id, &src), (&dest_id, &dest)] {
                                changes.push(LedgerEntryChange::State(account_ledger_entry(
                                    before.clone(),
                                    last_modified(state, &account_key(id)),
                                )));
                            }
                            src.balance -= amount;
                            dest.balance = dest.balance.saturating_add(*amount);
                            changes.push(LedgerEntryChange::Updated(account_ledger_entry(
                                src.clone(),
                                seq,
                            )));
                            changes.push(LedgerEntryChange::Updated(account_ledger_entry(
                                dest.clone(),
                                seq,
                            )));
                            scratch.insert(src_id.clone(), src);
                            scratch.insert(dest_id.clone(), dest);
                            P::Success
                        }
                        (None, _) => P::Underfunded,
                    }
                };
                success &= r == P::Success;
                OperationResult::OpInner(OperationResultTr::Payment(r))
            }
            _ => {
                success = false;
                OperationResult::OpNotSupported
            }
        };
        results.push(result);
        metas.push(OperationMetaV2 {
            ext: ExtensionPoint::V0,
            changes: changes.try_into()?,
            events: Default::default(),
        });
    }
    let writes = scratch
        .into_iter()
        .map(|(id, acc)| {
            Write::Put(
                account_key(&id),
                Box::new(account_ledger_entry(acc, seq)),
                None,
            )
        })
        .collect();
    Ok(OpOutcome {
        results,
        success,
        op_metas: metas,
        writes,
        ..Default::default()
    })
}
