//! The smaller defects a fuzzing run found, each through the terminal as a
//! student meets it: what the real tool says, and no Rust debug output.

use servicelab_engine::lesson::replay::check_file;
use servicelab_engine::{Session, WorldOptions};

fn run(line: &str) -> String {
    let mut s = Session::new(WorldOptions::default()).unwrap();
    s.run(line).text()
}

#[test]
fn label_values_are_checked_as_kubectl_and_the_api_server_do() {
    assert_eq!(
        run("kubectl label pod myapp-pod 'x=<b>bold</b>'"),
        "error: invalid label value: \"x=<b>bold</b>\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')\n"
    );
    assert_eq!(
        run("kubectl label pod myapp-pod a=b=c"),
        "error: invalid label spec: a=b=c\n"
    );
    // A key is the server's to judge; the pod keeps its labels.
    let mut s = Session::new(WorldOptions::default()).unwrap();
    let out = s.run("kubectl label pod myapp-pod 'bad key=x'").text();
    assert!(
        out.starts_with(
            "The Pod \"myapp-pod\" is invalid: metadata.labels: Invalid value: \"bad key\""
        ),
        "{out}"
    );
    assert!(!s
        .run("kubectl get pod myapp-pod --show-labels")
        .text()
        .contains("bad key"));
}

#[test]
fn ansi_c_quoting_reads_escapes_as_bash() {
    assert_eq!(run("echo $'\\u202e' | wc -c"), "4\n");
    assert_eq!(run("echo $'\\x41\\101\\u00e9'"), "AAé\n");
    assert_eq!(run("printf '%s\\n' $'a\\tb'"), "a\tb\n");
}

#[test]
fn arithmetic_edges_as_bash() {
    assert_eq!(
        run("echo $((-9223372036854775808/-1))"),
        "-9223372036854775808\n"
    );
    assert_eq!(run("echo $((-9223372036854775808%-1))"), "0\n");
    assert_eq!(
        run("echo $((9223372036854775807+1))"),
        "-9223372036854775808\n"
    );
    assert_eq!(
        run("echo $((08))"),
        "bash: 08: value too great for base (error token is \"08\")\n"
    );
}

#[test]
fn jsonpath_errors_end_their_line() {
    assert_eq!(
        run("kubectl get pods -o jsonpath='{.items[0].metadata.name'; echo next"),
        "error: error parsing jsonpath {.items[0].metadata.name, unclosed action\nnext\n"
    );
}

#[test]
fn yaml_numbers_are_worded_as_kubectl_words_them() {
    let mut s = Session::new(WorldOptions::default()).unwrap();
    s.put_file(
        "laptop",
        "big.yaml",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: big\nspec:\n  ports:\n  - port: 99999999999999999999999\n",
    );
    assert_eq!(
        s.run("kubectl apply -f big.yaml").text(),
        "Error from server (BadRequest): error when creating \"big.yaml\": Service in version \"v1\" cannot be handled as a Service: json: cannot unmarshal number 1e+23 into Go struct field ServicePort.spec.ports.port of type int32\n"
    );
}

#[test]
fn no_check_message_is_a_rust_debug_struct() {
    let lesson = "---\ntitle: T\nworld:\n  apply: |\n    kind: Service\n    metadata:\n      name: x\n---\n\n## S\n\n```check passes-before\n- at: laptop\n```\n";
    let diags = check_file("lessons/t.md", lesson);
    assert!(!diags.is_empty());
    for d in &diags {
        let m = d.to_string();
        assert!(
            !m.contains("Missing([") && !m.contains("NoKindMatch {") && !m.contains(" { "),
            "{m}"
        );
    }
}

/// A key with nothing under it is YAML's null, which Go's JSON decoder
/// leaves alone: the API server then says what is missing (found by a
/// lesson author writing a manifest step by step).
#[test]
fn an_empty_key_is_absent_not_a_type_error() {
    let mut s = Session::new(WorldOptions::default()).unwrap();
    s.run("printf 'apiVersion: v1\\nkind: Service\\nmetadata:\\n  name: web\\nspec:\\n  ports:\\n' > s.yaml");
    assert_eq!(
        s.run("kubectl apply -f s.yaml").text(),
        "The Service \"web\" is invalid: spec.ports: Required value\n"
    );
    s.run("printf 'apiVersion: v1\\nkind: Service\\nmetadata:\\n  name: web\\nspec:\\n  ports:\\n  - port:\\n    targetPort: 80\\n' > t.yaml");
    assert_eq!(
        s.run("kubectl apply -f t.yaml").text(),
        "The Service \"web\" is invalid: spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive\n"
    );
    s.run("printf 'apiVersion: v1\\nkind: Service\\nmetadata:\\n  name: web\\n  labels:\\nspec:\\n  selector:\\n  ports:\\n  - port: 80\\n' > u.yaml");
    assert_eq!(
        s.run("kubectl apply -f u.yaml").text(),
        "service/web created\n"
    );
}

/// `kubectl get NAME -o yaml` for a missing object prints the API server's
/// error alone (no empty List), and `curl -v` says which host it could not
/// resolve before it closes, as curl 8.5 does.
#[test]
fn missing_objects_and_unresolved_hosts_print_what_the_tools_print() {
    let mut s = servicelab_engine::Session::new(Default::default()).expect("a world");
    let e = s.run("kubectl get svc nope -o yaml");
    assert_eq!(
        e.text(),
        "Error from server (NotFound): services \"nope\" not found\n"
    );
    let e = s.run("kubectl get svc nope kubernetes -o name");
    assert!(e.text().contains("service/kubernetes\n"), "{}", e.text());
    let e = s.run("curl -sv http://docs");
    assert_eq!(
        e.text(),
        "* Could not resolve host: docs\n* Closing connection\n"
    );
    assert_eq!(e.status, 6);
}

#[test]
fn curl_says_which_curl_it_is() {
    let out = run("curl --version");
    assert!(
        out.starts_with("curl 8.5.0 (x86_64-pc-linux-gnu) libcurl/8.5.0 OpenSSL/3.0.13"),
        "{out}"
    );
    assert!(out.contains("\nProtocols: dict file ftp"), "{out}");
    // As soon as it reads it, before any URL.
    assert_eq!(
        run("curl -V http://10.244.0.2; echo $?"),
        format!("{out}0\n")
    );
}

#[test]
fn an_external_name_that_reads_as_an_address_does_not_resolve() {
    // CoreDNS leaves out an ExternalName Service whose name is an IPv4
    // address (kubernetes.io: such names are not resolved).
    let mut s = Session::new(WorldOptions::default()).unwrap();
    s.run("kubectl create service externalname router --external-name 192.168.1.1");
    s.run("kubectl create service externalname shop --external-name shop.example.com");
    use servicelab_engine::cluster::dns::RrType;
    let look = |s: &Session, name: &str| s.dns_lookup("myapp-pod", name, RrType::Cname).unwrap();
    let router = look(&s, "router.default.svc.cluster.local");
    assert!(
        format!("{:?}", router.status).contains("NxDomain"),
        "{router:?}"
    );
    assert!(router.answers.is_empty(), "{router:?}");
    let shop = look(&s, "shop.default.svc.cluster.local");
    assert_eq!(shop.answers, vec!["shop.example.com"], "{shop:?}");
    let _ = &mut s;
}

#[test]
fn a_goal_judges_the_world_as_the_terminal_shows_it() {
    use servicelab_engine::lesson::checks::evaluate;
    use servicelab_engine::lesson::{Check, CheckKind, PodCheck};
    let mut s = Session::new(WorldOptions::default()).unwrap();
    s.run("kubectl run web --image=nginx");
    let check = Check {
        line: 1,
        kind: CheckKind::Pod(PodCheck {
            name: Some("web".into()),
            ..Default::default()
        }),
    };
    // Just created, it is starting: the goal says so, as kubectl would.
    let r = evaluate(&s, &check);
    assert!(!r.passed, "{r:?}");
    assert!(
        r.problem.contains("web is Pending") || r.problem.contains("web is ContainerCreating"),
        "{r:?}"
    );
    s.run("sleep 20");
    assert!(evaluate(&s, &check).passed);
}

#[test]
fn a_single_ping_reports_no_elapsed_time_answered_or_not() {
    // iputils counts "time" from the first packet sent to the last: with
    // `-c 1` there is no interval, so `time 0ms`, as real ping prints. Its
    // statistics' second line (rtt, pipe) is empty when there is nothing
    // to say, and `pipe` is said only past one probe in flight.
    let unanswered = run("ping -c 1 192.168.1.99");
    assert!(
        unanswered.contains("Destination Host Unreachable"),
        "{unanswered}"
    );
    assert!(
        unanswered.ends_with(
            "1 packets transmitted, 0 received, +1 errors, 100% packet loss, time 0ms\n\n"
        ),
        "{unanswered}"
    );
    let answered = run("ping -c 1 192.168.1.2");
    assert!(
        answered.contains(", 0% packet loss, time 0ms\n"),
        "{answered}"
    );
    // Several packets: about a second per interval.
    let four = run("ping -c 4 192.168.1.99");
    assert!(four.contains("4 packets transmitted, 0 received"), "{four}");
    assert!(four.ends_with("ms\npipe 4\n"), "{four}");
    assert!(!four.contains("time 0ms"), "{four}");
}

#[test]
fn busybox_ping_speaks_busyboxs_words() {
    // In a busybox pod, `ping` is BusyBox's applet: `: 56 data bytes`,
    // `seq=` from 0, "packets received", a three-figure round trip, and
    // silence for a host that does not answer (the ICMP error's id is not
    // the ping's). A name it cannot resolve is a "bad address".
    let mut s = crate::support::world(1);
    s.run("kubectl run bb --image=busybox -- sleep 3600");
    s.run("kubectl wait --for=condition=Ready pod/bb");
    let gateway = s.run("kubectl exec bb -- ip route").text();
    let gateway = gateway
        .split_whitespace()
        .nth(2)
        .expect("a default route")
        .to_string();
    let answered = s.run(&format!("kubectl exec bb -- ping -c 2 {gateway}"));
    let text = answered.text();
    assert_eq!(answered.status, 0, "{text}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        format!("PING {gateway} ({gateway}): 56 data bytes")
    );
    assert!(
        lines[1].starts_with(&format!("64 bytes from {gateway}: seq=0 ttl=64 time=")),
        "{text}"
    );
    assert!(
        lines[2].starts_with(&format!("64 bytes from {gateway}: seq=1 ttl=64 time=")),
        "{text}"
    );
    assert_eq!(lines[3], "");
    assert_eq!(lines[4], format!("--- {gateway} ping statistics ---"));
    assert_eq!(
        lines[5],
        "2 packets transmitted, 2 packets received, 0% packet loss"
    );
    assert!(lines[6].starts_with("round-trip min/avg/max = "), "{text}");
    assert_eq!(lines.len(), 7, "{text}");

    let lost = s.run("kubectl exec bb -- ping -c 1 10.244.0.250").text();
    assert_eq!(
        lost,
        "PING 10.244.0.250 (10.244.0.250): 56 data bytes\n\n--- 10.244.0.250 ping statistics ---\n1 packets transmitted, 0 packets received, 100% packet loss\ncommand terminated with exit code 1\n"
    );
    assert_eq!(
        s.run("kubectl exec bb -- ping -c 1 nosuch").text(),
        "ping: bad address 'nosuch'\ncommand terminated with exit code 1\n"
    );
}

#[test]
fn an_interrupted_ping_prints_its_statistics_after_the_echoed_ctrl_c() {
    // The terminal echoes ^C; ping's statistics begin with a newline, so
    // "---" starts the next line, with no blank line between.
    let out = run("ping 192.168.1.2");
    assert!(
        out.contains(" ms\n^C\n--- 192.168.1.2 ping statistics ---\n"),
        "{out}"
    );
}

#[test]
fn netshoot_has_alpines_wget() {
    // netshoot is Alpine with tools added; BusyBox's wget comes with Alpine.
    let mut s = crate::support::world(1);
    s.run("kubectl create deployment web --image=nginx");
    s.run("kubectl expose deployment web --port 80");
    s.run("kubectl run ns --image=nicolaka/netshoot -- sleep 3600");
    s.run("kubectl wait --for=condition=Ready pod/ns");
    s.run("kubectl rollout status deployment/web");
    let out = s.run("kubectl exec ns -- wget -qO- http://web");
    assert_eq!(out.status, 0, "{}", out.text());
    assert!(
        out.text().contains("<title>Welcome to nginx!</title>"),
        "{}",
        out.text()
    );
}
