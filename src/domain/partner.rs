//! Partner organisations.
use strum::{EnumIter, EnumString, IntoStaticStr};

use super::{bounded_text, ValidationError};

/// What kind of organisation a partner is (the constituencies of DESIGN.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumString, IntoStaticStr, EnumIter)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum PartnerKind {
    Government,
    EmployersOrganization,
    WorkersOrganization,
    InternationalOrganization,
    FinancialInstitution,
    RegionalOrganization,
    Ngo,
    Enterprise,
    AcademicInstitution,
    CivilSociety,
    Other,
}

impl PartnerKind {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

bounded_text!(
    /// The official name of an organisation.
    PartnerName,
    1,
    200
);

bounded_text!(
    /// A region such as "Africa" or "Asia and the Pacific".
    Region,
    1,
    100
);

/// A short acronym such as "ILO": letters, digits, and a few separators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acronym(String);

impl Acronym {
    pub fn parse(field: &'static str, value: &str) -> Result<Self, ValidationError> {
        let value = super::bounded(field, value, 1, 32)?;
        let allowed = |c: char| c.is_alphanumeric() || matches!(c, ' ' | '-' | '.' | '&' | '/');
        if value.chars().all(allowed) {
            Ok(Self(value))
        } else {
            Err(ValidationError::new(
                field,
                "may contain only letters, digits, spaces and - . & /",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An assigned ISO 3166-1 alpha-2 country code, upper-case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    pub fn parse(field: &'static str, value: &str) -> Result<Self, ValidationError> {
        let upper = value.trim().to_ascii_uppercase();
        match isocountry::CountryCode::for_alpha2(&upper) {
            Ok(_) => {
                let bytes = upper.as_bytes();
                Ok(Self([bytes[0], bytes[1]]))
            }
            Err(_) => Err(ValidationError::new(
                field,
                "must be an ISO 3166-1 alpha-2 country code such as \"CH\"",
            )),
        }
    }

    pub fn as_str(&self) -> &str {
        // Constructed only from an ASCII alpha-2 code.
        std::str::from_utf8(&self.0).unwrap_or("")
    }
}

/// An http(s) address of an organisation's website.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Website(String);

impl Website {
    pub fn parse(field: &'static str, value: &str) -> Result<Self, ValidationError> {
        let value = super::bounded(field, value, 1, 500)?;
        match url::Url::parse(&value) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {
                Ok(Self(url.to_string()))
            }
            _ => Err(ValidationError::new(
                field,
                "must be an http or https address",
            )),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The lower-cased text that partner search matches against.
pub fn partner_search_text(name: &str, acronym: Option<&str>) -> String {
    match acronym {
        Some(acronym) => format!("{} {}", name.to_lowercase(), acronym.to_lowercase()),
        None => name.to_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_codes_must_be_assigned() {
        assert_eq!(CountryCode::parse("country", "ch").unwrap().as_str(), "CH");
        for bad in ["", "C", "CHE", "XX", "1A"] {
            assert!(
                CountryCode::parse("country", bad).is_err(),
                "{bad} accepted"
            );
        }
    }

    #[test]
    fn websites_must_be_http() {
        assert!(Website::parse("website", "https://www.ilo.org").is_ok());
        assert!(Website::parse("website", "javascript:alert(1)").is_err());
        assert!(Website::parse("website", "ftp://ilo.org").is_err());
    }

    #[test]
    fn kinds_use_the_api_names() {
        assert_eq!(
            PartnerKind::EmployersOrganization.as_str(),
            "EMPLOYERS_ORGANIZATION"
        );
        assert_eq!("NGO".parse::<PartnerKind>().unwrap(), PartnerKind::Ngo);
    }
}
