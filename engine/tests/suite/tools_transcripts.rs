//! Golden transcripts of the tools as a Kubernetes user types them first:
//! `kubectl apply`'s three-way merge and what it accepts, `kubectl expose`
//! of every declared port, curl's `-H` and `--resolve`, and the text tools
//! `awk` and `sed`. The clock moves by the native step before each line.

use crate::support::{text, transcript, world};

const WEB_SVC: &str = "apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
";

const WEB_SVC_TWO_PORTS: &str = "apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
    tier: front
  ports:
  - name: http
    port: 80
  - name: metrics
    port: 9090
";

const WEB_SVC_ONE_PORT: &str = "apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - name: http
    port: 80
    targetPort: 8080
";

#[test]
fn apply_without_the_annotation_deletes_nothing() {
    let mut s = world(1);
    let out = transcript(
        &mut s,
        &[("web-svc.yaml", WEB_SVC)],
        &[
            "kubectl create deployment web --image=nginx",
            "kubectl expose deployment web --port=80",
            "kubectl patch svc web -p '{\"spec\":{\"selector\":{\"tier\":\"front\"}}}'",
            "kubectl apply -f web-svc.yaml",
            "kubectl get svc web -o jsonpath='{.spec.selector}{\"\\n\"}'",
            "kubectl apply -f web-svc.yaml",
        ],
    );
    assert!(
        out.contains("\n{\"app\":\"web\",\"tier\":\"front\"}\n"),
        "the key added by patch stays:\n{out}"
    );
    assert!(out.contains("Warning: resource services/web is missing the kubectl.kubernetes.io/last-applied-configuration annotation"));
    assert!(out.ends_with("service/web unchanged\n[exit 0]\n"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn apply_deletes_what_was_applied_before_and_merges_ports_by_port() {
    let mut s = world(1);
    assert!(s.put_file("laptop", "web-svc.yaml", WEB_SVC_TWO_PORTS));
    text(&mut s, "kubectl apply -f web-svc.yaml");
    // Set by hand, never applied: apply leaves it.
    text(
        &mut s,
        "kubectl patch svc web -p '{\"spec\":{\"selector\":{\"team\":\"a\"}}}'",
    );
    let node_port_before = text(
        &mut s,
        "kubectl get svc web -o jsonpath='{.spec.clusterIP}'",
    );
    assert!(s.put_file("laptop", "web-svc.yaml", WEB_SVC_ONE_PORT));
    assert_eq!(
        text(&mut s, "kubectl apply -f web-svc.yaml"),
        "service/web configured\n"
    );
    assert_eq!(
        text(&mut s, "kubectl get svc web -o jsonpath='{.spec.selector}'"),
        "{\"app\":\"web\",\"team\":\"a\"}",
        "tier was applied and is gone from the file; team never was"
    );
    assert_eq!(
        text(
            &mut s,
            "kubectl get svc web -o jsonpath='{range .spec.ports[*]}{.name}:{.port}->{.targetPort}/{.protocol} {end}'"
        ),
        "http:80->8080/TCP ",
        "port 80 merged by its key, 9090 deleted, the server's protocol kept"
    );
    assert_eq!(
        text(
            &mut s,
            "kubectl get svc web -o jsonpath='{.spec.clusterIP}'"
        ),
        node_port_before,
        "the allocated ClusterIP stays"
    );
}

const WEB_DEPLOY: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
";

#[test]
fn apply_merges_containers_by_name() {
    let mut s = world(1);
    assert!(s.put_file("laptop", "web.yaml", WEB_DEPLOY));
    text(&mut s, "kubectl apply -f web.yaml");
    text(
        &mut s,
        "kubectl patch deploy web -p '{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"nginx\",\"env\":[{\"name\":\"MODE\",\"value\":\"blue\"}]}]}}}}'",
    );
    assert!(s.put_file(
        "laptop",
        "web.yaml",
        &WEB_DEPLOY.replace("nginx:1.27", "nginx:1.27.3")
    ));
    assert_eq!(
        text(&mut s, "kubectl apply -f web.yaml"),
        "deployment.apps/web configured\n"
    );
    assert_eq!(
        text(
            &mut s,
            "kubectl get deploy web -o jsonpath='{.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].env[0].value}'"
        ),
        "nginx:1.27.3 blue"
    );
}

#[test]
fn apply_takes_what_get_printed() {
    let mut s = world(1);
    let out = transcript(
        &mut s,
        &[],
        &[
            "kubectl get pod myapp-pod -o yaml > pod.yaml",
            "kubectl apply -f pod.yaml",
            "kubectl apply -f pod.yaml",
            "kubectl get pods -o yaml > pods.yaml",
            "kubectl apply -f pods.yaml",
            "kubectl get ns default -o json > ns.json",
            "kubectl apply -f ns.json",
            "kubectl get svc kubernetes -o yaml | kubectl apply -f -",
        ],
    );
    assert!(
        out.contains("Operation cannot be fulfilled on pods \"myapp-pod\": the object has been modified; please apply your changes to the latest version and try again"),
        "a stale resourceVersion conflicts:\n{out}"
    );
    assert!(!out.contains("strict decoding error"), "{out}");
    assert!(!out.contains("no matches for kind"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn a_number_where_a_label_value_belongs() {
    let mut s = world(1);
    assert!(s.put_file(
        "laptop",
        "svc.yaml",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  selector:\n    version: 1\n  ports:\n  - port: 80\n"
    ));
    assert_eq!(
        text(&mut s, "kubectl apply -f svc.yaml"),
        "Error from server (BadRequest): error when creating \"svc.yaml\": Service in version \"v1\" cannot be handled as a Service: json: cannot unmarshal number into Go struct field ServiceSpec.spec.selector of type string\n"
    );
}

const TWO_PORTS: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
spec:
  selector:
    matchLabels:
      app: shop
  template:
    metadata:
      labels:
        app: shop
    spec:
      containers:
      - name: web
        image: nginx
        ports:
        - containerPort: 80
        - containerPort: 443
";

#[test]
fn expose_takes_every_declared_port() {
    let mut s = world(1);
    let out = transcript(
        &mut s,
        &[("shop.yaml", TWO_PORTS)],
        &[
            "kubectl apply -f shop.yaml",
            "kubectl expose deployment shop",
            "kubectl get svc shop -o jsonpath='{range .spec.ports[*]}{.name} {.port}/{.protocol}->{.targetPort}{\"\\n\"}{end}'",
            "kubectl expose deployment shop --name=shop-one --port=8080 --target-port=80",
            "kubectl get svc shop-one -o jsonpath='{.spec.ports}{\"\\n\"}'",
        ],
    );
    assert!(
        out.contains("port-1 80/TCP->80\nport-2 443/TCP->443\n"),
        "{out}"
    );
    insta::assert_snapshot!(out);
}

#[test]
fn curl_headers_reach_the_server() {
    let mut s = world(1);
    let out = transcript(
        &mut s,
        &[],
        &[
            "kubectl create deployment who --image=traefik/whoami",
            "kubectl expose deployment who --port=80 --type=NodePort",
            "kubectl rollout status deployment/who",
            "curl -s -H 'Host: shop.example.com' -H 'X-Forwarded-For: 203.0.113.7' http://192.168.1.2:$(kubectl get svc who -o jsonpath='{.spec.ports[0].nodePort}') | sed -n '/^GET/,$p'",
            "curl -sv -o /dev/null -H 'Host: shop.example.com' -A probe/1 -H 'Accept:' http://192.168.1.2:$(kubectl get svc who -o jsonpath='{.spec.ports[0].nodePort}')",
            "ssh node01",
            "curl -sv -o /dev/null --resolve shop.example.com:80:10.244.0.2 -H 'X-Forwarded-For: 198.51.100.4' http://shop.example.com/missing",
            "curl --resolve nonsense http://x",
            "exit",
            "kubectl logs myapp-pod --tail=2",
        ],
    );
    assert!(
        out.contains("\nHost: shop.example.com\n"),
        "whoami echoes the Host: {out}"
    );
    assert!(out.contains("\nX-Forwarded-For: 203.0.113.7\n"), "{out}");
    assert!(
        out.contains("host: \"shop.example.com\""),
        "nginx's error log names the Host: {out}"
    );
    assert!(
        out.contains("\"-\" \"curl/8.5.0\" \"198.51.100.4\""),
        "{out}"
    );
    insta::assert_snapshot!(out);
}

#[test]
fn awk_as_tutorials_use_it() {
    let mut s = world(1);
    let out = transcript(
        &mut s,
        &[("people.txt", "alice 30 paris\nbob 25 london\ncarol 35 paris\n")],
        &[
            "awk '{print $1}' people.txt",
            "awk '$2 > 28 {print $1, \"is\", $2}' people.txt",
            "awk -F: '{print $1}' /etc/hosts",
            "awk '{n[$3]++} END {for (c in n) printf \"%-8s %d\\n\", c, n[c]}' people.txt",
            "awk 'BEGIN {OFS=\",\"} {$1=$1; print NR, NF, $0}' people.txt",
            "awk '{s += $2} END {print \"average\", s/NR}' people.txt",
            "kubectl get pods -A --no-headers | awk '{print $1}' | sort | uniq -c",
            "kubectl get pods -n kube-system -o wide | awk 'NR > 1 && $6 == \"192.168.1.2\" {print $1}'",
            "awk -v min=30 '$2 >= min' people.txt",
            "awk '{print $1' people.txt",
            "awk 'BEGIN { getline line < \"people.txt\" }'",
            "awk 'BEGIN { print 1/0 }'",
            "awk --bogus '{print}' 2>&1 | head -2",
            "awk '{print}' nosuch.txt",
        ],
    );
    assert!(out.contains("alice is 30\ncarol is 35\n"), "{out}");
    assert!(out.contains("average 30\n"), "{out}");
    assert!(
        out.contains("awk: cmd. line:1: {print $1\nawk: cmd. line:1:          ^ unexpected newline or end of string\n"),
        "{out}"
    );
    insta::assert_snapshot!(out);
}

#[test]
fn sed_as_tutorials_use_it() {
    let mut s = world(1);
    let out = transcript(
        &mut s,
        &[("web.yaml", WEB_DEPLOY)],
        &[
            "sed 's/nginx:1.27/nginx:1.27.3/' web.yaml | grep image",
            "sed -n '/containers:/,$p' web.yaml",
            "sed -i 's/replicas: 1/replicas: 3/' web.yaml && grep replicas web.yaml",
            "sed -i.orig '1d' web.yaml && head -1 web.yaml web.yaml.orig",
            "sed -E 's/(app): (web)/\\2-\\1/g' web.yaml | grep web-app",
            "sed = web.yaml | head -4",
            "kubectl get svc -A --no-headers | sed -n '2p'",
            "echo 'a b c' | sed 's/ /\\n/g'",
            "printf 'one\\ntwo\\nthree\\n' | sed '2i inserted'",
            "printf 'one\\ntwo\\n' | sed '$a appended'",
            "sed 's/a/b' web.yaml",
            "sed 's/a/b/q' web.yaml",
            "sed k web.yaml",
            "sed -z 's/a/b/' web.yaml",
            "sed 's/x/y/' nosuch.yaml",
            "sed --bogus web.yaml 2>&1 | head -2",
        ],
    );
    assert!(out.contains("replicas: 3\n"), "{out}");
    assert!(
        out.contains("sed: -e expression #1, char 5: unterminated `s' command\n"),
        "{out}"
    );
    insta::assert_snapshot!(out);
}

/// curl draws its progress meter on standard error whenever the body does
/// not go to the terminal: into a pipe, a file or `$(…)`; `-s` hides it,
/// and on the terminal it is left out so that it does not mix with the
/// body.
#[test]
fn curl_shows_its_meter_when_the_body_leaves_the_terminal() {
    let mut s = world(1);
    let out = transcript(
        &mut s,
        &[],
        &[
            "ssh node01",
            "curl 10.244.0.2 | head -1",
            "x=$(curl 10.244.0.2); echo ${#x}",
            "curl 10.244.0.9 | wc -c",
            "curl -s 10.244.0.2 | head -1",
            "curl 10.244.0.2 2>&1 >/dev/null | head -1",
        ],
    );
    insta::assert_snapshot!(out);
    let meters = out.matches("% Total    % Received % Xferd").count();
    assert_eq!(
        meters, 4,
        "a meter for each line whose body left the terminal"
    );
}

/// A pod's shell prompts as its image's shell does: busybox's ash shows
/// the directory and the sigil (curlimages/curl runs as `curl_user` in its
/// home, busybox as root in `/`); bash in a Debian image shows user, pod
/// and directory, and follows `cd`; `sh` in a Debian image is dash, whose
/// prompt is the sigil alone.
#[test]
fn a_pods_prompt_is_its_images_shells() {
    let mut s = world(1);
    let out = transcript(
        &mut s,
        &[],
        &[
            "kubectl run c --image=curlimages/curl --restart=Never -- sleep 3600",
            "kubectl run b --image=busybox --restart=Never -- sleep 3600",
            "sleep 20",
            "kubectl exec -it c -- sh",
            "pwd; echo $HOME",
            "touch /x",
            "exit",
            "kubectl exec -it b -- sh",
            "pwd",
            "exit",
            "kubectl exec -it myapp-pod -- bash",
            "cd /tmp",
            "exit",
            "kubectl exec -it myapp-pod -- sh",
            "echo $0",
            "exit",
        ],
    );
    insta::assert_snapshot!(out);
    assert!(out.contains("\n~ $ pwd; echo $HOME\n/home/curl_user\n/home/curl_user\n"));
    assert!(out.contains("\n~ $ touch /x\ntouch: /x: Permission denied\n"));
    assert!(out.contains("\n/ # pwd\n/\n"));
    assert!(out.contains("\nroot@myapp-pod:/tmp# exit\nexit\n"));
    // Debian's /bin/sh is dash: `# `, `$0` is sh, and exit says nothing.
    assert!(out.contains("\n# echo $0\nsh\n[exit 0]\n# exit\n[exit 0]\n"));
}
