//! kube-proxy's rules on every node of a world, and packets walked through
//! them: each case of the reference's access-path table (outputs.md §6).

use servicelab_engine::cluster::kubeproxy::{install, render};
use servicelab_engine::cluster::proxy_model::{
    Affinity, ProxyEndpoint, ProxyNode, ServicePortInfo,
};
use servicelab_engine::net::{ConnectOutcome, DropReason, HostKind, Listener};
use servicelab_engine::rng::SimRng;
use servicelab_engine::world::{node_ip, World, WorldOptions, CLUSTER_CIDR, LAPTOP_IP};
use std::collections::BTreeSet;
use std::net::{Ipv4Addr, SocketAddrV4};

const CLUSTER_IP: Ipv4Addr = Ipv4Addr::new(10, 106, 1, 12);
const NODE_PORT: u16 = 30008;
/// node01's `cni0` address, which MASQUERADE picks for packets leaving on it.
const NODE01_CNI0: Ipv4Addr = Ipv4Addr::new(10, 244, 0, 1);

fn world(nodes: u8) -> World {
    World::new(WorldOptions {
        nodes,
        ..Default::default()
    })
    .unwrap()
}

/// `myapp-service` selecting every pod labelled `app=myapp`.
fn service(w: &World) -> ServicePortInfo {
    let endpoints = w
        .cluster
        .pods
        .values()
        .filter(|p| p.metadata.labels.get("app").map(String::as_str) == Some("myapp"))
        .map(|p| ProxyEndpoint {
            ip: p.status.pod_ip.as_deref().unwrap().parse().unwrap(),
            port: 80,
            node: p.spec.node_name.clone().unwrap(),
            ready: true,
        })
        .collect();
    ServicePortInfo {
        namespace: "default".into(),
        name: "myapp-service".into(),
        port_name: String::new(),
        cluster_ip: Some(CLUSTER_IP),
        port: 80,
        node_port: Some(NODE_PORT),
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
}

/// Starts a pod on node `node` and returns its address.
fn run(w: &mut World, name: &str, labels: &[(&str, &str)], node: u8, image: &str) -> Ipv4Addr {
    w.run_pod(name, labels, Some(node), image, 0)
        .expect("the pod starts")
}

/// Renders and installs the rules on every node, as each node's kube-proxy would.
fn sync(w: &mut World, services: &[ServicePortInfo]) {
    let nodes: Vec<(usize, String)> = w.nodes().map(|(id, h)| (id, h.name.clone())).collect();
    for (id, name) in nodes {
        let node = ProxyNode {
            name,
            cluster_cidr: CLUSTER_CIDR.parse().unwrap(),
            ip: None,
        };
        install(w.net.host_mut(id), &render(&node, services));
    }
}

fn connect_at(w: &mut World, from: &str, dst: Ipv4Addr, port: u16, seed: u64) -> ConnectOutcome {
    let id = w.net.host_id(from).unwrap();
    let mut rng = SimRng::new(seed);
    w.net
        .connect(id, 40000, SocketAddrV4::new(dst, port), 0, &mut rng)
        .outcome
}

fn connect(w: &mut World, from: &str, dst: Ipv4Addr, port: u16) -> ConnectOutcome {
    connect_at(w, from, dst, port, 7)
}

/// Connects and expects the handshake to complete.
fn reach(
    w: &mut World,
    from: &str,
    dst: Ipv4Addr,
    port: u16,
    seed: u64,
) -> (String, Ipv4Addr, Listener) {
    let o = connect_at(w, from, dst, port, seed);
    established(w, &o)
}

/// The server host and the client address it saw.
fn established(w: &World, o: &ConnectOutcome) -> (String, Ipv4Addr, Listener) {
    match o {
        ConnectOutcome::Established {
            server,
            listener,
            peer_seen_by_server,
            ..
        } => (
            w.net.host(*server).name.clone(),
            *peer_seen_by_server.ip(),
            listener.clone(),
        ),
        other => panic!("expected an established connection, got {other:?}"),
    }
}

#[test]
fn laptop_reaches_a_nodeport_and_the_pod_sees_the_node() {
    let mut w = world(1);
    let svc = service(&w);
    sync(&mut w, &[svc]);
    let o = connect(&mut w, "laptop", node_ip(1), NODE_PORT);
    let (server, peer, listener) = established(&w, &o);
    assert_eq!(server, "myapp-pod");
    assert_eq!(listener.process, "nginx");
    // SNAT by MASQUERADE: the address of the interface the packet left by.
    assert_eq!(peer, NODE01_CNI0);
}

#[test]
fn nodeport_on_a_node_without_the_pod_forwards_and_masquerades() {
    let mut w = world(2);
    let svc = service(&w);
    sync(&mut w, &[svc]);
    let o = connect(&mut w, "laptop", node_ip(2), NODE_PORT);
    let (server, peer, _) = established(&w, &o);
    assert_eq!(server, "myapp-pod");
    // flannel's vxlan: the packet leaves node02 through flannel.1, so
    // MASQUERADE picks flannel.1's address, the .0 of node02's subnet.
    assert_eq!(
        peer,
        Ipv4Addr::new(10, 244, 1, 0),
        "node02 masqueraded to its flannel.1 address"
    );
}

#[test]
fn node_reaches_the_cluster_ip() {
    let mut w = world(2);
    let svc = service(&w);
    sync(&mut w, &[svc]);
    let (server, peer, _) = reach(&mut w, "node01", CLUSTER_IP, 80, 7);
    assert_eq!(server, "myapp-pod");
    assert_eq!(peer, NODE01_CNI0);
    let (server, peer, _) = reach(&mut w, "node02", CLUSTER_IP, 80, 7);
    assert_eq!(server, "myapp-pod");
    assert_eq!(peer, Ipv4Addr::new(10, 244, 1, 0), "node02's flannel.1");
}

#[test]
fn pod_reaches_the_cluster_ip_without_masquerade() {
    let mut w = world(2);
    let client_same_node = run(&mut w, "client-a", &[("app", "client")], 1, "busybox");
    let client_other_node = run(&mut w, "client-b", &[("app", "client")], 2, "busybox");
    let svc = service(&w);
    sync(&mut w, &[svc]);
    // Same node: the reply is bridged pod to pod, and br_netfilter lets
    // node01's conntrack undo the DNAT.
    let (server, peer, _) = reach(&mut w, "client-a", CLUSTER_IP, 80, 7);
    assert_eq!(server, "myapp-pod");
    assert_eq!(peer, client_same_node);
    let (server, peer, _) = reach(&mut w, "client-b", CLUSTER_IP, 80, 7);
    assert_eq!(server, "myapp-pod");
    assert_eq!(peer, client_other_node);
}

#[test]
fn a_pod_reaching_itself_through_its_service_is_hairpinned() {
    let mut w = world(1);
    let svc = service(&w);
    sync(&mut w, &[svc]);
    let (server, peer, _) = reach(&mut w, "myapp-pod", CLUSTER_IP, 80, 7);
    assert_eq!(server, "myapp-pod");
    assert_eq!(peer, NODE01_CNI0, "KUBE-SEP's -s <pod> -j KUBE-MARK-MASQ");
}

#[test]
fn no_endpoints_is_refused_at_once() {
    let mut w = world(1);
    let mut svc = service(&w);
    svc.endpoints.clear();
    sync(&mut w, &[svc]);
    for (from, dst, port) in [
        ("node01", CLUSTER_IP, 80),
        ("laptop", node_ip(1), NODE_PORT),
    ] {
        match connect(&mut w, from, dst, port) {
            ConnectOutcome::Refused {
                reason: DropReason::RejectedByRule { hit },
                ..
            } => assert!(hit.text.contains("has no endpoints"), "{}", hit.text),
            other => panic!("{from}: {other:?}"),
        }
    }
}

#[test]
fn unready_pods_are_not_endpoints() {
    let mut w = world(1);
    let mut svc = service(&w);
    for e in &mut svc.endpoints {
        e.ready = false;
    }
    sync(&mut w, &[svc]);
    assert!(matches!(
        connect(&mut w, "node01", CLUSTER_IP, 80),
        ConnectOutcome::Refused { .. }
    ));
}

#[test]
fn external_traffic_policy_local() {
    let mut w = world(2);
    let mut svc = service(&w);
    svc.external_policy_local = true;
    sync(&mut w, &[svc]);
    // node02 has no endpoint: KUBE-EXTERNAL-SERVICES drops, the laptop times out.
    match connect(&mut w, "laptop", node_ip(2), NODE_PORT) {
        ConnectOutcome::Lost {
            at,
            reason: DropReason::DroppedByRule { hit },
        } => {
            assert_eq!(w.net.host(at).name, "node02");
            assert!(hit.text.contains("has no local endpoints"), "{}", hit.text);
        }
        other => panic!("{other:?}"),
    }
    // node01 has the pod: no SNAT, the pod sees the laptop.
    let (server, peer, _) = reach(&mut w, "laptop", node_ip(1), NODE_PORT, 7);
    assert_eq!(server, "myapp-pod");
    assert_eq!(peer, LAPTOP_IP);
    // From node02 itself the --src-type LOCAL short-circuit still works.
    let (server, _, _) = reach(&mut w, "node02", node_ip(2), NODE_PORT, 7);
    assert_eq!(server, "myapp-pod");
}

#[test]
fn client_ip_affinity_sticks_to_one_endpoint() {
    let mut w = world(2);
    run(&mut w, "myapp-2", &[("app", "myapp")], 1, "nginx");
    run(&mut w, "myapp-3", &[("app", "myapp")], 2, "nginx");
    let mut svc = service(&w);
    svc.affinity = Affinity::ClientIp {
        timeout_seconds: 10800,
    };
    sync(&mut w, &[svc]);
    let mut servers = BTreeSet::new();
    for seed in 0..30 {
        let (server, _, _) = reach(&mut w, "laptop", node_ip(1), NODE_PORT, seed);
        servers.insert(server);
    }
    assert_eq!(servers.len(), 1, "{servers:?}");
}

#[test]
fn without_affinity_every_endpoint_gets_picked() {
    let mut w = world(2);
    run(&mut w, "myapp-2", &[("app", "myapp")], 1, "nginx");
    run(&mut w, "myapp-3", &[("app", "myapp")], 2, "nginx");
    let svc = service(&w);
    sync(&mut w, &[svc]);
    let mut counts = std::collections::BTreeMap::<String, u32>::new();
    let id = w.net.host_id("node01").unwrap();
    let mut rng = SimRng::new(11);
    for i in 0..300u16 {
        let o = w
            .net
            .connect(
                id,
                32768 + i,
                SocketAddrV4::new(CLUSTER_IP, 80),
                i64::from(i) * 1000,
                &mut rng,
            )
            .outcome;
        *counts.entry(established(&w, &o).0).or_default() += 1;
    }
    assert_eq!(counts.len(), 3, "{counts:?}");
    assert!(counts.values().all(|&c| c > 60), "{counts:?}");
}

#[test]
fn a_port_the_service_does_not_define_leaves_by_the_default_route() {
    let mut w = world(1);
    let svc = service(&w);
    sync(&mut w, &[svc]);
    match connect(&mut w, "node01", CLUSTER_IP, 8080) {
        ConnectOutcome::Lost { at, .. } => assert_eq!(w.net.host(at).name, "router"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn localhost_nodeports_work_from_the_node() {
    let mut w = world(1);
    let svc = service(&w);
    sync(&mut w, &[svc]);
    let (server, _, _) = reach(&mut w, "node01", Ipv4Addr::LOCALHOST, NODE_PORT, 7);
    assert_eq!(server, "myapp-pod");
}

#[test]
fn a_nodeport_nobody_uses_is_reset() {
    let mut w = world(1);
    let svc = service(&w);
    sync(&mut w, &[svc]);
    assert!(matches!(
        connect(&mut w, "laptop", node_ip(1), 30099),
        ConnectOutcome::Refused {
            reason: DropReason::NothingListening { .. },
            ..
        }
    ));
}

#[test]
fn a_wrong_target_port_is_refused_by_the_pod() {
    let mut w = world(1);
    let mut svc = service(&w);
    for e in &mut svc.endpoints {
        e.port = 8080;
    }
    sync(&mut w, &[svc]);
    match connect(&mut w, "node01", CLUSTER_IP, 80) {
        ConnectOutcome::Refused { at, .. } => {
            assert_eq!(w.net.host(at).kind, HostKind::Pod)
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_laptop_cannot_reach_the_cluster_ip() {
    let mut w = world(1);
    let svc = service(&w);
    sync(&mut w, &[svc]);
    match connect(&mut w, "laptop", CLUSTER_IP, 80) {
        ConnectOutcome::Lost { at, .. } => assert_eq!(w.net.host(at).name, "router"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn resyncing_keeps_working_and_counts_packets() {
    let mut w = world(1);
    let svc = service(&w);
    sync(&mut w, std::slice::from_ref(&svc));
    reach(&mut w, "laptop", node_ip(1), NODE_PORT, 7);
    sync(&mut w, std::slice::from_ref(&svc));
    reach(&mut w, "laptop", node_ip(1), NODE_PORT, 9);
    let node = w.net.host(w.net.host_id("node01").unwrap());
    let (counters, _) = node
        .netfilter
        .counters(servicelab_engine::net::Table::Nat, "KUBE-NODEPORTS")
        .unwrap();
    // Unchanged chains keep their counters across syncs.
    assert_eq!(counters[0].packets, 2);
    assert_eq!(counters[0].bytes, 120);
}
