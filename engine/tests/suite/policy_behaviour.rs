//! NetworkPolicy on the data path, checked through the Session a student
//! types into. The world's CNI decides what a policy does: flannel alone
//! enforces nothing (a policy is stored, and every connection it would deny
//! still gets through, as on a real cluster).

use servicelab_engine::Session;

use crate::support::{apply, ok, world, NATIVE_STEP_MS};

/// Denies every connection into and out of every pod of `default`.
const DENY_ALL: &str = "apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny-all
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
";

/// The journey of the request `line` makes (after a native step of time),
/// as the page tells it.
fn story_of(s: &mut Session, line: &str) -> servicelab_engine::explain::Story {
    s.pass(NATIVE_STEP_MS);
    let e = s.run(line);
    s.story(e.trace.as_ref().expect("a traced request"))
}

/// What the journey of `line` says would change where it stopped.
fn fix_of(s: &mut Session, line: &str) -> String {
    match story_of(s, line).ending {
        servicelab_engine::explain::Ending::Stopped { fix, .. } => fix.unwrap_or_default(),
        other => panic!("{other:?}"),
    }
}

/// A Deployment of two nginx pods behind a Service, spread over the nodes.
fn web(s: &mut Session) {
    ok(
        s,
        "kubectl create deployment web --image=nginx --replicas=2",
    );
    ok(s, "kubectl expose deployment web --port=80");
    ok(s, "kubectl rollout status deployment/web");
}

#[test]
fn on_flannel_a_policy_is_accepted_and_enforces_nothing() {
    let mut s = world(2);
    web(&mut s);
    let code = "curl -s -o /dev/null -w '%{http_code}\\n' -m 5";
    let before = ok(
        &mut s,
        &format!("kubectl exec myapp-pod -- {code} http://web"),
    );
    assert_eq!(before, "200\n");

    assert_eq!(
        apply(&mut s, DENY_ALL),
        "networkpolicy.networking.k8s.io/default-deny-all created\n"
    );
    assert!(ok(&mut s, "kubectl get netpol").contains("default-deny-all   <none>"));

    // Through the Service (DNS out, then the connection in), to each pod
    // by its address, and from the node: all still answer.
    assert_eq!(
        ok(
            &mut s,
            &format!("kubectl exec myapp-pod -- {code} http://web")
        ),
        "200\n"
    );
    let ips = ok(
        &mut s,
        "kubectl get pods -l app=web -o jsonpath='{.items[*].status.podIP}'",
    );
    let ips: Vec<&str> = ips.split_whitespace().collect();
    assert_eq!(ips.len(), 2, "{ips:?}");
    for ip in &ips {
        assert_eq!(
            ok(
                &mut s,
                &format!("kubectl exec myapp-pod -- {code} http://{ip}")
            ),
            "200\n",
            "to {ip}"
        );
    }
    // The journey says why nothing stopped it.
    let story = story_of(
        &mut s,
        &format!(
            "kubectl exec myapp-pod -- curl -s -o /dev/null http://{}",
            ips[0]
        ),
    );
    let sentence = story.ending.sentence();
    assert!(
        sentence.contains("NetworkPolicy default/default-deny-all isolates web-")
            && sentence.contains(" for ingress and NetworkPolicy default/default-deny-all isolates myapp-pod for egress, but flannel does not enforce NetworkPolicy"),
        "{sentence}"
    );
    ok(&mut s, "ssh node01");
    assert_eq!(ok(&mut s, &format!("{code} http://{}", ips[0])), "200\n");
    // flannel writes no policy chains: nothing on the node reads the policy.
    let rules = ok(&mut s, "sudo iptables-save");
    assert!(!rules.contains("cali-"), "{rules}");
    assert!(
        !rules.to_lowercase().contains("default-deny-all"),
        "{rules}"
    );

    // Without a policy that selects them, the journey says nothing of it.
    ok(&mut s, "exit");
    ok(&mut s, "kubectl delete netpol default-deny-all");
    let story = story_of(
        &mut s,
        &format!(
            "kubectl exec myapp-pod -- curl -s -o /dev/null http://{}",
            ips[0]
        ),
    );
    assert!(
        !story.ending.sentence().contains("NetworkPolicy"),
        "{}",
        story.ending.sentence()
    );
}

/// A world whose CNI is Canal: flannel's vxlan between nodes, Calico's
/// Felix enforcing NetworkPolicy on each node.
fn canal(nodes: u8) -> Session {
    crate::support::world_with(servicelab_engine::WorldOptions {
        nodes,
        cni: servicelab_engine::world::Cni::Canal,
        ..Default::default()
    })
}

const WEB_FROM_CLIENT: &str = "apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web-from-client
spec:
  podSelector:
    matchLabels:
      app: web
  ingress:
  - from:
    - podSelector:
        matchLabels:
          role: client
    ports:
    - port: 80
";

#[test]
fn on_canal_a_policy_decides_who_reaches_a_pod() {
    let mut s = canal(2);
    web(&mut s);
    let code = "curl -s -o /dev/null -w '%{http_code}\\n' -m 3";
    assert_eq!(
        ok(
            &mut s,
            &format!("kubectl exec myapp-pod -- {code} http://web")
        ),
        "200\n"
    );
    apply(&mut s, WEB_FROM_CLIENT);
    let ips = ok(
        &mut s,
        "kubectl get pods -l app=web -o jsonpath='{.items[*].status.podIP}'",
    );
    let ips: Vec<&str> = ips.split_whitespace().collect();
    assert_eq!(ips.len(), 2, "{ips:?}");
    // myapp-pod has no role=client: every web pod, on either node, is out
    // of its reach, and a denied connection times out (no refusal).
    for ip in &ips {
        let (status, out) = crate::support::run(
            &mut s,
            &format!("kubectl exec myapp-pod -- {code} http://{ip}"),
        );
        assert_eq!(
            (status, out.as_str()),
            (28, "000\ncommand terminated with exit code 28\n"),
            "to {ip}"
        );
    }
    // The journey names the policy, the chain that dropped the packet, and
    // what would allow it.
    let fix = fix_of(
        &mut s,
        &format!(
            "kubectl exec myapp-pod -- curl -s -o /dev/null -m 3 http://{}",
            ips[0]
        ),
    );
    assert!(
        fix.contains("NetworkPolicy default/web-from-client isolates web-")
            && fix.contains("no rule of it allows from myapp-pod (10.244.0.2)")
            && fix.contains("at the end of cali-tw-cali")
            && fix.contains("An ingress rule whose podSelector matches the labels of myapp-pod (app=myapp,type=front-end) would allow it"),
        "{fix}"
    );
    // A pod with the label gets through, and so do the replies.
    ok(&mut s, "kubectl label pod myapp-pod role=client");
    for ip in &ips {
        assert_eq!(
            ok(
                &mut s,
                &format!("kubectl exec myapp-pod -- {code} http://{ip}")
            ),
            "200\n",
            "to {ip}"
        );
    }
    // Only port 80 is allowed.
    let (status, _) = crate::support::run(
        &mut s,
        &format!("kubectl exec myapp-pod -- {code} http://{}:8080", ips[0]),
    );
    assert_eq!(status, 28);
    // The node reaches its own pods whatever the policy says (Calico
    // always lets a host reach its local workloads, for the kubelet).
    ok(&mut s, "kubectl label pod myapp-pod role-");
    let local = ok(
        &mut s,
        "kubectl get pods -l app=web --field-selector spec.nodeName=node01 -o jsonpath='{.items[0].status.podIP}'",
    );
    ok(&mut s, "ssh node01");
    assert_eq!(ok(&mut s, &format!("{code} http://{local}")), "200\n");
    // Felix's chains: the pod's ingress chain ends in the drop, and the
    // policy's chain matches the allowed pods' ipset on port 80.
    let rules = ok(&mut s, "sudo iptables-save -t filter");
    assert!(
        rules.contains("-A FORWARD -m comment --comment \"cali:wUHhoiAYhphO9Mso\" -j cali-FORWARD"),
        "{rules}"
    );
    assert!(
        rules.contains("-m comment --comment \"End of tier default. Drop if no policies passed packet\" -m mark --mark 0x0/0x20000 -j DROP"),
        "{rules}"
    );
    assert!(
        rules.lines().any(|l| l.starts_with("-A cali-pi-_")
            && l.contains("-p tcp")
            && l.contains("-m set --match-set cali40s:")
            && l.ends_with("-m multiport --dports 80 -j MARK --set-xmark 0x10000/0x10000")),
        "{rules}"
    );
}

/// A Canal world with a `client` pod of `image` whose egress a policy
/// denies entirely (DNS included).
fn client_without_egress(image: &str) -> Session {
    let mut s = canal(1);
    ok(
        &mut s,
        &format!("kubectl run client --image={image} --labels=app=client -- sleep 3600"),
    );
    ok(&mut s, "kubectl wait --for=condition=Ready pod/client");
    apply(
        &mut s,
        "apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: client-egress
spec:
  podSelector:
    matchLabels:
      app: client
  policyTypes: [Egress]
",
    );
    s
}

/// curl's time limits cover resolving the name: with DNS dropped, `-m 2`
/// gives up while the resolver still waits (28), where without a limit the
/// resolver's two five-second tries end in "Could not resolve host" (6).
#[test]
fn curls_time_limit_covers_a_name_that_does_not_resolve() {
    let mut s = client_without_egress("curlimages/curl");
    let (status, out) =
        crate::support::run(&mut s, "kubectl exec client -- curl -sS -m 2 http://web");
    assert_eq!(
        out,
        "curl: (28) Resolving timed out after 2001 milliseconds\ncommand terminated with exit code 28\n"
    );
    assert_eq!(status, 28);
    let (_, out) = crate::support::run(
        &mut s,
        "kubectl exec client -- curl -sS --connect-timeout 3 -w '%{time_total}\\n' http://web",
    );
    assert!(
        out.starts_with("3.001"),
        "the written time is the limit's: {out}"
    );
    assert!(
        out.contains("curl: (28) Resolving timed out after 3001 milliseconds\n"),
        "{out}"
    );
    let (status, out) = crate::support::run(&mut s, "kubectl exec client -- curl -sS http://web");
    assert_eq!(
        out,
        "curl: (6) Could not resolve host: web\ncommand terminated with exit code 6\n"
    );
    assert_eq!(status, 6);
}

#[test]
fn on_canal_an_egress_policy_blocks_dns_until_it_is_allowed() {
    let mut s = client_without_egress("busybox");
    let (status, out) = crate::support::run(&mut s, "kubectl exec client -- nslookup kubernetes");
    assert_eq!(status, 1, "{out}");
    assert!(
        out.starts_with(";; connection timed out; no servers could be reached\n"),
        "{out}"
    );
    // The journey names the pod kube-proxy chose behind 10.96.0.10, which
    // is what Felix saw, and a rule for it (not an ipBlock of the Service).
    let fix = fix_of(&mut s, "kubectl exec client -- nslookup kubernetes");
    assert!(
        fix.contains("no rule of it allows to coredns-")
            && fix.contains("An egress rule whose podSelector matches the labels of coredns-")
            && fix.contains("with a namespaceSelector that matches namespace kube-system"),
        "{fix}"
    );
    // Allow DNS to CoreDNS in kube-system, by namespace and pod labels.
    apply(
        &mut s,
        "apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: client-egress
spec:
  podSelector:
    matchLabels:
      app: client
  policyTypes: [Egress]
  egress:
  - to:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: kube-system
      podSelector:
        matchLabels:
          k8s-app: kube-dns
    ports:
    - {protocol: UDP, port: 53}
    - {protocol: TCP, port: 53}
",
    );
    let out = ok(
        &mut s,
        "kubectl exec client -- nslookup kubernetes.default.svc.cluster.local",
    );
    assert!(out.contains("Address: 10.96.0.1"), "{out}");
    // Everything else out of the pod is still denied.
    let (status, out) = crate::support::run(
        &mut s,
        "kubectl exec client -- wget -qO- -T 2 http://10.244.0.2",
    );
    assert_eq!(status, 1, "{out}");
    assert!(out.contains("wget: download timed out"), "{out}");
}

#[test]
fn a_canal_node_routes_each_pod_by_its_veth() {
    let mut s = canal(1);
    ok(&mut s, "ssh node01");
    let routes = ok(&mut s, "ip route");
    let veth = routes
        .lines()
        .find(|l| l.starts_with("10.244.0.2 dev cali"))
        .unwrap_or_else(|| panic!("{routes}"));
    assert!(veth.ends_with(" scope link"), "{veth}");
    assert!(!routes.contains("cni0"), "{routes}");
    let links = ok(&mut s, "ip -br link");
    assert!(
        links.lines().any(|l| l.starts_with("cali")
            && l.contains("@if2")
            && l.contains("ee:ee:ee:ee:ee:ee")),
        "{links}"
    );
}
