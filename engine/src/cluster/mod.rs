//! The Kubernetes model on top of the network: objects, the apiserver,
//! controllers, and kube-proxy's iptables rules.
//!
//! [`Cluster`] is the apiserver's storage plus the controllers that act on
//! it. Writes go through [`apiserver`] (defaulting, allocation, validation,
//! in the real server's order); [`Cluster::reconcile`] then runs the
//! controllers (deployments → replicasets → pods, the scheduler, the kubelet,
//! the cloud load-balancer controller). Endpoints are derived from Services
//! and Ready pods on demand, so they can never be stale. The world turns the
//! result into network namespaces and kube-proxy rules.

pub mod apiserver;
pub mod dns;
pub mod images;
pub mod kubeproxy;
pub mod manifest;
pub mod objects;
pub mod proxy_model;
pub mod validation;

use crate::rng::SimRng;
use ipnet::Ipv4Net;
use objects::*;
use proxy_model::{Affinity, ProxyEndpoint, ServicePortInfo};
use std::collections::BTreeMap;
use std::net::Ipv4Addr;

/// `(namespace, name)`.
pub type Key = (String, String);

pub const SERVICE_CIDR: &str = "10.96.0.0/12";
pub const NODE_PORT_RANGE: (i32, i32) = (30000, 32767);
pub const DNS_IP: Ipv4Addr = Ipv4Addr::new(10, 96, 0, 10);
pub const CLUSTER_DOMAIN: &str = "cluster.local";
/// The cluster was set up ten days before the lesson starts.
pub const CLUSTER_AGE_MS: i64 = -10 * 24 * 3600 * 1000;
/// External addresses the simulated cloud hands to LoadBalancers.
pub const LB_POOL_START: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 100);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeInfo {
    pub name: String,
    pub ip: Ipv4Addr,
    pub pod_cidr: Ipv4Net,
    pub created_ms: i64,
}

/// A Service's endpoints, port by port: the port's name and its addresses.
pub type PortEndpoints = Vec<(String, Vec<EndpointAddr>)>;

/// One endpoint as the Endpoints/EndpointSlice controllers compute it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointAddr {
    pub ip: Ipv4Addr,
    pub port: u16,
    pub pod: String,
    pub node: String,
    pub ready: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    pub nodes: Vec<NodeInfo>,
    pub namespaces: BTreeMap<String, Namespace>,
    pub pods: BTreeMap<Key, Pod>,
    pub deployments: BTreeMap<Key, Deployment>,
    pub replicasets: BTreeMap<Key, ReplicaSet>,
    pub services: BTreeMap<Key, Service>,
    /// The EndpointSlice name of each Service with a selector (`<svc>-<5 chars>`).
    pub slice_names: BTreeMap<Key, String>,
    pub cloud: bool,
    pub(crate) rng: SimRng,
    next_uid: u64,
    resource_version: u64,
}

/// Kubernetes' `rand.String` alphabet: no vowels, no confusable digits.
const SAFE_CHARS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

impl Cluster {
    /// A cluster as kubeadm leaves it: the `default`, `kube-system`,
    /// `kube-public` and `kube-node-lease` namespaces, the `kubernetes`
    /// Service at 10.96.0.1 and CoreDNS's `kube-dns` at 10.96.0.10.
    pub fn bootstrap(nodes: Vec<NodeInfo>, cloud: bool, seed: u64) -> Cluster {
        let mut c = Cluster {
            nodes,
            namespaces: BTreeMap::new(),
            pods: BTreeMap::new(),
            deployments: BTreeMap::new(),
            replicasets: BTreeMap::new(),
            services: BTreeMap::new(),
            slice_names: BTreeMap::new(),
            cloud,
            rng: SimRng::new(seed ^ 0x6b75_6265),
            next_uid: 1,
            resource_version: 1000,
        };
        for ns in ["default", "kube-node-lease", "kube-public", "kube-system"] {
            let mut n = Namespace {
                api_version: "v1".into(),
                kind: "Namespace".into(),
                ..Default::default()
            };
            n.metadata.name = ns.into();
            n.metadata
                .labels
                .insert("kubernetes.io/metadata.name".into(), ns.into());
            c.stamp(&mut n.metadata, CLUSTER_AGE_MS);
            c.namespaces.insert(ns.into(), n);
        }
        let mut kubernetes = Service {
            api_version: "v1".into(),
            kind: "Service".into(),
            ..Default::default()
        };
        kubernetes.metadata.name = "kubernetes".into();
        kubernetes.metadata.namespace = Some("default".into());
        kubernetes
            .metadata
            .labels
            .insert("component".into(), "apiserver".into());
        kubernetes
            .metadata
            .labels
            .insert("provider".into(), "kubernetes".into());
        kubernetes.spec.cluster_ip = Some("10.96.0.1".into());
        kubernetes.spec.ports.push(ServicePort {
            name: "https".into(),
            port: 443,
            target_port: Some(IntOrString::Int(6443)),
            ..Default::default()
        });
        apiserver::default_service(&mut kubernetes);
        kubernetes.spec.cluster_ips = vec!["10.96.0.1".into()];
        c.stamp(&mut kubernetes.metadata, CLUSTER_AGE_MS);
        c.services
            .insert(("default".into(), "kubernetes".into()), kubernetes);

        let mut dns = Service {
            api_version: "v1".into(),
            kind: "Service".into(),
            ..Default::default()
        };
        dns.metadata.name = "kube-dns".into();
        dns.metadata.namespace = Some("kube-system".into());
        for (k, v) in [
            ("k8s-app", "kube-dns"),
            ("kubernetes.io/cluster-service", "true"),
            ("kubernetes.io/name", "CoreDNS"),
        ] {
            dns.metadata.labels.insert(k.into(), v.into());
        }
        dns.spec.selector = Some([("k8s-app".to_string(), "kube-dns".to_string())].into());
        dns.spec.cluster_ip = Some(DNS_IP.to_string());
        for (name, port, proto) in [
            ("dns", 53, "UDP"),
            ("dns-tcp", 53, "TCP"),
            ("metrics", 9153, "TCP"),
        ] {
            dns.spec.ports.push(ServicePort {
                name: name.into(),
                port,
                protocol: Some(proto.into()),
                target_port: Some(IntOrString::Int(port)),
                ..Default::default()
            });
        }
        apiserver::default_service(&mut dns);
        dns.spec.cluster_ips = vec![DNS_IP.to_string()];
        c.stamp(&mut dns.metadata, CLUSTER_AGE_MS);
        let key = ("kube-system".to_string(), "kube-dns".to_string());
        let suffix = c.random_suffix();
        c.slice_names
            .insert(key.clone(), format!("kube-dns-{suffix}"));
        c.services.insert(key, dns);

        // CoreDNS: a Deployment of two replicas in kube-system.
        let mut coredns = Deployment {
            api_version: "apps/v1".into(),
            kind: "Deployment".into(),
            ..Default::default()
        };
        coredns.metadata.name = "coredns".into();
        coredns.metadata.namespace = Some("kube-system".into());
        coredns
            .metadata
            .labels
            .insert("k8s-app".into(), "kube-dns".into());
        coredns.spec.replicas = Some(2);
        coredns
            .spec
            .selector
            .match_labels
            .insert("k8s-app".into(), "kube-dns".into());
        coredns
            .spec
            .template
            .metadata
            .labels
            .insert("k8s-app".into(), "kube-dns".into());
        coredns.spec.template.spec.containers.push(Container {
            name: "coredns".into(),
            image: images::COREDNS.into(),
            ports: vec![
                ContainerPort {
                    name: "dns".into(),
                    container_port: 53,
                    protocol: Some("UDP".into()),
                    host_port: None,
                },
                ContainerPort {
                    name: "dns-tcp".into(),
                    container_port: 53,
                    protocol: Some("TCP".into()),
                    host_port: None,
                },
                ContainerPort {
                    name: "metrics".into(),
                    container_port: 9153,
                    protocol: Some("TCP".into()),
                    host_port: None,
                },
            ],
            ..Default::default()
        });
        c.stamp(&mut coredns.metadata, CLUSTER_AGE_MS);
        c.deployments
            .insert(("kube-system".into(), "coredns".into()), coredns);
        c.reconcile(CLUSTER_AGE_MS);
        c
    }

    /// Fills in uid, resourceVersion and creation time.
    pub(crate) fn stamp(&mut self, meta: &mut ObjectMeta, now: i64) {
        // uids look like real ones but come from the seeded generator.
        let a = self.rng.next_u64();
        let b = self.rng.next_u64();
        meta.uid = Some(format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            0x8000 | (b >> 48) & 0x3fff,
            b & 0xffff_ffff_ffff
        ));
        self.next_uid += 1;
        self.bump(meta);
        meta.created_ms = now;
        meta.creation_timestamp = Some(rfc3339(now));
    }

    pub(crate) fn bump(&mut self, meta: &mut ObjectMeta) {
        self.resource_version += 1;
        meta.resource_version = Some(self.resource_version.to_string());
    }

    /// Five characters of `rand.String`, as pod and slice name suffixes use.
    pub(crate) fn random_suffix(&mut self) -> String {
        (0..5)
            .map(|_| {
                SAFE_CHARS[self.rng.range_inclusive(0, SAFE_CHARS.len() as u64 - 1) as usize]
                    as char
            })
            .collect()
    }

    pub fn node(&self, name: &str) -> Option<&NodeInfo> {
        self.nodes.iter().find(|n| n.name == name)
    }

    /// Runs every controller until nothing changes.
    pub fn reconcile(&mut self, now: i64) {
        for _ in 0..8 {
            let before = (
                self.pods.len(),
                self.replicasets.len(),
                self.resource_version,
            );
            self.reconcile_deployments(now);
            self.reconcile_replicasets(now);
            self.schedule_and_run(now);
            self.reconcile_load_balancers();
            if (
                self.pods.len(),
                self.replicasets.len(),
                self.resource_version,
            ) == before
            {
                break;
            }
        }
    }

    fn reconcile_deployments(&mut self, now: i64) {
        let deployments: Vec<(Key, Deployment)> = self
            .deployments
            .iter()
            .map(|(k, d)| (k.clone(), d.clone()))
            .collect();
        for ((ns, name), d) in deployments {
            let hash = pod_template_hash(&d.spec.template);
            let rs_name = format!("{name}-{hash}");
            let key = (ns.clone(), rs_name.clone());
            let replicas = d.spec.replicas.unwrap_or(1);
            match self.replicasets.get_mut(&key) {
                Some(rs) => {
                    if rs.replicas != replicas {
                        rs.replicas = replicas;
                        self.resource_version += 1;
                    }
                }
                None => {
                    let mut selector = d.spec.selector.match_labels.clone();
                    selector.insert("pod-template-hash".into(), hash.clone());
                    let mut template = d.spec.template.clone();
                    template
                        .metadata
                        .labels
                        .insert("pod-template-hash".into(), hash.clone());
                    let mut meta = ObjectMeta {
                        name: rs_name.clone(),
                        namespace: Some(ns.clone()),
                        labels: template.metadata.labels.clone(),
                        ..Default::default()
                    };
                    meta.owner_references.push(OwnerReference {
                        api_version: "apps/v1".into(),
                        kind: "Deployment".into(),
                        name: name.clone(),
                        uid: d.metadata.uid.clone().unwrap_or_default(),
                        controller: Some(true),
                        block_owner_deletion: Some(true),
                    });
                    self.stamp(&mut meta, now.max(d.metadata.created_ms));
                    // An older template's ReplicaSet is scaled to zero (a rollout).
                    for (k, rs) in self.replicasets.iter_mut() {
                        if k.0 == ns && rs.deployment == name {
                            rs.replicas = 0;
                        }
                    }
                    self.replicasets.insert(
                        key,
                        ReplicaSet {
                            metadata: meta,
                            replicas,
                            selector,
                            template,
                            deployment: name.clone(),
                        },
                    );
                }
            }
        }
        // ReplicaSets whose Deployment is gone are garbage-collected with their pods.
        let orphans: Vec<Key> = self
            .replicasets
            .iter()
            .filter(|(k, rs)| {
                !self
                    .deployments
                    .contains_key(&(k.0.clone(), rs.deployment.clone()))
            })
            .map(|(k, _)| k.clone())
            .collect();
        for k in orphans {
            self.replicasets.remove(&k);
            self.pods.retain(|pk, p| {
                !(pk.0 == k.0
                    && p.metadata
                        .owner_references
                        .iter()
                        .any(|o| o.kind == "ReplicaSet" && o.name == k.1))
            });
            self.resource_version += 1;
        }
    }

    fn reconcile_replicasets(&mut self, now: i64) {
        let sets: Vec<(Key, ReplicaSet)> = self
            .replicasets
            .iter()
            .map(|(k, r)| (k.clone(), r.clone()))
            .collect();
        for ((ns, name), rs) in sets {
            let mut owned: Vec<(Key, i64)> = self
                .pods
                .iter()
                .filter(|(k, p)| {
                    k.0 == ns
                        && p.metadata
                            .owner_references
                            .iter()
                            .any(|o| o.kind == "ReplicaSet" && o.name == name)
                })
                .map(|(k, p)| (k.clone(), p.metadata.created_ms))
                .collect();
            let want = rs.replicas.max(0) as usize;
            while owned.len() < want {
                let pod_name = loop {
                    let candidate = format!("{name}-{}", self.random_suffix());
                    if !self.pods.contains_key(&(ns.clone(), candidate.clone())) {
                        break candidate;
                    }
                };
                let mut pod = Pod {
                    api_version: "v1".into(),
                    kind: "Pod".into(),
                    metadata: ObjectMeta {
                        name: pod_name.clone(),
                        namespace: Some(ns.clone()),
                        labels: rs.template.metadata.labels.clone(),
                        generate_name: Some(format!("{name}-")),
                        ..Default::default()
                    },
                    spec: rs.template.spec.clone(),
                    status: PodStatus::default(),
                };
                pod.metadata.owner_references.push(OwnerReference {
                    api_version: "apps/v1".into(),
                    kind: "ReplicaSet".into(),
                    name: name.clone(),
                    uid: rs.metadata.uid.clone().unwrap_or_default(),
                    controller: Some(true),
                    block_owner_deletion: Some(true),
                });
                self.stamp(&mut pod.metadata, now.max(rs.metadata.created_ms));
                let key = (ns.clone(), pod_name);
                owned.push((key.clone(), pod.metadata.created_ms));
                self.pods.insert(key, pod);
            }
            if owned.len() > want {
                // The newest pods go first, as the ReplicaSet controller prefers.
                crate::sort::sort_by(&mut owned, |a, b| b.1.cmp(&a.1).then(b.0.cmp(&a.0)));
                for (k, _) in owned.iter().take(owned.len() - want) {
                    self.pods.remove(k);
                }
                self.resource_version += 1;
            }
        }
    }

    /// The scheduler (fewest pods first, then node order) and the kubelet
    /// (pull the image, get an address from the node's pod CIDR, start).
    fn schedule_and_run(&mut self, now: i64) {
        let keys: Vec<Key> = self.pods.keys().cloned().collect();
        for key in keys {
            let needs_node = self.pods[&key].spec.node_name.is_none();
            if needs_node {
                let node = self
                    .nodes
                    .iter()
                    .min_by_key(|n| {
                        self.pods
                            .values()
                            .filter(|p| {
                                p.spec.node_name.as_deref() == Some(n.name.as_str())
                                    && p.spec.host_network != Some(true)
                            })
                            .count()
                    })
                    .map(|n| n.name.clone());
                if let Some(p) = self.pods.get_mut(&key) {
                    p.spec.node_name = node;
                }
            }
            let pod = &self.pods[&key];
            if pod.status.phase.is_some() {
                continue;
            }
            let Some(node) = pod
                .spec
                .node_name
                .clone()
                .and_then(|n| self.node(&n).cloned())
            else {
                continue;
            };
            let ip = if pod.spec.host_network == Some(true) {
                node.ip
            } else {
                let used: Vec<Ipv4Addr> = self
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
                .all(|c| images::known(&c.image, &c.args).is_some());
            let p = self.pods.get_mut(&key).expect("key from the map");
            p.status.pod_ip = Some(ip.to_string());
            p.status.host_ip = Some(node.ip.to_string());
            if images_ok {
                p.status.phase = Some("Running".into());
                p.status.reason = "Running".into();
                p.status.ready = true;
            } else {
                p.status.phase = Some("Pending".into());
                p.status.reason = "ErrImagePull".into();
                p.status.ready = false;
            }
            let _ = now;
            self.resource_version += 1;
        }
    }

    /// The cloud controller: with a cloud, every LoadBalancer gets the next
    /// external address of the pool; without one, it stays `<pending>`.
    fn reconcile_load_balancers(&mut self) {
        if !self.cloud {
            return;
        }
        let mut used: Vec<Ipv4Addr> = self
            .services
            .values()
            .flat_map(|s| s.status.load_balancer.ingress.iter())
            .filter_map(|i| i.ip.as_deref().and_then(|a| a.parse().ok()))
            .collect();
        for svc in self.services.values_mut() {
            let is_lb = svc.type_name() == "LoadBalancer";
            if is_lb && svc.status.load_balancer.ingress.is_empty() {
                let base = u32::from(LB_POOL_START);
                let ip = (0..100u32)
                    .map(|i| Ipv4Addr::from(base + i))
                    .find(|a| !used.contains(a));
                if let Some(ip) = ip {
                    used.push(ip);
                    svc.status.load_balancer.ingress.push(LoadBalancerIngress {
                        ip: Some(ip.to_string()),
                        hostname: None,
                        ip_mode: Some("VIP".into()),
                    });
                }
            } else if !is_lb && !svc.status.load_balancer.ingress.is_empty() {
                svc.status.load_balancer.ingress.clear();
            }
        }
    }

    /// The STATUS column of a pod at simulated time `now`.
    pub fn pod_status(&self, pod: &Pod, now: i64) -> String {
        match pod.status.reason.as_str() {
            // The kubelet retries a failed pull with back-off; between tries the
            // status reads ImagePullBackOff.
            "ErrImagePull" => {
                let age = (now - pod.metadata.created_ms) / 1000;
                if age < 12 || (age / 10) % 3 == 0 {
                    "ErrImagePull".into()
                } else {
                    "ImagePullBackOff".into()
                }
            }
            "" => "Pending".into(),
            other => other.into(),
        }
    }

    /// The endpoints of a Service: Ready pods its selector matches, with each
    /// port's targetPort resolved (a name is looked up in the pod's container
    /// ports; pods without it are left out). `None` for a Service without a
    /// selector, which has no Endpoints object.
    pub fn endpoints(&self, svc: &Service) -> Option<PortEndpoints> {
        let selector = svc.spec.selector.as_ref()?;
        let ns = svc
            .metadata
            .namespace
            .clone()
            .unwrap_or_else(|| "default".into());
        let mut out = vec![];
        for port in &svc.spec.ports {
            let mut addrs = vec![];
            for (k, pod) in &self.pods {
                if k.0 != ns
                    || selector.is_empty()
                    || !selector_matches(selector, &pod.metadata.labels)
                {
                    continue;
                }
                let Some(ip) = pod.status.pod_ip.as_deref().and_then(|i| i.parse().ok()) else {
                    continue;
                };
                let target = match &port.target_port {
                    Some(IntOrString::Int(n)) => Some(*n),
                    Some(IntOrString::Str(name)) => pod
                        .spec
                        .containers
                        .iter()
                        .flat_map(|c| c.ports.iter())
                        .find(|p| &p.name == name)
                        .map(|p| p.container_port),
                    None => Some(port.port),
                };
                let Some(target) = target.and_then(|t| u16::try_from(t).ok()) else {
                    continue;
                };
                addrs.push(EndpointAddr {
                    ip,
                    port: target,
                    pod: k.1.clone(),
                    node: pod.spec.node_name.clone().unwrap_or_default(),
                    ready: pod.status.ready,
                });
            }
            crate::sort::sort_by_key(&mut addrs, |a| (u32::from(a.ip), a.port));
            out.push((port.name.clone(), addrs));
        }
        Some(out)
    }

    /// The `kubernetes` Service's endpoint: the apiserver on node01.
    pub fn apiserver_endpoint(&self) -> Option<EndpointAddr> {
        self.nodes.first().map(|n| EndpointAddr {
            ip: n.ip,
            port: 6443,
            pod: String::new(),
            node: n.name.clone(),
            ready: true,
        })
    }

    /// What kube-proxy sees: every TCP Service port with its endpoints.
    pub fn proxy_view(&self) -> Vec<ServicePortInfo> {
        let mut out = vec![];
        for ((ns, name), svc) in &self.services {
            let cluster_ip = svc.spec.cluster_ip.as_deref().and_then(|i| i.parse().ok());
            let eps = if ns == "default" && name == "kubernetes" {
                Some(vec![(
                    String::new(),
                    self.apiserver_endpoint().into_iter().collect::<Vec<_>>(),
                )])
            } else {
                self.endpoints(svc)
            };
            for (i, port) in svc.spec.ports.iter().enumerate() {
                let protocol = match port.protocol.as_deref().unwrap_or("TCP") {
                    "TCP" => crate::net::netfilter::Protocol::Tcp,
                    "UDP" => crate::net::netfilter::Protocol::Udp,
                    // SCTP is not simulated.
                    _ => continue,
                };
                let endpoints = eps
                    .as_ref()
                    .and_then(|e| e.get(i))
                    .map(|(_, a)| {
                        a.iter()
                            .filter(|a| a.ready)
                            .map(|a| ProxyEndpoint {
                                ip: a.ip,
                                port: a.port,
                                node: a.node.clone(),
                                ready: a.ready,
                            })
                            .collect()
                    })
                    .unwrap_or_default();
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
                    external_policy_local: svc.spec.external_traffic_policy.as_deref()
                        == Some("Local"),
                    internal_policy_local: svc.spec.internal_traffic_policy.as_deref()
                        == Some("Local"),
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
                    affinity,
                    endpoints,
                });
            }
        }
        out
    }
}

/// `pod-template-hash`: FNV-1a of the template, spelled with `rand.SafeEncodeString`.
fn pod_template_hash(t: &PodTemplate) -> String {
    let text = serde_json::to_string(t).unwrap_or_default();
    let mut h: u32 = 0x811c_9dc5;
    for b in text.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h.to_string()
        .bytes()
        .map(|d| SAFE_CHARS[(d as usize) % SAFE_CHARS.len()] as char)
        .collect()
}

/// An RFC 3339 timestamp for simulated time (ms since the lesson began).
pub fn rfc3339(ms: i64) -> String {
    let unix = crate::time::EPOCH_UNIX as i64 + ms.div_euclid(1000);
    let date = crate::time::http_date(unix.max(0) as u64);
    // "Thu, 26 Nov 2026 09:00:00 GMT" → "2026-11-26T09:00:00Z"
    let p: Vec<&str> = date.split(' ').collect();
    let month = match p.get(2).copied().unwrap_or("Jan") {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        _ => 12,
    };
    format!(
        "{}-{month:02}-{}T{}Z",
        p.get(3).copied().unwrap_or("1970"),
        p.get(1).copied().unwrap_or("01"),
        p.get(4).copied().unwrap_or("00:00:00")
    )
}

/// `duration.HumanDuration`, as the AGE column prints it.
pub fn human_duration(ms: i64) -> String {
    let s = (ms / 1000).max(0);
    if s < 120 {
        return format!("{s}s");
    }
    let m = s / 60;
    if m < 10 {
        let rem = s % 60;
        return if rem == 0 {
            format!("{m}m")
        } else {
            format!("{m}m{rem}s")
        };
    }
    if m < 180 {
        return format!("{m}m");
    }
    let h = s / 3600;
    if h < 8 {
        let rem = (s % 3600) / 60;
        return if rem == 0 {
            format!("{h}h")
        } else {
            format!("{h}h{rem}m")
        };
    }
    if h < 48 {
        return format!("{h}h");
    }
    let d = h / 24;
    if h < 24 * 8 {
        let rem = h % 24;
        return if rem == 0 {
            format!("{d}d")
        } else {
            format!("{d}d{rem}h")
        };
    }
    if d < 365 * 2 {
        return format!("{d}d");
    }
    format!("{}y", d / 365)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_durations() {
        for (s, want) in [
            (45, "45s"),
            (119, "119s"),
            (300, "5m"),
            (312, "5m12s"),
            (37 * 60, "37m"),
            (5 * 3600 + 60, "5h1m"),
            (10 * 3600, "10h"),
            (10 * 86400, "10d"),
            (3 * 86400 + 3600, "3d1h"),
        ] {
            assert_eq!(human_duration(s * 1000), want, "{s}");
        }
    }

    #[test]
    fn timestamps() {
        assert_eq!(rfc3339(0), "2026-11-26T09:00:00Z");
        assert_eq!(rfc3339(CLUSTER_AGE_MS), "2026-11-16T09:00:00Z");
    }
}
