//! Who people are: e-mail addresses, names and passwords.
use secrecy::{ExposeSecret, SecretString};

use super::{bounded_text, ValidationError};

/// An e-mail address, lower-cased so that uniqueness is case-insensitive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(field: &'static str, value: &str) -> Result<Self, ValidationError> {
        let value = value.trim().to_lowercase();
        let invalid = || ValidationError::new(field, "is not a valid e-mail address");
        if value.len() > 320 {
            return Err(ValidationError::new(
                field,
                "must be at most 320 characters",
            ));
        }
        let (local, domain) = value.split_once('@').ok_or_else(invalid)?;
        let valid_local = !local.is_empty() && local.len() <= 64;
        let valid_domain = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..");
        let no_bad_chars =
            !value.chars().any(|c| c.is_whitespace() || c.is_control()) && !domain.contains('@');
        if valid_local && valid_domain && no_bad_chars {
            Ok(Self(value))
        } else {
            Err(invalid())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

bounded_text!(
    /// The name a user is shown by.
    DisplayName,
    1,
    200
);

/// A new password: 12 to 256 characters (NIST SP 800-63B lengths), checked
/// before any hashing so an oversized input costs nothing.
pub struct Password(SecretString);

impl Password {
    pub const MIN_CHARS: usize = 12;
    pub const MAX_CHARS: usize = 256;

    pub fn parse(field: &'static str, value: &str) -> Result<Self, ValidationError> {
        let length = value.chars().count();
        if length < Self::MIN_CHARS {
            return Err(ValidationError::new(
                field,
                format!("must be at least {} characters", Self::MIN_CHARS),
            ));
        }
        if length > Self::MAX_CHARS {
            return Err(ValidationError::new(
                field,
                format!("must be at most {} characters", Self::MAX_CHARS),
            ));
        }
        Ok(Self(SecretString::from(value.to_owned())))
    }

    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password([REDACTED])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_lower_cased_and_checked() {
        assert_eq!(
            Email::parse("email", " Ana@ILO.org ").unwrap().as_str(),
            "ana@ilo.org"
        );
        for bad in [
            "",
            "ana",
            "ana@",
            "@ilo.org",
            "ana@ilo",
            "a b@ilo.org",
            "ana@ilo..org",
        ] {
            assert!(Email::parse("email", bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn password_length_is_bounded_in_characters() {
        assert!(Password::parse("password", &"x".repeat(11)).is_err());
        assert!(Password::parse("password", &"x".repeat(12)).is_ok());
        assert!(Password::parse("password", &"é".repeat(256)).is_ok());
        assert!(Password::parse("password", &"x".repeat(257)).is_err());
    }

    #[test]
    fn password_debug_hides_the_secret() {
        let password = Password::parse("password", "correct horse battery").unwrap();
        assert!(!format!("{password:?}").contains("horse"));
    }
}
