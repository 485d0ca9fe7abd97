//! What kube-proxy reads: one entry per Service port, with its endpoints.
//! The apiserver and controllers produce these; [`super::kubeproxy`] turns
//! them into every node's iptables rules.

use crate::net::netfilter::Protocol;
use ipnet::Ipv4Net;
use std::net::Ipv4Addr;

/// `sessionAffinity: ClientIP` with its timeout, or none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Affinity {
    None,
    ClientIp { timeout_seconds: u32 },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyEndpoint {
    pub ip: Ipv4Addr,
    pub port: u16,
    /// The node the endpoint's pod runs on (for `externalTrafficPolicy: Local`).
    pub node: String,
    pub ready: bool,
}

/// One port of one Service, as kube-proxy's `ServicePortName` sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServicePortInfo {
    pub namespace: String,
    pub name: String,
    /// The port's `name`; empty for an unnamed port.
    pub port_name: String,
    /// TCP or UDP (kube-proxy writes `-m udp -p udp` rules for UDP ports).
    pub protocol: Protocol,
    /// `None` for a headless Service (no rules at all).
    pub cluster_ip: Option<Ipv4Addr>,
    pub port: u16,
    pub node_port: Option<u16>,
    pub external_ips: Vec<Ipv4Addr>,
    pub load_balancer_ips: Vec<Ipv4Addr>,
    pub external_policy_local: bool,
    pub internal_policy_local: bool,
    /// `loadBalancerSourceRanges`: with LB IPs, a KUBE-FW chain lets only
    /// these sources in (an empty list, or 0.0.0.0/0, allows everyone).
    pub load_balancer_source_ranges: Vec<Ipv4Net>,
    /// The health-check port of an `externalTrafficPolicy: Local` LoadBalancer.
    pub health_check_node_port: Option<u16>,
    pub affinity: Affinity,
    /// Endpoints; kube-proxy sorts them itself, as strings (`ip:port`).
    pub endpoints: Vec<ProxyEndpoint>,
}

impl ServicePortInfo {
    /// `namespace/name` or `namespace/name:port`: kube-proxy's ServicePortName.
    pub fn service_port_name(&self) -> String {
        if self.port_name.is_empty() {
            format!("{}/{}", self.namespace, self.name)
        } else {
            format!("{}/{}:{}", self.namespace, self.name, self.port_name)
        }
    }
}

/// What kube-proxy needs to know about the node it runs on and the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyNode {
    pub name: String,
    /// `--cluster-cidr`, for the `! -s 10.244.0.0/16 -j KUBE-MARK-MASQ` rules.
    pub cluster_cidr: ipnet::Ipv4Net,
    /// The node's own address: a source range that contains it also lets
    /// the node reach a load balancer's address (`allowFromNode`).
    pub ip: Option<Ipv4Addr>,
}
