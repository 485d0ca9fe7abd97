//! What the engine's tests share, so that each file says only what it
//! tests (as kube-proxy's `NewFakeProxier` is the one way its tests get a
//! proxier). The conventions:
//!
//! - A test gets its world from [`world`] (the default world: a laptop, a
//!   home router, node01 and its pods, the lessons' seed) or
//!   [`world_with`] for other options; never from a world built by hand.
//! - Each command line goes through [`run`] or [`ok`], which first let
//!   [`NATIVE_STEP_MS`] of simulated time pass, as `servicelab shell` does
//!   between lines: what a student types lands on a cluster that has moved
//!   on, so pods started by one line are up for the next.
//! - [`ok`] asserts that the line succeeded and names the line when it did
//!   not; [`run`] returns the exit status for tests about failures.
//! - Manifests go through [`apply`]: a file on the laptop and
//!   `kubectl apply -f`, the way a student applies one.
//! - Memory and time are measured with [`measure`] against [`MEMORY_BOUND`]
//!   and [`TIME_BOUND`] (a hang detector, not a speed target).

#![allow(dead_code)]

mod measure;

pub use measure::{measure, MEMORY_BOUND, TIME_BOUND};
pub use servicelab_engine::shell::time::NATIVE_STEP_MS;

use servicelab_engine::time::Millis;
use servicelab_engine::{Session, WorldOptions};

/// The default world with `nodes` nodes.
pub fn world(nodes: u8) -> Session {
    world_with(WorldOptions {
        nodes,
        ..Default::default()
    })
}

/// A world built with `options`.
pub fn world_with(options: WorldOptions) -> Session {
    Session::new(options).expect("valid world options")
}

/// Lets a step of time pass and runs `line`: its exit status and what it
/// printed (stdout and stderr, in order).
pub fn run(s: &mut Session, line: &str) -> (i32, String) {
    s.pass(NATIVE_STEP_MS);
    let e = s.run(line);
    (e.status, e.text())
}

/// What `line` printed, whatever its status (for transcripts).
pub fn text(s: &mut Session, line: &str) -> String {
    run(s, line).1
}

/// Runs `line` and asserts it succeeded; what it printed.
pub fn ok(s: &mut Session, line: &str) -> String {
    let (status, text) = run(s, line);
    assert_eq!(status, 0, "`{line}` failed:\n{text}");
    text
}

/// Writes `yaml` to a file on the laptop and applies it; what kubectl printed.
pub fn apply(s: &mut Session, yaml: &str) -> String {
    assert!(s.put_file("laptop", "/tmp/manifest.yaml", yaml));
    ok(s, "kubectl apply -f /tmp/manifest.yaml")
}

/// Appends one line to a scrollback as a terminal shows it (prompt,
/// command, output) after the step of time, ending with `[exit N]`.
pub fn line(s: &mut Session, out: &mut String, text: &str) {
    let (status, _) = scroll(s, out, text);
    out.push_str(&format!("[exit {status}]\n"));
}

/// Puts the files on the laptop, then runs the lines as a scrollback
/// (see [`line`]): what golden transcripts snapshot.
pub fn transcript(s: &mut Session, files: &[(&str, &str)], lines: &[&str]) -> String {
    for (path, text) in files {
        assert!(s.put_file("laptop", path, text));
    }
    let mut out = String::new();
    for text in lines {
        line(s, &mut out, text);
    }
    out
}

/// A scrollback whose lines end with how long each took in simulated time
/// (`[exit N after M ms]`), for transcripts about time: timeouts,
/// retries, DNS's own waits.
pub fn timed_transcript(s: &mut Session, lines: &[&str]) -> String {
    let mut out = String::new();
    for text in lines {
        let (status, ms) = scroll(s, &mut out, text);
        out.push_str(&format!("[exit {status} after {ms} ms]\n"));
    }
    out
}

/// Prompt, command and output of one line, after the step of time; its
/// exit status and how long it took.
fn scroll(s: &mut Session, out: &mut String, text: &str) -> (i32, Millis) {
    out.push_str(&s.prompt());
    out.push_str(text);
    out.push('\n');
    s.pass(NATIVE_STEP_MS);
    let e = s.run(text);
    out.push_str(&e.text());
    if !out.ends_with('\n') {
        out.push('\n');
    }
    (e.status, e.elapsed_ms)
}
