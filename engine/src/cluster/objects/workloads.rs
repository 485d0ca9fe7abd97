//! The workload controllers' objects: Deployments, ReplicaSets,
//! StatefulSets and DaemonSets. Each has a `spec` the student writes and a
//! `status` only the server fills in.

use super::*;
use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Deployment {
    #[serde(default)]
    pub api_version: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: DeploymentSpec,
    #[serde(default)]
    pub status: DeploymentStatus,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
    #[serde(default)]
    pub selector: LabelSelector,
    #[serde(default)]
    pub template: PodTemplate,
    // Accepted, not modelled:
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategy: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision_history_limit: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress_deadline_seconds: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_ready_seconds: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paused: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentStatus {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ready_replicas: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available_replicas: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_replicas: Option<i32>,
}

impl Deployment {
    /// What `kubectl create deployment NAME --image=IMAGE` makes: the same
    /// labels on the Deployment, its selector and its pod template (`app: NAME`
    /// unless `labels` are given), and one container named after the image.
    pub fn generated(
        name: &str,
        namespace: Option<String>,
        image: &str,
        replicas: i32,
        labels: Labels,
        port: Option<i32>,
        args: Vec<String>,
    ) -> Deployment {
        let labels = if labels.is_empty() {
            [("app".to_string(), name.to_string())].into()
        } else {
            labels
        };
        let mut d = Deployment::default();
        d.metadata.name = name.into();
        d.metadata.namespace = namespace;
        d.metadata.labels = labels.clone();
        d.spec.replicas = Some(replicas);
        d.spec.selector.match_labels = labels.clone();
        d.spec.template.metadata.labels = labels;
        let container_name = super::super::images::repository(image)
            .rsplit('/')
            .next()
            .unwrap_or("app")
            .replace('_', "-");
        d.spec.template.spec.containers.push(Container {
            name: container_name,
            image: image.into(),
            args,
            ports: port
                .map(|p| ContainerPort {
                    container_port: p,
                    ..Default::default()
                })
                .into_iter()
                .collect(),
            ..Default::default()
        });
        d
    }
}

// ---------------------------------------------------------------- ReplicaSet

/// A ReplicaSet: written by the Deployment controller, or by hand.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplicaSet {
    #[serde(default)]
    pub api_version: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: ReplicaSetSpec,
    #[serde(default)]
    pub status: ReplicaSetStatus,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplicaSetSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
    #[serde(default)]
    pub selector: LabelSelector,
    #[serde(default)]
    pub template: PodTemplate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_ready_seconds: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplicaSetStatus {
    #[serde(default)]
    pub replicas: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fully_labeled_replicas: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ready_replicas: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available_replicas: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
}

impl ReplicaSet {
    /// The Deployment that owns this ReplicaSet, if a Deployment does.
    pub fn deployment(&self) -> Option<&str> {
        self.metadata
            .owner_references
            .iter()
            .find(|o| o.kind == "Deployment")
            .map(|o| o.name.as_str())
    }

    pub fn replicas(&self) -> i32 {
        self.spec.replicas.unwrap_or(1)
    }
}

// ---------------------------------------------------------------- StatefulSet

/// A StatefulSet: pods with stable names (`web-0`, `web-1`…) and DNS names
/// under their governing headless Service (`web-0.web.default.svc.cluster.local`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatefulSet {
    #[serde(default)]
    pub api_version: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: StatefulSetSpec,
    #[serde(default)]
    pub status: StatefulSetStatus,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatefulSetSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
    #[serde(default)]
    pub selector: LabelSelector,
    #[serde(default)]
    pub template: PodTemplate,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub service_name: String,
    /// `OrderedReady` (the default: one pod at a time, each waiting for the
    /// previous one to be Ready) or `Parallel`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_management_policy: Option<String>,
    // Accepted, not modelled:
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_strategy: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_claim_templates: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision_history_limit: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_ready_seconds: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persistent_volume_claim_retention_policy: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ordinals: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatefulSetStatus {
    #[serde(default)]
    pub replicas: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ready_replicas: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_replicas: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_replicas: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available_replicas: Option<i32>,
}

impl StatefulSet {
    pub fn replicas(&self) -> i32 {
        self.spec.replicas.unwrap_or(1)
    }

    /// Whether pods start one after the other (the default) or all at once.
    pub fn ordered(&self) -> bool {
        self.spec.pod_management_policy.as_deref() != Some("Parallel")
    }
}

// ---------------------------------------------------------------- DaemonSet

/// A DaemonSet: one pod on every node.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DaemonSet {
    #[serde(default)]
    pub api_version: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: DaemonSetSpec,
    #[serde(default)]
    pub status: DaemonSetStatus,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DaemonSetSpec {
    #[serde(default)]
    pub selector: LabelSelector,
    #[serde(default)]
    pub template: PodTemplate,
    // Accepted, not modelled:
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_strategy: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_ready_seconds: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision_history_limit: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DaemonSetStatus {
    #[serde(default)]
    pub current_number_scheduled: i32,
    #[serde(default)]
    pub desired_number_scheduled: i32,
    #[serde(default)]
    pub number_misscheduled: i32,
    #[serde(default)]
    pub number_ready: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number_available: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_number_scheduled: Option<i32>,
}
