//! A deployed pool with a real Stellar asset, an admin, an issuer and a
//! funder holding tokens; plus helpers to check auths and events.
use soroban_sdk::{
    testutils::{Address as _, AuthorizedFunction, AuthorizedInvocation},
    token::{StellarAssetClient, TokenClient},
    Address, Env, IntoVal, Symbol, Val, Vec,
};
use std::vec;

use crate::{RewardsContract, RewardsContractClient, ISSUER};
pub use teachlink_common::testutils::{refused_for_missing_auth, signed_by, TIMELOCK_DELAY};

/// What the funder holds before anything happens.
pub const FUNDER_START: i128 = 1_000_000;
/// The issuer's allowance at the start: all the funder could ever put in.
pub const ISSUER_ALLOWANCE: i128 = FUNDER_START;

pub struct Setup {
    pub env: Env,
    pub id: Address,
    pub client: RewardsContractClient<'static>,
    pub token: TokenClient<'static>,
    pub admin: Address,
    pub issuer: Address,
    pub funder: Address,
    pub learner: Address,
}

impl Setup {
    /// Everything authorized by default; wrong-caller tests override per call.
    pub fn new() -> Self {
        let env = teachlink_common::testutils::env();
        env.mock_all_auths();
        let admin = Address::generate(&env);
        let issuer = Address::generate(&env);
        let funder = Address::generate(&env);
        let learner = Address::generate(&env);

        let sac = env.register_stellar_asset_contract_v2(Address::generate(&env));
        let token = TokenClient::new(&env, &sac.address());
        StellarAssetClient::new(&env, &sac.address()).mint(&funder, &FUNDER_START);

        let id = env.register(
            RewardsContract,
            (admin.clone(), TIMELOCK_DELAY, sac.address()),
        );
        let client = RewardsContractClient::new(&env, &id);
        client.grant_role(&ISSUER, &issuer);
        client.set_allowance(&issuer, &ISSUER_ALLOWANCE);

        Setup {
            env,
            id,
            client,
            token,
            admin,
            issuer,
            funder,
            learner,
        }
    }

    /// A pool that already holds `amount` from the funder.
    pub fn funded(amount: i128) -> Self {
        let s = Self::new();
        s.client.fund(&s.funder, &amount);
        s
    }

    /// A pool holding `pool` of which `promised` is issued to the learner.
    pub fn with_reward(pool: i128, promised: i128) -> Self {
        let s = Self::funded(pool);
        s.client
            .issue(&s.issuer, &s.learner, &promised, &reason(&s.env));
        s
    }

    pub fn balance(&self, who: &Address) -> i128 {
        self.token.balance(who)
    }

    pub fn pool_balance(&self) -> i128 {
        self.token.balance(&self.id)
    }

    /// Events this contract emitted in the last invocation, as XDR.
    pub fn events(&self) -> std::vec::Vec<soroban_sdk::xdr::ContractEvent> {
        use soroban_sdk::testutils::Events as _;
        self.env
            .events()
            .all()
            .filter_by_contract(&self.id)
            .events()
            .to_vec()
    }

    /// A call to this contract, for `env.auths()` comparisons.
    pub fn invocation(
        &self,
        fn_name: &str,
        args: Vec<Val>,
        sub_invocations: std::vec::Vec<AuthorizedInvocation>,
    ) -> AuthorizedInvocation {
        contract_invocation(&self.env, &self.id, fn_name, args, sub_invocations)
    }

    /// A token transfer made under the caller's authorization.
    pub fn transfer_invocation(
        &self,
        from: &Address,
        to: &Address,
        amount: i128,
    ) -> AuthorizedInvocation {
        contract_invocation(
            &self.env,
            &self.token.address,
            "transfer",
            (from.clone(), to.clone(), amount).into_val(&self.env),
            vec![],
        )
    }
}

pub fn reason(env: &Env) -> Symbol {
    Symbol::new(env, "course_done")
}

fn contract_invocation(
    env: &Env,
    contract: &Address,
    fn_name: &str,
    args: Vec<Val>,
    sub_invocations: std::vec::Vec<AuthorizedInvocation>,
) -> AuthorizedInvocation {
    AuthorizedInvocation {
        function: AuthorizedFunction::Contract((contract.clone(), Symbol::new(env, fn_name), args)),
        sub_invocations,
    }
}
