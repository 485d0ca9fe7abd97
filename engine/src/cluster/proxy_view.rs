//! What kube-proxy reads from the API server: each Service port (TCP and
//! UDP; SCTP is not simulated) with the endpoints its EndpointSlices give
//! it. kube-proxy does not look at selectors or pods: a slice written by
//! hand for a Service without a selector is programmed like any other.

use super::proxy_model::{Affinity, ProxyEndpoint, ServicePortInfo};
use super::{port_endpoints_in, Cluster};
use crate::net::netfilter::Protocol;

pub(super) fn services(c: &Cluster) -> Vec<ServicePortInfo> {
    let mut out = vec![];
    let slices = c.slices_by_service();
    for ((ns, name), svc) in &c.services {
        let own = slices
            .get(&(ns.as_str(), name.as_str()))
            .map_or(&[][..], Vec::as_slice);
        if svc.type_name() == "ExternalName" {
            continue;
        }
        let cluster_ip = svc.spec.cluster_ip.as_deref().and_then(|i| i.parse().ok());
        let affinity = if svc.spec.session_affinity.as_deref() == Some("ClientIP") {
            Affinity::ClientIp {
                timeout_seconds: svc
                    .spec
                    .session_affinity_config
                    .as_ref()
                    .and_then(|c| c.client_ip.as_ref())
                    .and_then(|c| c.timeout_seconds)
                    .unwrap_or(10800) as u32,
            }
        } else {
            Affinity::None
        };
        for port in &svc.spec.ports {
            let proto_name = port.protocol.as_deref().unwrap_or("TCP");
            let protocol = match proto_name {
                "TCP" => Protocol::Tcp,
                "UDP" => Protocol::Udp,
                _ => continue,
            };
            let endpoints: Vec<ProxyEndpoint> = port_endpoints_in(own, &port.name, proto_name)
                .into_iter()
                .filter(|a| a.ready)
                .map(|a| ProxyEndpoint {
                    ip: a.ip,
                    port: a.port,
                    node: a.node,
                    ready: a.ready,
                })
                .collect();
            out.push(ServicePortInfo {
                namespace: ns.clone(),
                name: name.clone(),
                port_name: port.name.clone(),
                protocol,
                cluster_ip,
                port: port.port as u16,
                node_port: port
                    .node_port
                    .and_then(|n| u16::try_from(n).ok())
                    .filter(|n| *n != 0),
                external_ips: svc
                    .spec
                    .external_ips
                    .iter()
                    .filter_map(|i| i.parse().ok())
                    .collect(),
                load_balancer_ips: svc
                    .status
                    .load_balancer
                    .ingress
                    .iter()
                    .filter_map(|i| i.ip.as_deref().and_then(|a| a.parse().ok()))
                    .collect(),
                external_policy_local: svc.spec.external_traffic_policy.as_deref() == Some("Local"),
                internal_policy_local: svc.spec.internal_traffic_policy.as_deref() == Some("Local"),
                load_balancer_source_ranges: svc
                    .spec
                    .load_balancer_source_ranges
                    .iter()
                    .filter_map(|r| r.trim().parse().ok())
                    .collect(),
                health_check_node_port: svc
                    .spec
                    .health_check_node_port
                    .and_then(|p| u16::try_from(p).ok())
                    .filter(|p| *p != 0),
                affinity: affinity.clone(),
                endpoints,
            });
        }
    }
    out
}

/// Work for what [`services`] read: each Service port, and each endpoint
/// of it (its address parsed, its pod and node copied).
pub(super) fn cost(view: &[ServicePortInfo]) -> usize {
    view.iter().map(|s| 300 + 240 * s.endpoints.len()).sum()
}
