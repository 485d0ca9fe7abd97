//! Whatever a student gives the tools of a living cluster, they answer in
//! bounded time and memory and never panic: patches (strategic merge,
//! merge, JSON patch operations), `kubectl wait`'s conditions and
//! jsonpath, Go durations, `--sort-by` and `--field-selector`, the flags
//! of logs, rollout, port-forward, run --rm, busybox wget and nc,
//! conntrack, ss and ip neigh, an edited object saved from the editor, and
//! simulated time passing in any amounts.

use crate::support::measure;
use proptest::prelude::*;
use serde_json::{json, Value};
use servicelab_engine::cluster::patch::{json_patch, merge_patch, strategic_merge};
use servicelab_engine::shell::time::{parse_go_duration, NATIVE_STEP_MS};
use servicelab_engine::{Session, WorldOptions};

/// Any JSON value, a few levels deep, with the keys patches care about.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        "[ -~]{0,8}".prop_map(Value::String),
        prop::sample::select(vec![
            "replace", "delete", "merge", "$patch", "/spec", "-", "0"
        ])
        .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map(
                prop::sample::select(vec![
                    "spec",
                    "metadata",
                    "containers",
                    "name",
                    "ports",
                    "port",
                    "containerPort",
                    "$patch",
                    "$retainKeys",
                    "$setElementOrder/containers",
                    "$deleteFromPrimitiveList/finalizers",
                    "op",
                    "path",
                    "from",
                    "value",
                    "labels",
                    "image",
                    "x",
                ]),
                inner,
                0..5
            )
            .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect())),
        ]
    })
}

/// A JSON patch operation, well-formed or not.
fn json_patch_op() -> impl Strategy<Value = Value> {
    (
        prop::sample::select(vec![
            "add", "remove", "replace", "move", "copy", "test", "nope", "",
        ]),
        prop::sample::select(vec![
            "",
            "/",
            "/spec",
            "/spec/replicas",
            "/spec/template/spec/containers/0/image",
            "/spec/template/spec/containers/-",
            "/spec/template/spec/containers/99",
            "/metadata/labels/a~1b",
            "/metadata/labels/~2",
            "spec",
            "/a/b/c/d",
        ]),
        prop::option::of(json_value()),
        prop::option::of(prop::sample::select(vec![
            "/spec",
            "/metadata/labels",
            "/spec/replicas",
            "x",
        ])),
    )
        .prop_map(|(op, path, value, from)| {
            let mut m = serde_json::Map::new();
            m.insert("op".into(), json!(op));
            m.insert("path".into(), json!(path));
            if let Some(v) = value {
                m.insert("value".into(), v);
            }
            if let Some(f) = from {
                m.insert("from".into(), json!(f));
            }
            Value::Object(m)
        })
}

fn deployment() -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"app": "web"}},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "nginx", "image": "nginx", "ports": [{"containerPort": 80}]}]}}}
    })
}

/// Words of the new commands, and junk.
const PIECES: &[&str] = &[
    "kubectl",
    "logs",
    "wait",
    "rollout",
    "status",
    "restart",
    "history",
    "undo",
    "patch",
    "edit",
    "port-forward",
    "run",
    "get",
    "events",
    "describe",
    "pod",
    "pods",
    "deploy/web",
    "deployment/web",
    "svc/web",
    "pod/myapp-pod",
    "myapp-pod",
    "web",
    "-l",
    "app=web",
    "--tail=2",
    "--tail",
    "-1",
    "-c",
    "-f",
    "-p",
    "--previous",
    "--timestamps",
    "--for=condition=Ready",
    "--for=delete",
    "--for=jsonpath='{.status.phase}'=Running",
    "--for=jsonpath={",
    "--for=condition=",
    "--for=",
    "--timeout=1s",
    "--timeout=90m",
    "--timeout=-1s",
    "--timeout=1e9h",
    "--timeout=x",
    "--type=json",
    "--type=merge",
    "--type=strategic",
    "-p='[{\"op\":\"remove\",\"path\":\"/spec/replicas\"}]'",
    "-p='{\"spec\":{\"replicas\":3}}'",
    "-p='{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"nginx\",\"$patch\":\"delete\"}]}}}}'",
    "-p='['",
    "-p",
    "--to-revision=1",
    "--revision=2",
    "--sort-by=.metadata.name",
    "--sort-by=.lastTimestamp",
    "--sort-by={.x}",
    "--sort-by={",
    "--field-selector=status.phase=Running",
    "--field-selector=involvedObject.kind!=Pod",
    "--field-selector=,=",
    "8080:80",
    ":80",
    "8080",
    "99999:1",
    "a:b",
    "&",
    "jobs",
    "kill",
    "%1",
    "%9",
    "--rm",
    "-it",
    "-i",
    "--restart=Never",
    "--image=busybox:1.36",
    "--image=nginx",
    "--",
    "wget",
    "-qO-",
    "-S",
    "-T",
    "2",
    "--spider",
    "-O",
    "/tmp/x",
    "http://web",
    "http://10.244.0.2",
    "http://localhost:8080",
    "nc",
    "-zv",
    "-w",
    "1",
    "10.244.0.2",
    "80",
    "sudo",
    "conntrack",
    "-L",
    "-D",
    "-C",
    "--dport",
    "--sport",
    "-s",
    "-d",
    "--state",
    "ESTABLISHED",
    "tcp",
    "udp",
    "ss",
    "-tlnp",
    "-tan",
    "-u",
    "ip",
    "neigh",
    "-br",
    "addr",
    "link",
    "show",
    "dev",
    "eth0",
    "cat",
    "/etc/hosts",
    "ssh",
    "node01",
    "exit",
    "sleep",
    "30",
    ";",
    "|",
    "'",
];

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => prop::sample::select(PIECES).prop_map(str::to_string),
        1 => "[ -~]{0,10}",
        1 => any::<String>(),
    ]
}

/// How a line starts: one of the new commands (or none).
fn head() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "",
        "kubectl logs",
        "kubectl wait",
        "kubectl rollout",
        "kubectl rollout undo",
        "kubectl rollout history",
        "kubectl patch deploy web",
        "kubectl patch svc web --type=json",
        "kubectl port-forward",
        "kubectl run t --image=busybox:1.36 --rm -it --restart=Never --",
        "kubectl get events",
        "kubectl get pods",
        "kubectl describe deploy web",
        "kubectl edit",
        "kubectl exec myapp-pod --",
        "wget",
        "nc",
        "sudo conntrack",
        "ss",
        "ip neigh",
        "ip -br",
        "kill",
        "jobs",
        "ssh node01; sudo conntrack",
        "ssh node01; ss",
    ])
    .prop_map(str::to_string)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// The three patch types on any document with any patch.
    #[test]
    fn patches_answer_any_document(doc in json_value(), patch in json_value(), ops in prop::collection::vec(json_patch_op(), 0..6)) {
        for target in [doc.clone(), deployment()] {
            let took = measure(|| {
                let _ = merge_patch(&target, &patch);
                let _ = strategic_merge(&target, &patch);
                let _ = json_patch(&target, &patch);
                let _ = json_patch(&target, &Value::Array(ops.clone()));
            });
            if let Err(problem) = took.within_bounds() {
                prop_assert!(false, "{}", problem);
            }
        }
    }

    /// Go durations, whatever the text.
    #[test]
    fn go_durations_parse_or_fail(text in prop_oneof!["[0-9.a-zµ+-]{0,12}", any::<String>()]) {
        let _ = parse_go_duration(&text);
    }

    /// Lines of the new commands, mangled: an answer within bounds, and
    /// time passing between them in any amounts.
    #[test]
    fn any_line_of_the_new_tools_gets_an_answer(
        lines in prop::collection::vec((head(), prop::collection::vec(piece(), 0..9), 0i64..400_000), 1..5)
    ) {
        let mut s = Session::new(WorldOptions::default()).unwrap();
        s.run("kubectl create deployment web --image=nginx --replicas=2 && kubectl expose deployment web --port=80");
        for (head, words, wait) in lines {
            let line = format!("{head} {}", words.join(" "));
            s.pass(wait);
            let took = measure(|| s.run(&line));
            if let Err(problem) = took.within_bounds() {
                prop_assert!(false, "{}: {}", line, problem);
            }
            prop_assert!(took.value.status >= 0);
        }
        // Settling finishes whatever is pending, within bounds.
        let took = measure(|| s.settle());
        prop_assert!(took.within_bounds().is_ok());
    }

    /// What the page's editor saves: any text, for any request.
    #[test]
    fn any_edited_text_gets_an_answer(
        which in prop::sample::select(vec!["svc web", "deploy web", "pod myapp-pod", "cm nope", "svc kubernetes"]),
        junk in prop_oneof![
            Just(String::new()),
            Just("# only a comment\n".to_string()),
            Just("spec: {".to_string()),
            Just("kind: Pod".to_string()),
            Just("  replicas: -1".to_string()),
            Just("  type: Nodeport".to_string()),
            Just("\n---\n".to_string()),
            "[ -~\n]{0,30}",
        ],
        at in any::<prop::sample::Index>(),
    ) {
        let mut s = Session::new(WorldOptions::default()).unwrap();
        s.set_editor(true);
        s.run("kubectl create deployment web --image=nginx && kubectl expose deployment web --port=80");
        s.pass(NATIVE_STEP_MS);
        let e = s.run(&format!("kubectl edit {which}"));
        if let Some(req) = e.edit {
            let text = &req.text;
            let mut pos = at.index(text.len() + 1).min(text.len());
            while !text.is_char_boundary(pos) {
                pos -= 1;
            }
            let edited = format!("{}{}{}", &text[..pos], junk, &text[pos..]);
            let took = measure(|| s.finish_edit(&req, &edited));
            prop_assert!(took.within_bounds().is_ok());
            if let Some(again) = took.value.edit {
                let e = s.finish_edit(&again, &again.text);
                prop_assert!(e.status >= 0);
            }
        }
        prop_assert_eq!(s.run("kubectl get svc kubernetes -o name").text(), "service/kubernetes\n");
    }
}

#[test]
fn waiting_is_bounded_whatever_is_asked() {
    let mut s = Session::new(WorldOptions::default()).unwrap();
    for line in [
        "kubectl wait --for=delete pod/myapp-pod --timeout=8760h",
        "kubectl wait --for=condition=Nope pod --all --timeout=100000h",
        "kubectl rollout status deployment/nope --timeout=1000h",
        "sleep 99999999",
        "kubectl logs -f myapp-pod",
        "kubectl port-forward pod/myapp-pod 8080:80",
        "for i in $(seq 1 500); do kubectl wait --for=delete pod/myapp-pod --timeout=1h; done",
    ] {
        let took = measure(|| s.run(line));
        assert!(took.within_bounds().is_ok(), "{line}");
    }
    // A long idle time passes in bounded work.
    let took = measure(|| s.pass(30 * 24 * 3600 * 1000));
    assert!(took.within_bounds().is_ok());
    let e = s.run("kubectl get pods");
    assert!(e.text().contains("myapp-pod"), "{}", e.text());
}
