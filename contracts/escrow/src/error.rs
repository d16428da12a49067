//! Typed refusals of the escrow contract.
use soroban_sdk::contracterror;

#[contracterror]
#[derive(Copy, Clone, Debug, Eq, PartialEq, PartialOrd, Ord)]
#[repr(u32)]
pub enum Error {
    /// The caller authorized but is not a party allowed to do this.
    Unauthorized = 101,
    /// Money-moving entry points are paused by the emergency role.
    Paused = 102,
    /// No pending proposal matches the operation and its arguments.
    NotProposed = 103,
    /// The proposal's timelock delay has not passed.
    TimelockNotReady = 104,
    /// The operation with these arguments is already proposed.
    AlreadyProposed = 105,
    /// The timelock delay is over 30 days.
    InvalidDelay = 106,
    /// No escrow has this id.
    EscrowNotFound = 110,
    /// The amount must be positive.
    InvalidAmount = 111,
    /// 1 to `MAX_SIGNERS` signers are required.
    InvalidSignerCount = 112,
    /// A signer appears twice.
    DuplicateSigner = 113,
    /// Every signer weight must be positive.
    InvalidWeight = 114,
    /// The threshold must be between 1 and the total signer weight.
    InvalidThreshold = 115,
    /// The refund time must come after the release time.
    InvalidDeadlines = 116,
    /// Depositor, beneficiary and arbitrator must be distinct parties.
    InvalidParties = 117,
    /// The escrow is not open (already ended, or disputed).
    NotOpen = 118,
    /// The address is not one of the escrow's signers.
    NotSigner = 119,
    /// This signer already approved.
    AlreadyApproved = 120,
    /// Approvals have not reached the threshold.
    ThresholdNotMet = 121,
    /// The release time has not come yet.
    ReleaseTooEarly = 122,
    /// The refund time has not come yet, or none was set.
    RefundTooEarly = 123,
    /// Cancelling is only possible before anyone approved.
    AlreadyHasApprovals = 124,
    /// No arbitrator was named, so the escrow cannot be disputed.
    NoArbitrator = 125,
    /// The escrow is not under dispute.
    NotDisputed = 126,
    /// A split must be given in basis points, at most 10,000.
    InvalidSplit = 127,
    /// The dispute reason is longer than `MAX_REASON_LEN` bytes.
    ReasonTooLong = 128,
    /// An arithmetic result does not fit.
    Overflow = 129,
}

teachlink_common::impl_from_common_error!(Error);
