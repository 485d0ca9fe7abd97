//! Whatever a student types, the session answers and never panics (a panic
//! in wasm kills the page). Lines are generated from the pieces people
//! really type, mangled with arbitrary characters.

use crate::support::measure;
use proptest::prelude::*;
use servicelab_engine::cluster::manifest;
use servicelab_engine::{Session, WorldOptions};

/// The shell's own syntax and tools: here-documents, pipes, redirections,
/// substitutions, loops, filters and files.
const SHELL_PIECES: &[&str] = &[
    "cat",
    "<<EOF",
    "<<'EOF'",
    "<<-EOF",
    "EOF",
    "\n",
    "\n\t",
    ">",
    ">>",
    "2>&1",
    "2>/dev/null",
    "<",
    "<<<",
    "&>",
    ">&2",
    "|&",
    "$(",
    ")",
    "`",
    "$((",
    "))",
    "${X",
    "}",
    "${X#*/}",
    "$X",
    "X=1",
    "export",
    "for",
    "in",
    "do",
    "done",
    "$(seq 1 3)",
    "seq",
    "grep",
    "-E",
    "-v",
    "-o",
    "'[a-z]*'",
    "'(a|b)+'",
    "head",
    "-n",
    "tail",
    "+2",
    "wc",
    "-l",
    "sort",
    "uniq",
    "cut",
    "-d:",
    "-f1",
    "tr",
    "tee",
    "ls",
    "-la",
    "rm",
    "-rf",
    "touch",
    "mkdir",
    "-p",
    "cd",
    "..",
    "~",
    "*",
    "*.yaml",
    "x.yaml",
    "/etc/hosts",
    "echo",
    "-e",
    "printf",
    "%s\\n",
    "sleep",
    "date",
    "alias",
    "kubectl",
    "apply",
    "-f",
    "-",
    "&",
    ";;",
    "!",
    "(",
    "sudo",
    "if",
    "{",
];

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(SHELL_PIECES).prop_map(str::to_string),
        1 => Just("curl".to_string()),
        1 => Just("ssh".to_string()),
        1 => Just("ip".to_string()),
        1 => Just("ping".to_string()),
        1 => Just("exit".to_string()),
        1 => Just("-sS".to_string()),
        1 => Just("-o".to_string()),
        1 => Just("-w".to_string()),
        1 => Just("-m".to_string()),
        1 => Just("--connect-timeout".to_string()),
        1 => Just("-c".to_string()),
        1 => Just("addr".to_string()),
        1 => Just("route".to_string()),
        1 => Just("get".to_string()),
        1 => Just("node01".to_string()),
        1 => Just("http://10.244.0.2".to_string()),
        1 => Just("10.244.0.2:8080".to_string()),
        1 => Just("'%{http_code}'".to_string()),
        1 => Just("\"$?\"".to_string()),
        1 => Just("&&".to_string()),
        1 => Just("||".to_string()),
        1 => Just(";".to_string()),
        1 => Just("|".to_string()),
        1 => Just("'".to_string()),
        1 => Just("\"".to_string()),
        1 => Just("\\".to_string()),
        1 => "[0-9]{1,6}",
        1 => "[ -~]{0,12}",
        1 => any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_line_gets_an_answer(lines in prop::collection::vec(prop::collection::vec(piece(), 0..8), 1..6)) {
        let mut s = Session::new(WorldOptions::default()).unwrap();
        for words in lines {
            let line = words.join(" ");
            let took = measure(|| s.run(&line));
            // Within bounded memory and time, whatever the line.
            if let Err(problem) = took.within_bounds() {
                prop_assert!(false, "{}: {}", line, problem);
            }
            // Output is text a terminal can show, and the prompt is still sane.
            prop_assert!(took.value.status >= 0);
            prop_assert!(s.prompt().ends_with("$ ") || s.prompt().ends_with("# "));
        }
    }

    #[test]
    fn continuation_lines_get_an_answer(lines in prop::collection::vec(prop::collection::vec(piece(), 0..8), 1..8)) {
        // As a terminal does: gather lines while bash would ask for more, then run them.
        let mut s = Session::new(WorldOptions::default()).unwrap();
        let mut text = String::new();
        for words in lines {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(&words.join(" "));
            if !s.needs_more(&text) {
                let e = s.run(&text);
                prop_assert!(e.status >= 0);
                text.clear();
            }
        }
        let e = s.run(&text);
        prop_assert!(e.status >= 0);
    }

    #[test]
    fn same_lines_same_output(words in prop::collection::vec(piece(), 0..8)) {
        // Determinism: the state is a pure function of the lines typed.
        let line = words.join(" ");
        let mut a = Session::new(WorldOptions::default()).unwrap();
        let mut b = Session::new(WorldOptions::default()).unwrap();
        prop_assert_eq!(a.run(&line), b.run(&line));
    }

    /// Manifests mangled anywhere: kubectl answers, within bounds, and
    /// the API server's state stays consistent enough to answer again.
    #[test]
    fn mutated_manifests_get_an_answer(
        which in 0usize..MANIFESTS.len(),
        at in any::<prop::sample::Index>(),
        junk in prop_oneof![
            Just("*a".to_string()),
            Just("&a ".to_string()),
            Just("[".to_string()),
            Just("{".to_string()),
            Just(": ".to_string()),
            Just("- ".to_string()),
            Just("\n---\n".to_string()),
            Just("\t".to_string()),
            Just("99999999999999999999".to_string()),
            Just("-1".to_string()),
            Just("null".to_string()),
            Just("\"".to_string()),
            "[ -~\n]{0,16}",
            any::<String>(),
        ],
        delete in 0usize..24,
    ) {
        let text = MANIFESTS[which];
        let mut pos = at.index(text.len());
        while !text.is_char_boundary(pos) {
            pos -= 1;
        }
        let mut end = (pos + delete).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let mutated = format!("{}{}{}", &text[..pos], junk, &text[end..]);
        let _ = manifest::parse(&mutated);
        let mut s = Session::new(WorldOptions::default()).unwrap();
        s.put_file("laptop", "m.yaml", &mutated);
        let took = measure(|| s.run("kubectl apply -f m.yaml; kubectl get all -A -o yaml"));
        if let Err(problem) = took.within_bounds() {
            prop_assert!(false, "{:?}: {}", mutated, problem);
        }
        prop_assert_eq!(s.run("kubectl get svc kubernetes -o name").text(), "service/kubernetes\n");
    }
}

/// What mutations start from: the kinds a lesson applies.
const MANIFESTS: &[&str] = &[
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels: {app: web}\nspec:\n  type: NodePort\n  selector:\n    app: web\n  ports:\n  - name: http\n    port: 80\n    targetPort: 80\n    nodePort: 30008\n",
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: nginx\n        image: nginx\n        ports:\n        - containerPort: 80\n",
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: {app: web}\nspec:\n  containers:\n  - name: c\n    image: nginx\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n",
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: lb\nspec:\n  type: LoadBalancer\n  externalTrafficPolicy: Local\n  sessionAffinity: ClientIP\n  selector: {app: web}\n  ports:\n  - port: 80\n    targetPort: http\n",
];

/// Pieces of manifests of every simulated kind: the fields the decoders,
/// the admission checks and the controllers read, and values that are
/// wrong in the ways people get them wrong.
const MANIFEST_PIECES: &[&str] = &[
    "apiVersion: v1",
    "apiVersion: apps/v1",
    "apiVersion: discovery.k8s.io/v1",
    "apiVersion: networking.k8s.io/v1",
    "apiVersion: v2",
    "kind: Service",
    "kind: Endpoints",
    "kind: EndpointSlice",
    "kind: StatefulSet",
    "kind: ReplicaSet",
    "kind: DaemonSet",
    "kind: ConfigMap",
    "kind: Secret",
    "kind: Pod",
    "kind: Ingress",
    "kind: Namespace",
    "metadata:",
    "  name: x",
    "  name: web",
    "  name: \"\"",
    "  generateName: x-",
    "  namespace: kube-system",
    "  labels:",
    "    app: web",
    "    kubernetes.io/service-name: x",
    "    endpointslice.kubernetes.io/skip-mirror: \"true\"",
    "  annotations:",
    "    service.beta.kubernetes.io/load-balancer-source-ranges: 10.0.0.0/8,x",
    "    \"bad key\": 1",
    "spec:",
    "  type: LoadBalancer",
    "  type: ExternalName",
    "  externalName: example.com",
    "  externalTrafficPolicy: Local",
    "  clusterIP: None",
    "  publishNotReadyAddresses: true",
    "  loadBalancerSourceRanges: [10.0.0.0/33, \" 1.2.3.0/24\"]",
    "  healthCheckNodePort: 30000",
    "  serviceName: web",
    "  replicas: 3",
    "  replicas: -1",
    "  podManagementPolicy: Parallel",
    "  selector:",
    "    app: web",
    "    matchLabels:",
    "      app: web",
    "    matchExpressions:",
    "    - {key: app, operator: In, values: [web]}",
    "    - {key: app, operator: Exists, values: [x]}",
    "  template:",
    "    metadata:",
    "      labels: {app: web}",
    "    spec:",
    "      dnsPolicy: None",
    "      dnsConfig: {nameservers: [10.96.0.99], options: [{name: ndots, value: \"1\"}]}",
    "      hostname: web-0",
    "      subdomain: web",
    "      containers:",
    "      - name: c",
    "        image: nginx",
    "        readinessProbe: {httpGet: {path: /, port: 80}}",
    "        readinessProbe: {tcpSocket: {port: http}}",
    "  ports:",
    "  - port: 80",
    "  - name: http",
    "    port: 70000",
    "    targetPort: http",
    "    appProtocol: \"h 2\"",
    "    protocol: UDP",
    "subsets:",
    "- addresses:",
    "  - ip: 192.168.1.1",
    "  - ip: 300.1.1.1",
    "  - ip: 127.0.0.1",
    "  notReadyAddresses: [{ip: 10.244.0.9, hostname: x}]",
    "addressType: IPv4",
    "addressType: FQDN",
    "ports:",
    "- name: http",
    "  port: 80",
    "endpoints:",
    "- addresses: [\"10.244.0.2\"]",
    "- addresses: []",
    "  conditions: {ready: false}",
    "  hostname: web-0",
    "  nodeName: node01",
    "data:",
    "  k: v",
    "  password: \"not base64!\"",
    "stringData:",
    "  user: admin",
    "binaryData: {b: AAE=}",
    "type: Opaque",
    "immutable: true",
    "---",
    "- ",
    "  ",
    ":",
    "{",
    "[",
];

fn manifest_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => prop::sample::select(MANIFEST_PIECES).prop_map(str::to_string),
        1 => "[ -~]{0,10}",
        1 => any::<String>(),
    ]
}

/// DNS tools and their arguments.
const DNS_PIECES: &[&str] = &[
    "nslookup",
    "dig",
    "host",
    "myapp",
    "kubernetes",
    "kubernetes.default",
    "kube-dns.kube-system.svc.cluster.local",
    "_dns._udp.kube-dns.kube-system.svc.cluster.local",
    "10-244-0-2.default.pod.cluster.local",
    "web-0.web",
    "10.96.0.10",
    "10.96.0.99",
    "@10.96.0.10",
    "@",
    "@nowhere",
    "-t",
    "-x",
    "-type=srv",
    "-query=A",
    "-port=54",
    "-debug",
    "-a",
    "-v",
    "-W",
    "-R",
    "10.244.0.2",
    "A",
    "AAAA",
    "SRV",
    "CNAME",
    "PTR",
    "ANY",
    "MX",
    "+short",
    "+search",
    "+tcp",
    "+noall",
    "+answer",
    "+tries=0",
    "+time=1",
    "+bogus",
    "IN",
    ".",
    "..",
    "",
];

fn dns_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::sample::select(DNS_PIECES).prop_map(str::to_string),
        1 => "[ -~]{0,10}",
        1 => "[a-z0-9.-]{0,70}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Every decoder (YAML, each kind's strict fields, kubectl's client
    /// checks), the API server's admission and the controllers answer any
    /// manifest with a message, and every printer copes with what got in.
    #[test]
    fn any_manifest_gets_an_answer(lines in prop::collection::vec(manifest_piece(), 0..24)) {
        let mut s = Session::new(WorldOptions { nodes: 2, cloud: true, ..Default::default() }).unwrap();
        s.put_file("laptop", "m.yaml", &lines.join("\n"));
        for cmd in [
            "kubectl apply -f m.yaml",
            "kubectl create -f m.yaml",
            "kubectl get all,endpoints,endpointslices,configmaps,secrets -A -o wide",
            "kubectl get endpointslices,sts,ds,rs -o yaml",
            "kubectl describe svc,ep,endpointslices,sts,rs,ds,cm,secrets",
            "kubectl delete -f m.yaml",
        ] {
            let e = s.run(cmd);
            prop_assert!(e.status >= 0);
        }
    }

    /// Whatever a student asks a DNS tool, from busybox or netshoot, it
    /// answers in the tool's words.
    #[test]
    fn any_dns_question_gets_an_answer(words in prop::collection::vec(dns_piece(), 0..6), pod in 0usize..3) {
        let mut s = Session::new(WorldOptions::default()).unwrap();
        for line in [
            "kubectl expose pod myapp-pod --name=myapp --port=80",
            "kubectl run bb --image=busybox:1.36 -- sleep 3600",
            "kubectl run tools --image=nicolaka/netshoot -- sleep infinity",
        ] {
            s.run(line);
        }
        let from = ["kubectl exec bb --", "kubectl exec tools --", ""][pod];
        let e = s.run(&format!("{from} {}", words.join(" ")));
        prop_assert!(e.status >= 0);
    }
}
