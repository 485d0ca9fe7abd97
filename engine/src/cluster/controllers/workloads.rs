//! The workload controllers: Deployment → ReplicaSet → pods, StatefulSet →
//! ordinal pods, DaemonSet → a pod per node, and the garbage collector that
//! removes what lost its owner.

use super::{controlled_by, controller_ref, release_unmatched};
use crate::cluster::events::Involved;
use crate::cluster::objects::*;
use crate::cluster::{Cluster, Key};
use crate::map::Set;
use std::collections::HashMap;

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
    pod.spec.admit_priority();
    pod.metadata.owner_references.push(owner);
    c.stamp(&mut pod.metadata, now);
    let key = (ns.to_string(), name);
    c.pods.insert(key.clone(), pod);
    key
}

/// `intstr.GetScaledValueFromIntOrPercent` of a rolling update's
/// `maxSurge` or `maxUnavailable` (default 25%): a number, or a percentage
/// of the replicas rounded up (surge) or down (unavailable).
fn scaled(v: Option<&serde_json::Value>, replicas: i32, round_up: bool) -> i32 {
    let percent = |p: f64| {
        let x = p * f64::from(replicas) / 100.0;
        if round_up {
            x.ceil() as i32
        } else {
            x.floor() as i32
        }
    };
    match v {
        Some(serde_json::Value::Number(n)) => n.as_i64().unwrap_or(0).clamp(0, 100_000) as i32,
        Some(serde_json::Value::String(s)) => match s.strip_suffix('%').map(str::parse::<f64>) {
            Some(Ok(p)) if p >= 0.0 => percent(p.min(100.0)),
            _ => percent(25.0),
        },
        _ => percent(25.0),
    }
}

fn deployment_ref(ns: &str, d: &Deployment) -> Involved {
    Involved {
        kind: "Deployment".into(),
        namespace: ns.to_string(),
        name: d.metadata.name.clone(),
        uid: d.metadata.uid.clone().unwrap_or_default(),
        field_path: String::new(),
    }
}

/// Sets a ReplicaSet's replicas, with the Deployment controller's event.
fn scale_rs(c: &mut Cluster, d_ref: &Involved, key: &Key, to: i32, now: i64) {
    let Some(rs) = c.replicasets.get_mut(key) else {
        return;
    };
    let from = rs.replicas();
    if from == to {
        return;
    }
    rs.spec.replicas = Some(to);
    let way = if to > from { "up" } else { "down" };
    c.changed();
    c.record(
        d_ref.clone(),
        "Normal",
        "ScalingReplicaSet",
        format!("Scaled {way} replica set {} to {to} from {from}", key.1),
        "deployment-controller",
        None,
        now,
    );
}

/// Each Deployment's current ReplicaSet is named after its template's hash.
/// A new template starts a rollout: with `RollingUpdate` (the default) the
/// new ReplicaSet grows by at most `maxSurge` above the replicas while the
/// old ones shrink as long as `maxUnavailable` allows, pods counting as
/// available once Ready; with `Recreate` the old pods go first.
pub(crate) fn deployments(c: &mut Cluster, now: i64) {
    let deployments: Vec<(Key, Deployment)> = c
        .deployments
        .iter()
        .map(|(k, d)| (k.clone(), d.clone()))
        .collect();
    // Each Deployment's ReplicaSets, and each ReplicaSet's pods and ready
    // pods, found in one pass (a scan of every pod for every Deployment,
    // several times, was quadratic). Nothing here changes pods.
    let mut sets_of: HashMap<Key, Vec<Key>> = HashMap::new();
    for (k, rs) in &c.replicasets {
        if let Some(d) = rs.deployment() {
            sets_of
                .entry((k.0.clone(), d.to_string()))
                .or_default()
                .push(k.clone());
        }
    }
    let mut counts: HashMap<Key, (i32, i32)> = HashMap::new();
    for (k, p) in &c.pods {
        for o in &p.metadata.owner_references {
            if o.kind == "ReplicaSet" && o.controller == Some(true) {
                let n = counts.entry((k.0.clone(), o.name.clone())).or_default();
                n.0 += 1;
                n.1 += i32::from(p.status.ready);
            }
        }
    }
    c.spend(c.pods.len() * 4 + c.replicasets.len() * 4);
    for ((ns, name), d) in deployments {
        let d_ref = deployment_ref(&ns, &d);
        let hash = c.template_hash("Deployment", &(ns.clone(), name.clone()), &d.spec.template);
        let rs_name = format!("{name}-{hash}");
        let key = (ns.clone(), rs_name.clone());
        let replicas = d.spec.replicas.unwrap_or(1).max(0);
        let owned = |c: &Cluster| -> Vec<Key> {
            sets_of
                .get(&(ns.clone(), name.clone()))
                .into_iter()
                .flatten()
                .filter(|k| c.replicasets.contains_key(*k))
                .cloned()
                .collect()
        };
        let revision_of = |rs: &ReplicaSet| -> i64 {
            rs.metadata
                .annotations
                .get("deployment.kubernetes.io/revision")
                .and_then(|r| r.parse().ok())
                .unwrap_or(0)
        };
        if !c.replicasets.contains_key(&key) {
            let olds = owned(c);
            let revision = olds
                .iter()
                .filter_map(|k| c.replicasets.get(k))
                .map(revision_of)
                .max()
                .unwrap_or(0)
                + 1;
            let old_pods: i32 = olds
                .iter()
                .filter_map(|k| c.replicasets.get(k))
                .map(|r| r.replicas())
                .sum();
            // A first ReplicaSet gets every replica at once; a new
            // template's starts with what `maxSurge` allows above the
            // replicas (`NewRSNewReplicas`), and the rollout below goes on.
            let recreate = d
                .spec
                .strategy
                .as_ref()
                .and_then(|s| s.get("type"))
                .and_then(|t| t.as_str())
                == Some("Recreate");
            let initial = if old_pods == 0 {
                replicas
            } else if recreate {
                0
            } else {
                let rolling = d
                    .spec
                    .strategy
                    .as_ref()
                    .and_then(|s| s.get("rollingUpdate"));
                let surge = scaled(rolling.and_then(|r| r.get("maxSurge")), replicas, true);
                (replicas + surge - old_pods).clamp(0, replicas)
            };
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
                    name: rs_name.clone(),
                    namespace: Some(ns.clone()),
                    labels: template.metadata.labels.clone(),
                    ..Default::default()
                },
                spec: ReplicaSetSpec {
                    replicas: Some(initial),
                    selector,
                    template,
                    min_ready_seconds: None,
                },
                status: ReplicaSetStatus::default(),
            };
            rs.metadata.annotations.insert(
                "deployment.kubernetes.io/revision".into(),
                revision.to_string(),
            );
            rs.metadata
                .owner_references
                .push(controller_ref("apps/v1", "Deployment", &d.metadata));
            let at = now.max(d.metadata.created_ms);
            c.stamp(&mut rs.metadata, at);
            c.replicasets.insert(key.clone(), rs);
            if initial > 0 {
                c.record(
                    d_ref.clone(),
                    "Normal",
                    "ScalingReplicaSet",
                    format!("Scaled up replica set {rs_name} to {initial}"),
                    "deployment-controller",
                    None,
                    at,
                );
            }
        } else if let Some(rs) = c.replicasets.get(&key) {
            // A template put back to an older one: that ReplicaSet is current again.
            let newest = owned(c)
                .iter()
                .filter_map(|k| c.replicasets.get(k))
                .map(revision_of)
                .max()
                .unwrap_or(0);
            if revision_of(rs) < newest {
                if let Some(rs) = c.replicasets.get_mut(&key) {
                    rs.metadata.annotations.insert(
                        "deployment.kubernetes.io/revision".into(),
                        (newest + 1).to_string(),
                    );
                }
                c.changed();
            }
        }
        let olds: Vec<Key> = {
            let mut v: Vec<(i64, Key)> = owned(c)
                .into_iter()
                .filter(|k| *k != key)
                .map(|k| (c.replicasets[&k].metadata.created_ms, k))
                .collect();
            crate::sort::sort_by(&mut v, |a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
            v.into_iter().map(|(_, k)| k).collect()
        };
        let ready_of = |_: &Cluster, k: &Key| -> i32 { counts.get(k).map_or(0, |n| n.1) };
        let spec_of = |c: &Cluster, k: &Key| c.replicasets.get(k).map_or(0, ReplicaSet::replicas);
        let recreate = d
            .spec
            .strategy
            .as_ref()
            .and_then(|s| s.get("type"))
            .and_then(|t| t.as_str())
            == Some("Recreate");
        if recreate {
            for k in &olds {
                scale_rs(c, &d_ref, k, 0, now);
            }
            let old_pods = c.pods.iter().any(|(pk, p)| {
                pk.0 == ns
                    && olds
                        .iter()
                        .any(|k| controlled_by(&p.metadata, "ReplicaSet", &k.1))
            });
            if !old_pods {
                scale_rs(c, &d_ref, &key, replicas, now);
            }
        } else {
            let rolling = d
                .spec
                .strategy
                .as_ref()
                .and_then(|s| s.get("rollingUpdate"));
            let surge = scaled(rolling.and_then(|r| r.get("maxSurge")), replicas, true);
            let mut unavailable = scaled(
                rolling.and_then(|r| r.get("maxUnavailable")),
                replicas,
                false,
            );
            if surge == 0 && unavailable == 0 {
                unavailable = 1;
            }
            // The new ReplicaSet grows, within replicas + maxSurge.
            let total: i32 = spec_of(c, &key) + olds.iter().map(|k| spec_of(c, k)).sum::<i32>();
            let new_spec = spec_of(c, &key);
            if new_spec > replicas || olds.iter().all(|k| spec_of(c, k) == 0) {
                scale_rs(c, &d_ref, &key, replicas, now);
            } else if new_spec < replicas {
                let room = replicas + surge - total;
                if room > 0 {
                    scale_rs(c, &d_ref, &key, (new_spec + room).min(replicas), now);
                }
            }
            // The old ones shrink while enough pods stay available.
            let min_available = replicas - unavailable;
            let all: i32 = spec_of(c, &key) + olds.iter().map(|k| spec_of(c, k)).sum::<i32>();
            let new_unavailable = (spec_of(c, &key) - ready_of(c, &key)).max(0);
            let mut budget = all - min_available - new_unavailable;
            // First the old pods that are not ready anyway.
            for k in &olds {
                if budget <= 0 {
                    break;
                }
                let unhealthy = (spec_of(c, k) - ready_of(c, k)).max(0).min(budget);
                if unhealthy > 0 {
                    let to = spec_of(c, k) - unhealthy;
                    scale_rs(c, &d_ref, k, to, now);
                    budget -= unhealthy;
                }
            }
            let available: i32 =
                ready_of(c, &key) + olds.iter().map(|k| ready_of(c, k)).sum::<i32>();
            let mut can_remove = (available - min_available).max(0);
            for k in &olds {
                if can_remove <= 0 {
                    break;
                }
                let down = spec_of(c, k).min(can_remove);
                if down > 0 {
                    let to = spec_of(c, k) - down;
                    scale_rs(c, &d_ref, k, to, now);
                    can_remove -= down;
                }
            }
        }
        // The Deployment's revision and status.
        let revision = c
            .replicasets
            .get(&key)
            .and_then(|rs| {
                rs.metadata
                    .annotations
                    .get("deployment.kubernetes.io/revision")
            })
            .cloned();
        let pods_of = |_: &Cluster, k: &Key| -> i32 { counts.get(k).map_or(0, |n| n.0) };
        let updated = pods_of(c, &key);
        let total_pods = updated + olds.iter().map(|k| pods_of(c, k)).sum::<i32>();
        let ready = ready_of(c, &key) + olds.iter().map(|k| ready_of(c, k)).sum::<i32>();
        let status = DeploymentStatus {
            replicas: Some(total_pods),
            ready_replicas: Some(ready),
            available_replicas: Some(ready),
            updated_replicas: Some(updated),
        };
        if let Some(dep) = c.deployments.get_mut(&(ns.clone(), name.clone())) {
            let mut changed = false;
            if dep.status != status {
                dep.status = status;
                changed = true;
            }
            if let Some(rev) = revision {
                if dep
                    .metadata
                    .annotations
                    .get("deployment.kubernetes.io/revision")
                    != Some(&rev)
                {
                    dep.metadata
                        .annotations
                        .insert("deployment.kubernetes.io/revision".into(), rev);
                    changed = true;
                }
            }
            if changed {
                c.changed();
            }
        }
    }
}

/// Who controls each pod, found in one pass over them (a scan of every pod
/// for every ReplicaSet was quadratic): each ReplicaSet's pods, and each
/// namespace's pods that no controller owns, in key order. The
/// ReplicaSet controller keeps it true as it adopts, releases, creates
/// and deletes.
struct PodOwners {
    by_rs: HashMap<Key, Set<Key>>,
    orphans: HashMap<String, Set<Key>>,
}

impl PodOwners {
    fn of(c: &Cluster) -> PodOwners {
        let mut by_rs: HashMap<Key, Set<Key>> = HashMap::new();
        let mut orphans: HashMap<String, Set<Key>> = HashMap::new();
        for (k, p) in &c.pods {
            let mut controlled = false;
            for o in p
                .metadata
                .owner_references
                .iter()
                .filter(|o| o.controller == Some(true))
            {
                controlled = true;
                if o.kind == "ReplicaSet" {
                    by_rs
                        .entry((k.0.clone(), o.name.clone()))
                        .or_default()
                        .insert(k.clone());
                }
            }
            if !controlled {
                orphans.entry(k.0.clone()).or_default().insert(k.clone());
            }
        }
        PodOwners { by_rs, orphans }
    }

    fn adopted(&mut self, pod: &Key, rs: &Key) {
        if let Some(o) = self.orphans.get_mut(&pod.0) {
            o.remove(pod);
        }
        self.by_rs
            .entry(rs.clone())
            .or_default()
            .insert(pod.clone());
    }

    fn released(&mut self, pod: &Key, rs: &Key, orphan: bool) {
        if let Some(set) = self.by_rs.get_mut(rs) {
            set.remove(pod);
        }
        if orphan {
            self.orphans
                .entry(pod.0.clone())
                .or_default()
                .insert(pod.clone());
        }
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
    if sets.is_empty() {
        return;
    }
    let mut pods = PodOwners::of(c);
    c.spend(c.pods.len() * 8);
    for ((ns, name), rs) in sets {
        let rs_key = (ns.clone(), name.clone());
        if !rs.spec.selector.is_empty() {
            let orphans: Vec<Key> = pods
                .orphans
                .get(&ns)
                .into_iter()
                .flatten()
                .filter(|k| {
                    c.pods
                        .get(*k)
                        .is_some_and(|p| rs.spec.selector.matches(&p.metadata.labels))
                })
                .cloned()
                .collect();
            for k in orphans {
                if let Some(p) = c.pods.get_mut(&k) {
                    p.metadata.owner_references.push(controller_ref(
                        "apps/v1",
                        "ReplicaSet",
                        &rs.metadata,
                    ));
                    c.changed();
                    pods.adopted(&k, &rs_key);
                }
            }
        }
        // `release_unmatched`, over the pods it controls.
        let unmatched: Vec<Key> = pods
            .by_rs
            .get(&rs_key)
            .into_iter()
            .flatten()
            .filter(|k| {
                c.pods
                    .get(*k)
                    .is_some_and(|p| !rs.spec.selector.matches(&p.metadata.labels))
            })
            .cloned()
            .collect();
        for k in unmatched {
            if let Some(p) = c.pods.get_mut(&k) {
                p.metadata.owner_references.retain(|o| {
                    !(o.kind == "ReplicaSet" && o.name == name && o.controller == Some(true))
                });
                let orphan = !p
                    .metadata
                    .owner_references
                    .iter()
                    .any(|o| o.controller == Some(true));
                pods.released(&k, &rs_key, orphan);
            }
            c.changed();
        }
        let mut owned: Vec<(Key, i64)> = pods
            .by_rs
            .get(&rs_key)
            .into_iter()
            .flatten()
            .filter_map(|k| c.pods.get(k).map(|p| (k.clone(), p.metadata.created_ms)))
            .collect();
        let want = rs.replicas().max(0) as usize;
        let rs_ref = Involved {
            kind: "ReplicaSet".into(),
            namespace: ns.clone(),
            name: name.clone(),
            uid: rs.metadata.uid.clone().unwrap_or_default(),
            field_path: String::new(),
        };
        while owned.len() < want {
            let pod_name = c.generate_name(|c| &c.pods, &ns, &format!("{name}-"));
            let owner = controller_ref("apps/v1", "ReplicaSet", &rs.metadata);
            let at = now.max(rs.metadata.created_ms);
            c.record(
                rs_ref.clone(),
                "Normal",
                "SuccessfulCreate",
                format!("Created pod: {pod_name}"),
                "replicaset-controller",
                None,
                at,
            );
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
            pods.by_rs
                .entry(rs_key.clone())
                .or_default()
                .insert(key.clone());
            owned.push((key, at));
        }
        if owned.len() > want {
            // The ReplicaSet controller deletes pods not yet running or
            // ready first, then the newest.
            let rank = |c: &Cluster, k: &Key| {
                c.pods.get(k).map_or(0, |p| {
                    i32::from(p.status.runtime.sandbox_ready) + i32::from(p.status.ready) * 2
                })
            };
            crate::sort::sort_by(&mut owned, |a, b| {
                rank(c, &a.0)
                    .cmp(&rank(c, &b.0))
                    .then(b.1.cmp(&a.1))
                    .then(b.0.cmp(&a.0))
            });
            for (k, _) in owned.iter().take(owned.len() - want) {
                super::delete_pod(c, k, now, "replicaset-controller");
                if let Some(set) = pods.by_rs.get_mut(&rs_key) {
                    set.remove(k);
                }
                c.record(
                    rs_ref.clone(),
                    "Normal",
                    "SuccessfulDelete",
                    format!("Deleted pod: {}", k.1),
                    "replicaset-controller",
                    None,
                    now,
                );
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
        let hash = c.template_hash(
            "StatefulSet",
            &(ns.clone(), name.clone()),
            &sts.spec.template,
        );
        let revision = format!("{name}-{hash}");
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
                    c.record(
                        Involved {
                            kind: "StatefulSet".into(),
                            namespace: ns.clone(),
                            name: name.clone(),
                            uid: sts.metadata.uid.clone().unwrap_or_default(),
                            field_path: String::new(),
                        },
                        "Normal",
                        "SuccessfulCreate",
                        format!("create Pod {pod_name} in StatefulSet {name} successful"),
                        "statefulset-controller",
                        None,
                        now.max(sts.metadata.created_ms),
                    );
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
            super::delete_pod(c, &k, now, "statefulset-controller");
        }
        let sts_ref = Involved {
            kind: "StatefulSet".into(),
            namespace: ns.clone(),
            name: name.clone(),
            uid: sts.metadata.uid.clone().unwrap_or_default(),
            field_path: String::new(),
        };
        // A rolling update: once every pod runs and is ready, the highest
        // ordinal still on an older revision is deleted (and recreated).
        let mut owned: Vec<(usize, Key, bool, bool)> = c
            .pods
            .iter()
            .filter(|(k, p)| k.0 == ns && controlled_by(&p.metadata, "StatefulSet", &name))
            .filter_map(|(k, p)| {
                let ordinal =
                    k.1.strip_prefix(&format!("{name}-"))?
                        .parse::<usize>()
                        .ok()?;
                let current = p.metadata.labels.get("controller-revision-hash") == Some(&revision);
                Some((ordinal, k.clone(), current, p.status.ready))
            })
            .collect();
        crate::sort::sort_by_key(&mut owned, |o| o.0);
        if owned.len() == want && owned.iter().all(|o| o.3) {
            if let Some((_, k, _, _)) = owned.iter().rev().find(|o| !o.2) {
                super::delete_pod(c, k, now, "statefulset-controller");
                c.record(
                    sts_ref.clone(),
                    "Normal",
                    "SuccessfulDelete",
                    format!("delete Pod {} in StatefulSet {name} successful", k.1),
                    "statefulset-controller",
                    None,
                    now,
                );
            }
        }
        let pods: Vec<&Pod> = c
            .pods
            .iter()
            .filter(|(k, p)| k.0 == ns && controlled_by(&p.metadata, "StatefulSet", &name))
            .map(|(_, p)| p)
            .collect();
        let ready = pods.iter().filter(|p| p.status.ready).count() as i32;
        let total = pods.len() as i32;
        let updated = pods
            .iter()
            .filter(|p| p.metadata.labels.get("controller-revision-hash") == Some(&revision))
            .count() as i32;
        let status = StatefulSetStatus {
            replicas: total,
            ready_replicas: Some(ready),
            current_replicas: Some(updated),
            updated_replicas: Some(updated),
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
    for ((ns, name), ds) in sets {
        // The nodes the DaemonSet's pods belong on: those its template's
        // `nodeSelector` takes.
        let probe = Pod {
            spec: ds.spec.template.spec.clone(),
            ..Default::default()
        };
        let nodes: Vec<String> = c
            .nodes
            .iter()
            .enumerate()
            .filter(|(i, n)| probe.fits_node(&crate::cluster::node_labels(*i, &n.name)))
            .map(|(_, n)| n.name.clone())
            .collect();
        let hash = c.template_hash("DaemonSet", &(ns.clone(), name.clone()), &ds.spec.template);
        release_unmatched(c, &ns, "DaemonSet", &name, &ds.spec.selector);
        let ds_ref = Involved {
            kind: "DaemonSet".into(),
            namespace: ns.clone(),
            name: name.clone(),
            uid: ds.metadata.uid.clone().unwrap_or_default(),
            field_path: String::new(),
        };
        // A rolling update (maxUnavailable 1): when every pod is ready, one
        // on an older template is deleted and the loop below replaces it.
        let owned: Vec<(Key, bool, bool)> = c
            .pods
            .iter()
            .filter(|(k, p)| k.0 == ns && controlled_by(&p.metadata, "DaemonSet", &name))
            .map(|(k, p)| {
                (
                    k.clone(),
                    p.metadata.labels.get("controller-revision-hash") == Some(&hash),
                    p.status.ready,
                )
            })
            .collect();
        if owned.len() == nodes.len() && owned.iter().all(|o| o.2) {
            if let Some((k, _, _)) = owned.iter().find(|o| !o.1) {
                super::delete_pod(c, k, now, "daemonset-controller");
                c.record(
                    ds_ref.clone(),
                    "Normal",
                    "SuccessfulDelete",
                    format!("Deleted pod: {}", k.1),
                    "daemonset-controller",
                    None,
                    now,
                );
            }
        }
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
            // The DaemonSet controller pins each pod to its node, and lets
            // it stay there through the node's conditions.
            template.spec.node_name = Some(node.clone());
            template.spec.add_daemonset_tolerations();
            let owner = controller_ref("apps/v1", "DaemonSet", &ds.metadata);
            c.record(
                ds_ref.clone(),
                "Normal",
                "SuccessfulCreate",
                format!("Created pod: {pod_name}"),
                "daemonset-controller",
                None,
                now.max(ds.metadata.created_ms),
            );
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
        let updated = pods
            .iter()
            .filter(|p| p.metadata.labels.get("controller-revision-hash") == Some(&hash))
            .count() as i32;
        let status = DaemonSetStatus {
            current_number_scheduled: pods.len() as i32,
            desired_number_scheduled: nodes.len() as i32,
            number_misscheduled: 0,
            number_ready: ready,
            number_available: Some(ready),
            updated_number_scheduled: Some(updated),
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
pub(crate) fn collect_garbage(c: &mut Cluster, now: i64) {
    c.forget_template_hashes();
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
        super::delete_pod(c, &k, now, "garbage-collector");
    }
}
