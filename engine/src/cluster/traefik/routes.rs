//! HTTPRoutes as Traefik loads them (`loadHTTPRoutes`, `loadHTTPRoute`):
//! each parentRef matched to a Gateway's listeners (section, port, allowed
//! namespaces, hostnames), a router per rule and match, the rule's filters
//! and weighted backends, and the route's status for each parent.

use super::backends::load_backend;
use super::listeners::{matching_hostnames, Gw};
use super::rules::{normalize, router_name, rule_of, PathMatch};
use super::{condition, Backend, Redirect, Router, Work, GROUP};
use crate::cluster::bootstrap::traefik::CONTROLLER_NAME;
use crate::cluster::objects::{at, list_at, str_at};
use crate::cluster::Cluster;
use crate::map::Set;
use serde_json::{json, Value};

/// What a route's parentRef, on one of its Gateways, came to.
struct ParentResult {
    parent_ref: Value,
    accepted: (&'static str, &'static str),
}

/// One match of a rule: a router on each listener that accepts the route.
struct Match {
    path: PathMatch,
    headers: Vec<(String, String)>,
    method: Option<String>,
}

/// A rule as Traefik loads it, once for all the route's listeners: its
/// weighted backends, its filters and its matches.
struct Rule {
    backends: Vec<Backend>,
    set: Vec<(String, String)>,
    add: Vec<(String, String)>,
    remove: Vec<String>,
    redirect: Option<Redirect>,
    matches: Vec<Match>,
}

/// Loads every HTTPRoute: its routers go to `routers` (only where a
/// listener accepted it), its status to `statuses`, and each listener
/// counts the routes attached to it. `work` counts what was built.
pub(super) fn http_routes(
    c: &Cluster,
    gws: &mut [Gw],
    routers: &mut Vec<Router>,
    statuses: &mut Vec<((&'static str, String, String), Value)>,
    work: &mut Work,
) {
    let mut names = Set::new();
    for route in c.objects_of("HTTPRoute", None) {
        let ns = route.namespace().to_string();
        let hostnames: Vec<String> = list_at(route.spec(), &["hostnames"])
            .iter()
            .filter_map(|h| h.as_str().map(str::to_string))
            .collect();
        let (rules, resolved) = load_rules(c, &ns, route.spec(), work);
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
                if !ok || l.problem.is_some() {
                    continue;
                }
                accepted = ("True", "Accepted");
                let key = normalize(&format!(
                    "httproute-{ns}-{}-gw-{}-{}-ep-{}",
                    route.metadata.name,
                    gw.namespace,
                    gw.name,
                    l.entry_point.unwrap_or("")
                ));
                let hosts = hosts.unwrap_or_default();
                for (ri, rule) in rules.iter().enumerate() {
                    for m in &rule.matches {
                        // Past servicelab's bound the rest is only counted:
                        // the line pays for it and stops.
                        if !work.router() {
                            continue;
                        }
                        let (text, priority) =
                            rule_of(&hosts, &m.path, m.method.as_deref(), &m.headers);
                        let name = router_name(&text, &format!("{key}-{ri}"));
                        if !names.insert(name.clone()) {
                            continue;
                        }
                        routers.push(Router {
                            name,
                            rule: text,
                            priority: priority + rules.len() as i64 - ri as i64,
                            entry_point: l.entry_point.unwrap_or("web"),
                            hostnames: hosts.clone(),
                            path: m.path.clone(),
                            headers: m.headers.clone(),
                            method: m.method.clone(),
                            route: (ns.clone(), route.metadata.name.clone()),
                            rule_index: ri,
                            backends: rule.backends.clone(),
                            set_headers: rule.set.clone(),
                            add_headers: rule.add.clone(),
                            remove_headers: rule.remove.clone(),
                            redirect: rule.redirect.clone(),
                        });
                    }
                }
            }
            parents.push(ParentResult {
                parent_ref: pref.clone(),
                accepted,
            });
        }
        if !parents.is_empty() {
            let parents: Vec<Value> = parents
                .into_iter()
                .map(|p| {
                    json!({"conditions": [
                        condition("Accepted", p.accepted.0, p.accepted.1, ""),
                        condition("ResolvedRefs", resolved.0, resolved.1, &resolved.2),
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

/// A route's rules, their backends loaded, and its ResolvedRefs condition:
/// the first backend that could not be loaded says why.
fn load_rules(
    c: &Cluster,
    ns: &str,
    spec: &Value,
    work: &mut Work,
) -> (Vec<Rule>, (&'static str, &'static str, String)) {
    let mut resolved = ("True", "ResolvedRefs", String::new());
    let rules = list_at(spec, &["rules"])
        .iter()
        .map(|rule| {
            let mut backends = vec![];
            for b in list_at(rule, &["backendRefs"]) {
                work.backend();
                match load_backend(c, ns, b) {
                    Ok(b) => backends.push(b),
                    Err((reason, message)) => {
                        if resolved.0 == "True" {
                            resolved = ("False", reason, message);
                        }
                        backends.push(Backend {
                            namespace: ns.to_string(),
                            service: str_at(b, &["name"]).to_string(),
                            port: at(b, &["port"]).as_i64().unwrap_or(0),
                            weight: at(b, &["weight"]).as_u64().unwrap_or(1) as u32,
                            servers: Err(500),
                        });
                    }
                }
            }
            let mut out = Rule {
                backends,
                set: vec![],
                add: vec![],
                remove: vec![],
                redirect: None,
                matches: list_at(rule, &["matches"]).iter().map(match_of).collect(),
            };
            for f in list_at(rule, &["filters"]) {
                match str_at(f, &["type"]) {
                    "RequestHeaderModifier" => {
                        let m = at(f, &["requestHeaderModifier"]);
                        out.set.extend(name_values(list_at(m, &["set"])));
                        out.add.extend(name_values(list_at(m, &["add"])));
                        out.remove.extend(
                            list_at(m, &["remove"])
                                .iter()
                                .filter_map(|v| v.as_str().map(str::to_string)),
                        );
                    }
                    "RequestRedirect" => {
                        let r = at(f, &["requestRedirect"]);
                        let text = |k: &str| r.get(k).and_then(Value::as_str).map(str::to_string);
                        out.redirect = Some(Redirect {
                            scheme: text("scheme"),
                            hostname: text("hostname"),
                            port: r.get("port").and_then(Value::as_i64),
                            status: r.get("statusCode").and_then(Value::as_u64).unwrap_or(302)
                                as u16,
                        });
                    }
                    _ => {}
                }
            }
            out
        })
        .collect();
    (rules, resolved)
}

fn match_of(m: &Value) -> Match {
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
    Match {
        path,
        headers: name_values(list_at(m, &["headers"])),
        method: m.get("method").and_then(Value::as_str).map(str::to_string),
    }
}

/// `[{name, value}]` (headers to match, set or add) as pairs.
fn name_values(list: &[Value]) -> Vec<(String, String)> {
    list.iter()
        .map(|h| {
            (
                str_at(h, &["name"]).to_string(),
                str_at(h, &["value"]).to_string(),
            )
        })
        .collect()
}
