//! CoreDNS's answers: Services by name from inside the cluster, with the
//! search path a pod's `/etc/resolv.conf` gives it.

use super::{Cluster, CLUSTER_DOMAIN};
use std::net::Ipv4Addr;

/// The search path of a pod in `namespace`.
pub fn search_path(namespace: &str) -> Vec<String> {
    vec![
        format!("{namespace}.svc.{CLUSTER_DOMAIN}"),
        format!("svc.{CLUSTER_DOMAIN}"),
        CLUSTER_DOMAIN.to_string(),
    ]
}

/// A pod's `/etc/resolv.conf`.
pub fn resolv_conf(namespace: &str) -> String {
    format!(
        "search {}\nnameserver {}\noptions ndots:5\n",
        search_path(namespace).join(" "),
        super::DNS_IP
    )
}

/// The answer for a fully qualified name: a Service's ClusterIP, or for a
/// headless Service its Ready pods' addresses.
pub fn lookup_fqdn(cluster: &Cluster, fqdn: &str) -> Option<Vec<Ipv4Addr>> {
    let name = fqdn.trim_end_matches('.');
    let rest = name.strip_suffix(&format!(".svc.{CLUSTER_DOMAIN}"))?;
    let (svc, ns) = rest.split_once('.')?;
    let s = cluster.services.get(&(ns.to_string(), svc.to_string()))?;
    match s.spec.cluster_ip.as_deref() {
        Some("None") => {
            let eps = cluster.endpoints(s)?;
            let mut ips: Vec<Ipv4Addr> = eps
                .first()
                .map(|(_, a)| a.iter().filter(|a| a.ready).map(|a| a.ip).collect())
                .unwrap_or_default();
            ips.dedup();
            Some(ips)
        }
        Some(ip) => ip.parse().ok().map(|a| vec![a]),
        None => None,
    }
}

/// Resolves `name` as a pod in `namespace` would: names with fewer than five
/// dots try the search path first (ndots:5), then the name as given.
pub fn resolve_from_pod(
    cluster: &Cluster,
    namespace: &str,
    name: &str,
) -> Option<(String, Vec<Ipv4Addr>)> {
    let name = name.trim_end_matches('.');
    let mut candidates: Vec<String> = search_path(namespace)
        .iter()
        .map(|d| format!("{name}.{d}"))
        .collect();
    candidates.push(name.to_string());
    candidates.into_iter().find_map(|c| {
        lookup_fqdn(cluster, &c)
            .filter(|v| !v.is_empty())
            .map(|ips| (c, ips))
    })
}
