//! Golden transcripts of NetworkPolicy (networking.k8s.io/v1) as an API
//! object: create, apply, get (`NAME POD-SELECTOR AGE`), describe as
//! kubectl's describer words it, label, patch, edit and delete, and the API
//! server's own messages for a policy it refuses.

use crate::support::{line, transcript, world, NATIVE_STEP_MS};

const DENY_ALL: &str = "apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny-ingress
spec:
  podSelector: {}
  policyTypes:
  - Ingress
";

const API_ALLOW: &str = "apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: api-allow
  namespace: default
spec:
  podSelector:
    matchLabels:
      app: api
    matchExpressions:
    - {key: tier, operator: In, values: [back, front]}
  ingress:
  - from:
    - namespaceSelector:
        matchLabels:
          team: shop
      podSelector:
        matchLabels:
          role: client
    - ipBlock:
        cidr: 172.17.0.0/16
        except:
        - 172.17.1.0/24
    ports:
    - port: 80
    - protocol: UDP
      port: dns
    - port: 32000
      endPort: 32768
  - {}
  egress:
  - to:
    - namespaceSelector: {}
      podSelector:
        matchLabels:
          k8s-app: kube-dns
    ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
";

#[test]
fn a_policy_created_listed_and_described() {
    let mut s = world(1);
    insta::assert_snapshot!(transcript(
        &mut s,
        &[("deny.yaml", DENY_ALL), ("api.yaml", API_ALLOW)],
        &[
            "kubectl get networkpolicies",
            "kubectl apply -f deny.yaml",
            "kubectl create -f api.yaml",
            "kubectl get netpol",
            "kubectl get networkpolicy.networking.k8s.io -A -o wide",
            "kubectl get netpol api-allow -o yaml",
            "kubectl describe netpol default-deny-ingress",
            "kubectl describe networkpolicy api-allow",
            "kubectl apply -f deny.yaml",
            "kubectl create -f deny.yaml",
            "kubectl get netpol -o name",
            "kubectl get netpol -o jsonpath='{.items[*].spec.policyTypes}{\"\\n\"}'",
        ]
    ));
}

#[test]
fn a_policy_changed_and_deleted() {
    let mut s = world(1);
    let mut out = transcript(
        &mut s,
        &[("deny.yaml", DENY_ALL)],
        &[
            "kubectl apply -f deny.yaml",
            "kubectl label netpol default-deny-ingress purpose=lesson",
            "kubectl get netpol -l purpose=lesson --show-labels",
            "kubectl patch netpol default-deny-ingress --type=merge -p '{\"spec\":{\"podSelector\":{\"matchLabels\":{\"app\":\"web\"}},\"policyTypes\":[\"Ingress\",\"Egress\"]}}'",
            "kubectl get netpol",
            "kubectl describe netpol default-deny-ingress",
            "kubectl patch netpol default-deny-ingress --type=json -p '[{\"op\":\"add\",\"path\":\"/spec/policyTypes/-\",\"value\":\"Sideways\"}]'",
        ],
    );
    // kubectl edit hands the live object to the page's editor.
    s.set_editor(true);
    s.pass(NATIVE_STEP_MS);
    let e = s.run("kubectl edit netpol default-deny-ingress");
    let req = e.edit.expect("the page's editor opens");
    out.push_str(&format!(
        "--- editor opens {} {}/{} ---\n{}",
        req.resource, req.namespace, req.name, req.text
    ));
    let invalid = s.finish_edit(&req, &req.text.replace("app: web", "app: -web"));
    out.push_str(&format!(
        "--- saved invalid ---\n{}[exit {}]\n",
        invalid.text(),
        invalid.status
    ));
    let again = invalid.edit.expect("reopened with the failures");
    let head: String = again
        .text
        .lines()
        .take(7)
        .map(|l| format!("{l}\n"))
        .collect();
    out.push_str(&format!("--- editor reopens ---\n{head}"));
    let fixed = s.finish_edit(&req, &req.text.replace("app: web", "app: shop"));
    out.push_str(&format!(
        "--- saved fixed ---\n{}[exit {}]\n",
        fixed.text(),
        fixed.status
    ));
    s.set_editor(false);
    for l in [
        "kubectl get netpol",
        "kubectl delete netpol default-deny-ingress",
        "kubectl delete netpol default-deny-ingress",
        "kubectl get netpol",
    ] {
        line(&mut s, &mut out, l);
    }
    insta::assert_snapshot!(out);
}

#[test]
fn policies_the_api_server_refuses() {
    let mut s = world(1);
    insta::assert_snapshot!(transcript(
        &mut s,
        &[
            (
                "bad.yaml",
                "apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: bad
spec:
  podSelector:
    matchExpressions:
    - {key: app, operator: In}
  ingress:
  - from:
    - {}
    - ipBlock: {cidr: 10.0.0.0/33}
    - ipBlock: {cidr: 10.0.0.0/8, except: [192.168.0.0/24]}
      podSelector: {}
    ports:
    - port: 70000
    - port: 90
      endPort: 80
    - port: http
      endPort: 90
    - protocol: ICMP
      endPort: 90
  policyTypes: [Ingress, Sideways]
",
            ),
            (
                "typo.yaml",
                "apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: typo
spec:
  podSelector: {}
  ingres: []
",
            ),
            (
                "type.yaml",
                "apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: type
spec:
  ingress:
  - ports:
    - endPort: \"90\"
",
            ),
            (
                "three.yaml",
                "apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: Three
spec:
  policyTypes: [Ingress, Egress, Ingress]
",
            ),
        ],
        &[
            "kubectl apply -f bad.yaml",
            "kubectl apply -f typo.yaml",
            "kubectl apply -f type.yaml",
            "kubectl apply -f three.yaml",
            "kubectl get netpol",
            "kubectl describe netpol nope",
        ]
    ));
}

#[test]
fn a_policy_in_its_namespace_applied_again_and_gone_with_it() {
    let mut s = world(1);
    let shop = "apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web
  namespace: shop
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - ports: [{port: 80}]
";
    insta::assert_snapshot!(transcript(
        &mut s,
        &[
            ("shop.yaml", shop),
            ("shop2.yaml", &shop.replace("port: 80", "port: 8080")),
        ],
        &[
            "kubectl apply -f shop.yaml",
            "kubectl create namespace shop",
            "kubectl apply -f shop.yaml",
            "kubectl apply -f shop2.yaml",
            "kubectl get netpol",
            "kubectl get netpol -A",
            "kubectl describe netpol -n shop",
            "kubectl delete namespace shop",
            "kubectl get netpol -A",
        ]
    ));
}
