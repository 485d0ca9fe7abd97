//! The EndpointSlice controller and the EndpointSlice mirroring controller.
//!
//! - A Service with a selector owns its slices (`endpointslice.kubernetes.io/managed-by:
//!   endpointslice-controller.k8s.io`): one per distinct set of resolved
//!   ports, or one empty placeholder when no pod matches. A write to one of
//!   them is undone on the next sync; a deleted one comes back under a new name.
//! - A Service without a selector gets no slices from the controller. The
//!   slices the user writes (labelled `kubernetes.io/service-name`) are used
//!   as they are, and an Endpoints object of the Service's name is mirrored
//!   into slices (`endpointslicemirroring-controller.k8s.io`), one per subset.
//! - The API server keeps `default/kubernetes`'s slice, named `kubernetes`.

use super::controller_ref;
use super::endpoints::{pod_hostname, pod_ref};
use super::kubelet::resolve_target_port;
use crate::cluster::apiserver::LAST_APPLIED;
use crate::cluster::memo::{Made, Watcher};
use crate::cluster::objects::*;
use crate::cluster::{rfc3339, Cluster, Key};
use crate::map::Map;

/// What a controller wants one slice to hold.
#[derive(Debug, Clone, PartialEq)]
struct Desired {
    ports: Option<Vec<SlicePort>>,
    endpoints: Option<Vec<Endpoint>>,
}

/// The controller's slices for a Service with a selector.
fn desired_for_service(c: &Cluster, ns: &str, svc: &Service) -> Vec<Desired> {
    let selector = svc.spec.selector.clone().unwrap_or_default();
    let publish_not_ready = svc.spec.publish_not_ready_addresses == Some(true);
    let mut groups: Vec<Desired> = vec![];
    if !selector.is_empty() {
        for ((pns, name), pod) in &c.pods {
            if pns != ns || !selector_matches(&selector, &pod.metadata.labels) {
                continue;
            }
            let Some(ip) = pod.status.pod_ip.clone() else {
                continue;
            };
            let ports: Vec<SlicePort> = svc
                .spec
                .ports
                .iter()
                .filter_map(|p| {
                    let target = resolve_target_port(pod, p.target_port.as_ref(), p.port)?;
                    Some(SlicePort {
                        name: Some(p.name.clone()),
                        protocol: Some(p.protocol.clone().unwrap_or_else(|| "TCP".into())),
                        port: Some(target),
                        app_protocol: p.app_protocol.clone(),
                    })
                })
                .collect();
            let serving = pod.status.ready;
            let endpoint = Endpoint {
                addresses: vec![ip],
                conditions: EndpointConditions {
                    ready: Some(serving || publish_not_ready),
                    serving: Some(serving),
                    terminating: Some(false),
                },
                hostname: pod_hostname(pod, svc),
                target_ref: Some(pod_ref(ns, name, pod)),
                node_name: pod.spec.node_name.clone(),
                ..Default::default()
            };
            match groups.iter_mut().find(|g| g.ports.as_ref() == Some(&ports)) {
                Some(g) => g.endpoints.get_or_insert_with(Vec::new).push(endpoint),
                None => groups.push(Desired {
                    ports: Some(ports),
                    endpoints: Some(vec![endpoint]),
                }),
            }
        }
    }
    for g in &mut groups {
        if let Some(eps) = g.endpoints.as_mut() {
            crate::sort::sort_by_cached_key(eps, |e| {
                e.addresses
                    .first()
                    .and_then(|a| a.parse::<std::net::Ipv4Addr>().ok())
                    .map(u32::from)
                    .unwrap_or(u32::MAX)
            });
        }
    }
    if groups.is_empty() {
        // The placeholder: a Service with a selector always has a slice.
        groups.push(Desired {
            ports: None,
            endpoints: None,
        });
    }
    groups
}

/// The mirrored slices of an Endpoints object: one per subset.
fn desired_for_endpoints(ep: &Endpoints) -> Vec<Desired> {
    let mut out = vec![];
    for subset in &ep.subsets {
        let ports: Vec<SlicePort> = subset
            .ports
            .iter()
            .map(|p| SlicePort {
                name: Some(p.name.clone()),
                protocol: Some(p.protocol.clone().unwrap_or_else(|| "TCP".into())),
                port: Some(p.port),
                app_protocol: p.app_protocol.clone(),
            })
            .collect();
        let mut endpoints = vec![];
        for (addrs, ready) in [
            (&subset.addresses, true),
            (&subset.not_ready_addresses, false),
        ] {
            for a in addrs {
                // Only addresses of the slice's family are mirrored.
                if a.ip.parse::<std::net::Ipv4Addr>().is_err() {
                    continue;
                }
                endpoints.push(Endpoint {
                    addresses: vec![a.ip.clone()],
                    conditions: EndpointConditions {
                        ready: Some(ready),
                        ..Default::default()
                    },
                    hostname: a.hostname.clone(),
                    target_ref: a.target_ref.clone(),
                    node_name: a.node_name.clone(),
                    ..Default::default()
                });
            }
        }
        if endpoints.is_empty() {
            continue;
        }
        out.push(Desired {
            ports: Some(ports),
            endpoints: Some(endpoints),
        });
    }
    out
}

/// The slices one manager (`managed-by`) holds for each Service, in name
/// order: found in one pass over all of them.
fn owned_slices(c: &Cluster, manager: &str) -> Map<Key, Vec<Key>> {
    let mut out: Map<Key, Vec<Key>> = Map::new();
    for (k, slice) in &c.endpoint_slices {
        if slice.managed_by() != Some(manager) {
            continue;
        }
        if let Some(svc) = slice.service_name() {
            out.entry((k.0.clone(), svc.to_string()))
                .or_default()
                .push(k.clone());
        }
    }
    out
}

/// The slices a Service owns and their versions, to tell whether anyone
/// wrote them.
fn versions(c: &Cluster, keys: &[Key]) -> Vec<(Key, Option<String>)> {
    keys.iter()
        .map(|k| {
            let version = c
                .endpoint_slices
                .get(k)
                .and_then(|s| s.metadata.resource_version.clone());
            (k.clone(), version)
        })
        .collect()
}

/// Makes the `existing` slices of a Service in `ns` hold exactly
/// `desired`: reused in name order, updated only when they differ, created
/// with `generateName: PREFIX`, and the extras deleted. The slices it
/// leaves, in name order.
#[allow(clippy::too_many_arguments)]
fn sync(
    c: &mut Cluster,
    ns: &str,
    existing: Vec<Key>,
    prefix: &str,
    labels: &Labels,
    owner: Option<OwnerReference>,
    annotations: &SliceAnnotations,
    desired: Vec<Desired>,
    now: i64,
) -> Vec<Key> {
    let mut kept = vec![];
    for (i, want) in desired.iter().enumerate() {
        match existing.get(i) {
            Some(key) => {
                let Some(slice) = c.endpoint_slices.get(key) else {
                    continue;
                };
                let same = slice.address_type == "IPv4"
                    && slice.ports == want.ports
                    && slice.endpoints == want.endpoints
                    && slice.metadata.labels == *labels
                    && slice.metadata.owner_references == owner.iter().cloned().collect::<Vec<_>>()
                    && match annotations {
                        SliceAnnotations::TriggerTime => true,
                        SliceAnnotations::Copied(a) => slice.metadata.annotations == *a,
                    };
                kept.push(key.clone());
                if same {
                    continue;
                }
                let mut slice = slice.clone();
                slice.address_type = "IPv4".into();
                slice.ports = want.ports.clone();
                slice.endpoints = want.endpoints.clone();
                slice.metadata.labels = labels.clone();
                slice.metadata.owner_references = owner.iter().cloned().collect();
                annotations.stamp(&mut slice.metadata, now);
                c.bump(&mut slice.metadata);
                c.endpoint_slices.insert(key.clone(), slice);
            }
            None => {
                let name = c.generate_name(|c| &c.endpoint_slices, ns, prefix);
                let mut slice = EndpointSlice {
                    api_version: "discovery.k8s.io/v1".into(),
                    kind: "EndpointSlice".into(),
                    metadata: ObjectMeta {
                        name: name.clone(),
                        generate_name: Some(prefix.to_string()),
                        namespace: Some(ns.to_string()),
                        labels: labels.clone(),
                        owner_references: owner.iter().cloned().collect(),
                        ..Default::default()
                    },
                    address_type: "IPv4".into(),
                    endpoints: want.endpoints.clone(),
                    ports: want.ports.clone(),
                };
                annotations.stamp(&mut slice.metadata, now);
                c.stamp(&mut slice.metadata, now);
                kept.push((ns.to_string(), name.clone()));
                c.endpoint_slices.insert((ns.to_string(), name), slice);
            }
        }
    }
    for key in existing.iter().skip(desired.len()) {
        c.endpoint_slices.remove(key);
        c.changed();
    }
    crate::sort::sort(&mut kept);
    kept
}

/// What a controller writes in a slice's annotations.
enum SliceAnnotations {
    /// The EndpointSlice controller notes when the change it mirrors happened.
    TriggerTime,
    /// The mirroring controller copies the Endpoints' annotations, all but the
    /// trigger time and kubectl's last-applied-configuration.
    Copied(Map<String, String>),
}

impl SliceAnnotations {
    fn from_endpoints(ep: &Endpoints) -> Self {
        let mut a = ep.metadata.annotations.clone();
        a.remove(ANNOTATION_TRIGGER_TIME);
        a.remove(LAST_APPLIED);
        SliceAnnotations::Copied(a)
    }

    fn stamp(&self, meta: &mut ObjectMeta, now: i64) {
        match self {
            SliceAnnotations::TriggerTime => {
                meta.annotations
                    .insert(ANNOTATION_TRIGGER_TIME.into(), rfc3339(now));
            }
            SliceAnnotations::Copied(a) => meta.annotations = a.clone(),
        }
    }
}

fn slice_labels(base: &Labels, service: &str, managed_by: &str) -> Labels {
    let mut labels = base.clone();
    labels.insert(LABEL_SERVICE_NAME.into(), service.to_string());
    labels.insert(LABEL_MANAGED_BY.into(), managed_by.to_string());
    labels
}

/// The slices the controller made for one Service, in name order, found
/// by their names (`NAME-xxxxx`, from `generateName`): nobody else made a
/// slice it manages unless slices were written from outside, when
/// [`owned_slices`] reads them all.
fn made_slices(c: &Cluster, key: &Key) -> Vec<Key> {
    let prefix = format!("{}-", key.1);
    c.endpoint_slices
        .range((key.0.clone(), prefix.clone())..)
        .take_while(|(k, _)| k.0 == key.0 && k.1.starts_with(&prefix))
        .filter(|(_, s)| {
            s.managed_by() == Some(MANAGED_BY_CONTROLLER) && s.service_name() == Some(&key.1)
        })
        .map(|(k, _)| k.clone())
        .collect()
}

/// The EndpointSlice controller: slices for every Service with a selector,
/// none left behind for a Service that is gone or lost its selector. A
/// Service is looked at again only when it was written, the pods of its
/// namespace changed, or slices were written from outside since this
/// controller last looked (see [`Cluster::look`]).
pub(crate) fn reconcile(c: &mut Cluster, now: i64) {
    let look = c.look(Watcher::Slices);
    if look.full {
        let services = &c.services;
        c.memo.slices.retain(|k, _| services.contains_key(k));
    }
    let outside = c.memo.outside_endpoints;
    let mut owned = look.full.then(|| {
        c.spend(c.endpoint_slices.len());
        owned_slices(c, MANAGED_BY_CONTROLLER)
    });
    // A Service gone or without a selector leaves stale slices behind.
    let mut stale = look.full;
    c.spend(look.services.len() * 4);
    for key in &look.services {
        let (ns, name) = (&key.0, &key.1);
        if ns == "default" && name == "kubernetes" {
            kubernetes_slice(c, now);
            continue;
        }
        let Some(svc) = c.services.get(key) else {
            c.memo.slices.remove(key);
            stale = true;
            continue;
        };
        // As the Endpoints controller: nothing for an ExternalName Service.
        if svc.spec.selector.is_none() || svc.type_name() == "ExternalName" {
            stale = true;
            continue;
        }
        let fingerprint = look.pods.get(ns).copied().unwrap_or(0);
        let unchanged = c
            .memo
            .slices
            .get(key)
            .is_some_and(|m| m.made_from(svc, fingerprint) && m.outside == outside);
        if unchanged {
            continue;
        }
        let existing = match owned.as_mut() {
            Some(o) => o.remove(key).unwrap_or_default(),
            None => made_slices(c, key),
        };
        let Some(svc) = c.services.get(key) else {
            continue;
        };
        let as_left = c.memo.slices.get(key).is_some_and(|m| {
            m.made_from(svc, fingerprint)
                && m.left_as_is(existing.iter(), |k| {
                    c.endpoint_slices
                        .get(k)
                        .and_then(|s| s.metadata.resource_version.as_ref())
                })
        });
        if as_left {
            if let Some(m) = c.memo.slices.get_mut(key) {
                m.outside = outside;
            }
            continue;
        }
        let svc = svc.clone();
        let mut labels = slice_labels(&svc.metadata.labels, name, MANAGED_BY_CONTROLLER);
        if svc.spec.cluster_ip.as_deref() == Some("None") {
            labels.insert(LABEL_HEADLESS.into(), String::new());
        }
        let desired = desired_for_service(c, ns, &svc);
        let endpoints: usize = desired
            .iter()
            .map(|d| d.endpoints.as_ref().map_or(0, Vec::len))
            .sum();
        c.spend(c.pods.len() + 4 * endpoints);
        let owner = controller_ref("v1", "Service", &svc.metadata);
        let kept = sync(
            c,
            ns,
            existing,
            &format!("{name}-"),
            &labels,
            Some(owner),
            &SliceAnnotations::TriggerTime,
            desired,
            now,
        );
        let made = Made::new(&svc, fingerprint, versions(c, &kept), outside);
        c.memo.slices.insert(key.clone(), made);
    }
    // Slices of Services that are gone (the garbage collector follows their
    // owner reference) or no longer have a selector.
    if stale {
        c.spend(c.endpoint_slices.len());
        let stale: Vec<Key> = c
            .endpoint_slices
            .iter()
            .filter(|(k, s)| {
                s.managed_by() == Some(MANAGED_BY_CONTROLLER)
                    && s.service_name().is_none_or(|svc| {
                        c.services
                            .get(&(k.0.clone(), svc.to_string()))
                            .is_none_or(|svc| svc.spec.selector.is_none())
                    })
            })
            .map(|(k, _)| k.clone())
            .collect();
        for k in stale {
            c.endpoint_slices.remove(&k);
            c.changed();
        }
    }
    c.looked(Watcher::Slices, look);
}

/// The mirroring controller: Endpoints of a Service without a selector
/// become slices (unless labelled `endpointslice.kubernetes.io/skip-mirror`).
pub(crate) fn mirror(c: &mut Cluster, now: i64) {
    // It reads only what is written from outside: a Service without a
    // selector (or that had one), Endpoints or slices. Pods are no concern.
    let look = c.look(Watcher::Mirror);
    let concerned = look.full
        || look.services.iter().any(|k| {
            c.services.get(k).is_none_or(|s| s.spec.selector.is_none())
                || c.memo.mirrored.contains(k)
        });
    c.looked(Watcher::Mirror, look);
    if !concerned {
        return;
    }
    c.spend(c.endpoints.len() + c.endpoint_slices.len());
    let mirrored: Vec<(Key, Endpoints)> = c
        .endpoints
        .iter()
        .filter(|(k, ep)| {
            ep.metadata
                .labels
                .get(LABEL_SKIP_MIRROR)
                .map(String::as_str)
                != Some("true")
                && c.services
                    .get(*k)
                    .is_some_and(|svc| svc.spec.selector.is_none())
        })
        .map(|(k, e)| (k.clone(), e.clone()))
        .collect();
    let mut owned = owned_slices(c, MANAGED_BY_MIRRORING);
    for ((ns, name), ep) in &mirrored {
        let labels = slice_labels(&ep.metadata.labels, name, MANAGED_BY_MIRRORING);
        let owner = controller_ref("v1", "Endpoints", &ep.metadata);
        let existing = owned
            .remove(&(ns.clone(), name.clone()))
            .unwrap_or_default();
        let desired = desired_for_endpoints(ep);
        sync(
            c,
            ns,
            existing,
            &format!("{name}-"),
            &labels,
            Some(owner),
            &SliceAnnotations::from_endpoints(ep),
            desired,
            now,
        );
    }
    c.memo.mirrored = mirrored.iter().map(|(k, _)| k.clone()).collect();
    let mirrored: crate::map::Set<&Key> = mirrored.iter().map(|(k, _)| k).collect();
    let stale: Vec<Key> = c
        .endpoint_slices
        .iter()
        .filter(|(k, s)| {
            s.managed_by() == Some(MANAGED_BY_MIRRORING)
                && !s
                    .service_name()
                    .is_some_and(|svc| mirrored.contains(&(k.0.clone(), svc.to_string())))
        })
        .map(|(k, _)| k.clone())
        .collect();
    for k in stale {
        c.endpoint_slices.remove(&k);
        c.changed();
    }
}

/// `default/kubernetes`'s slice, which the API server itself maintains.
fn kubernetes_slice(c: &mut Cluster, now: i64) {
    let Some(node) = c.nodes.first().cloned() else {
        return;
    };
    let key = ("default".to_string(), "kubernetes".to_string());
    let labels: Labels = [(LABEL_SERVICE_NAME.to_string(), "kubernetes".to_string())].into();
    let endpoints = Some(vec![Endpoint {
        addresses: vec![node.ip.to_string()],
        conditions: EndpointConditions {
            ready: Some(true),
            ..Default::default()
        },
        ..Default::default()
    }]);
    let ports = Some(vec![SlicePort {
        name: Some("https".into()),
        protocol: Some("TCP".into()),
        port: Some(6443),
        app_protocol: None,
    }]);
    let same = c.endpoint_slices.get(&key).is_some_and(|s| {
        s.endpoints == endpoints && s.ports == ports && s.metadata.labels == labels
    });
    if same {
        return;
    }
    let mut slice = c.endpoint_slices.get(&key).cloned().unwrap_or_default();
    let fresh = slice.metadata.uid.is_none();
    slice.api_version = "discovery.k8s.io/v1".into();
    slice.kind = "EndpointSlice".into();
    slice.metadata.name = key.1.clone();
    slice.metadata.namespace = Some(key.0.clone());
    slice.metadata.labels = labels;
    slice.address_type = "IPv4".into();
    slice.endpoints = endpoints;
    slice.ports = ports;
    if fresh {
        c.stamp(&mut slice.metadata, now);
    } else {
        c.bump(&mut slice.metadata);
    }
    c.endpoint_slices.insert(key, slice);
}
