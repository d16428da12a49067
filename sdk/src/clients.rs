//! Owns the clients of the content, reputation and rewards contracts: their most-used
//! entry points as methods, on the same build / simulate / sign / send / poll path as
//! `EscrowClient` (`invoke::Invoker`), with errors named after each contract's
//! `#[contracterror]` codes.

use std::rc::Rc;

use stellar_xdr::{ScAddress, ScBytes, ScVal};
use wasm_bindgen::prelude::*;

use crate::error::{
    content_error_name, reputation_error_name, rewards_error_name, Result, SdkError,
};
use crate::escrow::{invoke_options_from_js, result_js};
use crate::invoke::{Invoker, Submitted};
use crate::js;
use crate::rpc::{FetchTransport, RpcClient};
use crate::signer;
use crate::tx;

type JsResult = std::result::Result<JsValue, JsValue>;

/// One deployed contract and the invoker that calls it.
struct Contract {
    address: ScAddress,
    invoker: Invoker<FetchTransport>,
}

impl Contract {
    fn new(
        contract_id: &str,
        rpc: &RpcClient,
        passphrase: String,
        options: &JsValue,
        error_name: fn(u32) -> &'static str,
    ) -> Result<Contract> {
        let address = tx::parse_address(contract_id, "contractId")?;
        if !matches!(address, ScAddress::Contract(_)) {
            return Err(SdkError::invalid(
                "contractId",
                "expected a contract (C…) strkey",
            ));
        }
        Ok(Contract {
            address,
            invoker: Invoker {
                rpc: Rc::clone(&rpc.inner),
                passphrase,
                options: invoke_options_from_js(options)?,
                error_name,
            },
        })
    }

    /// `function(signer, …rest)` (with `as_signer`) or `function(…rest)`, signed and sent
    /// by the signer.
    async fn call(
        &self,
        function: &str,
        as_signer: bool,
        rest: Vec<ScVal>,
        signer: &JsValue,
    ) -> Result<Submitted> {
        let kind = signer::resolve(signer)?;
        let source = kind.public_key().await?;
        let mut args = Vec::with_capacity(rest.len() + 1);
        if as_signer {
            args.push(ScVal::Address(tx::account_address(&source)));
        }
        args.extend(rest);
        self.invoker
            .invoke(&self.address, function, args, &kind, &source)
            .await
    }

    /// A simulation of `function(args)`: nothing is signed or sent.
    async fn read(&self, function: &str, args: Vec<ScVal>) -> Result<ScVal> {
        let hf = tx::invoke_args(self.address.clone(), function, args)?;
        self.invoker.read(hf).await
    }

    /// `grant_role(role, account)`, signed by the contract's admin.
    async fn grant_role(&self, role: &str, account: &str, admin: &JsValue) -> JsResult {
        let args = vec![
            tx::sym(role)?,
            ScVal::Address(tx::parse_address(account, "account")?),
        ];
        let s = self.call("grant_role", false, args, admin).await?;
        result_js(&s, ())
    }
}

fn address_val(s: &str, what: &'static str) -> Result<ScVal> {
    Ok(ScVal::Address(tx::parse_address(s, what)?))
}

fn bool_of(v: &ScVal, what: &str) -> Result<bool> {
    match v {
        ScVal::Bool(b) => Ok(*b),
        _ => Err(SdkError::Malformed(format!("{what} is not a bool"))),
    }
}

fn value_of<'a>(s: &'a Submitted, function: &str) -> Result<&'a ScVal> {
    s.value
        .as_ref()
        .ok_or_else(|| SdkError::Malformed(format!("{function} returned nothing")))
}

// ---------------------------------------------------------------- content

/// `ContentMint` from JavaScript: the arguments of `mint` after the creator.
fn mint_args(c: &JsValue) -> Result<Vec<ScVal>> {
    if !c.is_object() {
        return Err(SdkError::invalid(
            "content",
            "expected a ContentMint object",
        ));
    }
    let title = js::string(&js::get(c, "title"), "title")?;
    let hash_hex = js::string(&js::get(c, "content_hash"), "content_hash")?;
    let hash: [u8; 32] = hex::decode(hash_hex.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| SdkError::invalid("content_hash", "expected 64 hex digits (32 bytes)"))?;
    let hash = ScBytes(
        hash.to_vec()
            .try_into()
            .map_err(|_| SdkError::invalid("content_hash", "too long"))?,
    );
    let uri = js::string(&js::get(c, "uri"), "uri")?;
    let licence = js::string(&js::get(c, "licence"), "licence")?;
    let tags_js = js::get(c, "tags");
    let tags = if js::is_missing(&tags_js) {
        Vec::new()
    } else if js_sys::Array::is_array(&tags_js) {
        js_sys::Array::from(&tags_js)
            .iter()
            .map(|t| tx::sym(&js::string(&t, "tags[]")?))
            .collect::<Result<Vec<_>>>()?
    } else {
        return Err(SdkError::invalid("tags", "expected an array of strings"));
    };
    let transferable = js::get(c, "transferable")
        .as_bool()
        .ok_or_else(|| SdkError::invalid("transferable", "expected a boolean"))?;
    let royalty = js::get(c, "royalty_bps");
    let royalty_bps = if js::is_missing(&royalty) {
        0
    } else {
        js::u32_of(&royalty, "royalty_bps")?
    };
    Ok(vec![
        tx::string_val(&title, "title")?,
        ScVal::Bytes(hash),
        tx::string_val(&uri, "uri")?,
        tx::sym(&licence)?,
        tx::vec_val(tags)?,
        ScVal::Bool(transferable),
        ScVal::U32(royalty_bps),
    ])
}

/// A client of one deployed TeachLink content contract (course content as tokens).
#[wasm_bindgen]
pub struct ContentClient {
    contract: Contract,
}

#[wasm_bindgen]
impl ContentClient {
    /// `contractId`: the content contract (`C…`); `networkPassphrase`: the network the
    /// transactions are signed for.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = contractId)] contract_id: &str,
        rpc: &RpcClient,
        #[wasm_bindgen(js_name = networkPassphrase)] network_passphrase: String,
        #[wasm_bindgen(unchecked_optional_param_type = "InvokeOptions")] options: JsValue,
    ) -> std::result::Result<ContentClient, JsValue> {
        Ok(ContentClient {
            contract: Contract::new(
                contract_id,
                rpc,
                network_passphrase,
                &options,
                content_error_name,
            )?,
        })
    }

    #[wasm_bindgen(getter, js_name = contractId)]
    pub fn contract_id(&self) -> String {
        self.contract.address.to_string()
    }

    /// Mints a content token with the signer as its creator and owner. The value is the
    /// new token id.
    #[wasm_bindgen(unchecked_return_type = "InvokeResult<number>")]
    pub async fn mint(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ContentMint")] content: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Signer")] signer: JsValue,
    ) -> JsResult {
        let args = mint_args(&content)?;
        let s = self.contract.call("mint", true, args, &signer).await?;
        let id = tx::as_u64(value_of(&s, "mint")?, "token id")?;
        result_js(&s, id)
    }

    /// Moves token `tokenId` from its owner (the signer) to `to`.
    #[wasm_bindgen(unchecked_return_type = "InvokeResult<null>")]
    pub async fn transfer(
        &self,
        to: String,
        #[wasm_bindgen(js_name = tokenId, unchecked_param_type = "number | bigint")]
        token_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Signer")] signer: JsValue,
    ) -> JsResult {
        let args = vec![
            address_val(&to, "to")?,
            ScVal::U64(js::u64_of(&token_id, "tokenId")?),
        ];
        let s = self.contract.call("transfer", true, args, &signer).await?;
        result_js(&s, ())
    }

    /// The owner of token `tokenId` (a simulation).
    #[wasm_bindgen(js_name = ownerOf, unchecked_return_type = "string")]
    pub async fn owner_of(
        &self,
        #[wasm_bindgen(js_name = tokenId, unchecked_param_type = "number | bigint")]
        token_id: JsValue,
    ) -> JsResult {
        let id = js::u64_of(&token_id, "tokenId")?;
        let v = self.contract.read("owner_of", vec![ScVal::U64(id)]).await?;
        Ok(js::to_js(&tx::as_address(&v, "owner")?)?)
    }

    /// How many tokens `owner` holds (a simulation).
    #[wasm_bindgen(unchecked_return_type = "number")]
    pub async fn balance(&self, owner: String) -> JsResult {
        let v = self
            .contract
            .read("balance", vec![address_val(&owner, "owner")?])
            .await?;
        Ok(js::to_js(&tx::as_u32(&v, "balance")?)?)
    }
}

// ---------------------------------------------------------------- reputation

/// A client of one deployed TeachLink reputation contract.
#[wasm_bindgen]
pub struct ReputationClient {
    contract: Contract,
}

#[wasm_bindgen]
impl ReputationClient {
    /// `contractId`: the reputation contract (`C…`).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = contractId)] contract_id: &str,
        rpc: &RpcClient,
        #[wasm_bindgen(js_name = networkPassphrase)] network_passphrase: String,
        #[wasm_bindgen(unchecked_optional_param_type = "InvokeOptions")] options: JsValue,
    ) -> std::result::Result<ReputationClient, JsValue> {
        Ok(ReputationClient {
            contract: Contract::new(
                contract_id,
                rpc,
                network_passphrase,
                &options,
                reputation_error_name,
            )?,
        })
    }

    #[wasm_bindgen(getter, js_name = contractId)]
    pub fn contract_id(&self) -> String {
        self.contract.address.to_string()
    }

    /// Records that `learner` completed `courseId` with `scorePct` (0 to 100); the signer
    /// is the issuer and must hold the `issuer` role.
    #[wasm_bindgen(js_name = recordCompletion, unchecked_return_type = "InvokeResult<null>")]
    pub async fn record_completion(
        &self,
        learner: String,
        #[wasm_bindgen(js_name = courseId, unchecked_param_type = "number | bigint")]
        course_id: JsValue,
        #[wasm_bindgen(js_name = scorePct)] score_pct: u32,
        #[wasm_bindgen(unchecked_param_type = "Signer")] signer: JsValue,
    ) -> JsResult {
        let args = vec![
            address_val(&learner, "learner")?,
            ScVal::U64(js::u64_of(&course_id, "courseId")?),
            ScVal::U32(score_pct),
        ];
        let s = self
            .contract
            .call("record_completion", true, args, &signer)
            .await?;
        result_js(&s, ())
    }

    /// Whether `learner` has completed `courseId` (a simulation).
    #[wasm_bindgen(js_name = hasCompleted, unchecked_return_type = "boolean")]
    pub async fn has_completed(
        &self,
        learner: String,
        #[wasm_bindgen(js_name = courseId, unchecked_param_type = "number | bigint")]
        course_id: JsValue,
    ) -> JsResult {
        let args = vec![
            address_val(&learner, "learner")?,
            ScVal::U64(js::u64_of(&course_id, "courseId")?),
        ];
        let v = self.contract.read("has_completed", args).await?;
        Ok(JsValue::from_bool(bool_of(&v, "has_completed")?))
    }

    /// The learner's reputation (a simulation).
    #[wasm_bindgen(unchecked_return_type = "number")]
    pub async fn reputation(&self, learner: String) -> JsResult {
        let v = self
            .contract
            .read("reputation", vec![address_val(&learner, "learner")?])
            .await?;
        Ok(js::to_js(&tx::as_u32(&v, "reputation")?)?)
    }

    /// Grants `role` (e.g. `"issuer"`) to `account`; the signer is the contract's admin.
    #[wasm_bindgen(js_name = grantRole, unchecked_return_type = "InvokeResult<null>")]
    pub async fn grant_role(
        &self,
        role: String,
        account: String,
        #[wasm_bindgen(unchecked_param_type = "Signer")] admin: JsValue,
    ) -> JsResult {
        self.contract.grant_role(&role, &account, &admin).await
    }
}

// ---------------------------------------------------------------- rewards

/// A client of one deployed TeachLink rewards contract (a pool of promised rewards).
#[wasm_bindgen]
pub struct RewardsClient {
    contract: Contract,
}

#[wasm_bindgen]
impl RewardsClient {
    /// `contractId`: the rewards contract (`C…`).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = contractId)] contract_id: &str,
        rpc: &RpcClient,
        #[wasm_bindgen(js_name = networkPassphrase)] network_passphrase: String,
        #[wasm_bindgen(unchecked_optional_param_type = "InvokeOptions")] options: JsValue,
    ) -> std::result::Result<RewardsClient, JsValue> {
        Ok(RewardsClient {
            contract: Contract::new(
                contract_id,
                rpc,
                network_passphrase,
                &options,
                rewards_error_name,
            )?,
        })
    }

    #[wasm_bindgen(getter, js_name = contractId)]
    pub fn contract_id(&self) -> String {
        self.contract.address.to_string()
    }

    /// Pays the signer (the learner) everything promised and not yet claimed. The value is
    /// the amount paid (i128, as a decimal string).
    #[wasm_bindgen(unchecked_return_type = "InvokeResult<string>")]
    pub async fn claim(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Signer")] signer: JsValue,
    ) -> JsResult {
        let s = self.contract.call("claim", true, vec![], &signer).await?;
        let amount = tx::as_i128(value_of(&s, "claim")?, "claimed amount")?;
        result_js(&s, amount.to_string())
    }

    /// Moves `amount` of the pool's token from the signer into the pool.
    #[wasm_bindgen(unchecked_return_type = "InvokeResult<null>")]
    pub async fn fund(
        &self,
        #[wasm_bindgen(unchecked_param_type = "IntegerInput")] amount: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Signer")] signer: JsValue,
    ) -> JsResult {
        let amount = tx::i128_val(js::integer(&amount, "amount")?);
        let s = self
            .contract
            .call("fund", true, vec![amount], &signer)
            .await?;
        result_js(&s, ())
    }

    /// Promises `amount` to `learner` for `reason` (a symbol); the signer is the issuer
    /// and must hold the `issuer` role.
    #[wasm_bindgen(unchecked_return_type = "InvokeResult<null>")]
    pub async fn issue(
        &self,
        learner: String,
        #[wasm_bindgen(unchecked_param_type = "IntegerInput")] amount: JsValue,
        reason: String,
        #[wasm_bindgen(unchecked_param_type = "Signer")] signer: JsValue,
    ) -> JsResult {
        let args = vec![
            address_val(&learner, "learner")?,
            tx::i128_val(js::integer(&amount, "amount")?),
            tx::sym(&reason)?,
        ];
        let s = self.contract.call("issue", true, args, &signer).await?;
        result_js(&s, ())
    }

    /// What `learner` has been promised and not yet claimed, as a decimal string.
    #[wasm_bindgen(unchecked_return_type = "string")]
    pub async fn unclaimed(&self, learner: String) -> JsResult {
        let v = self
            .contract
            .read("unclaimed", vec![address_val(&learner, "learner")?])
            .await?;
        Ok(js::to_js(&tx::as_i128(&v, "unclaimed")?.to_string())?)
    }

    /// Grants `role` (e.g. `"issuer"`) to `account`; the signer is the contract's admin.
    #[wasm_bindgen(js_name = grantRole, unchecked_return_type = "InvokeResult<null>")]
    pub async fn grant_role(
        &self,
        role: String,
        account: String,
        #[wasm_bindgen(unchecked_param_type = "Signer")] admin: JsValue,
    ) -> JsResult {
        self.contract.grant_role(&role, &account, &admin).await
    }
}
