//! The languages of the partners: English, French and Spanish.
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Locale {
    #[default]
    En,
    Fr,
    Es,
}

impl Locale {
    pub const ALL: [Locale; 3] = [Locale::En, Locale::Fr, Locale::Es];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::En => "EN",
            Self::Fr => "FR",
            Self::Es => "ES",
        }
    }
}

impl FromStr for Locale {
    type Err = ();

    /// `EN`, `fr`, or a language tag such as `fr-CH`.
    fn from_str(text: &str) -> Result<Self, ()> {
        let language = text.split(['-', '_']).next().unwrap_or_default();
        match language.to_ascii_lowercase().as_str() {
            "en" => Ok(Self::En),
            "fr" => Ok(Self::Fr),
            "es" => Ok(Self::Es),
            _ => Err(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_codes_and_language_tags() {
        assert_eq!("FR".parse(), Ok(Locale::Fr));
        assert_eq!("es-419".parse(), Ok(Locale::Es));
        assert_eq!("en_GB".parse(), Ok(Locale::En));
        assert!("de".parse::<Locale>().is_err());
        for locale in Locale::ALL {
            assert_eq!(locale.as_str().parse(), Ok(locale));
        }
    }
}
