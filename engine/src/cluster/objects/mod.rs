//! Kubernetes objects, with Kubernetes' field names.
//!
//! These are servicelab's own small structs rather than the full API types:
//! each one holds what the simulator models, decodes strictly through its
//! table in [`wire`] (an unknown field is an error, as with `kubectl apply
//! --validate=strict`), and accepts,
//! without acting on them, the common fields real manifests carry that do not
//! change networking (resources, probes, env, volumes…).

use serde::Serialize;

use crate::map::Map;

pub type Labels = Map<String, String>;

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectMeta {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generate_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub labels: Labels,
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub annotations: Map<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_timestamp: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub owner_references: Vec<OwnerReference>,
    /// Simulated time of creation (not part of the API's wire form).
    #[serde(skip)]
    pub created_ms: i64,
    /// The order of creation among all objects (not part of the wire
    /// form): objects made at the same moment keep the order they were
    /// made in, which decides the order the kubelet sets pods up.
    #[serde(skip)]
    pub created_seq: u64,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OwnerReference {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    #[serde(default)]
    pub uid: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controller: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_owner_deletion: Option<bool>,
}

/// `intstr.IntOrString`: a port number or a named port. (Lessons' data
/// holds it too, hence serde's decoder besides [`wire`]'s.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum IntOrString {
    Int(i32),
    Str(String),
}

impl std::fmt::Display for IntOrString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IntOrString::Int(i) => write!(f, "{i}"),
            IntOrString::Str(s) => f.write_str(s),
        }
    }
}

mod config;
mod discovery;
mod pod;
mod pod_policy;
mod service;
mod unstructured;
pub mod wire;
mod workloads;

pub use config::*;
pub use discovery::*;
pub use pod::*;
pub use pod_policy::Toleration;
pub use service::*;
pub use unstructured::*;
pub use workloads::*;

/// `metav1.LabelSelector`: `matchLabels` and `matchExpressions`, all of
/// which must hold.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelSelector {
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub match_labels: Labels,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub match_expressions: Vec<LabelSelectorRequirement>,
}

/// One `matchExpressions` entry: `key` `In`/`NotIn`/`Exists`/`DoesNotExist` `values`.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelSelectorRequirement {
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub operator: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

impl LabelSelector {
    pub fn is_empty(&self) -> bool {
        self.match_labels.is_empty() && self.match_expressions.is_empty()
    }

    /// Whether `labels` satisfy every term. (An empty selector matches
    /// everything; callers that treat it as "nothing" say so.)
    pub fn matches(&self, labels: &Labels) -> bool {
        selector_matches(&self.match_labels, labels)
            && self.match_expressions.iter().all(|r| {
                let got = labels.get(&r.key);
                match r.operator.as_str() {
                    "In" => got.is_some_and(|v| r.values.contains(v)),
                    "NotIn" => got.is_none_or(|v| !r.values.contains(v)),
                    "Exists" => got.is_some(),
                    "DoesNotExist" => got.is_none(),
                    _ => false,
                }
            })
    }

    /// `metav1.FormatLabelSelector`: `app=web,tier in (a,b)`, or `<none>`.
    pub fn format(&self) -> String {
        let mut terms: Vec<String> = self
            .match_labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        for r in &self.match_expressions {
            let mut values = r.values.clone();
            crate::sort::sort(&mut values);
            terms.push(match r.operator.as_str() {
                "In" => format!("{} in ({})", r.key, values.join(",")),
                "NotIn" => format!("{} notin ({})", r.key, values.join(",")),
                "Exists" => r.key.clone(),
                "DoesNotExist" => format!("!{}", r.key),
                other => format!("{} {other} ({})", r.key, values.join(",")),
            });
        }
        if terms.is_empty() {
            "<none>".into()
        } else {
            terms.join(",")
        }
    }
}

/// Whether every `key=value` of `selector` is among `labels`.
pub fn selector_matches(selector: &Labels, labels: &Labels) -> bool {
    selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

/// `labels.FormatLabels`: `k=v,k2=v2` sorted by key, `<none>` when empty.
pub fn format_labels(labels: &Labels) -> String {
    if labels.is_empty() {
        "<none>".to_string()
    } else {
        labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(",")
    }
}
