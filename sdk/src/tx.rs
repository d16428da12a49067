//! Owns transactions as plain Rust, with no JavaScript in sight: building an
//! InvokeHostFunction transaction, applying a simulation to it (soroban data, resource fee,
//! auth), finding and signing Soroban authorization entries, signing the envelope, and
//! reading results (return value, contract error, result code). Everything here is tested
//! natively; the JavaScript layers only move values in and out.

use base64::Engine;
use ed25519_dalek::{Signer as _, SigningKey, Verifier as _, VerifyingKey};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use stellar_xdr::{
    AccountId, Asset, ContractEventBody, ContractId, ContractIdPreimage, DecoratedSignature,
    DiagnosticEvent, Hash, HashIdPreimage, HashIdPreimageContractId,
    HashIdPreimageSorobanAuthorization, HashIdPreimageSorobanAuthorizationWithAddress,
    HostFunction, Int128Parts, InvokeContractArgs, InvokeHostFunctionOp, Limits, Memo,
    MuxedAccount, Operation, OperationBody, OperationResult, OperationResultTr, Preconditions,
    PublicKey, ReadXdr, ScAddress, ScError, ScMap, ScMapEntry, ScString, ScSymbol, ScVal, ScVec,
    SequenceNumber, Signature, SignatureHint, SorobanAuthorizationEntry, SorobanCredentials,
    SorobanTransactionData, TimeBounds, TimePoint, Transaction, TransactionEnvelope,
    TransactionExt, TransactionMeta, TransactionResult, TransactionResultResult,
    TransactionV1Envelope, Uint256, WriteXdr,
};
use teachlink_indexer::strkey;

use crate::error::{Result, SdkError};

/// Limits for XDR read from outside (RPC answers, wallets, callers): deep enough for any
/// real transaction, bounded so a hostile payload cannot exhaust the stack or memory.
pub const LIMITS: Limits = Limits {
    depth: 500,
    len: 32 << 20,
};

pub fn to_b64<T: WriteXdr>(v: &T, what: &'static str) -> Result<String> {
    let bytes = v
        .to_xdr(Limits::none())
        .map_err(|e| SdkError::xdr(what, e))?;
    Ok(base64::engine::general_purpose::STANDARD.encode(bytes))
}

pub fn from_b64<T: ReadXdr>(s: &str, what: &'static str) -> Result<T> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(s.trim())
        .map_err(|e| SdkError::xdr(what, format!("not base64: {e}")))?;
    T::from_xdr(bytes, LIMITS).map_err(|e| SdkError::xdr(what, e))
}

pub fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// The network id signatures commit to: sha256 of the passphrase.
pub fn network_id(passphrase: &str) -> [u8; 32] {
    sha256(passphrase.as_bytes())
}

// ---------------------------------------------------------------- addresses and keys

/// Parses a `G…` account strkey into its ed25519 public key.
pub fn parse_account(s: &str, what: &'static str) -> Result<[u8; 32]> {
    strkey::decode_kind(s.trim(), strkey::Kind::Account)
        .ok_or_else(|| SdkError::invalid(what, format!("{s:?} is not an account (G…) strkey")))
}

/// Parses a `G…` or `C…` strkey.
pub fn parse_address(s: &str, what: &'static str) -> Result<ScAddress> {
    match strkey::decode(s.trim()) {
        Some((strkey::Kind::Account, k)) => Ok(account_address(&k)),
        Some((strkey::Kind::Contract, h)) => Ok(ScAddress::Contract(ContractId(Hash(h)))),
        _ => Err(SdkError::invalid(
            what,
            format!("{s:?} is not an account (G…) or contract (C…) strkey"),
        )),
    }
}

pub fn account_address(pk: &[u8; 32]) -> ScAddress {
    ScAddress::Account(account_id(pk))
}

pub fn account_id(pk: &[u8; 32]) -> AccountId {
    AccountId(PublicKey::PublicKeyTypeEd25519(Uint256(*pk)))
}

pub fn account_strkey(pk: &[u8; 32]) -> String {
    strkey::encode(strkey::Kind::Account, pk)
}

/// The ed25519 key behind an account address; `None` for contracts and other kinds.
pub fn account_key(a: &ScAddress) -> Option<[u8; 32]> {
    match a {
        ScAddress::Account(AccountId(PublicKey::PublicKeyTypeEd25519(Uint256(k)))) => Some(*k),
        _ => None,
    }
}

/// A signing key from an `S…` secret seed strkey.
pub fn parse_secret(s: &str) -> Result<SigningKey> {
    let seed = strkey::decode_kind(s.trim(), strkey::Kind::Seed).ok_or_else(|| {
        SdkError::invalid(
            "secret",
            "not an ed25519 secret seed (S…) strkey".to_string(),
        )
    })?;
    Ok(SigningKey::from_bytes(&seed))
}

pub fn secret_strkey(key: &SigningKey) -> String {
    strkey::encode(strkey::Kind::Seed, &key.to_bytes())
}

/// The contract id (`C…`) of the native asset's (lumens') Stellar Asset Contract on the
/// network with this passphrase: what escrows and reward pools in XLM name as their token.
/// It is derived, not looked up: sha256 of the `ContractId` preimage for `Asset::Native`.
pub fn native_asset_contract_id(passphrase: &str) -> Result<String> {
    let preimage = HashIdPreimage::ContractId(HashIdPreimageContractId {
        network_id: Hash(network_id(passphrase)),
        contract_id_preimage: ContractIdPreimage::Asset(Asset::Native),
    });
    let bytes = preimage
        .to_xdr(Limits::none())
        .map_err(|e| SdkError::xdr("contract id preimage", e))?;
    Ok(strkey::encode(strkey::Kind::Contract, &sha256(&bytes)))
}

// ---------------------------------------------------------------- ScVal building

pub fn sym(s: &str) -> Result<ScVal> {
    let sym = ScSymbol(
        s.as_bytes()
            .to_vec()
            .try_into()
            .map_err(|_| SdkError::invalid("symbol", format!("{s:?} is too long")))?,
    );
    Ok(ScVal::Symbol(sym))
}

pub fn i128_val(v: i128) -> ScVal {
    ScVal::I128(Int128Parts {
        hi: (v >> 64) as i64,
        lo: v as u64,
    })
}

pub fn string_val(s: &str, what: &'static str) -> Result<ScVal> {
    let bytes = s
        .as_bytes()
        .to_vec()
        .try_into()
        .map_err(|_| SdkError::invalid(what, "too long"))?;
    Ok(ScVal::String(ScString(bytes)))
}

pub fn vec_val(items: Vec<ScVal>) -> Result<ScVal> {
    let v = items
        .try_into()
        .map_err(|_| SdkError::invalid("vector", "too many items"))?;
    Ok(ScVal::Vec(Some(ScVec(v))))
}

/// A `#[contracttype]` struct: a map keyed by field-name symbols, sorted as the host requires.
pub fn struct_val(mut fields: Vec<(&str, ScVal)>) -> Result<ScVal> {
    fields.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let entries = fields
        .into_iter()
        .map(|(k, val)| Ok(ScMapEntry { key: sym(k)?, val }))
        .collect::<Result<Vec<_>>>()?;
    let map = entries
        .try_into()
        .map_err(|_| SdkError::invalid("struct", "too many fields"))?;
    Ok(ScVal::Map(Some(ScMap(map))))
}

/// `Option<T>` as a contract sees it: `None` is `Void`.
pub fn option_val(v: Option<ScVal>) -> ScVal {
    v.unwrap_or(ScVal::Void)
}

// ---------------------------------------------------------------- ScVal reading

/// The field `name` of a `#[contracttype]` struct value.
pub fn field<'a>(v: &'a ScVal, name: &str) -> Result<&'a ScVal> {
    let ScVal::Map(Some(map)) = v else {
        return Err(SdkError::Malformed(format!(
            "expected a struct with field {name}"
        )));
    };
    map.iter()
        .find(|e| matches!(&e.key, ScVal::Symbol(s) if s.0.as_slice() == name.as_bytes()))
        .map(|e| &e.val)
        .ok_or_else(|| SdkError::Malformed(format!("struct has no field {name}")))
}

pub fn as_u32(v: &ScVal, what: &str) -> Result<u32> {
    match v {
        ScVal::U32(x) => Ok(*x),
        _ => Err(SdkError::Malformed(format!("{what} is not a u32"))),
    }
}

pub fn as_u64(v: &ScVal, what: &str) -> Result<u64> {
    match v {
        ScVal::U64(x) => Ok(*x),
        _ => Err(SdkError::Malformed(format!("{what} is not a u64"))),
    }
}

pub fn as_i128(v: &ScVal, what: &str) -> Result<i128> {
    match v {
        ScVal::I128(p) => Ok((i128::from(p.hi) << 64) | i128::from(p.lo)),
        _ => Err(SdkError::Malformed(format!("{what} is not an i128"))),
    }
}

pub fn as_address(v: &ScVal, what: &str) -> Result<String> {
    match v {
        ScVal::Address(ScAddress::Account(AccountId(PublicKey::PublicKeyTypeEd25519(
            Uint256(k),
        )))) => Ok(strkey::encode(strkey::Kind::Account, k)),
        ScVal::Address(ScAddress::Contract(ContractId(Hash(h)))) => {
            Ok(strkey::encode(strkey::Kind::Contract, h))
        }
        _ => Err(SdkError::Malformed(format!("{what} is not an address"))),
    }
}

pub fn as_vec<'a>(v: &'a ScVal, what: &str) -> Result<&'a [ScVal]> {
    match v {
        ScVal::Vec(Some(items)) => Ok(items.as_slice()),
        _ => Err(SdkError::Malformed(format!("{what} is not a vector"))),
    }
}

/// A unit variant of a `#[contracttype]` enum: `Vec[Symbol(name)]`.
pub fn as_unit_variant(v: &ScVal, what: &str) -> Result<String> {
    match as_vec(v, what)?.first() {
        Some(ScVal::Symbol(s)) => Ok(String::from_utf8_lossy(s.0.as_slice()).into_owned()),
        _ => Err(SdkError::Malformed(format!(
            "{what} is not an enum variant"
        ))),
    }
}

pub fn as_option(v: &ScVal) -> Option<&ScVal> {
    (!matches!(v, ScVal::Void)).then_some(v)
}

// ---------------------------------------------------------------- building

/// A contract call.
pub fn invoke_args(contract: ScAddress, function: &str, args: Vec<ScVal>) -> Result<HostFunction> {
    let function_name = match sym(function)? {
        ScVal::Symbol(s) => s,
        _ => return Err(SdkError::invalid("function", function.to_string())),
    };
    Ok(HostFunction::InvokeContract(InvokeContractArgs {
        contract_address: contract,
        function_name,
        args: args
            .try_into()
            .map_err(|_| SdkError::invalid("arguments", "too many"))?,
    }))
}

/// An unsimulated one-operation transaction from `source` with sequence number `seq`;
/// valid until `valid_until` (UNIX seconds) when given.
pub fn build_invoke(
    source: &[u8; 32],
    seq: i64,
    base_fee: u32,
    valid_until: Option<u64>,
    host_function: HostFunction,
) -> Result<Transaction> {
    let cond = match valid_until {
        Some(t) => Preconditions::Time(TimeBounds {
            min_time: TimePoint(0),
            max_time: TimePoint(t),
        }),
        None => Preconditions::None,
    };
    let op = Operation {
        source_account: None,
        body: OperationBody::InvokeHostFunction(InvokeHostFunctionOp {
            host_function,
            auth: Default::default(),
        }),
    };
    Ok(Transaction {
        source_account: MuxedAccount::Ed25519(Uint256(*source)),
        fee: base_fee,
        seq_num: SequenceNumber(seq),
        cond,
        memo: Memo::None,
        operations: vec![op]
            .try_into()
            .map_err(|_| SdkError::invalid("transaction", "too many operations"))?,
        ext: TransactionExt::V0,
    })
}

/// The source account's ed25519 key (muxed sources use their underlying key).
pub fn source_key(tx: &Transaction) -> [u8; 32] {
    match &tx.source_account {
        MuxedAccount::Ed25519(Uint256(k)) => *k,
        MuxedAccount::MuxedEd25519(m) => m.ed25519.0,
    }
}

pub fn wrap(tx: Transaction) -> TransactionEnvelope {
    TransactionEnvelope::Tx(TransactionV1Envelope {
        tx,
        signatures: Default::default(),
    })
}

/// The v1 transaction of an envelope; other kinds are refused (localnet and this SDK send
/// v1 only).
pub fn unwrap(env: TransactionEnvelope) -> Result<TransactionV1Envelope> {
    match env {
        TransactionEnvelope::Tx(e) => Ok(e),
        _ => Err(SdkError::invalid(
            "transaction",
            "only v1 transaction envelopes are supported (no v0, no fee bump)",
        )),
    }
}

fn invoke_op_mut(tx: &mut Transaction) -> Result<&mut InvokeHostFunctionOp> {
    let single = tx.operations.len() == 1;
    match tx.operations.iter_mut().next().map(|op| &mut op.body) {
        Some(OperationBody::InvokeHostFunction(op)) if single => Ok(op),
        _ => Err(SdkError::invalid(
            "transaction",
            "expected exactly one InvokeHostFunction operation",
        )),
    }
}

pub fn invoke_op(tx: &Transaction) -> Result<&InvokeHostFunctionOp> {
    match tx.operations.first().map(|op| &op.body) {
        Some(OperationBody::InvokeHostFunction(op)) if tx.operations.len() == 1 => Ok(op),
        _ => Err(SdkError::invalid(
            "transaction",
            "expected exactly one InvokeHostFunction operation",
        )),
    }
}

// ---------------------------------------------------------------- deployment

/// Uploading contract code: the host function whose transaction installs `wasm` (its
/// sha256 is the code's hash).
pub fn upload_wasm(wasm: &[u8]) -> Result<HostFunction> {
    Ok(HostFunction::UploadContractWasm(
        wasm.to_vec()
            .try_into()
            .map_err(|_| SdkError::invalid("wasm", "too large for XDR"))?,
    ))
}

/// Where `deployer` creating a contract with `salt` puts it: the preimage of its id.
pub fn contract_preimage(deployer: &ScAddress, salt: [u8; 32]) -> ContractIdPreimage {
    ContractIdPreimage::Address(stellar_xdr::ContractIdPreimageFromAddress {
        address: deployer.clone(),
        salt: Uint256(salt),
    })
}

/// The contract id (`C…` as an address) a preimage gives on the network `passphrase`:
/// known before the contract exists, so a deployment can be resumed.
pub fn contract_address(passphrase: &str, preimage: &ContractIdPreimage) -> Result<ScAddress> {
    let full = HashIdPreimage::ContractId(HashIdPreimageContractId {
        network_id: Hash(network_id(passphrase)),
        contract_id_preimage: preimage.clone(),
    });
    let bytes = full
        .to_xdr(Limits::none())
        .map_err(|e| SdkError::xdr("contract id preimage", e))?;
    Ok(ScAddress::Contract(ContractId(Hash(sha256(&bytes)))))
}

/// Creating a contract from uploaded code `wasm_hash`, running its constructor with
/// `constructor_args`.
pub fn create_contract(
    preimage: ContractIdPreimage,
    wasm_hash: [u8; 32],
    constructor_args: Vec<ScVal>,
) -> Result<HostFunction> {
    Ok(HostFunction::CreateContractV2(
        stellar_xdr::CreateContractArgsV2 {
            contract_id_preimage: preimage,
            executable: stellar_xdr::ContractExecutable::Wasm(Hash(wasm_hash)),
            constructor_args: constructor_args
                .try_into()
                .map_err(|_| SdkError::invalid("constructor arguments", "too many"))?,
        },
    ))
}

// ---------------------------------------------------------------- simulation

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SimulateResponse {
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    transaction_data: Option<String>,
    #[serde(default)]
    min_resource_fee: Option<String>,
    #[serde(default)]
    results: Vec<SimulateResult>,
    #[serde(default)]
    events: Vec<String>,
    #[serde(default)]
    restore_preamble: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct SimulateResult {
    #[serde(default)]
    auth: Vec<String>,
    #[serde(default)]
    xdr: Option<String>,
}

/// What a successful simulation of an invocation gives.
#[derive(Clone, Debug)]
pub struct Simulation {
    pub data: SorobanTransactionData,
    pub min_resource_fee: i64,
    pub auth: Vec<SorobanAuthorizationEntry>,
    pub result: Option<ScVal>,
}

/// Reads a simulateTransaction result; a failed simulation becomes a contract error when
/// the host reports one (`Error(Contract, #N)`), else a simulation error.
pub fn parse_simulation(
    v: serde_json::Value,
    error_name: fn(u32) -> &'static str,
) -> Result<Simulation> {
    let r: SimulateResponse = serde_json::from_value(v)
        .map_err(|e| SdkError::Malformed(format!("simulateTransaction: {e}")))?;
    if let Some(msg) = r.error {
        let code = contract_error_in_text(&msg).or_else(|| {
            r.events
                .iter()
                .filter_map(|e| from_b64::<DiagnosticEvent>(e, "diagnostic event").ok())
                .find_map(|e| contract_error_in_event(&e))
        });
        return Err(match code {
            Some(code) => SdkError::Contract {
                code,
                name: error_name(code),
                tx_hash: None,
            },
            None => SdkError::Simulation(msg),
        });
    }
    if r.restore_preamble.is_some() {
        return Err(SdkError::Simulation(
            "archived ledger entries must be restored first (restorePreamble)".into(),
        ));
    }
    let data: SorobanTransactionData = from_b64(
        r.transaction_data
            .as_deref()
            .ok_or_else(|| SdkError::Malformed("simulation without transactionData".into()))?,
        "transactionData",
    )?;
    let min_resource_fee = match r.min_resource_fee.as_deref() {
        Some(s) => s
            .parse::<i64>()
            .map_err(|_| SdkError::Malformed(format!("minResourceFee {s:?}")))?,
        None => data.resource_fee,
    };
    let first = r.results.into_iter().next();
    let (auth, result) = match first {
        Some(res) => {
            let auth = res
                .auth
                .iter()
                .map(|a| from_b64(a, "auth entry"))
                .collect::<Result<Vec<SorobanAuthorizationEntry>>>()?;
            let result = res
                .xdr
                .as_deref()
                .map(|x| from_b64::<ScVal>(x, "result"))
                .transpose()?;
            (auth, result)
        }
        None => (Vec::new(), None),
    };
    Ok(Simulation {
        data,
        min_resource_fee,
        auth,
        result,
    })
}

/// Applies a simulation: the soroban data, the fee (base fee plus the resource fee), and the
/// recorded auth entries when `set_auth` (a re-simulation keeps the signed ones).
pub fn assemble(
    tx: &mut Transaction,
    sim: &Simulation,
    base_fee: u32,
    set_auth: bool,
) -> Result<()> {
    let fee = i64::from(base_fee)
        .checked_add(sim.min_resource_fee.max(sim.data.resource_fee))
        .and_then(|f| u32::try_from(f).ok())
        .ok_or_else(|| SdkError::Simulation("the fee does not fit in a u32".into()))?;
    if set_auth {
        invoke_op_mut(tx)?.auth = sim
            .auth
            .clone()
            .try_into()
            .map_err(|_| SdkError::Malformed("too many auth entries".into()))?;
    }
    tx.fee = fee;
    tx.ext = TransactionExt::V1(sim.data.clone());
    Ok(())
}

// ---------------------------------------------------------------- authorization

fn address_credentials(
    entry: &SorobanAuthorizationEntry,
) -> Option<&stellar_xdr::SorobanAddressCredentials> {
    match &entry.credentials {
        SorobanCredentials::Address(c) | SorobanCredentials::AddressV2(c) => Some(c),
        _ => None,
    }
}

/// Addresses (strkeys, in first-seen order, once each) whose auth entries in `tx` are not
/// signed yet: who still has to authorize.
pub fn unsigned_auth_addresses(tx: &Transaction) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if let Ok(op) = invoke_op(tx) {
        for entry in op.auth.iter() {
            if let Some(c) = address_credentials(entry) {
                let a = c.address.to_string();
                if c.signature == ScVal::Void && !out.contains(&a) {
                    out.push(a);
                }
            }
        }
    }
    out
}

/// Whether any auth entry is an address credential (the host checks its signature, so the
/// transaction must be re-simulated once it is signed to charge that work).
pub fn has_address_auth(tx: &Transaction) -> bool {
    invoke_op(tx).is_ok_and(|op| op.auth.iter().any(|e| address_credentials(e).is_some()))
}

/// The preimage an auth entry's signer signs (sha256 of its XDR): network id, nonce,
/// expiration ledger and invocation (and, for V2 credentials, the address).
pub fn auth_preimage(
    entry: &SorobanAuthorizationEntry,
    network_id: [u8; 32],
    expiration: u32,
) -> Result<HashIdPreimage> {
    match &entry.credentials {
        SorobanCredentials::Address(c) => Ok(HashIdPreimage::SorobanAuthorization(
            HashIdPreimageSorobanAuthorization {
                network_id: Hash(network_id),
                nonce: c.nonce,
                signature_expiration_ledger: expiration,
                invocation: entry.root_invocation.clone(),
            },
        )),
        SorobanCredentials::AddressV2(c) => Ok(HashIdPreimage::SorobanAuthorizationWithAddress(
            HashIdPreimageSorobanAuthorizationWithAddress {
                network_id: Hash(network_id),
                nonce: c.nonce,
                signature_expiration_ledger: expiration,
                address: c.address.clone(),
                invocation: entry.root_invocation.clone(),
            },
        )),
        _ => Err(SdkError::invalid(
            "auth entry",
            "only address credentials are signed by an address",
        )),
    }
}

/// The 32 bytes an auth entry signature covers.
pub fn auth_payload(preimage: &HashIdPreimage) -> Result<[u8; 32]> {
    let bytes = preimage
        .to_xdr(Limits::none())
        .map_err(|e| SdkError::xdr("auth preimage", e))?;
    Ok(sha256(&bytes))
}

/// The signature value of a classic account's auth entry: a vector of one map
/// `{public_key, signature}`.
pub fn account_signature_val(pk: &[u8; 32], sig: &[u8; 64]) -> Result<ScVal> {
    let bytes = |b: &[u8]| -> Result<ScVal> {
        Ok(ScVal::Bytes(
            b.to_vec()
                .try_into()
                .map_err(|_| SdkError::invalid("signature", "too long"))?,
        ))
    };
    let entry = struct_val(vec![("public_key", bytes(pk)?), ("signature", bytes(sig)?)])?;
    vec_val(vec![entry])
}

/// The indexes of the unsigned address-credential auth entries of the account `pk`.
pub fn auth_entries_of(tx: &Transaction, pk: &[u8; 32]) -> Vec<usize> {
    let Ok(op) = invoke_op(tx) else {
        return Vec::new();
    };
    op.auth
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            address_credentials(e).is_some_and(|c| {
                c.signature == ScVal::Void && account_key(&c.address).as_ref() == Some(pk)
            })
        })
        .map(|(i, _)| i)
        .collect()
}

/// Stores a signature into auth entry `index`, with the expiration it was made for.
pub fn set_auth_signature(
    tx: &mut Transaction,
    index: usize,
    expiration: u32,
    signature: ScVal,
) -> Result<()> {
    let op = invoke_op_mut(tx)?;
    let entry = op
        .auth
        .iter_mut()
        .nth(index)
        .ok_or_else(|| SdkError::invalid("auth entry", "index out of range"))?;
    match &mut entry.credentials {
        SorobanCredentials::Address(c) | SorobanCredentials::AddressV2(c) => {
            c.signature_expiration_ledger = expiration;
            c.signature = signature;
            Ok(())
        }
        _ => Err(SdkError::invalid("auth entry", "not an address credential")),
    }
}

/// Signs every unsigned auth entry of `key`'s account locally; returns how many.
pub fn sign_auth_entries_locally(
    tx: &mut Transaction,
    key: &SigningKey,
    network_id: [u8; 32],
    expiration: u32,
) -> Result<usize> {
    let pk = key.verifying_key().to_bytes();
    let indexes = auth_entries_of(tx, &pk);
    for &i in &indexes {
        let entry = invoke_op(tx)?.auth[i].clone();
        let payload = auth_payload(&auth_preimage(&entry, network_id, expiration)?)?;
        let sig = key.sign(&payload).to_bytes();
        set_auth_signature(tx, i, expiration, account_signature_val(&pk, &sig)?)?;
    }
    Ok(indexes.len())
}

// ---------------------------------------------------------------- envelope signatures

pub fn tx_hash(tx: &Transaction, network_id: [u8; 32]) -> Result<[u8; 32]> {
    tx.hash(network_id)
        .map_err(|e| SdkError::xdr("transaction", e))
}

pub fn decorated_signature(pk: &[u8; 32], sig: &[u8; 64]) -> Result<DecoratedSignature> {
    Ok(DecoratedSignature {
        hint: SignatureHint([pk[28], pk[29], pk[30], pk[31]]),
        signature: Signature(
            sig.to_vec()
                .try_into()
                .map_err(|_| SdkError::invalid("signature", "too long"))?,
        ),
    })
}

/// Adds `key`'s signature over the transaction hash to the envelope.
pub fn sign_envelope_locally(
    env: &mut TransactionV1Envelope,
    key: &SigningKey,
    network_id: [u8; 32],
) -> Result<()> {
    let hash = tx_hash(&env.tx, network_id)?;
    let pk = key.verifying_key().to_bytes();
    let sig = key.sign(&hash).to_bytes();
    let mut sigs = env.signatures.to_vec();
    sigs.push(decorated_signature(&pk, &sig)?);
    env.signatures = sigs
        .try_into()
        .map_err(|_| SdkError::invalid("transaction", "too many signatures"))?;
    Ok(())
}

pub fn verify(pk: &[u8; 32], message: &[u8], sig: &[u8]) -> bool {
    let Ok(sig) = ed25519_dalek::Signature::from_slice(sig) else {
        return false;
    };
    VerifyingKey::from_bytes(pk).is_ok_and(|k| k.verify(message, &sig).is_ok())
}

/// Whether the envelope carries a valid signature of `pk` over its transaction.
pub fn is_signed_by(env: &TransactionV1Envelope, pk: &[u8; 32], network_id: [u8; 32]) -> bool {
    let Ok(hash) = tx_hash(&env.tx, network_id) else {
        return false;
    };
    env.signatures
        .iter()
        .any(|s| s.hint.0 == pk[28..32] && verify(pk, &hash, s.signature.as_slice()))
}

// ---------------------------------------------------------------- results

/// The contract error code in a host error text, e.g. `HostError: Error(Contract, #119)`.
pub fn contract_error_in_text(text: &str) -> Option<u32> {
    let rest = &text[text.find("Error(Contract, #")? + "Error(Contract, #".len()..];
    let end = rest.find(|c: char| !c.is_ascii_digit())?;
    rest[..end].parse().ok()
}

/// The contract error code in a diagnostic event's topics or data (the host's `error`
/// events carry `Error(Contract, N)`).
pub fn contract_error_in_event(e: &DiagnosticEvent) -> Option<u32> {
    let ContractEventBody::V0(body) = &e.event.body;
    body.topics
        .iter()
        .chain(std::iter::once(&body.data))
        .find_map(|v| match v {
            ScVal::Error(ScError::Contract(code)) => Some(*code),
            _ => None,
        })
}

/// The first contract error among base64 diagnostic events.
pub fn contract_error_in_diagnostics(events: &[String]) -> Option<u32> {
    events
        .iter()
        .filter_map(|e| from_b64::<DiagnosticEvent>(e, "diagnostic event").ok())
        .find_map(|e| contract_error_in_event(&e))
}

/// The invocation's return value from a transaction's result meta.
pub fn return_value_from_meta(meta_b64: &str) -> Result<Option<ScVal>> {
    let meta: TransactionMeta = from_b64(meta_b64, "resultMetaXdr")?;
    Ok(match meta {
        TransactionMeta::V4(m) => m.soroban_meta.and_then(|s| s.return_value),
        TransactionMeta::V3(m) => m.soroban_meta.map(|s| s.return_value),
        _ => None,
    })
}

/// A short name for a transaction result: `TxBadSeq`, `TxFailed: InvokeHostFunction.Trapped`.
pub fn result_summary(result_b64: &str) -> String {
    let Ok(r) = from_b64::<TransactionResult>(result_b64, "result") else {
        return "unreadable result".into();
    };
    match &r.result {
        TransactionResultResult::TxFailed(ops) | TransactionResultResult::TxSuccess(ops) => {
            let op = ops
                .first()
                .map(|o| match o {
                    OperationResult::OpInner(OperationResultTr::InvokeHostFunction(i)) => {
                        format!("InvokeHostFunction.{}", i.name())
                    }
                    OperationResult::OpInner(tr) => tr.name().to_string(),
                    other => other.name().to_string(),
                })
                .unwrap_or_default();
            format!("{}: {op}", r.result.name())
        }
        other => other.name().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use stellar_xdr::{
        SorobanAddressCredentials, SorobanAuthorizedFunction, SorobanAuthorizedInvocation,
    };

    fn key(n: u8) -> SigningKey {
        SigningKey::from_bytes(&[n; 32])
    }

    fn contract() -> ScAddress {
        ScAddress::Contract(ContractId(Hash([7; 32])))
    }

    fn unsigned_entry(pk: &[u8; 32], nonce: i64) -> SorobanAuthorizationEntry {
        SorobanAuthorizationEntry {
            credentials: SorobanCredentials::Address(SorobanAddressCredentials {
                address: account_address(pk),
                nonce,
                signature_expiration_ledger: 0,
                signature: ScVal::Void,
            }),
            root_invocation: SorobanAuthorizedInvocation {
                function: SorobanAuthorizedFunction::ContractFn(InvokeContractArgs {
                    contract_address: contract(),
                    function_name: ScSymbol("approve".try_into().unwrap()),
                    args: vec![ScVal::U64(1)].try_into().unwrap(),
                }),
                sub_invocations: Default::default(),
            },
        }
    }

    #[test]
    fn the_native_asset_contract_is_derived_from_the_passphrase() {
        // The lumens' Stellar Asset Contract on the public test network, as published.
        assert_eq!(
            native_asset_contract_id("Test SDF Network ; September 2015").unwrap(),
            "CDLZFC3SYJYDZT7K67VZ75HPJVIEUVNIXF47ZG2FB2RMQQVU2HHGCYSC"
        );
    }

    #[test]
    fn contract_ids_are_known_before_the_contract_exists() {
        let pass = "Test SDF Network ; September 2015";
        let native = contract_address(pass, &ContractIdPreimage::Asset(Asset::Native)).unwrap();
        assert_eq!(native.to_string(), native_asset_contract_id(pass).unwrap());
        let deployer = account_address(&key(1).verifying_key().to_bytes());
        let a = contract_address(pass, &contract_preimage(&deployer, [1; 32])).unwrap();
        let b = contract_address(pass, &contract_preimage(&deployer, [2; 32])).unwrap();
        let c = contract_address("other", &contract_preimage(&deployer, [1; 32])).unwrap();
        assert!(a != b && a != c, "salt and network both change the id");
        assert!(matches!(
            create_contract(contract_preimage(&deployer, [1; 32]), [9; 32], vec![]).unwrap(),
            HostFunction::CreateContractV2(_)
        ));
    }

    #[test]
    fn strkeys_round_trip_and_bad_ones_are_typed_errors() {
        let k = key(1);
        let secret = secret_strkey(&k);
        assert!(secret.starts_with('S'));
        assert_eq!(parse_secret(&secret).unwrap().to_bytes(), k.to_bytes());
        let pk = k.verifying_key().to_bytes();
        let g = account_strkey(&pk);
        assert_eq!(parse_account(&g, "a").unwrap(), pk);
        assert_eq!(parse_secret("nope").unwrap_err().code(), "invalid_argument");
        assert_eq!(
            parse_account(&secret, "a").unwrap_err().code(),
            "invalid_argument"
        );
        let c = contract().to_string();
        assert!(parse_address(&c, "c").is_ok());
        assert!(parse_account(&c, "c").is_err());
    }

    #[test]
    fn structs_are_sorted_maps() {
        let v = struct_val(vec![("weight", ScVal::U32(1)), ("address", ScVal::Void)]).unwrap();
        let ScVal::Map(Some(m)) = &v else { panic!() };
        assert_eq!(m[0].key, sym("address").unwrap());
        assert_eq!(as_u32(field(&v, "weight").unwrap(), "w").unwrap(), 1);
        assert!(field(&v, "nope").is_err());
        assert_eq!(as_i128(&i128_val(-5), "x").unwrap(), -5);
        assert_eq!(
            as_i128(&i128_val(i128::MAX), "x").unwrap(),
            i128::MAX,
            "hi/lo split"
        );
    }

    #[test]
    fn auth_entries_are_found_signed_and_verifiable() {
        let submitter = key(1);
        let approver = key(2);
        let apk = approver.verifying_key().to_bytes();
        let hf = invoke_args(contract(), "approve", vec![ScVal::U64(1)]).unwrap();
        let mut tx = build_invoke(
            &submitter.verifying_key().to_bytes(),
            5,
            100,
            Some(1_000),
            hf,
        )
        .unwrap();
        let sim = Simulation {
            data: SorobanTransactionData {
                resource_fee: 1234,
                ..Default::default()
            },
            min_resource_fee: 1234,
            auth: vec![unsigned_entry(&apk, 42)],
            result: None,
        };
        assemble(&mut tx, &sim, 100, true).unwrap();
        assert_eq!(tx.fee, 1334);
        assert_eq!(unsigned_auth_addresses(&tx), vec![account_strkey(&apk)]);
        assert!(has_address_auth(&tx));
        let nid = network_id("Test SDF Network ; September 2015");
        assert_eq!(
            sign_auth_entries_locally(&mut tx, &submitter, nid, 99).unwrap(),
            0
        );
        assert_eq!(
            sign_auth_entries_locally(&mut tx, &approver, nid, 99).unwrap(),
            1
        );
        assert!(unsigned_auth_addresses(&tx).is_empty());
        // The stored signature verifies over the preimage with the stored expiration.
        let entry = invoke_op(&tx).unwrap().auth[0].clone();
        let SorobanCredentials::Address(c) = &entry.credentials else {
            panic!()
        };
        assert_eq!(c.signature_expiration_ledger, 99);
        let payload = auth_payload(&auth_preimage(&entry, nid, 99).unwrap()).unwrap();
        let sig_map = &as_vec(&c.signature, "sig").unwrap()[0];
        let ScVal::Bytes(sig) = field(sig_map, "signature").unwrap() else {
            panic!()
        };
        assert!(verify(&apk, &payload, sig.as_slice()));

        let mut env = unwrap(wrap(tx)).unwrap();
        assert!(!is_signed_by(
            &env,
            &submitter.verifying_key().to_bytes(),
            nid
        ));
        sign_envelope_locally(&mut env, &submitter, nid).unwrap();
        assert!(is_signed_by(
            &env,
            &submitter.verifying_key().to_bytes(),
            nid
        ));
        assert!(!is_signed_by(&env, &apk, nid));
        // The envelope survives base64.
        let b64 = to_b64(&TransactionEnvelope::Tx(env.clone()), "env").unwrap();
        let back = unwrap(from_b64(&b64, "env").unwrap()).unwrap();
        assert_eq!(back, env);
    }

    #[test]
    fn simulation_errors_become_contract_errors() {
        let v = serde_json::json!({
            "error": "HostError: Error(Contract, #119)\n\nEvent log (newest first): ...",
            "latestLedger": 5,
        });
        let e = parse_simulation(v, crate::error::escrow_error_name).unwrap_err();
        assert_eq!(
            e,
            SdkError::Contract {
                code: 119,
                name: "NotSigner",
                tx_hash: None
            }
        );
        let v = serde_json::json!({ "error": "Could not unmarshal transaction" });
        let e = parse_simulation(v, crate::error::escrow_error_name).unwrap_err();
        assert_eq!(e.code(), "simulation_failed");
        let v = serde_json::json!({ "results": "nope" });
        assert_eq!(
            parse_simulation(v, crate::error::escrow_error_name)
                .unwrap_err()
                .code(),
            "malformed_response"
        );
        assert_eq!(contract_error_in_text("Error(Contract, #7)"), Some(7));
        assert_eq!(contract_error_in_text("Error(Contract, #"), None);
        assert_eq!(contract_error_in_text("Error(WasmVm, InvalidAction)"), None);
    }

    #[test]
    fn garbage_xdr_is_an_error_not_a_panic() {
        assert_eq!(
            from_b64::<TransactionEnvelope>("!!!", "x")
                .unwrap_err()
                .code(),
            "invalid_xdr"
        );
        assert_eq!(
            from_b64::<TransactionEnvelope>("AAAA", "x")
                .unwrap_err()
                .code(),
            "invalid_xdr"
        );
        assert_eq!(result_summary("AAAA"), "unreadable result");
        assert!(return_value_from_meta("AAAA").is_err());
    }
}
