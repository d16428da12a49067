//! Owns the SDK's errors: one enum, each variant with a stable `code` string that JavaScript
//! sees as `error.code` on an ordinary `Error` (named `TeachLinkError`), plus the fields a
//! caller can act on (the contract error code, the transaction hash, who must still sign).

#[cfg(feature = "js-base")]
use wasm_bindgen::JsValue;

/// Every way an SDK call can fail.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SdkError {
    /// A caller-supplied value is not usable (a bad strkey, a negative amount, …).
    #[error("invalid {what}: {detail}")]
    InvalidArgument { what: &'static str, detail: String },
    /// XDR that does not parse, or a value that does not fit its XDR type.
    #[error("invalid XDR ({what}): {detail}")]
    Xdr { what: &'static str, detail: String },
    /// The RPC could not be reached (after the configured retries).
    #[error("cannot reach the RPC after {attempts} attempt(s): {detail}")]
    Transport { attempts: u32, detail: String },
    /// The RPC answered with a non-2xx HTTP status (after retries for 429 and 5xx).
    #[error("the RPC answered HTTP {status}")]
    Http { status: u16 },
    /// A JSON-RPC error object.
    #[error("RPC error {code}: {message}")]
    Rpc { code: i64, message: String },
    /// The RPC answered something that is not the documented shape.
    #[error("malformed RPC response: {0}")]
    Malformed(String),
    /// The transaction source does not exist (fund it first).
    #[error("account {0} does not exist on this network")]
    AccountNotFound(String),
    /// Simulation failed for a reason other than a contract error.
    #[error("simulation failed: {0}")]
    Simulation(String),
    /// The contract returned one of its `#[contracterror]` codes (or a token contract's).
    #[error("contract error {code} ({name})")]
    Contract {
        code: u32,
        name: &'static str,
        /// The transaction hash when the error happened on chain rather than in simulation.
        tx_hash: Option<String>,
    },
    /// sendTransaction refused the transaction (`status: ERROR`).
    #[error("the network rejected transaction {hash}: {result}")]
    Rejected { hash: String, result: String },
    /// The transaction was applied and failed.
    #[error("transaction {hash} failed: {result}")]
    Failed { hash: String, result: String },
    /// The transaction did not reach a final status in time.
    #[error("transaction {hash} is not final after {waited_ms} ms")]
    Timeout { hash: String, waited_ms: u64 },
    /// The wallet declined (the user said no, or the wallet reported an error).
    #[error("the wallet refused: {message}")]
    WalletRefused {
        message: String,
        wallet_code: Option<i64>,
    },
    /// The wallet answered something unusable (wrong transaction, bad signature, …).
    #[error("unusable wallet answer: {0}")]
    Wallet(String),
    /// The wallet is connected to another network.
    #[error("the wallet is on network {wallet:?}, the client on {expected:?}")]
    NetworkMismatch { expected: String, wallet: String },
    /// Auth entries of these addresses are not signed yet.
    #[error("authorization still missing from {}", .0.join(", "))]
    MissingAuthorization(Vec<String>),
    /// The signer has no unsigned auth entries in this transaction.
    #[error("{0} has no unsigned authorization entries in this transaction")]
    NothingToSign(String),
    /// The TeachLink server's REST API answered `{"error": {"code", "message"}}`.
    #[error("the indexer API answered HTTP {status} {code}: {message}")]
    Api {
        status: u16,
        code: String,
        message: String,
    },
    /// decodeEvents got input that is not getEvents JSON or a deployment.
    #[error("invalid events input: {0}")]
    Events(String),
    /// The light indexer's store (IndexedDB or memory) failed or refused.
    #[error("indexer store: {0}")]
    Store(String),
    /// The light indexer's sync gave up (the RPC, after retries; a refused deployment).
    #[error("sync: {0}")]
    Sync(String),
    /// A snapshot failed verification; nothing was imported.
    #[error("snapshot refused: {0}")]
    Snapshot(String),
}

impl SdkError {
    /// The stable code JavaScript matches on (`error.code`).
    pub fn code(&self) -> &'static str {
        match self {
            SdkError::InvalidArgument { .. } => "invalid_argument",
            SdkError::Xdr { .. } => "invalid_xdr",
            SdkError::Transport { .. } => "transport",
            SdkError::Http { .. } => "http_status",
            SdkError::Rpc { .. } => "rpc_error",
            SdkError::Malformed(_) => "malformed_response",
            SdkError::AccountNotFound(_) => "account_not_found",
            SdkError::Simulation(_) => "simulation_failed",
            SdkError::Contract { .. } => "contract_error",
            SdkError::Rejected { .. } => "transaction_rejected",
            SdkError::Failed { .. } => "transaction_failed",
            SdkError::Timeout { .. } => "timeout",
            SdkError::WalletRefused { .. } => "wallet_refused",
            SdkError::Wallet(_) => "wallet_error",
            SdkError::NetworkMismatch { .. } => "network_mismatch",
            SdkError::MissingAuthorization(_) => "missing_authorization",
            SdkError::NothingToSign(_) => "nothing_to_sign",
            SdkError::Events(_) => "invalid_events",
            SdkError::Api { .. } => "api_error",
            SdkError::Store(_) => "store_error",
            SdkError::Sync(_) => "sync_error",
            SdkError::Snapshot(_) => "snapshot_refused",
        }
    }

    /// Whether retrying the same request may help.
    pub fn is_retryable(&self) -> bool {
        match self {
            SdkError::Transport { .. } => true,
            SdkError::Http { status } | SdkError::Api { status, .. } => {
                *status == 429 || *status >= 500
            }
            SdkError::Rpc { code, .. } => *code == -32603,
            _ => false,
        }
    }

    pub(crate) fn invalid(what: &'static str, detail: impl Into<String>) -> Self {
        SdkError::InvalidArgument {
            what,
            detail: detail.into(),
        }
    }

    pub(crate) fn xdr(what: &'static str, detail: impl ToString) -> Self {
        SdkError::Xdr {
            what,
            detail: detail.to_string(),
        }
    }

    /// The JavaScript `Error`: `name` `TeachLinkError`, `message`, `code`, and the extra
    /// fields of the variant. Only callable where JavaScript runs.
    #[cfg(feature = "js-base")]
    pub fn to_js(&self) -> JsValue {
        let err = js_sys::Error::new(&self.to_string());
        err.set_name("TeachLinkError");
        let set = |k: &str, v: JsValue| {
            // Setting a property on a fresh Error object cannot fail.
            let _ = js_sys::Reflect::set(&err, &JsValue::from_str(k), &v);
        };
        set("code", JsValue::from_str(self.code()));
        match self {
            SdkError::Transport { attempts, .. } => set("attempts", (*attempts).into()),
            SdkError::Http { status } => set("status", (*status).into()),
            SdkError::Api { status, code, .. } => {
                set("status", (*status).into());
                set("apiCode", JsValue::from_str(code));
            }
            SdkError::Rpc { code, .. } => set("rpcCode", (*code as f64).into()),
            SdkError::Contract {
                code,
                name,
                tx_hash,
            } => {
                set("contractCode", (*code).into());
                set("contractError", JsValue::from_str(name));
                if let Some(h) = tx_hash {
                    set("txHash", JsValue::from_str(h));
                }
            }
            SdkError::Rejected { hash, result } | SdkError::Failed { hash, result } => {
                set("txHash", JsValue::from_str(hash));
                set("result", JsValue::from_str(result));
            }
            SdkError::Timeout { hash, .. } => set("txHash", JsValue::from_str(hash)),
            SdkError::WalletRefused {
                wallet_code: Some(c),
                ..
            } => set("walletCode", (*c as f64).into()),
            SdkError::MissingAuthorization(addresses) => {
                let list: js_sys::Array = addresses.iter().map(|a| JsValue::from_str(a)).collect();
                set("pendingSigners", list.into());
            }
            _ => {}
        }
        err.into()
    }
}

#[cfg(feature = "js-base")]
impl From<SdkError> for JsValue {
    fn from(e: SdkError) -> JsValue {
        e.to_js()
    }
}

pub type Result<T, E = SdkError> = std::result::Result<T, E>;

/// The names of the contract error codes a TeachLink escrow call can return: the shared
/// TeachLink codes (101 to 106), the escrow's own (from 110, `contracts/escrow/src/error.rs`),
/// and the Stellar Asset Contract's (1 to 15), which reach the caller unchanged when a token
/// transfer fails inside the call.
pub fn escrow_error_name(code: u32) -> &'static str {
    match code {
        110 => "EscrowNotFound",
        111 => "InvalidAmount",
        112 => "InvalidSignerCount",
        113 => "DuplicateSigner",
        114 => "InvalidWeight",
        115 => "InvalidThreshold",
        116 => "InvalidDeadlines",
        117 => "InvalidParties",
        118 => "NotOpen",
        119 => "NotSigner",
        120 => "AlreadyApproved",
        121 => "ThresholdNotMet",
        122 => "ReleaseTooEarly",
        123 => "RefundTooEarly",
        124 => "AlreadyHasApprovals",
        125 => "NoArbitrator",
        126 => "NotDisputed",
        127 => "InvalidSplit",
        128 => "ReasonTooLong",
        129 => "Overflow",
        130 => "ThresholdReached",
        131 => "InvalidDisputeTimeout",
        132 => "DisputeNotExpired",
        133 => "DisputeExpired",
        134 => "NothingReceived",
        other => shared_error_name(other).unwrap_or_else(|| token_error_name(other)),
    }
}

/// The content contract's error names (`contracts/content/src/error.rs`).
pub fn content_error_name(code: u32) -> &'static str {
    match code {
        110 => "TokenNotFound",
        111 => "NotOwner",
        112 => "NotTransferable",
        113 => "SelfTransfer",
        114 => "NotApproved",
        115 => "ApprovalExpired",
        116 => "InvalidExpiration",
        117 => "InvalidSpender",
        118 => "NotCreator",
        119 => "NothingToUpdate",
        120 => "InvalidTitle",
        121 => "InvalidUri",
        122 => "TooManyTags",
        123 => "InvalidRoyalty",
        124 => "InvalidPrice",
        125 => "InvalidLimit",
        126 => "Overflow",
        other => shared_error_name(other).unwrap_or("Unknown"),
    }
}

/// The reputation contract's error names (`contracts/reputation/src/error.rs`).
pub fn reputation_error_name(code: u32) -> &'static str {
    match code {
        110 => "InvalidScore",
        111 => "SelfCompletion",
        112 => "AlreadyCompleted",
        113 => "ContributionNotFound",
        114 => "InvalidRating",
        115 => "SelfRating",
        116 => "AlreadyRated",
        117 => "Overflow",
        118 => "RaterNotEligible",
        119 => "CourseNotBound",
        120 => "NotCourseIssuer",
        121 => "CompletionNotFound",
        other => shared_error_name(other).unwrap_or("Unknown"),
    }
}

/// The rewards contract's error names (`contracts/rewards/src/error.rs`), and the token
/// contract's, which reach the caller of `fund` and `claim` unchanged.
pub fn rewards_error_name(code: u32) -> &'static str {
    match code {
        110 => "InvalidAmount",
        111 => "InsufficientFunds",
        112 => "InsufficientPool",
        113 => "NothingToClaim",
        114 => "InvalidLearner",
        115 => "Overflow",
        116 => "AllowanceExceeded",
        117 => "RevokeExceedsUnclaimed",
        other => shared_error_name(other).unwrap_or_else(|| token_error_name(other)),
    }
}

/// The codes every TeachLink contract shares (`teachlink_common::CommonError`: 101 to
/// 106): the access, pause and timelock refusals.
pub fn shared_error_name(code: u32) -> Option<&'static str> {
    Some(match code {
        101 => "Unauthorized",
        102 => "Paused",
        103 => "NotProposed",
        104 => "TimelockNotReady",
        105 => "AlreadyProposed",
        106 => "InvalidDelay",
        _ => return None,
    })
}

/// The Stellar Asset Contract's error codes (soroban-env-host 27's `ContractError`).
pub fn token_error_name(code: u32) -> &'static str {
    match code {
        2 => "TokenOperationNotSupported",
        3 => "TokenAlreadyInitialized",
        4 => "TokenUnauthorized",
        5 => "TokenAuthentication",
        6 => "TokenAccountMissing",
        7 => "TokenAccountIsNotClassic",
        8 => "TokenNegativeAmount",
        9 => "TokenAllowance",
        10 => "TokenBalance",
        11 => "TokenBalanceDeauthorized",
        12 => "TokenOverflow",
        13 => "TokenTrustlineMissing",
        14 => "TokenInsufficientAccountReserve",
        15 => "TokenTooManyAccountSubentries",
        _ => "Unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(name, code)` of every variant of a `#[contracterror]` enum in `src`.
    fn contract_codes(src: &str) -> Vec<(&str, u32)> {
        src.lines()
            .filter_map(|line| {
                let (name, code) = line.trim().split_once(" = ")?;
                Some((name, code.trim_end_matches(',').parse::<u32>().ok()?))
            })
            .collect()
    }

    /// Each table above must name every variant of its contract's `#[contracterror]` enum
    /// with its code: read the contract sources, as they are the one truth.
    #[test]
    fn error_names_match_the_contract_sources() {
        type Table = (&'static str, &'static str, fn(u32) -> &'static str, usize);
        let tables: [Table; 4] = [
            (
                "escrow",
                include_str!("../../contracts/escrow/src/error.rs"),
                escrow_error_name,
                20,
            ),
            (
                "content",
                include_str!("../../contracts/content/src/error.rs"),
                content_error_name,
                19,
            ),
            (
                "reputation",
                include_str!("../../contracts/reputation/src/error.rs"),
                reputation_error_name,
                10,
            ),
            (
                "rewards",
                include_str!("../../contracts/rewards/src/error.rs"),
                rewards_error_name,
                8,
            ),
        ];
        for (contract, src, name_of, at_least) in tables {
            let codes = contract_codes(src);
            assert!(
                codes.len() >= at_least,
                "{contract}: parsed only {} codes",
                codes.len()
            );
            for (name, code) in codes {
                assert_eq!(name_of(code), name, "{contract} code {code}");
            }
            assert_eq!(name_of(999), "Unknown", "{contract}");
        }
        assert_eq!(escrow_error_name(10), "TokenBalance");
        assert_eq!(rewards_error_name(10), "TokenBalance");
    }

    #[test]
    fn codes_are_stable_and_retryability_is_transport_only() {
        assert_eq!(
            SdkError::WalletRefused {
                message: "no".into(),
                wallet_code: None
            }
            .code(),
            "wallet_refused"
        );
        assert!(SdkError::Transport {
            attempts: 1,
            detail: String::new()
        }
        .is_retryable());
        assert!(SdkError::Http { status: 503 }.is_retryable());
        assert!(!SdkError::Http { status: 400 }.is_retryable());
        assert!(!SdkError::Rpc {
            code: -32602,
            message: String::new()
        }
        .is_retryable());
    }
}
