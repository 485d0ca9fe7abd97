//! The scheduler and the kubelet: a pod gets a node (fewest pods first,
//! then node order), an address from the node's pod CIDR, its image pulled
//! (or ErrImagePull for an image the simulated registry lacks), and its
//! readiness from its readiness probe.

use crate::apps::{HttpRequest, ServerCtx};
use crate::cluster::images;
use crate::cluster::objects::{Container, IntOrString, Pod};
use crate::cluster::{Cluster, Key};
use crate::net::netfilter::Protocol;
use serde_json::Value;
use std::net::{Ipv4Addr, SocketAddrV4};

pub(crate) fn schedule_and_run(c: &mut Cluster, now: i64) {
    let keys: Vec<Key> = c.pods.keys().cloned().collect();
    for key in keys {
        let needs_node = c.pods[&key].spec.node_name.is_none();
        if needs_node {
            // The kubelet's default `maxPods`: a full node takes no more,
            // and a pod no node can take stays Pending.
            let node = c
                .nodes
                .iter()
                .map(|n| {
                    let count = c
                        .pods
                        .values()
                        .filter(|p| {
                            p.spec.node_name.as_deref() == Some(n.name.as_str())
                                && p.spec.host_network != Some(true)
                        })
                        .count();
                    (count, n)
                })
                .filter(|(count, _)| *count < crate::cluster::capacity::MAX_PODS_PER_NODE)
                .min_by_key(|(count, _)| *count)
                .map(|(_, n)| n.name.clone());
            if let Some(p) = c.pods.get_mut(&key) {
                p.spec.node_name = node;
            }
            c.changed();
        }
        let pod = &c.pods[&key];
        if pod.status.phase.is_some() {
            // Running: the readiness probe keeps being judged.
            if pod.status.phase.as_deref() == Some("Running") {
                let ready = pod_ready(pod);
                if pod.status.ready != ready {
                    if let Some(p) = c.pods.get_mut(&key) {
                        p.status.ready = ready;
                    }
                    c.changed();
                }
            }
            continue;
        }
        let Some(node) = pod.spec.node_name.clone().and_then(|n| c.node(&n).cloned()) else {
            continue;
        };
        let ip = if pod.spec.host_network == Some(true) {
            node.ip
        } else {
            let used: Vec<Ipv4Addr> = c
                .pods
                .values()
                .filter(|p| p.spec.host_network != Some(true))
                .filter_map(|p| p.status.pod_ip.as_deref().and_then(|i| i.parse().ok()))
                .collect();
            // CoreDNS takes addresses from the top of the range so that the
            // lesson's pods number from .2 as in the article.
            let system = key.0 == "kube-system";
            let mut hosts: Vec<Ipv4Addr> = node.pod_cidr.hosts().skip(1).collect();
            if system {
                hosts.reverse();
            }
            match hosts.into_iter().find(|a| !used.contains(a)) {
                Some(a) => a,
                None => continue,
            }
        };
        let images_ok = pod
            .spec
            .containers
            .iter()
            .all(|ct| images::known(&ct.image, &ct.args).is_some());
        let Some(p) = c.pods.get_mut(&key) else {
            continue;
        };
        p.status.pod_ip = Some(ip.to_string());
        p.status.host_ip = Some(node.ip.to_string());
        if images_ok {
            p.status.phase = Some("Running".into());
            p.status.reason = "Running".into();
            p.status.ready = pod_ready(p);
        } else {
            p.status.phase = Some("Pending".into());
            p.status.reason = "ErrImagePull".into();
            p.status.ready = false;
        }
        let _ = now;
        c.changed();
    }
}

/// A running pod is Ready when every container's readiness probe passes.
fn pod_ready(pod: &Pod) -> bool {
    pod.spec
        .containers
        .iter()
        .all(|ct| probe_outcome(pod, ct).unwrap_or(true))
}

/// What the container's readiness probe says, judged against the program
/// its image runs: an `httpGet` passes on a 200–399 answer for its path, a
/// `tcpSocket` when something listens on the port. `exec` and `grpc` probes
/// are not simulated and pass. `None` when the container has no probe.
pub fn probe_outcome(pod: &Pod, ct: &Container) -> Option<bool> {
    let probe = ct.readiness_probe.as_ref()?;
    let port_of = |v: Option<&Value>| -> Option<u16> {
        match v? {
            Value::Number(n) => n.as_u64().and_then(|n| u16::try_from(n).ok()),
            Value::String(name) => ct
                .ports
                .iter()
                .find(|p| &p.name == name)
                .and_then(|p| u16::try_from(p.container_port).ok())
                .or_else(|| name.parse().ok()),
            _ => None,
        }
    };
    let programs = images::known(&ct.image, &ct.args).unwrap_or_default();
    let listening = |port: u16| {
        programs
            .iter()
            .find(|p| p.proto == Protocol::Tcp && p.port == port)
    };
    if let Some(get) = probe.get("httpGet") {
        let Some(port) = port_of(get.get("port")) else {
            return Some(false);
        };
        let Some(program) = listening(port) else {
            return Some(false);
        };
        let path = get.get("path").and_then(Value::as_str).unwrap_or("/");
        let ip: Ipv4Addr = pod
            .status
            .pod_ip
            .as_deref()
            .and_then(|i| i.parse().ok())
            .unwrap_or(Ipv4Addr::UNSPECIFIED);
        let node: Ipv4Addr = pod
            .status
            .host_ip
            .as_deref()
            .and_then(|i| i.parse().ok())
            .unwrap_or(Ipv4Addr::UNSPECIFIED);
        let req = HttpRequest {
            method: "GET".into(),
            path: path.to_string(),
            host_header: format!("{ip}:{port}"),
        };
        let ctx = ServerCtx {
            hostname: pod.metadata.name.clone(),
            addrs: vec![ip],
            remote: SocketAddrV4::new(node, 50000),
        };
        let status = program
            .app
            .http(&req, crate::time::EPOCH_UNIX, &ctx)
            .map(|r| r.status);
        return Some(status.is_some_and(|s| (200..400).contains(&s)));
    }
    if let Some(tcp) = probe.get("tcpSocket") {
        return Some(port_of(tcp.get("port")).is_some_and(|p| listening(p).is_some()));
    }
    Some(true)
}

/// The port a Service's `targetPort` means on `pod`: a number as it is, a
/// name looked up among the pod's container ports.
pub(crate) fn resolve_target_port(
    pod: &Pod,
    target: Option<&IntOrString>,
    port: i32,
) -> Option<i32> {
    match target {
        Some(IntOrString::Int(n)) => Some(*n),
        Some(IntOrString::Str(name)) => pod
            .spec
            .containers
            .iter()
            .flat_map(|c| c.ports.iter())
            .find(|p| &p.name == name)
            .map(|p| p.container_port),
        None => Some(port),
    }
}
