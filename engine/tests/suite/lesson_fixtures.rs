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

/// A lesson whose `world.apply` holds `doc` as its second document.
fn with_second_document(doc: &str) -> String {
    let mut text = String::from(
        "---\ntitle: T\nworld:\n  nodes: 1\n  apply: |\n    apiVersion: v1\n    kind: Service\n    metadata:\n      name: ok\n    spec:\n      ports:\n      - port: 80\n    ---\n",
    );
    for line in doc.lines() {
        text.push_str("    ");
        text.push_str(line);
        text.push('\n');
    }
    text.push_str("---\n\n## Step\n\n```check passes-before\n- at: laptop\n```\n");
    text
}

#[test]
fn world_apply_errors_read_as_kubectl_at_the_documents_line() {
    let cases = [
        (
            "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\n",
            "error: Job (\"batch/v1\") is a Kubernetes kind this simulator does not model, so Job \"j\" from \"world.apply\" was not created",
        ),
        (
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  portz: 1\n",
            "Error from server (BadRequest): error when creating \"world.apply\": Service in version \"v1\" cannot be handled as a Service: strict decoding error: unknown field \"spec.portz\"",
        ),
        (
            "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: s\naddressType: IPv4\nendpoints:\n- addresses: [\"127.0.0.1\"]\n",
            "The EndpointSlice \"s\" is invalid: endpoints[0].addresses[0]: Invalid value: \"127.0.0.1\": may not be in the loopback range (127.0.0.0/8, ::1/128)",
        ),
        (
            "apiVersion: v1\nkind: Widget\nmetadata:\n  name: w\n",
            "error: resource mapping not found for name: \"w\" namespace: \"\" from \"world.apply\": no matches for kind \"Widget\" in version \"v1\"",
        ),
    ];
    for (doc, want) in cases {
        let text = with_second_document(doc);
        let diags = replay::check_file("t.md", &text);
        assert_eq!(diags.len(), 1, "{diags:?}");
        let d = &diags[0];
        // The second document starts on line 14 of the file.
        assert_eq!(d.line, 14, "{d}");
        let shown = d.to_string();
        assert!(shown.contains(want), "{shown}\nwanted: {want}");
        assert!(!shown.contains("{ "), "a debug struct: {shown}");
    }
}
