//! What the Service registry allocates before validation: the ClusterIP,
//! the NodePorts and, for an `externalTrafficPolicy: Local` LoadBalancer,
//! the health-check NodePort. An allocation error is the only error the
//! client sees.

use super::api_error::{ApiError, Reason};
use super::objects::*;
use super::validation::{BadValue, FieldError};
use super::{Cluster, Key, NODE_PORT_RANGE, SERVICE_CIDR};
use ipnet::Ipv4Net;
use std::net::Ipv4Addr;

fn service_cidr() -> Ipv4Net {
    SERVICE_CIDR.parse().expect("literal CIDR")
}

fn go_string_slice(v: &[String]) -> String {
    format!(
        "[]string{{{}}}",
        v.iter()
            .map(|s| format!("{s:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

impl Cluster {
    fn used_cluster_ips(&self, except: Option<&Key>) -> Vec<Ipv4Addr> {
        self.services
            .iter()
            .filter(|(k, _)| Some(*k) != except)
            .filter_map(|(_, s)| s.spec.cluster_ip.as_deref().and_then(|i| i.parse().ok()))
            .collect()
    }

    fn used_node_ports(&self, except: Option<&Key>) -> Vec<i32> {
        self.services
            .iter()
            .filter(|(k, _)| Some(*k) != except)
            .flat_map(|(_, s)| {
                s.spec
                    .ports
                    .iter()
                    .filter_map(|p| p.node_port)
                    .chain(s.spec.health_check_node_port)
            })
            .collect()
    }

    /// Allocation, before validation: the ClusterIP, then the NodePorts. An
    /// allocation error is the only error the client sees.
    /// The ClusterIP, then the NodePorts, then the health-check NodePort.
    pub(super) fn allocate(
        &mut self,
        svc: &mut Service,
        key: &Key,
        old: Option<&Service>,
    ) -> Result<(), ApiError> {
        self.allocate_addresses(svc, key, old)?;
        self.allocate_health_check(svc, key, old)
    }

    /// `healthCheckNodePort`: needed by a LoadBalancer with
    /// `externalTrafficPolicy: Local` (kept from `old`, or the one asked
    /// for, or a free one of the range); released otherwise.
    fn allocate_health_check(
        &mut self,
        svc: &mut Service,
        key: &Key,
        old: Option<&Service>,
    ) -> Result<(), ApiError> {
        let needs = svc.type_name() == "LoadBalancer"
            && svc.spec.external_traffic_policy.as_deref() == Some("Local");
        let requested = svc.spec.health_check_node_port.filter(|p| *p != 0);
        if !needs {
            // A port the server gave is released with the need for it; one
            // asked for stays, for validation to refuse.
            let given = old.and_then(|o| o.spec.health_check_node_port);
            if requested.is_some() && requested == given {
                svc.spec.health_check_node_port = None;
            }
            return Ok(());
        }
        let name = svc.metadata.name.clone();
        let kept = old
            .and_then(|o| o.spec.health_check_node_port)
            .filter(|p| *p != 0);
        if let (Some(r), Some(k)) = (requested, kept) {
            if r != k {
                return Err(ApiError::invalid(
                    "Service",
                    &name,
                    vec![FieldError::forbidden(
                        "spec.healthCheckNodePort",
                        "field is immutable",
                    )],
                ));
            }
        }
        let mut used = self.used_node_ports(Some(key));
        used.extend(svc.spec.ports.iter().filter_map(|p| p.node_port));
        let port = match requested.or(kept) {
            Some(p) => {
                let detail = if !(NODE_PORT_RANGE.0..=NODE_PORT_RANGE.1).contains(&p) {
                    Some(format!(
                        "provided port is not in the valid range. The range of valid ports is {}-{}",
                        NODE_PORT_RANGE.0, NODE_PORT_RANGE.1
                    ))
                } else if used.contains(&p) {
                    Some("provided port is already allocated".to_string())
                } else {
                    None
                };
                if let Some(d) = detail {
                    return Err(ApiError::invalid(
                        "Service",
                        &name,
                        vec![FieldError::invalid(
                            "spec.healthCheckNodePort",
                            BadValue::Int(p.into()),
                            d,
                        )],
                    ));
                }
                p
            }
            None => self.free_node_port(&used).ok_or_else(|| ApiError {
                reason: Reason::InternalError,
                message: "failed to allocate a nodePort: range is full".into(),
                kind: "Service".into(),
                name: name.clone(),
                causes: vec![],
                patch: None,
            })?,
        };
        svc.spec.health_check_node_port = Some(port);
        Ok(())
    }

    /// A random free port of the upper band of the NodePort range: since
    /// v1.29 dynamic allocation leaves the lowest 86 for static choices.
    fn free_node_port(&mut self, used: &[i32]) -> Option<i32> {
        let lo = NODE_PORT_RANGE.0 + 86;
        (0..256).find_map(|_| {
            let n = self
                .rng
                .range_inclusive(lo as u64, NODE_PORT_RANGE.1 as u64) as i32;
            (!used.contains(&n)).then_some(n)
        })
    }

    fn allocate_addresses(
        &mut self,
        svc: &mut Service,
        key: &Key,
        old: Option<&Service>,
    ) -> Result<(), ApiError> {
        let name = svc.metadata.name.clone();
        let ty = svc.type_name().to_string();
        if ty == "ExternalName" {
            if svc
                .spec
                .cluster_ip
                .as_deref()
                .is_some_and(|c| !c.is_empty())
            {
                return Err(ApiError::invalid(
                    "Service",
                    &name,
                    vec![FieldError::forbidden(
                        "spec.clusterIPs",
                        "may not be set for ExternalName services",
                    )],
                ));
            }
            svc.spec.cluster_ip = None;
            svc.spec.cluster_ips.clear();
            svc.spec.ip_families.clear();
            svc.spec.ip_family_policy = None;
            return Ok(());
        }
        // ClusterIP.
        let requested = svc.spec.cluster_ip.clone().filter(|c| !c.is_empty());
        match (&requested, old.and_then(|o| o.spec.cluster_ip.clone())) {
            (Some(r), Some(o)) if *r != o => {
                return Err(ApiError::invalid(
                    "Service",
                    &name,
                    vec![FieldError::invalid(
                        "spec.clusterIPs[0]",
                        BadValue::Raw(go_string_slice(std::slice::from_ref(r))),
                        "may not change once set",
                    )],
                ));
            }
            (None, Some(o)) => svc.spec.cluster_ip = Some(o),
            (Some(r), None) if r != "None" => {
                let ip: Ipv4Addr = r.parse().map_err(|_| {
                    ApiError::invalid(
                        "Service",
                        &name,
                        vec![FieldError::invalid(
                            "spec.clusterIPs[0]",
                            BadValue::Str(r.clone()),
                            "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
                        )],
                    )
                })?;
                let cidr = service_cidr();
                let detail = if !cidr.contains(&ip)
                    || ip == cidr.network()
                    || ip == cidr.broadcast()
                {
                    Some(format!(
                        "failed to allocate IP {ip}: provided IP is not in the valid range. The range of valid IPs is {SERVICE_CIDR}"
                    ))
                } else if self.used_cluster_ips(Some(key)).contains(&ip) {
                    Some(format!(
                        "failed to allocate IP {ip}: provided IP is already allocated"
                    ))
                } else {
                    None
                };
                if let Some(d) = detail {
                    return Err(ApiError::invalid(
                        "Service",
                        &name,
                        vec![FieldError::invalid(
                            "spec.clusterIPs",
                            BadValue::Raw(go_string_slice(std::slice::from_ref(r))),
                            d,
                        )],
                    ));
                }
            }
            (Some(_), _) => {}
            (None, None) => {
                let cidr = service_cidr();
                let used = self.used_cluster_ips(Some(key));
                let size = 1u64 << (32 - cidr.prefix_len());
                let base = u32::from(cidr.network());
                let mut chosen = None;
                for _ in 0..64 {
                    let off = self.rng.range_inclusive(2, size - 2) as u32;
                    let ip = Ipv4Addr::from(base + off);
                    if !used.contains(&ip) {
                        chosen = Some(ip);
                        break;
                    }
                }
                match chosen {
                    Some(ip) => svc.spec.cluster_ip = Some(ip.to_string()),
                    None => {
                        return Err(ApiError {
                            reason: Reason::InternalError,
                            message: "failed to allocate a serviceIP: range is full".into(),
                            kind: "Service".into(),
                            name,
                            causes: vec![],
                            patch: None,
                        })
                    }
                }
            }
        }
        svc.spec.cluster_ips = svc.spec.cluster_ip.iter().cloned().collect();

        // NodePorts.
        let wants_node_ports = ty == "NodePort"
            || (ty == "LoadBalancer" && svc.spec.allocate_load_balancer_node_ports != Some(false));
        if !wants_node_ports {
            // Changing to ClusterIP releases the ports the server allocated.
            if ty == "ClusterIP" {
                if let Some(o) = old {
                    for p in &mut svc.spec.ports {
                        let was = o
                            .spec
                            .ports
                            .iter()
                            .find(|op| op.port == p.port)
                            .and_then(|op| op.node_port);
                        if p.node_port.is_some() && p.node_port == was {
                            p.node_port = None;
                        }
                    }
                }
            }
            return Ok(());
        }
        let mut used = self.used_node_ports(Some(key));
        for i in 0..svc.spec.ports.len() {
            let port = svc.spec.ports[i].clone();
            let requested = port.node_port.filter(|n| *n != 0).or_else(|| {
                old.and_then(|o| {
                    o.spec
                        .ports
                        .iter()
                        .find(|op| op.port == port.port && op.protocol == port.protocol)
                        .and_then(|op| op.node_port)
                })
            });
            let np = match requested {
                Some(n) => {
                    let detail = if !(NODE_PORT_RANGE.0..=NODE_PORT_RANGE.1).contains(&n) {
                        Some(format!(
                            "provided port is not in the valid range. The range of valid ports is {}-{}",
                            NODE_PORT_RANGE.0, NODE_PORT_RANGE.1
                        ))
                    } else if used.contains(&n) {
                        Some("provided port is already allocated".to_string())
                    } else {
                        None
                    };
                    if let Some(d) = detail {
                        return Err(ApiError::invalid(
                            "Service",
                            &name,
                            vec![FieldError::invalid(
                                format!("spec.ports[{i}].nodePort"),
                                BadValue::Int(n.into()),
                                d,
                            )],
                        ));
                    }
                    n
                }
                None => self.free_node_port(&used).ok_or_else(|| ApiError {
                    reason: Reason::InternalError,
                    message: "failed to allocate a nodePort: range is full".into(),
                    kind: "Service".into(),
                    name: name.clone(),
                    causes: vec![],
                    patch: None,
                })?,
            };
            used.push(np);
            svc.spec.ports[i].node_port = Some(np);
        }
        Ok(())
    }
}
