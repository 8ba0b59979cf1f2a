//! The `Date` scalar of API.md: a calendar date, `YYYY-MM-DD`. (async-graphql
//! would name chrono's date `NaiveDate`, a name clients do not know.)
use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::NaiveDate;

const FORMAT: &str = "%Y-%m-%d";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date(pub NaiveDate);

/// A calendar date, `YYYY-MM-DD`.
#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => iso_shaped(text)
                .then(|| NaiveDate::parse_from_str(text, FORMAT).ok())
                .flatten()
                .map(Date)
                .ok_or_else(|| {
                    InputValueError::custom(format!("{text:?} is not a YYYY-MM-DD date"))
                }),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format(FORMAT).to_string())
    }
}

/// Exactly `dddd-dd-dd`: chrono alone would also take " 2026-1-5" or "+10000-01-01".
fn iso_shaped(text: &str) -> bool {
    text.len() == 10
        && text.bytes().enumerate().all(|(i, byte)| match i {
            4 | 7 => byte == b'-',
            _ => byte.is_ascii_digit(),
        })
}

impl From<NaiveDate> for Date {
    fn from(date: NaiveDate) -> Self {
        Self(date)
    }
}

impl From<Date> for NaiveDate {
    fn from(date: Date) -> Self {
        date.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_writes_iso_dates_only() {
        let date = Date::parse(Value::String("2026-11-30".into())).unwrap();
        assert_eq!(date.0, NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
        assert_eq!(date.to_value(), Value::String("2026-11-30".into()));
        assert!(Date::parse(Value::String("30/11/2026".into())).is_err());
        assert!(Date::parse(Value::String("2026-02-30".into())).is_err());
        for loose in [
            "26-1-5",
            " 2026-11-30",
            "2026-1-05",
            "+10000-01-01",
            "-0001-01-01",
        ] {
            assert!(Date::parse(Value::String(loose.into())).is_err(), "{loose}");
        }
        assert!(Date::parse(Value::from(20261130)).is_err());
    }
}
