//! The host-local IPAM plugin, as flannel's CNI configuration uses it on
//! each node: addresses from the node's /24 (the gateway `.1` is the
//! `cni0` bridge), handed out in order after the last one given and
//! wrapping around, so a freed address is not reused until the range has
//! come round again, and a replaced pod gets a new address.
//!
//! CoreDNS's pods (kube-system) take addresses from the top of the range,
//! so that the lesson's pods number from `.2` as in the article; they do
//! not move the allocator's position.

use super::{Cluster, Key, NodeInfo};
use std::net::Ipv4Addr;

/// The next free address of `node`'s range for the pod `key`, reserved.
pub(crate) fn allocate(c: &mut Cluster, node: &NodeInfo, key: &Key) -> Option<Ipv4Addr> {
    let used: Vec<Ipv4Addr> = c
        .pods
        .iter()
        .filter(|(k, p)| *k != key && p.spec.host_network != Some(true))
        .filter_map(|(_, p)| p.status.pod_ip.as_deref().and_then(|i| i.parse().ok()))
        .collect();
    // `.1` is the gateway; the broadcast address is not in `hosts()`.
    let range: Vec<Ipv4Addr> = node.pod_cidr.hosts().skip(1).collect();
    if key.0 == "kube-system" {
        return range.iter().rev().copied().find(|a| !used.contains(a));
    }
    let state = c.kubelets.entry(node.name.clone()).or_default();
    let start = state
        .last_reserved
        .and_then(|last| range.iter().position(|a| *a == last))
        .map_or(0, |i| i + 1);
    let n = range.len();
    let found = (0..n)
        .map(|i| range[(start + i) % n])
        .find(|a| !used.contains(a))?;
    state.last_reserved = Some(found);
    Some(found)
}
