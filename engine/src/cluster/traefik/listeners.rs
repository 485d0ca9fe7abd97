//! GatewayClasses, Gateways and their listeners as Traefik loads them
//! (`loadGatewayListeners`, `makeGatewayStatus`): a listener's entryPoint
//! by port, its allowed namespaces, its problems, and the status Traefik
//! writes for each.

use super::{condition, GROUP};
use crate::cluster::bootstrap::traefik::{CONTROLLER_NAME, ENTRY_POINTS};
use crate::cluster::objects::{at, list_at, str_at, Unstructured};
use crate::cluster::Cluster;
use serde_json::{json, Value};

/// One listener of a Gateway Traefik manages, as it loaded it.
#[derive(Debug, Clone)]
pub(super) struct Listener {
    pub(super) name: String,
    pub(super) port: i64,
    pub(super) hostname: Option<String>,
    /// The entryPoint on the listener's port, when there is one.
    pub(super) entry_point: Option<&'static str>,
    /// `None`: every namespace.
    pub(super) allowed_namespaces: Option<Vec<String>>,
    /// Why it is not usable: (type, status, reason, message).
    pub(super) problem: Option<(&'static str, &'static str, &'static str, String)>,
    pub(super) attached_routes: i64,
}

/// A Gateway of a class Traefik answers for, with its listeners.
#[derive(Debug, Clone)]
pub(super) struct Gw {
    pub(super) namespace: String,
    pub(super) name: String,
    pub(super) listeners: Vec<Listener>,
}

/// The GatewayClasses whose controllerName is Traefik's.
pub(super) fn our_classes(c: &Cluster) -> Vec<String> {
    c.objects_of("GatewayClass", None)
        .filter(|gc| str_at(gc.spec(), &["controllerName"]) == CONTROLLER_NAME)
        .map(|gc| gc.metadata.name.clone())
        .collect()
}

pub(super) fn gateways(c: &Cluster) -> Vec<Gw> {
    let classes = our_classes(c);
    c.objects_of("Gateway", None)
        .filter(|g| {
            classes
                .iter()
                .any(|k| k == str_at(g.spec(), &["gatewayClassName"]))
        })
        .map(|g| Gw {
            namespace: g.namespace().to_string(),
            name: g.metadata.name.clone(),
            listeners: listeners(c, g),
        })
        .collect()
}

fn listeners(c: &Cluster, g: &Unstructured) -> Vec<Listener> {
    let mut seen: Vec<(String, i64, String)> = vec![];
    list_at(g.spec(), &["listeners"])
        .iter()
        .map(|l| {
            let port = at(l, &["port"]).as_i64().unwrap_or(0);
            let protocol = str_at(l, &["protocol"]).to_string();
            let hostname = l.get("hostname").and_then(Value::as_str).map(str::to_string);
            let mut out = Listener {
                name: str_at(l, &["name"]).to_string(),
                port,
                hostname: hostname.clone(),
                entry_point: None,
                allowed_namespaces: Some(vec![g.namespace().to_string()]),
                problem: None,
                attached_routes: 0,
            };
            // `entryPointName`: the entryPoint whose address ends in the
            // port (an HTTP listener needs one without TLS).
            let ep = ENTRY_POINTS
                .iter()
                .find(|(name, p)| {
                    i64::from(*p) == port && !(protocol == "HTTP" && *name == "websecure")
                })
                .map(|(name, _)| *name);
            let Some(ep) = ep else {
                out.problem = Some((
                    "Accepted",
                    "False",
                    "PortUnavailable",
                    format!("Cannot find entryPoint for Gateway: no matching entryPoint for port {port} and protocol {protocol:?}"),
                ));
                return out;
            };
            out.entry_point = Some(ep);
            match str_at(l, &["allowedRoutes", "namespaces", "from"]) {
                "All" => out.allowed_namespaces = None,
                "Selector" => {
                    let sel: crate::cluster::objects::LabelSelector =
                        crate::cluster::objects::wire::decode_object(at(l, &["allowedRoutes", "namespaces", "selector"]).clone(), "LabelSelector")
                            .unwrap_or_default();
                    out.allowed_namespaces = Some(
                        c.namespaces
                            .iter()
                            .filter(|(_, n)| sel.matches(&n.metadata.labels))
                            .map(|(name, _)| name.clone())
                            .collect(),
                    );
                }
                _ => {}
            }
            if !matches!(protocol.as_str(), "HTTP" | "HTTPS" | "TLS") {
                out.problem = Some((
                    "Accepted",
                    "False",
                    "UnsupportedProtocol",
                    format!("Unsupported listener protocol {protocol:?}"),
                ));
                return out;
            }
            if protocol == "HTTP" && l.get("tls").is_some() {
                out.problem = Some((
                    "ResolvedRefs",
                    "False",
                    "InvalidTLSConfiguration",
                    "TLS configuration must no be defined when using HTTP or TCP protocol".into(),
                ));
                return out;
            }
            let key = (protocol.clone(), port, hostname.unwrap_or_default());
            if seen.contains(&key) {
                out.problem = Some((
                    "Conflicted",
                    "True",
                    "DuplicateListener",
                    "A listener with same protocol, port and hostname already exists".into(),
                ));
                return out;
            }
            seen.push(key);
            out
        })
        .collect()
}

/// `findMatchingHostnames`: the route's hostnames a listener's hostname
/// admits (all of them when the listener has none).
pub(super) fn matching_hostnames(listener: Option<&str>, route: &[String]) -> Option<Vec<String>> {
    let Some(l) = listener else {
        return Some(route.to_vec());
    };
    if route.is_empty() {
        return Some(vec![l.to_string()]);
    }
    let one = |h1: &str, h2: &str| -> Option<String> {
        if h1 == h2 {
            return Some(h1.to_string());
        }
        let suffix = h1.strip_prefix('*')?;
        h2.ends_with(suffix).then(|| h2.to_string())
    };
    let found: Vec<String> = route
        .iter()
        .filter_map(|r| one(l, r).or_else(|| one(r, l)))
        .collect();
    (!found.is_empty()).then_some(found)
}

/// GatewayClass `Accepted` for each class whose controller is Traefik's.
pub(super) fn class_statuses(c: &Cluster) -> Vec<((&'static str, String, String), Value)> {
    let mut statuses = vec![];
    for gc in c.objects_of("GatewayClass", None) {
        if str_at(gc.spec(), &["controllerName"]) == CONTROLLER_NAME {
            statuses.push((
                ("GatewayClass", String::new(), gc.metadata.name.clone()),
                json!({"conditions": [condition("Accepted", "True", "Handled", "Handled by Traefik controller")]}),
            ));
        }
    }
    statuses
}

/// Each Gateway's status: its listeners' conditions and attached routes,
/// `Accepted` and `Programmed` (or `ListenersNotValid`), the addresses of
/// Traefik's load balancer.
pub(super) fn gateway_statuses(
    gws: &[Gw],
    addresses: &[Value],
    statuses: &mut Vec<((&'static str, String, String), Value)>,
) {
    for gw in gws {
        let mut listeners = vec![];
        let mut bad = false;
        for l in &gw.listeners {
            let conditions = match &l.problem {
                Some((t, s, r, m)) => {
                    bad = true;
                    vec![condition(t, s, r, m)]
                }
                None => vec![
                    condition("Accepted", "True", "Accepted", "No error found"),
                    condition("ResolvedRefs", "True", "ResolvedRefs", "No error found"),
                    condition("Programmed", "True", "Programmed", "No error found"),
                ],
            };
            let kinds = if l.entry_point.is_some() {
                json!([{"group": GROUP, "kind": "HTTPRoute"}, {"group": GROUP, "kind": "GRPCRoute"}])
            } else {
                json!([])
            };
            listeners.push(
                json!({"attachedRoutes": l.attached_routes, "conditions": conditions,
                                  "name": l.name, "supportedKinds": kinds}),
            );
        }
        let conditions = if bad {
            vec![condition(
                "Accepted",
                "False",
                "ListenersNotValid",
                "All Listeners must be valid",
            )]
        } else {
            vec![
                condition(
                    "Accepted",
                    "True",
                    "Accepted",
                    "Gateway successfully scheduled",
                ),
                condition(
                    "Programmed",
                    "True",
                    "Programmed",
                    "Gateway successfully scheduled",
                ),
            ]
        };
        let mut status = json!({"conditions": conditions, "listeners": listeners});
        if !addresses.is_empty() {
            status["addresses"] = json!(addresses);
        }
        statuses.push((("Gateway", gw.namespace.clone(), gw.name.clone()), status));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listener_hostnames_narrow_a_routes() {
        assert_eq!(
            matching_hostnames(
                Some("*.example.com"),
                &["shop.example.com".into(), "other.org".into()]
            ),
            Some(vec!["shop.example.com".to_string()])
        );
        assert_eq!(
            matching_hostnames(Some("a.example.com"), &["b.example.com".into()]),
            None
        );
        assert_eq!(matching_hostnames(None, &[]), Some(vec![]));
    }
}
