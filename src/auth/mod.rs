//! Who is calling and what they may do.
mod actor;
mod login_limits;
pub mod password;
pub mod policy;
mod rate_limit;
mod shared_failures;
pub mod token;

pub use actor::Actor;
pub use login_limits::LoginLimits;
pub use rate_limit::FailureLimiter;
pub use shared_failures::SharedFailures;
