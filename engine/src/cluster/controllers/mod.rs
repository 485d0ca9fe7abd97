//! The controllers that act on what the API server stores. Each one is a
//! function of the cluster that writes only when what it wants differs from
//! what is there, so [`super::Cluster::reconcile`] can run them until the
//! cluster settles.

pub(super) mod cloud;
pub(super) mod endpoints;
pub(super) mod endpointslices;
pub(super) mod gateway_status;
pub(crate) mod kubelet;
pub(super) mod namespaces;
pub(super) mod workloads;

use super::objects::{ObjectMeta, OwnerReference};

/// `metav1.NewControllerRef`: the owner reference a controller puts on
/// what it creates.
fn controller_ref(api_version: &str, kind: &str, owner: &ObjectMeta) -> OwnerReference {
    OwnerReference {
        api_version: api_version.into(),
        kind: kind.into(),
        name: owner.name.clone(),
        uid: owner.uid.clone().unwrap_or_default(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

/// Whether `meta` is controlled by an object of `kind` named `name`.
fn controlled_by(meta: &ObjectMeta, kind: &str, name: &str) -> bool {
    meta.owner_references
        .iter()
        .any(|o| o.kind == kind && o.name == name && o.controller == Some(true))
}

/// `ControllerRefManager`'s release: a pod this controller owns whose labels
/// its selector no longer matches is let go (its controller reference is
/// removed), so the controller makes a replacement and the pod lives on.
fn release_unmatched(
    c: &mut super::Cluster,
    ns: &str,
    kind: &str,
    name: &str,
    selector: &super::objects::LabelSelector,
) {
    let released: Vec<super::Key> = c
        .pods
        .iter()
        .filter(|(k, p)| {
            k.0 == ns
                && controlled_by(&p.metadata, kind, name)
                && !selector.matches(&p.metadata.labels)
        })
        .map(|(k, _)| k.clone())
        .collect();
    for k in released {
        if let Some(p) = c.pods.get_mut(&k) {
            p.metadata
                .owner_references
                .retain(|o| !(o.kind == kind && o.name == name && o.controller == Some(true)));
        }
        c.changed();
    }
}

/// A pod is deleted: its containers are stopped (the kubelet's `Killing`
/// events) and it is gone from the store.
pub(crate) fn delete_pod(c: &mut super::Cluster, key: &super::Key, now: i64, _by: &str) {
    let Some(pod) = c.pods.remove(key) else {
        return;
    };
    c.memo.pods_deleted += 1;
    let involved = super::events::Involved {
        kind: "Pod".into(),
        namespace: key.0.clone(),
        name: key.1.clone(),
        uid: pod.metadata.uid.clone().unwrap_or_default(),
        field_path: String::new(),
    };
    for ct in pod.status.runtime.containers.iter().filter(|c| c.running()) {
        c.record(
            involved.container(&ct.name),
            "Normal",
            "Killing",
            format!("Stopping container {}", ct.name),
            "kubelet",
            pod.spec.node_name.clone(),
            now,
        );
    }
    c.changed();
}
