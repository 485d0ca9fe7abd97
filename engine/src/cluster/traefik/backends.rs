//! A backendRef as Traefik loads it (`loadService`, `getBackendAddresses`):
//! the Service, its port, its ready endpoints; `isReferenceGranted` for a
//! Service in another namespace; the addresses of Traefik's own load
//! balancer, which its status and the Ingresses' carry.

use super::{Backend, GROUP};
use crate::cluster::objects::{at, list_at, str_at};
use crate::cluster::Cluster;
use serde_json::{json, Value};
use std::net::{Ipv4Addr, SocketAddrV4};

/// A backendRef loaded as `loadService` and `getBackendAddresses` do, or
/// the ResolvedRefs condition's (reason, message) when it cannot be.
pub(super) fn load_backend(
    c: &Cluster,
    route_ns: &str,
    b: &Value,
) -> Result<Backend, (&'static str, String)> {
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

/// The addresses of Traefik's Service's load balancer, as the Gateway's
/// status lists them (`statusAddress.service`).
pub(super) fn traefik_addresses(c: &Cluster) -> Vec<Value> {
    c.services
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
        .unwrap_or_default()
}
