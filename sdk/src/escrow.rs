//! Owns the escrow contract's client: its entry points as methods of [`EscrowContract`]
//! (arguments as the contract's `#[contracttype]`s, results decoded, errors named after its
//! `#[contracterror]` codes), the multi-party approval flow, and the JavaScript class
//! `EscrowClient` over it (feature `js`).
//!
//! Types that mirror contract types ([`EscrowTerms`], [`EscrowInfo`]) use the contract's
//! field names, as the events and the indexer do, so one vocabulary runs from the contract
//! to the app.

use std::rc::Rc;

use serde::Serialize;
use stellar_xdr::{ScAddress, ScVal};

use crate::error::{escrow_error_name, Result};
use crate::invoke::{Contract, InvokeOptions, Invoked, Pending};
use crate::rpc::{FetchTransport, Rpc, Transport};
use crate::signer::SignerKind;
use crate::tx;

#[cfg(feature = "clients-js")]
pub use self::bindings::EscrowClient;

/// One approver of an escrow and the weight of its approval.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EscrowSigner {
    /// A `G…` or `C…` strkey.
    pub address: String,
    pub weight: u32,
}

/// The contract's `EscrowTerms`: what a depositor opens an escrow with (addresses as
/// strkeys, times as UNIX seconds, the amount in the token's smallest unit).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EscrowTerms {
    pub beneficiary: String,
    pub token: String,
    pub amount: i128,
    pub signers: Vec<EscrowSigner>,
    pub threshold: u32,
    pub release_after: Option<u64>,
    pub refund_after: Option<u64>,
    pub arbitrator: Option<String>,
    /// Seconds the arbitrator has to resolve a dispute before either party may settle it
    /// by default: 1 to 180 days with an arbitrator, 0 without.
    pub dispute_timeout: u64,
    pub course_id: u64,
}

impl EscrowTerms {
    /// The contract's struct value; a strkey that does not parse is an `invalid_argument`
    /// named after its field.
    pub fn to_val(&self) -> Result<ScVal> {
        let address = |s: &str, what: &'static str| -> Result<ScVal> {
            Ok(ScVal::Address(tx::parse_address(s, what)?))
        };
        let signers = self
            .signers
            .iter()
            .map(|s| {
                tx::struct_val(vec![
                    ("address", address(&s.address, "signers[].address")?),
                    ("weight", ScVal::U32(s.weight)),
                ])
            })
            .collect::<Result<Vec<_>>>()?;
        let arbitrator = self
            .arbitrator
            .as_deref()
            .map(|a| address(a, "arbitrator"))
            .transpose()?;
        tx::struct_val(vec![
            ("beneficiary", address(&self.beneficiary, "beneficiary")?),
            ("token", address(&self.token, "token")?),
            ("amount", tx::i128_val(self.amount)),
            ("signers", tx::vec_val(signers)?),
            ("threshold", ScVal::U32(self.threshold)),
            (
                "release_after",
                tx::option_val(self.release_after.map(ScVal::U64)),
            ),
            (
                "refund_after",
                tx::option_val(self.refund_after.map(ScVal::U64)),
            ),
            ("arbitrator", tx::option_val(arbitrator)),
            ("dispute_timeout", ScVal::U64(self.dispute_timeout)),
            ("course_id", ScVal::U64(self.course_id)),
        ])
    }
}

/// How the arbitrator ends a dispute (the contract's `Resolution`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolution {
    ToBeneficiary,
    ToDepositor,
    /// This many basis points to the beneficiary, the rest back to the depositor.
    Split(u32),
}

impl Resolution {
    pub fn to_val(self) -> Result<ScVal> {
        match self {
            Resolution::ToBeneficiary => tx::vec_val(vec![tx::sym("ToBeneficiary")?]),
            Resolution::ToDepositor => tx::vec_val(vec![tx::sym("ToDepositor")?]),
            Resolution::Split(bps) => tx::vec_val(vec![tx::sym("Split")?, ScVal::U32(bps)]),
        }
    }
}

/// The contract's `Escrow`, read back (JavaScript's `Escrow` is this serialized).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EscrowInfo {
    pub id: u64,
    pub depositor: String,
    pub beneficiary: String,
    pub token: String,
    /// i128 as a decimal string, which JavaScript numbers cannot hold.
    pub amount: String,
    pub signers: Vec<EscrowSigner>,
    pub threshold: u32,
    pub approvals: u32,
    pub approved_weight: u32,
    pub release_after: Option<u64>,
    pub refund_after: Option<u64>,
    pub arbitrator: Option<String>,
    pub dispute_timeout: u64,
    /// Set by a dispute: from then on the arbitrator can no longer resolve and either
    /// party may settle.
    pub dispute_deadline: Option<u64>,
    pub course_id: u64,
    pub status: String,
    pub created_at: u64,
}

fn escrow_info(id: u64, v: &ScVal) -> Result<EscrowInfo> {
    let f = |k: &str| tx::field(v, k);
    let opt_u64 = |k: &str| -> Result<Option<u64>> {
        tx::as_option(f(k)?).map(|x| tx::as_u64(x, k)).transpose()
    };
    let signers = tx::as_vec(f("signers")?, "signers")?
        .iter()
        .map(|s| {
            Ok(EscrowSigner {
                address: tx::as_address(tx::field(s, "address")?, "signer")?,
                weight: tx::as_u32(tx::field(s, "weight")?, "weight")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(EscrowInfo {
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
        dispute_timeout: tx::as_u64(f("dispute_timeout")?, "dispute_timeout")?,
        dispute_deadline: opt_u64("dispute_deadline")?,
        course_id: tx::as_u64(f("course_id")?, "course_id")?,
        status: tx::as_unit_variant(f("status")?, "status")?,
        created_at: tx::as_u64(f("created_at")?, "created_at")?,
    })
}

/// One deployed TeachLink escrow contract: each write signed and sent by the `signer`
/// passed, who is the transaction source.
pub struct EscrowContract<T: Transport = FetchTransport> {
    contract: Contract<T>,
}

impl<T: Transport> EscrowContract<T> {
    /// `contract_id`: the escrow contract (`C…`); `passphrase`: the network the
    /// transactions are signed for.
    pub fn new(
        contract_id: &str,
        rpc: Rc<Rpc<T>>,
        passphrase: String,
        options: InvokeOptions,
    ) -> Result<Self> {
        Ok(EscrowContract {
            contract: Contract::new(contract_id, rpc, passphrase, options, escrow_error_name)?,
        })
    }

    pub fn address(&self) -> &ScAddress {
        self.contract.address()
    }

    /// `function(signer, escrow_id)`, whose value is nothing: the signer's own step on one
    /// escrow.
    async fn on_escrow_as_signer(
        &self,
        function: &str,
        escrow_id: u64,
        signer: &SignerKind,
    ) -> Result<Invoked<()>> {
        let s = self
            .contract
            .call(function, true, vec![ScVal::U64(escrow_id)], signer)
            .await?;
        Ok(s.unit())
    }

    /// Opens an escrow as the signer (the depositor), moving `terms.amount` of
    /// `terms.token` into the contract. The value is the new escrow id.
    pub async fn create(&self, terms: &EscrowTerms, signer: &SignerKind) -> Result<Invoked<u64>> {
        let s = self
            .contract
            .call("create", true, vec![terms.to_val()?], signer)
            .await?;
        s.read_value("create", |v| tx::as_u64(v, "escrow id"))
    }

    /// Approves the escrow as the signer, who also submits.
    pub async fn approve(&self, escrow_id: u64, signer: &SignerKind) -> Result<Invoked<()>> {
        self.on_escrow_as_signer("approve", escrow_id, signer).await
    }

    /// Pays the beneficiary; the signer must be the depositor, the beneficiary or a signer.
    pub async fn release(&self, escrow_id: u64, signer: &SignerKind) -> Result<Invoked<()>> {
        self.on_escrow_as_signer("release", escrow_id, signer).await
    }

    /// Returns the funds to the depositor after the refund time; the signer must be a party.
    pub async fn refund(&self, escrow_id: u64, signer: &SignerKind) -> Result<Invoked<()>> {
        self.on_escrow_as_signer("refund", escrow_id, signer).await
    }

    /// The depositor (the signer) takes the funds back while nobody has approved.
    pub async fn cancel(&self, escrow_id: u64, signer: &SignerKind) -> Result<Invoked<()>> {
        let s = self
            .contract
            .call("cancel", false, vec![ScVal::U64(escrow_id)], signer)
            .await?;
        Ok(s.unit())
    }

    /// The depositor or the beneficiary (the signer) puts the escrow before its arbitrator.
    pub async fn dispute(
        &self,
        escrow_id: u64,
        reason: &str,
        signer: &SignerKind,
    ) -> Result<Invoked<()>> {
        let args = vec![ScVal::U64(escrow_id), tx::string_val(reason, "reason")?];
        Ok(self
            .contract
            .call("dispute", true, args, signer)
            .await?
            .unit())
    }

    /// The arbitrator (the signer) ends a dispute.
    pub async fn resolve(
        &self,
        escrow_id: u64,
        resolution: Resolution,
        signer: &SignerKind,
    ) -> Result<Invoked<()>> {
        let args = vec![ScVal::U64(escrow_id), resolution.to_val()?];
        Ok(self
            .contract
            .call("resolve", false, args, signer)
            .await?
            .unit())
    }

    /// After a dispute's deadline, the depositor or the beneficiary (the signer) applies
    /// the default outcome: all to the beneficiary if the approvals reached the threshold,
    /// otherwise all back to the depositor.
    pub async fn settle_dispute(&self, escrow_id: u64, signer: &SignerKind) -> Result<Invoked<()>> {
        self.on_escrow_as_signer("settle_dispute", escrow_id, signer)
            .await
    }

    /// The escrow with this id (a simulation: nothing is signed or sent).
    pub async fn escrow(&self, escrow_id: u64) -> Result<EscrowInfo> {
        let v = self
            .contract
            .read("escrow", vec![ScVal::U64(escrow_id)])
            .await?;
        escrow_info(escrow_id, &v)
    }

    /// The signers who have not approved yet, according to the contract.
    pub async fn pending_signers(&self, escrow_id: u64) -> Result<Vec<String>> {
        let v = self
            .contract
            .read("pending_signers", vec![ScVal::U64(escrow_id)])
            .await?;
        tx::as_vec(&v, "pending signers")?
            .iter()
            .map(|a| tx::as_address(a, "pending signer"))
            .collect()
    }

    /// Multi-party approval, step 1: builds `approve(approver, escrow_id)` submitted by
    /// `submitter` (strkeys); `pending_signers` lists who must still sign their auth
    /// entries ([`Self::sign_auth_entries`]), then [`Self::finish`].
    pub async fn build_approve(
        &self,
        approver: &str,
        escrow_id: u64,
        submitter: &str,
    ) -> Result<Pending> {
        let approver = tx::parse_address(approver, "signer")?;
        let submitter = tx::parse_account(submitter, "submitter")?;
        self.contract
            .invoker()
            .build(
                self.contract.address(),
                "approve",
                vec![ScVal::Address(approver), ScVal::U64(escrow_id)],
                &submitter,
            )
            .await
    }

    /// Multi-party, step 2: `signer` signs its auth entries in `xdr` (a Soroban
    /// authorization preimage per entry: network id, nonce, expiration ledger, invocation).
    pub async fn sign_auth_entries(&self, xdr: &str, signer: &SignerKind) -> Result<Pending> {
        self.contract.invoker().sign_auth_entries(xdr, signer).await
    }

    /// Multi-party, step 3: the submitter (the transaction source) signs and sends once
    /// every auth entry is signed (re-simulating to charge the signature checks).
    pub async fn finish(&self, xdr: &str, submitter: &SignerKind) -> Result<Invoked<()>> {
        Ok(self.contract.invoker().finish(xdr, submitter).await?.unit())
    }
}

/// Owns the JavaScript class `EscrowClient`: JavaScript arguments read into the Rust types
/// above, [`EscrowContract`] called, results and errors handed back as JavaScript values.
#[cfg(feature = "clients-js")]
mod bindings {
    use wasm_bindgen::prelude::*;

    use super::{EscrowContract, EscrowSigner, EscrowTerms, Resolution};
    use crate::error::{Result, SdkError};
    use crate::invoke::{invoked_js, options_from_js, pending_js};
    use crate::js;
    use crate::rpc::RpcClient;
    use crate::signer;

    type JsResult = std::result::Result<JsValue, JsValue>;

    /// `EscrowTerms` from JavaScript.
    fn terms_from_js(terms: &JsValue) -> Result<EscrowTerms> {
        if !terms.is_object() {
            return Err(SdkError::invalid("terms", "expected an EscrowTerms object"));
        }
        let field = |k: &str| js::get(terms, k);
        let signers_js = field("signers");
        if !js_sys::Array::is_array(&signers_js) {
            return Err(SdkError::invalid("signers", "expected an array"));
        }
        let signers = js_sys::Array::from(&signers_js)
            .iter()
            .map(|s| {
                Ok(EscrowSigner {
                    address: js::string(&js::get(&s, "address"), "signers[].address")?,
                    weight: js::u32_of(&js::get(&s, "weight"), "signers[].weight")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(EscrowTerms {
            beneficiary: js::string(&field("beneficiary"), "beneficiary")?,
            token: js::string(&field("token"), "token")?,
            amount: js::integer(&field("amount"), "amount")?,
            signers,
            threshold: js::u32_of(&field("threshold"), "threshold")?,
            release_after: js::opt_u64(&field("release_after"), "release_after")?,
            refund_after: js::opt_u64(&field("refund_after"), "refund_after")?,
            arbitrator: js::opt_string(&field("arbitrator"), "arbitrator")?,
            dispute_timeout: js::opt_u64(&field("dispute_timeout"), "dispute_timeout")?
                .unwrap_or(0),
            course_id: js::u64_of(&field("course_id"), "course_id")?,
        })
    }

    /// `Resolution` from JavaScript: `"ToBeneficiary"`, `"ToDepositor"` or `{ Split: bps }`.
    fn resolution_from_js(v: &JsValue) -> Result<Resolution> {
        if let Some(s) = v.as_string() {
            return match s.as_str() {
                "ToBeneficiary" => Ok(Resolution::ToBeneficiary),
                "ToDepositor" => Ok(Resolution::ToDepositor),
                _ => Err(SdkError::invalid("resolution", format!("unknown {s:?}"))),
            };
        }
        Ok(Resolution::Split(js::u32_of(
            &js::get(v, "Split"),
            "resolution.Split",
        )?))
    }

    fn id_of(v: &JsValue) -> Result<u64> {
        js::u64_of(v, "escrowId")
    }

    /// A client of one deployed TeachLink escrow contract.
    #[wasm_bindgen]
    pub struct EscrowClient {
        inner: EscrowContract,
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
            let options = options_from_js(&options)?;
            Ok(EscrowClient {
                inner: EscrowContract::new(
                    contract_id,
                    rpc.inner.clone(),
                    network_passphrase,
                    options,
                )?,
            })
        }

        #[wasm_bindgen(getter, js_name = contractId)]
        pub fn contract_id(&self) -> String {
            self.inner.address().to_string()
        }

        /// Opens an escrow as the signer (the depositor), moving `terms.amount` of
        /// `terms.token` into the contract. The value is the new escrow id.
        #[wasm_bindgen(unchecked_return_type = "InvokeResult<number>")]
        pub async fn create(
            &self,
            #[wasm_bindgen(unchecked_param_type = "EscrowTerms")] terms: JsValue,
            #[wasm_bindgen(unchecked_param_type = "Signer")] signer: JsValue,
        ) -> JsResult {
            let terms = terms_from_js(&terms)?;
            let kind = signer::resolve(&signer)?;
            invoked_js(&self.inner.create(&terms, &kind).await?)
        }

        /// Approves escrow `escrowId` as the signer, who also submits.
        #[wasm_bindgen(unchecked_return_type = "InvokeResult<null>")]
        pub async fn approve(
            &self,
            #[wasm_bindgen(js_name = escrowId, unchecked_param_type = "number | bigint")]
            escrow_id: JsValue,
            #[wasm_bindgen(unchecked_param_type = "Signer")] signer: JsValue,
        ) -> JsResult {
            let id = id_of(&escrow_id)?;
            let kind = signer::resolve(&signer)?;
            invoked_js(&self.inner.approve(id, &kind).await?)
        }

        /// Pays the beneficiary; the signer must be the depositor, the beneficiary or a signer.
        #[wasm_bindgen(unchecked_return_type = "InvokeResult<null>")]
        pub async fn release(
            &self,
            #[wasm_bindgen(js_name = escrowId, unchecked_param_type = "number | bigint")]
            escrow_id: JsValue,
            #[wasm_bindgen(unchecked_param_type = "Signer")] signer: JsValue,
        ) -> JsResult {
            let id = id_of(&escrow_id)?;
            let kind = signer::resolve(&signer)?;
            invoked_js(&self.inner.release(id, &kind).await?)
        }

        /// Returns the funds to the depositor after the refund time; the signer must be a party.
        #[wasm_bindgen(unchecked_return_type = "InvokeResult<null>")]
        pub async fn refund(
            &self,
            #[wasm_bindgen(js_name = escrowId, unchecked_param_type = "number | bigint")]
            escrow_id: JsValue,
            #[wasm_bindgen(unchecked_param_type = "Signer")] signer: JsValue,
        ) -> JsResult {
            let id = id_of(&escrow_id)?;
            let kind = signer::resolve(&signer)?;
            invoked_js(&self.inner.refund(id, &kind).await?)
        }

        /// The depositor (the signer) takes the funds back while nobody has approved.
        #[wasm_bindgen(unchecked_return_type = "InvokeResult<null>")]
        pub async fn cancel(
            &self,
            #[wasm_bindgen(js_name = escrowId, unchecked_param_type = "number | bigint")]
            escrow_id: JsValue,
            #[wasm_bindgen(unchecked_param_type = "Signer")] signer: JsValue,
        ) -> JsResult {
            let id = id_of(&escrow_id)?;
            let kind = signer::resolve(&signer)?;
            invoked_js(&self.inner.cancel(id, &kind).await?)
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
            let id = id_of(&escrow_id)?;
            let kind = signer::resolve(&signer)?;
            invoked_js(&self.inner.dispute(id, &reason, &kind).await?)
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
            let id = id_of(&escrow_id)?;
            let resolution = resolution_from_js(&resolution)?;
            let kind = signer::resolve(&signer)?;
            invoked_js(&self.inner.resolve(id, resolution, &kind).await?)
        }

        /// After a dispute's deadline, the depositor or the beneficiary (the signer) applies
        /// the default outcome.
        #[wasm_bindgen(js_name = settleDispute, unchecked_return_type = "InvokeResult<null>")]
        pub async fn settle_dispute(
            &self,
            #[wasm_bindgen(js_name = escrowId, unchecked_param_type = "number | bigint")]
            escrow_id: JsValue,
            #[wasm_bindgen(unchecked_param_type = "Signer")] signer: JsValue,
        ) -> JsResult {
            let id = id_of(&escrow_id)?;
            let kind = signer::resolve(&signer)?;
            invoked_js(&self.inner.settle_dispute(id, &kind).await?)
        }

        /// The escrow with this id (a simulation: nothing is signed or sent).
        #[wasm_bindgen(js_name = getEscrow, unchecked_return_type = "Escrow")]
        pub async fn get_escrow(
            &self,
            #[wasm_bindgen(js_name = escrowId, unchecked_param_type = "number | bigint")]
            escrow_id: JsValue,
        ) -> JsResult {
            let id = id_of(&escrow_id)?;
            Ok(js::to_js(&self.inner.escrow(id).await?)?)
        }

        /// The signers who have not approved yet, according to the contract.
        #[wasm_bindgen(js_name = pendingSigners, unchecked_return_type = "string[]")]
        pub async fn pending_signers(
            &self,
            #[wasm_bindgen(js_name = escrowId, unchecked_param_type = "number | bigint")]
            escrow_id: JsValue,
        ) -> JsResult {
            let id = id_of(&escrow_id)?;
            Ok(js::to_js(&self.inner.pending_signers(id).await?)?)
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
            let id = id_of(&escrow_id)?;
            pending_js(&self.inner.build_approve(&signer, id, &submitter).await?)
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
            pending_js(&self.inner.sign_auth_entries(&xdr, &kind).await?)
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
            invoked_js(&self.inner.finish(&xdr, &kind).await?)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::SdkError;

    fn terms() -> EscrowTerms {
        let token = tx::native_asset_contract_id("Test SDF Network ; September 2015").unwrap();
        EscrowTerms {
            beneficiary: tx::account_strkey(&[1; 32]),
            token,
            amount: 10_000_000,
            signers: vec![EscrowSigner {
                address: tx::account_strkey(&[2; 32]),
                weight: 3,
            }],
            threshold: 3,
            release_after: None,
            refund_after: Some(1_700_000_000),
            arbitrator: None,
            dispute_timeout: 0,
            course_id: 9,
        }
    }

    #[test]
    fn terms_become_the_contracts_struct() {
        let t = terms();
        let v = t.to_val().unwrap();
        let f = |k: &str| tx::field(&v, k).unwrap();
        assert_eq!(
            tx::as_address(f("beneficiary"), "b").unwrap(),
            t.beneficiary
        );
        assert_eq!(tx::as_i128(f("amount"), "a").unwrap(), 10_000_000);
        assert_eq!(tx::as_u64(f("course_id"), "c").unwrap(), 9);
        assert_eq!(tx::as_option(f("release_after")), None);
        assert_eq!(
            tx::as_u64(tx::as_option(f("refund_after")).unwrap(), "r").unwrap(),
            1_700_000_000
        );
        let signer = &tx::as_vec(f("signers"), "s").unwrap()[0];
        assert_eq!(
            tx::as_u32(tx::field(signer, "weight").unwrap(), "w").unwrap(),
            3
        );
    }

    #[test]
    fn a_bad_strkey_is_named_after_its_field() {
        let t = EscrowTerms {
            arbitrator: Some("GNOPE".into()),
            ..terms()
        };
        assert!(matches!(
            t.to_val(),
            Err(SdkError::InvalidArgument {
                what: "arbitrator",
                ..
            })
        ));
    }

    #[test]
    fn resolutions_are_the_contracts_enum() {
        assert_eq!(
            Resolution::Split(2_500).to_val().unwrap(),
            tx::vec_val(vec![tx::sym("Split").unwrap(), ScVal::U32(2_500)]).unwrap()
        );
        assert_eq!(
            Resolution::ToDepositor.to_val().unwrap(),
            tx::vec_val(vec![tx::sym("ToDepositor").unwrap()]).unwrap()
        );
    }
}
