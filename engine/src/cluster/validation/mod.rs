//! The API server's validation, with Kubernetes' exact messages
//! (`pkg/apis/core/validation`, `pkg/apis/apps/validation`,
//! `pkg/apis/discovery/validation`, v1.31; see `fidelity/service-validation.md`).
//!
//! This module holds the shared pieces (field errors, names, labels,
//! annotations); each kind's rules live in a submodule.

mod config;
mod discovery;
pub mod networking;
mod service;
mod workloads;

pub use config::*;
pub use discovery::*;
pub use service::*;
pub use workloads::*;

use super::objects::Labels;
use std::fmt;

/// A field value as `field.Error` renders it: ints bare, strings quoted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadValue {
    Int(i64),
    Str(String),
    /// Go's `%#v` of a struct or slice (Kubernetes ≤ 1.33).
    Raw(String),
}

impl fmt::Display for BadValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BadValue::Int(i) => write!(f, "{i}"),
            BadValue::Str(s) => write!(f, "{s:?}"),
            BadValue::Raw(r) => f.write_str(r),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorType {
    Required,
    Invalid(BadValue),
    Unsupported(BadValue, Vec<&'static str>),
    Forbidden,
    Duplicate(BadValue),
    /// `Too long: must have at most N bytes`.
    TooLong(usize),
    /// `Too many: N: must have at most M items`.
    TooMany(usize, usize),
}

/// One `field.Error`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub kind: ErrorType,
    pub detail: String,
}

impl FieldError {
    pub fn required(field: impl Into<String>, detail: &str) -> Self {
        FieldError {
            field: field.into(),
            kind: ErrorType::Required,
            detail: detail.to_string(),
        }
    }
    pub fn invalid(field: impl Into<String>, v: BadValue, detail: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            kind: ErrorType::Invalid(v),
            detail: detail.into(),
        }
    }
    pub fn unsupported(field: impl Into<String>, v: &str, supported: &[&'static str]) -> Self {
        FieldError {
            field: field.into(),
            kind: ErrorType::Unsupported(BadValue::Str(v.to_string()), supported.to_vec()),
            detail: String::new(),
        }
    }
    pub fn forbidden(field: impl Into<String>, detail: &str) -> Self {
        FieldError {
            field: field.into(),
            kind: ErrorType::Forbidden,
            detail: detail.to_string(),
        }
    }
    pub fn too_long(field: impl Into<String>, max: usize) -> Self {
        FieldError {
            field: field.into(),
            kind: ErrorType::TooLong(max),
            detail: String::new(),
        }
    }
    pub fn duplicate(field: impl Into<String>, v: BadValue) -> Self {
        FieldError {
            field: field.into(),
            kind: ErrorType::Duplicate(v),
            detail: String::new(),
        }
    }
}

/// `field.Error.Error()`: `<field>: <Type>[: <value>][: <detail>]`.
impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.field)?;
        match &self.kind {
            ErrorType::Required => f.write_str("Required value")?,
            ErrorType::Forbidden => f.write_str("Forbidden")?,
            ErrorType::Invalid(v) => write!(f, "Invalid value: {v}")?,
            ErrorType::Duplicate(v) => write!(f, "Duplicate value: {v}")?,
            ErrorType::TooLong(max) => write!(f, "Too long: must have at most {max} bytes")?,
            ErrorType::TooMany(n, max) => {
                write!(f, "Too many: {n}: must have at most {max} items")?
            }
            ErrorType::Unsupported(v, supported) => {
                let list: Vec<String> = supported.iter().map(|s| format!("{s:?}")).collect();
                return write!(
                    f,
                    "Unsupported value: {v}: supported values: {}",
                    list.join(", ")
                );
            }
        }
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        Ok(())
    }
}

pub(crate) const DNS1035_MSG: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
pub(crate) const DNS1123_LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
pub(crate) const DNS1123_SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
pub(crate) const LABEL_KEY_MSG: &str = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
pub(crate) const LABEL_VALUE_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
pub(crate) const PORT_RANGE_MSG: &str = "must be between 1 and 65535, inclusive";

pub(crate) const CIDR_MSG: &str = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";
const QUALIFIED_NAME_MSG: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

/// `netutils.ParseCIDRSloppy` accepts it (IPv4 here; IPv6 ranges parse too).
pub fn is_cidr(s: &str) -> bool {
    s.parse::<ipnet::IpNet>().is_ok()
}

/// `IsQualifiedName`: `[prefix/]name`, each error its own message.
pub fn qualified_name_errors(value: &str) -> Vec<String> {
    let mut errs = vec![];
    let parts: Vec<&str> = value.split('/').collect();
    let name = match parts.as_slice() {
        [name] => *name,
        [prefix, name] => {
            if prefix.is_empty() {
                errs.push("prefix part must be non-empty".to_string());
            } else if prefix.len() > 253 {
                errs.push("prefix part must be no more than 253 characters".to_string());
            } else if !is_dns1123_subdomain(prefix) {
                errs.push(format!("prefix part {DNS1123_SUBDOMAIN_MSG}"));
            }
            *name
        }
        _ => {
            return vec![format!(
                "a qualified name {QUALIFIED_NAME_MSG} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
            )]
        }
    };
    if name.is_empty() {
        errs.push("name part must be non-empty".to_string());
    } else if name.len() > 63 {
        errs.push("name part must be no more than 63 characters".to_string());
    }
    if !label_name_ok_any_len(name) {
        errs.push(format!("name part {QUALIFIED_NAME_MSG}"));
    }
    errs
}

fn label_name_ok_any_len(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

/// `ValidateAnnotations`: every key a qualified name (case does not
/// matter), in key order (Go walks the map in no order at all).
pub fn validate_annotations(
    annotations: &crate::map::Map<String, String>,
    field: &str,
) -> Vec<FieldError> {
    let mut errs = vec![];
    for k in annotations.keys() {
        for msg in qualified_name_errors(&k.to_ascii_lowercase()) {
            errs.push(FieldError::invalid(field, BadValue::Str(k.clone()), msg));
        }
    }
    let size: usize = annotations.iter().map(|(k, v)| k.len() + v.len()).sum();
    if size > 256 * 1024 {
        errs.push(FieldError::too_long(field, 256 * 1024));
    }
    errs
}

/// `ValidateObjectMeta`'s labels and annotations.
pub fn validate_labels_and_annotations(
    meta: &crate::cluster::objects::ObjectMeta,
) -> Vec<FieldError> {
    let mut errs = validate_labels(&meta.labels, "metadata.labels");
    errs.extend(validate_annotations(
        &meta.annotations,
        "metadata.annotations",
    ));
    errs
}

pub fn is_dns1035_label(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_lowercase()
        && (b[b.len() - 1].is_ascii_lowercase() || b[b.len() - 1].is_ascii_digit())
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
}

pub fn is_dns1123_label(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
}

pub fn is_dns1123_subdomain(s: &str) -> bool {
    s.len() <= 253 && !s.is_empty() && s.split('.').all(is_dns1123_label)
}

fn label_name_ok(s: &str) -> bool {
    s.len() <= 63 && label_name_ok_any_len(s)
}

/// `IsValidLabelValue`: why `v` is no label value, if it is not (the
/// problems joined as kubectl joins them).
pub fn label_value_problem(v: &str) -> Option<String> {
    let mut problems = vec![];
    if v.len() > 63 {
        problems.push("must be no more than 63 characters");
    }
    if !v.is_empty() && !label_name_ok_any_len(v) {
        problems.push(LABEL_VALUE_MSG);
    }
    (!problems.is_empty()).then(|| problems.join(";"))
}

/// `IsQualifiedName` and `IsValidLabelValue` for each pair.
pub fn validate_labels(labels: &Labels, field: &str) -> Vec<FieldError> {
    let mut errs = vec![];
    for (k, v) in labels {
        let name = match k.split_once('/') {
            Some((prefix, name)) => {
                if !is_dns1123_subdomain(prefix) {
                    errs.push(FieldError::invalid(
                        field,
                        BadValue::Str(k.clone()),
                        format!("prefix part {DNS1123_SUBDOMAIN_MSG}"),
                    ));
                }
                name
            }
            None => k.as_str(),
        };
        if name.len() > 63 {
            errs.push(FieldError::invalid(
                field,
                BadValue::Str(k.clone()),
                "name part must be no more than 63 characters",
            ));
        } else if !label_name_ok(name) {
            errs.push(FieldError::invalid(
                field,
                BadValue::Str(k.clone()),
                LABEL_KEY_MSG,
            ));
        }
        if v.len() > 63 {
            errs.push(FieldError::invalid(
                field,
                BadValue::Str(v.clone()),
                "must be no more than 63 characters",
            ));
        } else if !v.is_empty() && !label_name_ok(v) {
            errs.push(FieldError::invalid(
                field,
                BadValue::Str(v.clone()),
                LABEL_VALUE_MSG,
            ));
        }
    }
    errs
}

/// `IsValidPortName` (IANA_SVC_NAME): every failed rule is its own error.
pub(crate) fn port_name_errors(s: &str) -> Vec<&'static str> {
    let mut e = vec![];
    if s.len() > 15 {
        e.push("must be no more than 15 characters");
    }
    if !s
        .bytes()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
    {
        e.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
    }
    if !s.bytes().any(|c| c.is_ascii_lowercase()) {
        e.push("must contain at least one letter (a-z)");
    }
    if s.contains("--") {
        e.push("must not contain consecutive hyphens");
    }
    if s.starts_with('-') || s.ends_with('-') {
        e.push("must not begin or end with a hyphen");
    }
    e
}

/// Object names for Pods, Deployments and Namespaces.
pub fn validate_name(name: &str, subdomain: bool) -> Option<FieldError> {
    if subdomain {
        if name.len() > 253 {
            return Some(FieldError::invalid(
                "metadata.name",
                BadValue::Str(name.into()),
                "must be no more than 253 characters",
            ));
        }
        (!is_dns1123_subdomain(name)).then(|| {
            FieldError::invalid(
                "metadata.name",
                BadValue::Str(name.into()),
                DNS1123_SUBDOMAIN_MSG,
            )
        })
    } else {
        if name.len() > 63 {
            return Some(FieldError::invalid(
                "metadata.name",
                BadValue::Str(name.into()),
                "must be no more than 63 characters",
            ));
        }
        (!is_dns1123_label(name)).then(|| {
            FieldError::invalid(
                "metadata.name",
                BadValue::Str(name.into()),
                DNS1123_LABEL_MSG,
            )
        })
    }
}
