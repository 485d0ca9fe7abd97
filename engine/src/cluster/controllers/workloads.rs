//! The workload controllers: Deployment → ReplicaSet → pods, StatefulSet →
//! ordinal pods, DaemonSet → a pod per node, and the garbage collector that
//! removes what lost its owner.

use super::{controlled_by, controller_ref, release_unmatched};
use crate::cluster::objects::*;
use crate::cluster::{pod_template_hash, Cluster, Key};

/// A pod a controller is about to create.
struct NewPod<'a> {
    ns: &'a str,
    name: String,
    template: &'a PodTemplate,
    owner: OwnerReference,
    generate_name: Option<String>,
    /// Labels the controller adds to the template's.
    extra_labels: Vec<(&'static str, String)>,
}

/// A pod stamped from its template, owned by its controller.
fn stamp_pod(c: &mut Cluster, new: NewPod<'_>, now: i64) -> Key {
    let NewPod {
        ns,
        name,
        template,
        owner,
        generate_name,
        extra_labels,
    } = new;
    let mut labels = template.metadata.labels.clone();
    for (k, v) in extra_labels {
        labels.insert(k.to_string(), v);
    }
    let mut pod = Pod {
        api_version: "v1".into(),
        kind: "Pod".into(),
        metadata: ObjectMeta {
            name: name.clone(),
            namespace: Some(ns.to_string()),
            labels,
            annotations: template.metadata.annotations.clone(),
            generate_name,
            ..Default::default()
        },
        spec: template.spec.clone(),
        status: PodStatus::default(),
    };
    if pod.spec.restart_policy.is_none() {
        pod.spec.restart_policy = Some("Always".into());
    }
    pod.metadata.owner_references.push(owner);
    c.stamp(&mut pod.metadata, now);
    let key = (ns.to_string(), name);
    c.pods.insert(key.clone(), pod);
    key
}

/// Each Deployment's current ReplicaSet (named after its template's hash),
/// scaled to the Deployment's replicas; older ones are scaled to zero.
pub(crate) fn deployments(c: &mut Cluster, now: i64) {
    let deployments: Vec<(Key, Deployment)> = c
        .deployments
        .iter()
        .map(|(k, d)| (k.clone(), d.clone()))
        .collect();
    for ((ns, name), d) in deployments {
        let hash = pod_template_hash(&d.spec.template);
        let rs_name = format!("{name}-{hash}");
        let key = (ns.clone(), rs_name.clone());
        let replicas = d.spec.replicas.unwrap_or(1);
        if let Some(rs) = c.replicasets.get_mut(&key) {
            if rs.spec.replicas != Some(replicas) {
                rs.spec.replicas = Some(replicas);
                c.changed();
            }
            continue;
        }
        let mut selector = d.spec.selector.clone();
        selector
            .match_labels
            .insert("pod-template-hash".into(), hash.clone());
        let mut template = d.spec.template.clone();
        template
            .metadata
            .labels
            .insert("pod-template-hash".into(), hash.clone());
        let mut rs = ReplicaSet {
            api_version: "apps/v1".into(),
            kind: "ReplicaSet".into(),
            metadata: ObjectMeta {
                name: rs_name,
                namespace: Some(ns.clone()),
                labels: template.metadata.labels.clone(),
                ..Default::default()
            },
            spec: ReplicaSetSpec {
                replicas: Some(replicas),
                selector,
                template,
                min_ready_seconds: None,
            },
            status: ReplicaSetStatus::default(),
        };
        rs.metadata
            .annotations
            .insert("deployment.kubernetes.io/revision".into(), "1".into());
        rs.metadata
            .owner_references
            .push(controller_ref("apps/v1", "Deployment", &d.metadata));
        c.stamp(&mut rs.metadata, now.max(d.metadata.created_ms));
        // An older template's ReplicaSet is scaled to zero (a rollout).
        for (k, old) in c.replicasets.iter_mut() {
            if k.0 == ns && old.deployment() == Some(name.as_str()) {
                old.spec.replicas = Some(0);
            }
        }
        c.replicasets.insert(key, rs);
    }
}

/// Each ReplicaSet keeps `replicas` pods it controls: it adopts orphans its
/// selector matches, creates what is missing and removes the newest extras.
pub(crate) fn replicasets(c: &mut Cluster, now: i64) {
    let sets: Vec<(Key, ReplicaSet)> = c
        .replicasets
        .iter()
        .map(|(k, r)| (k.clone(), r.clone()))
        .collect();
    for ((ns, name), rs) in sets {
        if !rs.spec.selector.is_empty() {
            let orphans: Vec<Key> = c
                .pods
                .iter()
                .filter(|(k, p)| {
                    k.0 == ns
                        && !p
                            .metadata
                            .owner_references
                            .iter()
                            .any(|o| o.controller == Some(true))
                        && rs.spec.selector.matches(&p.metadata.labels)
                })
                .map(|(k, _)| k.clone())
                .collect();
            for k in orphans {
                if let Some(p) = c.pods.get_mut(&k) {
                    p.metadata.owner_references.push(controller_ref(
                        "apps/v1",
                        "ReplicaSet",
                        &rs.metadata,
                    ));
                    c.changed();
                }
            }
        }
        release_unmatched(c, &ns, "ReplicaSet", &name, &rs.spec.selector);
        let mut owned: Vec<(Key, i64)> = c
            .pods
            .iter()
            .filter(|(k, p)| k.0 == ns && controlled_by(&p.metadata, "ReplicaSet", &name))
            .map(|(k, p)| (k.clone(), p.metadata.created_ms))
            .collect();
        let want = rs.replicas().max(0) as usize;
        while owned.len() < want {
            let pod_name = c.generate_name(|c| &c.pods, &ns, &format!("{name}-"));
            let owner = controller_ref("apps/v1", "ReplicaSet", &rs.metadata);
            let at = now.max(rs.metadata.created_ms);
            let key = stamp_pod(
                c,
                NewPod {
                    ns: &ns,
                    name: pod_name,
                    template: &rs.spec.template,
                    owner,
                    generate_name: Some(format!("{name}-")),
                    extra_labels: vec![],
                },
                at,
            );
            owned.push((key, at));
        }
        if owned.len() > want {
            // The newest pods go first, as the ReplicaSet controller prefers.
            crate::sort::sort_by(&mut owned, |a, b| b.1.cmp(&a.1).then(b.0.cmp(&a.0)));
            for (k, _) in owned.iter().take(owned.len() - want) {
                c.pods.remove(k);
            }
            owned.truncate(want);
            c.changed();
        }
        let ready = owned
            .iter()
            .filter(|(k, _)| c.pods.get(k).is_some_and(|p| p.status.ready))
            .count() as i32;
        let status = ReplicaSetStatus {
            replicas: owned.len() as i32,
            fully_labeled_replicas: Some(owned.len() as i32),
            ready_replicas: Some(ready),
            available_replicas: Some(ready),
            observed_generation: Some(1),
        };
        if let Some(r) = c.replicasets.get_mut(&(ns.clone(), name.clone())) {
            if r.status != status {
                r.status = status;
                c.changed();
            }
        }
    }
}

/// Each StatefulSet's pods are `NAME-0` … `NAME-(n-1)`, each with the host
/// name of its pod and the governing Service as its subdomain. With the
/// default `OrderedReady` policy a pod is created only once every lower
/// ordinal is Running and Ready; scaling down removes the highest first.
pub(crate) fn statefulsets(c: &mut Cluster, now: i64) {
    let sets: Vec<(Key, StatefulSet)> = c
        .statefulsets
        .iter()
        .map(|(k, s)| (k.clone(), s.clone()))
        .collect();
    for ((ns, name), sts) in sets {
        let revision = format!("{name}-{}", pod_template_hash(&sts.spec.template));
        let want = sts.replicas().max(0) as usize;
        for ordinal in 0..want {
            let pod_name = format!("{name}-{ordinal}");
            let key = (ns.clone(), pod_name.clone());
            match c.pods.get(&key) {
                Some(p) => {
                    if sts.ordered()
                        && !(p.status.ready && p.status.phase.as_deref() == Some("Running"))
                    {
                        // OrderedReady: wait for this one before the next.
                        break;
                    }
                }
                None => {
                    let mut template = sts.spec.template.clone();
                    template.spec.hostname = Some(pod_name.clone());
                    if !sts.spec.service_name.is_empty() {
                        template.spec.subdomain = Some(sts.spec.service_name.clone());
                    }
                    let owner = controller_ref("apps/v1", "StatefulSet", &sts.metadata);
                    stamp_pod(
                        c,
                        NewPod {
                            ns: &ns,
                            name: pod_name.clone(),
                            template: &template,
                            owner,
                            generate_name: None,
                            extra_labels: vec![
                                ("apps.kubernetes.io/pod-index", ordinal.to_string()),
                                ("controller-revision-hash", revision.clone()),
                                ("statefulset.kubernetes.io/pod-name", pod_name),
                            ],
                        },
                        now.max(sts.metadata.created_ms),
                    );
                    if sts.ordered() {
                        break;
                    }
                }
            }
        }
        let extra: Vec<Key> = c
            .pods
            .iter()
            .filter(|(k, p)| {
                k.0 == ns
                    && controlled_by(&p.metadata, "StatefulSet", &name)
                    && k.1
                        .strip_prefix(&format!("{name}-"))
                        .and_then(|o| o.parse::<usize>().ok())
                        .is_none_or(|o| o >= want)
            })
            .map(|(k, _)| k.clone())
            .collect();
        for k in extra {
            c.pods.remove(&k);
            c.changed();
        }
        let pods: Vec<&Pod> = c
            .pods
            .iter()
            .filter(|(k, p)| k.0 == ns && controlled_by(&p.metadata, "StatefulSet", &name))
            .map(|(_, p)| p)
            .collect();
        let ready = pods.iter().filter(|p| p.status.ready).count() as i32;
        let total = pods.len() as i32;
        let status = StatefulSetStatus {
            replicas: total,
            ready_replicas: Some(ready),
            current_replicas: Some(total),
            updated_replicas: Some(total),
            available_replicas: Some(ready),
        };
        if let Some(s) = c.statefulsets.get_mut(&(ns.clone(), name.clone())) {
            if s.status != status {
                s.status = status;
                c.changed();
            }
        }
    }
}

/// Each DaemonSet runs one pod on every node.
pub(crate) fn daemonsets(c: &mut Cluster, now: i64) {
    let sets: Vec<(Key, DaemonSet)> = c
        .daemonsets
        .iter()
        .map(|(k, d)| (k.clone(), d.clone()))
        .collect();
    let nodes: Vec<String> = c.nodes.iter().map(|n| n.name.clone()).collect();
    for ((ns, name), ds) in sets {
        let hash = pod_template_hash(&ds.spec.template);
        release_unmatched(c, &ns, "DaemonSet", &name, &ds.spec.selector);
        for node in &nodes {
            let has = c.pods.iter().any(|(k, p)| {
                k.0 == ns
                    && controlled_by(&p.metadata, "DaemonSet", &name)
                    && p.spec.node_name.as_deref() == Some(node.as_str())
            });
            if has {
                continue;
            }
            let pod_name = c.generate_name(|c| &c.pods, &ns, &format!("{name}-"));
            let mut template = ds.spec.template.clone();
            // The DaemonSet controller pins each pod to its node.
            template.spec.node_name = Some(node.clone());
            let owner = controller_ref("apps/v1", "DaemonSet", &ds.metadata);
            stamp_pod(
                c,
                NewPod {
                    ns: &ns,
                    name: pod_name,
                    template: &template,
                    owner,
                    generate_name: Some(format!("{name}-")),
                    extra_labels: vec![
                        ("controller-revision-hash", hash.clone()),
                        ("pod-template-generation", "1".into()),
                    ],
                },
                now.max(ds.metadata.created_ms),
            );
        }
        let pods: Vec<&Pod> = c
            .pods
            .iter()
            .filter(|(k, p)| k.0 == ns && controlled_by(&p.metadata, "DaemonSet", &name))
            .map(|(_, p)| p)
            .collect();
        let ready = pods.iter().filter(|p| p.status.ready).count() as i32;
        let status = DaemonSetStatus {
            current_number_scheduled: pods.len() as i32,
            desired_number_scheduled: nodes.len() as i32,
            number_misscheduled: 0,
            number_ready: ready,
            number_available: Some(ready),
            updated_number_scheduled: Some(pods.len() as i32),
        };
        if let Some(d) = c.daemonsets.get_mut(&(ns.clone(), name.clone())) {
            if d.status != status {
                d.status = status;
                c.changed();
            }
        }
    }
}

/// The garbage collector: a pod whose controlling ReplicaSet, StatefulSet
/// or DaemonSet is gone is deleted, and so is a ReplicaSet whose Deployment is.
pub(crate) fn collect_garbage(c: &mut Cluster) {
    let orphan_sets: Vec<Key> = c
        .replicasets
        .iter()
        .filter(|(k, rs)| {
            rs.deployment()
                .is_some_and(|d| !c.deployments.contains_key(&(k.0.clone(), d.to_string())))
        })
        .map(|(k, _)| k.clone())
        .collect();
    for k in orphan_sets {
        c.replicasets.remove(&k);
        c.changed();
    }
    let orphan_pods: Vec<Key> = c
        .pods
        .iter()
        .filter(|(k, p)| {
            p.metadata
                .owner_references
                .iter()
                .filter(|o| o.controller == Some(true))
                .any(|o| {
                    let owner = (k.0.clone(), o.name.clone());
                    match o.kind.as_str() {
                        "ReplicaSet" => !c.replicasets.contains_key(&owner),
                        "StatefulSet" => !c.statefulsets.contains_key(&owner),
                        "DaemonSet" => !c.daemonsets.contains_key(&owner),
                        _ => false,
                    }
                })
        })
        .map(|(k, _)| k.clone())
        .collect();
    for k in orphan_pods {
        c.pods.remove(&k);
        c.changed();
    }
}
