//! Helpers shared by the integration tests. Each test binary uses a part of them.
#![allow(dead_code)]

pub mod chain;
pub mod harness;
pub mod proxy;
pub mod schema_check;
