//! Which media type a GraphQL answer is sent as, from the request's `Accept`
//! (GraphQL over HTTP, "Accept" and "Legacy watershed"), and the status codes
//! that go with it.
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};

/// The two media types a GraphQL answer may be sent as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `application/graphql-response+json`: the status code says whether the
    /// operation ran (4xx for request, parse and validation errors).
    GraphqlResponse,
    /// `application/json`: 200 for every well-formed request, as legacy clients
    /// expect; only a request that is not GraphQL at all gets a 4xx.
    Json,
}

pub const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

impl Format {
    pub fn content_type(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Self::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            Self::Json => "application/json; charset=utf-8",
        })
    }

    /// The status of an answer to a document that was refused before it ran
    /// (syntax, validation, limits).
    pub fn refused_status(self) -> StatusCode {
        match self {
            Self::GraphqlResponse => StatusCode::BAD_REQUEST,
            Self::Json => StatusCode::OK,
        }
    }
}

/// The format the client asks for; None when it accepts neither (406).
/// Without an `Accept` header, or with only wildcards, `application/json`.
pub fn negotiate(headers: &HeaderMap) -> Option<Format> {
    let mut accept = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter(|range| !range.trim().is_empty())
        .peekable();
    if accept.peek().is_none() {
        return Some(Format::Json);
    }
    let (mut graphql, mut json, mut wildcard) = (None, None, None);
    for range in accept {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let quality = parts
            .filter_map(|param| param.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let slot = match media.as_str() {
            GRAPHQL_RESPONSE => &mut graphql,
            JSON => &mut json,
            "*/*" | "application/*" => &mut wildcard,
            _ => continue,
        };
        *slot = Some(slot.map_or(quality, |q: f32| q.max(quality)));
    }
    let acceptable = |q: Option<f32>| q.filter(|q| *q > 0.0);
    match (acceptable(graphql), acceptable(json), acceptable(wildcard)) {
        (Some(g), Some(j), _) if j > g => Some(Format::Json),
        (Some(_), _, _) => Some(Format::GraphqlResponse),
        (None, Some(_), _) | (None, None, Some(_)) => Some(Format::Json),
        (None, None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn format(accept: Option<&str>) -> Option<Format> {
        let mut headers = HeaderMap::new();
        if let Some(accept) = accept {
            headers.insert(header::ACCEPT, HeaderValue::from_str(accept).unwrap());
        }
        negotiate(&headers)
    }

    #[test]
    fn follows_the_graphql_over_http_spec() {
        use Format::*;
        assert_eq!(format(None), Some(Json));
        assert_eq!(format(Some("*/*")), Some(Json));
        assert_eq!(format(Some("application/json")), Some(Json));
        assert_eq!(
            format(Some("application/graphql-response+json")),
            Some(GraphqlResponse)
        );
        assert_eq!(
            format(Some(
                "application/graphql-response+json, application/json;q=0.9"
            )),
            Some(GraphqlResponse)
        );
        assert_eq!(
            format(Some(
                "application/json, application/graphql-response+json;q=0.5"
            )),
            Some(Json)
        );
        assert_eq!(format(Some("Application/JSON; charset=utf-8")), Some(Json));
        assert_eq!(format(Some("text/html, */*;q=0.1")), Some(Json));
        assert_eq!(format(Some("text/html")), None);
        assert_eq!(format(Some("application/json;q=0")), None);
    }
}
