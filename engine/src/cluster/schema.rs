//! The fields of the kinds kept as JSON ([`Unstructured`]), as a table:
//! what strict decoding checks (unknown fields, the type of each value)
//! and, for the Gateway API's CustomResourceDefinitions, what their OpenAPI
//! schema checks (required fields, enums, bounds, lengths), with the API
//! server's words for each.
//!
//! Built-in kinds (NetworkPolicy, Ingress, IngressClass) are decoded by Go's
//! `encoding/json`: a wrong type is `json: cannot unmarshal …`, and the
//! kind's own validation (`validation::networking`) says the rest. Custom
//! resources are checked by the schema: a wrong type is an Invalid field
//! (`… in body must be of type integer: "string"`).

use super::objects::Unstructured;
use super::validation::{BadValue, FieldError};
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

/// An OpenAPI check on a value, beyond its type.
#[derive(Clone, Copy)]
pub enum C {
    None,
    Enum(&'static [&'static str]),
    Range(i64, i64),
    /// `minLength`, `maxLength`.
    Len(usize, usize),
    /// `minItems`, `maxItems`.
    Items(usize, usize),
    /// The Gateway API's hostname pattern.
    Hostname,
}

#[derive(Clone, Copy)]
pub struct F {
    pub name: &'static str,
    pub ty: T,
    pub check: C,
    pub required: bool,
}

const fn f(name: &'static str, ty: T) -> F {
    F {
        name,
        ty,
        check: C::None,
        required: false,
    }
}

/// A required field.
const fn r(name: &'static str, ty: T) -> F {
    F {
        name,
        ty,
        check: C::None,
        required: true,
    }
}

impl F {
    const fn with(self, check: C) -> F {
        F { check, ..self }
    }
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

// networking.k8s.io/v1 Ingress and IngressClass
const INGRESS_BACKEND: T = T::Obj(
    "IngressBackend",
    &[
        f(
            "service",
            T::Obj(
                "IngressServiceBackend",
                &[
                    f("name", T::Str),
                    f(
                        "port",
                        T::Obj(
                            "ServiceBackendPort",
                            &[f("name", T::Str), f("number", T::Int)],
                        ),
                    ),
                ],
            ),
        ),
        f(
            "resource",
            T::Obj(
                "TypedLocalObjectReference",
                &[f("apiGroup", T::Str), f("kind", T::Str), f("name", T::Str)],
            ),
        ),
    ],
);
const INGRESS: &[F] = &[
    f(
        "spec",
        T::Obj(
            "IngressSpec",
            &[
                f("ingressClassName", T::Str),
                f("defaultBackend", INGRESS_BACKEND),
                f(
                    "tls",
                    T::List(&T::Obj(
                        "IngressTLS",
                        &[f("hosts", STRS), f("secretName", T::Str)],
                    )),
                ),
                f(
                    "rules",
                    T::List(&T::Obj(
                        "IngressRule",
                        &[
                            f("host", T::Str),
                            f(
                                "http",
                                T::Obj(
                                    "HTTPIngressRuleValue",
                                    &[f(
                                        "paths",
                                        T::List(&T::Obj(
                                            "HTTPIngressPath",
                                            &[
                                                f("path", T::Str),
                                                f("pathType", T::Str),
                                                f("backend", INGRESS_BACKEND),
                                            ],
                                        )),
                                    )],
                                ),
                            ),
                        ],
                    )),
                ),
            ],
        ),
    ),
    f("status", T::Any),
];
const INGRESS_CLASS: &[F] = &[f(
    "spec",
    T::Obj(
        "IngressClassSpec",
        &[
            f("controller", T::Str),
            f(
                "parameters",
                T::Obj(
                    "IngressClassParametersReference",
                    &[
                        f("apiGroup", T::Str),
                        f("kind", T::Str),
                        f("name", T::Str),
                        f("scope", T::Str),
                        f("namespace", T::Str),
                    ],
                ),
            ),
        ],
    ),
)];

// gateway.networking.k8s.io (v1.5.1, standard channel)
const NAME: T = T::Str;
const PORT: F = f("port", T::Int).with(C::Range(1, 65535));
const GATEWAY_CLASS: &[F] = &[
    r(
        "spec",
        T::Obj(
            "",
            &[
                r("controllerName", T::Str).with(C::Len(1, 253)),
                f("description", T::Str).with(C::Len(0, 64)),
                f("parametersRef", T::Any),
            ],
        ),
    ),
    f("status", T::Any),
];
const GATEWAY: &[F] = &[
    r(
        "spec",
        T::Obj(
            "",
            &[
                r("gatewayClassName", NAME).with(C::Len(1, 253)),
                r(
                    "listeners",
                    T::List(&T::Obj(
                        "",
                        &[
                            r("name", NAME).with(C::Len(1, 253)),
                            f("hostname", T::Str).with(C::Hostname),
                            r("port", T::Int).with(C::Range(1, 65535)),
                            r("protocol", T::Str).with(C::Len(1, 255)),
                            f("tls", T::Any),
                            f(
                                "allowedRoutes",
                                T::Obj(
                                    "",
                                    &[
                                        f(
                                            "namespaces",
                                            T::Obj(
                                                "",
                                                &[
                                                    f("from", T::Str).with(C::Enum(&[
                                                        "All", "Selector", "Same",
                                                    ])),
                                                    f("selector", LABEL_SELECTOR),
                                                ],
                                            ),
                                        ),
                                        f(
                                            "kinds",
                                            T::List(&T::Obj(
                                                "",
                                                &[f("group", T::Str), r("kind", T::Str)],
                                            )),
                                        ),
                                    ],
                                ),
                            ),
                        ],
                    )),
                )
                .with(C::Items(1, 64)),
                f(
                    "addresses",
                    T::List(&T::Obj("", &[f("type", T::Str), r("value", T::Str)])),
                )
                .with(C::Items(0, 16)),
                f("infrastructure", T::Any),
                f("tls", T::Any),
                f("allowedListeners", T::Any),
            ],
        ),
    ),
    f("status", T::Any),
];
const PARENT_REF: T = T::Obj(
    "",
    &[
        f("group", T::Str),
        f("kind", T::Str),
        f("namespace", T::Str),
        r("name", NAME).with(C::Len(1, 253)),
        f("sectionName", T::Str),
        PORT,
    ],
);
const HEADER_MATCH: T = T::Obj(
    "",
    &[
        f("type", T::Str).with(C::Enum(&["Exact", "RegularExpression"])),
        r("name", T::Str).with(C::Len(1, 256)),
        r("value", T::Str).with(C::Len(1, 4096)),
    ],
);
const HEADER_MODIFIER: T = T::Obj(
    "",
    &[
        f(
            "set",
            T::List(&T::Obj("", &[r("name", T::Str), r("value", T::Str)])),
        ),
        f(
            "add",
            T::List(&T::Obj("", &[r("name", T::Str), r("value", T::Str)])),
        ),
        f("remove", STRS),
    ],
);
const PATH_MODIFIER: T = T::Obj(
    "",
    &[
        r("type", T::Str).with(C::Enum(&["ReplaceFullPath", "ReplacePrefixMatch"])),
        f("replaceFullPath", T::Str),
        f("replacePrefixMatch", T::Str),
    ],
);
/// The filters of a rule (and of a backendRef).
pub const FILTER_TYPES: &[&str] = &[
    "RequestHeaderModifier",
    "ResponseHeaderModifier",
    "RequestMirror",
    "RequestRedirect",
    "URLRewrite",
    "ExtensionRef",
    "CORS",
];
const FILTERS: T = T::List(&T::Obj(
    "",
    &[
        r("type", T::Str).with(C::Enum(FILTER_TYPES)),
        f("requestHeaderModifier", HEADER_MODIFIER),
        f("responseHeaderModifier", HEADER_MODIFIER),
        f("requestMirror", T::Any),
        f(
            "requestRedirect",
            T::Obj(
                "",
                &[
                    f("scheme", T::Str).with(C::Enum(&["http", "https"])),
                    f("hostname", T::Str).with(C::Hostname),
                    f("path", PATH_MODIFIER),
                    PORT,
                    f("statusCode", T::Int),
                ],
            ),
        ),
        f(
            "urlRewrite",
            T::Obj(
                "",
                &[
                    f("hostname", T::Str).with(C::Hostname),
                    f("path", PATH_MODIFIER),
                ],
            ),
        ),
        f("extensionRef", T::Any),
        f("cors", T::Any),
    ],
));
const HTTP_ROUTE: &[F] = &[
    r(
        "spec",
        T::Obj(
            "",
            &[
                f("parentRefs", T::List(&PARENT_REF)).with(C::Items(0, 32)),
                f("hostnames", T::List(&T::Str)).with(C::Items(0, 16)),
                f(
                    "rules",
                    T::List(&T::Obj(
                        "",
                        &[
                            f("name", T::Str),
                            f(
                                "matches",
                                T::List(&T::Obj(
                                    "",
                                    &[
                                        f(
                                            "path",
                                            T::Obj(
                                                "",
                                                &[
                                                    f("type", T::Str).with(C::Enum(&[
                                                        "Exact",
                                                        "PathPrefix",
                                                        "RegularExpression",
                                                    ])),
                                                    f("value", T::Str).with(C::Len(0, 1024)),
                                                ],
                                            ),
                                        ),
                                        f("headers", T::List(&HEADER_MATCH)).with(C::Items(0, 16)),
                                        f("queryParams", T::List(&HEADER_MATCH))
                                            .with(C::Items(0, 16)),
                                        f("method", T::Str).with(C::Enum(&[
                                            "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT",
                                            "OPTIONS", "TRACE", "PATCH",
                                        ])),
                                    ],
                                )),
                            )
                            .with(C::Items(0, 64)),
                            f("filters", FILTERS).with(C::Items(0, 16)),
                            f(
                                "backendRefs",
                                T::List(&T::Obj(
                                    "",
                                    &[
                                        f("group", T::Str),
                                        f("kind", T::Str),
                                        r("name", NAME).with(C::Len(1, 253)),
                                        f("namespace", T::Str),
                                        PORT,
                                        f("weight", T::Int).with(C::Range(0, 1_000_000)),
                                        f("filters", FILTERS),
                                    ],
                                )),
                            )
                            .with(C::Items(0, 16)),
                            f("timeouts", T::Any),
                            f("retry", T::Any),
                            f("sessionPersistence", T::Any),
                        ],
                    )),
                )
                .with(C::Items(0, 16)),
            ],
        ),
    ),
    f("status", T::Any),
];
const REFERENCE_GRANT: &[F] = &[r(
    "spec",
    T::Obj(
        "",
        &[
            r(
                "from",
                T::List(&T::Obj(
                    "",
                    &[
                        r("group", T::Str),
                        r("kind", T::Str),
                        r("namespace", T::Str),
                    ],
                )),
            )
            .with(C::Items(1, 16)),
            r(
                "to",
                T::List(&T::Obj(
                    "",
                    &[r("group", T::Str), r("kind", T::Str), f("name", T::Str)],
                )),
            )
            .with(C::Items(1, 16)),
        ],
    ),
)];

/// The table of a kind kept as JSON, and whether it is a custom resource.
pub fn of(kind: &str) -> Option<(&'static [F], bool)> {
    Some(match kind {
        "NetworkPolicy" => (NETWORK_POLICY, false),
        "Ingress" => (INGRESS, false),
        "IngressClass" => (INGRESS_CLASS, false),
        "GatewayClass" => (GATEWAY_CLASS, true),
        "Gateway" => (GATEWAY, true),
        "HTTPRoute" => (HTTP_ROUTE, true),
        "ReferenceGrant" => (REFERENCE_GRANT, true),
        _ => return None,
    })
}

/// How a document failed: decoding (a BadRequest, kubectl's `cannot be
/// handled as`), or a custom resource's schema (an Invalid object).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaError {
    Decode(String),
    Invalid(Vec<FieldError>),
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
    let Some((fields, crd)) = of(kind) else {
        return Err(SchemaError::Decode(format!("no schema for kind {kind}")));
    };
    rest.retain(|_, v| !v.is_null());
    let mut w = Walker {
        crd,
        unknown: vec![],
        type_error: None,
        invalid: vec![],
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
    if !w.invalid.is_empty() {
        return Err(SchemaError::Invalid(w.invalid));
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
    crd: bool,
    unknown: Vec<String>,
    type_error: Option<String>,
    invalid: Vec<FieldError>,
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

/// OpenAPI's name for a value's type, as the schema validator says it.
fn openapi_type(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "string",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::Bool(_) => "boolean",
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
        if self.crd {
            for field in fields.iter().filter(|f| f.required) {
                if m.get(field.name).is_none_or(Value::is_null) {
                    let p = if path.is_empty() {
                        field.name.to_string()
                    } else {
                        format!("{path}.{}", field.name)
                    };
                    self.invalid.push(FieldError::required(p, ""));
                }
            }
        }
    }

    fn wrong_type(&mut self, v: &Value, ty: &T, parent_go: &str, path: &str, names: &[&str]) {
        if self.crd {
            let want = match ty {
                T::Str => "string",
                T::Int => "integer",
                T::Bool => "boolean",
                T::List(_) => "array",
                _ => "object",
            };
            let got = openapi_type(v);
            self.invalid.push(FieldError::invalid(
                path,
                BadValue::Str(got.to_string()),
                format!("{path} in body must be of type {want}: \"{got}\""),
            ));
        } else if self.type_error.is_none() {
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
        if self.crd {
            self.check(v, field.check, path);
        }
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
            self.wrong_type(v, ty, parent_go, path, names);
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
                for (k, item) in v.as_object().into_iter().flatten() {
                    if !item.is_string() && !item.is_null() {
                        let p = format!("{path}.{k}");
                        self.wrong_type(item, &T::Str, parent_go, &p, names);
                    }
                }
            }
            _ => {}
        }
    }

    fn check(&mut self, v: &Value, check: C, path: &str) {
        match check {
            C::None => {}
            C::Enum(values) => {
                if let Some(s) = v.as_str() {
                    if !values.contains(&s) {
                        self.invalid.push(FieldError::unsupported(path, s, values));
                    }
                }
            }
            C::Range(lo, hi) => {
                if let Some(n) = v.as_i64() {
                    if n < lo {
                        self.invalid.push(FieldError::invalid(
                            path,
                            BadValue::Int(n),
                            format!("{path} in body should be greater than or equal to {lo}"),
                        ));
                    } else if n > hi {
                        self.invalid.push(FieldError::invalid(
                            path,
                            BadValue::Int(n),
                            format!("{path} in body should be less than or equal to {hi}"),
                        ));
                    }
                }
            }
            C::Len(lo, hi) => {
                if let Some(s) = v.as_str() {
                    let n = s.chars().count();
                    if n < lo {
                        self.invalid.push(FieldError::invalid(
                            path,
                            BadValue::Str(s.to_string()),
                            format!("{path} in body should be at least {lo} chars long"),
                        ));
                    } else if n > hi {
                        self.invalid.push(FieldError::too_long(path, hi));
                    }
                }
            }
            C::Items(lo, hi) => {
                if let Some(a) = v.as_array() {
                    if a.len() < lo {
                        self.invalid.push(FieldError::invalid(
                            path,
                            BadValue::Int(a.len() as i64),
                            format!("{path} in body should have at least {lo} items"),
                        ));
                    } else if a.len() > hi {
                        self.invalid.push(FieldError {
                            field: path.to_string(),
                            kind: super::validation::ErrorType::TooMany(a.len(), hi),
                            detail: String::new(),
                        });
                    }
                }
            }
            C::Hostname => {
                if let Some(s) = v.as_str() {
                    if !is_gateway_hostname(s) {
                        self.invalid.push(FieldError::invalid(
                            path,
                            BadValue::Str(s.to_string()),
                            format!("{path} in body should match '{HOSTNAME_PATTERN}'"),
                        ));
                    }
                }
            }
        }
    }
}

/// The Gateway API's `Hostname` pattern.
pub const HOSTNAME_PATTERN: &str =
    r"^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

/// Whether `s` matches [`HOSTNAME_PATTERN`] (and its length, 1 to 253).
pub fn is_gateway_hostname(s: &str) -> bool {
    let rest = s.strip_prefix("*.").unwrap_or(s);
    !s.is_empty()
        && s.len() <= 253
        && rest.split('.').all(|label| {
            let b = label.as_bytes();
            !b.is_empty()
                && b[0].is_ascii_alphanumeric()
                && b[b.len() - 1].is_ascii_alphanumeric()
                && b.iter()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        })
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

    #[test]
    fn a_custom_resource_is_held_to_its_schema() {
        let e = decode(
            "Gateway",
            "gateway.networking.k8s.io/v1",
            Default::default(),
            rest(json!({"spec": {"listeners": [{"name": "web", "port": 0, "protocol": "HTTP"}]}})),
        )
        .unwrap_err();
        let SchemaError::Invalid(errs) = e else {
            panic!("{e:?}")
        };
        let text: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        assert_eq!(
            text,
            [
                "spec.listeners[0].port: Invalid value: 0: spec.listeners[0].port in body should be greater than or equal to 1",
                "spec.gatewayClassName: Required value",
            ]
        );
    }

    #[test]
    fn gateway_hostnames() {
        assert!(is_gateway_hostname("shop.example.com"));
        assert!(is_gateway_hostname("*.example.com"));
        assert!(!is_gateway_hostname("Shop.example.com"));
        assert!(!is_gateway_hostname("shop..com"));
        assert!(!is_gateway_hostname("*"));
    }
}
