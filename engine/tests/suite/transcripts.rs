//! Golden transcripts: what a student sees, command by command, and the
//! packet trace behind each probe. Snapshots live in `tests/suite/snapshots/`;
//! review changes with `cargo insta review`.

use servicelab_engine::{Session, WorldOptions};

use crate::support::{timed_transcript, world_with, NATIVE_STEP_MS};

/// Runs the lines in a new world built with `options`, as a scrollback.
fn transcript(options: WorldOptions, lines: &[&str]) -> String {
    timed_transcript(&mut world_with(options), lines)
}

fn traced(lines: &[&str]) -> String {
    let mut s = Session::new(WorldOptions::default()).expect("valid options");
    let mut out = String::new();
    for line in lines {
        s.pass(NATIVE_STEP_MS);
        let e = s.run(line);
        if let Some(t) = e.trace {
            out.push_str(&format!("$ {line}\n{t}\n\n"));
        }
    }
    out
}

#[test]
fn the_article_first_step() {
    insta::assert_snapshot!(transcript(
        WorldOptions::default(),
        &[
            "hostname",
            "ip route",
            "curl http://10.244.0.2",
            "curl --connect-timeout 3 http://10.244.0.2",
            "ssh node01",
            "hostname",
            "ip route",
            "curl http://10.244.0.2",
            "curl http://10.244.0.2:8080",
            "exit",
        ]
    ));
}

#[test]
fn traces_of_the_first_step() {
    insta::assert_snapshot!(traced(&[
        "curl http://10.244.0.2",
        "ssh node01",
        "curl http://10.244.0.2",
        "curl http://10.244.0.2:8080",
    ]));
}

#[test]
fn curl_flags() {
    insta::assert_snapshot!(transcript(
        WorldOptions::default(),
        &[
            "ssh node01",
            "curl -I http://10.244.0.2",
            "curl -i 10.244.0.2/missing",
            "curl -v http://10.244.0.2",
            "curl -o page.html http://10.244.0.2",
            "curl -s -o /dev/null -w '%{http_code}\\n' http://10.244.0.2",
            "curl -s http://10.244.0.2:8080; echo \"exit $?\"",
            "curl -sS -m 2 http://10.244.0.99",
            "curl -f 10.244.0.2/nope",
            "curl http://nothing-here",
            "curl ftp://10.244.0.2",
            "curl --bogus 10.244.0.2",
            "curl",
        ]
    ));
}

#[test]
fn network_tools() {
    insta::assert_snapshot!(transcript(
        WorldOptions::default(),
        &[
            "ip addr",
            "ip route get 10.244.0.2",
            "ping -c 2 10.244.0.2",
            "ping -c 2 192.168.1.77",
            "ping -c 1 nowhere",
            "ssh node01",
            "ip addr",
            "ip route get 10.244.0.2",
            "ping -c 2 10.244.0.2",
            "ip link",
            "ssh laptop",
            "kubeclt get pods",
            "echo 'unterminated",
        ]
    ));
}

#[test]
fn three_nodes() {
    insta::assert_snapshot!(transcript(
        WorldOptions {
            nodes: 3,
            ..Default::default()
        },
        &[
            "ssh node03",
            "ip route",
            "curl -s -o /dev/null -w '%{http_code} %{remote_ip}\\n' 10.244.0.2",
            "ping -c 1 10.244.0.2"
        ]
    ));
}
