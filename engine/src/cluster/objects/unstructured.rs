//! The kinds the API server keeps as JSON here: NetworkPolicy. Their
//! fields are checked against a table ([`crate::cluster::schema`]) instead
//! of being decoded into structs: one walker for every such kind keeps the
//! page's download small.

use super::ObjectMeta;
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Unstructured {
    /// `NetworkPolicy`, as the served resource names it.
    pub kind: &'static str,
    pub api_version: String,
    pub metadata: ObjectMeta,
    /// Every other top-level field (`spec`, `status`), as decoded.
    pub body: Map<String, Value>,
}

static NULL: Value = Value::Null;

impl Unstructured {
    pub fn spec(&self) -> &Value {
        self.body.get("spec").unwrap_or(&NULL)
    }

    pub fn status(&self) -> &Value {
        self.body.get("status").unwrap_or(&NULL)
    }

    pub fn namespace(&self) -> &str {
        self.metadata.namespace.as_deref().unwrap_or("")
    }
}

/// A field of `v` by path, or null.
pub fn at<'a>(v: &'a Value, path: &[&str]) -> &'a Value {
    path.iter().try_fold(v, |v, k| v.get(*k)).unwrap_or(&NULL)
}

/// The string at `path`, or `""`.
pub fn str_at<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    at(v, path).as_str().unwrap_or("")
}

/// The list at `path` (empty when absent).
pub fn list_at<'a>(v: &'a Value, path: &[&str]) -> &'a [Value] {
    at(v, path).as_array().map_or(&[], Vec::as_slice)
}

/// The label selector at `path` (empty when absent; validation has
/// checked its shape).
pub fn selector_at(v: &Value, path: &[&str]) -> super::LabelSelector {
    super::wire::decode_object(at(v, path).clone(), "LabelSelector").unwrap_or_default()
}

impl Serialize for Unstructured {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3 + self.body.len()))?;
        m.serialize_entry("apiVersion", &self.api_version)?;
        m.serialize_entry("kind", self.kind)?;
        m.serialize_entry("metadata", &self.metadata)?;
        for (k, v) in &self.body {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}
