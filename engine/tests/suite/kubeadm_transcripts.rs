//! Golden transcripts of the cluster as kubeadm 1.31 and kube-flannel leave
//! it: the control plane's static pods and the node agents' DaemonSets,
//! flannel's vxlan overlay (flannel.1, its routes, FDB and neighbours, the
//! masquerade to flannel.1's address), and the tools a trainer types first.
//! Where the reference output is known line for line
//! (`shared/brief/fidelity/tools-3.md`), the test compares it exactly as
//! well as through the snapshot.

use servicelab_engine::{Session, WorldOptions};

use crate::support::{text, transcript, world, NATIVE_STEP_MS};

#[test]
fn the_control_plane_and_the_node_agents() {
    let mut s = world(1);
    insta::assert_snapshot!(transcript(
        &mut s,
        &[],
        &[
            "kubectl get pods -n kube-system -o wide",
            "kubectl get ds -A",
            "kubectl get ns",
            "kubectl get pods -n kube-flannel -o wide",
            "kubectl get cm -n kube-flannel kube-flannel-cfg -o jsonpath='{.data.net-conf\\.json}'",
            "kubectl describe pod -n kube-system etcd-node01",
            "kubectl describe ds -n kube-system kube-proxy",
            "kubectl logs -n kube-system kube-scheduler-node01",
            "kubectl logs -n kube-system -l k8s-app=kube-proxy | head -3",
            "kubectl logs -n kube-flannel ds/kube-flannel-ds | grep -i vxlan",
            "kubectl get pod -n kube-system kube-apiserver-node01 -o jsonpath='{.spec.hostNetwork} {.status.podIP} {.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name}{\"\\n\"}'",
        ]
    ));
}

#[test]
fn get_ds_reads_as_on_a_fresh_cluster() {
    let mut s = world(1);
    let out = text(&mut s, "kubectl get ds -A");
    assert_eq!(
        out,
        "NAMESPACE      NAME              DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR            AGE
kube-flannel   kube-flannel-ds   1         1         1       1            1           <none>                   10d
kube-system    kube-proxy        1         1         1       1            1           kubernetes.io/os=linux   10d
"
    );
}

#[test]
fn static_pods_sit_on_the_node_address_and_host_network_pods_take_no_pod_address() {
    let mut s = world(2);
    let out = text(&mut s, "kubectl get pods -A -o wide --no-headers");
    let rows: Vec<Vec<&str>> = out
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    for component in [
        "etcd-node01",
        "kube-apiserver-node01",
        "kube-controller-manager-node01",
        "kube-scheduler-node01",
    ] {
        let row = rows
            .iter()
            .find(|r| r[1] == component)
            .unwrap_or_else(|| panic!("{component} missing:\n{out}"));
        assert_eq!(
            (row[0], row[3], row[6], row[7]),
            ("kube-system", "Running", "192.168.1.2", "node01")
        );
    }
    // One kube-proxy and one flannel pod per node, on the node's address.
    for (prefix, ns) in [
        ("kube-proxy-", "kube-system"),
        ("kube-flannel-ds-", "kube-flannel"),
    ] {
        let mut ips: Vec<&str> = rows
            .iter()
            .filter(|r| r[1].starts_with(prefix) && r[0] == ns)
            .map(|r| r[6])
            .collect();
        ips.sort();
        assert_eq!(ips, ["192.168.1.2", "192.168.1.3"], "{prefix}\n{out}");
    }
    // The pod network's first addresses are still the lesson's.
    assert_eq!(
        text(
            &mut s,
            "kubectl get pod myapp-pod -o jsonpath='{.status.podIP}'"
        ),
        "10.244.0.2"
    );
    let run_pod = text(&mut s, "kubectl run web --image=nginx --restart=Never && sleep 10 && kubectl get pod web -o jsonpath='{.status.podIP}'");
    assert!(
        run_pod.ends_with("10.244.1.2") || run_pod.ends_with("10.244.0.3"),
        "{run_pod}"
    );
}

#[test]
fn a_deleted_mirror_pod_is_posted_again_by_the_kubelet() {
    let mut s = world(1);
    let out = transcript(
        &mut s,
        &[],
        &[
            "kubectl delete pod -n kube-system kube-scheduler-node01",
            "kubectl get pod -n kube-system kube-scheduler-node01",
            "kubectl delete pod -n kube-system -l k8s-app=kube-proxy",
            "sleep 5; kubectl get pods -n kube-system -l k8s-app=kube-proxy",
        ],
    );
    assert!(
        out.contains("pod \"kube-scheduler-node01\" deleted"),
        "{out}"
    );
    let after: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.ends_with("kubectl get pod -n kube-system kube-scheduler-node01"))
        .collect();
    assert!(
        after
            .iter()
            .any(|l| l.starts_with("kube-scheduler-node01 ")),
        "{out}"
    );
    insta::assert_snapshot!(out);
}

#[test]
fn flannel_vxlan_on_a_node() {
    let mut s = world(2);
    insta::assert_snapshot!(transcript(
        &mut s,
        &[],
        &[
            "ssh node01",
            "ip route",
            "ip -d link show flannel.1",
            "ip addr show flannel.1",
            "ip link show cni0",
            "bridge fdb show dev flannel.1",
            "ip neigh show dev flannel.1",
            "ip route get 10.244.1.5",
            "ip -br link",
            "ip -x link",
            "bridge -x fdb",
            "bridge fdb add 00:11:22:33:44:55 dev flannel.1 dst 192.168.1.9",
            "exit",
            "kubectl run t --image=busybox --rm -it --restart=Never -- ip link show eth0",
        ]
    ));
}

/// The lines of `text` split into words.
fn fields(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .map(|l| l.split_whitespace().map(str::to_string).collect())
        .collect()
}

#[test]
fn the_vteps_point_at_each_other() {
    let mut s = world(2);
    text(&mut s, "ssh node02");
    let node02_link = text(&mut s, "ip link show flannel.1");
    let node02_mac = fields(&node02_link)[1][1].clone();
    text(&mut s, "exit");
    text(&mut s, "ssh node01");
    assert_eq!(
        text(&mut s, "ip route | grep flannel.1"),
        "10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink\n"
    );
    assert_eq!(
        text(&mut s, "bridge fdb show dev flannel.1"),
        format!("{node02_mac} dst 192.168.1.3 self permanent\n")
    );
    assert_eq!(
        text(&mut s, "ip neigh show dev flannel.1"),
        format!("10.244.1.0 lladdr {node02_mac} PERMANENT \n")
    );
    let details = text(&mut s, "ip -d link show flannel.1");
    let third = details.lines().nth(2).unwrap_or_default();
    assert!(
        third.starts_with(
            "    vxlan id 1 local 192.168.1.2 dev eth0 srcport 0 0 dstport 8472 ttl auto ageing 300 nolearning "
        ),
        "{details}"
    );
    assert!(details
        .lines()
        .next()
        .unwrap_or_default()
        .contains(" mtu 1450 "));
    assert!(text(&mut s, "ip link show cni0").contains(" mtu 1450 "));
}

/// A NodePort request that enters node02 for myapp-pod on node01: node02
/// masquerades it to flannel.1's address, and the trace shows the vxlan
/// hop whole.
fn across_the_overlay() -> (Session, servicelab_engine::net::Trace, String) {
    let mut s = world(2);
    text(
        &mut s,
        "kubectl expose pod myapp-pod --name=web --type=NodePort --port=80",
    );
    s.pass(NATIVE_STEP_MS);
    let e = s.run("curl -s -o /dev/null -w '%{http_code}\\n' http://192.168.1.3:$(kubectl get svc web -o jsonpath='{.spec.ports[0].nodePort}')");
    let trace = e.trace.clone().expect("curl made a trace");
    (s, trace, e.text())
}

#[test]
fn a_nodeport_request_through_another_node_is_masqueraded_to_its_flannel_address() {
    let (mut s, _, out) = across_the_overlay();
    assert_eq!(out, "200\n");
    let log = text(&mut s, "kubectl logs myapp-pod --tail=1");
    assert!(log.starts_with("10.244.1.0 - - ["), "{log}");
}

#[test]
fn the_trace_carries_the_outer_packet_between_the_nodes() {
    use servicelab_engine::net::Step;
    let (s, trace, _) = across_the_overlay();
    let sent = trace
        .hops
        .iter()
        .find(|h| h.host == "node02" && h.left_by.as_ref().is_some_and(|l| l.encap.is_some()))
        .expect("node02 sent the request into the overlay");
    let link = sent.left_by.as_ref().unwrap();
    assert_eq!(
        (
            link.out_iface.as_str(),
            link.next_host.as_str(),
            link.in_iface.as_str()
        ),
        ("flannel.1", "node01", "flannel.1")
    );
    let e = link.encap.as_ref().unwrap();
    assert_eq!(e.vni, 1);
    assert_eq!(e.device, "flannel.1");
    assert_eq!(e.outer_src.ip().to_string(), "192.168.1.3");
    assert_eq!(e.outer_dst.to_string(), "192.168.1.2:8472");
    assert!(
        (32768..=60999).contains(&e.outer_src.port()),
        "{}",
        e.outer_src
    );
    assert_eq!(
        e.inner_src.ip().to_string(),
        "10.244.1.0",
        "masqueraded to flannel.1"
    );
    assert_eq!(e.inner_dst.to_string(), "10.244.0.2:80");
    assert_eq!(
        (
            e.underlay_out.as_str(),
            e.underlay_in.as_str(),
            e.underlay_segment.as_str()
        ),
        ("eth0", "eth0", "lan")
    );
    // The far node takes it apart first thing, and the inner packet goes on.
    let i = trace
        .hops
        .iter()
        .position(|h| std::ptr::eq(h, sent))
        .unwrap();
    let far = &trace.hops[i + 1];
    assert_eq!(far.host, "node01");
    assert_eq!(far.in_iface.as_deref(), Some("flannel.1"));
    assert_eq!(far.steps.first(), Some(&Step::Decapsulated(e.clone())));
    assert_eq!((far.src, far.dst), (e.inner_src, e.inner_dst));
    // The reply crosses back the same way, between the same two nodes.
    let back = trace
        .hops
        .iter()
        .filter(|h| h.host == "node01")
        .find_map(|h| h.left_by.as_ref().and_then(|l| l.encap.clone()))
        .expect("the reply went back through the overlay");
    assert_eq!(back.outer_src.ip().to_string(), "192.168.1.2");
    assert_eq!(back.outer_dst.to_string(), "192.168.1.3:8472");
    assert_eq!(back.inner_dst.ip().to_string(), "10.244.1.0");
    // Told: the card of node02 says what went on the wire.
    let story = s.story(&trace);
    let hop = &story.hops[i];
    let o = hop
        .encapsulated
        .as_ref()
        .expect("node02's card has the overlay");
    assert_eq!(o.outer.dst.to_string(), "192.168.1.2:8472");
    assert_eq!(o.inner.src.ip().to_string(), "10.244.1.0");
    assert!(o.headers.contains("VXLAN header VNI 1"), "{}", o.headers);
    assert!(story.hops[i + 1].decapsulated.is_some());
    assert!(
        story.hops[i + 1]
            .arrival
            .contains("out of a VXLAN packet from 192.168.1.3"),
        "{}",
        story.hops[i + 1].arrival
    );
    insta::assert_snapshot!(trace.to_string());
}

#[test]
fn ping_takes_one_off_the_ttl_for_every_router_on_the_way_back() {
    let mut s = Session::new(WorldOptions {
        nodes: 2,
        cloud: true,
        ..Default::default()
    })
    .expect("valid options");
    let ttl = |s: &mut Session, line: &str| {
        let out = text(s, line);
        out.split("ttl=")
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
            .unwrap_or_else(|| panic!("{line}: {out}"))
            .to_string()
    };
    // On the LAN: no router between.
    assert_eq!(ttl(&mut s, "ping -c 1 192.168.1.2"), "64");
    // The load balancer's public side is behind the home router, and so
    // is the way back.
    assert_eq!(ttl(&mut s, "ping -c 1 203.0.113.99"), "63");
    // node01 to a pod on node02: node02 forwards the reply (flannel.1's
    // tunnel is not a router hop).
    assert!(s.put_file(
        "laptop",
        "web.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  nodeName: node02\n  containers:\n  - name: nginx\n    image: nginx\n"
    ));
    text(&mut s, "kubectl apply -f web.yaml");
    text(&mut s, "sleep 10");
    let ip = text(&mut s, "kubectl get pod web -o jsonpath='{.status.podIP}'");
    assert!(ip.starts_with("10.244.1."), "{ip}");
    text(&mut s, "ssh node01");
    assert_eq!(ttl(&mut s, &format!("ping -c 1 {ip}")), "63");
}
