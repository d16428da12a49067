//! Owns the escrow contract's client: its entry points as methods (arguments as the
//! contract's `#[contracttype]`s, results decoded, errors named after its
//! `#[contracterror]` codes), and the multi-party approval flow.
//!
//! Objects that mirror contract types (`EscrowTerms`, `Escrow`) use the contract's field
//! names, as the events and the indexer do, so one vocabulary runs from the contract to the
//! app.

use std::rc::Rc;

use serde::Serialize;
use stellar_xdr::{ScAddress, ScVal};
use wasm_bindgen::prelude::*;

use crate::error::{escrow_error_name, Result, SdkError};
use crate::invoke::{InvokeOptions, Invoker, Pending, Submitted};
use crate::js;
use crate::rpc::{FetchTransport, RpcClient};
use crate::signer;
use crate::tx;

type JsResult = std::result::Result<JsValue, JsValue>;

pub(crate) fn invoke_options_from_js(v: &JsValue) -> Result<InvokeOptions> {
    let d = InvokeOptions::default();
    let get = |k: &'static str| js::opt_u32(&js::get(v, k), k);
    Ok(InvokeOptions {
        base_fee: get("baseFee")?.unwrap_or(d.base_fee),
        tx_timeout_secs: get("txTimeoutSecs")?.unwrap_or(d.tx_timeout_secs),
        poll_timeout_ms: get("pollTimeoutMs")?.unwrap_or(d.poll_timeout_ms),
        poll_interval_ms: get("pollIntervalMs")?.unwrap_or(d.poll_interval_ms),
        auth_validity_ledgers: get("authValidityLedgers")?.unwrap_or(d.auth_validity_ledgers),
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct InvokeResultJson<T: Serialize> {
    tx_hash: String,
    ledger: u32,
    value: T,
}

pub(crate) fn result_js<T: Serialize>(s: &Submitted, value: T) -> JsResult {
    Ok(js::to_js(&InvokeResultJson {
        tx_hash: s.hash.clone(),
        ledger: s.ledger,
        value,
    })?)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PendingJson<'a> {
    xdr: &'a str,
    pending_signers: &'a [String],
}

pub(crate) fn pending_js(p: &Pending) -> JsResult {
    Ok(js::to_js(&PendingJson {
        xdr: &p.xdr,
        pending_signers: &p.pending_signers,
    })?)
}

/// `EscrowTerms` from JavaScript to the contract's struct value.
fn terms_val(terms: &JsValue) -> Result<ScVal> {
    if !terms.is_object() {
        return Err(SdkError::invalid("terms", "expected an EscrowTerms object"));
    }
    let address = |k: &'static str| -> Result<ScVal> {
        Ok(ScVal::Address(tx::parse_address(
            &js::string(&js::get(terms, k), k)?,
            k,
        )?))
    };
    let amount = js::integer(&js::get(terms, "amount"), "amount")?;
    let signers_js = js::get(terms, "signers");
    if !js_sys::Array::is_array(&signers_js) {
        return Err(SdkError::invalid("signers", "expected an array"));
    }
    let signers = js_sys::Array::from(&signers_js)
        .iter()
        .map(|s| {
            let a = tx::parse_address(
                &js::string(&js::get(&s, "address"), "signers[].address")?,
                "signers[].address",
            )?;
            let w = js::u32_of(&js::get(&s, "weight"), "signers[].weight")?;
            tx::struct_val(vec![
                ("address", ScVal::Address(a)),
                ("weight", ScVal::U32(w)),
            ])
        })
        .collect::<Result<Vec<_>>>()?;
    let opt_u64 = |k: &'static str| -> Result<ScVal> {
        Ok(tx::option_val(
            js::opt_u64(&js::get(terms, k), k)?.map(ScVal::U64),
        ))
    };
    let arbitrator = js::opt_string(&js::get(terms, "arbitrator"), "arbitrator")?
        .map(|a| tx::parse_address(&a, "arbitrator").map(ScVal::Address))
        .transpose()?;
    tx::struct_val(vec![
        ("beneficiary", address("beneficiary")?),
        ("token", address("token")?),
        ("amount", tx::i128_val(amount)),
        ("signers", tx::vec_val(signers)?),
        (
            "threshold",
            ScVal::U32(js::u32_of(&js::get(terms, "threshold"), "threshold")?),
        ),
        ("release_after", opt_u64("release_after")?),
        ("refund_after", opt_u64("refund_after")?),
        ("arbitrator", tx::option_val(arbitrator)),
        (
            "course_id",
            ScVal::U64(js::u64_of(&js::get(terms, "course_id"), "course_id")?),
        ),
    ])
}

/// `Resolution` from JavaScript: `"ToBeneficiary"`, `"ToDepositor"` or `{ Split: bps }`.
fn resolution_val(v: &JsValue) -> Result<ScVal> {
    if let Some(s) = v.as_string() {
        return match s.as_str() {
            "ToBeneficiary" | "ToDepositor" => tx::vec_val(vec![tx::sym(&s)?]),
            _ => Err(SdkError::invalid("resolution", format!("unknown {s:?}"))),
        };
    }
    let bps = js::u32_of(&js::get(v, "Split"), "resolution.Split")?;
    tx::vec_val(vec![tx::sym("Split")?, ScVal::U32(bps)])
}

#[derive(Serialize)]
struct SignerJson {
    address: String,
    weight: u32,
}

/// The contract's `Escrow`, as JSON.
#[derive(Serialize)]
struct EscrowJson {
    id: u64,
    depositor: String,
    beneficiary: String,
    token: String,
    amount: String,
    signers: Vec<SignerJson>,
    threshold: u32,
    approvals: u32,
    approved_weight: u32,
    release_after: Option<u64>,
    refund_after: Option<u64>,
    arbitrator: Option<String>,
    course_id: u64,
    status: String,
    created_at: u64,
}

fn escrow_json(id: u64, v: &ScVal) -> Result<EscrowJson> {
    let f = |k: &str| tx::field(v, k);
    let opt_u64 = |k: &str| -> Result<Option<u64>> {
        tx::as_option(f(k)?).map(|x| tx::as_u64(x, k)).transpose()
    };
    let signers = tx::as_vec(f("signers")?, "signers")?
        .iter()
        .map(|s| {
            Ok(SignerJson {
                address: tx::as_address(tx::field(s, "address")?, "signer")?,
                weight: tx::as_u32(tx::field(s, "weight")?, "weight")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(EscrowJson {
        id,
        depositor: tx::as_address(f("depositor")?, "depositor")?,
        beneficiary: tx::as_address(f("beneficiary")?, "beneficiary")?,
        token: tx::as_address(f("token")?, "token")?,
        amount: tx::as_i128(f("amount")?, "amount")?.to_string(),
        signers,
        threshold: tx::as_u32(f("threshold")?, "threshold")?,
        approvals: tx::as_u32(f("approvals")?, "approvals")?,
        approved_weight: tx::as_u32(f("approved_weight")?, "approved_weight")?,
        release_after: opt_u64("release_after")?,
        refund_after: opt_u64("refund_after")?,
        arbitrator: tx::as_option(f("arbitrator")?)
            .map(|a| tx::as_address(a, "arbitrator"))
            .transpose()?,
        course_id: tx::as_u64(f("course_id")?, "course_id")?,
        status: tx::as_unit_variant(f("status")?, "status")?,
        created_at: tx::as_u64(f("created_at")?, "created_at")?,
    })
}

/// A client of one deployed TeachLink escrow contract.
#[wasm_bindgen]
pub struct EscrowClient {
    contract: ScAddress,
    invoker: Rc<Invoker<FetchTransport>>,
}

impl EscrowClient {
    async fn call(&self, function: &str, args: Vec<ScVal>, signer: &JsValue) -> Result<Submitted> {
        let kind = signer::resolve(signer)?;
        let source = kind.public_key().await?;
        self.invoker
            .invoke(&self.contract, function, args, &kind, &source)
            .await
    }

    /// A call whose first argument is the signer's own address.
    async fn call_as_signer(
        &self,
        function: &str,
        rest: Vec<ScVal>,
        signer: &JsValue,
    ) -> Result<Submitted> {
        let kind = signer::resolve(signer)?;
        let source = kind.public_key().await?;
        let mut args = vec![ScVal::Address(tx::account_address(&source))];
        args.extend(rest);
        self.invoker
            .invoke(&self.contract, function, args, &kind, &source)
            .await
    }

    /// `function(signer, escrowId)`, whose value is nothing: the signer's own step on
    /// one escrow.
    async fn on_escrow_as_signer(
        &self,
        function: &str,
        escrow_id: &JsValue,
        signer: &JsValue,
    ) -> JsResult {
        let id = js::u64_of(escrow_id, "escrowId")?;
        let s = self
            .call_as_signer(function, vec![ScVal::U64(id)], signer)
            .await?;
        result_js(&s, ())
    }
}

#[wasm_bindgen]
impl EscrowClient {
    /// `contractId`: the escrow contract (`C…`); `networkPassphrase`: the network the
    /// transactions are signed for (`rpc.getNetwork()` tells it).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = contractId)] contract_id: &str,
        rpc: &RpcClient,
        #[wasm_bindgen(js_name = networkPassphrase)] network_passphrase: String,
        #[wasm_bindgen(unchecked_optional_param_type = "InvokeOptions")] options: JsValue,
    ) -> std::result::Result<EscrowClient, JsValue> {
        let contract = tx::parse_address(contract_id, "contractId")?;
        if !matches!(contract, ScAddress::Contract(_)) {
            return Err(SdkError::invalid("contractId", "expected a contract (C…) strkey").into());
        }
        Ok(EscrowClient {
            contract,
            invoker: Rc::new(Invoker {
                rpc: rpc.inner.clone(),
                passphrase: network_passphrase,
                options: invoke_options_from_js(&options)?,
                error_name: escrow_error_name,
            }),
        })
    }

    #[wasm_bindgen(getter, js_name = contractId)]
    pub fn contract_id(&self) -> String {
        self.contract.to_string()
    }

    /// Opens an escrow as the signer (the depositor), moving `terms.amount` of
    /// `terms.token` into the contract. The value is the new escrow id.
    #[wasm_bindgen(unchecked_return_type = "InvokeResult<number>")]
    pub async fn create(
        &self,
        #[wasm_bindgen(unchecked_param_type = "EscrowTerms")] terms: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Signer")] signer: JsValue,
    ) -> JsResult {
        let terms = terms_val(&terms)?;
        let s = self.call_as_signer("create", vec![terms], &signer).await?;
        let id = match &s.value {
            Some(v) => tx::as_u64(v, "escrow id")?,
            None => return Err(SdkError::Malformed("create returned nothing".into()).into()),
        };
        result_js(&s, id)
    }

    /// Approves escrow `escrowId` as the signer, who also submits.
    #[wasm_bindgen(unchecked_return_type = "InvokeResult<null>")]
    pub async fn approve(
        &self,
        #[wasm_bindgen(js_name = escrowId, unchecked_param_type = "number | bigint")]
        escrow_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Signer")] signer: JsValue,
    ) -> JsResult {
        self.on_escrow_as_signer("approve", &escrow_id, &signer)
            .await
    }

    /// Pays the beneficiary; the signer must be the depositor, the beneficiary or a signer.
    #[wasm_bindgen(unchecked_return_type = "InvokeResult<null>")]
    pub async fn release(
        &self,
        #[wasm_bindgen(js_name = escrowId, unchecked_param_type = "number | bigint")]
        escrow_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Signer")] signer: JsValue,
    ) -> JsResult {
        self.on_escrow_as_signer("release", &escrow_id, &signer)
            .await
    }

    /// Returns the funds to the depositor after the refund time; the signer must be a party.
    #[wasm_bindgen(unchecked_return_type = "InvokeResult<null>")]
    pub async fn refund(
        &self,
        #[wasm_bindgen(js_name = escrowId, unchecked_param_type = "number | bigint")]
        escrow_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Signer")] signer: JsValue,
    ) -> JsResult {
        self.on_escrow_as_signer("refund", &escrow_id, &signer)
            .await
    }

    /// The depositor (the signer) takes the funds back while nobody has approved.
    #[wasm_bindgen(unchecked_return_type = "InvokeResult<null>")]
    pub async fn cancel(
        &self,
        #[wasm_bindgen(js_name = escrowId, unchecked_param_type = "number | bigint")]
        escrow_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Signer")] signer: JsValue,
    ) -> JsResult {
        let id = js::u64_of(&escrow_id, "escrowId")?;
        let s = self.call("cancel", vec![ScVal::U64(id)], &signer).await?;
        result_js(&s, ())
    }

    /// The depositor or the beneficiary (the signer) puts the escrow before its arbitrator.
    #[wasm_bindgen(unchecked_return_type = "InvokeResult<null>")]
    pub async fn dispute(
        &self,
        #[wasm_bindgen(js_name = escrowId, unchecked_param_type = "number | bigint")]
        escrow_id: JsValue,
        reason: String,
        #[wasm_bindgen(unchecked_param_type = "Signer")] signer: JsValue,
    ) -> JsResult {
        let id = js::u64_of(&escrow_id, "escrowId")?;
        let args = vec![ScVal::U64(id), tx::string_val(&reason, "reason")?];
        let s = self.call_as_signer("dispute", args, &signer).await?;
        result_js(&s, ())
    }

    /// The arbitrator (the signer) ends a dispute.
    #[wasm_bindgen(unchecked_return_type = "InvokeResult<null>")]
    pub async fn resolve(
        &self,
        #[wasm_bindgen(js_name = escrowId, unchecked_param_type = "number | bigint")]
        escrow_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Resolution")] resolution: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Signer")] signer: JsValue,
    ) -> JsResult {
        let id = js::u64_of(&escrow_id, "escrowId")?;
        let args = vec![ScVal::U64(id), resolution_val(&resolution)?];
        let s = self.call("resolve", args, &signer).await?;
        result_js(&s, ())
    }

    /// The escrow with this id (a simulation: nothing is signed or sent).
    #[wasm_bindgen(js_name = getEscrow, unchecked_return_type = "Escrow")]
    pub async fn get_escrow(
        &self,
        #[wasm_bindgen(js_name = escrowId, unchecked_param_type = "number | bigint")]
        escrow_id: JsValue,
    ) -> JsResult {
        let id = js::u64_of(&escrow_id, "escrowId")?;
        let hf = tx::invoke_args(self.contract.clone(), "escrow", vec![ScVal::U64(id)])?;
        let v = self.invoker.read(hf).await?;
        Ok(js::to_js(&escrow_json(id, &v)?)?)
    }

    /// The signers who have not approved yet, according to the contract.
    #[wasm_bindgen(js_name = pendingSigners, unchecked_return_type = "string[]")]
    pub async fn pending_signers(
        &self,
        #[wasm_bindgen(js_name = escrowId, unchecked_param_type = "number | bigint")]
        escrow_id: JsValue,
    ) -> JsResult {
        let id = js::u64_of(&escrow_id, "escrowId")?;
        let hf = tx::invoke_args(
            self.contract.clone(),
            "pending_signers",
            vec![ScVal::U64(id)],
        )?;
        let v = self.invoker.read(hf).await?;
        let list = tx::as_vec(&v, "pending signers")?
            .iter()
            .map(|a| tx::as_address(a, "pending signer"))
            .collect::<Result<Vec<_>>>()?;
        Ok(js::to_js(&list)?)
    }

    /// Multi-party approval, step 1: builds `approve(signer, escrowId)` submitted by
    /// `submitter`; `pendingSigners` lists who must still sign their auth entries (pass
    /// `xdr` to each, e.g. to a wallet), then `finish`.
    #[wasm_bindgen(js_name = buildApprove, unchecked_return_type = "PendingTransaction")]
    pub async fn build_approve(
        &self,
        signer: String,
        #[wasm_bindgen(js_name = escrowId, unchecked_param_type = "number | bigint")]
        escrow_id: JsValue,
        submitter: String,
    ) -> JsResult {
        let approver = tx::parse_address(&signer, "signer")?;
        let submitter = tx::parse_account(&submitter, "submitter")?;
        let id = js::u64_of(&escrow_id, "escrowId")?;
        let p = self
            .invoker
            .build(
                &self.contract,
                "approve",
                vec![ScVal::Address(approver), ScVal::U64(id)],
                &submitter,
            )
            .await?;
        pending_js(&p)
    }

    /// Multi-party, step 2: `signer` signs its auth entries in `xdr` (a Soroban
    /// authorization preimage per entry: network id, nonce, expiration ledger, invocation).
    #[wasm_bindgen(js_name = signAuthEntries, unchecked_return_type = "PendingTransaction")]
    pub async fn sign_auth_entries(
        &self,
        xdr: String,
        #[wasm_bindgen(unchecked_param_type = "Signer")] signer: JsValue,
    ) -> JsResult {
        let kind = signer::resolve(&signer)?;
        pending_js(&self.invoker.sign_auth_entries(&xdr, &kind).await?)
    }

    /// Multi-party, step 3: the submitter (the transaction source) signs and sends once
    /// every auth entry is signed (re-simulating to charge the signature checks).
    #[wasm_bindgen(unchecked_return_type = "InvokeResult<null>")]
    pub async fn finish(
        &self,
        xdr: String,
        #[wasm_bindgen(unchecked_param_type = "Signer")] submitter: JsValue,
    ) -> JsResult {
        let kind = signer::resolve(&submitter)?;
        let s = self.invoker.finish(&xdr, &kind).await?;
        result_js(&s, ())
    }
}
