//! The reputation and rewards contracts' release Wasm on the real Soroban
//! host: a learner completes a course, earns a rating and a reward, claims it.
use teachlink_tests::{
    fixtures::{
        reputation::{ReputationWorld, COURSE},
        rewards::{RewardsWorld, ALLOWANCE, POOL, REWARD},
    },
    Build,
};

#[test]
fn completion_and_rating_raise_scores_once() {
    let w = ReputationWorld::new(Build::Wasm);
    assert_eq!(w.client.credit_score(&w.learner), 0);
    w.client
        .record_completion(&w.issuer, &w.learner, &COURSE, &90);
    assert!(w.client.has_completed(&w.learner, &COURSE));
    let after_completion = w.client.profile(&w.learner);
    assert_eq!(after_completion.completions, 1);
    assert!(after_completion.credit_score > 0);
    assert_eq!(
        w.client
            .try_record_completion(&w.issuer, &w.learner, &COURSE, &90),
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

#[test]
fn courses_are_bound_raters_weighed_and_completions_corrected() {
    use teachlink_reputation::Error;
    let w = ReputationWorld::new(Build::Wasm);
    let other_issuer = w.world.account();
    w.client
        .grant_role(&teachlink_reputation::ISSUER, &other_issuer);
    assert_eq!(
        w.client
            .try_record_completion(&other_issuer, &w.learner, &COURSE, &90),
        Err(Ok(Error::NotCourseIssuer))
    );
    assert_eq!(
        w.client
            .try_record_completion(&w.issuer, &w.learner, &(COURSE + 1), &90),
        Err(Ok(Error::CourseNotBound))
    );

    // A fresh address may not rate; the learner, once it completed a
    // course, rates at weight 1.
    let id = w
        .client
        .record_contribution(&w.peer, &w.kind(), &w.reference());
    let fresh = w.world.account();
    assert_eq!(
        w.client.try_rate(&fresh, &id, &5),
        Err(Ok(Error::RaterNotEligible))
    );
    w.client
        .record_completion(&w.issuer, &w.learner, &COURSE, &90);
    w.client.rate(&w.learner, &id, &5);
    let peer = w.client.profile(&w.peer);
    assert_eq!((peer.rating_weight, peer.reputation), (1, 50));

    w.client.correct_completion(&w.learner, &COURSE, &40);
    assert_eq!(w.client.profile(&w.learner).completion_score_sum, 40);
}

#[test]
fn allowances_limit_issuers_and_revoked_rewards_return_to_the_pool() {
    use teachlink_rewards::Error;
    let w = RewardsWorld::new(Build::Wasm);
    assert_eq!(w.client.allowance(&w.issuer), ALLOWANCE);
    w.client.set_allowance(&w.issuer, &REWARD);
    w.issue();
    assert_eq!(w.client.allowance(&w.issuer), 0);
    assert_eq!(
        w.client.try_issue(&w.issuer, &w.learner, &1, &w.reason()),
        Err(Ok(Error::AllowanceExceeded))
    );

    w.client.revoke(&w.learner, &REWARD);
    assert_eq!(w.client.unclaimed(&w.learner), 0);
    let pool = w.client.pool();
    assert_eq!((pool.available, pool.total_revoked), (POOL, REWARD));
    assert_eq!(
        w.client.try_revoke(&w.learner, &1),
        Err(Ok(Error::RevokeExceedsUnclaimed))
    );
}
