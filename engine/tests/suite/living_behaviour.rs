//! A living cluster, end to end through the terminal: pods replaced with
//! new addresses while their Service answers throughout, readiness probes
//! that take pods out of a Service and put them back, the client address
//! in an app's log, conntrack's view of a NodePort request, a port-forward
//! to a pod no Service selects, and time as an input of the session (the
//! same commands at the same recorded times give the same output).

use servicelab_engine::time::Millis;
use servicelab_engine::Session;

use crate::support::{ok, world, NATIVE_STEP_MS};

fn words(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_string).collect()
}

fn pod_ips(s: &mut Session, selector: &str) -> Vec<String> {
    words(&ok(
        s,
        &format!("kubectl get pods -l {selector} -o jsonpath='{{.items[*].status.podIP}}'"),
    ))
}

fn ready_addresses(s: &mut Session, svc: &str) -> Vec<String> {
    let mut v = words(&ok(
        s,
        &format!("kubectl get endpoints {svc} -o jsonpath='{{.subsets[*].addresses[*].ip}}'"),
    ));
    v.sort();
    v
}

const WEB: &str = "kubectl create deployment web --image=nginx:1.27 --replicas=2 && kubectl expose deployment web --port=80";

#[test]
fn a_rollout_restart_gives_every_pod_a_new_ip_while_the_service_answers_throughout() {
    let mut s = world(1);
    ok(&mut s, WEB);
    ok(&mut s, "kubectl rollout status deployment/web");
    let before = pod_ips(&mut s, "app=web");
    let cluster_ip = ok(
        &mut s,
        "kubectl get svc web -o jsonpath='{.spec.clusterIP}'",
    );
    assert_eq!(before.len(), 2);

    ok(&mut s, "kubectl rollout restart deployment/web");
    // Every half second of the rollout, a request through the Service.
    let mut answered = 0;
    for _ in 0..80 {
        s.pass(500);
        let e =
            s.run("kubectl exec myapp-pod -- curl -s -o /dev/null -w '%{http_code}' http://web");
        assert_eq!(e.text(), "200", "during the rollout: {}", e.text());
        answered += 1;
    }
    assert_eq!(answered, 80);
    ok(&mut s, "kubectl rollout status deployment/web");
    let after = pod_ips(&mut s, "app=web");
    assert_eq!(after.len(), 2);
    for ip in &after {
        assert!(
            !before.contains(ip),
            "{ip} was given again: {before:?} -> {after:?}"
        );
    }
    assert_eq!(
        ok(
            &mut s,
            "kubectl get svc web -o jsonpath='{.spec.clusterIP}'"
        ),
        cluster_ip,
        "the ClusterIP stays"
    );
    let mut want = after.clone();
    want.sort();
    assert_eq!(ready_addresses(&mut s, "web"), want);
}

#[test]
fn a_deleted_pod_is_replaced_at_a_new_address() {
    let mut s = world(1);
    ok(&mut s, WEB);
    ok(&mut s, "kubectl rollout status deployment/web");
    let before = pod_ips(&mut s, "app=web");
    let victim = ok(
        &mut s,
        "kubectl get pods -l app=web -o jsonpath='{.items[0].metadata.name}'",
    );
    ok(&mut s, &format!("kubectl delete pod {victim}"));
    ok(&mut s, "kubectl wait --for=condition=Ready pod -l app=web");
    let after = pod_ips(&mut s, "app=web");
    assert_eq!(after.len(), 2);
    let new: Vec<&String> = after.iter().filter(|ip| !before.contains(ip)).collect();
    assert_eq!(new.len(), 1, "{before:?} -> {after:?}");
    // The host-local allocator goes on after the last address it gave.
    assert_eq!(new[0], "10.244.0.5", "{before:?} -> {after:?}");
}

const GATED: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        readinessProbe:
          exec:
            command: [\"cat\", \"/tmp/ready\"]
          periodSeconds: 2
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
";

#[test]
fn readiness_decides_the_endpoints_and_a_service_with_none_rejects() {
    let mut s = world(1);
    s.put_file("laptop", "gated.yaml", GATED);
    ok(&mut s, "kubectl apply -f gated.yaml");
    ok(&mut s, "sleep 20");
    let pods = words(&ok(
        &mut s,
        "kubectl get pods -l app=web -o jsonpath='{.items[*].metadata.name}'",
    ));
    assert_eq!(pods.len(), 2);
    let table = ok(&mut s, "kubectl get pods -l app=web");
    assert_eq!(table.matches("0/1     Running").count(), 2, "{table}");
    assert!(ready_addresses(&mut s, "web").is_empty());

    // No ready endpoint: kube-proxy's REJECT, and the trace says why.
    s.pass(NATIVE_STEP_MS);
    let e = s.run("kubectl exec myapp-pod -- curl -sS http://web");
    assert_eq!(e.status, 7, "{}", e.text());
    assert!(
        e.text().contains("Couldn't connect to server"),
        "{}",
        e.text()
    );
    let trace = e.trace.expect("curl leaves a trace").to_string();
    assert!(trace.contains("has no endpoints"), "{trace}");
    assert!(trace.contains("REJECT"), "{trace}");

    // Readiness restored in both pods: both are endpoints again.
    for p in &pods {
        ok(&mut s, &format!("kubectl exec {p} -- touch /tmp/ready"));
    }
    ok(&mut s, "sleep 3");
    let mut ips = pod_ips(&mut s, "app=web");
    ips.sort();
    assert_eq!(ready_addresses(&mut s, "web"), ips);
    assert_eq!(
        ok(
            &mut s,
            "kubectl exec myapp-pod -- curl -s -o /dev/null -w '%{http_code}' http://web"
        ),
        "200"
    );

    // One pod fails its probe three times (failureThreshold): it leaves.
    ok(
        &mut s,
        &format!("kubectl exec {} -- rm /tmp/ready", pods[0]),
    );
    ok(&mut s, "sleep 8");
    let remaining = ok(
        &mut s,
        &format!(
            "kubectl get pod {} -o jsonpath='{{.status.podIP}}'",
            pods[1]
        ),
    );
    assert_eq!(ready_addresses(&mut s, "web"), vec![remaining]);
    let described = ok(&mut s, &format!("kubectl describe pod {}", pods[0]));
    assert!(
        described.contains("Readiness probe failed: cat: /tmp/ready: No such file or directory"),
        "{described}"
    );
    // Every request now reaches the ready one: the unready pod's log
    // gains no request.
    let requests_in = |s: &mut Session, pod: &str| {
        ok(s, &format!("kubectl logs {pod}"))
            .lines()
            .filter(|l| l.contains("curl/"))
            .count()
    };
    let before = requests_in(&mut s, &pods[0]);
    for _ in 0..6 {
        assert_eq!(
            ok(
                &mut s,
                "kubectl exec myapp-pod -- curl -s -o /dev/null -w '%{http_code}' http://web"
            ),
            "200"
        );
    }
    assert_eq!(
        requests_in(&mut s, &pods[0]),
        before,
        "the unready pod got a request:\n{}",
        ok(&mut s, &format!("kubectl logs {} --tail=20", pods[0]))
    );
}

#[test]
fn the_access_log_shows_the_cni0_address_for_a_nodeport_request_and_the_client_with_local_policy() {
    let mut s = world(1);
    ok(
        &mut s,
        "kubectl create deployment web --image=nginx:1.27 && kubectl expose deployment web --port=80 --type=NodePort",
    );
    ok(&mut s, "kubectl rollout status deployment/web");
    let port = ok(
        &mut s,
        "kubectl get svc web -o jsonpath='{.spec.ports[0].nodePort}'",
    );
    let url = format!("http://192.168.1.2:{port}/");
    ok(&mut s, &format!("curl -s -o /dev/null {url}"));
    let line = ok(&mut s, "kubectl logs deploy/web --tail=1");
    assert!(
        line.starts_with("10.244.0.1 - - ["),
        "SNAT to the node's cni0 address: {line}"
    );
    assert!(line.contains("\"GET / HTTP/1.1\" 200 615"), "{line}");

    ok(
        &mut s,
        "kubectl patch svc web -p '{\"spec\":{\"externalTrafficPolicy\":\"Local\"}}'",
    );
    ok(&mut s, &format!("curl -s -o /dev/null {url}"));
    let line = ok(&mut s, "kubectl logs deploy/web --tail=1");
    assert!(
        line.starts_with("192.168.1.10 - - ["),
        "the client's own address: {line}"
    );
}

#[test]
fn conntrack_shows_the_nat_of_a_nodeport_request() {
    let mut s = world(1);
    ok(
        &mut s,
        "kubectl create deployment web --image=nginx:1.27 && kubectl expose deployment web --port=80 --type=NodePort",
    );
    ok(&mut s, "kubectl rollout status deployment/web");
    let port = ok(
        &mut s,
        "kubectl get svc web -o jsonpath='{.spec.ports[0].nodePort}'",
    );
    let pod = pod_ips(&mut s, "app=web").remove(0);
    ok(
        &mut s,
        &format!("curl -s -o /dev/null http://192.168.1.2:{port}/"),
    );
    ok(&mut s, "ssh node01");
    s.pass(NATIVE_STEP_MS);
    let e = s.run(&format!("sudo conntrack -L -p tcp --dport {port}"));
    assert_eq!(e.status, 0);
    let out: String = e
        .output
        .iter()
        .filter(|(st, _)| *st == servicelab_engine::shell::Stream::Stdout)
        .map(|(_, t)| t.as_str())
        .collect();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1, "{out}");
    let l = lines[0];
    assert!(l.starts_with("tcp      6 "), "{l}");
    assert!(l.contains(" TIME_WAIT "), "{l}");
    assert!(
        l.contains("src=192.168.1.10 dst=192.168.1.2 sport="),
        "original tuple: {l}"
    );
    assert!(
        l.contains(&format!(
            "dport={port} src={pod} dst=10.244.0.1 sport=80 dport="
        )),
        "reply tuple: DNAT to the pod, SNAT to cni0: {l}"
    );
    assert!(l.ends_with("[ASSURED] mark=0 use=1"), "{l}");
    assert!(e
        .text()
        .contains("conntrack v1.4.8 (conntrack-tools): 1 flow entries have been shown."));
    // Deleting it: the next listing is empty.
    ok(&mut s, &format!("sudo conntrack -D -p tcp --dport {port}"));
    let again = ok(&mut s, &format!("sudo conntrack -L -p tcp --dport {port}"));
    assert!(again.contains("0 flow entries have been shown."), "{again}");
}

#[test]
fn port_forward_reaches_a_pod_no_service_selects() {
    let mut s = world(1);
    ok(&mut s, "kubectl run solo --image=nginx:1.27");
    ok(&mut s, "kubectl wait --for=condition=Ready pod/solo");
    let svcs = ok(&mut s, "kubectl get svc -o name");
    assert_eq!(svcs, "service/kubernetes\n");
    ok(&mut s, "kubectl port-forward pod/solo 8080:80 &");
    s.pass(NATIVE_STEP_MS);
    let e = s.run("curl -s http://localhost:8080/");
    assert_eq!(e.status, 0, "{}", e.text());
    assert!(e.text().contains("Welcome to nginx!"), "{}", e.text());
    assert!(e.text().starts_with("Handling connection for 8080\n"));
    let trace = e.trace.expect("a trace").to_string();
    assert!(trace.contains("tunnel: kubectl port-forward"), "{trace}");
    assert!(
        !trace.contains("KUBE-SVC"),
        "not kube-proxy's rules: {trace}"
    );
    assert!(!trace.contains("DNAT"), "{trace}");
    // The pod saw the tunnel's loopback connection.
    let log = ok(&mut s, "kubectl logs solo --tail=1");
    assert!(log.starts_with("127.0.0.1 - - ["), "{log}");
    ok(&mut s, "kill %1");
    s.pass(NATIVE_STEP_MS);
    assert_eq!(s.run("curl -s http://localhost:8080/").status, 7);
}

/// What the page records: commands, and the time between them.
enum Act {
    Wait(Millis),
    Run(&'static str),
}

fn replay(log: &[Act]) -> Vec<String> {
    let mut s = world(1);
    let mut out = vec![];
    for a in log {
        match a {
            Act::Wait(ms) => s.pass(*ms),
            Act::Run(line) => out.push(s.run(line).text()),
        }
    }
    out
}

#[test]
fn a_replay_with_recorded_times_gives_identical_output() {
    let log = [
        Act::Wait(3_400),
        Act::Run(WEB),
        Act::Wait(1_250),
        Act::Run("kubectl get pods -o wide"),
        Act::Wait(17_900),
        Act::Run("kubectl get pods -o wide; kubectl get events"),
        Act::Wait(2_000),
        Act::Run("kubectl rollout restart deployment/web; kubectl get pods"),
        Act::Wait(41_000),
        Act::Run("kubectl get pods -o wide; kubectl logs deploy/web --tail=2"),
        Act::Run("ssh node01"),
        Act::Wait(600),
        Act::Run("curl -s -o /dev/null http://10.244.0.2; sudo conntrack -L; ip neigh"),
    ];
    let a = replay(&log);
    let b = replay(&log);
    assert_eq!(a, b);
    // Time is an input: other waits give another output.
    let mut other = log;
    other[2] = Act::Wait(60_000);
    assert_ne!(replay(&other), a);
}
