//! The fields of the kinds kept as JSON ([`Unstructured`]), as a table:
//! what strict decoding checks (unknown fields, the type of each value),
//! with the API server's words for each.
//!
//! Built-in kinds (NetworkPolicy) are decoded by Go's `encoding/json`: a
//! wrong type is `json: cannot unmarshal …`, and the kind's own validation
//! (`validation::networking`) says the rest.

use super::objects::Unstructured;
use serde_json::{Map, Value};

/// What a field holds.
#[derive(Clone, Copy)]
pub enum T {
    Str,
    Int,
    Bool,
    IntOrStr,
    /// An object: its Go type (for json's messages) and its fields.
    Obj(&'static str, &'static [F]),
    List(&'static T),
    /// `map[string]string`.
    StrMap,
    /// Anything: the schema says nothing more (a status, an extension).
    Any,
}

#[derive(Clone, Copy)]
pub struct F {
    pub name: &'static str,
    pub ty: T,
}

const fn f(name: &'static str, ty: T) -> F {
    F { name, ty }
}

const STRS: T = T::List(&T::Str);

// metav1.LabelSelector
const LABEL_SELECTOR: T = T::Obj(
    "LabelSelector",
    &[
        f("matchLabels", T::StrMap),
        f(
            "matchExpressions",
            T::List(&T::Obj(
                "LabelSelectorRequirement",
                &[f("key", T::Str), f("operator", T::Str), f("values", STRS)],
            )),
        ),
    ],
);

// networking.k8s.io/v1 NetworkPolicy
const NP_PORTS: T = T::List(&T::Obj(
    "NetworkPolicyPort",
    &[
        f("protocol", T::Str),
        f("port", T::IntOrStr),
        f("endPort", T::Int),
    ],
));
const NP_PEERS: T = T::List(&T::Obj(
    "NetworkPolicyPeer",
    &[
        f("podSelector", LABEL_SELECTOR),
        f("namespaceSelector", LABEL_SELECTOR),
        f(
            "ipBlock",
            T::Obj("IPBlock", &[f("cidr", T::Str), f("except", STRS)]),
        ),
    ],
));
const NETWORK_POLICY: &[F] = &[f(
    "spec",
    T::Obj(
        "NetworkPolicySpec",
        &[
            f("podSelector", LABEL_SELECTOR),
            f(
                "ingress",
                T::List(&T::Obj(
                    "NetworkPolicyIngressRule",
                    &[f("ports", NP_PORTS), f("from", NP_PEERS)],
                )),
            ),
            f(
                "egress",
                T::List(&T::Obj(
                    "NetworkPolicyEgressRule",
                    &[f("ports", NP_PORTS), f("to", NP_PEERS)],
                )),
            ),
            f("policyTypes", STRS),
        ],
    ),
)];

/// The table of a kind kept as JSON.
pub fn of(kind: &str) -> Option<&'static [F]> {
    match kind {
        "NetworkPolicy" => Some(NETWORK_POLICY),
        _ => None,
    }
}

/// How a document failed decoding (a BadRequest, kubectl's `cannot be
/// handled as`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaError {
    Decode(String),
}

/// Checks the document's top-level fields (apart from apiVersion, kind and
/// metadata) against the kind's table and keeps them. Nulls are dropped, as
/// Go's decoder leaves a field alone when the JSON says `null`.
pub fn decode(
    kind: &'static str,
    api_version: &str,
    metadata: super::objects::ObjectMeta,
    mut rest: Map<String, Value>,
) -> Result<Unstructured, SchemaError> {
    let Some(fields) = of(kind) else {
        return Err(SchemaError::Decode(format!("no schema for kind {kind}")));
    };
    rest.retain(|_, v| !v.is_null());
    let mut w = Walker {
        unknown: vec![],
        type_error: None,
    };
    let body = Value::Object(rest);
    w.object(&body, kind, fields, &mut String::new(), &mut vec![]);
    if !w.unknown.is_empty() {
        let list: Vec<String> = w
            .unknown
            .iter()
            .map(|p| format!("unknown field \"{p}\""))
            .collect();
        return Err(SchemaError::Decode(format!(
            "strict decoding error: {}",
            list.join(", ")
        )));
    }
    if let Some(e) = w.type_error {
        return Err(SchemaError::Decode(e));
    }
    let Value::Object(body) = without_nulls(body) else {
        unreachable!("an object stays an object");
    };
    Ok(Unstructured {
        kind,
        api_version: api_version.to_string(),
        metadata,
        body,
    })
}

fn without_nulls(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, without_nulls(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

struct Walker {
    unknown: Vec<String>,
    type_error: Option<String>,
}

/// JSON's name for a value's type, as Go's decoder says it.
fn json_type(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "bool",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
        Value::Null => "null",
    }
}

fn go_type(t: &T) -> String {
    match t {
        T::Str => "string".into(),
        T::Int => "int32".into(),
        T::Bool => "bool".into(),
        T::IntOrStr => "intstr.IntOrString".into(),
        T::Obj(go, _) => format!("v1.{go}"),
        T::List(inner) => format!("[]{}", go_type(inner)),
        T::StrMap => "map[string]string".into(),
        T::Any => "interface {}".into(),
    }
}

impl Walker {
    /// `path` is the field path with indices (`spec.ingress[0].ports`);
    /// `fields` the same without indices, as Go's json errors name it.
    fn object(
        &mut self,
        v: &Value,
        go: &str,
        fields: &[F],
        path: &mut String,
        names: &mut Vec<&'static str>,
    ) {
        let Value::Object(m) = v else { return };
        for (k, child) in m {
            if child.is_null() {
                continue;
            }
            match fields.iter().find(|f| f.name == k) {
                Some(field) => {
                    let len = path.len();
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(k);
                    names.push(field.name);
                    self.value(child, field, go, path, names);
                    names.pop();
                    path.truncate(len);
                }
                None => {
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    self.unknown.push(p);
                }
            }
        }
    }

    fn wrong_type(&mut self, v: &Value, ty: &T, parent_go: &str, names: &[&str]) {
        if self.type_error.is_none() {
            let got = match (v, ty) {
                (Value::Number(n), T::Int) => format!("number {n}"),
                _ => json_type(v).to_string(),
            };
            self.type_error = Some(format!(
                "json: cannot unmarshal {got} into Go struct field {parent_go}.{} of type {}",
                names.join("."),
                go_type(ty)
            ));
        }
    }

    fn value(
        &mut self,
        v: &Value,
        field: &F,
        parent_go: &str,
        path: &mut String,
        names: &mut Vec<&'static str>,
    ) {
        self.typed(v, &field.ty, parent_go, path, names);
    }

    fn typed(
        &mut self,
        v: &Value,
        ty: &T,
        parent_go: &str,
        path: &mut String,
        names: &mut Vec<&'static str>,
    ) {
        let ok = match ty {
            T::Str => v.is_string(),
            T::Int => v.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
            T::Bool => v.is_boolean(),
            T::IntOrStr => v.is_string() || v.as_i64().is_some(),
            T::Obj(..) | T::StrMap => v.is_object(),
            T::List(_) => v.is_array(),
            T::Any => true,
        };
        if !ok {
            self.wrong_type(v, ty, parent_go, names);
            return;
        }
        match ty {
            T::Obj(go, fields) => {
                let go = if go.is_empty() { parent_go } else { go };
                self.object(v, go, fields, path, names)
            }
            T::List(inner) => {
                for (i, item) in v.as_array().into_iter().flatten().enumerate() {
                    if item.is_null() {
                        continue;
                    }
                    let len = path.len();
                    path.push_str(&format!("[{i}]"));
                    self.typed(item, inner, parent_go, path, names);
                    path.truncate(len);
                }
            }
            T::StrMap => {
                for item in v.as_object().into_iter().flatten().map(|(_, i)| i) {
                    if !item.is_string() && !item.is_null() {
                        self.wrong_type(item, &T::Str, parent_go, names);
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rest(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    #[test]
    fn unknown_fields_of_a_network_policy_are_named_with_their_path() {
        let e = decode(
            "NetworkPolicy",
            "networking.k8s.io/v1",
            Default::default(),
            rest(json!({"spec": {"podSelector": {}, "ingress": [{"form": []}]}})),
        )
        .unwrap_err();
        assert_eq!(
            e,
            SchemaError::Decode(
                "strict decoding error: unknown field \"spec.ingress[0].form\"".into()
            )
        );
    }

    #[test]
    fn a_wrong_type_in_a_built_in_kind_reads_like_go_json() {
        let e = decode(
            "NetworkPolicy",
            "networking.k8s.io/v1",
            Default::default(),
            rest(json!({"spec": {"ingress": [{"ports": [{"endPort": "90"}]}]}})),
        )
        .unwrap_err();
        assert_eq!(
            e,
            SchemaError::Decode(
                "json: cannot unmarshal string into Go struct field NetworkPolicyPort.spec.ingress.ports.endPort of type int32".into()
            )
        );
    }
}
