//! Roles on the platform and within a partner organisation.
use strum::{EnumString, IntoStaticStr};

/// A platform-wide role; most users have none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumString, IntoStaticStr)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum PlatformRole {
    Admin,
    Secretariat,
}

/// A user's role within one partner organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumString, IntoStaticStr)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum PartnerRole {
    Admin,
    FocalPoint,
    Member,
}

impl PlatformRole {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

impl PartnerRole {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_stored_names() {
        assert_eq!(PartnerRole::FocalPoint.as_str(), "FOCAL_POINT");
        assert_eq!(
            "FOCAL_POINT".parse::<PartnerRole>().unwrap(),
            PartnerRole::FocalPoint
        );
        assert_eq!(
            "SECRETARIAT".parse::<PlatformRole>().unwrap(),
            PlatformRole::Secretariat
        );
    }
}
