//! The native binary: the same engine, the same text, nothing else printed.
#![cfg(not(target_arch = "wasm32"))]

use servicelab::engine::{Session, Stream, WorldOptions};
use std::io::Write;
use std::process::{Command, Output, Stdio};

fn servicelab(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_servicelab"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    // A refused command line exits before it reads its input: a broken
    // pipe then is the program's answer, not the test's failure.
    match child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => panic!("write stdin: {e}"),
        _ => {}
    }
    child.wait_with_output().expect("binary finishes")
}

/// What the engine prints for these lines, split by stream.
fn engine_output(options: WorldOptions, lines: &[&str]) -> (String, String) {
    let mut s = Session::new(options).unwrap();
    let (mut out, mut err) = (String::new(), String::new());
    for l in lines {
        // `servicelab shell` lets its native step pass before each command.
        s.pass(servicelab_engine::shell::time::NATIVE_STEP_MS);
        for (stream, text) in s.run(l).output {
            match stream {
                Stream::Stdout => out.push_str(&text),
                Stream::Stderr => err.push_str(&text),
            }
        }
    }
    (out, err)
}

const SCENARIO: &[&str] = &[
    "curl http://10.244.0.2",
    "ssh node01",
    "curl http://10.244.0.2",
    "curl http://10.244.0.2:8080",
    "ip route",
    "exit",
    "hostname",
];

#[test]
fn shell_prints_exactly_what_the_engine_prints_and_no_prompt() {
    let o = servicelab(&["shell"], &(SCENARIO.join("\n") + "\n"));
    assert_eq!(o.status.code(), Some(0));
    let (out, err) = engine_output(WorldOptions::default(), SCENARIO);
    assert_eq!(String::from_utf8(o.stdout).unwrap(), out);
    assert_eq!(String::from_utf8(o.stderr).unwrap(), err);
    assert!(!out.contains("student@"), "no prompt without a TTY");
    assert!(err.contains("curl: (28) Failed to connect to 10.244.0.2 port 80 after 130"));
    assert!(out.contains("<h1>Welcome to nginx!</h1>"));
}

#[test]
fn nodes_option_builds_more_nodes() {
    let o = servicelab(&["shell", "--nodes", "3"], "ssh node03\nhostname\n");
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8(o.stdout).unwrap().ends_with("node03\n"));
}

#[test]
fn bad_options_are_refused_with_a_message() {
    for args in [
        &["shell", "--nodes", "0"][..],
        &["shell", "--nodes", "99"][..],
        &["shell", "--nodes", "two"][..],
        &["shell", "--step", "2"][..],
        &["shell", "--lesson", "no/such/lesson.md"][..],
        &["bogus"][..],
    ] {
        let o = servicelab(args, "");
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8(o.stderr).unwrap();
        assert!(
            err.contains("error") || err.contains("servicelab:"),
            "{args:?}: {err}"
        );
        assert!(o.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn cloud_is_accepted() {
    let o = servicelab(&["shell", "--cloud"], "hostname\n");
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(String::from_utf8(o.stdout).unwrap(), "laptop\n");
}

#[test]
fn cni_chooses_the_pod_network() {
    let o = servicelab(
        &["shell", "--cni", "canal"],
        "ssh node01\nip route | grep -c ' dev cali'\n",
    );
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8(o.stdout).unwrap();
    // myapp-pod, CoreDNS's two pods and calico-kube-controllers: each on
    // its own veth.
    assert!(out.ends_with("\n4\n"), "{out}");
    let o = servicelab(&["shell", "--cni", "weave"], "");
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(
        err.contains("invalid value 'weave' for '--cni <CNI>'"),
        "{err}"
    );
}

#[test]
fn exit_in_the_outermost_shell_ends_with_its_status() {
    let o = servicelab(&["shell"], "exit 3\nhostname\n");
    assert_eq!(o.status.code(), Some(3));
    assert_eq!(String::from_utf8(o.stdout).unwrap(), "logout\n");
}

#[test]
fn binary_input_does_not_crash() {
    let o = servicelab(&["shell"], "\u{0}\u{1}\u{fffd}curl '\n\"\n$(\n");
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn commands_span_lines_until_complete() {
    // A here-document, a trailing pipe and an open quote read on; input
    // ending inside a here-document runs it with bash's warning.
    let input = "cat > svc.yaml <<'EOF'\nkind: Service\nEOF\ncat svc.yaml |\nwc -l\necho 'a\nb'\ncat <<EOF\nno end\n";
    let o = servicelab(&["shell"], input);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(String::from_utf8(o.stdout).unwrap(), "1\na\nb\nno end\n");
    assert_eq!(
        String::from_utf8(o.stderr).unwrap(),
        "bash: warning: here-document at line 8 delimited by end-of-file (wanted `EOF')\n"
    );
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("servicelab-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const PAGE: &str = "<!DOCTYPE html><html><head><title>servicelab</title><script type=\"application/json\" id=\"servicelab-course\"></script></head><body></body></html>";

const GOOD: &str = "---\ntitle: One more\nworld: {nodes: 1}\n---\n\n## Look\n\n```check passes-before\n- at: laptop\n```\n";

#[test]
fn build_refuses_a_broken_lesson_with_checks_message_and_writes_nothing() {
    let dir = temp_dir("broken");
    let lessons = dir.join("lessons");
    let site = dir.join("site");
    std::fs::create_dir_all(&lessons).unwrap();
    std::fs::create_dir_all(&site).unwrap();
    std::fs::write(site.join("index.html"), PAGE).unwrap();
    std::fs::write(lessons.join("01-good.md"), GOOD).unwrap();
    let broken = GOOD.replace("- at: laptop", "- chek: laptop");
    std::fs::write(lessons.join("02-broken.md"), &broken).unwrap();
    let l = lessons.to_str().unwrap();
    let check = servicelab(&["check", l], "");
    let build = servicelab(&["build", l, "--site", site.to_str().unwrap()], "");
    assert_eq!(build.status.code(), Some(1));
    let (check_out, build_out) = (
        String::from_utf8(check.stdout).unwrap(),
        String::from_utf8(build.stdout).unwrap(),
    );
    let diagnostics = check_out.lines().next().unwrap();
    assert!(diagnostics.contains("02-broken.md:9:3: "), "{check_out}");
    assert!(build_out.starts_with(diagnostics), "{build_out}");
    assert!(
        build_out.ends_with(&format!("; nothing was written to {}\n", site.display())),
        "{build_out}"
    );
    assert_eq!(
        std::fs::read_to_string(site.join("index.html")).unwrap(),
        PAGE
    );
    assert!(!site.join("index.html.gz").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn build_writes_the_course_the_page_reads() {
    let dir = temp_dir("good");
    let site = dir.join("site");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::write(site.join("index.html"), PAGE).unwrap();
    let lesson = dir.join("01-good.md");
    std::fs::write(&lesson, GOOD).unwrap();
    let o = servicelab(
        &[
            "build",
            lesson.to_str().unwrap(),
            "--site",
            site.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let html = std::fs::read_to_string(site.join("index.html")).unwrap();
    let start = html.find("id=\"servicelab-course\">").unwrap() + "id=\"servicelab-course\">".len();
    let end = start + html[start..].find("</script>").unwrap();
    let course = servicelab::engine::lesson::course::Course::from_json(&html[start..end]).unwrap();
    assert_eq!(course.lessons.len(), 1);
    assert_eq!(course.lessons[0].lesson.title, "One more");
    assert!(site.join("index.html.gz").exists() && site.join("index.html.br").exists());
    let _ = std::fs::remove_dir_all(&dir);
}
