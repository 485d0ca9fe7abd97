//! The API server's validation of Services (and the little it checks of
//! Pods and Deployments), with Kubernetes' exact messages
//! (`pkg/apis/core/validation`, v1.31; see `fidelity/service-validation.md`).

use super::objects::{IntOrString, Labels, Service};
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

const DNS1035_MSG: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const DNS1123_LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1123_SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_KEY_MSG: &str = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const PORT_RANGE_MSG: &str = "must be between 1 and 65535, inclusive";

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

/// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`, whatever the length.
fn label_shape_ok(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

fn label_name_ok(s: &str) -> bool {
    s.len() <= 63 && label_shape_ok(s)
}

/// `IsValidLabelValue`: why `v` is no label value, if it is not (the
/// problems joined as kubectl joins them).
pub fn label_value_problem(v: &str) -> Option<String> {
    let mut problems = vec![];
    if v.len() > 63 {
        problems.push("must be no more than 63 characters");
    }
    if !v.is_empty() && !label_shape_ok(v) {
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
fn port_name_errors(s: &str) -> Vec<&'static str> {
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

/// Go's `%#v` of a `core.ServicePort`, as Kubernetes 1.31 prints it in a
/// Duplicate value error.
fn go_service_port(p: &super::objects::ServicePort) -> String {
    let (t, i, s) = match &p.target_port {
        Some(IntOrString::Int(n)) => (0, *n, String::new()),
        Some(IntOrString::Str(st)) => (1, 0, st.clone()),
        None => (0, 0, String::new()),
    };
    format!(
        "core.ServicePort{{Name:{:?}, Protocol:{:?}, AppProtocol:(*string)(nil), Port:{}, TargetPort:intstr.IntOrString{{Type:{t}, IntVal:{i}, StrVal:{s:?}}}, NodePort:{}}}",
        p.name,
        p.protocol.as_deref().unwrap_or("TCP"),
        p.port,
        p.node_port.unwrap_or(0)
    )
}

pub const SERVICE_TYPES: [&str; 4] = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];

/// `ValidateService` on a defaulted Service, errors in the API server's order.
pub fn validate_service(svc: &Service) -> Vec<FieldError> {
    let mut errs = vec![];
    let name = &svc.metadata.name;
    if name.len() > 63 {
        errs.push(FieldError::invalid(
            "metadata.name",
            BadValue::Str(name.clone()),
            "must be no more than 63 characters",
        ));
    } else if !is_dns1035_label(name) {
        errs.push(FieldError::invalid(
            "metadata.name",
            BadValue::Str(name.clone()),
            DNS1035_MSG,
        ));
    }
    errs.extend(validate_labels(&svc.metadata.labels, "metadata.labels"));

    let spec = &svc.spec;
    let ty = svc.type_name();
    let headless = spec.cluster_ip.as_deref() == Some("None");
    if spec.ports.is_empty() && !headless && ty != "ExternalName" {
        errs.push(FieldError::required("spec.ports", ""));
    }
    match ty {
        "LoadBalancer" => {
            for (i, p) in spec.ports.iter().enumerate() {
                if p.port == 10250 {
                    errs.push(FieldError::invalid(
                        format!("spec.ports[{i}]"),
                        BadValue::Int(10250),
                        "may not expose port 10250 externally since it is used by kubelet",
                    ));
                }
            }
            if headless {
                errs.push(FieldError::invalid(
                    "spec.clusterIPs[0]",
                    BadValue::Str("None".into()),
                    "may not be set to 'None' for LoadBalancer services",
                ));
            }
        }
        "NodePort" if headless => {
            errs.push(FieldError::invalid(
                "spec.clusterIPs[0]",
                BadValue::Str("None".into()),
                "may not be set to 'None' for NodePort services",
            ));
        }
        "ExternalName" => {
            match spec
                .external_name
                .as_deref()
                .map(|n| n.trim_end_matches('.'))
            {
                None | Some("") => errs.push(FieldError::required("spec.externalName", "")),
                Some(n) if !is_dns1123_subdomain(n) => errs.push(FieldError::invalid(
                    "spec.externalName",
                    BadValue::Str(n.to_string()),
                    DNS1123_SUBDOMAIN_MSG,
                )),
                _ => {}
            }
        }
        _ => {}
    }

    let mut names = std::collections::BTreeSet::new();
    for (i, p) in spec.ports.iter().enumerate() {
        let f = format!("spec.ports[{i}]");
        if spec.ports.len() > 1 && p.name.is_empty() {
            errs.push(FieldError::required(format!("{f}.name"), ""));
        } else if !p.name.is_empty() {
            if p.name.len() > 63 {
                errs.push(FieldError::invalid(
                    format!("{f}.name"),
                    BadValue::Str(p.name.clone()),
                    "must be no more than 63 characters",
                ));
            } else if !is_dns1123_label(&p.name) {
                let detail = if is_dns1123_subdomain(&p.name) {
                    "must not contain dots"
                } else {
                    DNS1123_LABEL_MSG
                };
                errs.push(FieldError::invalid(
                    format!("{f}.name"),
                    BadValue::Str(p.name.clone()),
                    detail,
                ));
            }
            if !names.insert(p.name.clone()) {
                errs.push(FieldError::duplicate(
                    format!("{f}.name"),
                    BadValue::Str(p.name.clone()),
                ));
            }
        }
        if !(1..=65535).contains(&p.port) {
            errs.push(FieldError::invalid(
                format!("{f}.port"),
                BadValue::Int(p.port.into()),
                PORT_RANGE_MSG,
            ));
        }
        let proto = p.protocol.as_deref().unwrap_or("TCP");
        if !["SCTP", "TCP", "UDP"].contains(&proto) {
            errs.push(FieldError::unsupported(
                format!("{f}.protocol"),
                proto,
                &["SCTP", "TCP", "UDP"],
            ));
        }
        match &p.target_port {
            Some(IntOrString::Int(n)) if !(1..=65535).contains(n) => {
                errs.push(FieldError::invalid(
                    format!("{f}.targetPort"),
                    BadValue::Int((*n).into()),
                    PORT_RANGE_MSG,
                ));
            }
            Some(IntOrString::Str(s)) => {
                for d in port_name_errors(s) {
                    errs.push(FieldError::invalid(
                        format!("{f}.targetPort"),
                        BadValue::Str(s.clone()),
                        d,
                    ));
                }
            }
            _ => {}
        }
    }

    if let Some(sel) = &spec.selector {
        errs.extend(validate_labels(sel, "spec.selector"));
    }
    let affinity = spec.session_affinity.as_deref().unwrap_or("None");
    if !["ClientIP", "None"].contains(&affinity) {
        errs.push(FieldError::unsupported(
            "spec.sessionAffinity",
            affinity,
            &["ClientIP", "None"],
        ));
    }
    if affinity == "ClientIP" {
        if let Some(t) = spec
            .session_affinity_config
            .as_ref()
            .and_then(|c| c.client_ip.as_ref())
            .and_then(|c| c.timeout_seconds)
        {
            if !(1..=86400).contains(&t) {
                errs.push(FieldError::invalid(
                    "spec.sessionAffinityConfig.clientIP.timeoutSeconds",
                    BadValue::Int(t.into()),
                    "must be greater than 0 and less than 86400",
                ));
            }
        }
    }
    for (i, ip) in spec.external_ips.iter().enumerate() {
        let f = format!("spec.externalIPs[{i}]");
        match ip.parse::<std::net::Ipv4Addr>() {
            Err(_) => errs.push(FieldError::invalid(
                f,
                BadValue::Str(ip.clone()),
                "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
            )),
            Ok(a) if a.is_unspecified() => errs.push(FieldError::invalid(
                f,
                BadValue::Str(ip.clone()),
                "may not be unspecified (0.0.0.0)",
            )),
            Ok(a) if a.is_loopback() => errs.push(FieldError::invalid(
                f,
                BadValue::Str(ip.clone()),
                "may not be in the loopback range (127.0.0.0/8, ::1/128)",
            )),
            Ok(a) if a.is_link_local() => errs.push(FieldError::invalid(
                f,
                BadValue::Str(ip.clone()),
                "may not be in the link-local range (169.254.0.0/16, fe80::/10)",
            )),
            _ => {}
        }
    }
    if !SERVICE_TYPES.contains(&ty) {
        errs.push(FieldError::unsupported("spec.type", ty, &SERVICE_TYPES));
    }
    if ty == "ClusterIP" {
        for (i, p) in spec.ports.iter().enumerate() {
            if p.node_port.is_some_and(|n| n != 0) {
                errs.push(FieldError::forbidden(
                    format!("spec.ports[{i}].nodePort"),
                    "may not be used when `type` is 'ClusterIP'",
                ));
            }
        }
    }
    let mut seen_np = std::collections::BTreeSet::new();
    let mut seen_port = std::collections::BTreeSet::new();
    for (i, p) in spec.ports.iter().enumerate() {
        let proto = p.protocol.clone().unwrap_or_else(|| "TCP".into());
        if let Some(np) = p.node_port.filter(|n| *n != 0) {
            if !seen_np.insert((proto.clone(), np)) {
                errs.push(FieldError::duplicate(
                    format!("spec.ports[{i}].nodePort"),
                    BadValue::Int(np.into()),
                ));
            }
        }
        if !seen_port.insert((proto, p.port)) {
            errs.push(FieldError::duplicate(
                format!("spec.ports[{i}]"),
                BadValue::Raw(go_service_port(p)),
            ));
        }
    }
    if !spec.load_balancer_source_ranges.is_empty() && ty != "LoadBalancer" {
        errs.push(FieldError::forbidden(
            "spec.LoadBalancerSourceRanges",
            "may only be used when `type` is 'LoadBalancer'",
        ));
    }
    if spec.allocate_load_balancer_node_ports.is_some() && ty != "LoadBalancer" {
        errs.push(FieldError::forbidden(
            "spec.allocateLoadBalancerNodePorts",
            "may only be used when `type` is 'LoadBalancer'",
        ));
    }
    if spec.load_balancer_class.is_some() && ty != "LoadBalancer" {
        errs.push(FieldError::forbidden(
            "spec.loadBalancerClass",
            "may only be used when `type` is 'LoadBalancer'",
        ));
    }
    let external = matches!(ty, "NodePort" | "LoadBalancer") || !spec.external_ips.is_empty();
    if let Some(etp) = spec.external_traffic_policy.as_deref() {
        if !external {
            errs.push(FieldError::invalid(
                "spec.externalTrafficPolicy",
                BadValue::Str(etp.into()),
                "may only be set for externally-accessible services",
            ));
        } else if !["Cluster", "Local"].contains(&etp) {
            errs.push(FieldError::unsupported(
                "spec.externalTrafficPolicy",
                etp,
                &["Cluster", "Local"],
            ));
        }
    }
    if let Some(h) = spec.health_check_node_port.filter(|h| *h != 0) {
        if !(ty == "LoadBalancer" && spec.external_traffic_policy.as_deref() == Some("Local")) {
            errs.push(FieldError::invalid(
                "spec.healthCheckNodePort",
                BadValue::Int(h.into()),
                "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
            ));
        }
    }
    if let Some(itp) = spec.internal_traffic_policy.as_deref() {
        if !["Cluster", "Local"].contains(&itp) {
            errs.push(FieldError::unsupported(
                "spec.internalTrafficPolicy",
                itp,
                &["Cluster", "Local"],
            ));
        }
    }
    if let Some(td) = spec.traffic_distribution.as_deref() {
        if td != "PreferClose" {
            errs.push(FieldError::unsupported(
                "spec.trafficDistribution",
                td,
                &["PreferClose"],
            ));
        }
    }
    errs
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::objects::{ServicePort, ServiceSpec};

    fn svc(name: &str, spec: ServiceSpec) -> Service {
        let mut s = Service::default();
        s.metadata.name = name.into();
        s.spec = spec;
        s
    }

    fn port(p: i32) -> ServicePort {
        ServicePort {
            port: p,
            target_port: Some(IntOrString::Int(p)),
            protocol: Some("TCP".into()),
            ..Default::default()
        }
    }

    #[test]
    fn messages_match_the_api_server() {
        let e = validate_service(&svc(
            "MyApp",
            ServiceSpec {
                ports: vec![port(80)],
                ..Default::default()
            },
        ));
        assert_eq!(e[0].to_string(), "metadata.name: Invalid value: \"MyApp\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')");

        let e = validate_service(&svc(
            "a",
            ServiceSpec {
                ports: vec![port(80), port(81)],
                ..Default::default()
            },
        ));
        let text: Vec<String> = e.iter().map(|x| x.to_string()).collect();
        assert_eq!(
            text,
            vec![
                "spec.ports[0].name: Required value",
                "spec.ports[1].name: Required value"
            ]
        );

        let mut p = port(80);
        p.node_port = Some(30008);
        let e = validate_service(&svc(
            "a",
            ServiceSpec {
                ports: vec![p],
                type_: Some("ClusterIP".into()),
                ..Default::default()
            },
        ));
        assert_eq!(
            e[0].to_string(),
            "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"
        );

        let e = validate_service(&svc(
            "a",
            ServiceSpec {
                ports: vec![port(80)],
                type_: Some("nodeport".into()),
                ..Default::default()
            },
        ));
        assert_eq!(e[0].to_string(), "spec.type: Unsupported value: \"nodeport\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"");

        let mut p = port(80);
        p.target_port = Some(IntOrString::Str("80".into()));
        let e = validate_service(&svc(
            "a",
            ServiceSpec {
                ports: vec![p],
                ..Default::default()
            },
        ));
        assert_eq!(e[0].to_string(), "spec.ports[0].targetPort: Invalid value: \"80\": must contain at least one letter (a-z)");

        let e = validate_service(&svc(
            "a",
            ServiceSpec {
                ports: vec![port(80), port(80)],
                ..Default::default()
            },
        ));
        assert!(e.iter().any(|x| x.to_string().starts_with("spec.ports[1]: Duplicate value: core.ServicePort{Name:\"\", Protocol:\"TCP\", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:80, StrVal:\"\"}, NodePort:0}")));
    }

    #[test]
    fn a_valid_nodeport_service_passes() {
        let mut p = port(80);
        p.node_port = Some(30008);
        let mut s = svc(
            "myapp-service",
            ServiceSpec {
                ports: vec![p],
                type_: Some("NodePort".into()),
                ..Default::default()
            },
        );
        s.spec.selector = Some([("app".to_string(), "myapp".to_string())].into());
        assert!(validate_service(&s).is_empty());
    }
}
