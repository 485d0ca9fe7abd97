//! The lesson fixtures under `tests/lessons/` exercise the checks a
//! Service lesson needs beyond the shipped course (a headless Service with a
//! StatefulSet, a selector-less Service with hand-written slices, an
//! ExternalName): each must pass `servicelab check` — parse, build its world,
//! replay its solutions, and meet every check and probe. A mutated copy of
//! each must be caught, so the checks can fail.

use servicelab_engine::lesson::{parse_lesson, replay};

fn fixture(name: &str) -> (String, String) {
    let path = format!("{}/tests/lessons/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("fixture exists");
    (path, text)
}

fn passes(name: &str) {
    let (path, text) = fixture(name);
    let diags = replay::check_file(&path, &text);
    let shown: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
    assert!(shown.is_empty(), "{}", shown.join("\n"));
    assert!(parse_lesson(&path, &text).expect("parses").steps.len() >= 3);
}

/// Replaces `from` by `to` in the fixture and returns what the checker says.
fn mutated(name: &str, from: &str, to: &str) -> String {
    let (path, text) = fixture(name);
    assert!(text.contains(from), "{from} is in {name}");
    let diags = replay::check_file(&path, &text.replacen(from, to, 1));
    diags
        .iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn headless_statefulset_passes() {
    passes("headless-statefulset.md");
    let out = mutated(
        "headless-statefulset.md",
        "name: web-2.web.default.svc.cluster.local}",
        "name: web-3.web.default.svc.cluster.local}",
    );
    assert!(
        out.contains("the server answered NXDOMAIN for web-3.web.default.svc.cluster.local"),
        "{out}"
    );
    let out = mutated(
        "headless-statefulset.md",
        "clusterIP: None}",
        "clusterIP: assigned}",
    );
    assert!(out.contains("check failed"), "{out}");
}

#[test]
fn selectorless_slices_passes() {
    passes("selectorless-slices.md");
    let out = mutated(
        "selectorless-slices.md",
        "addresses: [\"192.168.1.1:80\"]}",
        "addresses: [\"192.168.1.9:80\"]}",
    );
    assert!(
        out.contains("its ready endpoints are 192.168.1.1:80"),
        "{out}"
    );
}

#[test]
fn externalname_passes() {
    passes("externalname.md");
    let out = mutated(
        "externalname.md",
        "answers: [\"docs.example.com\"]",
        "answers: [\"docs.example.org\"]",
    );
    assert!(
        out.contains("docs.default.svc.cluster.local answers docs.example.com"),
        "{out}"
    );
}
