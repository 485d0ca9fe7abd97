//! What the API server and the controllers add to a pod's spec besides the
//! student's fields, and how kubectl reads it back: tolerations (the
//! DaemonSet controller's, and the `DefaultTolerationSeconds` admission
//! plugin's), the priority of the system classes, the QoS class.

use super::PodSpec;
use serde_json::{json, Value};

/// One toleration, as `spec.tolerations` holds it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Toleration {
    pub key: String,
    pub operator: String,
    pub value: String,
    pub effect: String,
    pub seconds: Option<i64>,
}

impl Toleration {
    fn read(v: &Value) -> Toleration {
        let s = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        Toleration {
            key: s("key"),
            operator: s("operator"),
            value: s("value"),
            effect: s("effect"),
            seconds: v.get("tolerationSeconds").and_then(Value::as_i64),
        }
    }

    /// Whether this toleration tolerates the taint `key:effect`.
    fn tolerates(&self, key: &str, effect: &str) -> bool {
        (self.effect.is_empty() || self.effect == effect)
            && match self.operator.as_str() {
                "Exists" => self.key.is_empty() || self.key == key,
                _ => self.key == key,
            }
    }

    /// One line of `printTolerationsMultiline`: `key=value:effect`, then
    /// ` op=Exists`, then ` for Ns`.
    pub fn describe(&self) -> String {
        let mut s = self.key.clone();
        if !self.value.is_empty() {
            s.push_str(&format!("={}", self.value));
        }
        if !self.effect.is_empty() {
            s.push_str(&format!(":{}", self.effect));
        }
        if self.operator == "Exists" && self.value.is_empty() {
            if self.key.is_empty() && self.effect.is_empty() {
                s.push_str("op=Exists");
            } else {
                s.push_str(" op=Exists");
            }
        }
        if let Some(n) = self.seconds {
            s.push_str(&format!(" for {n}s"));
        }
        s
    }
}

impl PodSpec {
    /// `spec.tolerations`, as written.
    pub fn tolerations(&self) -> Vec<Toleration> {
        self.tolerations
            .as_ref()
            .and_then(Value::as_array)
            .map(|a| a.iter().map(Toleration::read).collect())
            .unwrap_or_default()
    }

    /// The tolerations a stored pod has: its own, and the five-minute
    /// `not-ready` and `unreachable` ones `DefaultTolerationSeconds` adds
    /// unless the pod tolerates those taints already.
    pub fn effective_tolerations(&self) -> Vec<Toleration> {
        let mut list = self.tolerations();
        for key in [
            "node.kubernetes.io/not-ready",
            "node.kubernetes.io/unreachable",
        ] {
            if !list.iter().any(|t| t.tolerates(key, "NoExecute")) {
                list.push(Toleration {
                    key: key.into(),
                    operator: "Exists".into(),
                    effect: "NoExecute".into(),
                    seconds: Some(300),
                    ..Default::default()
                });
            }
        }
        list
    }

    /// The DaemonSet controller's additions to each pod it makes: its
    /// pods stay on nodes that are not ready, under pressure or cordoned
    /// (and, for host-network pods, without a network yet).
    pub fn add_daemonset_tolerations(&mut self) {
        let mut list: Vec<Value> = self
            .tolerations
            .as_ref()
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut add = |key: &str, effect: &str| {
            let have = list
                .iter()
                .map(Toleration::read)
                .any(|t| t.key == key && t.effect == effect && t.operator == "Exists");
            if !have {
                list.push(json!({"effect": effect, "key": key, "operator": "Exists"}));
            }
        };
        add("node.kubernetes.io/not-ready", "NoExecute");
        add("node.kubernetes.io/unreachable", "NoExecute");
        add("node.kubernetes.io/disk-pressure", "NoSchedule");
        add("node.kubernetes.io/memory-pressure", "NoSchedule");
        add("node.kubernetes.io/pid-pressure", "NoSchedule");
        add("node.kubernetes.io/unschedulable", "NoSchedule");
        if self.host_network == Some(true) {
            add("node.kubernetes.io/network-unavailable", "NoSchedule");
        }
        self.tolerations = Some(Value::Array(list));
    }

    /// The `Priority` admission plugin: the value of the pod's priority
    /// class (the two system classes are the ones a new cluster has).
    pub fn admit_priority(&mut self) {
        let class = self.priority_class_name.as_ref().and_then(Value::as_str);
        let value = match class {
            Some("system-node-critical") => 2_000_001_000,
            Some("system-cluster-critical") => 2_000_000_000,
            _ => return,
        };
        self.priority.get_or_insert(value);
    }

    /// `spec.serviceAccountName`, as the API server defaults it.
    pub fn service_account(&self) -> String {
        self.service_account_name
            .as_ref()
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .unwrap_or("default")
            .to_string()
    }

    /// The QoS class: BestEffort without requests or limits, Guaranteed
    /// when every container's limits equal its requests for CPU and memory,
    /// Burstable otherwise.
    pub fn qos_class(&self) -> &'static str {
        let mut any = false;
        let mut guaranteed = true;
        for ct in &self.containers {
            let res = ct.resources.as_ref();
            let get = |part: &str, r: &str| {
                res.and_then(|v| v.get(part))
                    .and_then(|v| v.get(r))
                    .map(|v| v.to_string())
            };
            for r in ["cpu", "memory"] {
                let (req, lim) = (get("requests", r), get("limits", r));
                any |= req.is_some() || lim.is_some();
                // A limit alone defaults the request to it.
                if lim.is_none() || (req.is_some() && req != lim) {
                    guaranteed = false;
                }
            }
        }
        match (any, guaranteed) {
            (false, _) => "BestEffort",
            (true, true) => "Guaranteed",
            (true, false) => "Burstable",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(v: Value) -> PodSpec {
        crate::cluster::objects::wire::decode_object(v, "PodSpec").unwrap()
    }

    #[test]
    fn tolerations_read_as_kubectl_describes_them() {
        let s = spec(json!({"tolerations": [
            {"operator": "Exists"},
            {"operator": "Exists", "effect": "NoExecute"},
            {"key": "CriticalAddonsOnly", "operator": "Exists"},
            {"key": "a", "value": "b", "effect": "NoSchedule"},
        ]}));
        let lines: Vec<String> = s.tolerations().iter().map(Toleration::describe).collect();
        assert_eq!(
            lines,
            [
                "op=Exists",
                ":NoExecute op=Exists",
                "CriticalAddonsOnly op=Exists",
                "a=b:NoSchedule"
            ]
        );
    }

    #[test]
    fn default_seconds_only_where_not_tolerated() {
        assert_eq!(PodSpec::default().effective_tolerations().len(), 2);
        let all = spec(json!({"tolerations": [{"operator": "Exists"}]}));
        assert_eq!(all.effective_tolerations().len(), 1);
    }

    #[test]
    fn qos_classes() {
        let c = |res: Value| {
            spec(json!({"containers": [{"name": "a", "image": "x", "resources": res}]})).qos_class()
        };
        assert_eq!(PodSpec::default().qos_class(), "BestEffort");
        assert_eq!(c(json!({"requests": {"cpu": "100m"}})), "Burstable");
        assert_eq!(
            c(json!({"limits": {"cpu": "1", "memory": "1Gi"}})),
            "Guaranteed"
        );
    }
}
