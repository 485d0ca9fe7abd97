//! `ValidateService`: every rule, in the API server's order, with its messages.

use super::*;
use crate::cluster::objects::{IntOrString, Service};

/// Go's `%#v` of the duplicate check's key, as Kubernetes 1.31 prints it
/// in a Duplicate value error: `core.ServicePort{Protocol: p.Protocol,
/// Port: p.Port}`, every other field at its zero value.
fn go_service_port(p: &crate::cluster::objects::ServicePort) -> String {
    format!(
        "core.ServicePort{{Name:\"\", Protocol:{:?}, AppProtocol:(*string)(nil), Port:{}, TargetPort:intstr.IntOrString{{Type:0, IntVal:0, StrVal:\"\"}}, NodePort:0}}",
        p.protocol.as_deref().unwrap_or("TCP"),
        p.port,
    )
}

/// The annotation cloud providers read source ranges from, when
/// `spec.loadBalancerSourceRanges` is empty.
pub const SOURCE_RANGES_ANNOTATION: &str = "service.beta.kubernetes.io/load-balancer-source-ranges";

pub const SERVICE_TYPES: [&str; 4] = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];

/// `loadBalancerSourceRanges`, or when it is empty the annotation of the
/// same meaning: only on LoadBalancers, and every entry a CIDR (entries may
/// be space-padded, a historical accident the server still allows).
fn source_ranges(svc: &Service) -> Vec<FieldError> {
    let mut errs = vec![];
    let lb = svc.type_name() == "LoadBalancer";
    let ranges = &svc.spec.load_balancer_source_ranges;
    let forbidden = "may only be used when `type` is 'LoadBalancer'";
    if !ranges.is_empty() {
        let f = "spec.LoadBalancerSourceRanges";
        if !lb {
            errs.push(FieldError::forbidden(f, forbidden));
        }
        for (i, value) in ranges.iter().enumerate() {
            let value = value.trim();
            if !is_cidr(value) {
                errs.push(FieldError::invalid(
                    format!("{f}[{i}]"),
                    BadValue::Str(value.to_string()),
                    CIDR_MSG,
                ));
            }
        }
    } else if let Some(val) = svc.metadata.annotations.get(SOURCE_RANGES_ANNOTATION) {
        let f = format!("metadata.annotations[{SOURCE_RANGES_ANNOTATION}]");
        if !lb {
            errs.push(FieldError::forbidden(f.clone(), forbidden));
        }
        let val = val.trim();
        if !val.is_empty() {
            for value in val.split(',').map(str::trim) {
                if !is_cidr(value) {
                    errs.push(FieldError::invalid(
                        f.clone(),
                        BadValue::Str(value.to_string()),
                        CIDR_MSG,
                    ));
                }
            }
        }
    }
    errs
}

/// The ranges a LoadBalancer admits: `spec.loadBalancerSourceRanges`, else
/// the annotation (`GetLoadBalancerSourceRanges`); empty means everyone.
pub fn load_balancer_source_ranges(svc: &Service) -> Vec<ipnet::Ipv4Net> {
    let ranges: Vec<String> = if !svc.spec.load_balancer_source_ranges.is_empty() {
        svc.spec.load_balancer_source_ranges.clone()
    } else {
        svc.metadata
            .annotations
            .get(SOURCE_RANGES_ANNOTATION)
            .map(|v| v.split(',').map(str::to_string).collect())
            .unwrap_or_default()
    };
    ranges
        .iter()
        .filter_map(|r| r.trim().parse().ok())
        .collect()
}

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
    errs.extend(validate_annotations(
        &svc.metadata.annotations,
        "metadata.annotations",
    ));

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

    let named: Vec<Option<&str>> = spec
        .ports
        .iter()
        .map(|p| (!p.name.is_empty()).then_some(p.name.as_str()))
        .collect();
    let repeated_name = crate::map::repeats(&named);
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
            if repeated_name[i] {
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
        if let Some(app) = &p.app_protocol {
            for d in qualified_name_errors(app) {
                errs.push(FieldError::invalid(
                    format!("{f}.appProtocol"),
                    BadValue::Str(app.clone()),
                    d,
                ));
            }
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
    let proto = |p: &crate::cluster::objects::ServicePort| {
        p.protocol.clone().unwrap_or_else(|| "TCP".into())
    };
    let node_ports: Vec<_> = spec
        .ports
        .iter()
        .map(|p| p.node_port.filter(|n| *n != 0).map(|np| (proto(p), np)))
        .collect();
    let ports: Vec<_> = spec
        .ports
        .iter()
        .map(|p| Some((proto(p), p.port)))
        .collect();
    let (repeated_np, repeated_port) = (
        crate::map::repeats(&node_ports),
        crate::map::repeats(&ports),
    );
    for (i, p) in spec.ports.iter().enumerate() {
        if let Some(np) = p.node_port.filter(|n| *n != 0) {
            if repeated_np[i] {
                errs.push(FieldError::duplicate(
                    format!("spec.ports[{i}].nodePort"),
                    BadValue::Int(np.into()),
                ));
            }
        }
        if repeated_port[i] {
            errs.push(FieldError::duplicate(
                format!("spec.ports[{i}]"),
                BadValue::Raw(go_service_port(p)),
            ));
        }
    }
    errs.extend(source_ranges(svc));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::objects::{IntOrString, ServicePort, ServiceSpec};

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
        assert!(e.iter().any(|x| x.to_string() == "spec.ports[1]: Duplicate value: core.ServicePort{Name:\"\", Protocol:\"TCP\", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}"), "{e:?}");
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
