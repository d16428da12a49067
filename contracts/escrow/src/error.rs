//! Typed refusals of the escrow contract.
use soroban_sdk::contracterror;

#[contracterror]
#[derive(Copy, Clone, Debug, Eq, PartialEq, PartialOrd, Ord)]
#[repr(u32)]
pub enum Error {
    /// The caller authorized but is not a party allowed to do this.
    Unauthorized = 1,
    /// Money-moving entry points are paused by the emergency role.
    Paused = 2,
    /// No escrow has this id.
    EscrowNotFound = 10,
    /// The amount must be positive.
    InvalidAmount = 11,
    /// 1 to `MAX_SIGNERS` signers are required.
    InvalidSignerCount = 12,
    /// A signer appears twice.
    DuplicateSigner = 13,
    /// Every signer weight must be positive.
    InvalidWeight = 14,
    /// The threshold must be between 1 and the total signer weight.
    InvalidThreshold = 15,
    /// The refund time must come after the release time.
    InvalidDeadlines = 16,
    /// Depositor, beneficiary and arbitrator must be distinct parties.
    InvalidParties = 17,
    /// The escrow is not open (already ended, or disputed).
    NotOpen = 18,
    /// The address is not one of the escrow's signers.
    NotSigner = 19,
    /// This signer already approved.
    AlreadyApproved = 20,
    /// Approvals have not reached the threshold.
    ThresholdNotMet = 21,
    /// The release time has not come yet.
    ReleaseTooEarly = 22,
    /// The refund time has not come yet, or none was set.
    RefundTooEarly = 23,
    /// Cancelling is only possible before anyone approved.
    AlreadyHasApprovals = 24,
    /// No arbitrator was named, so the escrow cannot be disputed.
    NoArbitrator = 25,
    /// The escrow is not under dispute.
    NotDisputed = 26,
    /// A split must be given in basis points, at most 10,000.
    InvalidSplit = 27,
    /// The dispute reason is longer than `MAX_REASON_LEN` bytes.
    ReasonTooLong = 28,
    /// An arithmetic result does not fit.
    Overflow = 29,
}

teachlink_common::impl_from_common_error!(Error);
