//! argon2id password hashing, always on the blocking pool so a login never
//! stalls the async workers, and never more at once than a few per core: each
//! takes 19 MiB, and the blocking pool would otherwise run hundreds.
use std::{
    sync::{Arc, LazyLock},
    time::Duration,
};

use anyhow::Context;
use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Algorithm, Argon2, Params, Version,
};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::{
    domain::Password,
    error::{AppError, AppResult},
};

/// Hashes running at once: two per core.
static HASHING: LazyLock<Arc<Semaphore>> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    Arc::new(Semaphore::new(2 * cores))
});

/// How long a request waits for a turn before it is told to come back.
const WAIT_FOR_TURN: Duration = Duration::from_secs(2);

/// A turn to hash, or RATE_LIMITED when the node is busy hashing for others.
async fn turn() -> AppResult<OwnedSemaphorePermit> {
    turn_of(&HASHING, WAIT_FOR_TURN).await
}

async fn turn_of(turns: &Arc<Semaphore>, wait: Duration) -> AppResult<OwnedSemaphorePermit> {
    match tokio::time::timeout(wait, turns.clone().acquire_owned()).await {
        Ok(Ok(permit)) => Ok(permit),
        _ => Err(AppError::RateLimited {
            retry_after_secs: 1,
        }),
    }
}

/// OWASP's minimum for argon2id: 19 MiB of memory, 2 iterations, 1 lane.
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Verified when the e-mail is unknown, so that an unknown address costs the same
/// time as a wrong password and the answer's timing tells nothing.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(b"not a real password, only for timing", &salt)
        .expect("hashing a constant")
        .to_string()
});

pub async fn hash(password: &Password) -> AppResult<String> {
    let secret = SecretString::from(password.expose().to_owned());
    let permit = turn().await?;
    let hashed = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let salt = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(secret.expose_secret().as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|error| anyhow::anyhow!("hashing a password: {error}"))
    })
    .await
    .context("password hashing task");
    Ok(hashed??)
}

/// Checks `candidate` against `stored` (or against a dummy hash when there is no
/// such user). Returns true only for a real match.
pub async fn verify(candidate: SecretString, stored: Option<String>) -> AppResult<bool> {
    let permit = turn().await?;
    let verified = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let exists = stored.is_some();
        let hash_text = stored.unwrap_or_else(|| DUMMY_HASH.clone());
        let parsed = PasswordHash::new(&hash_text)
            .map_err(|error| anyhow::anyhow!("stored password hash is malformed: {error}"))?;
        let matches = hasher()
            .verify_password(candidate.expose_secret().as_bytes(), &parsed)
            .is_ok();
        anyhow::Ok(exists && matches)
    })
    .await
    .context("password verification task");
    Ok(verified??)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn beyond_the_hashing_bound_a_request_is_told_to_come_back() {
        let turns = Arc::new(Semaphore::new(2));
        let first = turn_of(&turns, Duration::from_millis(50)).await.unwrap();
        let _second = turn_of(&turns, Duration::from_millis(50)).await.unwrap();
        let refused = turn_of(&turns, Duration::from_millis(50)).await;
        assert!(
            matches!(refused, Err(AppError::RateLimited { .. })),
            "{refused:?}"
        );
        drop(first);
        assert!(turn_of(&turns, Duration::from_millis(50)).await.is_ok());
        // The node's own bound: two per core.
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        assert!(HASHING.available_permits() <= 2 * cores);
    }

    #[tokio::test]
    async fn a_hash_verifies_only_its_own_password() {
        let password = Password::parse("password", "correct horse battery").unwrap();
        let stored = hash(&password).await.unwrap();
        assert!(
            stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{stored}"
        );
        let right = SecretString::from("correct horse battery".to_owned());
        let wrong = SecretString::from("correct horse batterx".to_owned());
        assert!(verify(right.clone(), Some(stored.clone())).await.unwrap());
        assert!(!verify(wrong, Some(stored)).await.unwrap());
        assert!(!verify(right, None).await.unwrap());
    }
}
