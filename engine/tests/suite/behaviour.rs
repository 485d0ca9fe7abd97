//! The behaviour table of `fidelity/outputs.md` §6, row by row: what really
//! happens on each access path, checked through the same Session a student
//! types into. Each test asserts the outcome (exit status and the tell-tale
//! output), not a stored answer.

use servicelab_engine::{Session, WorldOptions};

use crate::support::{ok, run, world};

const NODEPORT_SVC: &str =
    "kubectl expose pod myapp-pod --name=myapp-service --type=NodePort --port=80";

/// A NodePort Service on 30008, as the article writes it.
fn with_nodeport(s: &mut Session) {
    ok(
        s,
        "kubectl create service nodeport myapp-service --tcp=80:80 --node-port=30008",
    );
    ok(
        s,
        "kubectl label pod myapp-pod app=myapp-service --overwrite",
    );
}

fn cluster_ip(s: &mut Session, svc: &str) -> String {
    ok(
        s,
        &format!("kubectl get svc {svc} -o jsonpath='{{.spec.clusterIP}}'"),
    )
}

#[test]
fn row_01_laptop_to_cluster_ip_times_out() {
    let mut s = world(1);
    ok(&mut s, NODEPORT_SVC);
    let ip = cluster_ip(&mut s, "myapp-service");
    let (status, text) = run(&mut s, &format!("curl http://{ip}"));
    assert_eq!(status, 28, "{text}");
    assert!(
        text.contains(&format!("Failed to connect to {ip} port 80 after 130")),
        "{text}"
    );
}

#[test]
fn row_02_laptop_to_pod_times_out() {
    let mut s = world(1);
    let (status, text) = run(&mut s, "curl http://10.244.0.2");
    assert_eq!(status, 28);
    assert!(text.ends_with("Couldn't connect to server\n"), "{text}");
}

#[test]
fn row_03_node_to_cluster_ip_is_served() {
    let mut s = world(1);
    ok(&mut s, NODEPORT_SVC);
    let ip = cluster_ip(&mut s, "myapp-service");
    ok(&mut s, "ssh node01");
    assert!(ok(&mut s, &format!("curl -s http://{ip}")).contains("Welcome to nginx!"));
}

#[test]
fn row_04_node_to_pod_is_served() {
    let mut s = world(1);
    ok(&mut s, "ssh node01");
    assert!(ok(&mut s, "curl -s http://10.244.0.2").contains("Welcome to nginx!"));
}

#[test]
fn row_05_pod_to_service_by_name_and_address() {
    let mut s = world(1);
    ok(&mut s, NODEPORT_SVC);
    let ip = cluster_ip(&mut s, "myapp-service");
    for url in [
        "http://myapp-service".to_string(),
        "http://myapp-service.default.svc.cluster.local".to_string(),
        format!("http://{ip}"),
    ] {
        let out = ok(&mut s, &format!("kubectl exec myapp-pod -- curl -s {url}"));
        assert!(out.contains("Welcome to nginx!"), "{url}: {out}");
    }
}

#[test]
fn row_06_laptop_to_node_port_is_served_and_snatted() {
    let mut s = world(1);
    ok(
        &mut s,
        "kubectl create deployment who --image=traefik/whoami",
    );
    ok(
        &mut s,
        "kubectl create service nodeport who --tcp=80:80 --node-port=30008",
    );
    let out = ok(&mut s, "curl -s http://192.168.1.2:30008");
    // eTP Cluster: the pod sees the node's address on its bridge, not the laptop's.
    assert!(out.contains("RemoteAddr: 10.244.0.1:"), "{out}");
    assert!(!out.contains("192.168.1.10"), "{out}");
}

#[test]
fn row_07_node_port_on_a_node_without_the_pod() {
    let mut s = world(2);
    with_nodeport(&mut s);
    let out = ok(&mut s, "curl -s http://192.168.1.3:30008");
    assert!(out.contains("Welcome to nginx!"));
}

#[test]
fn row_08_external_traffic_policy_local() {
    let mut s = world(2);
    ok(
        &mut s,
        "kubectl run who --image=traefik/whoami --labels=app=who",
    );
    let manifest = "apiVersion: v1\nkind: Service\nmetadata:\n  name: who\nspec:\n  type: NodePort\n  externalTrafficPolicy: Local\n  selector:\n    app: who\n  ports:\n  - port: 80\n    nodePort: 30008\n";
    s.put_file("laptop", "who.yaml", manifest);
    ok(&mut s, "kubectl apply -f who.yaml");
    let node = ok(&mut s, "kubectl get pod who -o jsonpath='{.spec.nodeName}'");
    let (with, without) = if node == "node01" {
        ("192.168.1.2", "192.168.1.3")
    } else {
        ("192.168.1.3", "192.168.1.2")
    };
    let (status, text) = run(&mut s, &format!("curl http://{without}:30008"));
    assert_eq!(status, 28, "{text}");
    let out = ok(&mut s, &format!("curl -s http://{with}:30008"));
    assert!(
        out.contains("RemoteAddr: 192.168.1.10:"),
        "the pod sees the laptop: {out}"
    );
    // From the node without the pod itself, the --src-type LOCAL short-circuit applies.
    let other = if node == "node01" { "node02" } else { "node01" };
    ok(&mut s, &format!("ssh {other}"));
    assert!(ok(&mut s, &format!("curl -s http://{without}:30008")).contains("Hostname: who"));
}

#[test]
fn row_09_no_endpoints_is_refused_at_once() {
    let mut s = world(1);
    ok(
        &mut s,
        "kubectl create service nodeport nobody --tcp=80:80 --node-port=30008",
    );
    let (status, text) = run(&mut s, "curl http://192.168.1.2:30008");
    assert_eq!(status, 7, "{text}");
    assert_eq!(
        text,
        "curl: (7) Failed to connect to 192.168.1.2 port 30008 after 0 ms: Couldn't connect to server\n"
    );
    let ip = cluster_ip(&mut s, "nobody");
    ok(&mut s, "ssh node01");
    let (status, text) = run(&mut s, &format!("curl http://{ip}"));
    assert_eq!(status, 7, "{text}");
    let e = s.run(&format!("curl http://{ip}"));
    let t = e.trace.unwrap();
    assert!(format!("{t}").contains("has no endpoints"), "{t}");
}

#[test]
fn row_10_wrong_target_port_is_refused_by_the_pod() {
    let mut s = world(1);
    ok(
        &mut s,
        "kubectl expose pod myapp-pod --name=web --type=NodePort --port=80 --target-port=8080",
    );
    assert!(ok(&mut s, "kubectl get endpoints web").contains("10.244.0.2:8080"));
    let np = ok(
        &mut s,
        "kubectl get svc web -o jsonpath='{.spec.ports[0].nodePort}'",
    );
    let (status, _) = run(&mut s, &format!("curl http://192.168.1.2:{np}"));
    assert_eq!(status, 7);
    let e = s.run(&format!("curl http://192.168.1.2:{np}"));
    assert!(e
        .trace
        .unwrap()
        .summary()
        .starts_with("Stopped at myapp-pod: nothing listens on 10.244.0.2:8080"));
}

#[test]
fn row_11_cluster_ip_on_an_undefined_port_times_out() {
    let mut s = world(1);
    ok(&mut s, NODEPORT_SVC);
    let ip = cluster_ip(&mut s, "myapp-service");
    ok(&mut s, "ssh node01");
    let (status, _) = run(&mut s, &format!("curl http://{ip}:8080"));
    assert_eq!(status, 28);
}

#[test]
fn row_12_unused_node_port_is_refused() {
    let mut s = world(1);
    with_nodeport(&mut s);
    let (status, text) = run(&mut s, "curl http://192.168.1.2:30099");
    assert_eq!(status, 7, "{text}");
}

#[test]
fn row_13_localhost_node_port_from_the_node() {
    let mut s = world(1);
    with_nodeport(&mut s);
    ok(&mut s, "ssh node01");
    assert!(ok(&mut s, "curl -s localhost:30008").contains("Welcome to nginx!"));
}

fn answering_pods(s: &mut Session, url: &str, n: usize) -> Vec<String> {
    let mut who = vec![];
    for _ in 0..n {
        let out = ok(s, &format!("curl -s {url}"));
        let host = out
            .lines()
            .find_map(|l| l.strip_prefix("Hostname: "))
            .unwrap()
            .to_string();
        who.push(host);
    }
    who
}

#[test]
fn row_14_three_replicas_answer_in_turn_at_random() {
    let mut s = world(1);
    ok(
        &mut s,
        "kubectl create deployment web --image=traefik/whoami --replicas=3",
    );
    ok(
        &mut s,
        "kubectl create service nodeport web --tcp=80:80 --node-port=30008",
    );
    let mut who = answering_pods(&mut s, "http://192.168.1.2:30008", 12);
    who.sort();
    who.dedup();
    assert_eq!(who.len(), 3, "{who:?}");
}

#[test]
fn row_15_session_affinity_sticks() {
    let mut s = world(1);
    ok(
        &mut s,
        "kubectl create deployment web --image=traefik/whoami --replicas=3",
    );
    let manifest = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  sessionAffinity: ClientIP\n  selector:\n    app: web\n  ports:\n  - port: 80\n    nodePort: 30008\n";
    s.put_file("laptop", "web.yaml", manifest);
    ok(&mut s, "kubectl apply -f web.yaml");
    let mut who = answering_pods(&mut s, "http://192.168.1.2:30008", 12);
    who.dedup();
    assert_eq!(who.len(), 1, "{who:?}");
}

#[test]
fn row_16_service_names_do_not_resolve_outside_pods() {
    let mut s = world(1);
    ok(&mut s, NODEPORT_SVC);
    assert_eq!(
        run(&mut s, "curl http://myapp-service"),
        (
            6,
            "curl: (6) Could not resolve host: myapp-service\n".to_string()
        )
    );
    ok(&mut s, "ssh node01");
    assert_eq!(run(&mut s, "curl http://myapp-service").0, 6);
}

#[test]
fn row_17_load_balancer_on_bare_metal_stays_pending() {
    let mut s = world(1);
    ok(
        &mut s,
        "kubectl expose pod myapp-pod --name=lb --type=LoadBalancer --port=80",
    );
    let out = ok(&mut s, "kubectl get svc lb");
    assert!(out.contains("<pending>"), "{out}");
    let np = ok(
        &mut s,
        "kubectl get svc lb -o jsonpath='{.spec.ports[0].nodePort}'",
    );
    assert!(ok(&mut s, &format!("curl -s http://192.168.1.2:{np}")).contains("Welcome to nginx!"));
}

#[test]
fn row_17b_load_balancer_on_a_cloud_gets_an_address() {
    let mut s = Session::new(WorldOptions {
        nodes: 2,
        cloud: true,
        ..Default::default()
    })
    .unwrap();
    ok(
        &mut s,
        "kubectl expose pod myapp-pod --name=lb --type=LoadBalancer --port=80",
    );
    let ip = ok(
        &mut s,
        "kubectl get svc lb -o jsonpath='{.status.loadBalancer.ingress[0].ip}'",
    );
    assert_eq!(ip, "203.0.113.100");
    assert!(ok(&mut s, "curl -s http://203.0.113.100").contains("Welcome to nginx!"));
}

#[test]
fn row_18_headless_service_resolves_to_pods() {
    let mut s = world(1);
    ok(
        &mut s,
        "kubectl create deployment web --image=nginx --replicas=2",
    );
    let manifest = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  clusterIP: None\n  selector:\n    app: web\n  ports:\n  - port: 80\n";
    s.put_file("laptop", "web.yaml", manifest);
    ok(&mut s, "kubectl apply -f web.yaml");
    assert!(ok(&mut s, "kubectl get svc web").contains("None"));
    ok(&mut s, "kubectl run dns --image=busybox -- sleep 3600");
    // busybox 1.36 asks every search domain and reports each NXDOMAIN,
    // so it exits 1 even though the name resolved.
    let (status, out) = run(&mut s, "kubectl exec dns -- nslookup web");
    assert_eq!(status, 1, "{out}");
    assert_eq!(out.matches("Address: 10.244.").count(), 2, "{out}");
    assert!(
        out.contains("** server can't find web.svc.cluster.local: NXDOMAIN"),
        "{out}"
    );
    // bind9's nslookup stops at the first name of the search path that exists.
    ok(
        &mut s,
        "kubectl run tools --image=nicolaka/netshoot -- sleep infinity",
    );
    // netshoot is a big first pull: wait for it.
    ok(&mut s, "kubectl wait --for=condition=Ready pod/tools");
    let out = ok(&mut s, "kubectl exec tools -- nslookup web");
    assert_eq!(out.matches("Address: 10.244.").count(), 2, "{out}");
    assert!(!out.contains("NXDOMAIN"), "{out}");
}

#[test]
fn kubectl_get_svc_columns_match_the_real_layout() {
    let mut s = world(1);
    with_nodeport(&mut s);
    let ip = cluster_ip(&mut s, "myapp-service");
    let out = ok(&mut s, "kubectl get svc");
    let mut lines = out.lines();
    // The CLUSTER-IP column is as wide as its widest cell, plus 3.
    let width = ip.len().max("CLUSTER-IP".len()) + 3;
    assert_eq!(
        lines.next().unwrap(),
        format!(
            "NAME            TYPE        {:<width$}EXTERNAL-IP   PORT(S)        AGE",
            "CLUSTER-IP"
        )
    );
    let row = lines.nth(1).unwrap();
    assert!(row.starts_with("myapp-service   NodePort    10."), "{row}");
    assert!(row.contains("   <none>        80:30008/TCP   "), "{row}");
}
