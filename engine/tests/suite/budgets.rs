//! Nothing a student types may need unbounded memory or time: the page
//! runs the engine on its only thread, in a wasm memory of a few GiB, and a
//! line that froze or killed it would do so again on every reload.
//!
//! Each defect a fuzzing run found has its test here: the line stops with a
//! message naming servicelab's limit, the shell goes on, what was done
//! before is kept, and a counting allocator shows the memory it took stays
//! bounded. A property test then throws generated lines made of the pieces
//! that grow fastest at the shell and asserts the same of each.

use crate::support::{measure, world, MEMORY_BOUND, TIME_BOUND};
use proptest::prelude::*;
use servicelab_engine::shell::budget::{MAX_FILES, MAX_VALUE};
use servicelab_engine::Session;
use std::time::Duration;

/// What running one line took, and what it printed.
struct Ran {
    text: String,
    peak: isize,
    /// Bytes allocated in all: work that copies what it has over and over
    /// shows here, however fast the machine.
    allocated: usize,
    took: Duration,
}

fn run(session: &mut Session, line: &str) -> Ran {
    let t = measure(|| session.run(line).text());
    Ran {
        text: t.value,
        peak: t.peak,
        allocated: t.allocated,
        took: t.time,
    }
}

/// Runs `line` after `before`, and checks what every over-budget line must
/// give: bounded memory and time, the limit's message, and a shell that
/// goes on with what was done before.
fn stops(line: &str, message: &str) -> Ran {
    let mut s = world(1);
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

/// [`stops`], after `setup` (its own line).
fn stops_after(setup: &str, line: &str, message: &str) -> Ran {
    let mut s = world(1);
    s.run("echo kept > before.txt; KEPT=yes");
    s.run(setup);
    let ran = run(&mut s, line);
    assert!(
        ran.peak < MEMORY_BOUND,
        "{line}: took {} MiB",
        ran.peak >> 20
    );
    assert!(ran.took < TIME_BOUND, "{line}: took {:?}", ran.took);
    let tail = &ran.text[ran.text.len().saturating_sub(2000)..];
    assert!(
        ran.text.contains(message),
        "{line}: expected {message:?} in:\n{tail}"
    );
    // (bash reports the background jobs that ended at the next prompt)
    s.run("true");
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
    let mut s = world(1);
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
    let mut s = world(1);
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

/// A syntax error in the first word of a line, after a here-document
/// (or any earlier line), costs that line: reading goes on after it. It
/// used to go back to the line's start and read it again, for ever.
#[test]
fn a_bad_first_word_after_a_heredoc_costs_its_line_only() {
    for text in [
        "echo before\ntrue <<E\nE\n$((a)b)\necho after",
        "echo before\n\n\n$((a)b)\necho after",
    ] {
        let mut s = world(1);
        let ran = run(&mut s, text);
        assert_eq!(
            ran.text, "before\nbash: syntax error near unexpected token `)'\nafter\n",
            "{text:?}"
        );
        assert!(ran.took < TIME_BOUND, "{text:?}: took {:?}", ran.took);
        // The reader a terminal or a script uses cuts the same commands.
        let split = servicelab_engine::shell::split_commands(text);
        let cut: Vec<&str> = split.commands.iter().map(|c| c.text.trim()).collect();
        assert_eq!(cut.first(), Some(&"echo before"), "{text:?}");
        assert_eq!(
            cut.iter().filter(|c| c.contains("$((a)b)")).count(),
            1,
            "{cut:?}"
        );
        assert_eq!(cut.last(), Some(&"echo after"), "{text:?}");
    }
}

/// One word of many parts (quotes, escapes, parameters, substitutions) is
/// read and expanded in time and memory linear in its length: the word so
/// far was copied for every part (20,000 quoted parts took 8 s, 40,000
/// over 30 s natively).
#[test]
fn one_word_of_many_parts_costs_its_length() {
    let mut s = world(1);
    let home = s.run("printf %s \"$HOME\"").text();
    let cases = [
        ("'a'".repeat(40_000), 40_001),
        ("a\\ ".repeat(20_000), 40_001),
        ("\"a\"b\\c".repeat(20_000), 60_001),
        ("$HOME".repeat(16_000), 16_000 * home.len() + 1),
        ("$(echo)".repeat(9_000), 1),
        ("${HOME}x".repeat(10_000), 10_000 * (home.len() + 1) + 1),
    ];
    for (word, bytes) in cases {
        let line = format!("echo {word} | wc -c");
        let ran = run(&mut s, &line);
        assert_eq!(ran.text, format!("{bytes}\n"), "{}…", &word[..20]);
        assert!(
            ran.took < TIME_BOUND,
            "{}…: took {:?}",
            &word[..20],
            ran.took
        );
        // Copying the word so far for each part allocated gigabytes.
        assert!(
            ran.allocated < 64 << 20,
            "{}…: allocated {} MiB",
            &word[..20],
            ran.allocated >> 20
        );
    }
}

/// Brace expressions nested deeper than servicelab's limit stop with
/// bash's kind of message before they are walked: 20,000 levels (60 KB)
/// overflowed the stack, 10,000 took 11 s.
#[test]
fn deep_brace_nesting_stops_at_its_limit() {
    for depth in [33, 10_000, 20_000, 60_000] {
        let line = format!("echo {}a{} | wc -c", "{a,".repeat(depth), "}".repeat(depth));
        let ran = stops(
            &line,
            "bash: brace expansion: maximum nesting level exceeded: over servicelab's limit of 32 levels of nesting",
        );
        assert!(
            ran.allocated < 64 << 20,
            "{depth}: allocated {} MiB",
            ran.allocated >> 20
        );
    }
    // Within the limit, and braces that open no expression however deep.
    let mut s = world(1);
    let nest = format!("echo {}a{}", "{a,".repeat(32), "}".repeat(32));
    assert_eq!(s.run(&nest).text(), format!("{}\n", ["a"; 33].join(" ")));
    let text = format!("echo {}a{} | wc -c", "{".repeat(60_000), "}".repeat(60_000));
    let ran = run(&mut s, &text);
    assert_eq!(ran.text, "120002\n");
    assert!(
        ran.allocated < 256 << 20,
        "allocated {} MiB",
        ran.allocated >> 20
    );
}

/// What a string operation reads of a large value is work: 1,000 trims
/// of a 512 KiB value took 12.6 s and were stopped by nothing.
#[test]
fn string_operations_on_large_values_are_work() {
    let grow = "s=x; for i in $(seq 19); do s=$s$s; done; ";
    for op in [
        "t=${s%x}",
        "t=${s#*x}",
        "t=${s:1:2}",
        "n=${#s}",
        "echo $s >/dev/null",
    ] {
        stops(
            &format!("{grow}for i in $(seq 1000); do {op}; done"),
            "the command line stopped: over servicelab's limit of the work one command line may do",
        );
    }
    // A few are nothing.
    let mut s = world(1);
    let out = s
        .run(&format!(
            "{grow}for i in $(seq 20); do t=${{s%x}}; u=${{s:1:2}}; done; echo ${{#t}} $u"
        ))
        .text();
    assert_eq!(out, "524287 xx\n");
}

/// A JSON patch whose copies double the object is refused while it is
/// applied, as the API server refuses it (json-patch's copy limit, 3 MiB,
/// answered with a 422), before memory grows: 20 copies of a pod's spec
/// took 1.1 GB, 22 took 4.4 GB, 60 never ended.
#[test]
fn a_patch_that_doubles_the_object_stops_at_the_copy_limit() {
    for copies in [20, 22, 60] {
        let ops: Vec<String> = (0..copies)
            .map(|i| format!(r#"{{"op":"copy","from":"/spec","path":"/spec/x{i}"}}"#))
            .collect();
        let line = format!(
            "kubectl patch pod myapp-pod --type=json -p '[{}]'",
            ops.join(",")
        );
        let mut s = world(1);
        let ran = run(&mut s, &line);
        assert_eq!(
            ran.text,
            "The request is invalid: the server rejected our request due to an error in our request\n",
            "{copies} copies"
        );
        assert!(
            ran.peak < 64 << 20,
            "{copies} copies: took {} MiB",
            ran.peak >> 20
        );
        assert!(
            ran.took < TIME_BOUND,
            "{copies} copies: took {:?}",
            ran.took
        );
        assert_eq!(s.run("echo goes on").text(), "goes on\n");
    }
}

/// More operations than the API server applies: its 413.
#[test]
fn a_json_patch_has_at_most_ten_thousand_operations() {
    let mut s = world(1);
    let out = s
        .run(
            r#"op='{"op":"test","path":"/kind","value":"Pod"},'; p=$op; for i in $(seq 13); do p=$p$p; done; q=$op; for i in $(seq 11); do q=$q$q; done; kubectl patch pod myapp-pod --type=json -p "[$p$q{\"op\":\"test\",\"path\":\"/kind\",\"value\":\"Pod\"}]""#,
        )
        .text();
    assert_eq!(out, "Error from server (RequestEntityTooLarge): Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10241\n");
}

/// A merge or strategic patch adds at most its own size (1 MiB, one
/// value), but repeated it makes an object etcd will not store: the API
/// server passes etcd's words on, and the object stays as it was.
#[test]
fn an_object_larger_than_etcd_takes_is_refused() {
    let mut s = world(1);
    s.run("kubectl create deployment web --image=nginx; v=x; for i in $(seq 16); do v=$v$v; done; v=$v$v$v$v$v$v$v$v$v$v");
    let patch = |name: &str, kind: &str| {
        format!(
            r#"kubectl patch deploy web --type={kind} -p "{{\"spec\":{{\"template\":{{\"spec\":{{\"containers\":[{{\"name\":\"nginx\",\"image\":\"nginx\",\"env\":[{{\"name\":\"{name}\",\"value\":\"$v\"}}]}}]}}}}}}}}""#
        )
    };
    assert_eq!(
        s.run(&patch("A", "strategic")).text(),
        "deployment.apps/web patched\n"
    );
    assert_eq!(
        s.run(&patch("B", "strategic")).text(),
        "deployment.apps/web patched\n"
    );
    let ran = run(&mut s, &patch("C", "strategic"));
    assert_eq!(
        ran.text,
        "Error from server: etcdserver: request is too large\n"
    );
    assert!(ran.peak < MEMORY_BOUND, "took {} MiB", ran.peak >> 20);
    assert!(ran.took < TIME_BOUND, "took {:?}", ran.took);
    // The object is as it was: two variables.
    let names = s
        .run("kubectl get deploy web -o jsonpath='{.spec.template.spec.containers[0].env[*].name}'")
        .text();
    assert_eq!(names, "A B");
}

/// A lesson's front matter, for the hostile lessons below.
const FRONT: &str = "---\ntitle: Hostile\nsummary: Too much to check.\nworld:\n  nodes: 1\n  pods:\n  - name: myapp-pod\n    image: nginx\n    node: node01\n    labels: {app: myapp}\n---\n\nIntro.\n";

/// `servicelab check` of a hostile lesson ends at once with a `file:line`
/// diagnostic naming servicelab's limit, before any replay: 10,004 steps
/// took 13 s, thousands of probed quizzes 3 to 11 s.
#[test]
fn a_hostile_lesson_is_refused_at_its_first_item_over_the_limit() {
    use servicelab_engine::lesson::replay::check_file;
    let step = |i: usize| {
        format!("\n## Step {i}\n\nText.\n\n```check passes-before\n- request: {{from: laptop, url: \"http://10.244.0.2\", expect: timeout}}\n```\n")
    };
    let quiz = "\n```quiz\nquestion: What does curl get?\nchoices:\n- {text: \"A page\", expect: 200}\n- {text: \"Nothing\", expect: timeout}\nanswer: \"Nothing\"\nexplain:\n- No.\n- Yes.\nprobe: {from: laptop, url: \"http://10.244.0.2\"}\n```\n";
    let many_steps = format!("{FRONT}{}", (1..=10_004).map(step).collect::<String>());
    let many_quizzes = format!("{FRONT}{}{}", step(1), quiz.repeat(3_000));
    let many_checks = format!(
        "{FRONT}\n## One step\n\nText.\n\n```check passes-before\n{}```\n",
        "- request: {from: laptop, url: \"http://10.244.0.2\", expect: timeout}\n".repeat(6_000)
    );
    for (name, text, want) in [
        ("steps", &many_steps, "a lesson has at most 50 steps (servicelab's limit); this is step 51"),
        ("quizzes", &many_quizzes, "a lesson has at most 100 quizzes (servicelab's limit); this is quiz 101"),
        ("checks", &many_checks, "a lesson has at most 200 checks and probes (servicelab's limit); this is check or probe 201"),
    ] {
        let took = measure(|| check_file("hostile.md", text));
        let diags = took.value;
        assert_eq!(diags.len(), 1, "{name}: {diags:?}");
        let shown = diags[0].to_string();
        assert!(shown.starts_with("hostile.md:"), "{name}: {shown}");
        assert!(shown.contains(want), "{name}: {shown}");
        assert!(took.time < TIME_BOUND, "{name}: took {:?}", took.time);
        assert!(took.peak < MEMORY_BOUND, "{name}: took {} MiB", took.peak >> 20);
    }
    // The 51st step's heading is where it says.
    let d = &check_file("hostile.md", &many_steps)[0];
    let line = FRONT.lines().count() + 50 * step(1).lines().count() + 2;
    assert_eq!(d.line, line, "{d}");
}

/// The cluster's work is charged where it is done (controllers, the
/// kubelets, kube-proxy's rules, `kubectl get` reading every object) and
/// made cheaper where it was quadratic: each of these lines ran 7 to over
/// 25 s natively before the work limit stopped it, or it never did; now
/// it stops at the limit, after about a second of release-build work.
#[test]
fn cluster_work_stops_at_the_work_budget() {
    let work = "over servicelab's limit of the work one command line may do";
    for (setup, line) in [
        (
            "",
            "for i in $(seq 999); do kubectl create service nodeport s$i --tcp=80:80; done",
        ),
        (
            "kubectl create deployment web --image=nginx --replicas=500",
            "for i in $(seq 999); do kubectl expose deploy web --name s$i --port 80 --type NodePort; done",
        ),
        (
            "kubectl create deployment web --image=nginx",
            "for i in $(seq 40); do kubectl scale deploy web --replicas=500; sleep 5; kubectl scale deploy web --replicas=1; sleep 5; done",
        ),
        (
            "kubectl create deployment web --image=nginx --replicas=500",
            "for i in $(seq 50); do kubectl rollout restart deploy web; sleep 10; done",
        ),
        (
            "kubectl create deployment web --image=nginx --replicas=500",
            "for i in $(seq 10000); do kubectl get pods >/dev/null; done",
        ),
        // Its message reaches the terminal through any redirection.
        (
            "",
            "for i in $(seq 9000); do kubectl port-forward pod/myapp-pod 8080:80 >/dev/null 2>&1 & done",
        ),
    ] {
        stops_after(setup, line, work);
    }
}

/// What fits in the budget finishes: five hundred pods starting and ten
/// minutes of their life (6.9 s natively before).
#[test]
fn five_hundred_pods_live_ten_minutes_within_the_budget() {
    let mut s = world(1);
    let ran = run(
        &mut s,
        "kubectl create deployment web --image=nginx; kubectl scale deploy web --replicas=500; sleep 600; echo done",
    );
    assert!(
        ran.text.ends_with("done\n"),
        "{}",
        &ran.text[ran.text.len().saturating_sub(500)..]
    );
    assert!(ran.peak < MEMORY_BOUND, "took {} MiB", ran.peak >> 20);
    assert!(ran.took < TIME_BOUND, "took {:?}", ran.took);
    // A node runs 110 pods (the kubelet's maxPods); the world's own pods
    // (myapp-pod, the control plane's, CoreDNS's, kube-proxy's, flannel's)
    // take their share and the rest of web's stay Pending.
    let count = |s: &mut Session, line: &str| -> usize {
        s.run(line).text().trim().parse().expect("a count")
    };
    let running = count(&mut s, "kubectl get pods -A --no-headers | grep -c Running");
    assert_eq!(running, 110);
    let own = count(
        &mut s,
        "kubectl get pods -A --no-headers | grep -vc ' web-'",
    );
    assert!(own >= 9, "the world's own pods: {own}");
    let pending = count(
        &mut s,
        "kubectl get pods -l app=web --no-headers | grep -c Pending",
    );
    assert_eq!(pending, 500 - (110 - own));
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
        let mut s = world(1);
        s.run("x=aaaaaaaaaaaaaaaa; kubectl create deployment web --image=nginx");
        for l in &lines {
            let ran = run(&mut s, l);
            prop_assert!(ran.peak < MEMORY_BOUND, "{l}: took {} MiB", ran.peak >> 20);
            prop_assert!(ran.took < TIME_BOUND, "{l}: took {:?}", ran.took);
        }
        prop_assert_eq!(s.run("echo still here").text(), "still here\n");
    }
}

/// Parts a word is made of: quotes, escapes, parameters, substitutions,
/// arithmetic, braces, globs.
const WORD_PARTS: &[&str] = &[
    "'a'", "\"b\"", "\\ ", "c", "$HOME", "${HOME}", "${x%a}", "$(echo)", "`echo`", "$((1+2))",
    "{a,b}", "{1..3}", "*", "?", "[ab]", "~", "\"$x\"", "$'\\n'",
];

/// One word of up to 20,000 parts, used as an argument, a value or a
/// here-document's body.
fn long_word_line() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(prop::sample::select(WORD_PARTS), 1..6),
        1usize..20_000,
        0usize..3,
    )
        .prop_map(|(parts, n, how)| {
            let word = parts.concat().repeat(n / parts.len().max(1) + 1);
            match how {
                0 => format!("echo {word} | wc -c"),
                1 => format!("x={word}; echo ${{#x}}"),
                _ => format!("cat <<E | wc -c\n{word}\nE"),
            }
        })
}

/// Constructs that nest, opened and closed `depth` times (or only opened).
const NESTINGS: &[(&str, &str, &str)] = &[
    ("echo ", "{a,", "}"),
    ("echo ", "$(", ")"),
    ("echo ", "\"$(echo ", ")\""),
    ("echo $((", "(", ")"),
    ("echo ", "${x:-", "}"),
    ("", "for i in 1; do ", "done; "),
    ("echo a | grep -E '", "(", ")"),
    ("echo a | grep '", "\\(", "\\)"),
    ("echo a | grep 'a", "*", ""),
    ("echo ", "[", ""),
    ("echo '", "[", "]"),
    ("echo 'a: ", "{b: ", "}"),
    (
        "kubectl patch pod myapp-pod --type=merge -p '",
        "{\"a\":",
        "}",
    ),
    (
        "kubectl get pods -o jsonpath='",
        "{range .items[*]}",
        "{end}",
    ),
];

fn deep_line() -> impl Strategy<Value = String> {
    (
        prop::sample::select(NESTINGS),
        1usize..60_000,
        any::<bool>(),
        0usize..3,
    )
        .prop_map(|((head, open, close), depth, closed, tail)| {
            // What the text limit allows: deeper than any parser goes.
            let depth = depth.min((200 << 10) / (open.len() + close.len()).max(1));
            let closes = if closed {
                close.repeat(depth)
            } else {
                String::new()
            };
            let end = ["", "'", "' | kubectl apply -f -"][tail];
            format!("{head}{}x{closes}{end}", open.repeat(depth))
        })
}

/// A JSON patch operation on the paths of a pod, with small or large values.
fn patch_op() -> impl Strategy<Value = String> {
    let paths = prop::sample::select(vec![
        "",
        "/spec",
        "/metadata",
        "/metadata/labels",
        "/metadata/annotations",
        "/metadata/labels/x",
        "/spec/containers",
        "/spec/containers/0",
        "/spec/containers/-",
        "/spec/containers/0/image",
        "/spec/x",
        "/status",
    ]);
    (
        prop::sample::select(vec!["add", "remove", "replace", "move", "copy", "test"]),
        paths.clone(),
        paths,
        0usize..4,
    )
        .prop_map(|(op, path, from, size)| {
            let value = match size {
                0 => "\"v\"".to_string(),
                1 => "{\"a\":[1,2,3]}".to_string(),
                2 => format!("\"{}\"", "x".repeat(4096)),
                _ => "null".to_string(),
            };
            format!(r#"{{"op":"{op}","path":"{path}","from":"{from}","value":{value}}}"#)
        })
}

/// A patch of any type, of up to 300 operations or a merge document of
/// many list elements.
fn patch_line() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(patch_op(), 1..300),
        prop::sample::select(vec!["pod myapp-pod", "svc kubernetes", "deploy web"]),
        0usize..3,
        1usize..5_000,
    )
        .prop_map(|(ops, target, kind, n)| match kind {
            0 => format!("kubectl patch {target} --type=json -p '[{}]'", ops.join(",")),
            1 => format!(
                "kubectl patch {target} -p '{{\"spec\":{{\"template\":{{\"spec\":{{\"containers\":[{}]}}}}}}}}'",
                (0..n)
                    .map(|i| format!("{{\"name\":\"c{}\",\"image\":\"nginx\"}}", i % 97))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            _ => format!(
                "kubectl patch {target} --type=merge -p '{{\"metadata\":{{\"annotations\":{{{}}}}}}}'",
                (0..n)
                    .map(|i| format!("\"k{i}\":\"{}\"", "v".repeat(i % 64)))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        })
}

/// Runs generated lines in a fresh session: each within the bounds, and
/// the session answers afterwards.
fn bounded(lines: &[String]) -> Result<(), TestCaseError> {
    let mut s = world(1);
    s.run("x=aaaa; kubectl create deployment web --image=nginx");
    for l in lines {
        let ran = run(&mut s, l);
        let shown = &l[..l.len().min(120)];
        prop_assert!(
            ran.peak < MEMORY_BOUND,
            "{shown}…: took {} MiB",
            ran.peak >> 20
        );
        prop_assert!(ran.took < TIME_BOUND, "{shown}…: took {:?}", ran.took);
    }
    prop_assert_eq!(s.run("echo still here").text(), "still here\n");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("BUDGET_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(8),
        ..ProptestConfig::default()
    })]

    /// Words of many parts are read and expanded in time linear in them.
    #[test]
    fn long_words_stay_bounded(lines in prop::collection::vec(long_word_line(), 1..3)) {
        bounded(&lines)?;
    }

    /// Nesting as deep as a command text allows never reaches the stack:
    /// each parser refuses it at its own depth, or reads it in one pass.
    #[test]
    fn deep_nesting_stays_bounded(lines in prop::collection::vec(deep_line(), 1..3)) {
        bounded(&lines)?;
    }

    /// Patches of every type are bounded while they are applied.
    #[test]
    fn patch_ops_stay_bounded(lines in prop::collection::vec(patch_line(), 1..3)) {
        bounded(&lines)?;
    }
}

/// On Canal, Felix renders every pod's chains at each sync: a loop of
/// policies over many pods is work of the line, and stops at its limit
/// like any other (it once ran for minutes in a debug build).
#[test]
fn felix_work_stops_at_the_work_budget() {
    let mut s = crate::support::world_with(servicelab_engine::WorldOptions {
        nodes: 2,
        cni: servicelab_engine::world::Cni::Canal,
        ..Default::default()
    });
    s.run("kubectl create deployment web --image=nginx --replicas=60");
    s.run("kubectl rollout status deployment/web");
    let line = "for i in $(seq 100); do printf 'apiVersion: networking.k8s.io/v1\\nkind: NetworkPolicy\\nmetadata:\\n  name: p%s\\nspec:\\n  podSelector: {}\\n  ingress:\\n  - from:\\n    - podSelector:\\n        matchLabels:\\n          app: web\\n' $i > /tmp/p.yaml; kubectl apply -f /tmp/p.yaml; done";
    let ran = run(&mut s, line);
    assert!(ran.took < TIME_BOUND, "took {:?}", ran.took);
    assert!(
        ran.text.ends_with("bash: the command line stopped: over servicelab's limit of the work one command line may do\n"),
        "{}",
        &ran.text[ran.text.len().saturating_sub(500)..]
    );
    let made = s.run("kubectl get netpol -o name | wc -l").text();
    let made: usize = made.trim().parse().unwrap();
    assert!((1..100).contains(&made), "{made} policies");
    assert_eq!(s.run("echo goes on").text(), "goes on\n");
}

/// Traefik reads every Gateway and route on each controller pass and on
/// each request: a Gateway of 64 listeners with distinct hostnames makes
/// 64 routers of each match of an attached route, and the CRD allows 128
/// matches a route. Applying such routes in a loop stops at the work
/// budget, within bounded time and memory, and the shell goes on.
#[test]
fn traefiks_routers_stop_at_the_work_budget() {
    let mut s = crate::support::world_with(servicelab_engine::WorldOptions {
        gateway: true,
        ..Default::default()
    });
    let listeners: String = (0..64)
        .map(|i| format!("  - name: l{i}\n    port: 8000\n    protocol: HTTP\n    hostname: h{i}.example.com\n    allowedRoutes:\n      namespaces:\n        from: All\n"))
        .collect();
    let gateway = format!("apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  name: wide\nspec:\n  gatewayClassName: traefik\n  listeners:\n{listeners}");
    let matches: String = (0..8)
        .map(|j| format!("    - path:\n        type: PathPrefix\n        value: /p{j}\n"))
        .collect();
    let rules: String = (0..16)
        .map(|_| {
            format!("  - matches:\n{matches}    backendRefs:\n    - name: web\n      port: 80\n")
        })
        .collect();
    let route = format!("apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: NAME\nspec:\n  parentRefs:\n  - name: wide\n  rules:\n{rules}");
    for setup in [
        format!("cat > /tmp/gw.yaml <<'YAML'\n{gateway}YAML"),
        format!("cat > /tmp/route.yaml <<'YAML'\n{route}YAML"),
        "kubectl apply -f /tmp/gw.yaml".into(),
        "kubectl create deployment web --image=nginx".into(),
        "kubectl expose deployment web --port 80".into(),
        "kubectl rollout status -n traefik deployment/traefik".into(),
    ] {
        let out = s.run(&setup);
        assert_eq!(out.status, 0, "{setup}: {}", out.text());
    }
    let line = "for i in $(seq 100); do sed s/NAME/r$i/ /tmp/route.yaml | kubectl apply -f -; done";
    let ran = run(&mut s, line);
    assert!(ran.took < TIME_BOUND, "took {:?}", ran.took);
    assert!(ran.peak < MEMORY_BOUND, "took {} MiB", ran.peak >> 20);
    assert!(
        ran.text.ends_with("bash: the command line stopped: over servicelab's limit of the work one command line may do\n"),
        "{}",
        &ran.text[ran.text.len().saturating_sub(500)..]
    );
    let made = s.run("kubectl get httproutes -o name | wc -l").text();
    let made: usize = made.trim().parse().unwrap();
    assert!((1..100).contains(&made), "{made} routes");
    assert_eq!(s.run("echo goes on").text(), "goes on\n");
}
