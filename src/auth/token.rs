//! Opaque bearer tokens: 256 random bits, shown once, stored only as SHA-256.
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};

/// A new random token and the hash to store for it.
pub fn generate(prefix: &str) -> (String, String) {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token = format!("{prefix}_{}", URL_SAFE_NO_PAD.encode(bytes));
    let hash = hash(&token);
    (token, hash)
}

/// The stored form of a token. A fast hash is right here: the token has 256 bits
/// of entropy, so there is nothing to brute-force.
pub fn hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// A random password for demo accounts (printed once, never stored in clear).
pub fn random_password() -> String {
    let mut bytes = [0u8; 18];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unique_and_hash_to_what_is_stored() {
        let (a, a_hash) = generate("coa");
        let (b, _) = generate("coa");
        assert_ne!(a, b);
        assert!(a.starts_with("coa_"));
        assert_eq!(hash(&a), a_hash);
        assert_eq!(a_hash.len(), 64);
    }
}
