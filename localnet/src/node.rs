//! Owns the chain: the current state, the closed ledgers (headers and close meta), the
//! pending transaction pool, applied transactions and their events within the retention
//! window, the module cache, and ledger close itself.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use ed25519_dalek::{Signer, SigningKey};
use soroban_env_host::xdr::{
    Asset, ContractExecutable, ContractId, ContractIdPreimage, CreateAccountOp,
    CreateContractArgsV2, DecoratedSignature, ExtensionPoint, GeneralizedTransactionSet, Hash,
    HashIdPreimage, HashIdPreimageContractId, HostFunction, InvokeHostFunctionOp, LedgerCloseMeta,
    LedgerCloseMetaExt, LedgerCloseMetaExtV1, LedgerCloseMetaV2, LedgerEntryData, LedgerHeader,
    LedgerHeaderExt, LedgerHeaderHistoryEntry, LedgerHeaderHistoryEntryExt, LedgerKey,
    LedgerKeyAccount, Memo, MuxedAccount, Operation, OperationBody, PaymentOp, Preconditions,
    SequenceNumber, Signature, SignatureHint, StellarValue, StellarValueExt, TimePoint,
    Transaction, TransactionEnvelope, TransactionExt, TransactionPhase, TransactionResult,
    TransactionResultMetaV1, TransactionResultPair, TransactionResultSet, TransactionSetV1,
    TransactionV1Envelope, TxSetComponent, TxSetComponentTxsMaybeDiscountedFee, Uint256,
};
use soroban_env_host::{LedgerInfo, ModuleCache};
use soroban_simulation::NetworkConfig;

use crate::apply::{self, AppliedTx, ApplyEnv, TxLimits, ValidatedTx};
use crate::config::{Config, PROTOCOL_VERSION};
use crate::error::{LocalnetError, Result};
use crate::events::{Cursor, EventStore, StoredEvent};
use crate::genesis;
use crate::persist;
use crate::simulate::{self, SimulateOptions};
use crate::state::{LedgerState, Snapshot};
use crate::xdr_util::to_xdr;

/// A closed ledger: its header and what its close meta needs besides the transactions.
#[derive(Clone, Debug)]
pub struct LedgerRecord {
    pub header: LedgerHeader,
    pub hash: [u8; 32],
    pub close_time: u64,
    /// Keys evicted at this ledger's close.
    pub evicted: Vec<LedgerKey>,
    /// Bytes of live Soroban state after this ledger.
    pub soroban_size: u64,
}

/// An applied transaction and where it landed.
#[derive(Clone, Debug)]
pub struct TxRecord {
    pub applied: AppliedTx,
    pub ledger: u32,
    pub application_order: u32,
    pub close_time: u64,
}

/// What sendTransaction says about a submission.
#[derive(Clone, Debug)]
pub enum Submission {
    Pending([u8; 32]),
    Duplicate([u8; 32]),
    Error([u8; 32], TransactionResult),
}

/// The chain and everything needed to extend it.
pub struct Node {
    config: Config,
    network_id: [u8; 32],
    state: Arc<LedgerState>,
    network: NetworkConfig,
    limits: TxLimits,
    module_cache: ModuleCache,
    ledgers: BTreeMap<u32, LedgerRecord>,
    /// Ledgers in the history file (beside the state file), compacted when it doubles.
    history_records: usize,
    txs: HashMap<[u8; 32], TxRecord>,
    txs_by_ledger: BTreeMap<u32, Vec<[u8; 32]>>,
    events: EventStore,
    pending: Vec<ValidatedTx>,
    root: SigningKey,
    native_sac: ContractId,
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The id of the contract created from `preimage` on the network `network_id`.
pub fn contract_id(network_id: [u8; 32], preimage: ContractIdPreimage) -> Result<ContractId> {
    let full = HashIdPreimage::ContractId(HashIdPreimageContractId {
        network_id: Hash(network_id),
        contract_id_preimage: preimage,
    });
    Ok(ContractId(Hash(crate::sha256(&to_xdr(&full)?))))
}

/// Signs a v1 envelope's transaction with `key` for `network_id`.
pub fn sign_envelope(
    tx: Transaction,
    keys: &[&SigningKey],
    network_id: [u8; 32],
) -> Result<TransactionEnvelope> {
    let mut env = TransactionEnvelope::Tx(TransactionV1Envelope {
        tx,
        signatures: Default::default(),
    });
    let hash = env.hash(network_id)?;
    let sigs: Vec<DecoratedSignature> = keys
        .iter()
        .map(|k| {
            let pk = k.verifying_key().to_bytes();
            Ok(DecoratedSignature {
                hint: SignatureHint([pk[28], pk[29], pk[30], pk[31]]),
                signature: Signature(k.sign(&hash).to_bytes().to_vec().try_into()?),
            })
        })
        .collect::<Result<_>>()?;
    if let TransactionEnvelope::Tx(e) = &mut env {
        e.signatures = sigs.try_into()?;
    }
    Ok(env)
}

impl Node {
    /// Resumes the chain from `config.state_file` when that file exists; otherwise builds
    /// genesis (ledger 1) and deploys the native-asset Stellar Asset Contract from the root
    /// account as the only transaction of ledger 2.
    pub fn new(config: Config) -> Result<Self> {
        if let Some(path) = config.state_file.clone().filter(|p| p.exists()) {
            let snap = persist::load(&path)?;
            if snap.network_id != config.network_id() {
                return Err(LocalnetError::Invalid(format!(
                    "{} belongs to another network passphrase",
                    path.display()
                )));
            }
            let record = LedgerRecord {
                header: snap.header,
                hash: snap.hash,
                close_time: snap.close_time,
                evicted: Vec::new(),
                soroban_size: 0,
            };
            let mut node = Self::from_parts(config, snap.state, record)?;
            node.load_history(&path)?;
            // Contracts uploaded before the restart must be in the cache again.
            for (_, e) in node.state.iter() {
                if let LedgerEntryData::ContractCode(code) = &e.entry.data {
                    apply::cache_module(
                        &node.module_cache,
                        &node.network,
                        PROTOCOL_VERSION,
                        &code.code,
                    )?;
                }
            }
            return Ok(node);
        }
        let state = genesis::genesis_state(&config)?;
        let close_time = now_secs();
        let header = LedgerHeader {
            ledger_version: PROTOCOL_VERSION,
            previous_ledger_hash: Hash([0; 32]),
            scp_value: StellarValue {
                tx_set_hash: Hash([0; 32]),
                close_time: TimePoint(close_time),
                upgrades: Default::default(),
                ext: StellarValueExt::Basic,
            },
            tx_set_result_hash: Hash([0; 32]),
            bucket_list_hash: Hash([0; 32]),
            ledger_seq: 1,
            total_coins: genesis::TOTAL_COINS,
            fee_pool: 0,
            inflation_seq: 0,
            id_pool: 0,
            base_fee: config.base_fee,
            base_reserve: config.base_reserve,
            max_tx_set_size: 1_000,
            skip_list: [Hash([0; 32]), Hash([0; 32]), Hash([0; 32]), Hash([0; 32])],
            ext: LedgerHeaderExt::V0,
        };
        let hash = crate::sha256(&to_xdr(&header)?);
        let record = LedgerRecord {
            header,
            hash,
            close_time,
            evicted: Vec::new(),
            soroban_size: 0,
        };
        let mut node = Self::from_parts(config, state, record)?;
        if let Some(path) = &node.config.state_file {
            // A new chain starts a new history, at genesis.
            let genesis = node.latest_meta()?;
            persist::write_history(&persist::history_path(path), std::iter::once(&genesis))?;
            node.history_records = 1;
        }
        node.deploy_native_sac()?;
        node.save()?;
        Ok(node)
    }

    fn from_parts(config: Config, state: LedgerState, latest: LedgerRecord) -> Result<Self> {
        let network_id = config.network_id();
        let network = NetworkConfig::load_from_snapshot(&Snapshot {
            state: Arc::new(state.clone()),
        })
        .map_err(|e| LocalnetError::Genesis(e.to_string()))?;
        let limits = TxLimits::load(&state)?;
        let module_cache = apply::new_module_cache(&network)?;
        let native_sac = contract_id(network_id, ContractIdPreimage::Asset(Asset::Native))?;
        let mut ledgers = BTreeMap::new();
        ledgers.insert(latest.header.ledger_seq, latest);
        let root = genesis::root_key(&config);
        Ok(Node {
            config,
            network_id,
            state: Arc::new(state),
            network,
            limits,
            module_cache,
            ledgers,
            history_records: 0,
            txs: HashMap::new(),
            txs_by_ledger: BTreeMap::new(),
            events: EventStore::default(),
            pending: Vec::new(),
            root,
            native_sac,
        })
    }

    /// Writes the state file, when one is configured.
    fn save(&self) -> Result<()> {
        let Some(path) = &self.config.state_file else {
            return Ok(());
        };
        let latest = self.latest();
        persist::save(
            path,
            &self.network_id,
            &latest.header,
            &latest.hash,
            latest.close_time,
            &self.state,
        )
    }

    fn deploy_native_sac(&mut self) -> Result<()> {
        let host_function = HostFunction::CreateContractV2(CreateContractArgsV2 {
            contract_id_preimage: ContractIdPreimage::Asset(Asset::Native),
            executable: ContractExecutable::StellarAsset,
            constructor_args: Default::default(),
        });
        let root = self.root.clone();
        let tx = self.prepare_invoke(&root, host_function)?;
        let env = sign_envelope(tx, &[&root], self.network_id)?;
        match self.submit(env)? {
            Submission::Pending(_) => {}
            other => {
                return Err(LocalnetError::Genesis(format!(
                    "native SAC deployment rejected: {other:?}"
                )))
            }
        }
        self.close_ledger()?;
        let sac_key = LedgerKey::ContractData(soroban_env_host::xdr::LedgerKeyContractData {
            contract: soroban_env_host::xdr::ScAddress::Contract(self.native_sac.clone()),
            key: soroban_env_host::xdr::ScVal::LedgerKeyContractInstance,
            durability: soroban_env_host::xdr::ContractDataDurability::Persistent,
        });
        if self.state.get(&sac_key).is_none() {
            return Err(LocalnetError::Genesis(
                "native SAC deployment failed".into(),
            ));
        }
        // The native asset contract must outlive any test: give its instance the longest TTL
        // the network allows (on public networks its heavy use keeps it alive).
        let max_live_until = self
            .latest()
            .header
            .ledger_seq
            .saturating_add(self.config.max_entry_ttl.saturating_sub(1));
        Arc::make_mut(&mut self.state).set_live_until(&sac_key, max_live_until);
        Ok(())
    }

    /// Builds an InvokeHostFunction transaction from `key`'s account, simulated and assembled
    /// (footprint, resources, fee, recorded auth), unsigned. Used for genesis and friendbot-like
    /// internal work; clients do the same through simulateTransaction.
    pub fn prepare_invoke(
        &self,
        key: &SigningKey,
        host_function: HostFunction,
    ) -> Result<Transaction> {
        let source = genesis::account_id(&key.verifying_key());
        let mut tx = Transaction {
            source_account: MuxedAccount::Ed25519(Uint256(key.verifying_key().to_bytes())),
            fee: self.config.base_fee,
            seq_num: SequenceNumber(self.next_seq(&source)?),
            cond: Preconditions::None,
            memo: Memo::None,
            operations: vec![Operation {
                source_account: None,
                body: OperationBody::InvokeHostFunction(InvokeHostFunctionOp {
                    host_function,
                    auth: Default::default(),
                }),
            }]
            .try_into()?,
            ext: TransactionExt::V0,
        };
        let env = TransactionEnvelope::Tx(TransactionV1Envelope {
            tx: tx.clone(),
            signatures: Default::default(),
        });
        let sim = self.simulate(
            &env,
            &SimulateOptions {
                auth_mode: simulate::AuthMode::Default,
                auth_v2: false,
                instruction_leeway: 0,
            },
        )?;
        if let Some(e) = sim.get("error") {
            return Err(LocalnetError::Simulation(e.to_string()));
        }
        let data_b64 = sim["transactionData"]
            .as_str()
            .ok_or_else(|| LocalnetError::Simulation("no transactionData".into()))?;
        let data: soroban_env_host::xdr::SorobanTransactionData =
            crate::xdr_util::from_b64(data_b64)?;
        let auth = sim["results"][0]["auth"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str())
                    .map(crate::xdr_util::from_b64)
                    .collect::<Result<Vec<soroban_env_host::xdr::SorobanAuthorizationEntry>>>()
            })
            .transpose()?
            .unwrap_or_default();
        let mut ops = tx.operations.to_vec();
        if let Some(Operation {
            body: OperationBody::InvokeHostFunction(op),
            ..
        }) = ops.first_mut()
        {
            op.auth = auth.try_into()?;
        }
        tx.operations = ops.try_into()?;
        let fee = i64::from(self.config.base_fee) + data.resource_fee;
        tx.fee = u32::try_from(fee).map_err(|_| LocalnetError::Invalid("fee overflow".into()))?;
        tx.ext = TransactionExt::V1(data);
        Ok(tx)
    }

    /// The configuration this node runs with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// sha256 of the passphrase.
    pub fn network_id(&self) -> [u8; 32] {
        self.network_id
    }

    /// The native-asset Stellar Asset Contract's id.
    pub fn native_sac(&self) -> &ContractId {
        &self.native_sac
    }

    /// The root account's key (holds all lumens; friendbot pays from it).
    pub fn root_key(&self) -> &SigningKey {
        &self.root
    }

    /// The latest closed ledger.
    pub fn latest(&self) -> &LedgerRecord {
        // The map always holds at least the genesis ledger.
        self.ledgers
            .values()
            .next_back()
            .expect("ledger history always contains genesis")
    }

    /// The oldest ledger still within the retention window.
    pub fn oldest(&self) -> &LedgerRecord {
        self.ledgers
            .values()
            .next()
            .expect("ledger history always contains genesis")
    }

    /// A retained ledger by sequence.
    pub fn ledger(&self, seq: u32) -> Option<&LedgerRecord> {
        self.ledgers.get(&seq)
    }

    /// LedgerCloseMeta of the latest ledger.
    pub fn latest_meta(&self) -> Result<LedgerCloseMeta> {
        self.ledger_meta(self.latest())
    }

    /// Retained ledgers from `first` on, in order.
    pub fn ledgers_from(&self, first: u32) -> impl Iterator<Item = &LedgerRecord> {
        self.ledgers.range(first..).map(|(_, r)| r)
    }

    /// A retained ledger's LedgerCloseMeta, rebuilt from its record and its transactions.
    pub fn ledger_meta(&self, rec: &LedgerRecord) -> Result<LedgerCloseMeta> {
        let seq = rec.header.ledger_seq;
        let txs = self.transactions_between(seq, seq);
        close_meta(
            &rec.header,
            rec.hash,
            txs.iter().map(|t| t.applied.envelope.clone()).collect(),
            txs.iter().map(|t| t.applied.clone()).collect(),
            rec.evicted.clone(),
            rec.soroban_size,
        )
    }

    /// Reads back the history written beside the state file at `state_path`: the ledgers,
    /// transactions and events within the retention window up to the state's ledger. Ledgers
    /// after it (written by a close whose state file never landed) are ignored.
    fn load_history(&mut self, state_path: &std::path::Path) -> Result<()> {
        let latest = self.latest().header.ledger_seq;
        let keep = self.config.retention_ledgers.max(1);
        let oldest = latest.saturating_sub(keep - 1).max(1);
        let mut by_seq = BTreeMap::new();
        let metas = persist::read_history(&persist::history_path(state_path))?;
        self.history_records = metas.len();
        for meta in metas {
            let LedgerCloseMeta::V2(m) = meta else {
                continue;
            };
            let seq = m.ledger_header.header.ledger_seq;
            if (oldest..=latest).contains(&seq) {
                // A later record of the same ledger replaces an earlier one.
                by_seq.insert(seq, m);
            }
        }
        if by_seq
            .get(&latest)
            .is_some_and(|m| m.ledger_header.hash.0 != self.latest().hash)
        {
            return Err(LocalnetError::Invalid(format!(
                "the history beside {} is of another chain",
                state_path.display()
            )));
        }
        for (seq, m) in by_seq {
            self.restore_ledger(seq, m)?;
        }
        Ok(())
    }

    /// Indexes one ledger read back from the history file.
    fn restore_ledger(&mut self, seq: u32, m: LedgerCloseMetaV2) -> Result<()> {
        let close_time = m.ledger_header.header.scp_value.close_time.0;
        let mut envelopes = HashMap::new();
        let GeneralizedTransactionSet::V1(set) = &m.tx_set;
        for phase in set.phases.iter() {
            for env in phase_envelopes(phase) {
                envelopes.insert(apply::tx_hash(&env, self.network_id)?, env);
            }
        }
        let mut applied = Vec::new();
        for t in m.tx_processing.into_vec() {
            let hash = t.result.transaction_hash.0;
            let envelope = envelopes.remove(&hash).ok_or_else(|| {
                LocalnetError::Invalid(format!(
                    "history ledger {seq}: no envelope for {}",
                    hex::encode(hash)
                ))
            })?;
            applied.push(AppliedTx::from_history(
                envelope,
                hash,
                t.result.result,
                t.tx_apply_processing,
                t.fee_processing,
            ));
        }
        let record = LedgerRecord {
            header: m.ledger_header.header,
            hash: m.ledger_header.hash.0,
            close_time,
            evicted: m.evicted_keys.into_vec(),
            soroban_size: m.total_byte_size_of_live_soroban_state,
        };
        self.index_ledger(seq, close_time, applied, record);
        Ok(())
    }

    /// The current state (shared, copy-on-write).
    pub fn state(&self) -> Arc<LedgerState> {
        self.state.clone()
    }

    /// The LedgerInfo the host sees for the next ledger to close.
    pub fn next_ledger_info(&self) -> LedgerInfo {
        let latest = self.latest();
        let mut info = LedgerInfo {
            protocol_version: PROTOCOL_VERSION,
            sequence_number: latest.header.ledger_seq + 1,
            timestamp: now_secs().max(latest.close_time),
            network_id: self.network_id,
            base_reserve: self.config.base_reserve,
            ..Default::default()
        };
        self.network.fill_config_fields_in_ledger_info(&mut info);
        info
    }

    /// The sequence number the next transaction from `account` must carry, counting the
    /// ones already pending.
    pub fn next_seq(&self, account: &soroban_env_host::xdr::AccountId) -> Result<i64> {
        let key = LedgerKey::Account(LedgerKeyAccount {
            account_id: account.clone(),
        });
        let seq = match self.state.get(&key).map(|e| &e.entry.data) {
            Some(LedgerEntryData::Account(a)) => a.seq_num.0,
            _ => {
                return Err(LocalnetError::Invalid(format!(
                    "account {account} not found"
                )))
            }
        };
        Ok(seq + 1 + self.pending_from(account))
    }

    fn pending_from(&self, account: &soroban_env_host::xdr::AccountId) -> i64 {
        self.pending.iter().filter(|p| &p.source == account).count() as i64
    }

    /// Validates and queues a transaction for the next ledger.
    pub fn submit(&mut self, envelope: TransactionEnvelope) -> Result<Submission> {
        let hash = apply::tx_hash(&envelope, self.network_id)?;
        if self.pending.iter().any(|p| p.hash == hash) || self.txs.contains_key(&hash) {
            return Ok(Submission::Duplicate(hash));
        }
        let info = self.next_ledger_info();
        let source = match &envelope {
            TransactionEnvelope::Tx(e) => Some(apply::muxed_to_account(&e.tx.source_account)),
            TransactionEnvelope::TxFeeBump(f) => {
                let soroban_env_host::xdr::FeeBumpTransactionInnerTx::Tx(inner) = &f.tx.inner_tx;
                Some(apply::muxed_to_account(&inner.tx.source_account))
            }
            TransactionEnvelope::TxV0(e) => Some(soroban_env_host::xdr::AccountId(
                soroban_env_host::xdr::PublicKey::PublicKeyTypeEd25519(
                    e.tx.source_account_ed25519.clone(),
                ),
            )),
        };
        let offset = source.as_ref().map_or(0, |s| self.pending_from(s));
        let env = ApplyEnv {
            config: &self.config,
            network_id: self.network_id,
            ledger_info: info,
            network: &self.network,
            limits: &self.limits,
            module_cache: &self.module_cache,
        };
        match apply::validate(&self.state, envelope, &env, offset) {
            Ok(v) => {
                self.pending.push(v);
                Ok(Submission::Pending(hash))
            }
            Err(result) => Ok(Submission::Error(hash, result)),
        }
    }

    /// Number of transactions waiting for the next ledger.
    pub fn pending_count(&self) -> usize {
        self.pending.len()
    }

    /// Closes the next ledger: evicts expired entries, applies every pending transaction in
    /// submission order, indexes results and events, and prunes history outside retention.
    /// Returns the new ledger's sequence.
    /// Atomic: the ledger is applied to a copy of the state and swapped in once everything
    /// succeeded, its state file written included; a close that fails changes nothing (the
    /// pending transactions wait for the next).
    pub fn close_ledger(&mut self) -> Result<u32> {
        let pending = std::mem::take(&mut self.pending);
        match self.apply_ledger(&pending) {
            Ok(seq) => Ok(seq),
            Err(e) => {
                self.pending = pending;
                Err(e)
            }
        }
    }

    fn apply_ledger(&mut self, pending: &[ValidatedTx]) -> Result<u32> {
        let info = self.next_ledger_info();
        let seq = info.sequence_number;
        let close_time = info.timestamp;
        let prev = self.latest().clone();
        let mut next = LedgerState::clone(&self.state);
        let state = &mut next;
        let evicted = state.evict_expired(seq);
        let env = ApplyEnv {
            config: &self.config,
            network_id: self.network_id,
            ledger_info: info,
            network: &self.network,
            limits: &self.limits,
            module_cache: &self.module_cache,
        };
        let mut applied: Vec<AppliedTx> = Vec::new();
        let mut envelopes = Vec::new();
        for p in pending {
            envelopes.push(p.envelope.clone());
            // Re-validate: an earlier transaction in this ledger may have changed the
            // source's balance or sequence since submission.
            match apply::validate(state, p.envelope.clone(), &env, 0) {
                Ok(v) => applied.push(apply::apply(state, v, &env)?),
                Err(result) => applied.push(AppliedTx {
                    hash: p.hash,
                    envelope: p.envelope.clone(),
                    result,
                    meta: soroban_env_host::xdr::TransactionMeta::V4(
                        soroban_env_host::xdr::TransactionMetaV4 {
                            ext: ExtensionPoint::V0,
                            tx_changes_before: Default::default(),
                            operations: Default::default(),
                            tx_changes_after: Default::default(),
                            soroban_meta: None,
                            events: Default::default(),
                            diagnostic_events: Default::default(),
                        },
                    ),
                    fee_processing: Default::default(),
                    contract_events: Vec::new(),
                    diagnostic_events: Vec::new(),
                    success: false,
                }),
            }
        }

        let fees: i64 = applied.iter().map(|a| a.result.fee_charged).sum();
        let results = TransactionResultSet {
            results: applied
                .iter()
                .map(|a| TransactionResultPair {
                    transaction_hash: Hash(a.hash),
                    result: a.result.clone(),
                })
                .collect::<Vec<_>>()
                .try_into()?,
        };
        let mut tx_set_bytes = prev.hash.to_vec();
        for a in &applied {
            tx_set_bytes.extend_from_slice(&a.hash);
        }
        let header = LedgerHeader {
            ledger_version: PROTOCOL_VERSION,
            previous_ledger_hash: Hash(prev.hash),
            scp_value: StellarValue {
                tx_set_hash: Hash(crate::sha256(&tx_set_bytes)),
                close_time: TimePoint(close_time),
                upgrades: Default::default(),
                ext: StellarValueExt::Basic,
            },
            tx_set_result_hash: Hash(crate::sha256(&to_xdr(&results)?)),
            bucket_list_hash: Hash(crate::sha256(&seq.to_be_bytes())),
            ledger_seq: seq,
            fee_pool: prev.header.fee_pool.saturating_add(fees),
            ..prev.header.clone()
        };
        let hash = crate::sha256(&to_xdr(&header)?);
        let soroban_size: u64 = state
            .iter()
            .filter(|(k, _)| crate::state::has_ttl(k))
            .map(|(_, e)| to_xdr(&*e.entry).map_or(0, |b| b.len() as u64))
            .sum();
        let record = LedgerRecord {
            header,
            hash,
            close_time,
            evicted,
            soroban_size,
        };
        if let Some(path) = &self.config.state_file {
            // History first, then the state: a close whose state file never lands leaves a
            // history record after the state's ledger, which loading ignores.
            let meta = close_meta(
                &record.header,
                hash,
                envelopes,
                applied.clone(),
                record.evicted.clone(),
                soroban_size,
            )?;
            persist::append_history(&persist::history_path(path), &meta)?;
            self.history_records += 1;
            persist::save(
                path,
                &self.network_id,
                &record.header,
                &hash,
                close_time,
                &next,
            )?;
        }
        // Everything that could fail has: the ledger is in.
        self.state = Arc::new(next);
        self.index_ledger(seq, close_time, applied, record);
        self.prune(seq);
        // The ledger is in: a failed compaction only leaves the history file longer (the next
        // close tries again), it must not fail the close.
        if let Err(e) = self.compact_history() {
            eprintln!("teachlink-localnet: compacting the history file failed: {e}");
        }
        Ok(seq)
    }

    /// Indexes a closed ledger's transactions and events, and the ledger itself.
    fn index_ledger(
        &mut self,
        seq: u32,
        close_time: u64,
        applied: Vec<AppliedTx>,
        record: LedgerRecord,
    ) {
        let mut events = Vec::new();
        let mut hashes = Vec::new();
        for (i, a) in applied.into_iter().enumerate() {
            let order = u32::try_from(i + 1).unwrap_or(u32::MAX);
            if a.success {
                for (j, e) in a.contract_events.iter().enumerate() {
                    events.push(StoredEvent {
                        cursor: Cursor {
                            ledger: seq,
                            tx: order,
                            op: 0,
                            event: u32::try_from(j).unwrap_or(u32::MAX),
                        },
                        close_time,
                        tx_hash: a.hash,
                        event: e.clone(),
                    });
                }
            }
            hashes.push(a.hash);
            self.txs.insert(
                a.hash,
                TxRecord {
                    applied: a,
                    ledger: seq,
                    application_order: order,
                    close_time,
                },
            );
        }
        self.events.add_ledger(seq, events);
        self.txs_by_ledger.insert(seq, hashes);
        self.ledgers.insert(seq, record);
    }

    /// Rewrites the history file with only the retained ledgers once it holds twice as many,
    /// so it stays within twice the retention window.
    fn compact_history(&mut self) -> Result<()> {
        let Some(path) = &self.config.state_file else {
            return Ok(());
        };
        if self.history_records <= 2 * self.ledgers.len() + 16 {
            return Ok(());
        }
        let metas = self
            .ledgers
            .values()
            .map(|r| self.ledger_meta(r))
            .collect::<Result<Vec<_>>>()?;
        persist::write_history(&persist::history_path(path), metas.iter())?;
        self.history_records = metas.len();
        Ok(())
    }

    fn prune(&mut self, latest: u32) {
        let keep = self.config.retention_ledgers.max(1);
        let oldest = latest.saturating_sub(keep - 1).max(1);
        self.ledgers = self.ledgers.split_off(&oldest);
        let kept = self.txs_by_ledger.split_off(&oldest);
        for hashes in std::mem::replace(&mut self.txs_by_ledger, kept).into_values() {
            for h in hashes {
                self.txs.remove(&h);
            }
        }
        self.events.prune_before(oldest);
    }

    /// An applied transaction within the retention window.
    pub fn transaction(&self, hash: &[u8; 32]) -> Option<&TxRecord> {
        self.txs.get(hash)
    }

    /// Applied transactions of ledgers `first..=last`, in application order.
    pub fn transactions_between(&self, first: u32, last: u32) -> Vec<&TxRecord> {
        self.txs_by_ledger
            .range(first..=last)
            .flat_map(|(_, hashes)| hashes.iter().filter_map(|h| self.txs.get(h)))
            .collect()
    }

    /// The event index.
    pub fn events(&self) -> &EventStore {
        &self.events
    }

    /// Simulates a transaction on the current state (see [`simulate::simulate`]).
    pub fn simulate(
        &self,
        envelope: &TransactionEnvelope,
        opts: &SimulateOptions,
    ) -> Result<serde_json::Value> {
        simulate::simulate(self.state.clone(), &self.next_ledger_info(), envelope, opts)
    }

    /// Queues a payment (or account creation) of `amount` stroops from the root account to
    /// `dest`. Returns the submission outcome.
    pub fn fund(
        &mut self,
        dest: &soroban_env_host::xdr::AccountId,
        amount: i64,
    ) -> Result<Submission> {
        let exists = self
            .state
            .get(&LedgerKey::Account(LedgerKeyAccount {
                account_id: dest.clone(),
            }))
            .is_some();
        let body = if exists {
            OperationBody::Payment(PaymentOp {
                destination: MuxedAccount::from(dest.clone()),
                asset: Asset::Native,
                amount,
            })
        } else {
            OperationBody::CreateAccount(CreateAccountOp {
                destination: dest.clone(),
                starting_balance: amount,
            })
        };
        let root = self.root.clone();
        let root_id = genesis::account_id(&root.verifying_key());
        let tx = Transaction {
            source_account: MuxedAccount::Ed25519(Uint256(root.verifying_key().to_bytes())),
            fee: self.config.base_fee,
            seq_num: SequenceNumber(self.next_seq(&root_id)?),
            cond: Preconditions::None,
            memo: Memo::None,
            operations: vec![Operation {
                source_account: None,
                body,
            }]
            .try_into()?,
            ext: TransactionExt::V0,
        };
        let env = sign_envelope(tx, &[&root], self.network_id)?;
        self.submit(env)
    }

    /// Decodes the stored result of an applied transaction's return value, if any.
    pub fn return_value(&self, hash: &[u8; 32]) -> Option<soroban_env_host::xdr::ScVal> {
        match &self.txs.get(hash)?.applied.meta {
            soroban_env_host::xdr::TransactionMeta::V4(m) => {
                m.soroban_meta.as_ref()?.return_value.clone()
            }
            _ => None,
        }
    }
}

/// The envelopes of one phase of a transaction set.
fn phase_envelopes(phase: &TransactionPhase) -> Vec<TransactionEnvelope> {
    match phase {
        TransactionPhase::V0(comps) => comps
            .iter()
            .flat_map(|c| match c {
                TxSetComponent::TxsetCompTxsMaybeDiscountedFee(t) => t.txs.to_vec(),
            })
            .collect(),
        TransactionPhase::V1(p) => p
            .execution_stages
            .iter()
            .flat_map(|stage| stage.iter())
            .flat_map(|cluster| cluster.iter().cloned())
            .collect(),
    }
}

/// Whether an envelope is a Soroban transaction (fee-bumped or not).
fn is_soroban_envelope(e: &TransactionEnvelope) -> bool {
    match e {
        TransactionEnvelope::Tx(t) => matches!(t.tx.ext, TransactionExt::V1(_)),
        TransactionEnvelope::TxFeeBump(f) => {
            let soroban_env_host::xdr::FeeBumpTransactionInnerTx::Tx(inner) = &f.tx.inner_tx;
            matches!(inner.tx.ext, TransactionExt::V1(_))
        }
        TransactionEnvelope::TxV0(_) => false,
    }
}

fn close_meta(
    header: &LedgerHeader,
    hash: [u8; 32],
    envelopes: Vec<TransactionEnvelope>,
    applied: Vec<AppliedTx>,
    evicted: Vec<LedgerKey>,
    soroban_size: u64,
) -> Result<LedgerCloseMeta> {
    let (soroban, classic): (Vec<_>, Vec<_>) = envelopes.into_iter().partition(is_soroban_envelope);
    let phase = |txs: Vec<TransactionEnvelope>| -> Result<TransactionPhase> {
        let comps = if txs.is_empty() {
            Vec::new()
        } else {
            vec![TxSetComponent::TxsetCompTxsMaybeDiscountedFee(
                TxSetComponentTxsMaybeDiscountedFee {
                    base_fee: Some(i64::from(header.base_fee)),
                    txs: txs.try_into()?,
                },
            )]
        };
        Ok(TransactionPhase::V0(comps.try_into()?))
    };
    let tx_processing = applied
        .into_iter()
        .map(|a| TransactionResultMetaV1 {
            ext: ExtensionPoint::V0,
            result: TransactionResultPair {
                transaction_hash: Hash(a.hash),
                result: a.result,
            },
            fee_processing: a.fee_processing,
            tx_apply_processing: a.meta,
            post_tx_apply_fee_processing: Default::default(),
        })
        .collect::<Vec<_>>();
    Ok(LedgerCloseMeta::V2(LedgerCloseMetaV2 {
        ext: LedgerCloseMetaExt::V1(LedgerCloseMetaExtV1 {
            ext: ExtensionPoint::V0,
            soroban_fee_write1_kb: 3_500,
        }),
        ledger_header: LedgerHeaderHistoryEntry {
            hash: Hash(hash),
            header: header.clone(),
            ext: LedgerHeaderHistoryEntryExt::V0,
        },
        tx_set: GeneralizedTransactionSet::V1(TransactionSetV1 {
            previous_ledger_hash: header.previous_ledger_hash.clone(),
            phases: vec![phase(classic)?, phase(soroban)?].try_into()?,
        }),
        tx_processing: tx_processing.try_into()?,
        upgrades_processing: Default::default(),
        scp_info: Default::default(),
        total_byte_size_of_live_soroban_state: soroban_size,
        evicted_keys: evicted.try_into()?,
    }))
}
