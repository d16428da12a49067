//! Typed refusals of the reputation contract.
use soroban_sdk::contracterror;

#[contracterror]
#[derive(Copy, Clone, Debug, Eq, PartialEq, PartialOrd, Ord)]
#[repr(u32)]
pub enum Error {
    /// The caller authorized but lacks the role this needs (e.g. `issuer`).
    Unauthorized = 101,
    /// Recording and rating are paused by the emergency role.
    Paused = 102,
    /// No pending proposal matches the operation and its arguments.
    NotProposed = 103,
    /// The proposal's timelock delay has not passed.
    TimelockNotReady = 104,
    /// The operation with these arguments is already proposed.
    AlreadyProposed = 105,
    /// The timelock delay is over 30 days.
    InvalidDelay = 106,
    /// A completion score must be a percentage, 0 to 100.
    InvalidScore = 110,
    /// An issuer cannot record a completion for itself.
    SelfCompletion = 111,
    /// This learner's completion of this course is already recorded.
    AlreadyCompleted = 112,
    /// No contribution has this id.
    ContributionNotFound = 113,
    /// A rating must be 1 to 5 stars.
    InvalidRating = 114,
    /// Authors cannot rate their own contributions.
    SelfRating = 115,
    /// This rater already rated this contribution.
    AlreadyRated = 116,
    /// A counter or sum does not fit its type.
    Overflow = 117,
    /// Only addresses with a recorded completion, or the `rater` role, may rate.
    RaterNotEligible = 118,
    /// No issuer is bound to this course yet (the admin's `bind_course`).
    CourseNotBound = 119,
    /// This course is bound to another issuer.
    NotCourseIssuer = 120,
    /// This learner has no recorded completion of this course.
    CompletionNotFound = 121,
}

teachlink_common::impl_from_common_error!(Error);
