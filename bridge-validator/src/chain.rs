//! Owns the daemon's view of one bridge deployment: reading its configuration, validator
//! records and completion markers (as ledger entries: the bridge keeps no views, to fit its
//! size budget), and submitting `complete`, `confirm_completed` and `slash` through the SDK's
//! transaction pipeline (simulate, assemble, sign, send, poll) on a native HTTP transport.

use std::rc::Rc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ed25519_dalek::SigningKey;
use serde_json::{json, Value};
use stellar_xdr::{
    ContractDataDurability, LedgerEntryData, LedgerKey, LedgerKeyContractData, ScAddress, ScVal,
};
use teachlink_sdk::invoke::{InvokeOptions, Invoker, Submitted};
use teachlink_sdk::rpc::{Rpc, RpcOptions, Transport};
use teachlink_sdk::signer::SignerKind;
use teachlink_sdk::{tx, SdkError};

use crate::digest::InboundMessage;
use crate::error::{Error, Result};
use crate::statement::Signed;

/// The bridge contract's error codes the daemon acts on (`teachlink_bridge::Error`).
pub mod codes {
    pub const PAUSED: u32 = 102;
    pub const VALIDATOR_NOT_ACTIVE: u32 = 115;
    pub const TRANSFER_NOT_FOUND: u32 = 127;
    pub const TRANSFER_NOT_PENDING: u32 = 128;
    pub const WRONG_DESTINATION: u32 = 130;
    pub const WRONG_TOKEN: u32 = 131;
    pub const MESSAGE_EXPIRED: u32 = 132;
    pub const ALREADY_COMPLETED: u32 = 133;
    pub const QUORUM_NOT_REACHED: u32 = 135;
    pub const INSUFFICIENT_LIQUIDITY: u32 = 136;
    pub const ALREADY_SLASHED: u32 = 140;
    pub const ACTIVE_SET_TOO_SMALL: u32 = 141;
    pub const WRONG_SOURCE_BRIDGE: u32 = 142;
}

/// The bridge contract's error names, for messages.
pub fn error_name(code: u32) -> &'static str {
    match code {
        101 => "Unauthorized",
        102 => "Paused",
        110 => "InvalidConfig",
        111 => "InvalidAmount",
        112 => "StakeTooLow",
        113 => "ValidatorExists",
        114 => "ValidatorNotFound",
        115 => "ValidatorNotActive",
        116 => "ValidatorAlreadyActive",
        117 => "ValidatorLeaving",
        118 => "TooManyValidators",
        119 => "NotUnbonding",
        120 => "UnbondingNotOver",
        121 => "UnsupportedChain",
        122 => "InvalidLimits",
        123 => "ChainPaused",
        124 => "TransferLimitExceeded",
        125 => "DailyLimitExceeded",
        126 => "InvalidRecipient",
        127 => "TransferNotFound",
        128 => "TransferNotPending",
        129 => "RefundTooEarly",
        130 => "WrongDestination",
        131 => "WrongToken",
        132 => "MessageExpired",
        133 => "AlreadyCompleted",
        134 => "DuplicateAttestation",
        135 => "QuorumNotReached",
        136 => "InsufficientLiquidity",
        137 => "EvidenceValidatorMismatch",
        138 => "NotConflicting",
        139 => "Overflow",
        140 => "AlreadySlashed",
        141 => "ActiveSetTooSmall",
        142 => "WrongSourceBridge",
        _ => "unknown",
    }
}

/// The contract error code of a failed call, if that is why it failed.
pub fn contract_code(e: &Error) -> Option<u32> {
    match e {
        Error::Sdk(SdkError::Contract { code, .. }) => Some(*code),
        _ => None,
    }
}

/// JSON-RPC over reqwest, with tokio's clock: the SDK's [`Transport`] outside a browser.
#[derive(Clone, Debug)]
pub struct HttpTransport {
    http: reqwest::Client,
}

impl HttpTransport {
    pub fn new() -> Result<Self> {
        let http = reqwest::Client::builder()
            .build()
            .map_err(|e| Error::Invalid(format!("HTTP client: {e}")))?;
        Ok(HttpTransport { http })
    }
}

impl Transport for HttpTransport {
    async fn post(
        &self,
        url: &str,
        body: &str,
        timeout_ms: u32,
    ) -> std::result::Result<(u16, String), String> {
        let request = self
            .http
            .post(url)
            .header("content-type", "application/json")
            .body(body.to_owned());
        send(request, timeout_ms).await
    }

    async fn get(&self, url: &str, timeout_ms: u32) -> std::result::Result<(u16, String), String> {
        send(self.http.get(url), timeout_ms).await
    }

    async fn sleep(&self, ms: u32) {
        tokio::time::sleep(Duration::from_millis(u64::from(ms))).await;
    }

    /// Wall-clock milliseconds: the SDK derives transaction time bounds from it.
    fn now_ms(&self) -> f64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    }
}

/// Sends with a timeout: the status and the body text, or why not.
async fn send(
    request: reqwest::RequestBuilder,
    timeout_ms: u32,
) -> std::result::Result<(u16, String), String> {
    let resp = request
        .timeout(Duration::from_millis(u64::from(timeout_ms)))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = resp.status().as_u16();
    let text = resp.text().await.map_err(|e| e.to_string())?;
    Ok((status, text))
}

/// A bridge's fixed settings that the daemon needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BridgeConfig {
    /// The carried token (C…).
    pub token: String,
    /// The chain id this bridge answers to.
    pub local_chain: u32,
}

/// One validator record as the bridge stores it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidatorRecord {
    pub signing_key: [u8; 32],
    pub stake: i128,
    /// `Inactive`, `Active`, `Unbonding` or `Slashed`.
    pub status: String,
}

/// One bridge contract on one network, acting as one account.
pub struct Bridge {
    invoker: Invoker<HttpTransport>,
    address: ScAddress,
    account: SigningKey,
}

impl Bridge {
    pub fn new(rpc_url: &str, passphrase: &str, bridge: &str, account: SigningKey) -> Result<Self> {
        let rpc = Rpc::new(rpc_url, HttpTransport::new()?, RpcOptions::default());
        Ok(Bridge {
            invoker: Invoker {
                rpc: Rc::new(rpc),
                passphrase: passphrase.to_string(),
                options: InvokeOptions::default(),
                error_name,
            },
            address: tx::parse_address(bridge, "bridge contract")?,
            account,
        })
    }

    pub fn address(&self) -> &ScAddress {
        &self.address
    }

    /// The bridge's 32-byte contract id, as inbound messages name their source bridge.
    pub fn id(&self) -> Result<[u8; 32]> {
        crate::digest::bridge_id(&self.address)
    }

    /// Refuses an RPC that serves another network than the configured passphrase.
    pub async fn check_network(&self) -> Result<()> {
        let network = self.invoker.rpc.get_network().await?;
        let served = network.get("passphrase").and_then(Value::as_str);
        if served != Some(self.invoker.passphrase.as_str()) {
            return Err(Error::Misconfigured(format!(
                "the RPC serves network {served:?}, configured {:?}",
                self.invoker.passphrase
            )));
        }
        Ok(())
    }

    /// The bridge's `Config`, read from its instance storage (`DataKey::Config`).
    pub async fn config(&self) -> Result<BridgeConfig> {
        let Some(ScVal::ContractInstance(instance)) =
            self.entry(ScVal::LedgerKeyContractInstance).await?
        else {
            return Err(Error::Invalid("the bridge has no contract instance".into()));
        };
        let key = tx::vec_val(vec![tx::sym("Config")?])?;
        let v = instance
            .storage
            .as_ref()
            .and_then(|m| m.iter().find(|e| e.key == key))
            .map(|e| &e.val)
            .ok_or_else(|| Error::Invalid("the bridge has no Config".into()))?;
        Ok(BridgeConfig {
            token: tx::as_address(tx::field(v, "token")?, "token")?,
            local_chain: tx::as_u32(tx::field(v, "local_chain")?, "local_chain")?,
        })
    }

    /// Whether this bridge released the transfer `nonce` of `source_bridge` on `source_chain`:
    /// its completion marker (`DataKey::Completed(chain, bridge, nonce)`) exists.
    pub async fn is_completed(
        &self,
        source_chain: u32,
        source_bridge: &[u8; 32],
        nonce: u64,
    ) -> Result<bool> {
        let key = tx::vec_val(vec![
            tx::sym("Completed")?,
            ScVal::U32(source_chain),
            ScVal::Bytes(
                source_bridge
                    .to_vec()
                    .try_into()
                    .map_err(|_| Error::Invalid("source bridge".into()))?,
            ),
            ScVal::U64(nonce),
        ])?;
        Ok(self.entry(key).await?.is_some())
    }

    /// The validator record of `validator` (G…), read from the bridge's persistent
    /// storage (`DataKey::Validator(address)`); `None` when it is not registered.
    pub async fn validator(&self, validator: &str) -> Result<Option<ValidatorRecord>> {
        let key = tx::vec_val(vec![
            tx::sym("Validator")?,
            ScVal::Address(tx::parse_address(validator, "validator")?),
        ])?;
        let Some(v) = self.entry(key).await? else {
            return Ok(None);
        };
        let v = &v;
        let signing_key = match tx::field(v, "signing_key")? {
            ScVal::Bytes(b) => <[u8; 32]>::try_from(b.as_slice())
                .map_err(|_| Error::Invalid("signing_key is not 32 bytes".into()))?,
            _ => return Err(Error::Invalid("signing_key is not bytes".into())),
        };
        Ok(Some(ValidatorRecord {
            signing_key,
            stake: tx::as_i128(tx::field(v, "stake")?, "stake")?,
            status: validator_status(tx::as_u32(tx::field(v, "status")?, "status")?)?.into(),
        }))
    }

    /// The value of this bridge's persistent entry `key` (instance storage is the entry
    /// `ScVal::LedgerKeyContractInstance`); `None` when there is none.
    async fn entry(&self, key: ScVal) -> Result<Option<ScVal>> {
        let key = LedgerKey::ContractData(LedgerKeyContractData {
            contract: self.address.clone(),
            key,
            durability: ContractDataDurability::Persistent,
        });
        let answer = self
            .invoker
            .rpc
            .call(
                "getLedgerEntries",
                json!({ "keys": [tx::to_b64(&key, "ledger key")?] }),
            )
            .await?;
        let Some(entry) = answer
            .get("entries")
            .and_then(Value::as_array)
            .and_then(|e| e.first())
        else {
            return Ok(None);
        };
        let xdr = entry
            .get("xdr")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::Invalid("ledger entry without xdr".into()))?;
        let LedgerEntryData::ContractData(data) =
            tx::from_b64::<LedgerEntryData>(xdr, "contract data entry")?
        else {
            return Err(Error::Invalid("the entry is not contract data".into()));
        };
        Ok(Some(data.val))
    }

    /// Releases `message` with `attestations` (all over that message).
    pub async fn complete(
        &self,
        message: &InboundMessage,
        attestations: &[Signed],
    ) -> Result<Submitted> {
        let args = vec![message.to_scval()?, attestation_vec(attestations)?];
        self.invoke("complete", args).await
    }

    /// Confirms the outbound transfer `nonce` of this bridge as completed elsewhere.
    pub async fn confirm_completed(
        &self,
        nonce: u64,
        attestations: &[Signed],
    ) -> Result<Submitted> {
        let args = vec![ScVal::U64(nonce), attestation_vec(attestations)?];
        self.invoke("confirm_completed", args).await
    }

    /// Submits equivocation evidence: two different inbound messages about one transfer,
    /// signed by one validator.
    pub async fn slash(&self, a: &Signed, b: &Signed) -> Result<Submitted> {
        let args = vec![evidence(a)?, evidence(b)?];
        self.invoke("slash", args).await
    }

    async fn invoke(&self, function: &str, args: Vec<ScVal>) -> Result<Submitted> {
        let source = self.account.verifying_key().to_bytes();
        let signer = SignerKind::Local(Box::new(self.account.clone()));
        Ok(self
            .invoker
            .invoke(&self.address, function, args, &signer, &source)
            .await?)
    }
}

/// The name of a stored `ValidatorStatus` (an integer enum in the contract).
pub fn validator_status(code: u32) -> Result<&'static str> {
    Ok(match code {
        0 => "Inactive",
        1 => "Active",
        2 => "Unbonding",
        3 => "Slashed",
        _ => return Err(Error::Invalid(format!("validator status {code}"))),
    })
}

fn attestation_vec(attestations: &[Signed]) -> Result<ScVal> {
    let items = attestations
        .iter()
        .map(|a| {
            Ok(tx::struct_val(vec![
                (
                    "validator",
                    ScVal::Address(tx::parse_address(&a.validator, "validator")?),
                ),
                ("signature", bytes_val(&a.signature)?),
            ])?)
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(tx::vec_val(items)?)
}

fn evidence(s: &Signed) -> Result<ScVal> {
    let crate::statement::Statement::Inbound { message } = &s.statement else {
        return Err(Error::Invalid(
            "only inbound messages can be equivocation evidence".into(),
        ));
    };
    Ok(tx::struct_val(vec![
        ("message", message.to_scval()?),
        (
            "validator",
            ScVal::Address(tx::parse_address(&s.validator, "validator")?),
        ),
        ("signature", bytes_val(&s.signature)?),
    ])?)
}

fn bytes_val(b: &[u8]) -> Result<ScVal> {
    Ok(ScVal::Bytes(
        b.to_vec()
            .try_into()
            .map_err(|_| Error::Invalid("bytes too long".into()))?,
    ))
}
