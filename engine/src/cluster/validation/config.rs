//! ConfigMaps and Secrets: keys must be valid file names.

use super::*;
use crate::cluster::objects::{ConfigMap, Secret};

const CONFIG_KEY_MSG: &str = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

/// `IsConfigMapKey`.
fn key_errors(key: &str) -> Vec<String> {
    let mut errs = vec![];
    if key.len() > 253 {
        errs.push("must be no more than 253 characters".to_string());
    }
    if key.is_empty()
        || !key
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
    {
        errs.push(CONFIG_KEY_MSG.to_string());
    }
    if key == "." {
        errs.push("must not be '.'".to_string());
    } else if key == ".." {
        errs.push("must not be '..'".to_string());
    } else if key.starts_with("..") {
        errs.push("must not start with '..'".to_string());
    }
    errs
}

fn keys<'a>(errs: &mut Vec<FieldError>, field: &str, keys: impl Iterator<Item = &'a String>) {
    for k in keys {
        for msg in key_errors(k) {
            errs.push(FieldError::invalid(
                format!("{field}[{k}]"),
                BadValue::Str(k.clone()),
                msg,
            ));
        }
    }
}

pub fn validate_config_map(cm: &ConfigMap) -> Vec<FieldError> {
    let mut errs = vec![];
    if let Some(e) = validate_name(&cm.metadata.name, true) {
        errs.push(e);
    }
    errs.extend(validate_labels_and_annotations(&cm.metadata));
    keys(&mut errs, "data", cm.data.keys());
    keys(&mut errs, "binaryData", cm.binary_data.keys());
    for k in cm.data.keys().filter(|k| cm.binary_data.contains_key(*k)) {
        errs.push(FieldError::invalid(
            format!("data[{k}]"),
            BadValue::Str(k.clone()),
            "duplicate of key present in binaryData",
        ));
    }
    errs
}

pub fn validate_secret(s: &Secret) -> Vec<FieldError> {
    let mut errs = vec![];
    if let Some(e) = validate_name(&s.metadata.name, true) {
        errs.push(e);
    }
    errs.extend(validate_labels_and_annotations(&s.metadata));
    keys(&mut errs, "data", s.data.keys());
    errs
}
