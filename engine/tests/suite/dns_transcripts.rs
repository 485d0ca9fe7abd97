//! Golden transcripts of name resolution inside the cluster: what busybox's
//! and bind9's nslookup, dig and host print for each kind of answer CoreDNS
//! gives (a Service, a headless Service, a StatefulSet pod, a pod record, an
//! ExternalName, SRV for a named port), the resolv.conf the kubelet writes,
//! and what a query that cannot get through looks like, with its trace.

use servicelab_engine::{Session, WorldOptions};

use crate::support::{timed_transcript as transcript, NATIVE_STEP_MS};

/// A world with a named-port Service, a headless Service with a two-pod
/// StatefulSet behind it, an ExternalName Service, and two client pods:
/// `bb` (busybox 1.36) and `tools` (netshoot, with bind9's tools).
fn world() -> Session {
    let mut s = Session::new(WorldOptions::default()).expect("valid options");
    s.put_file(
        "laptop",
        "dns.yaml",
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
---
apiVersion: v1
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
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: web
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
---
apiVersion: v1
kind: Service
metadata:
  name: docs
spec:
  type: ExternalName
  externalName: docs.example.com
---
apiVersion: v1
kind: Service
metadata:
  name: alias
spec:
  type: ExternalName
  externalName: myapp.default.svc.cluster.local
",
    );
    for line in [
        "kubectl apply -f dns.yaml",
        "kubectl label pod myapp-pod app=myapp --overwrite",
        "kubectl run bb --image=busybox:1.36 -- sleep 3600",
        "kubectl run tools --image=nicolaka/netshoot -- sleep infinity",
        // netshoot is a big first pull.
        "kubectl wait --for=condition=Ready pod/tools",
    ] {
        s.pass(NATIVE_STEP_MS);
        let e = s.run(line);
        assert_eq!(e.status, 0, "{line}: {}", e.text());
    }
    s
}

#[test]
fn resolv_conf_and_hosts_as_the_kubelet_writes_them() {
    let mut s = world();
    insta::assert_snapshot!(transcript(
        &mut s,
        &[
            "kubectl exec bb -- cat /etc/resolv.conf",
            "kubectl exec web-0 -- cat /etc/hosts",
            "kubectl exec web-0 -- hostname",
            "cat /etc/resolv.conf",
        ]
    ));
}

#[test]
fn busybox_nslookup() {
    let mut s = world();
    insta::assert_snapshot!(transcript(
        &mut s,
        &[
            "kubectl exec bb -- nslookup myapp",
            "kubectl exec bb -- nslookup myapp.default.svc.cluster.local",
            "kubectl exec bb -- nslookup web.default.svc.cluster.local",
            "kubectl exec bb -- nslookup web-0.web.default.svc.cluster.local",
            "kubectl exec bb -- nslookup web-0.web",
            "kubectl exec bb -- nslookup 10-244-0-2.default.pod.cluster.local",
            "kubectl exec bb -- nslookup docs.default.svc.cluster.local",
            "kubectl exec bb -- nslookup kubernetes.default.svc.cluster.local 10.96.0.10",
            "kubectl exec bb -- dig myapp",
        ]
    ));
}

#[test]
fn bind9_nslookup_dig_and_host() {
    let mut s = world();
    insta::assert_snapshot!(transcript(
        &mut s,
        &[
            "kubectl exec tools -- nslookup myapp",
            "kubectl exec tools -- nslookup web",
            "kubectl exec tools -- nslookup alias",
            "kubectl exec tools -- nslookup docs",
            "kubectl exec tools -- dig myapp.default.svc.cluster.local",
            "kubectl exec tools -- dig +short web.default.svc.cluster.local",
            "kubectl exec tools -- dig +search +short web-1.web",
            "kubectl exec tools -- dig SRV _http._tcp.myapp.default.svc.cluster.local +noall +answer +additional",
            "kubectl exec tools -- dig -t srv _http._tcp.web.default.svc.cluster.local +short",
            "kubectl exec tools -- dig docs.default.svc.cluster.local +noall +answer",
            "kubectl exec tools -- dig -x 10.244.0.2 +short",
            "kubectl exec tools -- host myapp",
            "kubectl exec tools -- host -t SRV _http._tcp.myapp.default.svc.cluster.local",
            "kubectl exec tools -- host nothing",
        ]
    ));
}

#[test]
fn a_query_that_cannot_get_through() {
    let mut s = world();
    insta::assert_snapshot!(transcript(
        &mut s,
        &[
            // No one answers at an address nothing routes to.
            "kubectl exec bb -- nslookup myapp 10.96.0.99",
            "kubectl exec tools -- dig @10.96.0.99 myapp.default.svc.cluster.local",
            // With no CoreDNS pod left, kube-proxy rejects the query.
            "kubectl -n kube-system scale deployment coredns --replicas=0",
            "kubectl exec bb -- nslookup myapp",
            "kubectl exec tools -- host myapp",
            "kubectl exec tools -- curl -sS http://myapp",
        ]
    ));
}

/// The query's hops: the pod's UDP datagram to 10.96.0.10:53, DNAT to a
/// CoreDNS pod by kube-proxy's rules, and the answer back through conntrack.
#[test]
fn the_trace_of_a_query() {
    let mut s = world();
    let e = s.run("kubectl exec tools -- dig +short myapp.default.svc.cluster.local");
    assert_eq!(e.status, 0, "{}", e.text());
    let trace = e.trace.expect("dig leaves a trace").to_string();
    insta::assert_snapshot!(trace);
}
