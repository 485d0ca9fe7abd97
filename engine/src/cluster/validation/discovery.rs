//! `ValidateEndpoints` (core) and `ValidateEndpointSlice` (discovery.k8s.io).

use super::*;
use crate::cluster::objects::{EndpointSlice, Endpoints};
use std::net::Ipv4Addr;

const SUPPORTED_PROTOCOLS: [&str; 3] = ["SCTP", "TCP", "UDP"];

/// `ValidateEndpointIP`: the address may not be special.
fn endpoint_ip(ip: Ipv4Addr, value: &str, field: &str) -> Vec<FieldError> {
    let mut errs = vec![];
    let bad = |d: String| FieldError::invalid(field, BadValue::Str(value.to_string()), d);
    if ip.is_unspecified() {
        errs.push(bad(format!("may not be unspecified ({value})")));
    }
    if ip.is_loopback() {
        errs.push(bad(
            "may not be in the loopback range (127.0.0.0/8, ::1/128)".into(),
        ));
    }
    if ip.is_link_local() {
        errs.push(bad(
            "may not be in the link-local range (169.254.0.0/16, fe80::/10)".into(),
        ));
    }
    let o = ip.octets();
    if o[0] == 224 && o[1] == 0 && o[2] == 0 {
        errs.push(bad(
            "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)".into(),
        ));
    }
    errs
}

fn port_checks(
    errs: &mut Vec<FieldError>,
    f: &str,
    name: &str,
    port: Option<i32>,
    protocol: Option<&str>,
    required_name: bool,
) {
    if name.is_empty() {
        if required_name {
            errs.push(FieldError::required(format!("{f}.name"), ""));
        }
    } else if !is_dns1123_label(name) {
        errs.push(FieldError::invalid(
            format!("{f}.name"),
            BadValue::Str(name.to_string()),
            DNS1123_LABEL_MSG,
        ));
    }
    if let Some(p) = port {
        if !(1..=65535).contains(&p) {
            errs.push(FieldError::invalid(
                format!("{f}.port"),
                BadValue::Int(p.into()),
                PORT_RANGE_MSG,
            ));
        }
    }
    match protocol {
        None | Some("") => errs.push(FieldError::required(format!("{f}.protocol"), "")),
        Some(p) if !SUPPORTED_PROTOCOLS.contains(&p) => errs.push(FieldError::unsupported(
            format!("{f}.protocol"),
            p,
            &SUPPORTED_PROTOCOLS,
        )),
        _ => {}
    }
}

/// v1 Endpoints: addresses that are IPs and not special, host names that
/// are DNS labels, named ports when there are several.
pub fn validate_endpoints(ep: &Endpoints) -> Vec<FieldError> {
    let mut errs = vec![];
    if let Some(e) = validate_name(&ep.metadata.name, true) {
        errs.push(e);
    }
    errs.extend(validate_labels_and_annotations(&ep.metadata));
    for (i, subset) in ep.subsets.iter().enumerate() {
        let f = format!("subsets[{i}]");
        if subset.addresses.is_empty() && subset.not_ready_addresses.is_empty() {
            errs.push(FieldError::required(
                f.clone(),
                "must specify `addresses` or `notReadyAddresses`",
            ));
        }
        if subset.ports.is_empty() {
            errs.push(FieldError::required(format!("{f}.ports"), ""));
        }
        for (list, key) in [
            (&subset.addresses, "addresses"),
            (&subset.not_ready_addresses, "notReadyAddresses"),
        ] {
            for (j, a) in list.iter().enumerate() {
                let af = format!("{f}.{key}[{j}]");
                match a.ip.parse::<Ipv4Addr>() {
                    Ok(ip) => errs.extend(endpoint_ip(ip, &a.ip, &format!("{af}.ip"))),
                    Err(_) => errs.push(FieldError::invalid(
                        format!("{af}.ip"),
                        BadValue::Str(a.ip.clone()),
                        "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
                    )),
                }
                if let Some(h) = a.hostname.as_deref().filter(|h| !h.is_empty()) {
                    if !is_dns1123_label(h) {
                        errs.push(FieldError::invalid(
                            format!("{af}.hostname"),
                            BadValue::Str(h.to_string()),
                            DNS1123_LABEL_MSG,
                        ));
                    }
                }
                if let Some(n) = a.node_name.as_deref().filter(|n| !n.is_empty()) {
                    if !is_dns1123_subdomain(n) {
                        errs.push(FieldError::invalid(
                            format!("{af}.nodeName"),
                            BadValue::Str(n.to_string()),
                            DNS1123_SUBDOMAIN_MSG,
                        ));
                    }
                }
            }
        }
        for (j, p) in subset.ports.iter().enumerate() {
            port_checks(
                &mut errs,
                &format!("{f}.ports[{j}]"),
                &p.name,
                Some(p.port),
                p.protocol.as_deref(),
                subset.ports.len() > 1,
            );
        }
    }
    errs
}

const ADDRESS_TYPES: [&str; 3] = ["FQDN", "IPv4", "IPv6"];

/// discovery.k8s.io/v1 EndpointSlice: an address type, 1 to 100
/// addresses per endpoint of that type, valid ports.
pub fn validate_endpoint_slice(slice: &EndpointSlice) -> Vec<FieldError> {
    let mut errs = vec![];
    if let Some(e) = validate_name(&slice.metadata.name, true) {
        errs.push(e);
    }
    errs.extend(validate_labels_and_annotations(&slice.metadata));
    let ty = slice.address_type.as_str();
    if ty.is_empty() {
        errs.push(FieldError::required("addressType", ""));
    } else if !ADDRESS_TYPES.contains(&ty) {
        errs.push(FieldError::unsupported("addressType", ty, &ADDRESS_TYPES));
    }
    for (i, ep) in slice.endpoints().iter().enumerate() {
        let f = format!("endpoints[{i}].addresses");
        if ep.addresses.is_empty() {
            errs.push(FieldError::required(
                f.clone(),
                "must contain at least 1 address",
            ));
        } else if ep.addresses.len() > 100 {
            errs.push(FieldError::invalid(
                f.clone(),
                BadValue::Int(ep.addresses.len() as i64),
                "must have at most 100 items",
            ));
        }
        for (j, a) in ep.addresses.iter().enumerate() {
            if ty == "IPv4" {
                match a.parse::<Ipv4Addr>() {
                    Ok(ip) => errs.extend(endpoint_ip(ip, a, &format!("{f}[{j}]"))),
                    Err(_) => errs.push(FieldError::invalid(
                        format!("{f}[{j}]"),
                        BadValue::Str(a.clone()),
                        "must be a valid IPv4 address",
                    )),
                }
            }
        }
        if let Some(h) = ep.hostname.as_deref() {
            if !is_dns1123_label(h) {
                errs.push(FieldError::invalid(
                    format!("endpoints[{i}].hostname"),
                    BadValue::Str(h.to_string()),
                    DNS1123_LABEL_MSG,
                ));
            }
        }
        if let Some(n) = ep.node_name.as_deref() {
            if !is_dns1123_subdomain(n) {
                errs.push(FieldError::invalid(
                    format!("endpoints[{i}].nodeName"),
                    BadValue::Str(n.to_string()),
                    DNS1123_SUBDOMAIN_MSG,
                ));
            }
        }
    }
    let names: Vec<Option<&str>> = slice
        .ports()
        .iter()
        .map(|p| Some(p.name.as_deref().unwrap_or("")))
        .collect();
    let repeated = crate::map::repeats(&names);
    for (i, p) in slice.ports().iter().enumerate() {
        let f = format!("ports[{i}]");
        let name = p.name.as_deref().unwrap_or("");
        port_checks(&mut errs, &f, name, p.port, p.protocol.as_deref(), false);
        if repeated[i] {
            errs.push(FieldError::duplicate(
                format!("{f}.name"),
                BadValue::Str(name.to_string()),
            ));
        }
    }
    errs
}
