//! Namespaces, ConfigMaps and Secrets: stored, listed and described.

use super::*;
use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Namespace {
    #[serde(default)]
    pub api_version: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<Value>,
}

/// A ConfigMap: stored and described; mounting it into pods is not simulated.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigMap {
    #[serde(default)]
    pub api_version: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub data: Map<String, String>,
    /// Base64 on the wire, like a Secret's `data`.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub binary_data: Map<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub immutable: Option<bool>,
}

/// A Secret: `data` holds base64 text on the wire (the server checks it
/// decodes); `stringData` is folded into `data` when it is written.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Secret {
    #[serde(default)]
    pub api_version: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub data: Map<String, String>,
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub string_data: Map<String, String>,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub immutable: Option<bool>,
}

impl Secret {
    /// The decoded size of each `data` value (what `kubectl describe` prints).
    pub fn data_sizes(&self) -> Vec<(String, usize)> {
        self.data
            .iter()
            .map(|(k, v)| {
                let n = crate::encoding::base64_decode(v.as_bytes())
                    .map(|b| b.len())
                    .unwrap_or(0);
                (k.clone(), n)
            })
            .collect()
    }
}
