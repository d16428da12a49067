//! teachlink-admin: the `teachlink` admin CLI, which deploys and operates TeachLink on any
//! network through Stellar RPC alone (localnet and a real network are driven the same way),
//! on the SDK's transaction path.
//!
//! | module | owns |
//! |---|---|
//! | [`cli`] | the command line and its dispatch |
//! | [`net`] | one network over RPC: passphrase check, ledger entries, decoded events |
//! | [`flow`] | one transaction: simulate, show fee and footprint, confirm or build only, send, report |
//! | [`deploy`] | `deploy`, resumable, and the deployment file |
//! | [`ops`] | status, pause, upgrades through the timelock, roles, admin handover, funding, bridge |
//! | [`keys`] | signing keys from an environment variable or an owner-only file |
//! | [`error`] | the CLI's errors and exit codes |

pub mod cli;
pub mod deploy;
pub mod error;
pub mod flow;
pub mod keys;
pub mod net;
pub mod ops;

pub use error::{AdminError, Result};
