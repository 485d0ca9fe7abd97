//! Traefik's rules: the text its dashboard shows and the priority its
//! muxer sorts by (`buildMatchRule`, `buildPathRule`, `buildHostRule`), a
//! router's name, and whether a router matches a request.

use super::Router;

/// A path match (Traefik's `Path`, `PathPrefix`, `PathRegexp`).
#[derive(Debug, Clone, PartialEq)]
pub enum PathMatch {
    Exact(String),
    /// The Gateway API's PathPrefix: whole segments.
    Prefix(String),
    /// Traefik's own `PathPrefix`, as its Ingress provider writes a
    /// `Prefix` path: character by character (`/api` takes `/apis`).
    CharPrefix(String),
    /// Not matched here (regular expressions are not simulated).
    Regex(String),
}

/// `buildPathRule`, `buildMatchRule`: Traefik's rule text and priority.
pub(super) fn rule_of(
    hostnames: &[String],
    path: &PathMatch,
    method: Option<&str>,
    headers: &[(String, String)],
) -> (String, i64) {
    let (path_rule, mut priority) = match path {
        PathMatch::Exact(v) => (format!("Path({v:?})"), 100_000),
        PathMatch::Prefix(v) if v == "/" => ("PathPrefix(\"/\")".to_string(), 1),
        PathMatch::Prefix(v) => {
            let pv = v.trim_end_matches('/');
            (
                format!("(Path({pv:?}) || PathPrefix({:?}))", format!("{pv}/")),
                10_000 + v.len() as i64 * 100,
            )
        }
        PathMatch::Regex(v) => (format!("PathRegexp({v:?})"), 10_000 + v.len() as i64 * 100),
        PathMatch::CharPrefix(v) => (format!("PathPrefix({v:?})"), 0),
    };
    let mut parts = vec![path_rule];
    if let Some(m) = method {
        parts.push(format!("Method({m:?})"));
        priority += 1000;
    }
    for (k, v) in headers {
        parts.push(format!("Header({k:?},{v:?})"));
        priority += 100;
    }
    let matches = parts.join(" && ");
    let hosts: Vec<String> = hostnames
        .iter()
        .map(|h| match h.strip_prefix("*.") {
            None => format!("Host({h:?})"),
            Some(rest) => format!(
                "HostRegexp({:?})",
                format!("^[a-z0-9-\\.]+\\.{}$", rest.replace('.', "\\."))
            ),
        })
        .collect();
    match hosts.len() {
        0 => (matches, priority),
        n => {
            let host_rule = if n == 1 {
                hosts[0].clone()
            } else {
                format!("({})", hosts.join(" || "))
            };
            let longest = hostnames.iter().map(|h| h.len() as i64).max().unwrap_or(0);
            (format!("{host_rule} && {matches}"), priority + longest)
        }
    }
}

/// `makeRouterName`: the route key and 10 hex digits of SHA-256(rule).
pub(super) fn router_name(rule: &str, key: &str) -> String {
    use sha2::{Digest, Sha256};
    let d = Sha256::digest(rule.as_bytes());
    let hex: String = d.iter().take(5).map(|b| format!("{b:02x}")).collect();
    format!("{key}-{hex}")
}

/// `provider.Normalize`: the runs of letters and digits, joined by `-`.
pub(super) fn normalize(s: &str) -> String {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// A Host header's name, without its port (`shop.example.com:30080`).
pub fn host_without_port(host: &str) -> &str {
    host.rsplit_once(':').map_or(host, |(h, _)| h)
}

/// Whether a router matches a request (host without its port, path
/// without its query).
pub fn matches(
    r: &Router,
    host: &str,
    path: &str,
    method: &str,
    header: &dyn Fn(&str) -> Option<String>,
) -> bool {
    let host = host_without_port(host).to_ascii_lowercase();
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let host_ok = r.hostnames.is_empty()
        || r.hostnames.iter().any(|h| match h.strip_prefix('*') {
            Some(suffix) => host.ends_with(suffix) && host.len() > suffix.len(),
            None => *h == host,
        });
    let path_ok = match &r.path {
        PathMatch::Exact(v) => path == v,
        PathMatch::Prefix(v) if v == "/" => true,
        PathMatch::Prefix(v) => {
            let pv = v.trim_end_matches('/');
            path == pv || path.starts_with(&format!("{pv}/"))
        }
        PathMatch::CharPrefix(v) => path.starts_with(v.as_str()),
        PathMatch::Regex(_) => false,
    };
    host_ok
        && path_ok
        && r.method.as_deref().is_none_or(|m| m == method)
        && r.headers
            .iter()
            .all(|(k, v)| header(k).as_deref() == Some(v.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_and_priorities_are_traefiks() {
        let (rule, p) = rule_of(
            &["shop.example.com".into()],
            &PathMatch::Prefix("/api".into()),
            None,
            &[],
        );
        assert_eq!(
            rule,
            "Host(\"shop.example.com\") && (Path(\"/api\") || PathPrefix(\"/api/\"))"
        );
        assert_eq!(p, 10_000 + 4 * 100 + 16);
        let (rule, p) = rule_of(
            &[],
            &PathMatch::Prefix("/".into()),
            None,
            &[("env".into(), "canary".into())],
        );
        assert_eq!(rule, "PathPrefix(\"/\") && Header(\"env\",\"canary\")");
        assert_eq!(p, 101);
        assert_eq!(normalize("httproute-default-a_b"), "httproute-default-a-b");
        assert_eq!(
            normalize("default-web-shop.example.com/api"),
            "default-web-shop-example-com-api"
        );
    }
}
