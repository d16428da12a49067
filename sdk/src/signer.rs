//! Owns signing: [`SignerKind`], a local ed25519 key (scripts, tests, servers; `Keypair` in
//! JavaScript) or a wallet extension with the SEP-43 / Freighter shape (`getAddress`,
//! `signTransaction`, `signAuthEntry`, optional `getNetwork`; `WalletSigner`). A wallet that
//! declines — a rejected promise, or an `{ error }` answer as Freighter gives — becomes a
//! `wallet_refused` error before anything is sent; an answer that is not what was asked (a
//! different transaction, a signature that does not verify) becomes `wallet_error`.
//!
//! Rust callers sign with a [`SignerKind`] directly. JavaScript contract clients take any
//! signer as a JavaScript value (feature `js`): each `Keypair` and `WalletSigner` registers
//! its Rust side under a numeric handle that the object exposes, so a client finds the key
//! without the secret ever crossing into JavaScript; a plain SEP-43 wallet object is
//! accepted too and wrapped on the fly.

use base64::Engine;
use ed25519_dalek::SigningKey;
use stellar_xdr::{Transaction, TransactionEnvelope, TransactionV1Envelope};
use wasm_bindgen::{JsCast, JsValue};

use crate::error::{Result, SdkError};
use crate::js;
use crate::tx;

#[cfg(feature = "clients-js")]
pub use self::bindings::{resolve, Keypair, WalletSigner};

/// What signs: a key held in this module, or a wallet object.
pub enum SignerKind {
    Local(Box<SigningKey>),
    Wallet(JsValue),
}

fn refused(e: &JsValue) -> SdkError {
    SdkError::WalletRefused {
        message: js::message_of(e),
        wallet_code: js::get(e, "code").as_f64().map(|c| c as i64),
    }
}

/// Calls a wallet method and settles its answer; a rejection or an `{ error }` answer is a
/// refusal.
async fn wallet_call(wallet: &JsValue, method: &str, args: &[JsValue]) -> Result<JsValue> {
    let called = js::call_method(wallet, method, args)
        .ok_or_else(|| SdkError::Wallet(format!("the wallet has no {method} method")))?;
    let answer = match called {
        Ok(p) => js::settle(p).await.map_err(|e| refused(&e))?,
        Err(e) => return Err(refused(&e)),
    };
    let error = js::get(&answer, "error");
    if !js::is_missing(&error) {
        return Err(refused(&error));
    }
    Ok(answer)
}

/// A string answer, or the string field `key` of an object answer.
fn answer_string(answer: &JsValue, key: &str) -> Option<String> {
    answer
        .as_string()
        .or_else(|| js::get(answer, key).as_string())
}

fn sign_opts(passphrase: &str, address: &str) -> JsValue {
    js::object(&[
        ("networkPassphrase", JsValue::from_str(passphrase)),
        ("address", JsValue::from_str(address)),
    ])
}

impl SignerKind {
    /// A wallet extension's SEP-43 object (Freighter's shape) as a signer; it must at least
    /// have `getAddress` and `signTransaction`.
    pub fn wallet(wallet: JsValue) -> Result<SignerKind> {
        for method in ["getAddress", "signTransaction"] {
            if !js::get(&wallet, method).is_function() {
                return Err(SdkError::invalid(
                    "wallet",
                    format!("the wallet has no {method} method"),
                ));
            }
        }
        Ok(SignerKind::Wallet(wallet))
    }

    /// The signing account's ed25519 public key.
    pub async fn public_key(&self) -> Result<[u8; 32]> {
        match self {
            SignerKind::Local(k) => Ok(k.verifying_key().to_bytes()),
            SignerKind::Wallet(w) => {
                let answer = wallet_call(w, "getAddress", &[]).await?;
                let address = answer_string(&answer, "address").ok_or_else(|| {
                    SdkError::Wallet("getAddress answered without an address".into())
                })?;
                tx::parse_account(&address, "wallet address")
                    .map_err(|_| SdkError::Wallet(format!("{address:?} is not an account")))
            }
        }
    }

    /// Refuses a wallet that reports another network (wallets without `getNetwork` pass).
    async fn check_network(wallet: &JsValue, passphrase: &str) -> Result<()> {
        if !js::get(wallet, "getNetwork").is_function() {
            return Ok(());
        }
        let answer = wallet_call(wallet, "getNetwork", &[]).await?;
        match js::get(&answer, "networkPassphrase").as_string() {
            Some(p) if p != passphrase => Err(SdkError::NetworkMismatch {
                expected: passphrase.to_string(),
                wallet: p,
            }),
            _ => Ok(()),
        }
    }

    /// Signs the envelope as its source account `pk`.
    pub async fn sign_envelope(
        &self,
        mut env: TransactionV1Envelope,
        passphrase: &str,
        pk: &[u8; 32],
    ) -> Result<TransactionV1Envelope> {
        let network_id = tx::network_id(passphrase);
        match self {
            SignerKind::Local(k) => {
                tx::sign_envelope_locally(&mut env, k, network_id)?;
                Ok(env)
            }
            SignerKind::Wallet(w) => {
                Self::check_network(w, passphrase).await?;
                let address = tx::account_strkey(pk);
                let xdr = tx::to_b64(&TransactionEnvelope::Tx(env.clone()), "transaction")?;
                let answer = wallet_call(
                    w,
                    "signTransaction",
                    &[JsValue::from_str(&xdr), sign_opts(passphrase, &address)],
                )
                .await?;
                let signed = answer_string(&answer, "signedTxXdr").ok_or_else(|| {
                    SdkError::Wallet("signTransaction answered without signedTxXdr".into())
                })?;
                let signed = tx::unwrap(
                    tx::from_b64::<TransactionEnvelope>(&signed, "signed transaction")
                        .map_err(|e| SdkError::Wallet(e.to_string()))?,
                )
                .map_err(|e| SdkError::Wallet(e.to_string()))?;
                if signed.tx != env.tx {
                    return Err(SdkError::Wallet(
                        "the wallet signed a different transaction".into(),
                    ));
                }
                if !tx::is_signed_by(&signed, pk, network_id) {
                    return Err(SdkError::Wallet(format!(
                        "the wallet's signature is not a valid signature of {address}"
                    )));
                }
                Ok(signed)
            }
        }
    }

    /// Signs this signer's unsigned auth entries in `t` for `expiration`; how many.
    pub async fn sign_auth_entries(
        &self,
        t: &mut Transaction,
        passphrase: &str,
        expiration: u32,
    ) -> Result<usize> {
        let network_id = tx::network_id(passphrase);
        match self {
            SignerKind::Local(k) => tx::sign_auth_entries_locally(t, k, network_id, expiration),
            SignerKind::Wallet(w) => {
                let pk = self.public_key().await?;
                let address = tx::account_strkey(&pk);
                Self::check_network(w, passphrase).await?;
                let indexes = tx::auth_entries_of(t, &pk);
                for &i in &indexes {
                    let entry = tx::invoke_op(t)?.auth[i].clone();
                    let preimage = tx::auth_preimage(&entry, network_id, expiration)?;
                    let payload = tx::auth_payload(&preimage)?;
                    let answer = wallet_call(
                        w,
                        "signAuthEntry",
                        &[
                            JsValue::from_str(&tx::to_b64(&preimage, "auth preimage")?),
                            sign_opts(passphrase, &address),
                        ],
                    )
                    .await?;
                    let sig = signature_bytes(&answer)?;
                    if !tx::verify(&pk, &payload, &sig) {
                        return Err(SdkError::Wallet(format!(
                            "the wallet's auth entry signature is not a valid signature of {address}"
                        )));
                    }
                    tx::set_auth_signature(
                        t,
                        i,
                        expiration,
                        tx::account_signature_val(&pk, &sig)?,
                    )?;
                }
                Ok(indexes.len())
            }
        }
    }
}

/// The 64-byte signature of a signAuthEntry answer: base64 text or bytes, bare or as
/// `signedAuthEntry`.
fn signature_bytes(answer: &JsValue) -> Result<[u8; 64]> {
    let field = js::get(answer, "signedAuthEntry");
    let v = if js::is_missing(&field) {
        answer
    } else {
        &field
    };
    let bytes = if let Some(s) = v.as_string() {
        base64::engine::general_purpose::STANDARD
            .decode(s.trim())
            .map_err(|_| SdkError::Wallet("signedAuthEntry is not base64".into()))?
    } else if v.is_object() && v.has_type::<js_sys::Uint8Array>() {
        js_sys::Uint8Array::new(v).to_vec()
    } else {
        return Err(SdkError::Wallet(
            "signAuthEntry answered without a signature".into(),
        ));
    };
    bytes
        .try_into()
        .map_err(|_| SdkError::Wallet("expected a 64-byte ed25519 signature".into()))
}

/// Owns the JavaScript signer classes `Keypair` and `WalletSigner`, and the registry that
/// finds the Rust side of a signer passed to a JavaScript contract client.
#[cfg(feature = "clients-js")]
mod bindings {
    use std::cell::{Cell, RefCell};
    use std::collections::HashMap;
    use std::rc::Rc;

    use base64::Engine;
    use ed25519_dalek::{Signer as _, SigningKey};
    use stellar_xdr::{HashIdPreimage, TransactionEnvelope};
    use wasm_bindgen::prelude::*;

    use super::SignerKind;
    use crate::error::{Result, SdkError};
    use crate::js;
    use crate::tx;

    thread_local! {
        static REGISTRY: RefCell<HashMap<u32, Rc<SignerKind>>> = RefCell::new(HashMap::new());
        static NEXT_ID: Cell<u32> = const { Cell::new(1) };
    }

    /// The property under which `Keypair` and `WalletSigner` expose their handle.
    const HANDLE: &str = "__teachlinkSigner";

    fn register(kind: SignerKind) -> u32 {
        let id = NEXT_ID.with(|n| {
            let id = n.get();
            n.set(id.wrapping_add(1).max(1));
            id
        });
        REGISTRY.with(|r| r.borrow_mut().insert(id, Rc::new(kind)));
        id
    }

    fn unregister(id: u32) {
        REGISTRY.with(|r| r.borrow_mut().remove(&id));
    }

    /// The signer behind a JavaScript value: a `Keypair`, a `WalletSigner`, or a bare SEP-43
    /// wallet object.
    pub fn resolve(v: &JsValue) -> Result<Rc<SignerKind>> {
        let handle = JsValue::from_str(HANDLE);
        if v.is_object() && js_sys::Reflect::has(v, &handle).unwrap_or(false) {
            // The getter throws once the object was freed.
            let found = js::get(v, HANDLE)
                .as_f64()
                .and_then(|id| REGISTRY.with(|r| r.borrow().get(&(id as u32)).cloned()));
            return found.ok_or_else(|| SdkError::invalid("signer", "this signer was freed"));
        }
        if js::get(v, "signTransaction").is_function() {
            return Ok(Rc::new(SignerKind::Wallet(v.clone())));
        }
        Err(SdkError::invalid(
            "signer",
            "expected a Keypair, a WalletSigner or a SEP-43 wallet object",
        ))
    }

    // ---------------------------------------------------------------- Keypair

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues, catch)]
        fn get_random_values(buf: &mut [u8]) -> std::result::Result<JsValue, JsValue>;
    }

    /// A local ed25519 key: signs transactions and auth entries in Wasm. It also has the
    /// SEP-43 wallet shape, so it can stand in for a wallet.
    #[wasm_bindgen]
    pub struct Keypair {
        id: u32,
        key: SigningKey,
    }

    impl Drop for Keypair {
        fn drop(&mut self) {
            unregister(self.id);
        }
    }

    impl Keypair {
        pub fn from_signing_key(key: SigningKey) -> Keypair {
            let id = register(SignerKind::Local(Box::new(key.clone())));
            Keypair { id, key }
        }

        fn public_key_bytes(&self) -> [u8; 32] {
            self.key.verifying_key().to_bytes()
        }
    }

    #[wasm_bindgen]
    impl Keypair {
        /// From an `S…` secret seed strkey.
        #[wasm_bindgen(js_name = fromSecret)]
        pub fn from_secret(secret: &str) -> std::result::Result<Keypair, JsValue> {
            Ok(Keypair::from_signing_key(tx::parse_secret(secret)?))
        }

        /// From a 32-byte ed25519 seed.
        #[wasm_bindgen(js_name = fromRawSeed)]
        pub fn from_raw_seed(seed: &[u8]) -> std::result::Result<Keypair, JsValue> {
            let seed: [u8; 32] = seed
                .try_into()
                .map_err(|_| SdkError::invalid("seed", "expected 32 bytes"))?;
            Ok(Keypair::from_signing_key(SigningKey::from_bytes(&seed)))
        }

        /// A new key from `crypto.getRandomValues`.
        pub fn random() -> std::result::Result<Keypair, JsValue> {
            let mut seed = [0u8; 32];
            get_random_values(&mut seed).map_err(|_| {
                SdkError::invalid("random", "crypto.getRandomValues is unavailable")
            })?;
            Ok(Keypair::from_signing_key(SigningKey::from_bytes(&seed)))
        }

        /// The account address (`G…`).
        #[wasm_bindgen(js_name = publicKey)]
        pub fn public_key(&self) -> String {
            tx::account_strkey(&self.public_key_bytes())
        }

        /// The secret seed (`S…`).
        pub fn secret(&self) -> String {
            tx::secret_strkey(&self.key)
        }

        /// An ed25519 signature of `data`.
        pub fn sign(&self, data: &[u8]) -> Vec<u8> {
            self.key.sign(data).to_bytes().to_vec()
        }

        pub fn verify(&self, data: &[u8], signature: &[u8]) -> bool {
            tx::verify(&self.public_key_bytes(), data, signature)
        }

        #[wasm_bindgen(getter = __teachlinkSigner, skip_typescript)]
        pub fn handle(&self) -> u32 {
            self.id
        }

        /// SEP-43 `getAddress`.
        #[wasm_bindgen(js_name = getAddress, unchecked_return_type = "{ address: string }")]
        pub async fn get_address(&self) -> std::result::Result<JsValue, JsValue> {
            Ok(js::object(&[(
                "address",
                JsValue::from_str(&self.public_key()),
            )]))
        }

        /// SEP-43 `signTransaction`: signs a base64 v1 envelope for `opts.networkPassphrase`.
        #[wasm_bindgen(js_name = signTransaction, unchecked_return_type = "SignTransactionResult")]
        pub async fn sign_transaction(
            &self,
            xdr: String,
            #[wasm_bindgen(unchecked_param_type = "SignOptions")] opts: JsValue,
        ) -> std::result::Result<JsValue, JsValue> {
            let passphrase = js::string(&js::get(&opts, "networkPassphrase"), "networkPassphrase")?;
            let mut env = tx::unwrap(tx::from_b64(&xdr, "transaction")?)?;
            tx::sign_envelope_locally(&mut env, &self.key, tx::network_id(&passphrase))?;
            let signed = tx::to_b64(&TransactionEnvelope::Tx(env), "transaction")?;
            Ok(js::object(&[
                ("signedTxXdr", JsValue::from_str(&signed)),
                ("signerAddress", JsValue::from_str(&self.public_key())),
            ]))
        }

        /// SEP-43 `signAuthEntry`: signs a base64 Soroban authorization preimage
        /// (`HashIdPreimage`) for `opts.networkPassphrase`; anything else is refused, so this
        /// never signs a transaction hash or arbitrary bytes.
        #[wasm_bindgen(js_name = signAuthEntry, unchecked_return_type = "SignAuthEntryResult")]
        pub async fn sign_auth_entry(
            &self,
            #[wasm_bindgen(js_name = preimageXdr)] preimage_xdr: String,
            #[wasm_bindgen(unchecked_param_type = "SignOptions")] opts: JsValue,
        ) -> std::result::Result<JsValue, JsValue> {
            let passphrase = js::string(&js::get(&opts, "networkPassphrase"), "networkPassphrase")?;
            let preimage: HashIdPreimage = tx::from_b64(&preimage_xdr, "auth preimage")?;
            let network = match &preimage {
                HashIdPreimage::SorobanAuthorization(p) => p.network_id.0,
                HashIdPreimage::SorobanAuthorizationWithAddress(p) => p.network_id.0,
                _ => {
                    return Err(SdkError::invalid(
                        "auth preimage",
                        "not a Soroban authorization preimage",
                    )
                    .into())
                }
            };
            if network != tx::network_id(&passphrase) {
                return Err(SdkError::invalid("auth preimage", "made for another network").into());
            }
            let sig = self.key.sign(&tx::auth_payload(&preimage)?).to_bytes();
            Ok(js::object(&[
                (
                    "signedAuthEntry",
                    JsValue::from_str(&base64::engine::general_purpose::STANDARD.encode(sig)),
                ),
                ("signerAddress", JsValue::from_str(&self.public_key())),
            ]))
        }
    }

    // ---------------------------------------------------------------- WalletSigner

    /// A wallet extension (Freighter, or anything with the SEP-43 shape) as a signer.
    #[wasm_bindgen]
    pub struct WalletSigner {
        id: u32,
        wallet: JsValue,
    }

    impl Drop for WalletSigner {
        fn drop(&mut self) {
            unregister(self.id);
        }
    }

    #[wasm_bindgen]
    impl WalletSigner {
        #[wasm_bindgen(constructor)]
        pub fn new(
            #[wasm_bindgen(unchecked_param_type = "Sep43Wallet")] wallet: JsValue,
        ) -> std::result::Result<WalletSigner, JsValue> {
            let id = register(SignerKind::wallet(wallet.clone())?);
            Ok(WalletSigner { id, wallet })
        }

        #[wasm_bindgen(getter = __teachlinkSigner, skip_typescript)]
        pub fn handle(&self) -> u32 {
            self.id
        }

        /// The wallet's account address (`G…`), asking the wallet.
        #[wasm_bindgen(js_name = getAddress)]
        pub async fn get_address(&self) -> std::result::Result<String, JsValue> {
            let kind = SignerKind::Wallet(self.wallet.clone());
            Ok(tx::account_strkey(&kind.public_key().await?))
        }
    }
}
