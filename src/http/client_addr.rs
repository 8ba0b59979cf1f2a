//! Who the client is, for the per-client limits: the socket's peer, or behind
//! proxies, the address the last trusted one saw.
//!
//! Each proxy appends the address it received the request from to
//! `X-Forwarded-For`; whatever a client wrote there itself comes first. So with
//! `hops` trusted proxies in front of the node, the client is the entry `hops`
//! places from the right, and every entry left of it is the client's to forge.
use std::net::{IpAddr, SocketAddr};

use axum::http::HeaderMap;

/// The client's address; `hops` is the number of trusted proxies in front of
/// this node (0: the peer itself is the client).
pub fn client_addr(headers: &HeaderMap, peer: SocketAddr, hops: u8) -> IpAddr {
    if hops == 0 {
        return peer.ip();
    }
    // Several headers count as one list, in order.
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .collect();
    let hops = usize::from(hops);
    // Fewer entries than proxies: it did not come through them all (or one
    // is misconfigured); only the peer is known for sure.
    let Some(entry) = entries.len().checked_sub(hops).map(|at| entries[at]) else {
        return peer.ip();
    };
    parse_entry(entry).unwrap_or_else(|| peer.ip())
}

/// The address limits count a client under: an IPv6 address by its /64, the
/// block one subscriber (or one attacker) gets, so that walking through it
/// does not multiply the budget.
pub fn limit_key(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) if v6.to_ipv4_mapped().is_none() => {
            let mut segments = v6.segments();
            segments[4..].fill(0);
            IpAddr::V6(segments.into())
        }
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        IpAddr::V4(_) => address,
    }
}

/// `1.2.3.4`, `1.2.3.4:80`, `2001:db8::1` or `[2001:db8::1]:80`.
fn parse_entry(entry: &str) -> Option<IpAddr> {
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|socket| socket.ip()))
}

/// `TRUST_FORWARDED_FOR`: a number of proxy hops; `true` and `false` (the
/// setting's old form) mean 1 and 0.
pub fn parse_hops(text: &str) -> Result<u8, String> {
    match text.trim() {
        "false" => Ok(0),
        "true" => Ok(1),
        number => number
            .parse()
            .map_err(|_| format!("expected a number of proxy hops (0–255), got {number:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(forwarded: &[&str], hops: u8) -> String {
        let mut headers = HeaderMap::new();
        for value in forwarded {
            headers.append("x-forwarded-for", value.parse().unwrap());
        }
        client_addr(&headers, "10.0.0.9:4000".parse().unwrap(), hops).to_string()
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client() {
        assert_eq!(addr(&["1.1.1.1"], 0), "10.0.0.9");
    }

    #[test]
    fn the_client_is_counted_from_the_right() {
        // A forged first entry, then what the one trusted proxy appended.
        assert_eq!(addr(&["6.6.6.6, 2.2.2.2"], 1), "2.2.2.2");
        assert_eq!(addr(&["6.6.6.6, 2.2.2.2, 3.3.3.3"], 2), "2.2.2.2");
        assert_eq!(addr(&["6.6.6.6", "2.2.2.2"], 1), "2.2.2.2");
        assert_eq!(addr(&["[2001:db8::1]:443"], 1), "2001:db8::1");
        assert_eq!(addr(&["2.2.2.2:80"], 1), "2.2.2.2");
    }

    #[test]
    fn short_or_garbled_chains_fall_back_to_the_peer() {
        assert_eq!(addr(&["2.2.2.2"], 2), "10.0.0.9");
        assert_eq!(addr(&[], 1), "10.0.0.9");
        assert_eq!(addr(&["6.6.6.6, not-an-address"], 1), "10.0.0.9");
    }

    #[test]
    fn ipv6_clients_are_limited_by_their_slash_64() {
        let key = |a: &str| limit_key(a.parse().unwrap()).to_string();
        assert_eq!(key("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::");
        assert_eq!(key("2001:db8:1:2:ffff:1:2:3"), "2001:db8:1:2::");
        assert_eq!(key("::ffff:1.2.3.4"), "1.2.3.4");
        assert_eq!(key("1.2.3.4"), "1.2.3.4");
    }

    #[test]
    fn the_setting_reads_numbers_and_the_old_booleans() {
        assert_eq!(parse_hops("true"), Ok(1));
        assert_eq!(parse_hops("false"), Ok(0));
        assert_eq!(parse_hops("2"), Ok(2));
        assert!(parse_hops("-1").is_err());
    }
}
