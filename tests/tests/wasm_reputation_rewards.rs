//! The reputation and rewards contracts' release Wasm on the real Soroban
//! host: a learner completes a course, earns a rating and a reward, claims it.
use teachlink_tests::{
    fixtures::{
        reputation::ReputationWorld,
        rewards::{RewardsWorld, POOL, REWARD},
    },
    Build,
};

#[test]
fn completion_and_rating_raise_scores_once() {
    let w = ReputationWorld::new(Build::Wasm);
    assert_eq!(w.client.credit_score(&w.learner), 0);
    w.client.record_completion(&w.issuer, &w.learner, &101, &90);
    assert!(w.client.has_completed(&w.learner, &101));
    let after_completion = w.client.profile(&w.learner);
    assert_eq!(after_completion.completions, 1);
    assert!(after_completion.credit_score > 0);
    assert_eq!(
        w.client
            .try_record_completion(&w.issuer, &w.learner, &101, &90),
        Err(Ok(teachlink_reputation::Error::AlreadyCompleted))
    );

    let id = w.contribution();
    w.client.rate(&w.peer, &id, &5);
    assert_eq!(
        w.client.try_rate(&w.learner, &id, &5),
        Err(Ok(teachlink_reputation::Error::SelfRating))
    );
    let after_rating = w.client.profile(&w.learner);
    assert_eq!(after_rating.ratings_received, 1);
    assert!(after_rating.reputation > after_completion.reputation);
}

#[test]
fn an_outsider_cannot_record_completions() {
    let w = ReputationWorld::new(Build::Wasm);
    let outsider = w.world.account();
    assert_eq!(
        w.client
            .try_record_completion(&outsider, &w.learner, &1, &50),
        Err(Ok(teachlink_reputation::Error::Unauthorized))
    );
    assert_eq!(w.client.profile(&w.learner).completions, 0);
}

#[test]
fn rewards_are_backed_issued_and_claimed() {
    let w = RewardsWorld::new(Build::Wasm);
    assert_eq!(w.world.token.balance(&w.client.address), POOL);
    w.issue();
    assert_eq!(w.client.unclaimed(&w.learner), REWARD);
    assert_eq!(
        w.client
            .try_issue(&w.issuer, &w.learner, &POOL, &w.reason()),
        Err(Ok(teachlink_rewards::Error::InsufficientPool))
    );
    assert_eq!(w.client.claim(&w.learner), REWARD);
    assert_eq!(w.world.token.balance(&w.learner), REWARD);
    assert_eq!(w.world.token.balance(&w.client.address), POOL - REWARD);
    assert_eq!(
        w.client.try_claim(&w.learner),
        Err(Ok(teachlink_rewards::Error::NothingToClaim))
    );
    let pool = w.client.pool();
    assert_eq!(pool.total_unclaimed, 0);
    assert_eq!(pool.total_claimed, REWARD);
}
