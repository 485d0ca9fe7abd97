//! kube-proxy at scale: a cluster of 100 nodes, 10,000 pods and 2,000
//! Services, built directly from the net types (the lesson world stops at 8
//! nodes).
//!
//! - `sync/2001-services`: one node's kube-proxy sync after one more Service
//!   appears: render every Service port's rules and install them.
//! - `connect/clusterip/{indexed,reference}/N`: one `curl` handshake from
//!   node001 to the last Service's ClusterIP (its pods are on node002), with
//!   N Services' rules installed, through the indexed and the plain rule walk.
//! - `connect/nodeport/…/N`: the laptop to node001's NodePort of that Service.
//! - `connect/full-cluster/…`: the same ClusterIP handshake with all 2,000
//!   Services' rules on all 100 nodes.
//!
//! Run with `cargo bench -p servicelab-engine --bench services`.

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion};
use servicelab_engine::apps::App;
use servicelab_engine::cluster::kubeproxy::{install, render};
use servicelab_engine::cluster::proxy_model::{
    Affinity, ProxyEndpoint, ProxyNode, ServicePortInfo,
};
use servicelab_engine::net::netfilter::EvalMode;
use servicelab_engine::net::{
    mac_for, ConnectOutcome, Host, HostId, HostKind, Interface, Listener, Network, Route,
    RouteProto,
};
use servicelab_engine::rng::SimRng;
use std::net::{Ipv4Addr, SocketAddrV4};
use std::time::Duration;

const NODES: u32 = 100;
const PODS_PER_NODE: u32 = 100;
const ENDPOINTS_PER_SERVICE: u32 = 5;
/// More than the conntrack TIME_WAIT, so each handshake starts from an empty table.
const STEP_MS: i64 = 121_000;

fn node_name(i: u32) -> String {
    format!("node{i:03}")
}

fn node_ip(i: u32) -> Ipv4Addr {
    Ipv4Addr::new(192, 168, 1, i as u8 + 1)
}

fn pod_ip(node: u32, k: u32) -> Ipv4Addr {
    Ipv4Addr::new(10, 244, (node - 1) as u8, k as u8 + 2)
}

fn iface(name: &str, owner: &str, addr: Option<String>, segment: Option<usize>) -> Interface {
    Interface {
        name: name.to_string(),
        addr: addr.map(|a| a.parse().unwrap()),
        segment,
        mac: mac_for(&format!("{owner}/{name}")),
        mtu: 1500,
        master: None,
        peer_index: None,
        vxlan: None,
        proxy_arp: false,
    }
}

fn route(dest: &str, via: Option<Ipv4Addr>, dev: &str, proto: RouteProto) -> Route {
    Route {
        dest: dest.parse().unwrap(),
        via,
        dev: dev.to_string(),
        proto,
        src: None,
        metric: None,
        onlink: false,
    }
}

/// 100 nodes on one /16 LAN with host-gw routes, 100 nginx pods each, and a laptop.
fn cluster() -> (Network, Vec<HostId>, HostId) {
    let mut net = Network::default();
    let lan = net.add_segment("lan");
    let mut laptop = Host::new("laptop", HostKind::Laptop);
    laptop.interfaces.push(iface(
        "eth0",
        "laptop",
        Some("192.168.200.10/16".into()),
        Some(lan),
    ));
    laptop
        .routes
        .add(route("192.168.0.0/16", None, "eth0", RouteProto::Kernel));
    let laptop = net.add_host(laptop);
    let mut nodes = vec![];
    for i in 1..=NODES {
        let name = node_name(i);
        let bridge = net.add_segment(&format!("cni0@{name}"));
        let mut node = Host::new(&name, HostKind::Node);
        node.forwarding = true;
        node.interfaces.push(iface(
            "eth0",
            &name,
            Some(format!("{}/16", node_ip(i))),
            Some(lan),
        ));
        node.interfaces.push(iface(
            "cni0",
            &name,
            Some(format!("10.244.{}.1/24", i - 1)),
            Some(bridge),
        ));
        node.routes.add(route(
            &format!("10.244.{}.0/24", i - 1),
            None,
            "cni0",
            RouteProto::Kernel,
        ));
        node.routes
            .add(route("192.168.0.0/16", None, "eth0", RouteProto::Kernel));
        node.routes.add(route(
            "0.0.0.0/0",
            Some(Ipv4Addr::new(192, 168, 255, 254)),
            "eth0",
            RouteProto::Static,
        ));
        for j in (1..=NODES).filter(|j| *j != i) {
            node.routes.add(route(
                &format!("10.244.{}.0/24", j - 1),
                Some(node_ip(j)),
                "eth0",
                RouteProto::Boot,
            ));
        }
        nodes.push(net.add_host(node));
        for k in 0..PODS_PER_NODE {
            let pname = format!("pod-{i}-{k}");
            let mut pod = Host::new(&pname, HostKind::Pod);
            pod.interfaces.push(iface(
                "eth0",
                &pname,
                Some(format!("{}/24", pod_ip(i, k))),
                Some(bridge),
            ));
            pod.routes.add(route(
                "0.0.0.0/0",
                Some(Ipv4Addr::new(10, 244, (i - 1) as u8, 1)),
                "eth0",
                RouteProto::Boot,
            ));
            pod.routes.add(route(
                &format!("10.244.{}.0/24", i - 1),
                None,
                "eth0",
                RouteProto::Kernel,
            ));
            pod.listeners.push(Listener::tcp(80, "nginx", App::Nginx));
            net.add_host(pod);
        }
    }
    (net, nodes, laptop)
}

fn cluster_ip(j: u32) -> Ipv4Addr {
    Ipv4Addr::from(u32::from(Ipv4Addr::new(10, 96, 0, 10)) + j)
}

/// `n` Services: n-1 spread over all pods, and last the one the benchmarks
/// reach, whose five pods run on node002.
fn services(n: u32) -> Vec<ServicePortInfo> {
    let total_pods = NODES * PODS_PER_NODE;
    (0..n)
        .map(|j| {
            let target = j == n - 1;
            let endpoints = (0..ENDPOINTS_PER_SERVICE)
                .map(|e| {
                    let (node, k) = if target {
                        (2, e)
                    } else {
                        let p = (j * ENDPOINTS_PER_SERVICE + e) % total_pods;
                        (p / PODS_PER_NODE + 1, p % PODS_PER_NODE)
                    };
                    ProxyEndpoint {
                        ip: pod_ip(node, k),
                        port: 80,
                        node: node_name(node),
                        ready: true,
                    }
                })
                .collect();
            ServicePortInfo {
                namespace: "default".into(),
                name: format!("svc-{j}"),
                port_name: String::new(),
                cluster_ip: Some(cluster_ip(j)),
                port: 80,
                // The NodePort range holds 2,768 ports: the first 2,000
                // Services get 30000-31999, the target 32767.
                node_port: if target {
                    Some(32767)
                } else {
                    (j < 2000).then(|| 30000 + j as u16)
                },
                external_ips: vec![],
                load_balancer_ips: vec![],
                external_policy_local: false,
                internal_policy_local: false,
                protocol: servicelab_engine::net::netfilter::Protocol::Tcp,
                load_balancer_source_ranges: vec![],
                health_check_node_port: None,
                affinity: Affinity::None,
                endpoints,
            }
        })
        .collect()
}

fn proxy_node(i: u32) -> ProxyNode {
    ProxyNode {
        name: node_name(i),
        cluster_cidr: "10.244.0.0/16".parse().unwrap(),
        ip: None,
    }
}

fn sync_nodes(net: &mut Network, nodes: &[HostId], which: &[u32], svcs: &[ServicePortInfo]) {
    for &i in which {
        let rules = render(&proxy_node(i), svcs);
        install(net.host_mut(nodes[i as usize - 1]), &rules);
    }
}

fn set_mode(net: &mut Network, mode: EvalMode) {
    for h in &mut net.hosts {
        h.netfilter.mode = mode;
    }
}

/// One handshake per iteration, each at a later simulated time.
fn bench_connect(
    c: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    id: BenchmarkId,
    net: &mut Network,
    from: HostId,
    dst: SocketAddrV4,
    clock: &mut i64,
) {
    let mut now = *clock;
    let mut rng = SimRng::new(1);
    let check = net.connect(from, 40000, dst, now, &mut rng);
    assert!(
        matches!(check.outcome, ConnectOutcome::Established { .. }),
        "{:?}",
        check.outcome
    );
    c.bench_function(id, |b| {
        b.iter(|| {
            now += STEP_MS;
            let r = net.connect(from, 40000, dst, now, &mut rng);
            std::hint::black_box(r.rtt_us)
        })
    });
    *clock = now + STEP_MS;
}

fn benches(c: &mut Criterion) {
    let (mut net, nodes, laptop) = cluster();

    // The whole cluster: 2,000 Services' rules on every node.
    let svcs_2000 = services(2000);
    let all: Vec<u32> = (1..=NODES).collect();
    let t = std::time::Instant::now();
    // No Service has a Local traffic policy, so every node's rules are the
    // same: render once, install everywhere.
    let rules = render(&proxy_node(1), &svcs_2000);
    for &i in &all {
        install(net.host_mut(nodes[i as usize - 1]), &rules);
    }
    drop(rules);
    eprintln!(
        "built: {} hosts, {} Services on {} nodes in {:.1?}; node001 has {} nat chains",
        net.hosts.len(),
        svcs_2000.len(),
        NODES,
        t.elapsed(),
        net.host(nodes[0])
            .netfilter
            .chains(servicelab_engine::net::Table::Nat)
            .count()
    );

    // One more Service appears: node001's kube-proxy renders all 2,001
    // Service ports and installs them over the 2,000-Service state.
    let svcs_2001 = services(2001);
    let before = net.host(nodes[0]).clone();
    let t = std::time::Instant::now();
    let rules = render(&proxy_node(1), &svcs_2001);
    let rendered = t.elapsed();
    let mut h = before.clone();
    let t = std::time::Instant::now();
    install(&mut h, &rules);
    eprintln!(
        "one sync: render {rendered:.1?}, install {:.1?}",
        t.elapsed()
    );

    let mut g = c.benchmark_group("sync");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(4))
        .warm_up_time(Duration::from_secs(1))
        .nresamples(10_000);
    g.bench_function("2001-services", |b| {
        b.iter_batched(
            || before.clone(),
            |mut h| {
                install(&mut h, &render(&proxy_node(1), &svcs_2001));
                h
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();

    let mut g = c.benchmark_group("connect");
    g.sample_size(20)
        .measurement_time(Duration::from_millis(1500))
        .warm_up_time(Duration::from_millis(300))
        .nresamples(10_000);
    // Simulated time only moves forward, across all the handshakes.
    let mut clock = 0i64;
    let target = SocketAddrV4::new(cluster_ip(1999), 80);
    for mode in [EvalMode::Indexed, EvalMode::Reference] {
        set_mode(&mut net, mode);
        let id = BenchmarkId::new("full-cluster", format!("{mode:?}").to_lowercase());
        bench_connect(&mut g, id, &mut net, nodes[0], target, &mut clock);
    }
    set_mode(&mut net, EvalMode::Indexed);

    // The scaling series: the handshake visits node001 and node002 (and the
    // pod), so only their rules change with N.
    for n in [10u32, 100, 1000, 10_000] {
        let svcs = services(n);
        sync_nodes(&mut net, &nodes, &[1, 2], &svcs);
        let last = svcs.last().unwrap();
        let vip = SocketAddrV4::new(last.cluster_ip.unwrap(), 80);
        let np = SocketAddrV4::new(node_ip(1), last.node_port.unwrap());
        for mode in [EvalMode::Indexed, EvalMode::Reference] {
            set_mode(&mut net, mode);
            let m = format!("{mode:?}").to_lowercase();
            bench_connect(
                &mut g,
                BenchmarkId::new(format!("clusterip/{m}"), n),
                &mut net,
                nodes[0],
                vip,
                &mut clock,
            );
            bench_connect(
                &mut g,
                BenchmarkId::new(format!("nodeport/{m}"), n),
                &mut net,
                laptop,
                np,
                &mut clock,
            );
        }
        set_mode(&mut net, EvalMode::Indexed);
    }
    g.finish();
}

criterion_group!(services_bench, benches);
criterion_main!(services_bench);
