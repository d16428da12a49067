//! Contract tests, one file per concern. Happy paths run under
//! `mock_all_auths` and then check `env.auths()`; wrong-caller tests mock
//! only the wrong address's authorization.
mod admin;
mod binding;
mod completion;
mod contribution;
mod rating;
mod score;
mod sybil;

use soroban_sdk::{
    testutils::{
        storage::Persistent as _, Address as _, AuthorizedFunction, AuthorizedInvocation,
        EnvTestConfig, Ledger as _,
    },
    xdr::{ScErrorCode, ScErrorType},
    Address, BytesN, Env, IntoVal, Symbol, Val, Vec,
};
use teachlink_common::ttl;

use crate::{storage::DataKey, ReputationContract, ReputationContractClient, ISSUER, RATER};
pub use teachlink_common::testutils::TIMELOCK_DELAY;

/// Courses `Setup::new` binds to its issuer.
pub const BOUND_COURSES: core::ops::RangeInclusive<u64> = 1..=10;

pub struct Setup {
    pub env: Env,
    pub id: Address,
    pub client: ReputationContractClient<'static>,
    pub admin: Address,
    pub issuer: Address,
}

impl Setup {
    /// A deployed contract with one issuer, bound to courses 1 to 10, all
    /// auths mocked.
    pub fn new() -> Self {
        // No JSON snapshots on disk: the assertions are the record.
        let env = Env::new_with_config(EnvTestConfig {
            capture_snapshot_at_drop: false,
        });
        env.mock_all_auths();
        env.ledger().set_timestamp(1_700_000_000);
        let admin = Address::generate(&env);
        let id = env.register(ReputationContract, (admin.clone(), TIMELOCK_DELAY));
        let client = ReputationContractClient::new(&env, &id);
        let issuer = Address::generate(&env);
        client.grant_role(&ISSUER, &issuer);
        for course_id in BOUND_COURSES {
            client.bind_course(&course_id, &issuer);
        }
        Setup {
            env,
            id,
            client,
            admin,
            issuer,
        }
    }

    pub fn address(&self) -> Address {
        Address::generate(&self.env)
    }

    /// A fresh address holding the `rater` role: its ratings weigh 5.
    pub fn rater(&self) -> Address {
        let rater = self.address();
        self.client.grant_role(&RATER, &rater);
        rater
    }

    /// A fresh address with `completions` recorded completions (courses
    /// 1, 2, ...), so its ratings weigh `min(completions, 5)`.
    pub fn learner_with(&self, completions: u64) -> Address {
        let learner = self.address();
        for course_id in 1..=completions {
            self.client
                .record_completion(&self.issuer, &learner, &course_id, &100);
        }
        learner
    }

    pub fn reference(&self, seed: u8) -> BytesN<32> {
        BytesN::from_array(&self.env, &[seed; 32])
    }

    /// Records a contribution by `author` and returns its id.
    pub fn contribute(&self, author: &Address, seed: u8) -> u64 {
        self.client.record_contribution(
            author,
            &Symbol::new(&self.env, "tutorial"),
            &self.reference(seed),
        )
    }

    /// Asserts that the last call was authorized by `who` alone, for exactly
    /// this contract function and these arguments.
    pub fn assert_sole_auth(&self, who: &Address, fn_name: &str, args: Vec<Val>) {
        assert_eq!(
            self.env.auths(),
            std::vec![(
                who.clone(),
                AuthorizedInvocation {
                    function: AuthorizedFunction::Contract((
                        self.id.clone(),
                        Symbol::new(&self.env, fn_name),
                        args,
                    )),
                    sub_invocations: std::vec![],
                }
            )]
        );
    }

    /// Remaining TTL of a persistent entry of this contract.
    pub fn ttl_of(&self, key: &DataKey) -> u32 {
        self.env
            .as_contract(&self.id, || self.env.storage().persistent().get_ttl(key))
    }

    pub fn assert_fresh_ttl(&self, key: &DataKey) {
        assert!(self.ttl_of(key) >= ttl::BUMP_THRESHOLD);
    }
}

/// Shorthand for building call arguments.
pub fn args<T: IntoVal<Env, Vec<Val>>>(env: &Env, args: T) -> Vec<Val> {
    args.into_val(env)
}

/// How a refused `require_auth` surfaces through `try_` calls of entry points
/// that return no `Result`: the host reports it as a generic failure.
pub fn host_refusal() -> soroban_sdk::Error {
    soroban_sdk::Error::from_type_and_code(ScErrorType::Context, ScErrorCode::InvalidAction)
}
