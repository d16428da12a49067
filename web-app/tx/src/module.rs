//! Owns the module's export, `send`: one contract call through the SDK's clients, signed by
//! the connected SEP-43 wallet, with the wallet's progress reported to the app, and an SDK
//! error turned into words for the user.

use std::rc::Rc;

use js_sys::{Function, Object, Promise, Reflect};
use teachlink_sdk::clients::{ContentContract, ContentMint, RewardsContract};
use teachlink_sdk::escrow::{self, EscrowContract, EscrowSigner, EscrowTerms};
use teachlink_sdk::invoke::{InvokeOptions, Invoked};
use teachlink_sdk::rpc::{FetchTransport, Rpc, RpcOptions};
use teachlink_sdk::signer::SignerKind;
use teachlink_sdk::SdkError;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::wire::{
    Call, Confirmed, Request, Resolution, Terms, STAGE_SUBMITTED, STAGE_WAITING_FOR_WALLET,
};

/// Sends `request` (a [`Request`] as a plain object) signed by `wallet` (the extension's
/// SEP-43 object); `on_stage` is called with [`STAGE_WAITING_FOR_WALLET`] when the wallet
/// is asked to sign the transaction and [`STAGE_SUBMITTED`] once it has (the SDK sends
/// right after). Resolves to a [`Confirmed`]; rejects with a sentence for the user.
#[wasm_bindgen]
pub async fn send(
    request: JsValue,
    wallet: JsValue,
    on_stage: Function,
) -> Result<JsValue, JsValue> {
    let request: Request = serde_wasm_bindgen::from_value(request)
        .map_err(|e| JsValue::from_str(&format!("This app cannot send that request: {e}.")))?;
    let signer = watched_wallet(wallet, on_stage).map_err(|e| JsValue::from_str(&e))?;
    let confirmed = run(request, &signer)
        .await
        .map_err(|e| JsValue::from_str(&describe(&e)))?;
    serde_wasm_bindgen::to_value(&confirmed).map_err(|e| JsValue::from_str(&e.to_string()))
}

/// The id a confirmed call links to.
trait NewId {
    fn new_id(&self) -> Option<u64>;
}

impl NewId for u64 {
    fn new_id(&self) -> Option<u64> {
        Some(*self)
    }
}

impl NewId for () {
    fn new_id(&self) -> Option<u64> {
        None
    }
}

/// A claimed amount: nothing to link to.
impl NewId for i128 {
    fn new_id(&self) -> Option<u64> {
        None
    }
}

fn confirmed<T: NewId>(done: Invoked<T>) -> Confirmed {
    Confirmed {
        ledger: done.ledger,
        value: done.value.new_id(),
    }
}

async fn run(request: Request, signer: &SignerKind) -> Result<Confirmed, SdkError> {
    let t = request.target;
    let rpc: Rc<Rpc<FetchTransport>> = Rc::new(Rpc::over_fetch(t.rpc_url, RpcOptions::default())?);
    let escrow = || {
        EscrowContract::new(
            &t.contract,
            rpc.clone(),
            t.passphrase.clone(),
            InvokeOptions::default(),
        )
    };
    Ok(match request.call {
        Call::Create(terms) => confirmed(escrow()?.create(&escrow_terms(terms)?, signer).await?),
        Call::Approve(id) => confirmed(escrow()?.approve(id, signer).await?),
        Call::Release(id) => confirmed(escrow()?.release(id, signer).await?),
        Call::Dispute(id, why) => confirmed(escrow()?.dispute(id, &why, signer).await?),
        Call::Resolve(id, how) => {
            let how = match how {
                Resolution::ToBeneficiary => escrow::Resolution::ToBeneficiary,
                Resolution::ToDepositor => escrow::Resolution::ToDepositor,
                Resolution::Split(bps) => escrow::Resolution::Split(bps),
            };
            confirmed(escrow()?.resolve(id, how, signer).await?)
        }
        Call::Settle(id) => confirmed(escrow()?.settle_dispute(id, signer).await?),
        Call::Mint(m) => {
            let content = ContentContract::new(
                &t.contract,
                rpc.clone(),
                t.passphrase.clone(),
                InvokeOptions::default(),
            )?;
            let mint = ContentMint {
                title: m.title,
                content_hash: m.content_hash,
                uri: m.uri,
                licence: m.licence,
                tags: m.tags,
                transferable: m.transferable,
                royalty_bps: m.royalty_bps,
            };
            confirmed(content.mint(&mint, signer).await?)
        }
        Call::Claim => {
            let rewards = RewardsContract::new(
                &t.contract,
                rpc.clone(),
                t.passphrase.clone(),
                InvokeOptions::default(),
            )?;
            confirmed(rewards.claim(signer).await?)
        }
    })
}

fn escrow_terms(t: Terms) -> Result<EscrowTerms, SdkError> {
    let amount = t
        .amount
        .parse::<i128>()
        .map_err(|e| SdkError::InvalidArgument {
            what: "amount",
            detail: format!("{:?}: {e}", t.amount),
        })?;
    Ok(EscrowTerms {
        beneficiary: t.beneficiary,
        token: t.token,
        amount,
        signers: t
            .signers
            .into_iter()
            .map(|s| EscrowSigner {
                address: s.address,
                weight: s.weight,
            })
            .collect(),
        threshold: t.threshold,
        release_after: t.release_after,
        refund_after: t.refund_after,
        arbitrator: t.arbitrator,
        dispute_timeout: t.dispute_timeout,
        course_id: t.course_id,
    })
}

/// The wallet as the SDK's signer, watched: `on_stage` hears when the wallet is asked to
/// sign the transaction and when it has signed. Everything else is the wallet's own method.
fn watched_wallet(wallet: JsValue, on_stage: Function) -> Result<SignerKind, String> {
    let watched = Object::new();
    for method in ["getAddress", "getNetwork", "signAuthEntry"] {
        if let Some(f) = Reflect::get(&wallet, &method.into())
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
        {
            let _ = Reflect::set(&watched, &method.into(), &f.bind0(&wallet));
        }
    }
    let sign: Function = Reflect::get(&wallet, &"signTransaction".into())
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or("The wallet cannot sign transactions (it has no signTransaction).")?;
    let sign_watched = Closure::<dyn Fn(JsValue, JsValue) -> Result<JsValue, JsValue>>::new(
        move |xdr: JsValue, opts: JsValue| {
            let _ = on_stage.call1(&JsValue::NULL, &STAGE_WAITING_FOR_WALLET.into());
            let answer = Promise::resolve(&sign.call2(&wallet, &xdr, &opts)?);
            let on_stage = on_stage.clone();
            Ok(wasm_bindgen_futures::future_to_promise(async move {
                let v = JsFuture::from(answer).await?;
                let refused = Reflect::get(&v, &"error".into())
                    .is_ok_and(|e| !e.is_undefined() && !e.is_null());
                if !refused {
                    let _ = on_stage.call1(&JsValue::NULL, &STAGE_SUBMITTED.into());
                }
                Ok(v)
            })
            .into())
        },
    );
    let _ = Reflect::set(
        &watched,
        &"signTransaction".into(),
        &sign_watched.into_js_value(),
    );
    SignerKind::wallet(watched.into()).map_err(|e| describe(&e))
}

/// An SDK error in words for the user.
fn describe(e: &SdkError) -> String {
    let message = e.to_string();
    match e {
        SdkError::WalletRefused { .. } => {
            format!("Your wallet did not sign, so nothing was sent ({message}).")
        }
        SdkError::Wallet(_) => {
            format!("The wallet's answer cannot be used, so nothing was sent: {message}.")
        }
        SdkError::NetworkMismatch { .. } => {
            format!("{message}. Switch the wallet's network and try again; nothing was sent.")
        }
        SdkError::AccountNotFound(_) => {
            format!("{message}: the account needs lumens before it can send transactions.")
        }
        SdkError::Contract {
            name,
            tx_hash: None,
            ..
        } => format!("The contract refuses this ({name}); nothing was sent."),
        SdkError::Contract { name, .. } => {
            format!("The transaction failed on the network: the contract refused it ({name}).")
        }
        SdkError::Simulation(_) => format!("{message}; nothing was sent."),
        SdkError::Timeout { .. } => format!(
            "{message}. It may still be included: this page shows it once the sync sees it."
        ),
        _ => message,
    }
}
