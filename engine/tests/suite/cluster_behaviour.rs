//! What the wider cluster does, checked through the Session a student types
//! into: the EndpointSlice and Endpoints controllers (and what they do to
//! objects you write), kube-proxy programming rules from slices, the
//! workload controllers, CoreDNS answers over the simulated network, the API
//! server's Service validation, and loadBalancerSourceRanges and health
//! checks in the data path. Each test asserts an outcome the mechanism
//! produces, not a stored answer.

use servicelab_engine::{Session, WorldOptions};

use crate::support::{apply, ok, run, world_with};

fn world(nodes: u8, cloud: bool) -> Session {
    world_with(WorldOptions {
        nodes,
        cloud,
        ..Default::default()
    })
}

fn jsonpath(s: &mut Session, what: &str, path: &str) -> String {
    ok(s, &format!("kubectl get {what} -o jsonpath='{path}'"))
}

const ROUTER_SVC: &str = "apiVersion: v1
kind: Service
metadata:
  name: router
spec:
  ports:
  - name: http
    port: 80
";

fn router_slice(address: &str) -> String {
    format!(
        "apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: router-1
  labels:
    kubernetes.io/service-name: router
addressType: IPv4
ports:
- name: http
  port: 80
endpoints:
- addresses: [\"{address}\"]
"
    )
}

// ------------------------------------------------ selector-less Services

#[test]
fn a_selectorless_service_reaches_the_address_of_a_hand_written_slice() {
    let mut s = world(1, false);
    apply(&mut s, ROUTER_SVC);
    // Without a slice, kube-proxy rejects: the Service has no endpoints.
    // (kube-proxy's "has no endpoints" REJECT: connection refused.)
    let (status, out) = run(&mut s, "kubectl exec myapp-pod -- curl -sS http://router");
    assert_eq!(status, 7, "{out}");
    assert!(out.contains("Couldn't connect to server"), "{out}");
    // An address outside the cluster: the home router's admin page, reached
    // through kube-proxy's DNAT and the CNI's masquerade.
    apply(&mut s, &router_slice("192.168.1.1"));
    let out = ok(&mut s, "kubectl exec myapp-pod -- curl -s http://router");
    assert!(out.contains("<title>Home Router</title>"), "{out}");
    ok(&mut s, "ssh node01");
    let nat = ok(&mut s, "sudo iptables -t nat -S");
    assert!(
        nat.contains("-j DNAT --to-destination 192.168.1.1:80"),
        "kube-proxy programs the slice's address:\n{nat}"
    );
    ok(&mut s, "exit");
    // Pointing the slice at a pod instead moves the traffic there.
    apply(&mut s, &router_slice("10.244.0.2"));
    let out = ok(&mut s, "kubectl exec myapp-pod -- curl -s http://router");
    assert!(out.contains("Welcome to nginx!"), "{out}");
}

#[test]
fn endpoints_you_write_for_a_selectorless_service_are_mirrored_into_a_slice() {
    let mut s = world(1, false);
    apply(
        &mut s,
        "apiVersion: v1
kind: Service
metadata:
  name: legacy
spec:
  ports:
  - port: 8080
    targetPort: 80
---
apiVersion: v1
kind: Endpoints
metadata:
  name: legacy
subsets:
- addresses:
  - ip: 192.168.1.1
  ports:
  - port: 80
",
    );
    let managed = jsonpath(
        &mut s,
        "endpointslices -l kubernetes.io/service-name=legacy",
        "{.items[*].metadata.labels.endpointslice\\.kubernetes\\.io/managed-by}",
    );
    assert_eq!(managed, "endpointslicemirroring-controller.k8s.io");
    let out = ok(
        &mut s,
        "kubectl exec myapp-pod -- curl -s http://legacy:8080",
    );
    assert!(out.contains("Home Router"), "{out}");
    // Deleting the Endpoints takes the mirrored slice with it.
    ok(&mut s, "kubectl delete endpoints legacy");
    let (_, out) = run(
        &mut s,
        "kubectl get endpointslices -l kubernetes.io/service-name=legacy",
    );
    assert_eq!(out, "No resources found in default namespace.\n");
    // A skip-mirror label keeps the controller away.
    apply(
        &mut s,
        "apiVersion: v1
kind: Endpoints
metadata:
  name: legacy
  labels:
    endpointslice.kubernetes.io/skip-mirror: \"true\"
subsets:
- addresses:
  - ip: 192.168.1.1
  ports:
  - port: 80
",
    );
    let (_, out) = run(
        &mut s,
        "kubectl get endpointslices -l kubernetes.io/service-name=legacy",
    );
    assert_eq!(out, "No resources found in default namespace.\n");
}

#[test]
fn a_service_with_a_selector_overwrites_the_endpoints_and_slices_you_write() {
    let mut s = world(1, false);
    ok(
        &mut s,
        "kubectl expose pod myapp-pod --name=myapp-service --port=80",
    );
    apply(
        &mut s,
        "apiVersion: v1
kind: Endpoints
metadata:
  name: myapp-service
subsets:
- addresses:
  - ip: 10.9.9.9
  ports:
  - port: 80
",
    );
    let ips = jsonpath(
        &mut s,
        "endpoints myapp-service",
        "{.subsets[*].addresses[*].ip}",
    );
    assert_eq!(ips, "10.244.0.2");
    let name = jsonpath(
        &mut s,
        "endpointslices -l kubernetes.io/service-name=myapp-service",
        "{.items[0].metadata.name}",
    );
    apply(
        &mut s,
        &format!(
            "apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: {name}
  labels:
    kubernetes.io/service-name: myapp-service
    endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io
addressType: IPv4
ports:
- port: 80
endpoints:
- addresses: [\"10.9.9.9\"]
"
        ),
    );
    let ips = jsonpath(
        &mut s,
        &format!("endpointslice {name}"),
        "{.endpoints[*].addresses[*]}",
    );
    assert_eq!(ips, "10.244.0.2");
    let out = ok(
        &mut s,
        "kubectl exec myapp-pod -- curl -s http://myapp-service",
    );
    assert!(out.contains("Welcome to nginx!"), "{out}");
}

// ------------------------------------------------------------ workloads

const WEB_SVC: &str = "apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  clusterIP: None
  selector:
    app: web
  ports:
  - name: http
    port: 80
";

fn web_sts(replicas: u32, policy: &str, probe_path: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: web
  replicas: {replicas}
  podManagementPolicy: {policy}
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
          httpGet:
            path: {probe_path}
            port: 80
"
    )
}

fn pod_names(s: &mut Session, selector: &str) -> Vec<String> {
    let out = ok(
        s,
        &format!("kubectl get pods -l {selector} -o jsonpath='{{.items[*].metadata.name}}'"),
    );
    out.split_whitespace().map(String::from).collect()
}

#[test]
fn a_statefulset_starts_its_pods_in_order_and_waits_for_readiness() {
    let mut s = world(2, false);
    apply(&mut s, WEB_SVC);
    // nginx answers / with 200: each pod becomes ready and the next starts.
    apply(&mut s, &web_sts(3, "OrderedReady", "/"));
    // One after the other: it takes a while.
    let out = ok(&mut s, "kubectl rollout status statefulset/web");
    assert!(
        out.ends_with("partitioned roll out complete: 3 new pods have been updated...\n"),
        "{out}"
    );
    assert_eq!(pod_names(&mut s, "app=web"), ["web-0", "web-1", "web-2"]);
    for (i, name) in ["web-0", "web-1", "web-2"].iter().enumerate() {
        let host = jsonpath(&mut s, &format!("pod {name}"), "{.spec.hostname}");
        assert_eq!(host, format!("web-{i}"));
        let sub = jsonpath(&mut s, &format!("pod {name}"), "{.spec.subdomain}");
        assert_eq!(sub, "web");
    }
    ok(&mut s, "kubectl delete sts web");
    assert!(pod_names(&mut s, "app=web").is_empty());
    // A readiness probe nginx answers 404: web-0 never becomes ready, so
    // OrderedReady never starts web-1.
    apply(&mut s, &web_sts(3, "OrderedReady", "/ready"));
    assert_eq!(pod_names(&mut s, "app=web"), ["web-0"]);
    let out = ok(&mut s, "kubectl get sts web");
    assert!(out.contains("web    0/3"), "{out}");
    ok(&mut s, "kubectl delete sts web");
    // Parallel starts them all at once, ready or not.
    apply(&mut s, &web_sts(3, "Parallel", "/ready"));
    assert_eq!(pod_names(&mut s, "app=web"), ["web-0", "web-1", "web-2"]);
}

#[test]
fn a_replicaset_replaces_what_is_deleted_and_releases_what_no_longer_matches() {
    let mut s = world(1, false);
    apply(
        &mut s,
        "apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: front
spec:
  replicas: 2
  selector:
    matchLabels:
      tier: front
  template:
    metadata:
      labels:
        tier: front
    spec:
      containers:
      - name: nginx
        image: nginx
",
    );
    let before = pod_names(&mut s, "tier=front");
    assert_eq!(before.len(), 2);
    ok(&mut s, &format!("kubectl delete pod {}", before[0]));
    let after = pod_names(&mut s, "tier=front");
    assert_eq!(after.len(), 2);
    assert!(!after.contains(&before[0]), "{after:?}");
    // Relabelled, a pod leaves the set: it lives on, and a new one replaces it.
    ok(
        &mut s,
        &format!("kubectl label pod {} tier=debug --overwrite", after[0]),
    );
    assert_eq!(pod_names(&mut s, "tier=front").len(), 2);
    let owners = jsonpath(
        &mut s,
        &format!("pod {}", after[0]),
        "{.metadata.ownerReferences}",
    );
    assert_eq!(owners, "");
    ok(&mut s, "kubectl scale rs front --replicas=0");
    assert!(pod_names(&mut s, "tier=front").is_empty());
    assert_eq!(pod_names(&mut s, "tier=debug"), [after[0].clone()]);
}

#[test]
fn a_daemonset_runs_one_pod_on_every_node() {
    let mut s = world(3, false);
    apply(
        &mut s,
        "apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels:
      app: agent
  template:
    metadata:
      labels:
        app: agent
    spec:
      containers:
      - name: agent
        image: busybox
        command: [\"sleep\", \"3600\"]
",
    );
    let nodes = ok(
        &mut s,
        "kubectl get pods -l app=agent -o jsonpath='{.items[*].spec.nodeName}'",
    );
    let mut nodes: Vec<&str> = nodes.split_whitespace().collect();
    nodes.sort();
    assert_eq!(nodes, ["node01", "node02", "node03"]);
    // A deleted pod comes back on its node.
    let first = pod_names(&mut s, "app=agent")[0].clone();
    let node = jsonpath(&mut s, &format!("pod {first}"), "{.spec.nodeName}");
    ok(&mut s, &format!("kubectl delete pod {first}"));
    let again = ok(
        &mut s,
        "kubectl get pods -l app=agent -o jsonpath='{.items[*].spec.nodeName}'",
    );
    assert_eq!(again.matches(node.as_str()).count(), 1, "{again}");
    assert_eq!(again.split_whitespace().count(), 3);
}

#[test]
fn configmaps_and_secrets_are_stored_listed_and_described() {
    let mut s = world(1, false);
    ok(
        &mut s,
        "kubectl create configmap app --from-literal=color=blue",
    );
    ok(
        &mut s,
        "kubectl create secret generic pw --from-literal=password=hunter2",
    );
    assert_eq!(jsonpath(&mut s, "cm app", "{.data.color}"), "blue");
    // A Secret's data is base64 on the wire: "hunter2".
    assert_eq!(
        jsonpath(&mut s, "secret pw", "{.data.password}"),
        "aHVudGVyMg=="
    );
    let out = ok(&mut s, "kubectl describe secret pw");
    assert!(out.contains("password:  7 bytes"), "{out}");
    let (status, out) = run(
        &mut s,
        "kubectl create configmap 'bad key' --from-literal=a=b",
    );
    assert_eq!(status, 1, "{out}");
}

// ------------------------------------------------------------------- DNS

fn with_dns_clients(s: &mut Session) {
    ok(s, "kubectl run bb --image=busybox:1.36 -- sleep 3600");
    ok(
        s,
        "kubectl run tools --image=nicolaka/netshoot -- sleep infinity",
    );
    ok(s, "kubectl wait --for=condition=Ready pod/tools");
}

#[test]
fn a_statefulset_pod_has_a_name_under_its_headless_service() {
    let mut s = world(2, false);
    apply(&mut s, WEB_SVC);
    apply(&mut s, &web_sts(2, "OrderedReady", "/"));
    with_dns_clients(&mut s);
    for pod in ["web-0", "web-1"] {
        let ip = jsonpath(&mut s, &format!("pod {pod}"), "{.status.podIP}");
        let out = ok(
            &mut s,
            &format!("kubectl exec tools -- dig +short {pod}.web.default.svc.cluster.local"),
        );
        assert_eq!(out, format!("{ip}\n"));
        // Through the search path, from a pod in the same namespace.
        let out = ok(&mut s, &format!("kubectl exec tools -- host {pod}.web"));
        assert_eq!(
            out,
            format!("{pod}.web.default.svc.cluster.local has address {ip}\n")
        );
    }
}

#[test]
fn a_headless_service_answers_one_record_per_ready_pod() {
    let mut s = world(1, false);
    apply(&mut s, WEB_SVC);
    // Two pods that pass their readiness probe and one that does not.
    apply(&mut s, &web_sts(2, "Parallel", "/"));
    apply(
        &mut s,
        "apiVersion: v1
kind: Pod
metadata:
  name: unready
  labels:
    app: web
spec:
  containers:
  - name: nginx
    image: nginx
    readinessProbe:
      httpGet:
        path: /healthz
        port: 80
",
    );
    with_dns_clients(&mut s);
    let mut want: Vec<String> = ["web-0", "web-1"]
        .iter()
        .map(|p| jsonpath(&mut s, &format!("pod {p}"), "{.status.podIP}"))
        .collect();
    want.sort();
    let out = ok(
        &mut s,
        "kubectl exec tools -- dig +short web.default.svc.cluster.local",
    );
    let mut got: Vec<String> = out.lines().map(String::from).collect();
    got.sort();
    assert_eq!(got, want);
    // Once the Service publishes not-ready addresses, the third answers too.
    apply(
        &mut s,
        &WEB_SVC.replace(
            "  clusterIP: None\n",
            "  clusterIP: None\n  publishNotReadyAddresses: true\n",
        ),
    );
    let out = ok(
        &mut s,
        "kubectl exec tools -- dig +short web.default.svc.cluster.local",
    );
    assert_eq!(out.lines().count(), 3, "{out}");
}

#[test]
fn short_names_resolve_through_the_search_path_of_the_pods_namespace() {
    let mut s = world(1, false);
    ok(
        &mut s,
        "kubectl expose pod myapp-pod --name=myapp-service --port=80",
    );
    ok(&mut s, "kubectl create namespace other");
    ok(
        &mut s,
        "kubectl run -n other tools --image=nicolaka/netshoot -- sleep infinity",
    );
    ok(
        &mut s,
        "kubectl wait -n other --for=condition=Ready pod/tools",
    );
    let resolv = ok(
        &mut s,
        "kubectl exec -n other tools -- cat /etc/resolv.conf",
    );
    assert_eq!(
        resolv,
        "search other.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n"
    );
    let ip = jsonpath(&mut s, "svc myapp-service", "{.spec.clusterIP}");
    // `myapp-service` alone is looked up in `other` and fails…
    let (status, out) = run(&mut s, "kubectl exec -n other tools -- host myapp-service");
    assert_eq!(status, 1, "{out}");
    assert_eq!(
        out,
        "Host myapp-service not found: 3(NXDOMAIN)\ncommand terminated with exit code 1\n"
    );
    // … `myapp-service.default` is found through `svc.cluster.local`.
    let out = ok(
        &mut s,
        "kubectl exec -n other tools -- host myapp-service.default",
    );
    assert_eq!(
        out,
        format!("myapp-service.default.svc.cluster.local has address {ip}\n")
    );
    let out = ok(
        &mut s,
        "kubectl exec -n other tools -- curl -s http://myapp-service.default",
    );
    assert!(out.contains("Welcome to nginx!"), "{out}");
}

#[test]
fn an_external_name_service_answers_with_a_cname() {
    let mut s = world(1, false);
    ok(
        &mut s,
        "kubectl expose pod myapp-pod --name=myapp-service --port=80",
    );
    ok(
        &mut s,
        "kubectl create service externalname docs --external-name=docs.example.com",
    );
    ok(
        &mut s,
        "kubectl create service externalname alias --external-name=myapp-service.default.svc.cluster.local",
    );
    with_dns_clients(&mut s);
    let out = ok(
        &mut s,
        "kubectl exec tools -- dig +short docs.default.svc.cluster.local",
    );
    assert_eq!(out, "docs.example.com.\n");
    // The simulated world has no Internet: the target itself is unknown.
    let (status, out) = run(&mut s, "kubectl exec tools -- curl -sS http://docs");
    assert_eq!(status, 6, "{out}");
    // A CNAME to a name inside the cluster: CoreDNS adds the target's A.
    let ip = jsonpath(&mut s, "svc myapp-service", "{.spec.clusterIP}");
    let out = ok(
        &mut s,
        "kubectl exec tools -- dig +short alias.default.svc.cluster.local",
    );
    assert_eq!(
        out,
        format!("myapp-service.default.svc.cluster.local.\n{ip}\n")
    );
    let out = ok(&mut s, "kubectl exec tools -- curl -s http://alias");
    assert!(out.contains("Welcome to nginx!"), "{out}");
    // No controller writes endpoints for it, and kube-proxy writes no rules.
    let (status, out) = run(&mut s, "kubectl get endpoints docs");
    assert_eq!(
        (status, out.as_str()),
        (
            1,
            "Error from server (NotFound): endpoints \"docs\" not found\n"
        )
    );
    ok(&mut s, "ssh node01");
    let nat = ok(&mut s, "sudo iptables -t nat -S");
    assert!(!nat.contains("default/docs"), "{nat}");
}

#[test]
fn srv_records_name_each_named_port() {
    let mut s = world(1, false);
    apply(
        &mut s,
        "apiVersion: v1
kind: Service
metadata:
  name: myapp
spec:
  selector:
    app: myapp
  ports:
  - name: http
    port: 80
  - name: metrics
    port: 9090
    targetPort: 80
  - port: 8080
    targetPort: 80
    name: alt
    protocol: UDP
",
    );
    with_dns_clients(&mut s);
    let out = ok(
        &mut s,
        "kubectl exec tools -- dig +short SRV _metrics._tcp.myapp.default.svc.cluster.local",
    );
    assert_eq!(out, "0 100 9090 myapp.default.svc.cluster.local.\n");
    let out = ok(
        &mut s,
        "kubectl exec tools -- dig +short SRV _alt._udp.myapp.default.svc.cluster.local",
    );
    assert_eq!(out, "0 100 8080 myapp.default.svc.cluster.local.\n");
    let out = ok(
        &mut s,
        "kubectl exec tools -- dig +short SRV _alt._tcp.myapp.default.svc.cluster.local",
    );
    assert_eq!(out, "");
}

#[test]
fn a_pod_has_a_dashed_address_record() {
    let mut s = world(1, false);
    with_dns_clients(&mut s);
    let out = ok(
        &mut s,
        "kubectl exec bb -- nslookup 10-244-0-2.default.pod.cluster.local",
    );
    assert!(
        out.contains("Name:\t10-244-0-2.default.pod.cluster.local\nAddress: 10.244.0.2\n"),
        "{out}"
    );
}

#[test]
fn nslookup_with_a_server_asks_that_server() {
    let mut s = world(1, false);
    with_dns_clients(&mut s);
    let coredns = ok(
        &mut s,
        "kubectl -n kube-system get pods -l k8s-app=kube-dns -o jsonpath='{.items[0].status.podIP}'",
    );
    let out = ok(
        &mut s,
        &format!("kubectl exec bb -- nslookup kubernetes.default.svc.cluster.local {coredns}"),
    );
    assert!(
        out.starts_with(&format!("Server:\t\t{coredns}\nAddress:\t{coredns}:53\n\n")),
        "{out}"
    );
    assert!(out.contains("Address: 10.96.0.1\n"), "{out}");
    // The node's address answers nothing on port 53: the kernel refuses.
    let (status, out) = run(
        &mut s,
        "kubectl exec tools -- nslookup kubernetes 192.168.1.2",
    );
    assert_eq!(status, 1, "{out}");
    assert!(
        out.contains(";; communications error to 192.168.1.2#53: connection refused"),
        "{out}"
    );
}

#[test]
fn resolution_fails_when_the_path_to_the_server_is_broken() {
    let mut s = world(1, false);
    with_dns_clients(&mut s);
    // A pod told to use a nameserver nothing answers for: its queries go
    // out the default route and the router drops them.
    apply(
        &mut s,
        "apiVersion: v1
kind: Pod
metadata:
  name: lost
spec:
  dnsPolicy: None
  dnsConfig:
    nameservers: [\"10.96.0.99\"]
    searches: [\"default.svc.cluster.local\"]
  containers:
  - name: bb
    image: busybox:1.36
    command: [\"sleep\", \"3600\"]
",
    );
    let resolv = ok(&mut s, "kubectl exec lost -- cat /etc/resolv.conf");
    assert_eq!(
        resolv,
        "search default.svc.cluster.local\nnameserver 10.96.0.99\n"
    );
    let e = s.run("kubectl exec lost -- nslookup kubernetes");
    assert_eq!(e.status, 1);
    assert_eq!(
        e.text(),
        ";; connection timed out; no servers could be reached\n\ncommand terminated with exit code 1\n"
    );
    let trace = e.trace.expect("a trace of the query").to_string();
    assert!(trace.contains("10.96.0.99:53"), "{trace}");
    // Without CoreDNS pods, kube-proxy rejects queries to the kube-dns IP.
    ok(
        &mut s,
        "kubectl -n kube-system scale deployment coredns --replicas=0",
    );
    let (status, out) = run(&mut s, "kubectl exec bb -- nslookup kubernetes");
    assert_eq!(status, 1, "{out}");
    assert!(
        out.contains(";; connection timed out; no servers could be reached"),
        "{out}"
    );
    let (status, out) = run(&mut s, "kubectl exec tools -- curl -sS http://kubernetes");
    assert_eq!(
        (status, out.as_str()),
        (
            6,
            "curl: (6) Could not resolve host: kubernetes\ncommand terminated with exit code 6\n"
        )
    );
    // Back to two replicas, names resolve again.
    ok(
        &mut s,
        "kubectl -n kube-system scale deployment coredns --replicas=2",
    );
    ok(&mut s, "kubectl exec tools -- host kubernetes");
}

#[test]
fn kube_dns_has_the_rules_kube_proxy_writes() {
    let mut s = world(1, false);
    ok(&mut s, "ssh node01");
    let rules = ok(&mut s, "sudo iptables -t nat -S KUBE-SERVICES");
    for want in [
        "-A KUBE-SERVICES -d 10.96.0.10/32 -p udp -m comment --comment \"kube-system/kube-dns:dns cluster IP\" -m udp --dport 53 -j KUBE-SVC-TCOU7JCQXEZGVUNU",
        "-A KUBE-SERVICES -d 10.96.0.10/32 -p tcp -m comment --comment \"kube-system/kube-dns:dns-tcp cluster IP\" -m tcp --dport 53 -j KUBE-SVC-ERIFXISQEP7F7OF4",
        "-A KUBE-SERVICES -d 10.96.0.10/32 -p tcp -m comment --comment \"kube-system/kube-dns:metrics cluster IP\" -m tcp --dport 9153 -j KUBE-SVC-JD5MR3NA4I4DYORP",
    ] {
        assert!(rules.contains(want), "missing {want}\n{rules}");
    }
}

// ------------------------------------------------- the API server's word

#[test]
fn service_validation_speaks_as_the_api_server() {
    let mut s = world(1, false);
    let svc = |extra_meta: &str, extra_spec: &str, port_extra: &str| {
        format!(
            "apiVersion: v1
kind: Service
metadata:
  name: bad
{extra_meta}spec:
  selector:
    app: myapp
{extra_spec}  ports:
  - port: 80
{port_extra}"
        )
    };
    let cases = [
        (
            svc("  annotations:\n    \"bad key!\": x\n", "", ""),
            "The Service \"bad\" is invalid: metadata.annotations: Invalid value: \"bad key!\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')\n",
        ),
        (
            svc("", "", "    appProtocol: \"h2 c\"\n"),
            "The Service \"bad\" is invalid: spec.ports[0].appProtocol: Invalid value: \"h2 c\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')\n",
        ),
        (
            svc("", "  type: LoadBalancer\n  loadBalancerSourceRanges:\n  - 10.0.0.0/33\n", ""),
            "The Service \"bad\" is invalid: spec.LoadBalancerSourceRanges[0]: Invalid value: \"10.0.0.0/33\": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)\n",
        ),
        (
            svc(
                "  annotations:\n    service.beta.kubernetes.io/load-balancer-source-ranges: \"10.0.0.0/8, nope\"\n",
                "  type: LoadBalancer\n",
                "",
            ),
            "The Service \"bad\" is invalid: metadata.annotations[service.beta.kubernetes.io/load-balancer-source-ranges]: Invalid value: \"nope\": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)\n",
        ),
        (
            svc("", "  loadBalancerSourceRanges:\n  - 10.0.0.0/8\n", ""),
            "The Service \"bad\" is invalid: spec.LoadBalancerSourceRanges: Forbidden: may only be used when `type` is 'LoadBalancer'\n",
        ),
    ];
    for (yaml, want) in cases {
        s.put_file("laptop", "bad.yaml", &yaml);
        let (status, out) = run(&mut s, "kubectl apply -f bad.yaml");
        assert_eq!(status, 1, "{yaml}");
        assert_eq!(out, want, "{yaml}");
    }
}

#[test]
fn last_applied_configuration_holds_exactly_what_was_applied() {
    let mut s = world(1, true);
    apply(
        &mut s,
        "apiVersion: v1
kind: Service
metadata:
  name: lb
  labels:
    tier: edge
spec:
  type: LoadBalancer
  selector:
    app: myapp
  ports:
  - port: 80
    targetPort: 80
",
    );
    let got = ok(
        &mut s,
        "kubectl get svc lb -o jsonpath='{.metadata.annotations.kubectl\\.kubernetes\\.io/last-applied-configuration}'",
    );
    assert_eq!(
        got,
        "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"annotations\":{},\"labels\":{\"tier\":\"edge\"},\"name\":\"lb\",\"namespace\":\"default\"},\"spec\":{\"ports\":[{\"port\":80,\"targetPort\":80}],\"selector\":{\"app\":\"myapp\"},\"type\":\"LoadBalancer\"}}\n"
    );
    // The same manifest again changes nothing.
    let out = apply(
        &mut s,
        "apiVersion: v1
kind: Service
metadata:
  name: lb
  labels:
    tier: edge
spec:
  type: LoadBalancer
  selector:
    app: myapp
  ports:
  - port: 80
    targetPort: 80
",
    );
    assert_eq!(out, "service/lb unchanged\n");
}

// ------------------------------------- source ranges and health checks

fn lb_with_ranges(ranges: &[&str]) -> String {
    let mut y = "apiVersion: v1
kind: Service
metadata:
  name: lb
spec:
  type: LoadBalancer
  selector:
    app: myapp
  ports:
  - port: 80
  loadBalancerSourceRanges:
"
    .to_string();
    for r in ranges {
        y.push_str(&format!("  - {r}\n"));
    }
    y
}

fn curl_code(s: &mut Session, line: &str) -> i32 {
    run(s, line).0
}

#[test]
fn load_balancer_source_ranges_are_enforced_in_the_data_path() {
    let mut s = world(2, true);
    // Only the pod network may use the load balancer.
    apply(&mut s, &lb_with_ranges(&["10.244.0.0/16"]));
    // The laptop's requests reach the cloud load balancer from the home's
    // public address, outside the ranges: its firewall drops them.
    assert_eq!(curl_code(&mut s, "curl -sS -m 2 http://203.0.113.100"), 28);
    // A pod's request for the load balancer's address is handled on its
    // node by kube-proxy's KUBE-FW chain, and its address is in range.
    let out = ok(
        &mut s,
        "kubectl exec myapp-pod -- curl -s http://203.0.113.100",
    );
    assert!(out.contains("Welcome to nginx!"), "{out}");
    // A node's own address is not: KUBE-PROXY-FIREWALL drops it.
    ok(&mut s, "ssh node02");
    assert_eq!(curl_code(&mut s, "curl -sS -m 2 http://203.0.113.100"), 28);
    let fw = ok(&mut s, "sudo iptables -S KUBE-PROXY-FIREWALL");
    assert!(
        fw.contains("-A KUBE-PROXY-FIREWALL -d 203.0.113.100/32 -p tcp -m comment --comment \"default/lb traffic not accepted by KUBE-FW-"),
        "{fw}"
    );
    ok(&mut s, "exit");
    // Widened to the Internet, everyone gets through.
    apply(&mut s, &lb_with_ranges(&["0.0.0.0/0"]));
    let out = ok(&mut s, "curl -s http://203.0.113.100");
    assert!(out.contains("Welcome to nginx!"), "{out}");
    // The annotation works the same way when the field is not set.
    apply(
        &mut s,
        "apiVersion: v1
kind: Service
metadata:
  name: lb
  annotations:
    service.beta.kubernetes.io/load-balancer-source-ranges: 10.244.0.0/16
spec:
  type: LoadBalancer
  selector:
    app: myapp
  ports:
  - port: 80
",
    );
    assert_eq!(curl_code(&mut s, "curl -sS -m 2 http://203.0.113.100"), 28);
}

#[test]
fn external_traffic_policy_local_gets_a_health_check_the_load_balancer_follows() {
    let mut s = world(2, true);
    apply(
        &mut s,
        "apiVersion: v1
kind: Service
metadata:
  name: lb
spec:
  type: LoadBalancer
  externalTrafficPolicy: Local
  selector:
    app: myapp
  ports:
  - port: 80
",
    );
    let port = jsonpath(&mut s, "svc lb", "{.spec.healthCheckNodePort}");
    let port: u16 = port.parse().expect("a port");
    assert!((30000..=32767).contains(&port), "{port}");
    let out = ok(&mut s, "kubectl describe svc lb");
    assert!(
        out.contains(&format!("HealthCheck NodePort:     {port}\n")),
        "{out}"
    );
    // node01 runs the pod: its kube-proxy answers 200; node02's 503.
    let code = |s: &mut Session, ip: &str| {
        ok(
            s,
            &format!("curl -s -o /dev/null -w '%{{http_code}}' http://{ip}:{port}/healthz"),
        )
    };
    assert_eq!(code(&mut s, "192.168.1.2"), "200");
    assert_eq!(code(&mut s, "192.168.1.3"), "503");
    let body = ok(
        &mut s,
        &format!("curl -s http://192.168.1.3:{port}/healthz"),
    );
    assert!(body.contains("\"localEndpoints\": 0"), "{body}");
    // The load balancer sends only to node01, so every request is served
    // (node02 would drop it: no local endpoint under the Local policy).
    for _ in 0..8 {
        let out = ok(&mut s, "curl -s http://203.0.113.100");
        assert!(out.contains("Welcome to nginx!"), "{out}");
    }
    // With the policy back to Cluster, the health check port is gone.
    apply(
        &mut s,
        "apiVersion: v1
kind: Service
metadata:
  name: lb
spec:
  type: LoadBalancer
  externalTrafficPolicy: Cluster
  selector:
    app: myapp
  ports:
  - port: 80
",
    );
    let (status, out) = run(
        &mut s,
        &format!("curl -sS http://192.168.1.2:{port}/healthz"),
    );
    assert_eq!(status, 7, "{out}");
}

/// A Secret's `data` is base64 as Go decodes it: kubectl sends the bytes
/// encoded, describe counts the decoded bytes, and a value that is not
/// base64 is refused at the byte Go's decoder stops at.
#[test]
fn secret_data_is_base64_as_go_decodes_it() {
    let mut s = world(1, false);
    ok(
        &mut s,
        "kubectl create secret generic s --from-literal=password=hunter2",
    );
    assert_eq!(
        ok(
            &mut s,
            "kubectl get secret s -o jsonpath='{.data.password}'"
        ),
        "aHVudGVyMg=="
    );
    let described = ok(&mut s, "kubectl describe secret s");
    assert!(described.ends_with("password:  7 bytes\n"), "{described}");
    for (value, byte) in [("hello!", 5), ("aHVudGVyMg=", 11), ("aHVu dGVy", 4)] {
        let (code, out) = run(
            &mut s,
            &format!("printf 'apiVersion: v1\\nkind: Secret\\nmetadata:\\n  name: bad\\ndata:\\n  k: \"{value}\"\\n' | kubectl apply -f -"),
        );
        assert_eq!(code, 1);
        assert_eq!(
            out,
            format!("Error from server (BadRequest): error when creating \"STDIN\": Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte {byte}\n")
        );
    }
}
