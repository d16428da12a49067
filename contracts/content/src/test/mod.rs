//! Tests of the content contract, one file per concern. Shared set-up and
//! helpers live here. What calls cost is measured through the release Wasm by
//! `scripts/contract-costs.sh` (docs/benchmarks.md), not asserted here: the
//! network charges the Wasm, not this native build.
extern crate std;

mod admin;
mod approve;
mod metadata;
mod mint;
mod provenance;
mod transfer;

use soroban_sdk::{
    symbol_short,
    testutils::{Address as _, AuthorizedFunction, AuthorizedInvocation, Ledger as _},
    vec, Address, BytesN, Env, IntoVal, Map, String, Symbol, Val, Vec,
};

use crate::{ContentContract, ContentContractClient};
pub use teachlink_common::testutils::TIMELOCK_DELAY;

pub const START_LEDGER: u32 = 1_000;
pub const START_TIME: u64 = 1_700_000_000;

pub struct Setup<'a> {
    pub env: Env,
    pub admin: Address,
    pub id: Address,
    pub client: ContentContractClient<'a>,
}

/// A freshly deployed contract; authorizations are not mocked.
pub fn setup() -> Setup<'static> {
    let env = teachlink_common::testutils::env();
    env.ledger().with_mut(|l| {
        l.sequence_number = START_LEDGER;
        l.timestamp = START_TIME;
    });
    let admin = Address::generate(&env);
    let id = env.register(ContentContract, (admin.clone(), TIMELOCK_DELAY));
    let client = ContentContractClient::new(&env, &id);
    Setup {
        env,
        admin,
        id,
        client,
    }
}

/// A freshly deployed contract where every `require_auth` passes.
pub fn setup_mocked() -> Setup<'static> {
    let s = setup();
    s.env.mock_all_auths();
    s
}

/// Arguments of `mint` after the creator.
#[derive(Clone)]
pub struct Params {
    pub title: String,
    pub content_hash: BytesN<32>,
    pub uri: String,
    pub licence: Symbol,
    pub tags: Vec<Symbol>,
    pub transferable: bool,
    pub royalty_bps: u32,
}

/// Realistic mint arguments: a 39-byte title, 61-byte uri and 3 tags.
pub fn params(env: &Env) -> Params {
    Params {
        title: String::from_str(env, "Introduction to Soroban smart contracts"),
        content_hash: BytesN::from_array(env, &[7; 32]),
        uri: String::from_str(
            env,
            "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fb",
        ),
        licence: symbol_short!("cc_by"),
        tags: vec![
            env,
            symbol_short!("rust"),
            symbol_short!("soroban"),
            symbol_short!("stellar"),
        ],
        transferable: true,
        royalty_bps: 500,
    }
}

impl Params {
    /// The arguments of a `mint` call by `creator`, as its auth sees them.
    pub fn args(&self, env: &Env, creator: &Address) -> Vec<Val> {
        (
            creator.clone(),
            self.title.clone(),
            self.content_hash.clone(),
            self.uri.clone(),
            self.licence.clone(),
            self.tags.clone(),
            self.transferable,
            self.royalty_bps,
        )
            .into_val(env)
    }
}

pub fn mint(client: &ContentContractClient, creator: &Address, p: &Params) -> u64 {
    client.mint(
        creator,
        &p.title,
        &p.content_hash,
        &p.uri,
        &p.licence,
        &p.tags,
        &p.transferable,
        &p.royalty_bps,
    )
}

/// What the client's `try_mint` returns.
pub type TryMint =
    Result<Result<u64, soroban_sdk::Error>, Result<crate::Error, soroban_sdk::InvokeError>>;

pub fn try_mint(client: &ContentContractClient, creator: &Address, p: &Params) -> TryMint {
    client.try_mint(
        creator,
        &p.title,
        &p.content_hash,
        &p.uri,
        &p.licence,
        &p.tags,
        &p.transferable,
        &p.royalty_bps,
    )
}

/// Mints the realistic token for a new creator; returns (creator, token id).
pub fn mint_one(s: &Setup) -> (Address, u64) {
    let creator = Address::generate(&s.env);
    let id = mint(&s.client, &creator, &params(&s.env));
    (creator, id)
}

/// Asserts that the last call was authorized by exactly `who`, for
/// `fn_name` of this contract with `args`.
pub fn assert_auth_by(s: &Setup, who: &Address, fn_name: &str, args: Vec<Val>) {
    assert_eq!(
        s.env.auths(),
        std::vec![(
            who.clone(),
            AuthorizedInvocation {
                function: AuthorizedFunction::Contract((
                    s.id.clone(),
                    Symbol::new(&s.env, fn_name),
                    args,
                )),
                sub_invocations: std::vec![],
            }
        )]
    );
}

/// An event's data map from (field name, value) pairs.
pub fn data(env: &Env, fields: &[(&str, Val)]) -> Val {
    let mut map = Map::<Symbol, Val>::new(env);
    for (name, value) in fields {
        map.set(Symbol::new(env, name), *value);
    }
    map.into_val(env)
}
