//! NetworkPolicy on the data path, checked through the Session a student
//! types into. The world's CNI decides what a policy does: flannel alone
//! enforces nothing (a policy is stored, and every connection it would deny
//! still gets through, as on a real cluster).

use servicelab_engine::Session;

use crate::support::{apply, ok, world, NATIVE_STEP_MS};

/// Denies every connection into and out of every pod of `default`.
const DENY_ALL: &str = "apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny-all
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
";

/// A Deployment of two nginx pods behind a Service, spread over the nodes.
fn web(s: &mut Session) {
    ok(
        s,
        "kubectl create deployment web --image=nginx --replicas=2",
    );
    ok(s, "kubectl expose deployment web --port=80");
    ok(s, "kubectl rollout status deployment/web");
}

#[test]
fn on_flannel_a_policy_is_accepted_and_enforces_nothing() {
    let mut s = world(2);
    web(&mut s);
    let code = "curl -s -o /dev/null -w '%{http_code}\\n' -m 5";
    let before = ok(
        &mut s,
        &format!("kubectl exec myapp-pod -- {code} http://web"),
    );
    assert_eq!(before, "200\n");

    assert_eq!(
        apply(&mut s, DENY_ALL),
        "networkpolicy.networking.k8s.io/default-deny-all created\n"
    );
    assert!(ok(&mut s, "kubectl get netpol").contains("default-deny-all   <none>"));

    // Through the Service (DNS out, then the connection in), to each pod
    // by its address, and from the node: all still answer.
    assert_eq!(
        ok(
            &mut s,
            &format!("kubectl exec myapp-pod -- {code} http://web")
        ),
        "200\n"
    );
    let ips = ok(
        &mut s,
        "kubectl get pods -l app=web -o jsonpath='{.items[*].status.podIP}'",
    );
    let ips: Vec<&str> = ips.split_whitespace().collect();
    assert_eq!(ips.len(), 2, "{ips:?}");
    for ip in &ips {
        assert_eq!(
            ok(
                &mut s,
                &format!("kubectl exec myapp-pod -- {code} http://{ip}")
            ),
            "200\n",
            "to {ip}"
        );
    }
    // The journey says why nothing stopped it.
    s.pass(NATIVE_STEP_MS);
    let e = s.run(&format!(
        "kubectl exec myapp-pod -- curl -s -o /dev/null http://{}",
        ips[0]
    ));
    let story = s.story(e.trace.as_ref().expect("a traced request"));
    let sentence = story.ending.sentence();
    assert!(
        sentence.contains("NetworkPolicy default/default-deny-all isolates web-")
            && sentence.contains(" for ingress and NetworkPolicy default/default-deny-all isolates myapp-pod for egress, but flannel does not enforce NetworkPolicy"),
        "{sentence}"
    );
    ok(&mut s, "ssh node01");
    assert_eq!(ok(&mut s, &format!("{code} http://{}", ips[0])), "200\n");
    // flannel writes no policy chains: nothing on the node reads the policy.
    let rules = ok(&mut s, "sudo iptables-save");
    assert!(!rules.contains("cali-"), "{rules}");
    assert!(
        !rules.to_lowercase().contains("default-deny-all"),
        "{rules}"
    );

    // Without a policy that selects them, the journey says nothing of it.
    ok(&mut s, "exit");
    ok(&mut s, "kubectl delete netpol default-deny-all");
    s.pass(NATIVE_STEP_MS);
    let e = s.run(&format!(
        "kubectl exec myapp-pod -- curl -s -o /dev/null http://{}",
        ips[0]
    ));
    let story = s.story(e.trace.as_ref().expect("a traced request"));
    assert!(
        !story.ending.sentence().contains("NetworkPolicy"),
        "{}",
        story.ending.sentence()
    );
}
