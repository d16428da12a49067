//! The storage keys as readers outside the contract build them: the
//! validator daemon reads `Config`, validator records and completion markers
//! as ledger entries keyed by a vector of the variant's name and its fields.
use soroban_sdk::{testutils::Address as _, vec, Address, BytesN, Env, IntoVal, Symbol, Val, Vec};

use super::{Setup, REMOTE};

fn key(env: &Env, name: &str, fields: &[Val]) -> Vec<Val> {
    let mut key = vec![env, Symbol::new(env, name).to_val()];
    for field in fields {
        key.push_back(*field);
    }
    key
}

#[test]
fn keys_are_a_name_and_the_fields() {
    let s = Setup::new();
    let env = &s.env;
    let recipient = Address::generate(env);
    let message = s.message(1, 100, &recipient);
    s.client
        .complete(&message, &s.attest_message(&message, &[0, 1, 2]));
    let nonce = s.lock(100);
    let source_bridge: BytesN<32> = s.source_bridge();

    env.as_contract(&s.client.address, || {
        let instance = env.storage().instance();
        assert!(instance.has(&key(env, "Config", &[])));
        assert!(instance.has(&key(env, "Totals", &[])));
        let persistent = env.storage().persistent();
        let present = [
            key(env, "Validator", &[s.validators[0].to_val()]),
            key(env, "Outbound", &[nonce.into_val(env)]),
            key(
                env,
                "Completed",
                &[
                    REMOTE.into_val(env),
                    source_bridge.to_val(),
                    1u64.into_val(env),
                ],
            ),
            key(env, "Chain", &[REMOTE.into_val(env)]),
            key(env, "OutFlow", &[REMOTE.into_val(env)]),
            key(env, "InFlow", &[REMOTE.into_val(env)]),
        ];
        for k in present {
            assert!(persistent.has(&k), "{k:?}");
        }
        // The same marker for another nonce is absent: the key names the nonce.
        let other = key(
            env,
            "Completed",
            &[
                REMOTE.into_val(env),
                source_bridge.to_val(),
                2u64.into_val(env),
            ],
        );
        assert!(!persistent.has(&other));
    });
}
