//! Nothing a student types may need unbounded memory or time: the page
//! runs the engine on its only thread, in a wasm memory of a few GiB, and a
//! line that froze or killed it would do so again on every reload.
//!
//! Each defect a fuzzing run found has its test here: the line stops with a
//! message naming servicelab's limit, the shell goes on, what was done
//! before is kept, and a counting allocator shows the memory it took stays
//! bounded. A property test then throws generated lines made of the pieces
//! that grow fastest at the shell and asserts the same of each.

mod support;

use proptest::prelude::*;
use servicelab_engine::shell::budget::{MAX_FILES, MAX_VALUE};
use servicelab_engine::{Session, WorldOptions};
use std::time::Duration;
use support::{measure, MEMORY_BOUND, TIME_BOUND};

/// What running one line took, and what it printed.
struct Ran {
    text: String,
    peak: isize,
    took: Duration,
}

fn run(session: &mut Session, line: &str) -> Ran {
    let t = measure(|| session.run(line).text());
    Ran {
        text: t.value,
        peak: t.peak,
        took: t.time,
    }
}

fn session() -> Session {
    Session::new(WorldOptions::default()).expect("the default world")
}

/// Runs `line` after `before`, and checks what every over-budget line must
/// give: bounded memory and time, the limit's message, and a shell that
/// goes on with what was done before.
fn stops(line: &str, message: &str) -> Ran {
    let mut s = session();
    s.run("echo kept > before.txt; KEPT=yes");
    let ran = run(&mut s, line);
    assert!(
        ran.peak < MEMORY_BOUND,
        "{line}: took {} MiB",
        ran.peak >> 20
    );
    assert!(ran.took < TIME_BOUND, "{line}: took {:?}", ran.took);
    assert!(
        ran.text.contains(message),
        "{line}: expected {message:?} in:\n{}",
        &ran.text[..ran.text.len().min(2000)]
    );
    assert!(
        ran.text.contains("servicelab's limit") || ran.text.contains("No space left"),
        "{line}: the message names the limit:\n{}",
        &ran.text[..ran.text.len().min(2000)]
    );
    let after = s.run("cat before.txt; echo $KEPT; echo goes on").text();
    assert_eq!(after, "kept\nyes\ngoes on\n", "{line}: the shell goes on");
    ran
}

#[test]
fn doubling_a_variable_stops_at_one_value() {
    stops(
        "x=a; for i in $(seq 1 40); do x=$x$x; done; echo ${#x}",
        "too large: over servicelab's limit of 1 MiB in one value",
    );
}

#[test]
fn brace_expansion_stops_before_it_grows() {
    let braces = "{a,b}".repeat(1000);
    let ran = stops(
        &format!("echo {braces} | wc -c"),
        "bash: brace expansion: too large: over servicelab's limit of 100000 words",
    );
    assert!(ran.took < Duration::from_secs(5), "took {:?}", ran.took);
}

#[test]
fn replicas_have_servicelabs_limit() {
    stops(
        "kubectl create deployment web --image=nginx --replicas=100000",
        "The Deployment \"web\" is invalid: spec.replicas: Invalid value: 100000: must be less than or equal to 500 (servicelab's limit for one workload)",
    );
    stops(
        "kubectl create deployment web --image=nginx; kubectl scale deploy web --replicas=100000",
        "spec.replicas: Invalid value: 100000: must be less than or equal to 500",
    );
    // Within the limit, a full node leaves the rest Pending, as the kubelet's maxPods does.
    let mut s = session();
    let out = s
        .run("kubectl create deployment web --image=nginx --replicas=500; kubectl get pods --no-headers | grep -c Pending")
        .text();
    // node01 also runs the control plane, kube-proxy, flannel and CoreDNS.
    assert!(out.ends_with("399\n"), "{out}");
    let more = s
        .run("kubectl create deployment two --image=nginx --replicas=500")
        .text();
    assert_eq!(more, "Error from server (Forbidden): deployments.apps \"two\" is forbidden: servicelab's simulated cluster holds at most 1000 pods, and this would make 1005\n");
}

#[test]
fn a_runaway_loop_stops_at_its_command_budget() {
    stops(
        "for i in $(seq 100000); do true; done",
        "over servicelab's limit of 10000 commands in one command line",
    );
}

#[test]
fn quadratic_work_stops_at_the_work_budget() {
    let grow = "x=a; for i in $(seq 1 18); do x=$x$x; done; ";
    stops(
        &format!("{grow}for i in $(seq 10000); do y=${{x//a*b/c}}; done"),
        "bash: ${x//a*b/c}: the command line stopped: over servicelab's limit of the work",
    );
    stops(
        &format!("{grow}echo $x > f; for i in $(seq 200); do grep -c 'a*a*a*b' f; done"),
        "the command line stopped: over servicelab's limit of the work",
    );
}

#[test]
fn output_stops_at_its_budget() {
    stops(
        "seq 1 10000000 | wc -l",
        "seq: the rest of the output was not kept: over servicelab's limit of 1 MiB of output",
    );
    stops(
        "printf '%4096s' {1..1000} | wc -c",
        "bash: printf: too large: over servicelab's limit of 1 MiB in one value",
    );
    stops(
        "echo hello > f; for i in $(seq 20); do cat f f f f f f f f f f > g; cp g f; done",
        "over servicelab's limit of 1 MiB of output",
    );
}

#[test]
fn variables_and_files_have_a_budget() {
    let grow = "x=a; for i in $(seq 1 19); do x=$x$x; done; ";
    stops(
        &format!("{grow}for i in $(seq 10); do export V$i=$x; done"),
        "too large: over servicelab's limit of 4 MiB of shell variables",
    );
    // Half a MiB each: the budget of files holds about thirty.
    let files = 2 * MAX_FILES / MAX_VALUE + 2;
    stops(
        &format!("{grow}for i in $(seq {files}); do echo $x > f$i; done"),
        "No space left on device",
    );
}

#[test]
fn many_connections_stop_at_the_packet_or_work_budget() {
    stops(
        "for i in $(seq 10000); do curl -s -o /dev/null http://10.244.0.2; done",
        "curl: the command line stopped",
    );
    stops(
        "for i in $(seq 10000); do kubectl create service clusterip s$i --tcp=80 >/dev/null; done",
        "the command line stopped",
    );
}

#[test]
fn a_command_text_has_a_size_limit() {
    let long = format!("echo {}", "x".repeat(300 << 10));
    stops(
        &long,
        "over servicelab's limit of 256 KiB in one command text",
    );
}

/// Reading a long here-document is linear: a text of n lines is cut into
/// commands with one parse. Counted by allocation, not by time: the old
/// way (every prefix parsed again) allocated about n²/2 line copies.
#[test]
fn long_heredocs_read_in_linear_time() {
    let mut text = String::from("cat > big.txt <<EOF\n");
    for i in 0..8000 {
        text.push_str(&format!("line {i} of the here-document\n"));
    }
    text.push_str("EOF\nwc -l big.txt");
    let mut s = session();
    let ran = run(&mut s, &text);
    assert_eq!(ran.text, "8000 big.txt\n");
    assert!(ran.took < Duration::from_secs(10), "took {:?}", ran.took);
    // The same, line by line as a terminal reads it.
    let mut reader = servicelab_engine::shell::CommandReader::default();
    let read = measure(|| {
        let mut done = vec![];
        for line in text.split('\n') {
            done.extend(reader.push_line(line));
        }
        done
    });
    assert_eq!(read.value.len(), 2);
    assert!(read.time < Duration::from_secs(10), "{:?}", read.time);
}

/// Pieces that grow fastest at the shell, and the commands that copy,
/// repeat and search what they are given.
const PIECES: &[&str] = &[
    "x=$x$x;",
    "x=$x$x$x$x;",
    "y=${x//a/bbbb};",
    "y=${x//?/ab};",
    "y=${x%%*b};",
    "y=$(echo $x $x);",
    "export V$RANDOM=$x;",
    "echo $x >> f;",
    "cat f f f f > g;",
    "cp g f;",
    "grep -c 'a*a*b' f;",
    "sort f | uniq -c >/dev/null;",
    "for i in {1..300}; do",
    "for j in $(seq 50); do",
    "done;",
    "echo {a,b}{c,d}{e,f}{g,h};",
    "printf '%4000s' $x >/dev/null;",
    "seq 1 100000 >/dev/null;",
    "tr a b < f > h;",
    "x=$(cat f);",
    "kubectl scale deploy web --replicas=$((RANDOM % 600));",
    "curl -s -o /dev/null http://10.244.0.2;",
    "wc -c f;",
];

fn line() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 1..16).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("BUDGET_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(24),
        ..ProptestConfig::default()
    })]

    /// Whatever these pieces make, each line finishes within the memory
    /// and time bounds, and the session still answers afterwards.
    #[test]
    fn generated_lines_stay_bounded(lines in prop::collection::vec(line(), 1..4)) {
        let mut s = session();
        s.run("x=aaaaaaaaaaaaaaaa; kubectl create deployment web --image=nginx");
        for l in &lines {
            let ran = run(&mut s, l);
            prop_assert!(ran.peak < MEMORY_BOUND, "{l}: took {} MiB", ran.peak >> 20);
            prop_assert!(ran.took < TIME_BOUND, "{l}: took {:?}", ran.took);
        }
        prop_assert_eq!(s.run("echo still here").text(), "still here\n");
    }
}
