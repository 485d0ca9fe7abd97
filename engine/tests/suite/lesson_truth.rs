//! A lesson's text held against its world: `servicelab check` catches the
//! sentence that a student's terminal would contradict (a swapped address,
//! a pod that is not there, a placeholder that names nothing, a value the
//! cluster picked at random), and placeholders put the student's own
//! values into the text.

use servicelab_engine::lesson::bind;
use servicelab_engine::lesson::replay::{check_file, start};
use servicelab_engine::lesson::{parse_lesson, Prediction, QuizAsk, When};

const WORLD: &str = "---
title: Two pods
world:
  nodes: 1
  pods:
  - {name: myapp-pod, image: nginx, node: node01, labels: {app: myapp}}
  - {name: whoami, image: traefik/whoami, node: node01, labels: {app: whoami}}
---

The lesson's pods are myapp-pod ({podIP:myapp-pod}) and whoami.

";

fn lesson(body: &str) -> String {
    format!("{WORLD}{body}")
}

/// The step every test varies: one sentence and a check that needs no
/// solution of its own.
fn step(prose: &str) -> String {
    lesson(&format!(
        "## Look\n\n{prose}\n\n```check passes-before\n- pod: {{name: myapp-pod}}\n```\n"
    ))
}

/// Line and column of `needle` in `text` (1-based).
fn at(text: &str, needle: &str) -> (usize, usize) {
    let i = text.find(needle).expect("the needle is in the text");
    let line = text[..i].matches('\n').count() + 1;
    let col = text[..i].rfind('\n').map_or(i, |nl| i - nl - 1) + 1;
    (line, col)
}

#[test]
fn a_true_text_has_nothing_to_report() {
    let text = step(
        "myapp-pod is 10.244.0.2 and whoami is 10.244.0.3, on node01 (cni0 is 10.244.0.1); \
         the API server is 10.96.0.1. `kubectl exec myapp-pod -- ls` works.\n\n\
         ```console\n$ kubectl get pods -o wide\nmyapp-pod   1/1   Running   0   6m   10.244.0.2   node01\n```",
    );
    assert_eq!(check_file("t.md", &text), vec![]);
}

#[test]
fn a_swapped_address_is_reported_where_it_stands() {
    let text = step("Ask myapp-pod at 10.244.0.3: nginx answers.");
    let d = check_file("t.md", &text);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!((d[0].line, d[0].col), at(&text, "10.244.0.3"));
    assert_eq!(
        d[0].message,
        "10.244.0.3 is whoami's address at this step; the text names myapp-pod (use {podIP:myapp-pod})"
    );
    // A row of output is one sentence too.
    let text = step("```console\n$ kubectl get pods -o wide\nwhoami   1/1   Running   0   6m   10.244.0.2   node01\n```");
    let d = check_file("t.md", &text);
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(
        d[0].message
            .starts_with("10.244.0.2 is myapp-pod's address"),
        "{d:?}"
    );
}

#[test]
fn an_address_nobody_has_is_reported() {
    let text = step("The third pod, 10.244.0.7, answers too.");
    let d = check_file("t.md", &text);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(
        d[0].message,
        "10.244.0.7 is nobody's address at this step: no pod, Service or host has it"
    );
}

#[test]
fn a_pod_that_is_not_there_is_reported() {
    let text = step("```console\n$ kubectl exec web-client -- curl -s http://10.244.0.2\n```");
    let d = check_file("t.md", &text);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!((d[0].line, d[0].col), at(&text, "web-client"));
    assert_eq!(
        d[0].message,
        "there is no pod named web-client at this step"
    );
}

#[test]
fn a_placeholder_that_names_nothing_is_reported_at_its_column() {
    let text = step("The client is {podIP:client}.");
    let d = check_file("t.md", &text);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!((d[0].line, d[0].col), at(&text, "{podIP:client}"));
    assert_eq!(
        d[0].message,
        "{podIP:client} has no value at this step: there is no pod named client in namespace default"
    );
    // A misspelt or broken one is the parser's: the file does not load.
    let text = step("The pod is {podIp:myapp-pod}, and {clusterIP:web.");
    let d = parse_lesson("t.md", &text).unwrap_err();
    assert_eq!(d.len(), 2, "{d:?}");
    assert_eq!((d[0].line, d[0].col), at(&text, "{podIp"));
    assert_eq!(
        d[0].message,
        "unknown placeholder `podIp` in `{podIp:myapp-pod}`, did you mean `podIP`?"
    );
    assert!(d[1].message.contains("never closes"), "{d:?}");
}

#[test]
fn values_the_cluster_picks_cannot_be_written_down() {
    let solution = "kubectl create deployment web --image=nginx --replicas=2\nkubectl expose deployment web --port=80 --type=NodePort\nkubectl rollout status deployment web\ncurl -s http://192.168.1.2:$(kubectl get svc web -o jsonpath='{.spec.ports[0].nodePort}')";
    let base = |prose: &str| {
        lesson(&format!(
            "## Make it\n\n{prose}\n\n```check\n- service: {{name: web, type: NodePort}}\n```\n\n```solution\n{solution}\n```\n"
        ))
    };
    // What the replay made, read from its world.
    let mut s = start(&parse_lesson("t.md", &base("")).unwrap()).unwrap();
    for cmd in solution.lines() {
        s.run(cmd);
    }
    s.settle();
    let c = &s.world().cluster;
    let ip = bind::render_all(c, "{clusterIP:web}").unwrap();
    let port = bind::render_all(c, "{nodePort:web}").unwrap();
    let pod = bind::render_all(c, "{pod:web#2}").unwrap();
    let text = base(&format!(
        "The Service got {ip}, and http://192.168.1.2:{port} leads to {pod}."
    ));
    let d = check_file("t.md", &text);
    let messages: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        vec![
            format!("{ip} is the ClusterIP the API server picked for web; a student's may differ: write {{clusterIP:web}}"),
            format!("{port} is the node port the API server picked for web; a student's may differ: write {{nodePort:web}}"),
            format!("{pod} is a name the controller made up at random; the student's pod has another: write {{pod:web#2}}"),
        ],
        "{d:?}"
    );
    // Bound, the same sentence is true in every world.
    let text = base(
        "The Service got {clusterIP:web}, and http://192.168.1.2:{nodePort:web} leads to {pod:web#2} ({podIP:web#2}).",
    );
    assert_eq!(check_file("t.md", &text), vec![]);
}

#[test]
fn the_worlds_pods_get_addresses_in_the_order_listed() {
    let text = lesson("## Look\n\n```check passes-before\n- pod: {name: myapp-pod}\n```\n")
        .replace(
            "  - {name: whoami",
            "  - {name: third, image: nginx, node: node01}\n  - {name: whoami",
        );
    let l = parse_lesson("t.md", &text).unwrap();
    let s = start(&l).unwrap();
    let c = &s.world().cluster;
    let ips: Vec<String> = ["myapp-pod", "third", "whoami"]
        .iter()
        .map(|p| bind::render_all(c, &format!("{{podIP:{p}}}")).unwrap())
        .collect();
    assert_eq!(ips, vec!["10.244.0.2", "10.244.0.3", "10.244.0.4"]);
}

const QUIZZES: &str = "## Predict

```quiz
question: What does whoami's name resolve to from myapp-pod?
probe: {from: myapp-pod, dns: whoami, when: after}
choices:
- {text: \"Its ClusterIP\", expect: \"{clusterIP:whoami}\"}
- {text: \"Nothing: NXDOMAIN\", expect: nxdomain}
answer: \"Its ClusterIP\"
explain: A Service's name resolves to its ClusterIP.
```

```quiz
question: How many pods answer six requests to the Service?
probe: {from: node01, url: \"http://{clusterIP:whoami}\", responders: 6, when: after kubectl scale}
choices:
- {text: One, expect: 1}
- {text: Two, expect: 2}
answer: Two
explain: Both pods are endpoints.
```

```quiz
question: And the laptop, to an address nobody has on its network?
probe: {from: laptop, url: \"http://192.168.1.240\", when: after}
choices:
- {text: Refused, expect: refused}
- {text: No route to host, expect: unreachable}
answer: No route to host
explain: Nobody answers ARP for it.
```

```check
- service: {name: whoami, endpoints: 2}
```

```solution
kubectl create deployment whoami --image=traefik/whoami
kubectl expose deployment whoami --port=80
kubectl scale deployment whoami --replicas=2
kubectl rollout status deployment whoami
```
";

#[test]
fn quizzes_ask_dns_how_many_pods_and_halfway_through_a_step() {
    let text = lesson(QUIZZES).replace(
        "pods:\n",
        "pods:\n  - {name: other, image: nginx, node: node01}\n",
    );
    let l = parse_lesson("t.md", &text).unwrap();
    let q = &l.steps[0].quizzes;
    assert!(matches!(
        q[0].probe.as_ref().unwrap().ask,
        QuizAsk::Dns { .. }
    ));
    assert_eq!(q[1].probe.as_ref().unwrap().when, When::AfterCommand(3));
    assert_eq!(q[1].choices[1].expect, Some(Prediction::Pods(2)));
    assert_eq!(check_file("t.md", &text), vec![]);
    // A wrong answer is caught, whatever the question asks.
    let wrong = text
        .replace("answer: \"Its ClusterIP\"", "answer: \"Nothing: NXDOMAIN\"")
        .replace("answer: Two", "answer: One")
        .replace("answer: No route to host", "answer: Refused");
    let d = check_file("t.md", &wrong);
    let messages: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(messages.len(), 3, "{messages:?}");
    // In the order the replay meets them: the halfway quiz first.
    assert!(messages[0].starts_with("quiz: the answer \"One\" predicts 1 different pod(s), but 6 requests from node01 to http://10."), "{messages:?}");
    assert!(messages[1].starts_with("quiz: the answer \"Nothing: NXDOMAIN\" predicts NXDOMAIN, but a DNS A lookup of whoami from myapp-pod answers 10."), "{messages:?}");
    assert!(
        messages[2].contains("gives no route to host"),
        "{messages:?}"
    );
    // A point in the step that is not one.
    let bad = text.replace("when: after kubectl scale", "when: after kubectl delete");
    let d = parse_lesson("t.md", &bad).unwrap_err();
    assert!(
        d[0].message.starts_with("`when: after kubectl delete`: the step's solution has no such command; it runs `kubectl create deployment"),
        "{d:?}"
    );
}
