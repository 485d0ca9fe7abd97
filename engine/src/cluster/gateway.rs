//! Traefik's Kubernetes Gateway provider (v3.6, `pkg/provider/kubernetes/
//! gateway`), and its Ingress provider (`…/ingress`): what it makes of the
//! Gateway API's objects and of Ingresses of its class. Its controller
//! half writes their status (GatewayClass, Gateway and its listeners,
//! HTTPRoute parents) with Traefik's reasons and messages; its data-plane
//! half is the list of routers the proxy matches a request against, each
//! with Traefik's rule text and priority, and the weighted services and
//! servers (pod addresses from EndpointSlices) behind them. The proxying
//! itself is the world's (`World::proxy_http`).

use super::bootstrap::traefik::{CONTROLLER_NAME, ENTRY_POINTS, INGRESS_CONTROLLER};
use super::objects::{at, list_at, str_at, Unstructured};
use super::Cluster;
use serde_json::{json, Value};
use std::net::{Ipv4Addr, SocketAddrV4};

const GROUP: &str = "gateway.networking.k8s.io";

/// One listener of a Gateway Traefik manages, as it loaded it.
#[derive(Debug, Clone)]
struct Listener {
    name: String,
    port: i64,
    hostname: Option<String>,
    /// The entryPoint on the listener's port, when there is one.
    entry_point: Option<&'static str>,
    /// `None`: every namespace.
    allowed_namespaces: Option<Vec<String>>,
    /// Why it is not usable: (type, status, reason, message).
    problem: Option<(&'static str, &'static str, &'static str, String)>,
    attached_routes: i64,
}

/// A Gateway of a class Traefik answers for, with its listeners.
#[derive(Debug, Clone)]
struct Gw {
    namespace: String,
    name: String,
    listeners: Vec<Listener>,
}

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

/// One backend of a router's weighted service.
#[derive(Debug, Clone, PartialEq)]
pub struct Backend {
    pub namespace: String,
    pub service: String,
    pub port: i64,
    pub weight: u32,
    /// The pods' addresses (ready EndpointSlice endpoints), or the status
    /// Traefik answers with for a backend it could not load (500).
    pub servers: Result<Vec<SocketAddrV4>, u16>,
}

/// One Traefik router: a match of an HTTPRoute rule on an entryPoint.
#[derive(Debug, Clone, PartialEq)]
pub struct Router {
    /// `httproute-default-shop-gw-default-web-ep-web-0-1c0cf64bde`.
    pub name: String,
    /// Traefik's rule, as its dashboard shows it.
    pub rule: String,
    pub priority: i64,
    pub entry_point: &'static str,
    pub hostnames: Vec<String>,
    pub path: PathMatch,
    /// (name, value): exact header matches.
    pub headers: Vec<(String, String)>,
    pub method: Option<String>,
    /// The HTTPRoute (namespace, name) and the index of its rule.
    pub route: (String, String),
    pub rule_index: usize,
    pub backends: Vec<Backend>,
    /// RequestHeaderModifier `set`/`add` and `remove`, in order.
    pub set_headers: Vec<(String, String)>,
    pub add_headers: Vec<(String, String)>,
    pub remove_headers: Vec<String>,
    /// A RequestRedirect filter: (scheme, hostname, port, path, status).
    pub redirect: Option<Redirect>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Redirect {
    pub scheme: Option<String>,
    pub hostname: Option<String>,
    pub port: Option<i64>,
    pub status: u16,
}

/// Whether Traefik is running (its pod is): only then does it write
/// status and proxy.
pub fn traefik_running(c: &Cluster) -> bool {
    c.gateway_api
        && c.pods.iter().any(|((ns, _), p)| {
            ns == "traefik"
                && p.metadata
                    .labels
                    .get("app.kubernetes.io/name")
                    .map(String::as_str)
                    == Some("traefik")
                && p.status.pod_ip.is_some()
                && p.status.runtime.containers.iter().any(|c| c.running())
        })
}

/// The GatewayClasses whose controllerName is Traefik's.
fn our_classes(c: &Cluster) -> Vec<String> {
    c.objects_of("GatewayClass", None)
        .filter(|gc| str_at(gc.spec(), &["controllerName"]) == CONTROLLER_NAME)
        .map(|gc| gc.metadata.name.clone())
        .collect()
}

fn gateways(c: &Cluster) -> Vec<Gw> {
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
                    let sel: super::objects::LabelSelector =
                        serde_json::from_value(at(l, &["allowedRoutes", "namespaces", "selector"]).clone())
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
fn matching_hostnames(listener: Option<&str>, route: &[String]) -> Option<Vec<String>> {
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

/// `buildPathRule`, `buildMatchRule`: Traefik's rule text and priority.
fn rule_of(
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
fn router_name(rule: &str, key: &str) -> String {
    use sha2::{Digest, Sha256};
    let d = Sha256::digest(rule.as_bytes());
    let hex: String = d.iter().take(5).map(|b| format!("{b:02x}")).collect();
    format!("{key}-{hex}")
}

/// `provider.Normalize`: the runs of letters and digits, joined by `-`.
fn normalize(s: &str) -> String {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// What a route's parentRef, on one of its Gateways, came to.
struct ParentResult {
    parent_ref: Value,
    accepted: (&'static str, &'static str),
    resolved: (&'static str, &'static str, String),
}

/// A backendRef loaded as `loadService` and `getBackendAddresses` do, or
/// the ResolvedRefs condition's (reason, message) when it cannot be.
fn load_backend(c: &Cluster, route_ns: &str, b: &Value) -> Result<Backend, (&'static str, String)> {
    let group = match str_at(b, &["group"]) {
        "" => "core",
        g => g,
    };
    let kind = match str_at(b, &["kind"]) {
        "" => "Service",
        k => k,
    };
    let name = str_at(b, &["name"]).to_string();
    let namespace = match str_at(b, &["namespace"]) {
        "" => route_ns.to_string(),
        n => n.to_string(),
    };
    let weight = at(b, &["weight"]).as_u64().unwrap_or(1) as u32;
    let port = at(b, &["port"]).as_i64();
    if namespace != route_ns && !reference_granted(c, route_ns, &namespace, &name) {
        return Err((
            "RefNotPermitted",
            format!("Cannot load HTTPBackendRef {group}/{kind}/{namespace}/{name}: missing ReferenceGrant"),
        ));
    }
    if group != "core" || kind != "Service" {
        return Err((
            "InvalidKind",
            format!("Cannot load HTTPBackendRef {group}/{kind}/{namespace}/{name}: unsupported HTTPBackendRef {group}/{kind}/{name}"),
        ));
    }
    let fail = |msg: String| {
        (
            "BackendNotFound",
            format!("Cannot load HTTPBackendRef {namespace}/{name}: {msg}"),
        )
    };
    let Some(port) = port else {
        return Err(fail(
            "port is required for Kubernetes Service reference".into(),
        ));
    };
    let Some(svc) = c.services.get(&(namespace.clone(), name.clone())) else {
        return Err(fail(format!("getting service: service {name:?} not found")));
    };
    if svc.type_name() == "ExternalName" {
        return Err(fail(
            "type ExternalName is not supported for Kubernetes Service reference".into(),
        ));
    }
    let Some(sp) = svc.spec.ports.iter().find(|p| i64::from(p.port) == port) else {
        return Err(fail(format!("service port {port} not found")));
    };
    let slices = c.slices_of(&namespace, &name);
    if slices.is_empty() {
        return Err(fail("endpointslices not found".into()));
    }
    let mut servers: Vec<SocketAddrV4> = vec![];
    for s in slices {
        let Some(p) = s
            .ports
            .iter()
            .flatten()
            .find(|p| p.name.as_deref() == Some(sp.name.as_str()))
            .and_then(|p| p.port)
        else {
            continue;
        };
        for e in s.endpoints.iter().flatten() {
            if e.conditions.ready != Some(true) {
                continue;
            }
            for a in &e.addresses {
                if let Ok(ip) = a.parse::<Ipv4Addr>() {
                    let addr = SocketAddrV4::new(ip, p as u16);
                    if !servers.iter().any(|s| s.ip() == addr.ip()) {
                        servers.push(addr);
                    }
                }
            }
        }
    }
    Ok(Backend {
        namespace,
        service: name,
        port,
        weight,
        servers: Ok(servers),
    })
}

/// `isReferenceGranted`: a ReferenceGrant in the Service's namespace lets
/// HTTPRoutes of `from_ns` refer to it.
fn reference_granted(c: &Cluster, from_ns: &str, to_ns: &str, name: &str) -> bool {
    c.objects_of("ReferenceGrant", Some(to_ns)).any(|g| {
        list_at(g.spec(), &["from"]).iter().any(|f| {
            str_at(f, &["group"]) == GROUP
                && str_at(f, &["kind"]) == "HTTPRoute"
                && str_at(f, &["namespace"]) == from_ns
        }) && list_at(g.spec(), &["to"]).iter().any(|t| {
            let to = str_at(t, &["name"]);
            matches!(str_at(t, &["group"]), "" | "core")
                && str_at(t, &["kind"]) == "Service"
                && (to.is_empty() || to == name)
        })
    })
}

/// Traefik's whole reading of the cluster: the routers (highest priority
/// first, as its muxer tries them), and each object's status.
pub struct Reading {
    pub routers: Vec<Router>,
    /// (kind, namespace, name) and the status Traefik writes.
    pub statuses: Vec<((&'static str, String, String), Value)>,
}

fn condition(kind: &str, status: &str, reason: &str, message: &str) -> Value {
    json!({"lastTransitionTime": "", "message": message, "observedGeneration": 1,
           "reason": reason, "status": status, "type": kind})
}

/// Reads the Gateway API's objects as Traefik's provider does.
pub fn read(c: &Cluster) -> Reading {
    let mut statuses = vec![];
    for gc in c.objects_of("GatewayClass", None) {
        if str_at(gc.spec(), &["controllerName"]) == CONTROLLER_NAME {
            statuses.push((
                ("GatewayClass", String::new(), gc.metadata.name.clone()),
                json!({"conditions": [condition("Accepted", "True", "Handled", "Handled by Traefik controller")]}),
            ));
        }
    }
    let mut gws = gateways(c);
    let mut routers = vec![];
    for route in c.objects_of("HTTPRoute", None) {
        let ns = route.namespace().to_string();
        let hostnames: Vec<String> = list_at(route.spec(), &["hostnames"])
            .iter()
            .filter_map(|h| h.as_str().map(str::to_string))
            .collect();
        let mut parents = vec![];
        for pref in list_at(route.spec(), &["parentRefs"]) {
            if !matches!(str_at(pref, &["group"]), "" | GROUP)
                || !matches!(str_at(pref, &["kind"]), "" | "Gateway")
            {
                continue;
            }
            let gw_ns = match str_at(pref, &["namespace"]) {
                "" => ns.clone(),
                n => n.to_string(),
            };
            let Some(gw) = gws
                .iter_mut()
                .find(|g| g.namespace == gw_ns && g.name == str_at(pref, &["name"]))
            else {
                continue;
            };
            let mut accepted = ("False", "NoMatchingParent");
            let mut resolved = ("True", "ResolvedRefs", String::new());
            let section = str_at(pref, &["sectionName"]);
            let pport = at(pref, &["port"]).as_i64();
            for l in gw.listeners.iter_mut() {
                let mut ok =
                    (section.is_empty() || section == l.name) && pport.is_none_or(|p| p == l.port);
                let allowed = l.entry_point.is_some()
                    && l.allowed_namespaces
                        .as_ref()
                        .is_none_or(|a| a.contains(&ns));
                if ok && !allowed {
                    if accepted.0 == "False" {
                        accepted.1 = "NotAllowedByListeners";
                    }
                    ok = false;
                }
                let hosts = matching_hostnames(l.hostname.as_deref(), &hostnames);
                if ok && hosts.is_none() {
                    if accepted.0 == "False" {
                        accepted.1 = "NoMatchingListenerHostname";
                    }
                    ok = false;
                }
                if ok {
                    l.attached_routes += 1;
                }
                let key = normalize(&format!(
                    "httproute-{ns}-{}-gw-{}-{}-ep-{}",
                    route.metadata.name,
                    gw.namespace,
                    gw.name,
                    l.entry_point.unwrap_or("")
                ));
                let mut rule_routers = vec![];
                for (ri, rule) in list_at(route.spec(), &["rules"]).iter().enumerate() {
                    let mut backends = vec![];
                    for b in list_at(rule, &["backendRefs"]) {
                        match load_backend(c, &ns, b) {
                            Ok(b) => backends.push(b),
                            Err((reason, message)) => {
                                if resolved.0 == "True" {
                                    resolved = ("False", reason, message);
                                }
                                backends.push(Backend {
                                    namespace: ns.clone(),
                                    service: str_at(b, &["name"]).to_string(),
                                    port: at(b, &["port"]).as_i64().unwrap_or(0),
                                    weight: at(b, &["weight"]).as_u64().unwrap_or(1) as u32,
                                    servers: Err(500),
                                });
                            }
                        }
                    }
                    let filters = list_at(rule, &["filters"]);
                    let (mut set, mut add, mut remove) = (vec![], vec![], vec![]);
                    let mut redirect = None;
                    for f in filters {
                        match str_at(f, &["type"]) {
                            "RequestHeaderModifier" => {
                                let m = at(f, &["requestHeaderModifier"]);
                                let pairs = |k: &str| -> Vec<(String, String)> {
                                    list_at(m, &[k])
                                        .iter()
                                        .map(|h| {
                                            (
                                                str_at(h, &["name"]).to_string(),
                                                str_at(h, &["value"]).to_string(),
                                            )
                                        })
                                        .collect()
                                };
                                set.extend(pairs("set"));
                                add.extend(pairs("add"));
                                remove.extend(
                                    list_at(m, &["remove"])
                                        .iter()
                                        .filter_map(|v| v.as_str().map(str::to_string)),
                                );
                            }
                            "RequestRedirect" => {
                                let r = at(f, &["requestRedirect"]);
                                redirect = Some(Redirect {
                                    scheme: r
                                        .get("scheme")
                                        .and_then(Value::as_str)
                                        .map(str::to_string),
                                    hostname: r
                                        .get("hostname")
                                        .and_then(Value::as_str)
                                        .map(str::to_string),
                                    port: r.get("port").and_then(Value::as_i64),
                                    status: r
                                        .get("statusCode")
                                        .and_then(Value::as_u64)
                                        .unwrap_or(302)
                                        as u16,
                                });
                            }
                            _ => {}
                        }
                    }
                    for m in list_at(rule, &["matches"]) {
                        let p = at(m, &["path"]);
                        let value = match p.get("value").and_then(Value::as_str) {
                            Some(v) => v.to_string(),
                            None => "/".into(),
                        };
                        let path = match str_at(p, &["type"]) {
                            "Exact" => PathMatch::Exact(value),
                            "RegularExpression" => PathMatch::Regex(value),
                            _ => PathMatch::Prefix(value),
                        };
                        let headers: Vec<(String, String)> = list_at(m, &["headers"])
                            .iter()
                            .map(|h| {
                                (
                                    str_at(h, &["name"]).to_string(),
                                    str_at(h, &["value"]).to_string(),
                                )
                            })
                            .collect();
                        let method = m.get("method").and_then(Value::as_str);
                        let hosts = hosts.clone().unwrap_or_default();
                        let (text, priority) = rule_of(&hosts, &path, method, &headers);
                        let n_rules = list_at(route.spec(), &["rules"]).len() as i64;
                        rule_routers.push(Router {
                            name: router_name(&text, &format!("{key}-{ri}")),
                            rule: text,
                            priority: priority + n_rules - ri as i64,
                            entry_point: l.entry_point.unwrap_or("web"),
                            hostnames: hosts,
                            path,
                            headers,
                            method: method.map(str::to_string),
                            route: (ns.clone(), route.metadata.name.clone()),
                            rule_index: ri,
                            backends: backends.clone(),
                            set_headers: set.clone(),
                            add_headers: add.clone(),
                            remove_headers: remove.clone(),
                            redirect: redirect.clone(),
                        });
                    }
                }
                if ok && l.problem.is_none() {
                    accepted = ("True", "Accepted");
                    for r in rule_routers {
                        if !routers.iter().any(|x: &Router| x.name == r.name) {
                            routers.push(r);
                        }
                    }
                }
            }
            parents.push(ParentResult {
                parent_ref: pref.clone(),
                accepted,
                resolved,
            });
        }
        if !parents.is_empty() {
            let parents: Vec<Value> = parents
                .into_iter()
                .map(|p| {
                    json!({"conditions": [
                        condition("Accepted", p.accepted.0, p.accepted.1, ""),
                        condition("ResolvedRefs", p.resolved.0, p.resolved.1, &p.resolved.2),
                    ], "controllerName": CONTROLLER_NAME, "parentRef": p.parent_ref})
                })
                .collect();
            statuses.push((
                ("HTTPRoute", ns.clone(), route.metadata.name.clone()),
                json!({"parents": parents}),
            ));
        }
    }
    let addresses: Vec<Value> = c
        .services
        .get(&("traefik".to_string(), "traefik".to_string()))
        .map(|s| {
            s.status
                .load_balancer
                .ingress
                .iter()
                .filter_map(|i| match (&i.ip, &i.hostname) {
                    (Some(ip), _) => Some(json!({"type": "IPAddress", "value": ip})),
                    (None, Some(h)) => Some(json!({"type": "Hostname", "value": h})),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    for gw in &gws {
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
    ingresses(c, &addresses, &mut routers, &mut statuses);
    // The muxer tries the highest priority first; equal priorities by name.
    crate::sort::sort_by(&mut routers, |a, b| {
        b.priority.cmp(&a.priority).then(a.name.cmp(&b.name))
    });
    Reading { routers, statuses }
}

/// The Ingresses Traefik's Ingress provider takes (`shouldProcessIngress`:
/// a class whose controller is Traefik's, or the old annotation
/// `kubernetes.io/ingress.class: traefik`): a router per host and path,
/// its rule `Host(…) && PathPrefix(…)` and its priority the rule's length
/// (Traefik's default); the `defaultBackend` last. A path whose Service is
/// missing or has no ready endpoint gets no router (Traefik skips it), so
/// such a request is the 404 of no router. Each Ingress's status gets the
/// addresses of Traefik's load balancer (`publishedService`).
fn ingresses(
    c: &Cluster,
    addresses: &[Value],
    routers: &mut Vec<Router>,
    statuses: &mut Vec<((&'static str, String, String), Value)>,
) {
    let classes: Vec<String> = c
        .objects_of("IngressClass", None)
        .filter(|k| str_at(k.spec(), &["controller"]) == INGRESS_CONTROLLER)
        .map(|k| k.metadata.name.clone())
        .collect();
    for ing in c.objects_of("Ingress", None) {
        let ns = ing.namespace().to_string();
        let ours = match ing.spec().get("ingressClassName").and_then(Value::as_str) {
            Some(class) => classes.iter().any(|k| k == class),
            None => ing
                .metadata
                .annotations
                .get("kubernetes.io/ingress.class")
                .is_some_and(|a| a == "traefik"),
        };
        if !ours {
            continue;
        }
        let ips: Vec<Value> = addresses
            .iter()
            .map(|a| match str_at(a, &["type"]) {
                "Hostname" => json!({"hostname": str_at(a, &["value"])}),
                _ => json!({"ip": str_at(a, &["value"])}),
            })
            .collect();
        let status = if ips.is_empty() {
            json!({"loadBalancer": {}})
        } else {
            json!({"loadBalancer": {"ingress": ips}})
        };
        statuses.push((("Ingress", ns.clone(), ing.metadata.name.clone()), status));
        let backend = |b: &Value| -> Option<Backend> {
            let svc = at(b, &["service"]);
            let port = match at(svc, &["port", "number"]).as_i64() {
                Some(n) => n,
                None => {
                    let name = str_at(svc, &["port", "name"]);
                    let s = c
                        .services
                        .get(&(ns.clone(), str_at(svc, &["name"]).to_string()))?;
                    i64::from(s.spec.ports.iter().find(|p| p.name == name)?.port)
                }
            };
            let b = load_backend(
                c,
                &ns,
                &json!({"name": str_at(svc, &["name"]), "port": port}),
            )
            .ok()?;
            matches!(&b.servers, Ok(s) if !s.is_empty()).then_some(b)
        };
        for (ri, rule) in list_at(ing.spec(), &["rules"]).iter().enumerate() {
            let host = str_at(rule, &["host"]).to_string();
            for p in list_at(rule, &["http", "paths"]) {
                let Some(b) = backend(at(p, &["backend"])) else {
                    continue;
                };
                let value = str_at(p, &["path"]).to_string();
                let path = match (str_at(p, &["pathType"]), value.is_empty()) {
                    (_, true) => PathMatch::Prefix("/".into()),
                    ("Exact", _) => PathMatch::Exact(value.clone()),
                    _ => PathMatch::CharPrefix(value.clone()),
                };
                let mut parts = vec![];
                if !host.is_empty() {
                    parts.push(format!("Host({host:?})"));
                }
                match &path {
                    PathMatch::Exact(v) => parts.push(format!("Path({v:?})")),
                    PathMatch::CharPrefix(v) => parts.push(format!("PathPrefix({v:?})")),
                    _ => {}
                }
                let rule_text = parts.join(" && ");
                routers.push(Router {
                    name: normalize(&format!("{ns}-{}-{host}{value}", ing.metadata.name)),
                    priority: rule_text.len() as i64,
                    rule: rule_text,
                    entry_point: "web",
                    hostnames: if host.is_empty() {
                        vec![]
                    } else {
                        vec![host.clone()]
                    },
                    path,
                    headers: vec![],
                    method: None,
                    route: (ns.clone(), ing.metadata.name.clone()),
                    rule_index: ri,
                    backends: vec![b],
                    set_headers: vec![],
                    add_headers: vec![],
                    remove_headers: vec![],
                    redirect: None,
                });
            }
        }
        if let Some(b) = ing.spec().get("defaultBackend").and_then(backend) {
            routers.push(Router {
                name: "default-backend".into(),
                rule: "PathPrefix(\"/\")".into(),
                priority: i64::from(i32::MIN),
                entry_point: "web",
                hostnames: vec![],
                path: PathMatch::Prefix("/".into()),
                headers: vec![],
                method: None,
                route: (ns.clone(), ing.metadata.name.clone()),
                rule_index: 0,
                backends: vec![b],
                set_headers: vec![],
                add_headers: vec![],
                remove_headers: vec![],
                redirect: None,
            });
        }
    }
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
    let host = host
        .rsplit_once(':')
        .map_or(host, |(h, _)| h)
        .to_ascii_lowercase();
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
