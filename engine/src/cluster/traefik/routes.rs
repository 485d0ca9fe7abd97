//! HTTPRoutes as Traefik loads them (`loadHTTPRoutes`, `loadHTTPRoute`):
//! each parentRef matched to a Gateway's listeners (section, port, allowed
//! namespaces, hostnames), a router per rule and match, the rule's filters
//! and weighted backends, and the route's status for each parent.

use super::backends::load_backend;
use super::listeners::{matching_hostnames, Gw};
use super::rules::{normalize, router_name, rule_of, PathMatch};
use super::{condition, Backend, Redirect, Router, GROUP};
use crate::cluster::bootstrap::traefik::CONTROLLER_NAME;
use crate::cluster::objects::{at, list_at, str_at};
use crate::cluster::Cluster;
use serde_json::{json, Value};

/// What a route's parentRef, on one of its Gateways, came to.
struct ParentResult {
    parent_ref: Value,
    accepted: (&'static str, &'static str),
    resolved: (&'static str, &'static str, String),
}

/// Loads every HTTPRoute: its routers go to `routers` (only where a
/// listener accepted it), its status to `statuses`, and each listener
/// counts the routes attached to it.
pub(super) fn http_routes(
    c: &Cluster,
    gws: &mut [Gw],
    routers: &mut Vec<Router>,
    statuses: &mut Vec<((&'static str, String, String), Value)>,
) {
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
}
