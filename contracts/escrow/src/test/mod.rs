//! Native tests of the escrow contract against the real Stellar Asset
//! Contract in the Soroban test host.
extern crate std;

mod admin;
mod flows;
mod properties;
mod validation;

use soroban_sdk::{
    testutils::{Address as _, Ledger},
    token, Address, Env, IntoVal, Val, Vec,
};
pub use teachlink_common::testutils::TIMELOCK_DELAY;

pub use crate::{Error, EscrowContract, EscrowContractClient, EscrowTerms, Signer};

pub const AMOUNT: i128 = 10_000_000_000;
pub const START: u64 = 1_700_000_000;

pub struct Setup<'a> {
    pub env: Env,
    pub client: EscrowContractClient<'a>,
    pub token: token::TokenClient<'a>,
    pub admin: Address,
    pub learner: Address,
    pub teacher: Address,
    pub arbitrator: Address,
    pub signers: std::vec::Vec<Address>,
    pub stranger: Address,
}

impl<'a> Setup<'a> {
    pub fn new() -> Self {
        let env = teachlink_common::testutils::env();
        env.ledger().set_timestamp(START);
        let admin = Address::generate(&env);
        let issuer = Address::generate(&env);
        let sac = env.register_stellar_asset_contract_v2(issuer);
        let token = token::TokenClient::new(&env, &sac.address());
        let learner = Address::generate(&env);
        env.mock_all_auths();
        token::StellarAssetClient::new(&env, &sac.address()).mint(&learner, &(10 * AMOUNT));
        let id = env.register(EscrowContract, (admin.clone(), TIMELOCK_DELAY));
        let client = EscrowContractClient::new(&env, &id);
        let signers = (0..3).map(|_| Address::generate(&env)).collect();
        Setup {
            teacher: Address::generate(&env),
            arbitrator: Address::generate(&env),
            stranger: Address::generate(&env),
            env,
            client,
            token,
            admin,
            learner,
            signers,
        }
    }

    /// Terms with signers weighted 1, 1, 2 and threshold 2, release after an
    /// hour, refund after a week, and an arbitrator.
    pub fn terms(&self) -> EscrowTerms {
        let weights = [1u32, 1, 2];
        let mut signers = Vec::new(&self.env);
        for (address, weight) in self.signers.iter().zip(weights) {
            signers.push_back(Signer {
                address: address.clone(),
                weight,
            });
        }
        EscrowTerms {
            beneficiary: self.teacher.clone(),
            token: self.token.address.clone(),
            amount: AMOUNT,
            signers,
            threshold: 2,
            release_after: Some(START + 3_600),
            refund_after: Some(START + 7 * 86_400),
            arbitrator: Some(self.arbitrator.clone()),
            course_id: 42,
        }
    }

    pub fn create(&self) -> u64 {
        self.client.create(&self.learner, &self.terms())
    }

    pub fn advance_to(&self, timestamp: u64) {
        self.env.ledger().set_timestamp(timestamp);
    }

    pub fn contract_balance(&self) -> i128 {
        self.token.balance(&self.client.address)
    }
    /// Asserts that the last call required exactly `who`'s authorization
    /// for `fn_name` on the escrow, and nobody else's.
    pub fn assert_authorized_by(&self, who: &Address, fn_name: &str) {
        teachlink_common::testutils::assert_authorized_only(
            &self.env,
            who,
            &self.client.address,
            fn_name,
        );
    }
}

pub fn args(env: &Env, values: impl IntoVal<Env, Vec<Val>>) -> Vec<Val> {
    values.into_val(env)
}
