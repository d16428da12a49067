//! Typed refusals of the content contract.
use soroban_sdk::contracterror;

#[contracterror]
#[derive(Copy, Clone, Debug, Eq, PartialEq, PartialOrd, Ord)]
#[repr(u32)]
pub enum Error {
    /// The caller authorized but lacks the role the entry point needs.
    Unauthorized = 101,
    /// State-changing entry points are paused by the emergency role.
    Paused = 102,
    /// No pending proposal matches the operation and its arguments.
    NotProposed = 103,
    /// The proposal's timelock delay has not passed.
    TimelockNotReady = 104,
    /// The operation with these arguments is already proposed.
    AlreadyProposed = 105,
    /// The timelock delay is over 30 days.
    InvalidDelay = 106,
    /// No token has this id.
    TokenNotFound = 110,
    /// `from` (or `owner`) does not own the token.
    NotOwner = 111,
    /// The creator minted the token as non-transferable.
    NotTransferable = 112,
    /// A token cannot be transferred to its current owner.
    SelfTransfer = 113,
    /// The spender is not the token's approved address.
    NotApproved = 114,
    /// The spender's approval ended before the current ledger.
    ApprovalExpired = 115,
    /// An approval must live until the current ledger or later.
    InvalidExpiration = 116,
    /// The owner cannot be its own token's spender.
    InvalidSpender = 117,
    /// Only the token's creator may update its metadata.
    NotCreator = 118,
    /// A metadata update must change the uri, the content hash, or both.
    NothingToUpdate = 119,
    /// The title must be 1 to `MAX_TITLE_LEN` bytes.
    InvalidTitle = 120,
    /// The uri must be 1 to `MAX_URI_LEN` bytes.
    InvalidUri = 121,
    /// At most `MAX_TAGS` tags are allowed.
    TooManyTags = 122,
    /// The royalty is at most `MAX_ROYALTY_BPS` basis points (100%).
    InvalidRoyalty = 123,
    /// A sale price cannot be negative.
    InvalidPrice = 124,
    /// A provenance page holds at most `MAX_PAGE` records.
    InvalidLimit = 125,
    /// An arithmetic result does not fit.
    Overflow = 126,
}

teachlink_common::impl_from_common_error!(Error);
