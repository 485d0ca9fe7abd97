//! The Endpoints controller, and the API server's own endpoints for the
//! `kubernetes` Service.
//!
//! For every Service with a selector it writes an Endpoints object of the
//! same name: the matching pods with an address, Ready ones under
//! `addresses` and the others under `notReadyAddresses`, one subset per
//! distinct set of resolved ports. Whatever else is written there is
//! overwritten on the next sync, as on a real cluster. A Service without a
//! selector is left alone: its Endpoints are whatever the user writes.

use super::kubelet::resolve_target_port;
use crate::cluster::memo::{Made, Watcher};
use crate::cluster::objects::*;
use crate::cluster::{rfc3339, Cluster, Key};

/// One address with the ports it serves.
struct PodAddress {
    address: EndpointAddress,
    ready: bool,
    ports: Vec<EndpointPort>,
}

/// The addresses a Service's selector gives it, pod by pod, with each
/// port's target resolved on that pod.
fn pod_addresses(c: &Cluster, ns: &str, svc: &Service) -> Vec<PodAddress> {
    let Some(selector) = svc.spec.selector.as_ref().filter(|s| !s.is_empty()) else {
        return vec![];
    };
    let publish_not_ready = svc.spec.publish_not_ready_addresses == Some(true);
    let mut out = vec![];
    for ((pns, name), pod) in &c.pods {
        if pns != ns || !selector_matches(selector, &pod.metadata.labels) {
            continue;
        }
        let Some(ip) = pod.status.pod_ip.clone() else {
            continue;
        };
        let ports: Vec<EndpointPort> = svc
            .spec
            .ports
            .iter()
            .filter_map(|p| {
                let target = resolve_target_port(pod, p.target_port.as_ref(), p.port)?;
                Some(EndpointPort {
                    name: p.name.clone(),
                    port: target,
                    protocol: Some(p.protocol.clone().unwrap_or_else(|| "TCP".into())),
                    app_protocol: p.app_protocol.clone(),
                })
            })
            .collect();
        out.push(PodAddress {
            address: EndpointAddress {
                ip,
                hostname: pod_hostname(pod, svc),
                node_name: pod.spec.node_name.clone(),
                target_ref: Some(pod_ref(ns, name, pod)),
            },
            ready: pod.status.ready || publish_not_ready,
            ports,
        });
    }
    out
}

/// A pod's DNS host name under a Service: its `hostname`, when its
/// `subdomain` names this Service.
pub(crate) fn pod_hostname(pod: &Pod, svc: &Service) -> Option<String> {
    match (&pod.spec.hostname, &pod.spec.subdomain) {
        (Some(h), Some(sub)) if !h.is_empty() && *sub == svc.metadata.name => Some(h.clone()),
        _ => None,
    }
}

pub(crate) fn pod_ref(ns: &str, name: &str, pod: &Pod) -> ObjectReference {
    ObjectReference {
        kind: Some("Pod".into()),
        namespace: Some(ns.to_string()),
        name: Some(name.to_string()),
        uid: pod.metadata.uid.clone(),
        ..Default::default()
    }
}

/// The subsets of the Endpoints object, repacked as the controller does:
/// addresses with the same ports share a subset; addresses sorted by IP.
fn subsets(addrs: Vec<PodAddress>) -> Vec<EndpointSubset> {
    let mut out: Vec<EndpointSubset> = vec![];
    for a in addrs {
        if a.ports.is_empty() {
            continue;
        }
        let mut ports = a.ports.clone();
        crate::sort::sort_by(&mut ports, |x, y| {
            x.name.cmp(&y.name).then(x.port.cmp(&y.port))
        });
        let i = match out.iter().position(|s| s.ports == ports) {
            Some(i) => i,
            None => {
                out.push(EndpointSubset {
                    ports,
                    ..Default::default()
                });
                out.len() - 1
            }
        };
        if a.ready {
            out[i].addresses.push(a.address);
        } else {
            out[i].not_ready_addresses.push(a.address);
        }
    }
    let ip_key = |a: &EndpointAddress| {
        a.ip.parse::<std::net::Ipv4Addr>()
            .map(u32::from)
            .unwrap_or(u32::MAX)
    };
    for s in &mut out {
        crate::sort::sort_by_cached_key(&mut s.addresses, ip_key);
        crate::sort::sort_by_cached_key(&mut s.not_ready_addresses, ip_key);
    }
    out
}

/// Writes `want` as the Endpoints at `key` unless it is already there.
fn write(c: &mut Cluster, key: &Key, labels: Labels, subsets: Vec<EndpointSubset>, now: i64) {
    if let Some(existing) = c.endpoints.get(key) {
        if existing.subsets == subsets && existing.metadata.labels == labels {
            return;
        }
    }
    let mut ep = c.endpoints.get(key).cloned().unwrap_or_default();
    let fresh = ep.metadata.uid.is_none();
    ep.api_version = "v1".into();
    ep.kind = "Endpoints".into();
    ep.metadata.name = key.1.clone();
    ep.metadata.namespace = Some(key.0.clone());
    ep.metadata.labels = labels;
    // Subsets and labels are the controller's; annotations are kept.
    ep.metadata
        .annotations
        .insert(ANNOTATION_TRIGGER_TIME.into(), rfc3339(now));
    ep.subsets = subsets;
    if fresh {
        c.stamp(&mut ep.metadata, now);
    } else {
        c.bump(&mut ep.metadata);
    }
    c.endpoints.insert(key.clone(), ep);
}

/// What a Service's Endpoints object is, to tell whether anyone wrote it.
fn left(c: &Cluster, key: &Key) -> Vec<(Key, Option<String>)> {
    let version = c
        .endpoints
        .get(key)
        .and_then(|e| e.metadata.resource_version.clone());
    vec![(key.clone(), version)]
}

/// A Service is looked at again only when it was written, the pods of its
/// namespace changed, or Endpoints were written from outside since this
/// controller last looked (see [`Cluster::look`]); a pass where nothing
/// changed looks at nothing.
pub(crate) fn reconcile(c: &mut Cluster, now: i64) {
    let look = c.look(Watcher::Endpoints);
    if look.full {
        let services = &c.services;
        c.memo.endpoints.retain(|k, _| services.contains_key(k));
    }
    let outside = c.memo.outside_endpoints;
    c.spend(look.services.len() * 4);
    for key in &look.services {
        if key.0 == "default" && key.1 == "kubernetes" {
            kubernetes_endpoints(c, now);
            continue;
        }
        let Some(svc) = c.services.get(key) else {
            c.memo.endpoints.remove(key);
            continue;
        };
        // Services without a selector get no Endpoints from this
        // controller, and neither do ExternalName ones (kubernetes#105986).
        if svc.spec.selector.is_none() || svc.type_name() == "ExternalName" {
            continue;
        }
        let fingerprint = look.pods.get(&key.0).copied().unwrap_or(0);
        // Its Endpoints are as it left them when nobody else wrote any
        // since; otherwise they are looked at.
        let unchanged = c.memo.endpoints.get(key).is_some_and(|m| {
            m.made_from(svc, fingerprint)
                && (m.outside == outside
                    || m.left_as_is(std::iter::once(key), |k| {
                        c.endpoints
                            .get(k)
                            .and_then(|e| e.metadata.resource_version.as_ref())
                    }))
        });
        if unchanged {
            if let Some(m) = c.memo.endpoints.get_mut(key) {
                m.outside = outside;
            }
            continue;
        }
        let svc = svc.clone();
        let mut labels = svc.metadata.labels.clone();
        if svc.spec.cluster_ip.as_deref() == Some("None") {
            labels.insert(LABEL_HEADLESS.into(), String::new());
        }
        let addresses = pod_addresses(c, &key.0, &svc);
        c.spend(c.pods.len() + 4 * addresses.len());
        let subsets = subsets(addresses);
        write(c, key, labels, subsets, now);
        let made = Made::new(&svc, fingerprint, left(c, key), outside);
        c.memo.endpoints.insert(key.clone(), made);
    }
    c.looked(Watcher::Endpoints, look);
}

/// The API server's reconciler keeps `default/kubernetes` pointing at
/// itself, with `skip-mirror` so the mirroring controller leaves it alone
/// (the API server writes that Service's EndpointSlice too).
fn kubernetes_endpoints(c: &mut Cluster, now: i64) {
    let Some(node) = c.nodes.first().cloned() else {
        return;
    };
    let key = ("default".to_string(), "kubernetes".to_string());
    let subsets = vec![EndpointSubset {
        addresses: vec![EndpointAddress {
            ip: node.ip.to_string(),
            ..Default::default()
        }],
        not_ready_addresses: vec![],
        ports: vec![EndpointPort {
            name: "https".into(),
            port: 6443,
            protocol: Some("TCP".into()),
            app_protocol: None,
        }],
    }];
    let labels: Labels = [(LABEL_SKIP_MIRROR.to_string(), "true".to_string())].into();
    let same = c
        .endpoints
        .get(&key)
        .is_some_and(|e| e.subsets == subsets && e.metadata.labels == labels);
    if same {
        return;
    }
    let mut ep = c.endpoints.get(&key).cloned().unwrap_or_default();
    let fresh = ep.metadata.uid.is_none();
    ep.api_version = "v1".into();
    ep.kind = "Endpoints".into();
    ep.metadata.name = key.1.clone();
    ep.metadata.namespace = Some(key.0.clone());
    ep.metadata.labels = labels;
    ep.metadata.annotations.clear();
    ep.subsets = subsets;
    if fresh {
        c.stamp(&mut ep.metadata, now);
    } else {
        c.bump(&mut ep.metadata);
    }
    c.endpoints.insert(key, ep);
}
