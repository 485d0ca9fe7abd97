//! The scenario's hosts, built and wired together.
//!
//! With no lesson, the world is the classic one: a `laptop` at 192.168.1.10
//! and `node01` at 192.168.1.2 on a home LAN behind a router at 192.168.1.1;
//! the pod network 10.244.0.0/16 lives inside the nodes, each node owning one
//! /24 behind its `cni0` bridge; `myapp-pod` runs nginx at 10.244.0.2.

use crate::apps::App;
use crate::cluster::apiserver::Object;
use crate::cluster::objects::{Container, ObjectMeta, Pod, PodSpec};
use crate::cluster::{images, Cluster, Key, NodeInfo};
use crate::map::Map;
use crate::net::netfilter::{Match, Rule, Target};
use crate::net::{
    kernel_mac_for, mac_for, Host, HostId, HostKind, Interface, Listener, Network, Route,
    RouteProto, SegmentId, Table,
};
use ipnet::Ipv4Net;
// Files stay a BTreeMap: the student's own loops can write thousands.
use std::collections::BTreeMap;
use std::net::Ipv4Addr;

mod proxy;
mod time;
pub use proxy::{Proxied, ProxyLeg};
pub use time::RequestRun;

/// The most nodes a world can have: node01 … node09 keep the article's
/// addressing (192.168.1.2 … 192.168.1.10 would collide with the laptop at .10).
pub const MAX_NODES: u8 = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorldOptions {
    pub nodes: u8,
    /// A cloud provider's load balancer controller is present.
    pub cloud: bool,
    pub seed: u64,
    /// The pod network's plugin.
    pub cni: Cni,
    /// The Gateway API's CRDs and Traefik, which implements them (and
    /// serves Ingress), are installed, as `helm install traefik` leaves them.
    pub gateway: bool,
}

impl Default for WorldOptions {
    fn default() -> Self {
        WorldOptions {
            nodes: 1,
            cloud: false,
            seed: 1,
            cni: Cni::Flannel,
            gateway: false,
        }
    }
}

pub use crate::cluster::cni::Cni;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OptionsError {
    NodeCount(u8),
}

impl std::fmt::Display for OptionsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OptionsError::NodeCount(n) => {
                write!(f, "--nodes must be between 1 and {MAX_NODES}, got {n}")
            }
        }
    }
}

impl std::error::Error for OptionsError {}

/// Work for each rule kube-proxy renders anew (its chain names are
/// SHA-256 hashes) and for each rule a sync copies and installs.
const RENDER_COST: usize = 200;
const INSTALL_COST: usize = 180;
/// Work for each rule of Felix's chains at a sync: measured in a debug
/// build, a loop of policy applies spent the line's work budget in 21 s
/// at 380 units a rule, where other work reaches it in about 5.5 s; four
/// times that keeps a command line on Canal as short as elsewhere.
const FELIX_RULE_COST: usize = 1_500;

/// Where a pod runs and what it runs: node, address, and (image, args) of
/// each container that is running a server.
type PodPlan = (String, Ipv4Addr, Vec<(String, Vec<String>)>);

/// The most steps one [`World::advance_to`] takes: a day of a crash-looping
/// pod with probes is a few thousand; beyond this the clock jumps ahead
/// and the kubelets carry on from there.
pub const MAX_STEPS: usize = 20_000;

/// The most log lines a container keeps (the kubelet rotates its logs).
pub const MAX_LOG_LINES: usize = 2_000;

/// A host a student can log in to, and what its shell knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Machine {
    pub host: HostId,
    pub user: String,
    /// `/etc/hosts`: name → address.
    pub etc_hosts: Vec<(String, Ipv4Addr)>,
    /// A tiny filesystem: path → contents.
    pub files: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct World {
    pub options: WorldOptions,
    pub net: Network,
    pub machines: Vec<Machine>,
    pub cluster: Cluster,
    /// The network namespace of each pod that has one.
    pub pod_hosts: Map<Key, HostId>,
    pub lan: SegmentId,
    /// The simulated time the cluster has been brought up to (ms since the
    /// session began; negative before it).
    pub clock: crate::time::Millis,
    /// The kubelets' probes' source ports: a generator of their own, so
    /// that how long a student waits never shifts the session's choices.
    probe_rng: crate::rng::SimRng,
    /// The cluster's version the network was last built from.
    synced: u64,
    /// Each pod's container restarts when its files were last laid out: a
    /// restarted container starts from its image again.
    instances: Map<Key, u32>,
    /// kube-proxy's rules of each node as last rendered (only what changed
    /// is rendered again).
    proxy_cache: crate::cluster::kubeproxy::RenderCache,
    /// Traefik's load balancers: each router's earliest-deadline-first
    /// schedule over its backends, and each service's next server.
    pub(crate) traefik_lb: proxy::Balancers,
}

pub const LAN: &str = "192.168.1.0/24";
pub const ROUTER_IP: Ipv4Addr = Ipv4Addr::new(192, 168, 1, 1);
pub const LAPTOP_IP: Ipv4Addr = Ipv4Addr::new(192, 168, 1, 10);
/// The home router's address on its uplink.
pub const ROUTER_WAN_IP: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 2);
pub const CLUSTER_CIDR: &str = "10.244.0.0/16";
/// The simulated cloud's load balancer host (worlds with `cloud: true`).
pub const LB_HOST: &str = "cloud-lb";
/// The article's pod was deployed six minutes before the lesson starts.
pub const ARTICLE_POD_AGE_MS: i64 = -6 * 60 * 1000;

/// node01's address is 192.168.1.2, node02's .3, and so on.
pub fn node_ip(index: u8) -> Ipv4Addr {
    Ipv4Addr::new(192, 168, 1, 1 + index)
}

pub fn node_name(index: u8) -> String {
    format!("node{index:02}")
}

/// node01 owns 10.244.0.0/24, node02 10.244.1.0/24, …
pub fn node_pod_cidr(index: u8) -> Ipv4Net {
    Ipv4Net::new(Ipv4Addr::new(10, 244, index - 1, 0), 24).expect("valid /24")
}

fn iface(
    name: &str,
    owner: &str,
    addr: Option<&str>,
    segment: Option<SegmentId>,
    mtu: u32,
) -> Interface {
    Interface {
        name: name.to_string(),
        addr: addr.map(|a| a.parse().expect("literal address")),
        segment,
        mac: mac_for(&format!("{owner}/{name}")),
        mtu,
        master: None,
        peer_index: None,
        vxlan: None,
        proxy_arp: false,
    }
}

/// A route a CNI plugin adds (proto boot, printed without `proto`).
fn boot_route(dest: Ipv4Net, via: Option<Ipv4Addr>, dev: &str) -> Route {
    Route {
        dest,
        via,
        dev: dev.to_string(),
        proto: RouteProto::Boot,
        src: None,
        metric: None,
        onlink: false,
    }
}

fn kernel_route(dest: Ipv4Net, dev: &str, src: Ipv4Addr, metric: Option<u32>) -> Route {
    Route {
        dest,
        via: None,
        dev: dev.to_string(),
        proto: RouteProto::Kernel,
        src: Some(src),
        metric,
        onlink: false,
    }
}

impl World {
    /// The hosts and a freshly set-up cluster, with no workload yet.
    pub fn empty(options: WorldOptions) -> Result<World, OptionsError> {
        if options.nodes == 0 || options.nodes > MAX_NODES {
            return Err(OptionsError::NodeCount(options.nodes));
        }
        let mut net = Network::default();
        let lan = net.add_segment("lan");
        let wan = net.add_segment("wan");
        let lan_net: Ipv4Net = LAN.parse().expect("literal");

        // The home router: forwards between the LAN and its uplink, and drops
        // private destinations on the way out, as an ISP edge does.
        let mut router = Host::new("router", HostKind::Router);
        router.forwarding = true;
        router.interfaces.push(iface(
            "eth0",
            "router",
            Some("192.168.1.1/24"),
            Some(lan),
            1500,
        ));
        router.interfaces.push(iface(
            "wan0",
            "router",
            Some("203.0.113.2/24"),
            Some(wan),
            1500,
        ));
        router.routes.add(Route {
            dest: "0.0.0.0/0".parse().expect("literal"),
            via: Some(Ipv4Addr::new(203, 0, 113, 1)),
            dev: "wan0".into(),
            proto: RouteProto::Dhcp,
            src: None,
            metric: None,
            onlink: false,
        });
        router
            .routes
            .add(kernel_route(lan_net, "eth0", ROUTER_IP, None));
        router.routes.add(kernel_route(
            "203.0.113.0/24".parse().expect("literal"),
            "wan0",
            Ipv4Addr::new(203, 0, 113, 2),
            None,
        ));
        for private in ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] {
            router.netfilter.append(
                Table::Filter,
                "FORWARD",
                Rule::new(
                    vec![
                        Match::Destination {
                            negated: false,
                            net: private.parse().expect("literal"),
                        },
                        Match::OutInterface {
                            negated: false,
                            name: "wan0".into(),
                        },
                        Match::Comment(
                            "private destinations are not routed on the internet".into(),
                        ),
                    ],
                    Target::Drop,
                ),
            );
        }
        router.listeners.push(Listener {
            addr: Some(ROUTER_IP),
            ..Listener::tcp(80, "lighttpd", App::RouterAdmin)
        });
        // The laptop and the nodes have talked to their gateway before (the
        // nodes pulled their images through it): it is in their ARP tables.
        let router_mac = router.interfaces[0].mac;
        net.add_host(router);

        // The student's laptop.
        let mut laptop = Host::new("laptop", HostKind::Laptop);
        laptop.interfaces.push(iface(
            "eth0",
            "laptop",
            Some("192.168.1.10/24"),
            Some(lan),
            1500,
        ));
        laptop.routes.add(Route {
            dest: "0.0.0.0/0".parse().expect("literal"),
            via: Some(ROUTER_IP),
            dev: "eth0".into(),
            proto: RouteProto::Dhcp,
            src: Some(LAPTOP_IP),
            metric: Some(100),
            onlink: false,
        });
        laptop
            .routes
            .add(kernel_route(lan_net, "eth0", LAPTOP_IP, Some(100)));
        laptop.learn(ROUTER_IP, "eth0", Some(router_mac), None);
        let laptop_id = net.add_host(laptop);

        // flannel's overlay: every node's flannel.1 is a VTEP on it.
        let overlay = net.add_segment("vxlan");
        let mut machines = vec![];
        let mut laptop_hosts = vec![];
        let mut node_ids = vec![];
        for i in 1..=options.nodes {
            let name = node_name(i);
            let ip = node_ip(i);
            let pod_cidr = node_pod_cidr(i);
            let gw = pod_cidr.hosts().next().expect("a /24 has hosts");
            let mut node = Host::new(&name, HostKind::Node);
            node.forwarding = true;
            node.interfaces.push(iface(
                "eth0",
                &name,
                Some(&format!("{ip}/24")),
                Some(lan),
                1500,
            ));
            // flanneld creates flannel.1 before the first pod makes cni0.
            node.interfaces.push(crate::cluster::flannel::vxlan_device(
                &name, ip, pod_cidr, overlay,
            ));
            // flannel's CNI plugin bridges the node's pods on cni0; Calico's
            // (Canal) routes each pod's veth instead, with no bridge.
            if options.cni == Cni::Flannel {
                let bridge = net.add_segment(&format!("cni0@{name}"));
                let mut cni0 = iface(
                    "cni0",
                    &name,
                    Some(&format!("{gw}/24")),
                    Some(bridge),
                    crate::cluster::flannel::MTU,
                );
                cni0.mac = kernel_mac_for(&format!("{name}/cni0"));
                node.interfaces.push(cni0);
            }
            node.routes.add(Route {
                dest: "0.0.0.0/0".parse().expect("literal"),
                via: Some(ROUTER_IP),
                dev: "eth0".into(),
                proto: RouteProto::Static,
                src: None,
                metric: None,
                onlink: false,
            });
            if options.cni == Cni::Flannel {
                node.routes.add(kernel_route(pod_cidr, "cni0", gw, None));
            }
            node.routes.add(kernel_route(lan_net, "eth0", ip, None));
            node.learn(ROUTER_IP, "eth0", Some(router_mac), None);
            crate::cluster::flannel::install(
                &mut node,
                pod_cidr,
                CLUSTER_CIDR.parse().expect("literal CIDR"),
            );
            // flannel's vxlan leases: every other node's pod subnet
            // through its VTEP.
            for j in 1..=options.nodes {
                if j != i {
                    crate::cluster::flannel::add_lease(
                        &mut node,
                        &node_name(j),
                        node_ip(j),
                        node_pod_cidr(j),
                    );
                }
            }
            node.listeners.push(Listener::tcp(22, "sshd", App::Sshd));
            node.listeners
                .push(Listener::tcp(10250, "kubelet", App::Other));
            // What else a kubeadm node listens on (`ss -tlnp` shows it).
            let local = |port: u16, process: &str, addr: Ipv4Addr| Listener {
                addr: Some(addr),
                ..Listener::tcp(port, process, App::Other)
            };
            let lo = Ipv4Addr::LOCALHOST;
            for proto in [
                crate::net::netfilter::Protocol::Tcp,
                crate::net::netfilter::Protocol::Udp,
            ] {
                for stub in [Ipv4Addr::new(127, 0, 0, 53), Ipv4Addr::new(127, 0, 0, 54)] {
                    node.listeners.push(Listener {
                        proto,
                        ..local(53, "systemd-resolve", stub)
                    });
                }
            }
            node.listeners.push(local(10248, "kubelet", lo));
            node.listeners.push(local(10249, "kube-proxy", lo));
            node.listeners
                .push(Listener::tcp(10256, "kube-proxy", App::Other));
            node.listeners
                .push(local(34000 + u16::from(i) * 137 % 1000, "containerd", lo));
            if i == 1 {
                node.listeners
                    .push(Listener::tcp(6443, "kube-apiserver", App::Other));
                node.listeners.push(local(2379, "etcd", ip));
                node.listeners.push(local(2379, "etcd", lo));
                node.listeners.push(local(2380, "etcd", ip));
                node.listeners.push(local(2381, "etcd", lo));
                node.listeners.push(local(10257, "kube-controller", lo));
                node.listeners.push(local(10259, "kube-scheduler", lo));
            }
            let id = net.add_host(node);
            node_ids.push(id);
            laptop_hosts.push((name.clone(), ip));
        }
        let mut all_hosts = laptop_hosts.clone();
        all_hosts.insert(0, ("laptop".to_string(), LAPTOP_IP));

        machines.push(Machine {
            host: laptop_id,
            user: "student".into(),
            etc_hosts: laptop_hosts,
            files: ubuntu_resolv_conf(),
        });
        for id in &node_ids {
            machines.push(Machine {
                host: *id,
                user: "student".into(),
                etc_hosts: all_hosts.clone(),
                files: ubuntu_resolv_conf(),
            });
        }

        if options.cloud {
            // The cloud's load balancer: public addresses on the uplink side,
            // and a leg on the nodes' network to reach their NodePorts.
            let mut lb = Host::new(LB_HOST, HostKind::LoadBalancer);
            lb.forwarding = true;
            lb.interfaces.push(iface(
                "eth0",
                LB_HOST,
                Some("192.168.1.250/24"),
                Some(lan),
                1500,
            ));
            lb.interfaces.push(iface(
                "wan0",
                LB_HOST,
                Some("203.0.113.99/24"),
                Some(wan),
                1500,
            ));
            lb.routes.add(Route {
                dest: "0.0.0.0/0".parse().expect("literal"),
                via: Some(Ipv4Addr::new(203, 0, 113, 1)),
                dev: "wan0".into(),
                proto: RouteProto::Static,
                src: None,
                metric: None,
                onlink: false,
            });
            lb.routes.add(kernel_route(
                lan_net,
                "eth0",
                Ipv4Addr::new(192, 168, 1, 250),
                None,
            ));
            lb.routes.add(kernel_route(
                "203.0.113.0/24".parse().expect("literal"),
                "wan0",
                Ipv4Addr::new(203, 0, 113, 99),
                None,
            ));
            // Clients come from the internet: the answers to the laptop go
            // back out the way they came, through the home router, and not
            // over the leg the load balancer keeps on the nodes' network.
            lb.routes.add(Route {
                dest: Ipv4Net::new(LAPTOP_IP, 32).expect("/32"),
                via: Some(ROUTER_WAN_IP),
                dev: "wan0".into(),
                proto: RouteProto::Static,
                src: None,
                metric: None,
                onlink: false,
            });
            net.add_host(lb);
        }
        let nodes = (1..=options.nodes)
            .map(|i| NodeInfo {
                name: node_name(i),
                ip: node_ip(i),
                pod_cidr: node_pod_cidr(i),
                created_ms: crate::cluster::CLUSTER_AGE_MS,
            })
            .collect();
        let cluster = Cluster::bootstrap(
            nodes,
            options.cloud,
            options.cni,
            options.gateway,
            options.seed,
        );
        let mut world = World {
            options,
            net,
            machines,
            cluster,
            pod_hosts: Map::new(),
            lan,
            clock: crate::cluster::CLUSTER_AGE_MS,
            probe_rng: crate::rng::SimRng::new(options.seed ^ 0x7072_6f62),
            synced: 0,
            proxy_cache: Default::default(),
            instances: Map::new(),
            traefik_lb: Default::default(),
        };
        world.sync();
        // The cluster's own pods have long been running when a lesson's
        // world is set up.
        world.advance_to(ARTICLE_POD_AGE_MS);
        Ok(world)
    }

    /// The article's world: [`World::empty`] plus `myapp-pod` (nginx,
    /// `app=myapp`, `type=front-end`) on node01 at 10.244.0.2.
    pub fn new(options: WorldOptions) -> Result<World, OptionsError> {
        let mut world = World::empty(options)?;
        // The article's web pod, deployed a few minutes before the lesson starts.
        world.run_pod(
            "myapp-pod",
            &[("app", "myapp"), ("type", "front-end")],
            Some(1),
            "nginx",
            ARTICLE_POD_AGE_MS,
        );
        Ok(world)
    }

    /// Creates a pod through the apiserver (scheduled on `node_index` if
    /// given) and gives it its network namespace.
    pub fn run_pod(
        &mut self,
        name: &str,
        labels: &[(&str, &str)],
        node_index: Option<u8>,
        image: &str,
        now: i64,
    ) -> Option<Ipv4Addr> {
        let pod = Pod {
            metadata: ObjectMeta {
                name: name.to_string(),
                namespace: Some("default".into()),
                labels: labels
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                ..Default::default()
            },
            spec: PodSpec {
                containers: vec![Container {
                    name: name.to_string(),
                    image: image.to_string(),
                    ..Default::default()
                }],
                node_name: node_index.map(node_name),
                ..Default::default()
            },
            ..Default::default()
        };
        if now > self.clock {
            self.advance_to(now);
        }
        self.cluster.create(Object::Pod(pod), now).ok()?;
        self.sync();
        // Until it runs (and is ready, if it has a probe).
        self.settle(60_000);
        self.cluster
            .pods
            .get(&("default".to_string(), name.to_string()))
            .and_then(|p| p.status.pod_ip.as_deref())
            .and_then(|ip| ip.parse().ok())
    }

    /// Brings the network in line with the cluster: a network namespace for
    /// every pod with an address, none for pods that are gone, and
    /// kube-proxy's rules on every node.
    pub fn sync(&mut self) {
        self.synced = self.cluster.version();
        self.cluster.spend(self.cluster.pods.len() * 80);
        let wanted: Map<Key, PodPlan> = self
            .cluster
            .pods
            .iter()
            .filter(|(_, p)| p.spec.host_network != Some(true))
            .filter_map(|(k, p)| {
                let ip = p.status.pod_ip.as_deref()?.parse().ok()?;
                let node = p.spec.node_name.clone()?;
                let images = p
                    .spec
                    .containers
                    .iter()
                    .zip(&p.status.runtime.containers)
                    .filter(|(c, rt)| {
                        rt.running() && images::main_process(c) == images::MainProcess::Serves
                    })
                    .map(|(c, _)| (c.image.clone(), c.args.clone()))
                    .collect();
                Some((k.clone(), (node, ip, images)))
            })
            .collect();
        let gone: Vec<Key> = self
            .pod_hosts
            .keys()
            .filter(|k| !wanted.contains_key(*k))
            .cloned()
            .collect();
        for k in gone {
            self.instances.remove(&k);
            if let Some(id) = self.pod_hosts.remove(&k) {
                self.detach_pod(id);
            }
        }
        for (k, (node, ip, images)) in wanted {
            if !self.pod_hosts.contains_key(&k) {
                let files = self
                    .cluster
                    .pods
                    .get(&k)
                    .map(|p| pod_files(&k.0, p, ip))
                    .unwrap_or_default();
                let attached = match self.options.cni {
                    Cni::Flannel => self.attach_pod(&k.1, &node, ip, files),
                    Cni::Canal => self.attach_pod_routed(&k.0, &k.1, &node, ip, files),
                };
                if let Some(id) = attached {
                    self.pod_hosts.insert(k.clone(), id);
                }
            }
            // A container that restarted writes on a fresh filesystem.
            let restarts: u32 = self.cluster.pods.get(&k).map_or(0, |p| {
                p.status.runtime.containers.iter().map(|c| c.restarts).sum()
            });
            if self.instances.get(&k).is_some_and(|r| *r != restarts) {
                let files = self
                    .cluster
                    .pods
                    .get(&k)
                    .map(|p| pod_files(&k.0, p, ip))
                    .unwrap_or_default();
                if let Some(id) = self.pod_hosts.get(&k).copied() {
                    if let Some(m) = self.machine_mut(id) {
                        m.files = files;
                    }
                }
            }
            self.instances.insert(k.clone(), restarts);
            if let Some(id) = self.pod_hosts.get(&k) {
                let listeners = images
                    .iter()
                    .filter_map(|(i, a)| images::known(i, a))
                    .flatten()
                    .map(|p| Listener {
                        proto: p.proto,
                        addr: None,
                        port: p.port,
                        process: p.process.to_string(),
                        app: p.app,
                    })
                    .collect();
                self.net.host_mut(*id).listeners = listeners;
            }
        }
        self.program_nodes();
    }

    /// kube-proxy's sync on every node: its rules, and the health-check
    /// server it runs for each `externalTrafficPolicy: Local` LoadBalancer.
    fn program_nodes(&mut self) {
        let services = self.cluster.proxy_view_counted();
        let cidr: Ipv4Net = CLUSTER_CIDR.parse().expect("literal CIDR");
        let nodes: Vec<(String, HostId)> = self
            .cluster
            .nodes
            .iter()
            .filter_map(|n| self.net.host_id(&n.name).map(|id| (n.name.clone(), id)))
            .collect();
        for (name, id) in nodes {
            let node = crate::cluster::proxy_model::ProxyNode {
                ip: self.cluster.node(&name).map(|n| n.ip),
                name: name.clone(),
                cluster_cidr: cidr,
            };
            let (rules, rendered) = self.proxy_cache.render(&node, &services);
            // Rendering a rule hashes its chain names; every rule is then
            // copied into the sync and compared with what is installed.
            self.cluster
                .spend(RENDER_COST * rendered + INSTALL_COST * rules.rule_count());
            let host = self.net.host_mut(id);
            crate::cluster::kubeproxy::install(host, &rules);
            if self.options.cni == Cni::Canal {
                // Felix writes its chains beside kube-proxy's, its jumps first.
                let felix = crate::cluster::felix::render(&self.cluster, &name);
                // Felix renders, hashes and installs every rule of every
                // chain at each sync.
                let rules: usize = felix.chains.values().map(|c| c.rules.len()).sum();
                self.cluster.spend(FELIX_RULE_COST * rules);
                crate::cluster::felix::install(host, &felix);
            }
            // The health-check servers: one per Service, counting this node's
            // ready endpoints (the first port's, as kube-proxy keeps one per Service).
            host.listeners
                .retain(|l| !matches!(l.app, App::ServiceHealth { .. }));
            let mut seen = vec![];
            for svc in services
                .iter()
                .filter(|s| s.health_check_node_port.is_some())
            {
                let key = (svc.namespace.clone(), svc.name.clone());
                if seen.contains(&key) {
                    continue;
                }
                seen.push(key);
                let local = svc
                    .endpoints
                    .iter()
                    .filter(|e| e.ready && e.node == name)
                    .count();
                host.listeners.push(Listener::tcp(
                    svc.health_check_node_port.unwrap_or_default(),
                    "kube-proxy",
                    App::ServiceHealth {
                        namespace: svc.namespace.clone(),
                        name: svc.name.clone(),
                        local_endpoints: local,
                    },
                ));
            }
        }
        self.program_load_balancer();
    }

    /// The nodes the cloud load balancer sends a Service to: for an
    /// `externalTrafficPolicy: Local` Service, those whose health-check port
    /// answers 200 to the load balancer's probe (all of them if none does,
    /// as cloud load balancers fail open); otherwise every node.
    fn healthy_nodes(
        &mut self,
        lb: HostId,
        svc: &crate::cluster::objects::Service,
    ) -> Vec<Ipv4Addr> {
        let all: Vec<Ipv4Addr> = self.cluster.nodes.iter().map(|n| n.ip).collect();
        let Some(port) = svc
            .spec
            .health_check_node_port
            .and_then(|p| u16::try_from(p).ok())
            .filter(|_| svc.spec.external_traffic_policy.as_deref() == Some("Local"))
        else {
            return all;
        };
        // The probes are deterministic and leave nothing the student sees.
        let mut rng = crate::rng::SimRng::new(u64::from(port));
        let healthy: Vec<Ipv4Addr> = all
            .iter()
            .copied()
            .filter(|node| {
                let r = self.net.connect(
                    lb,
                    40000,
                    std::net::SocketAddrV4::new(*node, port),
                    0,
                    &mut rng,
                );
                match r.outcome {
                    crate::net::ConnectOutcome::Established {
                        listener,
                        server_addr,
                        peer_seen_by_server,
                        ..
                    } => {
                        let req = crate::apps::HttpRequest {
                            method: "GET".into(),
                            path: "/healthz".into(),
                            host_header: format!("{server_addr}"),
                            user_agent: "GoogleHC/1.0".into(),
                            headers: vec![],
                        };
                        let ctx = crate::apps::ServerCtx {
                            hostname: String::new(),
                            addrs: vec![*server_addr.ip()],
                            remote: peer_seen_by_server,
                        };
                        listener
                            .app
                            .http(&req, crate::time::EPOCH_UNIX, &ctx)
                            .is_some_and(|resp| resp.status == 200)
                    }
                    _ => false,
                }
            })
            .collect();
        if healthy.is_empty() {
            all
        } else {
            healthy
        }
    }

    /// The cloud load balancer's configuration: each LoadBalancer Service's
    /// external IP is an address of the LB host; a connection from a source
    /// its `loadBalancerSourceRanges` (or their annotation) allow is
    /// forwarded to the Service's NodePort on a healthy node chosen at
    /// random, and one from anywhere else is dropped by the cloud's firewall.
    fn program_load_balancer(&mut self) {
        let Some(lb) = self.net.host_id(LB_HOST) else {
            return;
        };
        let wan = self.net.host(lb).iface("wan0").and_then(|i| i.segment);
        let mut addrs: Vec<Ipv4Addr> = vec![];
        let mut rules = vec![];
        let mut firewall = vec![];
        let services: Vec<crate::cluster::objects::Service> = self
            .cluster
            .services
            .values()
            .filter(|s| s.type_name() == "LoadBalancer")
            .cloned()
            .collect();
        for svc in services {
            let node_ips = self.healthy_nodes(lb, &svc);
            let ranges = crate::cluster::validation::load_balancer_source_ranges(&svc);
            let ranges: Vec<Option<Ipv4Net>> =
                if ranges.is_empty() || ranges.iter().any(|r| r.prefix_len() == 0) {
                    vec![None]
                } else {
                    ranges.into_iter().map(Some).collect()
                };
            let svc_name = format!(
                "{}/{}",
                svc.metadata.namespace.as_deref().unwrap_or("default"),
                svc.metadata.name
            );
            for ing in &svc.status.load_balancer.ingress {
                let Some(ip) = ing.ip.as_deref().and_then(|i| i.parse::<Ipv4Addr>().ok()) else {
                    continue;
                };
                addrs.push(ip);
                for p in &svc.spec.ports {
                    let Some(np) = p.node_port.and_then(|n| u16::try_from(n).ok()) else {
                        continue;
                    };
                    let vip = vec![
                        Match::Destination {
                            negated: false,
                            net: Ipv4Net::new(ip, 32).expect("/32"),
                        },
                        Match::Protocol(crate::net::netfilter::Protocol::Tcp),
                    ];
                    for range in &ranges {
                        let n = node_ips.len();
                        for (i, node) in node_ips.iter().enumerate() {
                            let mut m = vec![];
                            if let Some(r) = range {
                                m.push(Match::Source {
                                    negated: false,
                                    net: *r,
                                });
                            }
                            m.extend(vip.clone());
                            m.push(Match::Comment(format!("{svc_name} load balancer")));
                            m.push(Match::Tcp {
                                dport: Some(p.port as u16),
                            });
                            if i + 1 < n {
                                m.push(Match::Statistic(
                                    crate::net::netfilter::Probability::one_in(n - i),
                                ));
                            }
                            rules.push(Rule::new(
                                m,
                                Target::Dnat {
                                    to: *node,
                                    port: Some(np),
                                },
                            ));
                        }
                    }
                    if ranges.iter().any(Option::is_some) {
                        // What no range let through is still addressed to the
                        // load balancer itself: the firewall drops it.
                        let mut m = vip.clone();
                        m.push(Match::Comment(format!(
                            "{svc_name} source not in loadBalancerSourceRanges"
                        )));
                        m.push(Match::Tcp {
                            dport: Some(p.port as u16),
                        });
                        firewall.push(Rule::new(m, Target::Drop));
                    }
                }
            }
        }
        let host = self.net.host_mut(lb);
        host.interfaces.retain(|i| !i.name.starts_with("lb"));
        for (i, a) in addrs.iter().enumerate() {
            host.interfaces.push(Interface {
                name: format!("lb{i}"),
                addr: Some(Ipv4Net::new(*a, 24).expect("/24")),
                segment: wan,
                mac: mac_for(&format!("{LB_HOST}/lb{i}")),
                mtu: 1500,
                master: None,
                peer_index: None,
                vxlan: None,
                proxy_arp: false,
            });
        }
        let mut nat = Map::new();
        nat.insert(
            "PREROUTING".to_string(),
            crate::net::netfilter::Chain {
                policy: Some(crate::net::netfilter::Policy::Accept),
                rules,
            },
        );
        nat.insert(
            "POSTROUTING".to_string(),
            crate::net::netfilter::Chain {
                policy: Some(crate::net::netfilter::Policy::Accept),
                rules: vec![Rule::new(
                    vec![Match::OutInterface {
                        negated: false,
                        name: "eth0".into(),
                    }],
                    Target::Masquerade {
                        random_fully: false,
                    },
                )],
            },
        );
        host.netfilter
            .replace_user_chains(Table::Nat, |_| false, nat);
        let mut filter = Map::new();
        filter.insert(
            "INPUT".to_string(),
            crate::net::netfilter::Chain {
                policy: Some(crate::net::netfilter::Policy::Accept),
                rules: firewall,
            },
        );
        host.netfilter
            .replace_user_chains(Table::Filter, |_| false, filter);
    }

    /// A pod's network namespace: a veth into its node's `cni0` bridge.
    fn attach_pod(
        &mut self,
        name: &str,
        node: &str,
        ip: Ipv4Addr,
        files: BTreeMap<String, String>,
    ) -> Option<HostId> {
        let node_id = self.net.host_id(node)?;
        let cidr = self.cluster.node(node)?.pod_cidr;
        let bridge = self
            .net
            .host(node_id)
            .iface("cni0")
            .and_then(|i| i.segment)?;
        let gw = cidr.hosts().next()?;
        let routes = vec![
            boot_route("0.0.0.0/0".parse().expect("literal"), Some(gw), "eth0"),
            kernel_route(cidr, "eth0", ip, None),
            // flannel's CNI config routes the whole pod network through the
            // bridge as well (its ipam `routes`), as every flannel pod shows.
            boot_route(CLUSTER_CIDR.parse().expect("literal"), Some(gw), "eth0"),
        ];
        let eth0 = format!("{ip}/{}", cidr.prefix_len());
        let pod_id = self.add_pod_namespace(name, node_id, &eth0, bridge, routes, ip, files);
        let (a, b) = (
            mac_for(&format!("{name}/{ip}")),
            mac_for(&format!("{ip}/{name}")),
        );
        let veth_name = format!("veth{:08x}", u32::from_be_bytes([a[3], a[4], a[5], b[5]]));
        self.net.host_mut(node_id).interfaces.push(Interface {
            name: veth_name,
            addr: None,
            segment: None,
            mac: kernel_mac_for(&format!("{name}/veth")),
            mtu: crate::cluster::flannel::MTU,
            master: Some("cni0".into()),
            peer_index: Some(2),
            vxlan: None,
            proxy_arp: false,
        });
        Some(pod_id)
    }

    /// A pod's network namespace as Calico's CNI plugin makes it (Canal):
    /// a veth whose node end, `cali` + 11 hex digits of the SHA-1 of
    /// `namespace.pod`, has no address and answers ARP for anything
    /// (`ee:ee:ee:ee:ee:ee`, proxy ARP); the pod holds its address as a /32
    /// and reaches everything through 169.254.1.1, an address nobody owns;
    /// the node routes the pod's /32 to the veth.
    fn attach_pod_routed(
        &mut self,
        ns: &str,
        name: &str,
        node: &str,
        ip: Ipv4Addr,
        files: BTreeMap<String, String>,
    ) -> Option<HostId> {
        let node_id = self.net.host_id(node)?;
        let veth = crate::cluster::felix::veth_name(ns, name);
        let link = self.net.add_segment(&format!("{veth}@{node}"));
        let gateway = crate::cluster::felix::POD_GATEWAY;
        let routes = vec![
            boot_route("0.0.0.0/0".parse().expect("literal"), Some(gateway), "eth0"),
            boot_route(Ipv4Net::new(gateway, 32).expect("a /32"), None, "eth0"),
        ];
        let pod_id =
            self.add_pod_namespace(name, node_id, &format!("{ip}/32"), link, routes, ip, files);
        let host = self.net.host_mut(node_id);
        host.interfaces.push(Interface {
            name: veth.clone(),
            addr: None,
            segment: Some(link),
            mac: [0xee; 6],
            mtu: crate::cluster::flannel::MTU,
            master: None,
            peer_index: Some(2),
            vxlan: None,
            proxy_arp: true,
        });
        host.routes.add(boot_route(
            Ipv4Net::new(ip, 32).expect("a /32"),
            None,
            &veth,
        ));
        Some(pod_id)
    }

    /// A pod's network namespace whichever the CNI: `eth0` with `addr` on
    /// `segment` (its peer the next interface of `node_id`), `routes`, and
    /// the pod's machine with its files.
    #[allow(clippy::too_many_arguments)]
    fn add_pod_namespace(
        &mut self,
        name: &str,
        node_id: HostId,
        addr: &str,
        segment: SegmentId,
        routes: Vec<Route>,
        ip: Ipv4Addr,
        files: BTreeMap<String, String>,
    ) -> HostId {
        let mut pod = Host::new(name, HostKind::Pod);
        let mut eth0 = iface(
            "eth0",
            name,
            Some(addr),
            Some(segment),
            crate::cluster::flannel::MTU,
        );
        // A pod's eth0 is a veth: the kernel's random address.
        eth0.mac = kernel_mac_for(&format!("{name}/eth0"));
        let node_ifaces = self.net.host(node_id).interfaces.len() as u32;
        eth0.peer_index = Some(node_ifaces + 2);
        pod.interfaces.push(eth0);
        for route in routes {
            pod.routes.add(route);
        }
        let pod_id = self.net.add_host(pod);
        self.machines.push(Machine {
            host: pod_id,
            user: "root".into(),
            etc_hosts: vec![(name.to_string(), ip)],
            files,
        });
        pod_id
    }

    /// Tears a pod's namespace down. Host ids stay stable (the slot remains,
    /// with no interfaces), so nothing else needs renumbering.
    fn detach_pod(&mut self, id: HostId) {
        let name = self.net.host(id).name.clone();
        let veth_mac = kernel_mac_for(&format!("{name}/veth"));
        let h = self.net.host_mut(id);
        let segments: Vec<SegmentId> = h.interfaces.iter().filter_map(|i| i.segment).collect();
        h.interfaces.clear();
        h.listeners.clear();
        h.routes = crate::net::RoutingTable::new();
        for n in self
            .net
            .hosts
            .iter_mut()
            .filter(|h| h.kind == HostKind::Node)
        {
            n.interfaces
                .retain(|i| !(i.master.is_some() && i.mac == veth_mac));
            // Calico's veth, on the pod's own link, and its /32 route.
            let gone: Vec<String> = n
                .interfaces
                .iter()
                .filter(|i| i.proxy_arp && i.segment.is_some_and(|s| segments.contains(&s)))
                .map(|i| i.name.clone())
                .collect();
            n.interfaces.retain(|i| !gone.contains(&i.name));
            n.routes.remove_matching(|r| gone.contains(&r.dev));
        }
    }

    /// The network namespace of a pod in `default` (or any namespace, by name).
    pub fn pod_host(&self, name: &str) -> Option<HostId> {
        self.pod_hosts
            .get(&("default".to_string(), name.to_string()))
            .or_else(|| {
                self.pod_hosts
                    .iter()
                    .find(|(k, _)| k.1 == name)
                    .map(|(_, v)| v)
            })
            .copied()
    }

    pub fn machine(&self, host: HostId) -> Option<&Machine> {
        self.machines.iter().find(|m| m.host == host)
    }

    pub fn machine_mut(&mut self, host: HostId) -> Option<&mut Machine> {
        self.machines.iter_mut().find(|m| m.host == host)
    }

    pub fn laptop(&self) -> HostId {
        self.net
            .host_id("laptop")
            .expect("every world has a laptop")
    }

    pub fn nodes(&self) -> impl Iterator<Item = (HostId, &Host)> {
        self.net
            .hosts
            .iter()
            .enumerate()
            .filter(|(_, h)| h.kind == HostKind::Node)
    }

    /// The picture of the world the UI draws.
    pub fn topology(&self) -> Topology {
        let mut hosts = vec![];
        let node_of = |id: HostId| {
            self.pod_hosts
                .iter()
                .find(|(_, v)| **v == id)
                .and_then(|(k, _)| self.cluster.pods.get(k))
                .and_then(|p| p.spec.node_name.clone())
        };
        for (id, h) in self.net.hosts.iter().enumerate() {
            if h.kind == HostKind::Pod && h.interfaces.is_empty() {
                continue;
            }
            // The cluster's own pods (CoreDNS) are real, but not part of the lesson's picture.
            if self
                .pod_hosts
                .iter()
                .any(|(k, v)| *v == id && k.0 == "kube-system")
            {
                continue;
            }
            let parent = match h.kind {
                HostKind::Pod => node_of(id),
                _ => None,
            };
            hosts.push(TopoHost {
                name: h.name.clone(),
                kind: h.kind,
                addresses: h
                    .interfaces
                    .iter()
                    .filter_map(|i| i.addr.map(|a| (i.name.clone(), a.to_string())))
                    .collect(),
                links: h
                    .interfaces
                    .iter()
                    .filter_map(|i| {
                        i.segment
                            .map(|s| (i.name.clone(), self.net.segments[s].name.clone()))
                    })
                    .collect(),
                parent,
            });
        }
        let segments = self
            .net
            .segments
            .iter()
            .map(|s| TopoSegment {
                name: s.name.clone(),
            })
            .collect();
        Topology {
            services: self.topo_services(&hosts),
            hosts,
            segments,
        }
    }

    /// The Services the picture draws (not the cluster's own), from what
    /// kube-proxy sees: one entry per Service, its ports merged.
    fn topo_services(&self, hosts: &[TopoHost]) -> Vec<TopoService> {
        let pod_at = |ip: Ipv4Addr| {
            let cidr_ip = ip.to_string();
            hosts
                .iter()
                .filter(|h| h.kind == HostKind::Pod)
                .find(|h| {
                    h.addresses
                        .iter()
                        .any(|(_, a)| a.split('/').next() == Some(cidr_ip.as_str()))
                })
                .map(|h| h.name.clone())
        };
        // The node of an address: the node of the pod that has it, or the
        // node whose pod range holds it.
        let node_of = |ip: Ipv4Addr| {
            let text = ip.to_string();
            self.cluster
                .pods
                .values()
                .find(|p| {
                    p.spec.host_network != Some(true)
                        && p.status.pod_ip.as_deref() == Some(text.as_str())
                })
                .and_then(|p| p.spec.node_name.clone())
                .or_else(|| {
                    self.cluster
                        .nodes
                        .iter()
                        .find(|n| n.pod_cidr.contains(&ip) || n.ip == ip)
                        .map(|n| n.name.clone())
                })
                .unwrap_or_default()
        };
        let mut out: Vec<TopoService> = vec![];
        for p in self.cluster.proxy_view() {
            if p.namespace == "kube-system" || (p.namespace == "default" && p.name == "kubernetes")
            {
                continue;
            }
            let kind = self
                .cluster
                .services
                .get(&(p.namespace.clone(), p.name.clone()))
                .map(|s| s.type_name().to_string())
                .unwrap_or_else(|| "ClusterIP".into());
            let i = match out
                .iter()
                .position(|s| s.namespace == p.namespace && s.name == p.name)
            {
                Some(i) => i,
                None => {
                    out.push(TopoService {
                        namespace: p.namespace.clone(),
                        name: p.name.clone(),
                        kind,
                        cluster_ip: p.cluster_ip,
                        ports: vec![],
                        external_ips: p.load_balancer_ips.clone(),
                        endpoints: vec![],
                    });
                    out.len() - 1
                }
            };
            let svc = &mut out[i];
            svc.ports.push(TopoServicePort {
                port: p.port,
                node_port: p.node_port,
            });
            for e in &p.endpoints {
                if !svc
                    .endpoints
                    .iter()
                    .any(|x| x.ip == e.ip && x.port == e.port)
                {
                    // A slice written by hand may leave `nodeName` out:
                    // the node is where the address lives, all the same.
                    let node = if e.node.is_empty() {
                        node_of(e.ip)
                    } else {
                        e.node.clone()
                    };
                    svc.endpoints.push(TopoEndpoint {
                        pod: pod_at(e.ip),
                        ip: e.ip,
                        port: e.port,
                        node,
                    });
                }
            }
        }
        out
    }
}

/// Ubuntu 24.04's `/etc/resolv.conf`: systemd-resolved's stub.
fn ubuntu_resolv_conf() -> BTreeMap<String, String> {
    let text = "# This is /run/systemd/resolve/stub-resolv.conf managed by man:systemd-resolved(8).
# Do not edit.
#
# This file might be symlinked as /etc/resolv.conf. If you're looking at
# /etc/resolv.conf and seeing this text, you have followed the symlink.
#
# This is a dynamic resolv.conf file for connecting local clients to the
# internal DNS stub resolver of systemd-resolved. This file lists all
# configured search domains.
#
# Run \"resolvectl status\" to see details about the uplink DNS servers
# currently in use.
#
# Third party programs should typically not access this file directly, but only
# through the symlink at /etc/resolv.conf. To manage man:resolv.conf(5) in a
# different way, replace this symlink by a static file or a different symlink.
#
# See man:systemd-resolved.service(8) for details about the supported modes of
# operation for /etc/resolv.conf.

nameserver 127.0.0.53
options edns0 trust-ad
search .
";
    [("/etc/resolv.conf".to_string(), text.to_string())].into()
}

/// The files the kubelet writes into a pod: `/etc/resolv.conf` for its DNS
/// policy and config, and the managed `/etc/hosts`.
fn pod_files(namespace: &str, pod: &Pod, ip: Ipv4Addr) -> BTreeMap<String, String> {
    // `Default` gives the node's upstream resolver, as systemd-resolved
    // lists it for the kubelet.
    let resolv = crate::cluster::dns::pod_resolv_conf(
        namespace,
        pod.spec.dns_policy.as_ref().and_then(|v| v.as_str()),
        pod.spec.dns_config.as_ref(),
        ROUTER_IP,
    );
    let hostname = pod
        .spec
        .hostname
        .clone()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| pod.metadata.name.clone());
    let mut hosts = String::from("# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n");
    match pod.spec.subdomain.as_deref().filter(|s| !s.is_empty()) {
        Some(sub) => hosts.push_str(&format!(
            "{ip}\t{hostname}.{sub}.{namespace}.svc.{}\t{hostname}\n",
            crate::cluster::CLUSTER_DOMAIN
        )),
        None => hosts.push_str(&format!("{ip}\t{hostname}\n")),
    }
    [
        ("/etc/resolv.conf".to_string(), resolv),
        ("/etc/hosts".to_string(), hosts),
    ]
    .into()
}

/// What the UI needs to draw the world.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Topology {
    pub hosts: Vec<TopoHost>,
    pub segments: Vec<TopoSegment>,
    /// The Services of the cluster (not its own): virtual addresses that
    /// every node answers for, through kube-proxy's rules.
    pub services: Vec<TopoService>,
}

/// A Service as the picture draws it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopoService {
    pub namespace: String,
    pub name: String,
    /// `ClusterIP`, `NodePort`, `LoadBalancer`.
    pub kind: String,
    /// `None` for a headless Service.
    pub cluster_ip: Option<Ipv4Addr>,
    pub ports: Vec<TopoServicePort>,
    /// The load balancer's addresses, once a cloud gave some.
    pub external_ips: Vec<Ipv4Addr>,
    /// The ready endpoints kube-proxy sends to.
    pub endpoints: Vec<TopoEndpoint>,
}

impl TopoService {
    /// Whether a ready pod of the Service runs on `node`.
    pub fn has_endpoint_on(&self, node: &str) -> bool {
        self.endpoints.iter().any(|e| e.node == node)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TopoServicePort {
    pub port: u16,
    pub node_port: Option<u16>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopoEndpoint {
    /// The pod's host in [`Topology::hosts`], when it is one.
    pub pod: Option<String>,
    pub ip: Ipv4Addr,
    pub port: u16,
    /// The node it runs on.
    pub node: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopoHost {
    pub name: String,
    pub kind: HostKind,
    /// Interface name and address with prefix, e.g. (`eth0`, `192.168.1.2/24`).
    pub addresses: Vec<(String, String)>,
    /// For a pod: the node it runs on.
    pub parent: Option<String>,
    /// Interface name and the segment it is plugged into (`lan`, `wan`, `cni0@node01`).
    pub links: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopoSegment {
    /// `lan`, `wan`, or `cni0@node01`.
    pub name: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::ConnectOutcome;
    use crate::rng::SimRng;
    use std::net::SocketAddrV4;

    const POD: Ipv4Addr = Ipv4Addr::new(10, 244, 0, 2);

    fn world() -> World {
        World::new(WorldOptions::default()).unwrap()
    }

    fn connect(w: &mut World, from: &str, dst: Ipv4Addr, port: u16) -> ConnectOutcome {
        let id = w.net.host_id(from).or_else(|| w.pod_host(from)).unwrap();
        let mut rng = SimRng::new(3);
        w.net
            .connect(id, 40000, SocketAddrV4::new(dst, port), 0, &mut rng)
            .outcome
    }

    #[test]
    fn laptop_cannot_reach_the_pod_the_router_drops_it() {
        let mut w = world();
        match connect(&mut w, "laptop", POD, 80) {
            ConnectOutcome::Lost { at, reason } => {
                assert_eq!(w.net.host(at).name, "router");
                assert!(matches!(
                    reason,
                    crate::net::DropReason::DroppedByRule { .. }
                ));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn node_reaches_the_pod_over_cni0() {
        let mut w = world();
        match connect(&mut w, "node01", POD, 80) {
            ConnectOutcome::Established { listener, .. } => assert_eq!(listener.process, "nginx"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn closed_port_on_the_pod_is_refused() {
        let mut w = world();
        assert!(matches!(
            connect(&mut w, "node01", POD, 8080),
            ConnectOutcome::Refused { .. }
        ));
    }

    #[test]
    fn laptop_reaches_node_ssh() {
        let mut w = world();
        assert!(matches!(
            connect(&mut w, "laptop", node_ip(1), 22),
            ConnectOutcome::Established { .. }
        ));
    }

    #[test]
    fn unknown_lan_address_fails_arp() {
        let mut w = world();
        assert!(matches!(
            connect(&mut w, "laptop", Ipv4Addr::new(192, 168, 1, 77), 80),
            ConnectOutcome::HostUnreachable { .. }
        ));
    }

    #[test]
    fn pods_on_two_nodes_reach_each_other() {
        let mut w = World::new(WorldOptions {
            nodes: 2,
            ..Default::default()
        })
        .unwrap();
        let other = w
            .run_pod("web-2", &[("app", "web")], Some(2), "nginx", 0)
            .unwrap();
        assert_eq!(other, Ipv4Addr::new(10, 244, 1, 2));
        assert!(matches!(
            connect(&mut w, "myapp-pod", other, 80),
            ConnectOutcome::Established { .. }
        ));
        assert!(matches!(
            connect(&mut w, "node02", POD, 80),
            ConnectOutcome::Established { .. }
        ));
    }

    #[test]
    fn the_article_pod_keeps_its_address() {
        let w = world();
        let p = &w.cluster.pods[&("default".to_string(), "myapp-pod".to_string())];
        assert_eq!(p.status.pod_ip.as_deref(), Some("10.244.0.2"));
        assert_eq!(p.spec.node_name.as_deref(), Some("node01"));
        // CoreDNS runs too, from the top of node01's range; the control
        // plane and kube-proxy take the node's own address.
        let system: Vec<(&str, &str)> = w
            .cluster
            .pods
            .iter()
            .filter(|(k, _)| k.0 == "kube-system")
            .map(|(k, p)| (k.1.as_str(), p.status.pod_ip.as_deref().unwrap_or("")))
            .collect();
        assert_eq!(system.len(), 7, "{system:?}");
        for (name, ip) in system {
            if name.starts_with("coredns-") {
                assert!(ip.starts_with("10.244.0.25"), "{name} {ip}");
            } else {
                assert_eq!(ip, "192.168.1.2", "{name}");
            }
        }
    }

    #[test]
    fn deleting_a_pod_removes_its_namespace() {
        let mut w = world();
        w.cluster.delete("pods", "default", "myapp-pod", 0).unwrap();
        w.sync();
        assert!(matches!(
            connect(&mut w, "node01", POD, 80),
            ConnectOutcome::HostUnreachable { .. }
        ));
        assert!(w.topology().hosts.iter().all(|h| h.name != "myapp-pod"));
    }

    #[test]
    fn a_dns_datagram_reaches_coredns_through_kube_dns_and_comes_back() {
        let mut w = world();
        let from = w.pod_host("myapp-pod").unwrap();
        let mut rng = SimRng::new(3);
        let r = w.net.exchange_udp(
            from,
            41000,
            SocketAddrV4::new(crate::cluster::DNS_IP, 53),
            0,
            &mut rng,
        );
        match &r.outcome {
            ConnectOutcome::Established {
                listener,
                server_addr,
                ..
            } => {
                assert_eq!(listener.process, "coredns");
                assert_eq!(server_addr.port(), 53);
                assert_ne!(*server_addr.ip(), crate::cluster::DNS_IP, "DNATed to a pod");
            }
            other => panic!("{other:?}\n{}", r.trace),
        }
        let text = r.trace.to_string();
        assert!(text.contains("-p udp"), "{text}");
        assert!(text.contains("conntrack reverse NAT"), "{text}");
    }

    #[test]
    fn a_datagram_to_a_closed_udp_port_is_refused() {
        let mut w = world();
        let mut rng = SimRng::new(3);
        let id = w.net.host_id("node01").unwrap();
        let r = w
            .net
            .exchange_udp(id, 41000, SocketAddrV4::new(POD, 53), 0, &mut rng);
        assert!(
            matches!(
                r.outcome,
                ConnectOutcome::Refused {
                    reason: crate::net::DropReason::PortUnreachable { .. },
                    ..
                }
            ),
            "{:?}",
            r.outcome
        );
    }

    #[test]
    fn the_topology_lists_services_with_their_endpoints_nodes() {
        let mut w = World::new(WorldOptions {
            nodes: 2,
            ..Default::default()
        })
        .unwrap();
        assert!(
            w.topology().services.is_empty(),
            "the cluster's own are left out"
        );
        let svc: crate::cluster::objects::Service = crate::cluster::objects::wire::decode_object(
            serde_json::json!({
                "apiVersion": "v1", "kind": "Service",
                "metadata": {"name": "myapp-service", "namespace": "default"},
                "spec": {"type": "NodePort", "selector": {"app": "myapp"},
                         "ports": [{"port": 80, "nodePort": 30008}]}
            }),
            "Service",
        )
        .unwrap();
        w.cluster
            .apply(crate::cluster::apiserver::Object::Service(svc), 0)
            .unwrap();
        w.sync();
        let t = w.topology();
        let s = &t.services[0];
        assert_eq!(
            (s.name.as_str(), s.kind.as_str()),
            ("myapp-service", "NodePort")
        );
        assert_eq!(s.ports[0].node_port, Some(30008));
        assert!(s.cluster_ip.is_some());
        assert_eq!(s.endpoints.len(), 1);
        assert_eq!(s.endpoints[0].pod.as_deref(), Some("myapp-pod"));
        assert!(s.has_endpoint_on("node01"));
        assert!(!s.has_endpoint_on("node02"));
    }

    #[test]
    fn node_count_is_checked() {
        assert!(World::new(WorldOptions {
            nodes: 0,
            ..Default::default()
        })
        .is_err());
        assert!(World::new(WorldOptions {
            nodes: MAX_NODES + 1,
            ..Default::default()
        })
        .is_err());
    }
}
