//! Properties of Services over generated worlds: a Service with at least one
//! Ready endpoint is reachable through every port it exposes (by ClusterIP
//! from a node, and by NodePort from the laptop on every node); a Service
//! with none never returns a page; and the pod that answers is always one
//! its selector matches. A Service without a selector reaches exactly the
//! ready addresses of the EndpointSlices written for it, in the cluster or
//! outside it. Pods carry generated readiness probes (httpGet on a path
//! the app serves or not, tcpSocket on a port it listens on or not): only
//! the pods whose probe passes are endpoints.

use proptest::prelude::*;
use servicelab_engine::shell::time::NATIVE_STEP_MS;
use servicelab_engine::shell::Observed;
use servicelab_engine::{Session, WorldOptions};

#[derive(Debug, Clone)]
struct PodGen {
    app: u8,
    image: &'static str,
    node: u8,
    probe: Probe,
}

/// A readiness probe, and whether the pod's app passes it.
#[derive(Debug, Clone, Copy)]
enum Probe {
    None,
    /// httpGet on port 80: nginx serves `/` and 404s elsewhere; whoami
    /// answers every path.
    Http(&'static str),
    /// tcpSocket: both apps listen on 80, none on 8080.
    Tcp(u16),
}

impl Probe {
    fn yaml(self) -> String {
        match self {
            Probe::None => String::new(),
            Probe::Http(path) => format!(
                "    readinessProbe:\n      httpGet:\n        path: {path}\n        port: 80\n      periodSeconds: 2\n"
            ),
            Probe::Tcp(port) => format!(
                "    readinessProbe:\n      tcpSocket:\n        port: {port}\n      periodSeconds: 2\n"
            ),
        }
    }

    fn passes(self, image: &str) -> bool {
        match self {
            Probe::None => true,
            Probe::Http(path) => path == "/" || image == "traefik/whoami",
            Probe::Tcp(port) => port == 80,
        }
    }
}

#[derive(Debug, Clone)]
struct SvcGen {
    app: u8,
    node_port: bool,
    ports: Vec<u16>,
}

fn pod() -> impl Strategy<Value = PodGen> {
    (
        0u8..3,
        prop::sample::select(vec!["nginx", "traefik/whoami", "ngnix"]),
        1u8..=3,
        prop::sample::select(vec![
            Probe::None,
            Probe::None,
            Probe::Http("/"),
            Probe::Http("/healthz"),
            Probe::Tcp(80),
            Probe::Tcp(8080),
        ]),
    )
        .prop_map(|(app, image, node, probe)| PodGen {
            app,
            image,
            node,
            probe,
        })
}

fn svc() -> impl Strategy<Value = SvcGen> {
    // app 3 is a label no pod carries.
    (
        0u8..4,
        any::<bool>(),
        prop::collection::btree_set(prop::sample::select(vec![80u16, 8080, 443]), 1..=2),
    )
        .prop_map(|(app, node_port, ports)| SvcGen {
            app,
            node_port,
            ports: ports.into_iter().collect(),
        })
}

fn ok(s: &mut Session, line: &str) -> String {
    s.pass(NATIVE_STEP_MS);
    let e = s.run(line);
    assert_eq!(e.status, 0, "`{line}`: {}", e.text());
    e.text()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn services_reach_exactly_their_ready_endpoints(
        nodes in 1u8..=3,
        pods in prop::collection::vec(pod(), 0..6),
        svcs in prop::collection::vec(svc(), 1..3),
    ) {
        let mut s = Session::new(WorldOptions { nodes, ..Default::default() }).unwrap();
        ok(&mut s, "kubectl delete pod myapp-pod");
        for (i, p) in pods.iter().enumerate() {
            let node = p.node.min(nodes);
            let manifest = format!(
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p{i}\n  labels:\n    app: a{}\nspec:\n  nodeName: node{node:02}\n  containers:\n  - name: c\n    image: {}\n{}",
                p.app, p.image, p.probe.yaml()
            );
            s.put_file("laptop", &format!("p{i}.yaml"), &manifest);
            ok(&mut s, &format!("kubectl apply -f p{i}.yaml"));
        }
        for (i, v) in svcs.iter().enumerate() {
            let mut m = format!(
                "apiVersion: v1\nkind: Service\nmetadata:\n  name: s{i}\nspec:\n  type: {}\n  selector:\n    app: a{}\n  ports:\n",
                if v.node_port { "NodePort" } else { "ClusterIP" },
                v.app
            );
            for p in &v.ports {
                m.push_str(&format!("  - name: p{p}\n    port: {p}\n    targetPort: 80\n"));
            }
            s.put_file("laptop", &format!("s{i}.yaml"), &m);
            ok(&mut s, &format!("kubectl apply -f s{i}.yaml"));
        }
        for (i, v) in svcs.iter().enumerate() {
            // Ready endpoints: pods with the label whose image could be
            // pulled and whose readiness probe passes (checks settle the
            // world first: the kubelet has probed by then).
            let ready: Vec<String> = pods
                .iter()
                .enumerate()
                .filter(|(_, p)| p.app == v.app && p.image != "ngnix" && p.probe.passes(p.image))
                .map(|(j, _)| format!("p{j}"))
                .collect();
            let ip = ok(&mut s, &format!("kubectl get svc s{i} -o jsonpath='{{.spec.clusterIP}}'"));
            let mut targets: Vec<(String, String)> = v
                .ports
                .iter()
                .map(|p| ("node01".to_string(), format!("http://{ip}:{p}")))
                .collect();
            if v.node_port {
                for (k, p) in v.ports.iter().enumerate() {
                    let np = ok(&mut s, &format!("kubectl get svc s{i} -o jsonpath='{{.spec.ports[{k}].nodePort}}'"));
                    let _ = p;
                    for n in 1..=nodes {
                        targets.push(("laptop".into(), format!("http://192.168.1.{}:{np}", 1 + n)));
                    }
                }
            }
            for (from, url) in targets {
                let o = s.request(&from, &url).expect("host exists");
                if ready.is_empty() {
                    prop_assert!(!matches!(o.observed, Observed::Status(_)), "s{i} {url} from {from} has no endpoints but answered");
                    prop_assert_eq!(&o.observed, &Observed::Refused, "no endpoints: REJECT");
                } else {
                    prop_assert_eq!(&o.observed, &Observed::Status(200), "s{} {} from {}: {:?}", i, url, from, o.trace.map(|t| t.to_string()));
                    let who = o.answered_by.clone().unwrap_or_default();
                    prop_assert!(ready.contains(&who), "s{i} answered by {who}, not one of {ready:?}");
                }
            }
        }
    }
}

/// One endpoint of a hand-written slice: a pod (by index), the home
/// router's admin page, or an address nothing listens at; and whether the
/// slice calls it ready (`None` leaves the condition unset, which counts as
/// ready).
#[derive(Debug, Clone)]
enum Target {
    Pod(usize),
    Router,
    Nowhere,
}

fn endpoint() -> impl Strategy<Value = (Target, Option<bool>)> {
    (
        prop_oneof![
            (0usize..4).prop_map(Target::Pod),
            Just(Target::Router),
            Just(Target::Nowhere),
        ],
        prop::option::of(any::<bool>()),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn selectorless_services_reach_exactly_the_ready_addresses_written_for_them(
        nodes in 1u8..=3,
        pod_nodes in prop::collection::vec(1u8..=3, 4),
        slices in prop::collection::vec(prop::collection::vec(endpoint(), 0..4), 1..3),
    ) {
        let mut s = Session::new(WorldOptions { nodes, ..Default::default() }).unwrap();
        ok(&mut s, "kubectl delete pod myapp-pod");
        let mut pod_ips = vec![];
        for (i, node) in pod_nodes.iter().enumerate() {
            let manifest = format!(
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p{i}\nspec:\n  nodeName: node{:02}\n  containers:\n  - name: c\n    image: nginx\n",
                (*node).min(nodes)
            );
            s.put_file("laptop", &format!("p{i}.yaml"), &manifest);
            ok(&mut s, &format!("kubectl apply -f p{i}.yaml"));
            pod_ips.push(ok(&mut s, &format!("kubectl get pod p{i} -o jsonpath='{{.status.podIP}}'")));
        }
        let address = |t: &Target| match t {
            Target::Pod(i) => pod_ips[*i].clone(),
            Target::Router => "192.168.1.1".to_string(),
            // In the pod network, but no pod has it.
            Target::Nowhere => "10.244.0.250".to_string(),
        };
        for (i, eps) in slices.iter().enumerate() {
            let mut m = format!(
                "apiVersion: v1\nkind: Service\nmetadata:\n  name: s{i}\nspec:\n  ports:\n  - name: web\n    port: 8080\n---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: s{i}-hand\n  labels:\n    kubernetes.io/service-name: s{i}\naddressType: IPv4\nports:\n- name: web\n  port: 80\nendpoints:\n"
            );
            for (t, ready) in eps {
                m.push_str(&format!("- addresses: [\"{}\"]\n", address(t)));
                if let Some(r) = ready {
                    m.push_str(&format!("  conditions:\n    ready: {r}\n"));
                }
            }
            if eps.is_empty() {
                m = m.replace("endpoints:\n", "endpoints: []\n");
            }
            s.put_file("laptop", &format!("s{i}.yaml"), &m);
            ok(&mut s, &format!("kubectl apply -f s{i}.yaml"));
        }
        for (i, eps) in slices.iter().enumerate() {
            // kube-proxy keeps the first endpoint of each address (its
            // EndpointSliceCache deduplicates), so a later duplicate cannot
            // make a not-ready address ready.
            let mut seen = vec![];
            let mut ready: Vec<&Target> = vec![];
            for (t, r) in eps {
                let a = address(t);
                if seen.contains(&a) {
                    continue;
                }
                seen.push(a);
                if *r != Some(false) {
                    ready.push(t);
                }
            }
            let ip = ok(&mut s, &format!("kubectl get svc s{i} -o jsonpath='{{.spec.clusterIP}}'"));
            let url = format!("http://{ip}:8080");
            for from in ["node01", "p0"] {
                let o = s.request(from, &url).expect("host exists");
                let trace = o.trace.as_ref().map(|t| t.to_string()).unwrap_or_default();
                if ready.is_empty() {
                    // kube-proxy's "has no endpoints" REJECT.
                    prop_assert_eq!(&o.observed, &Observed::Refused, "s{} from {}: {}", i, from, trace);
                    continue;
                }
                // Whoever answered is one of the ready addresses; at an
                // address no host has, ARP goes unanswered and the client
                // fails (curl exit 7, "No route to host", or a timeout):
                // that is the only other outcome.
                match &o.observed {
                    Observed::Status(200) => {
                        let who = o.answered_by.clone().unwrap_or_default();
                        let allowed: Vec<String> = ready
                            .iter()
                            .filter_map(|t| match t {
                                Target::Pod(k) => Some(format!("p{k}")),
                                Target::Router => Some("router".to_string()),
                                Target::Nowhere => None,
                            })
                            .collect();
                        prop_assert!(allowed.contains(&who), "s{i} answered by {who}, not one of {allowed:?}");
                    }
                    Observed::Timeout | Observed::Refused | Observed::Unreachable => {
                        prop_assert!(
                            ready.iter().any(|t| matches!(t, Target::Nowhere)),
                            "s{} from {} failed with only live addresses: {}", i, from, trace
                        );
                    }
                    other => prop_assert!(false, "s{i} from {from}: {other:?}\n{trace}"),
                }
            }
        }
    }
}
