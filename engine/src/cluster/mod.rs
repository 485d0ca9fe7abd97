//! The Kubernetes model on top of the network: objects, the apiserver,
//! controllers, and kube-proxy's iptables rules.
//!
//! [`Cluster`] is the apiserver's storage plus the controllers that act on
//! it. Writes go through [`apiserver`] (defaulting, allocation, validation,
//! in the real server's order); [`Cluster::reconcile`] then runs the
//! controllers until nothing changes: Deployments → ReplicaSets → pods,
//! StatefulSets and DaemonSets → pods, the scheduler and the kubelet, the
//! Endpoints and EndpointSlice controllers (and the mirroring controller for
//! Services without a selector), and the cloud's load-balancer controller.
//! kube-proxy ([`proxy_view`]) and CoreDNS ([`dns`]) read the stored
//! EndpointSlices, as the real ones do. The world turns the result into
//! network namespaces and kube-proxy rules.

mod admission;
mod allocation;
pub mod api_error;
pub mod apiserver;
pub(crate) mod bootstrap;
pub mod capacity;
pub mod cni;
mod controllers;
pub mod dns;
pub mod events;
pub mod felix;
pub mod flannel;
pub mod images;
mod ipam;
pub mod kinds;
pub mod kubeproxy;
pub mod manifest;
mod memo;
pub mod object;
pub mod objects;
pub mod patch;
pub mod policy;
pub mod probe;
pub mod proxy_model;
mod proxy_view;
pub mod schema;
pub mod startup_logs;
mod threeway;
pub mod traefik;
pub mod validation;

use crate::map::Map;
use crate::rng::SimRng;
use ipnet::Ipv4Net;
use objects::*;
use std::net::Ipv4Addr;

pub(crate) use controllers::kubelet::resolve_target_port;

/// A container's process ended on its own (the shell `kubectl run -it`
/// attached to exited): the kubelet handles it as any exit.
pub(crate) fn kubelet_process_exited(c: &mut Cluster, key: &Key, i: usize, now: i64, code: i32) {
    controllers::kubelet::process_exited(c, key, i, now, code);
    c.reconcile(now);
}
pub use controllers::kubelet::{
    go_duration, pull_policy, KubeletRequest, NodeKubelet, ProbeResult, Request,
};

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

/// One endpoint of one Service port, as kube-proxy reads it from the slices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointAddr {
    pub ip: Ipv4Addr,
    pub port: u16,
    /// The pod it points at (its `targetRef`), if any.
    pub pod: String,
    pub node: String,
    pub ready: bool,
    /// The DNS hostname the slice gives it (a StatefulSet pod's name).
    pub hostname: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    pub nodes: Vec<NodeInfo>,
    pub namespaces: Map<String, Namespace>,
    pub pods: Map<Key, Pod>,
    pub deployments: Map<Key, Deployment>,
    pub replicasets: Map<Key, ReplicaSet>,
    pub statefulsets: Map<Key, StatefulSet>,
    pub daemonsets: Map<Key, DaemonSet>,
    pub services: Map<Key, Service>,
    pub endpoints: Map<Key, Endpoints>,
    pub endpoint_slices: Map<Key, EndpointSlice>,
    pub configmaps: Map<Key, ConfigMap>,
    pub secrets: Map<Key, Secret>,
    /// The kinds kept as JSON (NetworkPolicies), by kind, namespace (`""`
    /// for cluster-scoped ones) and name.
    pub objects: Map<(&'static str, String, String), Unstructured>,
    /// The Gateway API's CRDs are installed: its kinds are served.
    pub gateway_api: bool,
    /// What the scheduler, the kubelets and the controllers reported.
    pub events: Vec<events::Event>,
    /// Each node's kubelet: its images, its pull queue, its address allocator.
    pub kubelets: Map<String, NodeKubelet>,
    pub cloud: bool,
    /// The pod network's plugin: which add-on's objects kubeadm's cluster
    /// shows.
    pub cni: cni::Cni,
    /// LoadBalancer Services the cloud is provisioning, and when each
    /// load balancer will be ready (the service controller's work).
    pub(crate) lb_provisioning: Map<Key, i64>,
    pub(crate) rng: SimRng,
    next_uid: u64,
    resource_version: u64,
    /// Simulated time of the last change CoreDNS saw (its SOA serial).
    pub(crate) last_change_ms: i64,
    /// The control-plane node's kubelet runs kubeadm's static pods (and
    /// posts their mirror pods again when they are deleted).
    pub(crate) static_pods: bool,
    /// What the controllers remember between passes, and the work done.
    pub(crate) memo: memo::Memo,
}

/// Kubernetes' `rand.String` alphabet: no vowels, no confusable digits.
const SAFE_CHARS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

impl Cluster {
    /// A cluster as kubeadm leaves it: see [`bootstrap`].
    /// `gateway`: the Gateway API's CRDs and Traefik are installed.
    pub fn bootstrap(
        nodes: Vec<NodeInfo>,
        cloud: bool,
        cni: cni::Cni,
        gateway: bool,
        seed: u64,
    ) -> Cluster {
        let mut c = Cluster {
            nodes,
            namespaces: Map::new(),
            pods: Map::new(),
            deployments: Map::new(),
            replicasets: Map::new(),
            statefulsets: Map::new(),
            daemonsets: Map::new(),
            services: Map::new(),
            endpoints: Map::new(),
            endpoint_slices: Map::new(),
            configmaps: Map::new(),
            secrets: Map::new(),
            objects: Map::new(),
            gateway_api: false,
            events: vec![],
            kubelets: Map::new(),
            cloud,
            cni,
            lb_provisioning: Map::new(),
            rng: SimRng::new(seed ^ 0x6b75_6265),
            next_uid: 1,
            resource_version: 1000,
            last_change_ms: CLUSTER_AGE_MS,
            static_pods: false,
            memo: memo::Memo::default(),
        };
        bootstrap::kubeadm(&mut c);
        c.reconcile(CLUSTER_AGE_MS);
        // The control plane and the node agents draw their uids and pod
        // names from a generator of their own, so that every later choice
        // (a pod's name, a ClusterIP, a NodePort) is what it would be
        // without them: sessions and lessons recorded before they were
        // modelled replay the same.
        let main = std::mem::replace(&mut c.rng, SimRng::new(seed ^ 0x6b75_6265_6164_6d00));
        bootstrap::components(&mut c);
        if gateway {
            bootstrap::traefik::install(&mut c);
        }
        c.reconcile(CLUSTER_AGE_MS);
        c.rng = main;
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
        meta.created_seq = self.next_uid;
        self.next_uid += 1;
        self.bump(meta);
        meta.created_ms = now;
        meta.creation_timestamp = Some(rfc3339(now));
    }

    pub(crate) fn bump(&mut self, meta: &mut ObjectMeta) {
        self.changed();
        meta.resource_version = Some(self.resource_version.to_string());
    }

    /// The store's version: it changes with every write.
    pub fn version(&self) -> u64 {
        self.resource_version
    }

    /// Records that something changed, so the controllers run again.
    pub(crate) fn changed(&mut self) {
        self.resource_version += 1;
    }

    /// Five characters of `rand.String`, as generated names use.
    pub(crate) fn random_suffix(&mut self) -> String {
        (0..5)
            .map(|_| {
                SAFE_CHARS[self.rng.range_inclusive(0, SAFE_CHARS.len() as u64 - 1) as usize]
                    as char
            })
            .collect()
    }

    /// `generateName`: the prefix and five random characters, not yet taken.
    pub(crate) fn generate_name<V>(
        &mut self,
        taken: impl Fn(&Cluster) -> &Map<Key, V>,
        ns: &str,
        prefix: &str,
    ) -> String {
        loop {
            let candidate = format!("{prefix}{}", self.random_suffix());
            if !taken(self).contains_key(&(ns.to_string(), candidate.clone())) {
                return candidate;
            }
        }
    }

    pub fn node(&self, name: &str) -> Option<&NodeInfo> {
        self.nodes.iter().find(|n| n.name == name)
    }

    /// Runs every controller until nothing changes (each controller writes
    /// only when what it wants differs from what is stored). Nothing written
    /// since they last had nothing to do (the store's version tells), and no
    /// load balancer due: another pass would change nothing, and is skipped.
    pub fn reconcile(&mut self, now: i64) {
        for (key, i) in std::mem::take(&mut self.memo.changed_images) {
            controllers::kubelet::image_changed(self, &key, i, now);
        }
        let lb_due = self.lb_provisioning.values().any(|t| *t <= now);
        if self.memo.settled_at == Some(self.resource_version) && !lb_due {
            return;
        }
        for _ in 0..64 {
            let before = self.resource_version;
            controllers::workloads::deployments(self, now);
            controllers::workloads::replicasets(self, now);
            controllers::workloads::statefulsets(self, now);
            controllers::workloads::daemonsets(self, now);
            controllers::workloads::collect_garbage(self, now);
            controllers::kubelet::schedule(self, now);
            controllers::endpoints::reconcile(self, now);
            controllers::endpointslices::reconcile(self, now);
            controllers::endpointslices::mirror(self, now);
            controllers::cloud::load_balancers(self, now);
            controllers::gateway_status::reconcile(self, now);
            controllers::namespaces::root_ca(self, now);
            if self.static_pods {
                bootstrap::static_pods::ensure(self, now);
            }
            // Each pass reads every object at least once.
            self.spend(self.object_count());
            if self.resource_version == before {
                self.memo.settled_at = Some(before);
                break;
            }
            self.last_change_ms = now;
        }
    }

    /// How many objects the store holds, of every kind.
    fn object_count(&self) -> usize {
        self.pods.len()
            + self.services.len()
            + self.deployments.len()
            + self.replicasets.len()
            + self.statefulsets.len()
            + self.daemonsets.len()
            + self.endpoints.len()
            + self.endpoint_slices.len()
            + self.configmaps.len()
            + self.secrets.len()
            + self.namespaces.len()
            + self.objects.len()
    }

    /// The STATUS column of a pod.
    pub fn pod_status(&self, pod: &Pod, _now: i64) -> String {
        match pod.status.reason.as_str() {
            "" => "Pending".into(),
            other => other.into(),
        }
    }

    /// The earliest simulated moment the kubelets have something to do.
    pub fn next_due(&self) -> Option<i64> {
        let lb = self
            .lb_provisioning
            .values()
            .copied()
            .filter(|t| *t < i64::MAX)
            .min();
        match (controllers::kubelet::next_due(self), lb) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Whether work is under way that time alone finishes (a pod starting,
    /// a readiness probe not yet decided); see [`Cluster::step`].
    pub fn pending(&self) -> bool {
        controllers::kubelet::pending(self) || self.lb_provisioning.values().any(|t| *t < i64::MAX)
    }

    /// Everything due at or before `now`: the kubelets' steps, then the
    /// controllers. Returns what the kubelets need the world to do (probes,
    /// client containers' commands), to be reported with
    /// [`Cluster::probe_done`] and [`Cluster::launch_done`].
    pub fn step(&mut self, now: i64) -> Vec<KubeletRequest> {
        let requests = controllers::kubelet::step(self, now);
        self.reconcile(now);
        requests
    }

    /// A probe's result, acted on as the kubelet does.
    pub fn probe_done(&mut self, req: &KubeletRequest, result: ProbeResult, now: i64) {
        if let Request::Probe(kind, spec) = &req.what {
            controllers::kubelet::probe_done(self, req, *kind, spec, result, now);
            self.reconcile(now);
        }
    }

    /// A client container's command ran: its output, status and duration.
    pub fn launch_done(
        &mut self,
        req: &KubeletRequest,
        output: &str,
        code: i32,
        took_ms: i64,
        now: i64,
    ) {
        controllers::kubelet::launch_done(self, req, output, code, took_ms, now);
        self.reconcile(now);
    }

    /// The EndpointSlices of a Service: every slice in its namespace whose
    /// `kubernetes.io/service-name` label names it, whoever wrote it.
    pub fn slices_of(&self, ns: &str, service: &str) -> Vec<&EndpointSlice> {
        self.endpoint_slices
            .iter()
            .filter(|(k, s)| k.0 == ns && s.service_name() == Some(service))
            .map(|(_, s)| s)
            .collect()
    }

    /// The endpoints of one port of a Service (by the port's name and
    /// protocol), read from its slices as kube-proxy reads them: the first
    /// address of each IPv4 endpoint, with the slice's port for that name.
    pub fn port_endpoints(
        &self,
        ns: &str,
        service: &str,
        port_name: &str,
        protocol: &str,
    ) -> Vec<EndpointAddr> {
        port_endpoints_in(&self.slices_of(ns, service), port_name, protocol)
    }

    /// The EndpointSlices of every Service, found in one pass over them.
    pub fn slices_by_service(&self) -> Map<(&str, &str), Vec<&EndpointSlice>> {
        let mut out: Map<(&str, &str), Vec<&EndpointSlice>> = Map::new();
        for (k, s) in &self.endpoint_slices {
            if let Some(svc) = s.service_name() {
                out.entry((k.0.as_str(), svc)).or_default().push(s);
            }
        }
        out
    }

    /// The stored objects of a kind kept as JSON, in `ns` (every namespace
    /// when `None`).
    pub fn objects_of<'a>(
        &'a self,
        kind: &'static str,
        ns: Option<&'a str>,
    ) -> impl Iterator<Item = &'a Unstructured> + 'a {
        self.objects
            .iter()
            .filter(move |((k, n, _), _)| *k == kind && ns.is_none_or(|ns| ns == n))
            .map(|(_, o)| o)
    }

    /// What kube-proxy sees: every TCP and UDP Service port with its endpoints.
    pub fn proxy_view(&self) -> Vec<proxy_model::ServicePortInfo> {
        proxy_view::services(self)
    }

    /// [`Cluster::proxy_view`], its reading counted as work.
    pub(crate) fn proxy_view_counted(&mut self) -> Vec<proxy_model::ServicePortInfo> {
        let view = proxy_view::services(self);
        self.spend(proxy_view::cost(&view));
        view
    }
}

/// [`Cluster::port_endpoints`] of a Service whose slices are given.
pub(crate) fn port_endpoints_in(
    slices: &[&EndpointSlice],
    port_name: &str,
    protocol: &str,
) -> Vec<EndpointAddr> {
    let mut out: Vec<EndpointAddr> = vec![];
    for &slice in slices {
        if slice.address_type != "IPv4" {
            continue;
        }
        let Some(port) = slice.ports().iter().find(|p| {
            p.name.as_deref().unwrap_or("") == port_name
                && p.protocol.as_deref().unwrap_or("TCP") == protocol
        }) else {
            continue;
        };
        let Some(port) = port.port.and_then(|p| u16::try_from(p).ok()) else {
            continue;
        };
        for ep in slice.endpoints() {
            let Some(ip) = ep.addresses.first().and_then(|a| a.parse().ok()) else {
                continue;
            };
            out.push(EndpointAddr {
                ip,
                port,
                pod: ep
                    .target_ref
                    .as_ref()
                    .and_then(|r| r.name.clone())
                    .unwrap_or_default(),
                node: ep.node_name.clone().unwrap_or_default(),
                ready: ep.is_ready(),
                hostname: ep.hostname.clone(),
            });
        }
    }
    // Stable: of an address and port found twice, the first found stays.
    crate::sort::sort_by_key(&mut out, |a| (u32::from(a.ip), a.port));
    out.dedup_by(|later, first| later.ip == first.ip && later.port == first.port);
    out
}

/// `pod-template-hash`: FNV-1a of the template, spelled with `rand.SafeEncodeString`.
pub(crate) fn pod_template_hash(t: &PodTemplate) -> String {
    let text = serde_json::to_string(t).unwrap_or_default();
    crate::text::fnv1a(text.as_bytes())
        .to_string()
        .bytes()
        .map(|d| SAFE_CHARS[(d as usize) % SAFE_CHARS.len()] as char)
        .collect()
}

/// An RFC 3339 timestamp for simulated time (ms since the lesson began).
pub fn rfc3339(ms: i64) -> String {
    crate::time::DateTime::at(ms).rfc3339()
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

/// A node's labels as kubeadm leaves them (what `kubectl get nodes
/// --show-labels` shows and `nodeSelector` matches); the first node is the
/// control plane.
pub fn node_labels(index: usize, name: &str) -> objects::Labels {
    let mut labels = objects::Labels::new();
    labels.insert("kubernetes.io/hostname".into(), name.to_string());
    labels.insert("kubernetes.io/os".into(), "linux".into());
    if index == 0 {
        labels.insert(
            "node-role.kubernetes.io/control-plane".into(),
            String::new(),
        );
    }
    labels
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
