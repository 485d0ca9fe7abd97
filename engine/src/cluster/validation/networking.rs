//! The API server's defaulting and validation of the kinds kept as JSON:
//! NetworkPolicy, Ingress and IngressClass (`pkg/apis/networking`, v1.31),
//! and what the Gateway
//! API's CRDs add to their schema (defaults, and the CEL rules that matter
//! here, with their messages).

use super::{
    port_name_errors, validate_labels, validate_labels_and_annotations, validate_name, BadValue,
    FieldError, DNS1035_MSG, DNS1123_SUBDOMAIN_MSG, PORT_RANGE_MSG,
};
use crate::cluster::objects::{at, list_at, str_at, Unstructured};
use serde_json::{json, Map, Value};

/// Defaults, then validation, of a kind kept as JSON.
/// `old`: the stored object an update replaces (the CRDs default a status
/// only on create).
pub fn admit(u: &mut Unstructured, old: Option<&Unstructured>) -> Vec<FieldError> {
    match u.kind {
        "NetworkPolicy" => {
            default_network_policy(&mut u.body);
            validate_network_policy(u)
        }
        "Ingress" => validate_ingress(u, old.is_none()),
        "IngressClass" => validate_ingress_class(u, old),
        "GatewayClass" | "Gateway" | "HTTPRoute" | "ReferenceGrant" => {
            default_gateway_api(u, old.is_none());
            validate_gateway_api(u)
        }
        _ => vec![],
    }
}

fn spec_mut(body: &mut Map<String, Value>) -> &mut Map<String, Value> {
    let spec = body.entry("spec").or_insert_with(|| json!({}));
    if !spec.is_object() {
        *spec = json!({});
    }
    spec.as_object_mut().expect("made an object above")
}

/// `SetDefaults_NetworkPolicy` and `SetDefaults_NetworkPolicyPort`: TCP for
/// a port without protocol; `policyTypes` Ingress, and Egress when the
/// policy has egress rules.
fn default_network_policy(body: &mut Map<String, Value>) {
    let spec = spec_mut(body);
    spec.entry("podSelector").or_insert_with(|| json!({}));
    for dir in ["ingress", "egress"] {
        for rule in spec
            .get_mut(dir)
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            for port in rule
                .get_mut("ports")
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
            {
                if let Some(p) = port.as_object_mut() {
                    p.entry("protocol").or_insert_with(|| json!("TCP"));
                }
            }
        }
    }
    if spec
        .get("policyTypes")
        .and_then(Value::as_array)
        .is_none_or(Vec::is_empty)
    {
        let egress = spec
            .get("egress")
            .and_then(Value::as_array)
            .is_some_and(|e| !e.is_empty());
        let types = if egress {
            json!(["Ingress", "Egress"])
        } else {
            json!(["Ingress"])
        };
        spec.insert("policyTypes".into(), types);
    }
}

/// `ValidateLabelSelector`.
pub fn validate_label_selector(sel: &Value, path: &str) -> Vec<FieldError> {
    let mut errs = vec![];
    for (i, r) in list_at(sel, &["matchExpressions"]).iter().enumerate() {
        let f = format!("{path}.matchExpressions[{i}]");
        let values = list_at(r, &["values"]);
        match str_at(r, &["operator"]) {
            "In" | "NotIn" if values.is_empty() => errs.push(FieldError::required(
                format!("{f}.values"),
                "must be specified when `operator` is 'In' or 'NotIn'",
            )),
            "Exists" | "DoesNotExist" if !values.is_empty() => errs.push(FieldError::forbidden(
                format!("{f}.values"),
                "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
            )),
            "In" | "NotIn" | "Exists" | "DoesNotExist" => {}
            other => errs.push(FieldError::invalid(
                format!("{f}.operator"),
                BadValue::Str(other.to_string()),
                "not a valid selector operator",
            )),
        }
        let key = str_at(r, &["key"]);
        let probe: crate::cluster::objects::Labels = [(key.to_string(), String::new())].into();
        for mut e in validate_labels(&probe, &format!("{f}.key")) {
            e.kind = super::ErrorType::Invalid(BadValue::Str(key.to_string()));
            errs.push(e);
        }
    }
    if let Ok(labels) = serde_json::from_value(at(sel, &["matchLabels"]).clone()) {
        errs.extend(validate_labels(&labels, &format!("{path}.matchLabels")));
    }
    errs
}

fn validate_network_policy(u: &Unstructured) -> Vec<FieldError> {
    let mut errs: Vec<FieldError> = validate_name(&u.metadata.name, true).into_iter().collect();
    errs.extend(validate_labels_and_annotations(&u.metadata));
    let spec = u.spec();
    errs.extend(validate_label_selector(
        at(spec, &["podSelector"]),
        "spec.podSelector",
    ));
    for (dir, peers) in [("ingress", "from"), ("egress", "to")] {
        for (i, rule) in list_at(spec, &[dir]).iter().enumerate() {
            let rule_path = format!("spec.{dir}[{i}]");
            for (j, port) in list_at(rule, &["ports"]).iter().enumerate() {
                errs.extend(validate_policy_port(
                    port,
                    &format!("{rule_path}.ports[{j}]"),
                ));
            }
            for (j, peer) in list_at(rule, &[peers]).iter().enumerate() {
                errs.extend(validate_peer(peer, &format!("{rule_path}.{peers}[{j}]")));
            }
        }
    }
    let types = list_at(spec, &["policyTypes"]);
    if types.len() > 2 {
        let list: Vec<String> = types
            .iter()
            .map(|t| format!("{:?}", t.as_str().unwrap_or("")))
            .collect();
        // `&spec.PolicyTypes`: field.Error prints what the pointer points to.
        errs.push(FieldError::invalid(
            "spec.policyTypes",
            BadValue::Raw(format!("[]networking.PolicyType{{{}}}", list.join(", "))),
            "may not specify more than two policyTypes",
        ));
        return errs;
    }
    for (i, t) in types.iter().enumerate() {
        let t = t.as_str().unwrap_or("");
        if t != "Ingress" && t != "Egress" {
            errs.push(FieldError::unsupported(
                format!("spec.policyTypes[{i}]"),
                t,
                &["Ingress", "Egress"],
            ));
        }
    }
    errs
}

fn validate_policy_port(port: &Value, path: &str) -> Vec<FieldError> {
    let mut errs = vec![];
    let proto = str_at(port, &["protocol"]);
    if !proto.is_empty() && !["TCP", "UDP", "SCTP"].contains(&proto) {
        errs.push(FieldError::unsupported(
            format!("{path}.protocol"),
            proto,
            &["TCP", "UDP", "SCTP"],
        ));
    }
    let end = at(port, &["endPort"]).as_i64();
    match at(port, &["port"]) {
        Value::Number(n) => {
            let p = n.as_i64().unwrap_or(0);
            if !(1..=65535).contains(&p) {
                errs.push(FieldError::invalid(
                    format!("{path}.port"),
                    BadValue::Int(p),
                    PORT_RANGE_MSG,
                ));
            }
            if let Some(e) = end {
                if e < p {
                    // The server reports `port`'s value here.
                    errs.push(FieldError::invalid(
                        format!("{path}.endPort"),
                        BadValue::Int(p),
                        "must be greater than or equal to `port`",
                    ));
                }
                if !(1..=65535).contains(&e) {
                    errs.push(FieldError::invalid(
                        format!("{path}.endPort"),
                        BadValue::Int(e),
                        PORT_RANGE_MSG,
                    ));
                }
            }
        }
        Value::String(name) => {
            if let Some(e) = end {
                errs.push(FieldError::invalid(
                    format!("{path}.endPort"),
                    BadValue::Int(e),
                    "may not be specified when `port` is non-numeric",
                ));
            }
            for msg in port_name_errors(name) {
                errs.push(FieldError::invalid(
                    format!("{path}.port"),
                    BadValue::Str(name.clone()),
                    msg,
                ));
            }
        }
        _ => {
            if let Some(e) = end {
                errs.push(FieldError::invalid(
                    format!("{path}.endPort"),
                    BadValue::Int(e),
                    "may not be specified when `port` is not specified",
                ));
            }
        }
    }
    errs
}

fn validate_peer(peer: &Value, path: &str) -> Vec<FieldError> {
    let mut errs = vec![];
    let mut kinds = 0;
    for (key, name) in [
        ("podSelector", "podSelector"),
        ("namespaceSelector", "namespaceSelector"),
    ] {
        if peer.get(key).is_some() {
            kinds += 1;
            errs.extend(validate_label_selector(
                at(peer, &[key]),
                &format!("{path}.{name}"),
            ));
        }
    }
    let block = peer.get("ipBlock");
    if let Some(b) = block {
        kinds += 1;
        errs.extend(validate_ip_block(b, &format!("{path}.ipBlock")));
    }
    if kinds == 0 {
        errs.push(FieldError::required(path, "must specify a peer"));
    } else if kinds > 1 && block.is_some() {
        errs.push(FieldError::forbidden(
            path,
            "may not specify both ipBlock and another peer",
        ));
    }
    errs
}

fn validate_ip_block(b: &Value, path: &str) -> Vec<FieldError> {
    let cidr = str_at(b, &["cidr"]);
    if cidr.is_empty() {
        return vec![FieldError::required(format!("{path}.cidr"), "")];
    }
    let Ok(net) = cidr.parse::<ipnet::IpNet>() else {
        return vec![FieldError::invalid(
            format!("{path}.cidr"),
            BadValue::Str(cidr.to_string()),
            "not a valid CIDR",
        )];
    };
    let mut errs = vec![];
    for (i, e) in list_at(b, &["except"]).iter().enumerate() {
        let text = e.as_str().unwrap_or("");
        let f = format!("{path}.except[{i}]");
        let Ok(except) = text.parse::<ipnet::IpNet>() else {
            errs.push(FieldError::invalid(
                f,
                BadValue::Str(text.to_string()),
                "not a valid CIDR",
            ));
            return errs;
        };
        if !net.contains(&except.network()) || net.prefix_len() >= except.prefix_len() {
            errs.push(FieldError::invalid(
                f,
                BadValue::Str(text.to_string()),
                "must be a strict subset of `cidr`",
            ));
        }
    }
    errs
}

fn host_errors(host: &str, path: &str) -> Vec<FieldError> {
    let mut errs = vec![];
    if host.parse::<std::net::IpAddr>().is_ok() {
        errs.push(FieldError::invalid(
            path,
            BadValue::Str(host.to_string()),
            "must be a DNS name, not an IP address",
        ));
    }
    if let Some(rest) = host.strip_prefix("*.") {
        if !super::is_dns1123_subdomain(rest) {
            errs.push(FieldError::invalid(
                path,
                BadValue::Str(host.to_string()),
                "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
            ));
        }
    } else if !super::is_dns1123_subdomain(host) {
        errs.push(FieldError::invalid(
            path,
            BadValue::Str(host.to_string()),
            DNS1123_SUBDOMAIN_MSG,
        ));
    }
    errs
}

fn validate_ingress(u: &Unstructured, create: bool) -> Vec<FieldError> {
    let mut errs: Vec<FieldError> = validate_name(&u.metadata.name, true).into_iter().collect();
    errs.extend(validate_labels_and_annotations(&u.metadata));
    let spec = u.spec();
    let rules = list_at(spec, &["rules"]);
    let default = spec.get("defaultBackend");
    if rules.is_empty() && default.is_none() {
        errs.push(FieldError::invalid(
            "spec",
            BadValue::Raw("[]networking.IngressRule(nil)".into()),
            "either `defaultBackend` or `rules` must be specified",
        ));
    }
    if let Some(d) = default {
        errs.extend(validate_backend(d, "spec.defaultBackend"));
    }
    for (i, rule) in rules.iter().enumerate() {
        let host = str_at(rule, &["host"]);
        if !host.is_empty() {
            errs.extend(host_errors(host, &format!("spec.rules[{i}].host")));
        }
        let Some(http) = rule.get("http") else {
            continue;
        };
        let path = format!("spec.rules[{i}].http");
        let paths = list_at(http, &["paths"]);
        if paths.is_empty() {
            errs.push(FieldError::required(format!("{path}.paths"), ""));
        }
        for (j, p) in paths.iter().enumerate() {
            errs.extend(validate_ingress_path(p, &format!("{path}.paths[{j}]")));
        }
    }
    for (i, tls) in list_at(spec, &["tls"]).iter().enumerate() {
        for (j, h) in list_at(tls, &["hosts"]).iter().enumerate() {
            let h = h.as_str().unwrap_or("");
            errs.extend(
                host_errors(h, &format!("spec.tls[{i}].hosts[{j}]"))
                    .into_iter()
                    .filter(|e| !e.detail.starts_with("must be a DNS name")),
            );
        }
    }
    let class = str_at(spec, &["ingressClassName"]);
    if spec.get("ingressClassName").is_some() && !super::is_dns1123_subdomain(class) {
        errs.push(FieldError::invalid(
            "spec.ingressClassName",
            BadValue::Str(class.to_string()),
            DNS1123_SUBDOMAIN_MSG,
        ));
    }
    if create {
        if let Some(a) = u.metadata.annotations.get("kubernetes.io/ingress.class") {
            if spec.get("ingressClassName").is_some() && a != class {
                errs.push(FieldError::invalid(
                    "annotations.kubernetes.io/ingress.class",
                    BadValue::Str(a.clone()),
                    "must match `ingressClassName` when both are specified",
                ));
            }
        }
    }
    errs
}

fn validate_ingress_path(p: &Value, path: &str) -> Vec<FieldError> {
    let mut errs = vec![];
    let Some(kind) = p.get("pathType").and_then(Value::as_str) else {
        return vec![FieldError::required(
            format!("{path}.pathType"),
            "pathType must be specified",
        )];
    };
    let value = str_at(p, &["path"]);
    match kind {
        "Exact" | "Prefix" => {
            if !value.starts_with('/') {
                errs.push(FieldError::invalid(
                    format!("{path}.path"),
                    BadValue::Str(value.to_string()),
                    "must be an absolute path",
                ));
            }
            for seq in ["//", "/./", "/../", "%2f", "%2F"] {
                if value.contains(seq) {
                    errs.push(FieldError::invalid(
                        format!("{path}.path"),
                        BadValue::Str(value.to_string()),
                        format!("must not contain '{seq}'"),
                    ));
                }
            }
            for suffix in ["/..", "/."] {
                if value.ends_with(suffix) {
                    errs.push(FieldError::invalid(
                        format!("{path}.path"),
                        BadValue::Str(value.to_string()),
                        format!("cannot end with '{suffix}'"),
                    ));
                }
            }
        }
        "ImplementationSpecific" => {
            if !value.is_empty() && !value.starts_with('/') {
                errs.push(FieldError::invalid(
                    format!("{path}.path"),
                    BadValue::Str(value.to_string()),
                    "must be an absolute path",
                ));
            }
        }
        other => errs.push(FieldError::unsupported(
            format!("{path}.pathType"),
            other,
            &["Exact", "ImplementationSpecific", "Prefix"],
        )),
    }
    errs.extend(validate_backend(
        at(p, &["backend"]),
        &format!("{path}.backend"),
    ));
    errs
}

fn validate_backend(b: &Value, path: &str) -> Vec<FieldError> {
    let service = b.get("service");
    let resource = b.get("resource");
    match (service, resource) {
        (Some(_), Some(_)) => vec![FieldError::invalid(
            path,
            BadValue::Str(String::new()),
            "cannot set both resource and service backends",
        )],
        (None, Some(r)) => {
            let mut errs = vec![];
            for key in ["kind", "name"] {
                if str_at(r, &[key]).is_empty() {
                    errs.push(FieldError::required(format!("{path}.resource.{key}"), ""));
                }
            }
            errs
        }
        (Some(s), None) => {
            let mut errs = vec![];
            let name = str_at(s, &["name"]);
            if name.is_empty() {
                errs.push(FieldError::required(format!("{path}.service.name"), ""));
            } else if name.len() > 63 {
                errs.push(FieldError::invalid(
                    format!("{path}.service.name"),
                    BadValue::Str(name.to_string()),
                    "must be no more than 63 characters",
                ));
            } else if !super::is_dns1035_label(name) {
                errs.push(FieldError::invalid(
                    format!("{path}.service.name"),
                    BadValue::Str(name.to_string()),
                    DNS1035_MSG,
                ));
            }
            let port_name = str_at(s, &["port", "name"]);
            let number = at(s, &["port", "number"]).as_i64().unwrap_or(0);
            if !port_name.is_empty() && number != 0 {
                errs.push(FieldError::invalid(
                    path,
                    BadValue::Str(String::new()),
                    "cannot set both port name & port number",
                ));
            } else if !port_name.is_empty() {
                for msg in port_name_errors(port_name) {
                    errs.push(FieldError::invalid(
                        format!("{path}.service.port.name"),
                        BadValue::Str(port_name.to_string()),
                        msg,
                    ));
                }
            } else if number != 0 {
                if !(1..=65535).contains(&number) {
                    errs.push(FieldError::invalid(
                        format!("{path}.service.port.number"),
                        BadValue::Int(number),
                        PORT_RANGE_MSG,
                    ));
                }
            } else {
                errs.push(FieldError::required(
                    path,
                    "port name or number is required",
                ));
            }
            errs
        }
        (None, None) => vec![FieldError::invalid(
            path,
            BadValue::Str(String::new()),
            "resource or service backend is required",
        )],
    }
}

fn validate_ingress_class(u: &Unstructured, old: Option<&Unstructured>) -> Vec<FieldError> {
    let mut errs: Vec<FieldError> = validate_name(&u.metadata.name, true).into_iter().collect();
    errs.extend(validate_labels_and_annotations(&u.metadata));
    let controller = str_at(u.spec(), &["controller"]);
    if let Some(o) = old {
        let was = str_at(o.spec(), &["controller"]);
        if was != controller {
            errs.push(FieldError::invalid(
                "spec.controller",
                BadValue::Str(controller.to_string()),
                "field is immutable",
            ));
        }
    }
    if controller.is_empty() {
        errs.push(FieldError::required("spec.controller", ""));
    } else if controller.len() > 250 {
        errs.push(FieldError::too_long("spec.controller", 250));
    } else if !is_domain_prefixed_path(controller) {
        errs.push(FieldError::invalid(
            "spec.controller",
            BadValue::Str(controller.to_string()),
            "must be a domain-prefixed path (such as \"acme.io/foo\")",
        ));
    }
    errs
}

/// `IsDomainPrefixedPath`: a DNS subdomain, `/`, and a path.
fn is_domain_prefixed_path(s: &str) -> bool {
    match s.split_once('/') {
        Some((host, path)) => super::is_dns1123_subdomain(host) && !path.is_empty(),
        None => false,
    }
}

/// What the Gateway API's CRDs default: the status a controller has not
/// written yet, a route's parents and backends, a rule's path, a
/// listener's allowed routes.
fn default_gateway_api(u: &mut Unstructured, create: bool) {
    let pending = |kind: &str| {
        json!({"lastTransitionTime": "1970-01-01T00:00:00Z", "message": "Waiting for controller",
               "reason": "Pending", "status": "Unknown", "type": kind})
    };
    if create {
        match u.kind {
            "GatewayClass" => {
                u.body.insert(
                    "status".into(),
                    json!({"conditions": [pending("Accepted")]}),
                );
            }
            "Gateway" => {
                u.body.insert(
                    "status".into(),
                    json!({"conditions": [pending("Accepted"), pending("Programmed")]}),
                );
            }
            _ => {}
        }
    }
    let spec = spec_mut(&mut u.body);
    let each =
        |spec: &mut Map<String, Value>, key: &str, f: &mut dyn FnMut(&mut Map<String, Value>)| {
            for item in spec
                .get_mut(key)
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
            {
                if let Some(m) = item.as_object_mut() {
                    f(m);
                }
            }
        };
    match u.kind {
        "Gateway" => each(spec, "listeners", &mut |l| {
            let routes = l
                .entry("allowedRoutes")
                .or_insert_with(|| json!({"namespaces": {"from": "Same"}}));
            if let Some(r) = routes.as_object_mut() {
                let ns = r
                    .entry("namespaces")
                    .or_insert_with(|| json!({"from": "Same"}));
                if let Some(ns) = ns.as_object_mut() {
                    ns.entry("from").or_insert_with(|| json!("Same"));
                }
            }
        }),
        "HTTPRoute" => {
            each(spec, "parentRefs", &mut |p| {
                p.entry("group")
                    .or_insert_with(|| json!("gateway.networking.k8s.io"));
                p.entry("kind").or_insert_with(|| json!("Gateway"));
            });
            let rules = spec.entry("rules").or_insert_with(
                || json!([{"matches": [{"path": {"type": "PathPrefix", "value": "/"}}]}]),
            );
            for rule in rules.as_array_mut().into_iter().flatten() {
                let Some(rule) = rule.as_object_mut() else {
                    continue;
                };
                let matches = rule
                    .entry("matches")
                    .or_insert_with(|| json!([{"path": {"type": "PathPrefix", "value": "/"}}]));
                for m in matches.as_array_mut().into_iter().flatten() {
                    let Some(m) = m.as_object_mut() else { continue };
                    let path = m
                        .entry("path")
                        .or_insert_with(|| json!({"type": "PathPrefix", "value": "/"}));
                    if let Some(p) = path.as_object_mut() {
                        p.entry("type").or_insert_with(|| json!("PathPrefix"));
                        p.entry("value").or_insert_with(|| json!("/"));
                    }
                    for key in ["headers", "queryParams"] {
                        for h in m
                            .get_mut(key)
                            .and_then(Value::as_array_mut)
                            .into_iter()
                            .flatten()
                        {
                            if let Some(h) = h.as_object_mut() {
                                h.entry("type").or_insert_with(|| json!("Exact"));
                            }
                        }
                    }
                }
                each(rule, "backendRefs", &mut |b| {
                    b.entry("group").or_insert_with(|| json!(""));
                    b.entry("kind").or_insert_with(|| json!("Service"));
                    b.entry("weight").or_insert_with(|| json!(1));
                });
            }
        }
        _ => {}
    }
}

/// The CEL rules of the Gateway API's CRDs that a lesson can meet.
/// An HTTPRoute's matches, over all its rules: the CRD's CEL rule allows
/// 128 (its message says "less than", its rule `<= 128`).
pub const MAX_ROUTE_MATCHES: usize = 128;

fn validate_gateway_api(u: &Unstructured) -> Vec<FieldError> {
    let mut errs: Vec<FieldError> = validate_name(&u.metadata.name, true).into_iter().collect();
    errs.extend(validate_labels_and_annotations(&u.metadata));
    let spec = u.spec();
    let cel = |path: String, msg: &str| {
        FieldError::invalid(path, BadValue::Str("object".into()), msg.to_string())
    };
    match u.kind {
        "Gateway" => {
            let listeners = list_at(spec, &["listeners"]);
            let names: Vec<_> = listeners
                .iter()
                .map(|l| Some(str_at(l, &["name"])))
                .collect();
            if crate::map::repeats(&names).contains(&true) {
                errs.push(FieldError::invalid(
                    "spec.listeners",
                    BadValue::Str("array".into()),
                    "Listener name must be unique within the Gateway",
                ));
            }
            for l in listeners {
                let proto = str_at(l, &["protocol"]);
                if ["HTTP", "TCP", "UDP"].contains(&proto) && l.get("tls").is_some() {
                    errs.push(FieldError::invalid(
                        "spec.listeners",
                        BadValue::Str("array".into()),
                        "tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']",
                    ));
                    break;
                }
            }
        }
        "HTTPRoute" => {
            for (i, h) in list_at(spec, &["hostnames"]).iter().enumerate() {
                let h = h.as_str().unwrap_or("");
                if !crate::cluster::schema::is_gateway_hostname(h) {
                    errs.push(FieldError::invalid(
                        format!("spec.hostnames[{i}]"),
                        BadValue::Str(h.to_string()),
                        format!(
                            "spec.hostnames[{i}] in body should match '{}'",
                            crate::cluster::schema::HOSTNAME_PATTERN
                        ),
                    ));
                }
            }
            let rules = list_at(spec, &["rules"]);
            // The CRD's bound on a route's matches, which also bounds the
            // routers Traefik makes of it.
            let matches: usize = rules.iter().map(|r| list_at(r, &["matches"]).len()).sum();
            if matches > MAX_ROUTE_MATCHES {
                errs.push(FieldError::invalid(
                    "spec.rules",
                    BadValue::Str("array".into()),
                    "While 16 rules and 64 matches per rule are allowed, the total number of matches across all rules in a route must be less than 128",
                ));
            }
            for (i, rule) in rules.iter().enumerate() {
                for (j, m) in list_at(rule, &["matches"]).iter().enumerate() {
                    let path = at(m, &["path"]);
                    let kind = str_at(path, &["type"]);
                    let value = str_at(path, &["value"]);
                    if kind != "Exact" && kind != "PathPrefix" {
                        continue;
                    }
                    let p = format!("spec.rules[{i}].matches[{j}].path");
                    if !value.starts_with('/') {
                        errs.push(cel(
                            p.clone(),
                            "value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']",
                        ));
                    }
                    for seq in ["//", "/./", "/../", "%2f", "%2F", "#"] {
                        if value.contains(seq) {
                            errs.push(cel(
                                p.clone(),
                                &format!("must not contain '{seq}' when type one of ['Exact', 'PathPrefix']"),
                            ));
                        }
                    }
                }
                for (j, f) in list_at(rule, &["filters"]).iter().enumerate() {
                    let kind = str_at(f, &["type"]);
                    let field = match kind {
                        "RequestHeaderModifier" => "requestHeaderModifier",
                        "ResponseHeaderModifier" => "responseHeaderModifier",
                        "RequestRedirect" => "requestRedirect",
                        "URLRewrite" => "urlRewrite",
                        "RequestMirror" => "requestMirror",
                        "ExtensionRef" => "extensionRef",
                        _ => continue,
                    };
                    if f.get(field).is_none() {
                        errs.push(cel(
                            format!("spec.rules[{i}].filters[{j}]"),
                            &format!("filter.{field} must be specified for {kind} filter.type"),
                        ));
                    }
                }
                let filters = list_at(rule, &["filters"]);
                let has = |k: &str| filters.iter().any(|f| str_at(f, &["type"]) == k);
                if has("RequestRedirect") && has("URLRewrite") {
                    errs.push(cel(
                        format!("spec.rules[{i}].filters"),
                        "May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both",
                    ));
                }
                for (j, b) in list_at(rule, &["backendRefs"]).iter().enumerate() {
                    let core_service =
                        str_at(b, &["group"]).is_empty() && str_at(b, &["kind"]) == "Service";
                    if core_service && b.get("port").is_none() {
                        errs.push(cel(
                            format!("spec.rules[{i}].backendRefs[{j}]"),
                            "Must have port for Service reference",
                        ));
                    }
                }
            }
        }
        _ => {}
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(spec: Value) -> Unstructured {
        let mut u = Unstructured {
            kind: "NetworkPolicy",
            api_version: "networking.k8s.io/v1".into(),
            ..Default::default()
        };
        u.metadata.name = "p".into();
        u.body.insert("spec".into(), spec);
        u
    }

    fn messages(errs: &[FieldError]) -> Vec<String> {
        errs.iter().map(|e| e.to_string()).collect()
    }

    #[test]
    fn a_policy_is_defaulted_as_the_server_does() {
        let mut u = policy(json!({"egress": [{"ports": [{"port": 53}]}]}));
        assert!(admit(&mut u, None).is_empty());
        assert_eq!(u.spec()["policyTypes"], json!(["Ingress", "Egress"]));
        assert_eq!(u.spec()["egress"][0]["ports"][0]["protocol"], "TCP");
        assert_eq!(u.spec()["podSelector"], json!({}));
    }

    #[test]
    fn policy_messages_are_the_api_servers() {
        let mut u = policy(json!({
            "ingress": [{"from": [{}, {"ipBlock": {"cidr": "10.0.0.0/8", "except": ["10.0.0.0/8"]}, "podSelector": {}}],
                         "ports": [{"protocol": "ICMP", "port": "http", "endPort": 90}]}],
            "policyTypes": ["Ingress", "egress"]
        }));
        assert_eq!(
            messages(&admit(&mut u, None)),
            [
                "spec.ingress[0].ports[0].protocol: Unsupported value: \"ICMP\": supported values: \"TCP\", \"UDP\", \"SCTP\"",
                "spec.ingress[0].ports[0].endPort: Invalid value: 90: may not be specified when `port` is non-numeric",
                "spec.ingress[0].from[0]: Required value: must specify a peer",
                "spec.ingress[0].from[1].ipBlock.except[0]: Invalid value: \"10.0.0.0/8\": must be a strict subset of `cidr`",
                "spec.ingress[0].from[1]: Forbidden: may not specify both ipBlock and another peer",
                "spec.policyTypes[1]: Unsupported value: \"egress\": supported values: \"Ingress\", \"Egress\"",
            ]
        );
    }
    #[test]
    fn a_route_has_at_most_128_matches() {
        let route = |matches: usize| {
            let mut u = Unstructured {
                kind: "HTTPRoute",
                api_version: "gateway.networking.k8s.io/v1".into(),
                ..Default::default()
            };
            u.metadata.name = "r".into();
            let rule = |n: usize| json!({"matches": vec![json!({"path": {"type": "PathPrefix", "value": "/a"}}); n]});
            let rules: Vec<Value> = (0..matches.div_ceil(64))
                .map(|i| rule((matches - 64 * i).min(64)))
                .collect();
            u.body.insert("spec".into(), json!({"rules": rules}));
            messages(&admit(&mut u, None))
        };
        assert!(route(128).is_empty());
        assert_eq!(
            route(129),
            ["spec.rules: Invalid value: \"array\": While 16 rules and 64 matches per rule are allowed, the total number of matches across all rules in a route must be less than 128"]
        );
    }

    #[test]
    fn a_route_gets_the_crds_defaults() {
        let mut u = Unstructured {
            kind: "HTTPRoute",
            api_version: "gateway.networking.k8s.io/v1".into(),
            ..Default::default()
        };
        u.metadata.name = "r".into();
        u.body.insert(
            "spec".into(),
            json!({"parentRefs": [{"name": "gw"}], "rules": [{"backendRefs": [{"name": "web", "port": 80}]}]}),
        );
        assert!(admit(&mut u, None).is_empty());
        assert_eq!(
            u.spec()["rules"][0],
            json!({"backendRefs": [{"group": "", "kind": "Service", "name": "web", "port": 80, "weight": 1}],
                   "matches": [{"path": {"type": "PathPrefix", "value": "/"}}]})
        );
        assert_eq!(u.spec()["parentRefs"][0]["kind"], "Gateway");
    }
}
