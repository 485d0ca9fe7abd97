//! Pods and the workload objects that stamp them: the little of
//! `ValidatePod` and `pkg/apis/apps/validation` the simulator checks.

use super::*;
use crate::cluster::objects::{LabelSelector, Pod, PodSpec, PodTemplate};

/// A pod's name, labels, annotations and spec.
pub fn validate_pod(pod: &Pod) -> Vec<FieldError> {
    let mut errs = vec![];
    if let Some(e) = validate_name(&pod.metadata.name, true) {
        errs.push(e);
    }
    errs.extend(validate_labels_and_annotations(&pod.metadata));
    errs.extend(validate_pod_spec(&pod.spec, "spec"));
    errs
}

pub fn validate_pod_spec(spec: &PodSpec, path: &str) -> Vec<FieldError> {
    let mut errs = vec![];
    if spec.containers.is_empty() {
        errs.push(FieldError::required(format!("{path}.containers"), ""));
    }
    for (i, c) in spec.containers.iter().enumerate() {
        if c.name.is_empty() {
            errs.push(FieldError::required(
                format!("{path}.containers[{i}].name"),
                "",
            ));
        }
        if c.image.is_empty() {
            errs.push(FieldError::required(
                format!("{path}.containers[{i}].image"),
                "",
            ));
        }
        for (j, p) in c.ports.iter().enumerate() {
            if !(1..=65535).contains(&p.container_port) {
                errs.push(FieldError::invalid(
                    format!("{path}.containers[{i}].ports[{j}].containerPort"),
                    BadValue::Int(p.container_port.into()),
                    PORT_RANGE_MSG,
                ));
            }
        }
    }
    if let Some(h) = spec.hostname.as_deref().filter(|h| !h.is_empty()) {
        if !is_dns1123_label(h) {
            errs.push(FieldError::invalid(
                format!("{path}.hostname"),
                BadValue::Str(h.to_string()),
                DNS1123_LABEL_MSG,
            ));
        }
    }
    if let Some(s) = spec.subdomain.as_deref().filter(|s| !s.is_empty()) {
        if !is_dns1123_label(s) {
            errs.push(FieldError::invalid(
                format!("{path}.subdomain"),
                BadValue::Str(s.to_string()),
                DNS1123_LABEL_MSG,
            ));
        }
    }
    errs.extend(validate_dns(spec, path));
    errs
}

/// `validateDNSPolicy` and the `None` case of `validatePodDNSConfig`.
fn validate_dns(spec: &PodSpec, path: &str) -> Vec<FieldError> {
    let mut errs = vec![];
    let policy = spec.dns_policy.as_ref().and_then(|v| v.as_str());
    if let Some(p) = policy {
        if !["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"].contains(&p) {
            errs.push(FieldError::unsupported(
                format!("{path}.dnsPolicy"),
                p,
                &["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"],
            ));
        }
    }
    let config = spec.dns_config.as_ref().filter(|c| !c.is_null());
    let nameservers: Vec<&serde_json::Value> = config
        .and_then(|c| c.get("nameservers"))
        .and_then(|n| n.as_array())
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    if policy == Some("None") {
        if config.is_none() {
            errs.push(FieldError::required(
                format!("{path}.dnsConfig"),
                "must provide `dnsConfig` when `dnsPolicy` is None",
            ));
            return errs;
        }
        if nameservers.is_empty() {
            errs.push(FieldError::required(
                format!("{path}.dnsConfig.nameservers"),
                "must provide at least one DNS nameserver when `dnsPolicy` is None",
            ));
            return errs;
        }
    }
    for (i, ns) in nameservers.iter().enumerate() {
        let text = ns.as_str().unwrap_or_default();
        if text.parse::<std::net::IpAddr>().is_err() {
            errs.push(FieldError::invalid(
                format!("{path}.dnsConfig.nameservers[{i}]"),
                BadValue::Str(text.to_string()),
                "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
            ));
        }
    }
    errs
}

/// Go's `%#v` of a `map[string]string`, keys in order.
fn go_labels(labels: &Labels) -> String {
    let pairs = labels
        .iter()
        .map(|(k, v)| format!("{k:?}:{v:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!("map[string]string{{{pairs}}}")
}

/// The checks every workload shares: its name, its selector (required, and
/// matching the template's labels), the pod template, the replica count.
/// `kind` is the lower-case word of "empty selector is invalid for deployment".
pub fn validate_workload(
    meta: &crate::cluster::objects::ObjectMeta,
    selector: &LabelSelector,
    template: &PodTemplate,
    replicas: Option<i32>,
) -> Vec<FieldError> {
    let mut errs = vec![];
    if let Some(e) = validate_name(&meta.name, true) {
        errs.push(e);
    }
    errs.extend(validate_labels_and_annotations(meta));
    if selector.is_empty() {
        errs.push(FieldError::required("spec.selector", ""));
    } else {
        for (i, r) in selector.match_expressions.iter().enumerate() {
            let f = format!("spec.selector.matchExpressions[{i}]");
            match r.operator.as_str() {
                "In" | "NotIn" if r.values.is_empty() => errs.push(FieldError::required(
                    format!("{f}.values"),
                    "must be specified when `operator` is 'In' or 'NotIn'",
                )),
                "Exists" | "DoesNotExist" if !r.values.is_empty() => {
                    errs.push(FieldError::forbidden(
                        format!("{f}.values"),
                        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                    ))
                }
                "In" | "NotIn" | "Exists" | "DoesNotExist" => {}
                other => errs.push(FieldError::invalid(
                    format!("{f}.operator"),
                    BadValue::Str(other.to_string()),
                    "not a valid selector operator",
                )),
            }
        }
        if !selector.matches(&template.metadata.labels) {
            errs.push(FieldError::invalid(
                "spec.template.metadata.labels",
                BadValue::Raw(go_labels(&template.metadata.labels)),
                "`selector` does not match template `labels`",
            ));
        }
    }
    errs.extend(validate_labels(
        &template.metadata.labels,
        "spec.template.metadata.labels",
    ));
    errs.extend(validate_pod_spec(&template.spec, "spec.template.spec"));
    if let Some(r) = replicas.filter(|r| *r < 0) {
        errs.push(FieldError::invalid(
            "spec.replicas",
            BadValue::Int(r.into()),
            "must be greater than or equal to 0",
        ));
    }
    let max = crate::cluster::capacity::MAX_REPLICAS;
    if let Some(r) = replicas.filter(|r| *r > max) {
        errs.push(FieldError::invalid(
            "spec.replicas",
            BadValue::Int(r.into()),
            format!("must be less than or equal to {max} (servicelab's limit for one workload)"),
        ));
    }
    errs
}
