//! Owns the clients of the content, reputation and rewards contracts: their most-used
//! entry points as methods of [`ContentContract`], [`ReputationContract`] and
//! [`RewardsContract`], on the same build / simulate / sign / send / poll path as the
//! escrow's ([`crate::invoke::Contract`]), with errors named after each contract's
//! `#[contracterror]` codes; and their JavaScript classes `ContentClient`,
//! `ReputationClient` and `RewardsClient` (feature `js`).

use std::rc::Rc;

use stellar_xdr::{ScAddress, ScBytes, ScVal};

use crate::error::{
    content_error_name, reputation_error_name, rewards_error_name, Result, SdkError,
};
use crate::invoke::{Contract, InvokeOptions, Invoked};
use crate::rpc::{FetchTransport, Rpc, Transport};
use crate::signer::SignerKind;
use crate::tx;

#[cfg(feature = "clients-js")]
pub use self::bindings::{ContentClient, ReputationClient, RewardsClient};

fn address_val(s: &str, what: &'static str) -> Result<ScVal> {
    Ok(ScVal::Address(tx::parse_address(s, what)?))
}

fn bool_of(v: &ScVal, what: &str) -> Result<bool> {
    match v {
        ScVal::Bool(b) => Ok(*b),
        _ => Err(SdkError::Malformed(format!("{what} is not a bool"))),
    }
}

// ---------------------------------------------------------------- content

/// A content hash given as 64 hex digits.
pub fn parse_content_hash(hex: &str) -> Result<[u8; 32]> {
    hex::decode(hex.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| SdkError::invalid("content_hash", "expected 64 hex digits (32 bytes)"))
}

/// What `mint` takes after the creator: a course as a content token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContentMint {
    pub title: String,
    /// The sha256 of the content.
    pub content_hash: [u8; 32],
    pub uri: String,
    /// A symbol, e.g. `cc_by`.
    pub licence: String,
    /// Symbols.
    pub tags: Vec<String>,
    pub transferable: bool,
    /// The creator's share of resales, in basis points.
    pub royalty_bps: u32,
}

impl ContentMint {
    fn args(&self) -> Result<Vec<ScVal>> {
        let hash = ScBytes(
            self.content_hash
                .to_vec()
                .try_into()
                .map_err(|_| SdkError::invalid("content_hash", "too long"))?,
        );
        let tags = self
            .tags
            .iter()
            .map(|t| tx::sym(t))
            .collect::<Result<Vec<_>>>()?;
        Ok(vec![
            tx::string_val(&self.title, "title")?,
            ScVal::Bytes(hash),
            tx::string_val(&self.uri, "uri")?,
            tx::sym(&self.licence)?,
            tx::vec_val(tags)?,
            ScVal::Bool(self.transferable),
            ScVal::U32(self.royalty_bps),
        ])
    }
}

/// One deployed TeachLink content contract (course content as tokens).
pub struct ContentContract<T: Transport = FetchTransport> {
    contract: Contract<T>,
}

impl<T: Transport> ContentContract<T> {
    /// `contract_id`: the content contract (`C…`); `passphrase`: the network the
    /// transactions are signed for.
    pub fn new(
        contract_id: &str,
        rpc: Rc<Rpc<T>>,
        passphrase: String,
        options: InvokeOptions,
    ) -> Result<Self> {
        Ok(ContentContract {
            contract: Contract::new(contract_id, rpc, passphrase, options, content_error_name)?,
        })
    }

    pub fn address(&self) -> &ScAddress {
        self.contract.address()
    }

    /// Mints a content token with the signer as its creator and owner. The value is the
    /// new token id.
    pub async fn mint(&self, content: &ContentMint, signer: &SignerKind) -> Result<Invoked<u64>> {
        let s = self
            .contract
            .call("mint", true, content.args()?, signer)
            .await?;
        s.read_value("mint", |v| tx::as_u64(v, "token id"))
    }

    /// Moves token `token_id` from its owner (the signer) to `to`.
    pub async fn transfer(
        &self,
        to: &str,
        token_id: u64,
        signer: &SignerKind,
    ) -> Result<Invoked<()>> {
        let args = vec![address_val(to, "to")?, ScVal::U64(token_id)];
        Ok(self
            .contract
            .call("transfer", true, args, signer)
            .await?
            .unit())
    }

    /// The owner of token `token_id` (a simulation).
    pub async fn owner_of(&self, token_id: u64) -> Result<String> {
        let v = self
            .contract
            .read("owner_of", vec![ScVal::U64(token_id)])
            .await?;
        tx::as_address(&v, "owner")
    }

    /// How many tokens `owner` holds (a simulation).
    pub async fn balance(&self, owner: &str) -> Result<u32> {
        let v = self
            .contract
            .read("balance", vec![address_val(owner, "owner")?])
            .await?;
        tx::as_u32(&v, "balance")
    }
}

// ---------------------------------------------------------------- reputation

/// One deployed TeachLink reputation contract.
pub struct ReputationContract<T: Transport = FetchTransport> {
    contract: Contract<T>,
}

impl<T: Transport> ReputationContract<T> {
    /// `contract_id`: the reputation contract (`C…`).
    pub fn new(
        contract_id: &str,
        rpc: Rc<Rpc<T>>,
        passphrase: String,
        options: InvokeOptions,
    ) -> Result<Self> {
        Ok(ReputationContract {
            contract: Contract::new(contract_id, rpc, passphrase, options, reputation_error_name)?,
        })
    }

    pub fn address(&self) -> &ScAddress {
        self.contract.address()
    }

    /// Records that `learner` completed `course_id` with `score_pct` (0 to 100); the signer
    /// is the issuer and must hold the `issuer` role.
    pub async fn record_completion(
        &self,
        learner: &str,
        course_id: u64,
        score_pct: u32,
        signer: &SignerKind,
    ) -> Result<Invoked<()>> {
        let args = vec![
            address_val(learner, "learner")?,
            ScVal::U64(course_id),
            ScVal::U32(score_pct),
        ];
        let s = self
            .contract
            .call("record_completion", true, args, signer)
            .await?;
        Ok(s.unit())
    }

    /// Whether `learner` has completed `course_id` (a simulation).
    pub async fn has_completed(&self, learner: &str, course_id: u64) -> Result<bool> {
        let args = vec![address_val(learner, "learner")?, ScVal::U64(course_id)];
        let v = self.contract.read("has_completed", args).await?;
        bool_of(&v, "has_completed")
    }

    /// The learner's reputation (a simulation).
    pub async fn reputation(&self, learner: &str) -> Result<u32> {
        let v = self
            .contract
            .read("reputation", vec![address_val(learner, "learner")?])
            .await?;
        tx::as_u32(&v, "reputation")
    }

    /// Grants `role` (e.g. `"issuer"`, `"rater"`) to `account`; the signer is the
    /// contract's admin.
    pub async fn grant_role(
        &self,
        role: &str,
        account: &str,
        admin: &SignerKind,
    ) -> Result<Invoked<()>> {
        self.contract.grant_role(role, account, admin).await
    }

    /// Binds `course_id` to `issuer`, the only address that may record its completions;
    /// the signer is the contract's admin.
    pub async fn bind_course(
        &self,
        course_id: u64,
        issuer: &str,
        admin: &SignerKind,
    ) -> Result<Invoked<()>> {
        let args = vec![ScVal::U64(course_id), address_val(issuer, "issuer")?];
        let s = self
            .contract
            .call("bind_course", false, args, admin)
            .await?;
        Ok(s.unit())
    }

    /// Replaces the score of `learner`'s recorded completion of `course_id` with
    /// `score_pct`; the signer is the contract's admin.
    pub async fn correct_completion(
        &self,
        learner: &str,
        course_id: u64,
        score_pct: u32,
        admin: &SignerKind,
    ) -> Result<Invoked<()>> {
        let args = vec![
            address_val(learner, "learner")?,
            ScVal::U64(course_id),
            ScVal::U32(score_pct),
        ];
        let s = self
            .contract
            .call("correct_completion", false, args, admin)
            .await?;
        Ok(s.unit())
    }
}

// ---------------------------------------------------------------- rewards

/// One deployed TeachLink rewards contract (a pool of promised rewards).
pub struct RewardsContract<T: Transport = FetchTransport> {
    contract: Contract<T>,
}

impl<T: Transport> RewardsContract<T> {
    /// `contract_id`: the rewards contract (`C…`).
    pub fn new(
        contract_id: &str,
        rpc: Rc<Rpc<T>>,
        passphrase: String,
        options: InvokeOptions,
    ) -> Result<Self> {
        Ok(RewardsContract {
            contract: Contract::new(contract_id, rpc, passphrase, options, rewards_error_name)?,
        })
    }

    pub fn address(&self) -> &ScAddress {
        self.contract.address()
    }

    /// Pays the signer (the learner) everything promised and not yet claimed. The value is
    /// the amount paid.
    pub async fn claim(&self, signer: &SignerKind) -> Result<Invoked<i128>> {
        let s = self.contract.call("claim", true, vec![], signer).await?;
        s.read_value("claim", |v| tx::as_i128(v, "claimed amount"))
    }

    /// Moves `amount` of the pool's token from the signer into the pool.
    pub async fn fund(&self, amount: i128, signer: &SignerKind) -> Result<Invoked<()>> {
        let args = vec![tx::i128_val(amount)];
        Ok(self.contract.call("fund", true, args, signer).await?.unit())
    }

    /// Promises `amount` to `learner` for `reason` (a symbol); the signer is the issuer
    /// and must hold the `issuer` role.
    pub async fn issue(
        &self,
        learner: &str,
        amount: i128,
        reason: &str,
        signer: &SignerKind,
    ) -> Result<Invoked<()>> {
        let args = vec![
            address_val(learner, "learner")?,
            tx::i128_val(amount),
            tx::sym(reason)?,
        ];
        Ok(self
            .contract
            .call("issue", true, args, signer)
            .await?
            .unit())
    }

    /// What `learner` has been promised and not yet claimed.
    pub async fn unclaimed(&self, learner: &str) -> Result<i128> {
        let v = self
            .contract
            .read("unclaimed", vec![address_val(learner, "learner")?])
            .await?;
        tx::as_i128(&v, "unclaimed")
    }

    /// What `issuer` may still promise.
    pub async fn allowance(&self, issuer: &str) -> Result<i128> {
        let v = self
            .contract
            .read("allowance", vec![address_val(issuer, "issuer")?])
            .await?;
        tx::as_i128(&v, "allowance")
    }

    /// Sets what `issuer` may still promise in total; the signer is the contract's admin.
    pub async fn set_allowance(
        &self,
        issuer: &str,
        amount: i128,
        admin: &SignerKind,
    ) -> Result<Invoked<()>> {
        let args = vec![address_val(issuer, "issuer")?, tx::i128_val(amount)];
        let s = self
            .contract
            .call("set_allowance", false, args, admin)
            .await?;
        Ok(s.unit())
    }

    /// Takes back `amount` of `learner`'s unclaimed reward into the pool's available
    /// balance; the signer is the contract's admin.
    pub async fn revoke(
        &self,
        learner: &str,
        amount: i128,
        admin: &SignerKind,
    ) -> Result<Invoked<()>> {
        let args = vec![address_val(learner, "learner")?, tx::i128_val(amount)];
        Ok(self
            .contract
            .call("revoke", false, args, admin)
            .await?
            .unit())
    }

    /// Grants `role` (e.g. `"issuer"`) to `account`; the signer is the contract's admin.
    pub async fn grant_role(
        &self,
        role: &str,
        account: &str,
        admin: &SignerKind,
    ) -> Result<Invoked<()>> {
        self.contract.grant_role(role, account, admin).await
    }
}

/// Owns the JavaScript classes `ContentClient`, `ReputationClient` and `RewardsClient`:
/// JavaScript arguments read into the Rust types above, the contract clients called,
/// results and errors handed back as JavaScript values.
#[cfg(feature = "clients-js")]
mod bindings {
    use wasm_bindgen::prelude::*;

    use super::{
        parse_content_hash, ContentContract, ContentMint, ReputationContract, RewardsContract,
    };
    use crate::error::{Result, SdkError};
    use crate::invoke::{invoked_js, options_from_js};
    use crate::js;
    use crate::rpc::RpcClient;
    use crate::signer;

    type JsResult = std::result::Result<JsValue, JsValue>;

    /// `ContentMint` from JavaScript.
    fn mint_from_js(c: &JsValue) -> Result<ContentMint> {
        if !c.is_object() {
            return Err(SdkError::invalid(
                "content",
                "expected a ContentMint object",
            ));
        }
        let title = js::string(&js::get(c, "title"), "title")?;
        let content_hash =
            parse_content_hash(&js::string(&js::get(c, "content_hash"), "content_hash")?)?;
        let uri = js::string(&js::get(c, "uri"), "uri")?;
        let licence = js::string(&js::get(c, "licence"), "licence")?;
        let tags_js = js::get(c, "tags");
        let tags = if js::is_missing(&tags_js) {
            Vec::new()
        } else if js_sys::Array::is_array(&tags_js) {
            js_sys::Array::from(&tags_js)
                .iter()
                .map(|t| js::string(&t, "tags[]"))
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
        Ok(ContentMint {
            title,
            content_hash,
            uri,
            licence,
            tags,
            transferable,
            royalty_bps,
        })
    }

    /// A client of one deployed TeachLink content contract (course content as tokens).
    #[wasm_bindgen]
    pub struct ContentClient {
        inner: ContentContract,
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
            let options = options_from_js(&options)?;
            Ok(ContentClient {
                inner: ContentContract::new(
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

        /// Mints a content token with the signer as its creator and owner. The value is the
        /// new token id.
        #[wasm_bindgen(unchecked_return_type = "InvokeResult<number>")]
        pub async fn mint(
            &self,
            #[wasm_bindgen(unchecked_param_type = "ContentMint")] content: JsValue,
            #[wasm_bindgen(unchecked_param_type = "Signer")] signer: JsValue,
        ) -> JsResult {
            let content = mint_from_js(&content)?;
            let kind = signer::resolve(&signer)?;
            invoked_js(&self.inner.mint(&content, &kind).await?)
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
            let id = js::u64_of(&token_id, "tokenId")?;
            let kind = signer::resolve(&signer)?;
            invoked_js(&self.inner.transfer(&to, id, &kind).await?)
        }

        /// The owner of token `tokenId` (a simulation).
        #[wasm_bindgen(js_name = ownerOf, unchecked_return_type = "string")]
        pub async fn owner_of(
            &self,
            #[wasm_bindgen(js_name = tokenId, unchecked_param_type = "number | bigint")]
            token_id: JsValue,
        ) -> JsResult {
            let id = js::u64_of(&token_id, "tokenId")?;
            Ok(js::to_js(&self.inner.owner_of(id).await?)?)
        }

        /// How many tokens `owner` holds (a simulation).
        #[wasm_bindgen(unchecked_return_type = "number")]
        pub async fn balance(&self, owner: String) -> JsResult {
            Ok(js::to_js(&self.inner.balance(&owner).await?)?)
        }
    }

    /// A client of one deployed TeachLink reputation contract.
    #[wasm_bindgen]
    pub struct ReputationClient {
        inner: ReputationContract,
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
            let options = options_from_js(&options)?;
            Ok(ReputationClient {
                inner: ReputationContract::new(
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
            let course = js::u64_of(&course_id, "courseId")?;
            let kind = signer::resolve(&signer)?;
            let r = self
                .inner
                .record_completion(&learner, course, score_pct, &kind)
                .await?;
            invoked_js(&r)
        }

        /// Whether `learner` has completed `courseId` (a simulation).
        #[wasm_bindgen(js_name = hasCompleted, unchecked_return_type = "boolean")]
        pub async fn has_completed(
            &self,
            learner: String,
            #[wasm_bindgen(js_name = courseId, unchecked_param_type = "number | bigint")]
            course_id: JsValue,
        ) -> JsResult {
            let course = js::u64_of(&course_id, "courseId")?;
            let done = self.inner.has_completed(&learner, course).await?;
            Ok(JsValue::from_bool(done))
        }

        /// The learner's reputation (a simulation).
        #[wasm_bindgen(unchecked_return_type = "number")]
        pub async fn reputation(&self, learner: String) -> JsResult {
            Ok(js::to_js(&self.inner.reputation(&learner).await?)?)
        }

        /// Grants `role` (e.g. `"issuer"`) to `account`; the signer is the contract's admin.
        #[wasm_bindgen(js_name = grantRole, unchecked_return_type = "InvokeResult<null>")]
        pub async fn grant_role(
            &self,
            role: String,
            account: String,
            #[wasm_bindgen(unchecked_param_type = "Signer")] admin: JsValue,
        ) -> JsResult {
            let kind = signer::resolve(&admin)?;
            invoked_js(&self.inner.grant_role(&role, &account, &kind).await?)
        }

        /// Binds `courseId` to `issuer`, the only address that may record its completions;
        /// the signer is the contract's admin.
        #[wasm_bindgen(js_name = bindCourse, unchecked_return_type = "InvokeResult<null>")]
        pub async fn bind_course(
            &self,
            #[wasm_bindgen(js_name = courseId, unchecked_param_type = "number | bigint")]
            course_id: JsValue,
            issuer: String,
            #[wasm_bindgen(unchecked_param_type = "Signer")] admin: JsValue,
        ) -> JsResult {
            let course = js::u64_of(&course_id, "courseId")?;
            let kind = signer::resolve(&admin)?;
            invoked_js(&self.inner.bind_course(course, &issuer, &kind).await?)
        }

        /// Replaces the score of `learner`'s recorded completion of `courseId` with
        /// `scorePct`; the signer is the contract's admin.
        #[wasm_bindgen(js_name = correctCompletion, unchecked_return_type = "InvokeResult<null>")]
        pub async fn correct_completion(
            &self,
            learner: String,
            #[wasm_bindgen(js_name = courseId, unchecked_param_type = "number | bigint")]
            course_id: JsValue,
            #[wasm_bindgen(js_name = scorePct)] score_pct: u32,
            #[wasm_bindgen(unchecked_param_type = "Signer")] admin: JsValue,
        ) -> JsResult {
            let course = js::u64_of(&course_id, "courseId")?;
            let kind = signer::resolve(&admin)?;
            let r = self
                .inner
                .correct_completion(&learner, course, score_pct, &kind)
                .await?;
            invoked_js(&r)
        }
    }

    /// A client of one deployed TeachLink rewards contract (a pool of promised rewards).
    #[wasm_bindgen]
    pub struct RewardsClient {
        inner: RewardsContract,
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
            let options = options_from_js(&options)?;
            Ok(RewardsClient {
                inner: RewardsContract::new(
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

        /// Pays the signer (the learner) everything promised and not yet claimed. The value is
        /// the amount paid (i128, as a decimal string).
        #[wasm_bindgen(unchecked_return_type = "InvokeResult<string>")]
        pub async fn claim(
            &self,
            #[wasm_bindgen(unchecked_param_type = "Signer")] signer: JsValue,
        ) -> JsResult {
            let kind = signer::resolve(&signer)?;
            let r = self.inner.claim(&kind).await?;
            invoked_js(&r.map(|amount| amount.to_string()))
        }

        /// Moves `amount` of the pool's token from the signer into the pool.
        #[wasm_bindgen(unchecked_return_type = "InvokeResult<null>")]
        pub async fn fund(
            &self,
            #[wasm_bindgen(unchecked_param_type = "IntegerInput")] amount: JsValue,
            #[wasm_bindgen(unchecked_param_type = "Signer")] signer: JsValue,
        ) -> JsResult {
            let amount = js::integer(&amount, "amount")?;
            let kind = signer::resolve(&signer)?;
            invoked_js(&self.inner.fund(amount, &kind).await?)
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
            let amount = js::integer(&amount, "amount")?;
            let kind = signer::resolve(&signer)?;
            invoked_js(&self.inner.issue(&learner, amount, &reason, &kind).await?)
        }

        /// What `learner` has been promised and not yet claimed, as a decimal string.
        #[wasm_bindgen(unchecked_return_type = "string")]
        pub async fn unclaimed(&self, learner: String) -> JsResult {
            let amount = self.inner.unclaimed(&learner).await?;
            Ok(js::to_js(&amount.to_string())?)
        }

        /// What `issuer` may still promise, as a decimal string.
        #[wasm_bindgen(unchecked_return_type = "string")]
        pub async fn allowance(&self, issuer: String) -> JsResult {
            let amount = self.inner.allowance(&issuer).await?;
            Ok(js::to_js(&amount.to_string())?)
        }

        /// Sets what `issuer` may still promise in total; the signer is the contract's
        /// admin.
        #[wasm_bindgen(js_name = setAllowance, unchecked_return_type = "InvokeResult<null>")]
        pub async fn set_allowance(
            &self,
            issuer: String,
            #[wasm_bindgen(unchecked_param_type = "IntegerInput")] amount: JsValue,
            #[wasm_bindgen(unchecked_param_type = "Signer")] admin: JsValue,
        ) -> JsResult {
            let amount = js::integer(&amount, "amount")?;
            let kind = signer::resolve(&admin)?;
            invoked_js(&self.inner.set_allowance(&issuer, amount, &kind).await?)
        }

        /// Takes back `amount` of `learner`'s unclaimed reward into the pool's available
        /// balance; the signer is the contract's admin.
        #[wasm_bindgen(unchecked_return_type = "InvokeResult<null>")]
        pub async fn revoke(
            &self,
            learner: String,
            #[wasm_bindgen(unchecked_param_type = "IntegerInput")] amount: JsValue,
            #[wasm_bindgen(unchecked_param_type = "Signer")] admin: JsValue,
        ) -> JsResult {
            let amount = js::integer(&amount, "amount")?;
            let kind = signer::resolve(&admin)?;
            invoked_js(&self.inner.revoke(&learner, amount, &kind).await?)
        }

        /// Grants `role` (e.g. `"issuer"`) to `account`; the signer is the contract's admin.
        #[wasm_bindgen(js_name = grantRole, unchecked_return_type = "InvokeResult<null>")]
        pub async fn grant_role(
            &self,
            role: String,
            account: String,
            #[wasm_bindgen(unchecked_param_type = "Signer")] admin: JsValue,
        ) -> JsResult {
            let kind = signer::resolve(&admin)?;
            invoked_js(&self.inner.grant_role(&role, &account, &kind).await?)
        }
    }
}
