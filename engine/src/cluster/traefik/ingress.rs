//! Ingresses as Traefik's Ingress provider loads them.

use super::backends::load_backend;
use super::rules::{normalize, PathMatch};
use super::{Backend, Router, Work};
use crate::cluster::bootstrap::traefik::INGRESS_CONTROLLER;
use crate::cluster::objects::{at, list_at, str_at};
use crate::cluster::Cluster;
use serde_json::{json, Value};

/// The Ingresses Traefik's Ingress provider takes (`shouldProcessIngress`:
/// a class whose controller is Traefik's, or the old annotation
/// `kubernetes.io/ingress.class: traefik`): a router per host and path,
/// its rule `Host(…) && PathPrefix(…)` and its priority the rule's length
/// (Traefik's default); the `defaultBackend` last. A path whose Service is
/// missing or has no ready endpoint gets no router (Traefik skips it), so
/// such a request is the 404 of no router. Each Ingress's status gets the
/// addresses of Traefik's load balancer (`publishedService`).
pub(super) fn ingresses(
    c: &Cluster,
    addresses: &[Value],
    routers: &mut Vec<Router>,
    statuses: &mut Vec<((&'static str, String, String), Value)>,
    work: &mut Work,
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
                work.backend();
                if !work.router() {
                    continue;
                }
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
        let default_backend = ing.spec().get("defaultBackend").filter(|_| work.router());
        if let Some(b) = default_backend.and_then(backend) {
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
