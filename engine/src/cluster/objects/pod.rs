//! Pods and the pod template the workload controllers stamp them from.

use super::*;
use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Pod {
    #[serde(default)]
    pub api_version: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: PodSpec,
    #[serde(default)]
    pub status: PodStatus,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PodSpec {
    #[serde(default)]
    pub containers: Vec<Container>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_network: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restart_policy: Option<String>,
    // Accepted, not modelled:
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_selector: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volumes: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub init_containers: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub termination_grace_period_seconds: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_context: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_account_name: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerations: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affinity: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_policy: Option<Value>,
    /// The pod's host name (a StatefulSet sets it to the pod's name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    /// With `hostname`, the headless Service that gives the pod the DNS name
    /// `HOSTNAME.SUBDOMAIN.NS.svc.cluster.local`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subdomain: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_config: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_service_links: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority_class_name: Option<Value>,
    /// Set by the API server's Priority admission from `priorityClassName`
    /// (the system classes are the only ones a cluster has at first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub automount_service_account_token: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Container {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub image: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<ContainerPort>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub command: Vec<String>,
    // Accepted, not modelled:
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_pull_policy: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub liveness_probe: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub readiness_probe: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_mounts: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_dir: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_context: Option<Value>,
    /// `kubectl run -i` keeps the container's stdin open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stdin: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stdin_once: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tty: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub startup_probe: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub termination_message_path: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub termination_message_policy: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerPort {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default)]
    pub container_port: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_port: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PodStatus {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<String>,
    #[serde(rename = "podIP", default, skip_serializing_if = "Option::is_none")]
    pub pod_ip: Option<String>,
    #[serde(rename = "hostIP", default, skip_serializing_if = "Option::is_none")]
    pub host_ip: Option<String>,
    /// `Running`, `ContainerCreating`, `ErrImagePull`, `ImagePullBackOff`:
    /// what the STATUS column shows.
    #[serde(skip)]
    pub reason: String,
    #[serde(skip)]
    pub ready: bool,
    /// What the kubelet knows of the pod over time (not the API's wire
    /// form; `kubectl get -o yaml` renders its status from it).
    #[serde(skip)]
    pub runtime: PodRuntime,
}

/// The kubelet's record of one pod: when it was bound and its sandbox made,
/// and each container's life.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PodRuntime {
    /// When the scheduler bound it to a node.
    pub scheduled_at: Option<i64>,
    /// When the sandbox (and the pod's address) is, or will be, ready.
    pub sandbox_at: Option<i64>,
    pub sandbox_ready: bool,
    /// When the pod's Ready condition last changed.
    pub ready_since: Option<i64>,
    pub containers: Vec<ContainerRuntime>,
    /// The scheduler said why no node could take it (once).
    pub unschedulable_told: bool,
}

/// One container as the kubelet runs it.
#[derive(Debug, Clone, PartialEq)]
pub struct ContainerRuntime {
    pub name: String,
    pub state: ContainerState,
    /// The kubelet's next step for this container, and when.
    pub next: Option<(i64, Due)>,
    pub restarts: u32,
    pub ready: bool,
    /// How the previous instance ended (`lastState` in the API).
    pub last_state: Option<Terminated>,
    pub readiness: ProbeTrack,
    pub liveness: ProbeTrack,
    /// Failed pulls in a row (the pull back-off).
    pub pull_failures: u32,
    /// What the container wrote (stdout and stderr), and what the one
    /// before it wrote (`kubectl logs -p`).
    pub log: Vec<LogLine>,
    pub previous_log: Vec<LogLine>,
    /// Connections this instance of the program has accepted (nginx's
    /// connection number in its error log).
    pub connections: u64,
}

/// One line of a container's log, with when it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub at: i64,
    pub text: String,
}

/// The kubelet's pending step for a container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Due {
    /// Make sure the image is on the node (pull it, or find it there).
    EnsureImage,
    /// A pull that began at `pulling_at` (the Pulling event) ends.
    Pulled {
        pulling_at: i64,
        pull_ms: i64,
        size: u64,
    },
    /// The registry answered that the image does not exist.
    PullFailed,
    /// After a failed pull: the back-off begins (ImagePullBackOff).
    PullBackOff,
    /// Create and start the container.
    Start,
    /// The container's process exits with this code.
    Exit(i32),
    /// The back-off after an exit is over: start it again.
    Restart,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContainerState {
    Waiting { reason: String },
    Running { since: i64 },
    Terminated(Terminated),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terminated {
    pub reason: String,
    pub exit_code: i32,
    pub started: i64,
    pub finished: i64,
    /// What the runtime said (a start error's text); empty for none.
    pub message: String,
}

/// One probe's schedule and its recent results.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProbeTrack {
    /// When it runs next (none: no such probe, or the container is not running).
    pub next_at: Option<i64>,
    /// Consecutive successes and failures.
    pub successes: u32,
    pub failures: u32,
    /// It has given a result since the container started.
    pub judged: bool,
}

impl ContainerRuntime {
    pub fn new(name: &str) -> ContainerRuntime {
        ContainerRuntime {
            name: name.to_string(),
            state: ContainerState::Waiting {
                reason: "ContainerCreating".into(),
            },
            next: None,
            restarts: 0,
            ready: false,
            last_state: None,
            readiness: ProbeTrack::default(),
            liveness: ProbeTrack::default(),
            pull_failures: 0,
            log: vec![],
            previous_log: vec![],
            connections: 0,
        }
    }

    pub fn running(&self) -> bool {
        matches!(self.state, ContainerState::Running { .. })
    }

    /// When the running instance started.
    pub fn started_at(&self) -> Option<i64> {
        match self.state {
            ContainerState::Running { since } => Some(since),
            _ => None,
        }
    }
}

/// The pod template a workload controller stamps its pods from.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PodTemplate {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: PodSpec,
}

impl Pod {
    /// `spec.nodeSelector` as labels a node must have (values that are not
    /// strings read as empty, which no node label has).
    pub fn node_selector(&self) -> super::Labels {
        self.spec
            .node_selector
            .as_ref()
            .and_then(|v| v.as_object())
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Whether a node with `labels` satisfies the pod's `nodeSelector`.
    pub fn fits_node(&self, labels: &super::Labels) -> bool {
        super::selector_matches(&self.node_selector(), labels)
    }

    /// The pod's `status` as the kubelet reports it to the API server:
    /// phase, conditions, addresses, start time and each container's state,
    /// readiness and restarts.
    pub fn status_json(&self) -> Value {
        use serde_json::json;
        let rt = &self.status.runtime;
        let ts = |ms: i64| crate::cluster::rfc3339(ms);
        let mut st = serde_json::Map::new();
        let scheduled = rt.scheduled_at;
        let mut conditions = vec![];
        if let Some(at) = scheduled {
            let since = rt.ready_since.unwrap_or(at);
            let cond = |type_: &str, ok: bool, at: i64| json!({"lastProbeTime": null, "lastTransitionTime": ts(at), "status": if ok { "True" } else { "False" }, "type": type_});
            let sandbox = rt.sandbox_at.filter(|_| rt.sandbox_ready);
            conditions.push(cond(
                "PodReadyToStartContainers",
                sandbox.is_some(),
                sandbox.unwrap_or(at),
            ));
            conditions.push(cond("Initialized", true, at));
            let mut ready = cond("Ready", self.status.ready, since);
            let mut containers_ready = cond("ContainersReady", self.status.ready, since);
            if !self.status.ready {
                let not_ready: Vec<String> = rt
                    .containers
                    .iter()
                    .filter(|c| !(c.running() && c.ready))
                    .map(|c| c.name.clone())
                    .collect();
                let msg = format!("containers with unready status: [{}]", not_ready.join(" "));
                for c in [&mut ready, &mut containers_ready] {
                    c["message"] = json!(msg);
                    c["reason"] = json!("ContainersNotReady");
                }
            }
            conditions.push(ready);
            conditions.push(containers_ready);
            conditions.push(cond("PodScheduled", true, at));
        }
        if !conditions.is_empty() {
            st.insert("conditions".into(), json!(conditions));
        }
        let statuses: Vec<Value> = rt
            .containers
            .iter()
            .zip(&self.spec.containers)
            .map(|(c, spec)| {
                let state = match &c.state {
                    ContainerState::Running { since } => {
                        json!({"running": {"startedAt": ts(*since)}})
                    }
                    ContainerState::Waiting { reason } => json!({"waiting": {"reason": reason}}),
                    ContainerState::Terminated(t) => json!({"terminated": terminated(
                        t,
                        container_id(self, &c.name, c.restarts),
                    )}),
                };
                let last = match &c.last_state {
                    Some(t) if c.restarts > 0 => json!({"terminated": terminated(
                        t,
                        container_id(self, &c.name, c.restarts.saturating_sub(1)),
                    )}),
                    _ => json!({}),
                };
                let mut v = json!({
                    "image": spec.image,
                    "lastState": last,
                    "name": c.name,
                    "ready": c.running() && c.ready,
                    "restartCount": c.restarts,
                    "started": c.running(),
                    "state": state,
                });
                if !matches!(c.state, ContainerState::Waiting { .. }) {
                    v["containerID"] = json!(format!(
                        "containerd://{}",
                        container_id(self, &c.name, c.restarts)
                    ));
                }
                v
            })
            .collect();
        if !statuses.is_empty() {
            st.insert("containerStatuses".into(), json!(statuses));
        }
        if let Some(ip) = &self.status.host_ip {
            st.insert("hostIP".into(), json!(ip));
            st.insert("hostIPs".into(), json!([{"ip": ip}]));
        }
        st.insert(
            "phase".into(),
            json!(self
                .status
                .phase
                .clone()
                .unwrap_or_else(|| "Pending".into())),
        );
        if let Some(ip) = &self.status.pod_ip {
            st.insert("podIP".into(), json!(ip));
            st.insert("podIPs".into(), json!([{"ip": ip}]));
        }
        st.insert("qosClass".into(), json!(self.spec.qos_class()));
        if let Some(at) = scheduled {
            st.insert("startTime".into(), json!(ts(at)));
        }
        Value::Object(st)
    }
}

/// A container's id, as containerd makes them (64 hex digits), derived
/// from the pod, the container and its instance.
pub fn container_id(pod: &Pod, name: &str, instance: u32) -> String {
    let seed = format!(
        "{}/{name}/{instance}",
        pod.metadata.uid.as_deref().unwrap_or(&pod.metadata.name)
    );
    hex_digest(&seed)
}

/// 64 hex digits derived from `seed` (SHA-256), for ids and digests.
pub fn hex_digest(seed: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(seed.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A terminated container's state as the API shows it. A process that
/// never started (`StartError`) has the zero time as its start.
fn terminated(t: &Terminated, id: String) -> serde_json::Value {
    let mut v = serde_json::json!({
        "containerID": format!("containerd://{id}"),
        "exitCode": t.exit_code,
        "finishedAt": crate::cluster::rfc3339(t.finished),
        "reason": t.reason,
        "startedAt": if t.reason == "StartError" {
            "1970-01-01T00:00:00Z".to_string()
        } else {
            crate::cluster::rfc3339(t.started)
        },
    });
    if !t.message.is_empty() {
        v["message"] = serde_json::json!(t.message);
    }
    v
}
