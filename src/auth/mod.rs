//! Who is calling and what they may do.
mod actor;
pub mod password;
pub mod policy;
mod rate_limit;
pub mod token;

pub use actor::Actor;
pub use rate_limit::FailureLimiter;
