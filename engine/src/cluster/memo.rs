//! What the controllers remember between their passes, so that a pass
//! whose inputs did not change costs next to nothing, and the work they
//! did, which the command line that made them run pays for.
//!
//! Change is told by version, never by serializing the world: the store's
//! version for the whole reconcile ([`Memo::settled_at`]), and for a
//! Service's endpoints the Service itself, a fingerprint of the pods of its
//! namespace (what the endpoint controllers read of them) and the versions
//! of the objects the controller left behind (a write by anyone else makes
//! it act again).
//!
//! It is a cache: two clusters that differ only here are equal.

use super::objects::{Pod, Service};
use super::{Cluster, Key};
use crate::map::{Map, Set};
use std::hash::{DefaultHasher, Hash, Hasher};

/// One Service's endpoints (or slices) as a controller last made them.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Made {
    /// The uid and version of the Service they were made for (every write
    /// of a Service gives it a new version).
    pub service: (Option<String>, String),
    /// The fingerprint of its namespace's pods then.
    pub pods: u64,
    /// What the controller left: each object and its version.
    pub left: Vec<(Key, Option<String>)>,
    /// [`Memo::outside_endpoints`] when it was last seen as it was left.
    pub outside: u64,
}

impl Made {
    pub fn new(
        service: &Service,
        pods: u64,
        left: Vec<(Key, Option<String>)>,
        outside: u64,
    ) -> Made {
        let version = service
            .metadata
            .resource_version
            .clone()
            .unwrap_or_default();
        Made {
            service: (service.metadata.uid.clone(), version),
            pods,
            left,
            outside,
        }
    }

    /// Whether it was made from this Service, as it is, and these pods.
    pub fn made_from(&self, service: &Service, pods: u64) -> bool {
        let (uid, version) = &self.service;
        self.pods == pods
            && service.metadata.resource_version.as_deref() == Some(version.as_str())
            && service.metadata.uid == *uid
    }

    /// Whether what it left is still there as it left it: each object by
    /// its key and version, read through `version_of`.
    pub fn left_as_is<'a>(
        &self,
        keys: impl ExactSizeIterator<Item = &'a Key>,
        version_of: impl Fn(&Key) -> Option<&'a String>,
    ) -> bool {
        keys.len() == self.left.len()
            && keys
                .zip(&self.left)
                .all(|(k, (lk, lv))| k == lk && version_of(k) == lv.as_ref())
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Memo {
    /// The store's version when the controllers last had nothing to do.
    pub settled_at: Option<u64>,
    /// The Endpoints controller's, by Service.
    pub endpoints: Map<Key, Made>,
    /// The EndpointSlice controller's, by Service.
    pub slices: Map<Key, Made>,
    /// `pod-template-hash` of each workload's template as last computed,
    /// with the template it was computed from (compared, not serialized).
    pub template_hashes: Map<(&'static str, Key), (super::objects::PodTemplate, String)>,
    /// Writes of Endpoints and EndpointSlices from outside the endpoint
    /// controllers (the API server's, `kubectl label`'s). While it stands
    /// still, what the controllers left is as they left it.
    pub outside_endpoints: u64,
    /// Writes through the API server (kubectl, a lesson's setup), never
    /// the controllers' own: a request seen before one may no longer be
    /// what the world answers.
    pub outside_writes: u64,
    /// Running containers whose image the API server saw changed (pod
    /// and index): the kubelets restart them at the next reconcile, as a
    /// kubelet acts on what it watches rather than being called.
    pub changed_images: Vec<(Key, usize)>,
    /// What each endpoint controller must look at again.
    pub endpoints_watch: Watch,
    pub slices_watch: Watch,
    pub mirror_watch: Watch,
    /// The Services whose Endpoints the mirroring controller mirrored.
    pub mirrored: Set<Key>,
    /// Pods deleted so far, and how many there had been when the scheduler
    /// last tried the pods no node could take.
    pub pods_deleted: u64,
    pub scheduled_after: Option<u64>,
    /// Where each event is, by the hash of what makes it the same event
    /// (`None`: to be made again, after events were removed).
    pub event_index: Option<std::collections::HashMap<u64, Vec<usize>>>,
    /// The moment expired events were last removed.
    pub events_pruned_at: Option<i64>,
    /// Units of work the controllers, the kubelets and the rule syncs have
    /// done since the cluster was made (see [`Cluster::work_done`]).
    pub work: u64,
}

/// What one endpoint controller must look at again: the Services written
/// from outside since it last looked, those whose namespace's pods
/// changed, or all of them after a write of what it leaves.
#[derive(Debug, Clone, Default)]
pub(crate) struct Watch {
    /// Services written from outside since it last looked.
    pub dirty: Set<Key>,
    /// Each namespace's pods' fingerprint when it last looked.
    pub pods: Map<String, u64>,
    /// [`Memo::outside_endpoints`] when it last looked at every Service.
    pub full_at: Option<u64>,
}

/// Which of the memo's watches.
#[derive(Clone, Copy)]
pub(crate) enum Watcher {
    Endpoints,
    Slices,
    Mirror,
}

impl Memo {
    fn watch(&mut self, w: Watcher) -> &mut Watch {
        match w {
            Watcher::Endpoints => &mut self.endpoints_watch,
            Watcher::Slices => &mut self.slices_watch,
            Watcher::Mirror => &mut self.mirror_watch,
        }
    }
}

/// What a controller looks at in one pass.
pub(crate) struct Look {
    /// The Services, in key order.
    pub services: Vec<Key>,
    /// Every Service (what it left was written from outside, or it never
    /// looked): it also clears what is stale.
    pub full: bool,
    /// Each namespace's pods' fingerprint now.
    pub pods: Map<String, u64>,
    outside: u64,
}

/// A cache: it never makes two clusters different.
impl PartialEq for Memo {
    fn eq(&self, _: &Memo) -> bool {
        true
    }
}

/// What the endpoint controllers read of a pod, hashed.
fn hash_pod(h: &mut DefaultHasher, key: &Key, pod: &Pod) {
    key.hash(h);
    pod.metadata.uid.hash(h);
    pod.metadata.labels.hash(h);
    pod.status.pod_ip.hash(h);
    pod.status.ready.hash(h);
    pod.spec.node_name.hash(h);
    pod.spec.hostname.hash(h);
    pod.spec.subdomain.hash(h);
    for c in &pod.spec.containers {
        for p in &c.ports {
            (&p.name, p.container_port, &p.protocol).hash(h);
        }
    }
}

/// The fingerprint of each namespace's pods, in one pass over them.
pub(crate) fn pod_fingerprints(c: &Cluster) -> Map<String, u64> {
    let mut out = Map::new();
    let mut current: Option<(&str, DefaultHasher)> = None;
    // Pods are kept in key order: one namespace after another.
    for (key, pod) in &c.pods {
        match &mut current {
            Some((ns, h)) if *ns == key.0 => hash_pod(h, key, pod),
            _ => {
                if let Some((ns, h)) = current.take() {
                    out.insert(ns.to_string(), h.finish());
                }
                let mut h = DefaultHasher::new();
                hash_pod(&mut h, key, pod);
                current = Some((&key.0, h));
            }
        }
    }
    if let Some((ns, h)) = current {
        out.insert(ns.to_string(), h.finish());
    }
    out
}

impl Cluster {
    /// The Services a controller must look at now (see [`Watch`]).
    pub(crate) fn look(&mut self, watcher: Watcher) -> Look {
        // The mirroring controller reads no pods.
        let pods = match watcher {
            Watcher::Mirror => Map::new(),
            _ => {
                self.spend(self.pods.len() * 30);
                pod_fingerprints(self)
            }
        };
        let outside = self.memo.outside_endpoints;
        let w = self.memo.watch(watcher);
        let full = w.full_at != Some(outside);
        let mut keys = std::mem::take(&mut w.dirty);
        let services = if full {
            self.services.keys().cloned().collect()
        } else {
            // Namespaces whose pods changed (or are all gone).
            let changed: Set<&String> = pods
                .iter()
                .filter(|(ns, fp)| w.pods.get(*ns) != Some(fp))
                .map(|(ns, _)| ns)
                .chain(w.pods.keys().filter(|ns| !pods.contains_key(*ns)))
                .collect();
            for ns in changed {
                let from = (ns.clone(), String::new());
                keys.extend(
                    self.services
                        .range(from..)
                        .take_while(|(k, _)| k.0 == *ns)
                        .map(|(k, _)| k.clone()),
                );
            }
            keys.into_iter().collect()
        };
        Look {
            services,
            full,
            pods,
            outside,
        }
    }

    /// Whether the controllers, remembering nothing, would change nothing
    /// at `now`: what skipping by version must keep true (a test's check).
    pub fn settled_from_scratch(&self, now: i64) -> bool {
        let mut fresh = self.clone();
        fresh.memo = Memo::default();
        let before = fresh.version();
        fresh.reconcile(now);
        fresh.version() == before
    }

    /// The controller looked at what [`Cluster::look`] gave it.
    pub(crate) fn looked(&mut self, watcher: Watcher, look: Look) {
        let w = self.memo.watch(watcher);
        w.pods = look.pods;
        w.full_at = Some(look.outside);
    }

    /// `pod-template-hash` of a workload's template: computed again (the
    /// template serialized and hashed) only when the template changed.
    pub(crate) fn template_hash(
        &mut self,
        kind: &'static str,
        key: &Key,
        template: &super::objects::PodTemplate,
    ) -> String {
        let memo_key = (kind, key.clone());
        if let Some((seen, hash)) = self.memo.template_hashes.get(&memo_key) {
            if seen == template {
                return hash.clone();
            }
        }
        let hash = super::pod_template_hash(template);
        self.spend(4096);
        self.memo
            .template_hashes
            .insert(memo_key, (template.clone(), hash.clone()));
        hash
    }

    /// Forgets the template hashes of workloads that are gone.
    pub(crate) fn forget_template_hashes(&mut self) {
        let (d, s, ds) = (&self.deployments, &self.statefulsets, &self.daemonsets);
        self.memo
            .template_hashes
            .retain(|(kind, k), _| match *kind {
                "Deployment" => d.contains_key(k),
                "StatefulSet" => s.contains_key(k),
                _ => ds.contains_key(k),
            });
    }

    /// An API write (or `kubectl label`) of an object of `kind` at `key`:
    /// the endpoint controllers look at the Service again; what they left
    /// may have changed under them. Without a key (a namespace deleted),
    /// they look at everything.
    pub(crate) fn written_from_outside(&mut self, kind: &str, key: Option<&Key>) {
        self.memo.outside_writes += 1;
        match (kind, key) {
            ("Service", Some(key)) => {
                for w in [Watcher::Endpoints, Watcher::Slices, Watcher::Mirror] {
                    self.memo.watch(w).dirty.insert(key.clone());
                }
            }
            ("Service" | "Endpoints" | "EndpointSlice", _) => self.memo.outside_endpoints += 1,
            _ => {}
        }
    }

    /// Units of work done so far: the controllers' passes, the kubelets'
    /// steps and the rule syncs count what they touch. It only grows; a
    /// command line pays for what it grew by.
    pub fn work_done(&self) -> u64 {
        self.memo.work
    }

    /// How many writes came through the API server from outside the
    /// cluster (kubectl, a lesson's setup) so far; it only grows.
    pub fn writes_from_outside(&self) -> u64 {
        self.memo.outside_writes
    }

    /// `units` more work.
    pub(crate) fn spend(&mut self, units: usize) {
        self.memo.work = self.memo.work.saturating_add(units as u64);
    }
}
