//! servicelab's own size limits on the cluster, checked by the API server
//! on every write. A real API server takes any int32 of replicas; the
//! simulation of a hundred thousand pods would take minutes and freeze the
//! page, so the server refuses such a write with a message that names the
//! limit. The kubelet's real `maxPods` (110 a node) keeps the rest of the
//! pods `Pending`, as on a real cluster.

use super::api_error::{ApiError, Reason};
use super::object::Object;
use super::{Cluster, Key};

/// The most replicas one workload may ask for (Deployment, ReplicaSet,
/// StatefulSet).
pub const MAX_REPLICAS: i32 = 500;
/// The most pods the cluster holds, running or pending.
pub const MAX_PODS: usize = 1000;
/// The most objects of one kind (Services, namespaces, ConfigMaps…).
pub const MAX_OBJECTS: usize = 1000;
/// The kubelet's default `maxPods`.
pub const MAX_PODS_PER_NODE: usize = 110;
/// etcd's `--max-request-bytes` (1.5 MiB): the largest object the API
/// server can store, here measured as its JSON (etcd holds the protobuf,
/// a little smaller). Past it etcd refuses the write, and the server
/// passes its words on.
pub const MAX_OBJECT_BYTES: usize = 1_572_864;

impl ApiError {
    /// etcd refuses an object over [`MAX_OBJECT_BYTES`].
    pub fn request_too_large() -> Self {
        ApiError {
            reason: Reason::Unknown,
            message: "etcdserver: request is too large".into(),
            kind: String::new(),
            name: String::new(),
            causes: vec![],
            patch: None,
        }
    }

    /// servicelab's size limits, worded as the server words a quota refusal.
    pub fn over_capacity(plural: &str, name: &str, what: String) -> Self {
        ApiError {
            reason: Reason::Forbidden,
            message: format!("{plural} \"{name}\" is forbidden: {what}"),
            kind: String::new(),
            name: name.into(),
            causes: vec![],
            patch: None,
        }
    }
}

fn replicas(r: Option<i32>) -> usize {
    r.unwrap_or(1).max(0) as usize
}

impl Cluster {
    /// How many objects of `obj`'s kind are stored.
    fn count_of(&self, obj: &Object) -> usize {
        match obj {
            Object::Service(_) => self.services.len(),
            Object::Pod(_) => self.pods.len(),
            Object::Deployment(_) => self.deployments.len(),
            Object::ReplicaSet(_) => self.replicasets.len(),
            Object::StatefulSet(_) => self.statefulsets.len(),
            Object::DaemonSet(_) => self.daemonsets.len(),
            Object::Endpoints(_) => self.endpoints.len(),
            Object::EndpointSlice(_) => self.endpoint_slices.len(),
            Object::ConfigMap(_) => self.configmaps.len(),
            Object::Secret(_) => self.secrets.len(),
            Object::Namespace(_) => self.namespaces.len(),
            Object::Unstructured(u) => self.objects_of(u.kind, None).count(),
        }
    }

    /// The pods the cluster is asked to hold: pods of no owner, and every
    /// workload's replicas (a DaemonSet's one per node), with `obj` at `key`
    /// in place of what is stored there.
    fn pods_wanted(&self, obj: &Object, key: &Key) -> usize {
        let nodes = self.nodes.len();
        let other = |k: &Key, same_kind: bool| !(same_kind && k == key);
        let standalone = self
            .pods
            .iter()
            .filter(|(k, p)| {
                p.metadata.owner_references.is_empty() && other(k, matches!(obj, Object::Pod(_)))
            })
            .count();
        let deployments: usize = self
            .deployments
            .iter()
            .filter(|(k, _)| other(k, matches!(obj, Object::Deployment(_))))
            .map(|(_, d)| replicas(d.spec.replicas))
            .sum();
        // A Deployment's ReplicaSets are its replicas, counted above.
        let replicasets: usize = self
            .replicasets
            .iter()
            .filter(|(k, rs)| {
                rs.metadata.owner_references.is_empty()
                    && other(k, matches!(obj, Object::ReplicaSet(_)))
            })
            .map(|(_, rs)| replicas(rs.spec.replicas))
            .sum();
        let statefulsets: usize = self
            .statefulsets
            .iter()
            .filter(|(k, _)| other(k, matches!(obj, Object::StatefulSet(_))))
            .map(|(_, s)| replicas(s.spec.replicas))
            .sum();
        let daemonsets = self
            .daemonsets
            .keys()
            .filter(|k| other(k, matches!(obj, Object::DaemonSet(_))))
            .count()
            * nodes;
        let this = match obj {
            Object::Pod(p) if p.metadata.owner_references.is_empty() => 1,
            Object::Deployment(d) => replicas(d.spec.replicas),
            Object::ReplicaSet(rs) if rs.metadata.owner_references.is_empty() => {
                replicas(rs.spec.replicas)
            }
            Object::StatefulSet(s) => replicas(s.spec.replicas),
            Object::DaemonSet(_) => nodes,
            _ => 0,
        };
        standalone + deployments + replicasets + statefulsets + daemonsets + this
    }

    /// Refuses a write that would take the cluster past servicelab's size:
    /// a new object of a kind it holds [`MAX_OBJECTS`] of, or more pods in
    /// all than [`MAX_PODS`]; and, as storage would, an object larger than
    /// etcd takes ([`MAX_OBJECT_BYTES`]).
    pub(super) fn check_capacity(
        &self,
        obj: &Object,
        key: &Key,
        new: bool,
    ) -> Result<(), ApiError> {
        let plural = obj.plural();
        if new && self.count_of(obj) >= MAX_OBJECTS {
            return Err(ApiError::over_capacity(
                &plural,
                &key.1,
                format!("servicelab's simulated cluster holds at most {MAX_OBJECTS} {plural}"),
            ));
        }
        let wanted = self.pods_wanted(obj, key);
        if wanted > MAX_PODS {
            return Err(ApiError::over_capacity(
                &plural,
                &key.1,
                format!(
                    "servicelab's simulated cluster holds at most {MAX_PODS} pods, and this would make {wanted}"
                ),
            ));
        }
        if obj.encoded_len(MAX_OBJECT_BYTES).is_none() {
            return Err(ApiError::request_too_large());
        }
        Ok(())
    }
}
