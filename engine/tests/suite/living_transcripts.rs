//! Golden transcripts of a living cluster: pods that take time to start,
//! probes that decide readiness and restarts, rollouts, events and logs,
//! and the tools an engineer reaches for (patch, edit, port-forward,
//! run --rm, busybox wget and nc, conntrack, ss, ip neigh). The clock
//! moves by the native step before each line, as in `servicelab shell`.

use crate::support::{line, transcript, world, NATIVE_STEP_MS};

const PROBED: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
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
        readinessProbe:
          httpGet:
            path: /healthz
            port: 80
          periodSeconds: 5
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
";

const LIVENESS: &str = "apiVersion: v1
kind: Pod
metadata:
  name: wrong-port
spec:
  containers:
  - name: nginx
    image: nginx:1.27
    livenessProbe:
      tcpSocket:
        port: 8080
      initialDelaySeconds: 5
      periodSeconds: 5
";

const EXEC_PROBE: &str = "apiVersion: v1
kind: Pod
metadata:
  name: ready-file
spec:
  containers:
  - name: bb
    image: busybox:1.36
    command: [\"sleep\", \"3600\"]
    readinessProbe:
      exec:
        command: [\"cat\", \"/tmp/ready\"]
      periodSeconds: 5
";

#[test]
fn pods_start_over_time() {
    let mut s = world(1);
    insta::assert_snapshot!(transcript(
        &mut s,
        &[],
        &[
            "kubectl create deployment web --image=nginx:1.27 --replicas=2; kubectl get pods -l app=web",
            "kubectl get pods -l app=web",
            "kubectl wait --for=condition=Ready pod -l app=web",
            "kubectl rollout status deployment/web",
            "kubectl get events --sort-by=.lastTimestamp",
            "kubectl describe pod myapp-pod | grep -A 20 ^Events:",
            "kubectl create deployment echo --image=hashicorp/http-echo -- /http-echo -text=hi; kubectl rollout status deployment/echo",
            "kubectl get pods -o wide",
            "kubectl rollout restart deployment/web; kubectl rollout status deployment/web",
            "kubectl get pods -o wide -l app=web",
            "kubectl get rs",
            "kubectl get events --field-selector involvedObject.kind=Deployment",
            "kubectl get events -o wide --field-selector reason=Killing",
            "kubectl wait --for=jsonpath='{.status.phase}'=Running pod -l app=web",
            "kubectl wait --for=condition=Ready pod/nope --timeout=5s",
            "kubectl wait --for=delete pod/myapp-pod --timeout=2s",
            "kubectl wait --for=condition=Available deployment/web",
            "kubectl rollout status deployment/nope",
            "kubectl rollout history deployment/web",
            "kubectl rollout undo deployment/web; kubectl rollout status deployment/web",
            "kubectl rollout history deployment/web",
            "kubectl rollout history deployment/web --revision=3",
            "kubectl rollout undo deployment/web --to-revision=9",
            "kubectl rollout undo deployment/echo",
            "kubectl rollout pause deployment/web",
        ]
    ));
}

#[test]
fn readiness_and_liveness_probes() {
    let mut s = world(1);
    insta::assert_snapshot!(transcript(
        &mut s,
        &[
            ("probed.yaml", PROBED),
            ("liveness.yaml", LIVENESS),
            ("exec.yaml", EXEC_PROBE)
        ],
        &[
            "kubectl apply -f probed.yaml",
            "sleep 30; kubectl get pods -l app=web",
            "kubectl get endpoints web",
            "kubectl get endpointslices -l kubernetes.io/service-name=web",
            "kubectl describe pod -l app=web | grep -A 20 ^Events: | head -9",
            "kubectl logs deploy/web --tail=2",
            "kubectl exec myapp-pod -- curl -sS http://web",
            "kubectl patch deployment web --type=json -p '[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/readinessProbe/httpGet/path\",\"value\":\"/\"}]'; kubectl rollout status deployment/web",
            "kubectl get endpoints web",
            "kubectl apply -f liveness.yaml",
            "sleep 60; kubectl get pod wrong-port",
            "kubectl describe pod wrong-port | grep -A 20 ^Events:",
            "kubectl logs wrong-port --previous --tail=3",
            "sleep 300; kubectl get pod wrong-port",
            "kubectl apply -f exec.yaml",
            "sleep 15; kubectl get pod ready-file",
            "kubectl exec ready-file -- touch /tmp/ready; sleep 6; kubectl get pod ready-file",
        ]
    ));
}

#[test]
fn container_logs() {
    let mut s = world(1);
    insta::assert_snapshot!(transcript(
        &mut s,
        &[],
        &[
            "kubectl create deployment who --image=traefik/whoami",
            "kubectl run echo --image=hashicorp/http-echo -- -text=hello",
            "kubectl run host --image=registry.k8s.io/serve_hostname",
            "kubectl wait --for=condition=Ready pod --all",
            "kubectl logs deploy/who",
            "kubectl logs echo",
            "kubectl logs host",
            "kubectl get pods -o wide",
            "kubectl exec myapp-pod -- curl -s http://$(kubectl get pod echo -o jsonpath='{.status.podIP}'):5678/",
            "kubectl exec myapp-pod -- curl -s http://$(kubectl get pod host -o jsonpath='{.status.podIP}'):9376/; echo",
            "kubectl exec myapp-pod -- curl -s $(kubectl get pod -l app=who -o jsonpath='{.items[0].status.podIP}') | head -2",
            "kubectl logs echo",
            "kubectl logs myapp-pod --tail=3",
            "ssh node01",
            "curl -s -o /dev/null http://10.244.0.2/; curl -s -o /dev/null http://10.244.0.2/missing; curl -sI -o /dev/null http://10.244.0.2/",
            "exit",
            "kubectl logs myapp-pod --tail=4",
            "kubectl logs myapp-pod --tail=1 --timestamps",
            "kubectl logs myapp-pod -c nope",
            "kubectl logs myapp-pod -f --tail=1",
            "kubectl logs myapp-pod -p",
            "kubectl logs -l app=who --tail=1",
            "kubectl logs nope",
            "kubectl logs",
        ]
    ));
}

#[test]
fn patch_and_edit() {
    let mut s = world(1);
    let mut out = transcript(
        &mut s,
        &[],
        &[
            "kubectl create deployment web --image=nginx:1.27",
            "kubectl expose deployment web --port=80",
            "kubectl patch deployment web -p '{\"spec\":{\"replicas\":3}}'",
            "kubectl patch deployment web -p '{\"spec\":{\"replicas\":3}}'",
            "kubectl patch svc web --type=merge -p '{\"metadata\":{\"labels\":{\"tier\":\"front\"}}}'",
            "kubectl patch svc web --type=json -p '[{\"op\":\"replace\",\"path\":\"/spec/type\",\"value\":\"NodePort\"}]'",
            "kubectl get svc web --show-labels",
            "kubectl patch deployment web --type=json -p '[{\"op\":\"remove\",\"path\":\"/spec/nope\"}]'",
            "kubectl patch deployment web --type=json -p '{\"op\":\"add\"}'",
            "kubectl patch deployment web -p '{\"spec\":'",
            "kubectl patch deployment web --type=xml -p '{}'",
            "kubectl patch deployment web",
            "kubectl patch deployment nope -p '{}'",
            "kubectl patch deployment web -p '{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"nginx\",\"image\":\"nginx:1.27.3\"}]}}}}'; kubectl rollout status deployment/web",
            "kubectl get deployment web -o jsonpath='{.spec.template.spec.containers[*].image} {.spec.replicas}{\"\\n\"}'",
            "kubectl patch pod myapp-pod -p '{\"spec\":{\"containers\":[{\"name\":\"myapp-pod\",\"ports\":[{\"containerPort\":81}]}]}}'",
            "kubectl edit svc web",
            "KUBE_EDITOR=nano kubectl edit svc web",
            "kubectl edit svc nope",
        ],
    );

    // In the page, kubectl edit hands its text to the manifest editor.
    s.set_editor(true);
    s.pass(NATIVE_STEP_MS);
    let e = s.run("kubectl edit svc web");
    let req = e.edit.expect("the page's editor opens");
    out.push_str(&format!(
        "--- editor opens {} {}/{} ---\n{}",
        req.resource, req.namespace, req.name, req.text
    ));
    let unchanged = s.finish_edit(&req, &req.text);
    out.push_str(&format!(
        "--- saved unchanged ---\n{}[exit {}]\n",
        unchanged.text(),
        unchanged.status
    ));
    let empty = s.finish_edit(&req, "# nothing\n");
    out.push_str(&format!(
        "--- saved empty ---\n{}[exit {}]\n",
        empty.text(),
        empty.status
    ));
    let invalid = s.finish_edit(&req, &req.text.replace("type: NodePort", "type: Nodeport"));
    out.push_str(&format!(
        "--- saved invalid ---\n{}[exit {}]\n",
        invalid.text(),
        invalid.status
    ));
    let again = invalid.edit.expect("reopened with the failures");
    out.push_str(&format!("--- editor reopens ---\n{}", again.text));
    let given_up = s.finish_edit(&again, &again.text);
    out.push_str(&format!(
        "--- saved the same again ---\n{}[exit {}]\n",
        given_up.text(),
        given_up.status
    ));
    let fixed = s.finish_edit(
        &again,
        &req.text.replace("type: NodePort", "type: ClusterIP"),
    );
    out.push_str(&format!(
        "--- saved fixed ---\n{}[exit {}]\n",
        fixed.text(),
        fixed.status
    ));
    // The text given up on is kept where kubectl said.
    line(&mut s, &mut out, "ls /tmp");
    line(&mut s, &mut out, "kubectl get svc web");
    insta::assert_snapshot!(out);
}

#[test]
fn port_forward() {
    let mut s = world(1);
    insta::assert_snapshot!(transcript(
        &mut s,
        &[],
        &[
            "kubectl run solo --image=nginx:1.27 --port=80",
            "kubectl port-forward pod/solo 8080:80 &",
            "curl -s localhost:8080 | head -4",
            "curl -sI http://127.0.0.1:8080",
            "jobs",
            "kill %1",
            "jobs",
            "curl -sS localhost:8080",
            "kubectl port-forward pod/solo 8080:80",
            "kubectl expose pod solo --port=8000 --target-port=80",
            "kubectl port-forward svc/solo 9000:8000 & sleep 1; curl -s -o /dev/null -w '%{http_code}\\n' localhost:9000; kill %1",
            "kubectl port-forward pod/solo 8081:81 & sleep 1; curl -sS localhost:8081; kill %1",
            "kubectl port-forward pod/nope 8080:80",
            "kubectl port-forward svc/solo",
            "kubectl port-forward pod/solo 99999:80",
            "kubectl logs solo",
        ]
    ));
}

#[test]
fn a_tunnel_in_the_trace() {
    let mut s = world(1);
    for l in [
        "kubectl run solo --image=nginx:1.27",
        "kubectl wait --for=condition=Ready pod/solo",
        "kubectl port-forward pod/solo 8080:80 &",
    ] {
        s.pass(NATIVE_STEP_MS);
        s.run(l);
    }
    s.pass(NATIVE_STEP_MS);
    let e = s.run("curl -s -o /dev/null localhost:8080");
    insta::assert_snapshot!(e.trace.expect("curl leaves a trace").to_string());
}

#[test]
fn run_rm_and_busybox_tools() {
    let mut s = world(1);
    insta::assert_snapshot!(transcript(
        &mut s,
        &[],
        &[
            "kubectl create deployment web --image=nginx:1.27 && kubectl expose deployment web --port=80",
            "kubectl run tmp --image=busybox:1.36 --rm -it --restart=Never -- wget -qO- http://web",
            "kubectl get pods",
            "kubectl run tmp --image=busybox:1.36 --rm --restart=Never -- true",
            "kubectl run bb --image=busybox:1.36 -- sleep 3600; kubectl wait --for=condition=Ready pod/bb",
            "kubectl exec bb -- wget -S --spider http://web",
            "kubectl exec bb -- wget -qO- http://web/missing",
            "kubectl exec bb -- wget -T 2 -qO- http://web:81",
            "kubectl exec bb -- wget -O /tmp/page http://web; kubectl exec bb -- wc -c /tmp/page",
            "kubectl exec bb -- wget -qO- -T 1 http://nope.default.svc",
            "kubectl exec bb -- nc -zv web 80",
            "kubectl exec bb -- nc -zv web 81",
            "kubectl exec bb -- nc -zv -w 2 10.96.0.10 53",
            "kubectl exec bb -- cat /etc/hosts",
            "kubectl exec bb -- wget --help 2>&1 | head -3",
            "kubectl run tools --image=nicolaka/netshoot -- sleep infinity; kubectl wait --for=condition=Ready pod/tools",
            "kubectl exec tools -- nc -zv web 80",
            "kubectl exec tools -- nc -zv web 81",
            "kubectl exec -it bb -- sh -c 'wget -qO- http://web | head -1'",
        ]
    ));
}

#[test]
fn node_tools() {
    let mut s = world(1);
    insta::assert_snapshot!(transcript(
        &mut s,
        &[],
        &[
            "kubectl create deployment web --image=nginx:1.27 && kubectl expose deployment web --port=80 --type=NodePort",
            "kubectl rollout status deployment/web",
            "curl -s -o /dev/null -w '%{http_code}\\n' http://192.168.1.2:$(kubectl get svc web -o jsonpath='{.spec.ports[0].nodePort}')",
            "ssh node01",
            "conntrack -L",
            "sudo conntrack -L -p tcp --dport $(kubectl get svc web -o jsonpath='{.spec.ports[0].nodePort}')",
            "curl -s -o /dev/null http://$(kubectl get svc web -o jsonpath='{.spec.clusterIP}'); sudo conntrack -L -d $(kubectl get svc web -o jsonpath='{.spec.clusterIP}')",
            "sudo conntrack -L -p udp",
            "sudo conntrack -D -p tcp --dport 80",
            "sudo conntrack -L -p tcp --dport 80",
            "sudo conntrack -C",
            "sudo conntrack -L --bogus",
            "sudo ss -tlnp",
            "ss -tln",
            "ss -tan | head -3",
            "ip neigh",
            "ip -br addr",
            "ip -br link",
            "ip neigh show dev eth0",
            "exit",
            "ip neigh",
            "sudo conntrack -L",
        ]
    ));
}

#[test]
fn help_and_completion_know_the_new_tools() {
    let mut s = world(1);
    insta::assert_snapshot!(transcript(
        &mut s,
        &[],
        &[
            "help",
            "kubectl --help | grep -E 'logs|wait|rollout|patch|edit|port-forward|events'"
        ]
    ));
}

/// The imperative way a CKA candidate writes Services: `--dry-run=client -o
/// yaml` prints what kubectl would send and sends nothing (the empty
/// fields Go always encodes included); `--dry-run=server` is checked by the
/// API server and stored nowhere; `expose` copies the selector and labels.
#[test]
fn dry_runs_and_expose() {
    let mut s = world(1);
    let out = transcript(
        &mut s,
        &[(
            "web.yaml",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n",
        )],
        &[
            "kubectl create deployment web --image=nginx --replicas=2 --dry-run=client -o yaml",
            "kubectl run client --image=nicolaka/netshoot --dry-run=client -o yaml",
            "kubectl create deployment web --image=nginx --replicas=2",
            "kubectl create service nodeport web-np --tcp=80:80 --node-port=30080 --dry-run=client -o yaml",
            "kubectl expose deployment web --type=NodePort --name=web-ext --port=8080 --target-port=80 --dry-run=client -o yaml > web-ext.yaml",
            "cat web-ext.yaml",
            "kubectl create service clusterip db --tcp=5432 --dry-run=server",
            "kubectl create service nodeport bad --tcp=80:80 --node-port=40000 --dry-run=server",
            "kubectl expose deployment web --port=80 --dry-run=client",
            "kubectl expose deployment web --port=80 --dry-run=later",
            "kubectl get svc",
            "kubectl expose deployment web --port=80 -o name",
            "kubectl get svc web --show-labels",
            "kubectl expose deployment web --port=80 --name=web-l --labels=tier=edge,team=blue",
            "kubectl expose deployment web --port=80 --name=web-bad --labels=tier",
            "kubectl get svc web-l --show-labels",
            "kubectl create service clusterip db --clusterip=None --tcp=5432",
            "kubectl get svc db",
            "kubectl apply -f web.yaml",
            "kubectl apply -f web.yaml",
        ],
    );
    insta::assert_snapshot!(out);
}

/// `kubectl exec` into a workload or a Service picks one of its pods; `-c`
/// names a container (a pod of two says which it defaulted to); a pod's
/// `nodeSelector` decides its node (one that matches no node stays Pending).
#[test]
fn exec_targets_and_node_selectors() {
    let mut s = world(2);
    let two = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: two\nspec:\n  nodeSelector:\n    kubernetes.io/hostname: node01\n  containers:\n  - name: web\n    image: nginx\n  - name: tools\n    image: nicolaka/netshoot\n    command: [\"sleep\", \"infinity\"]\n";
    let nowhere = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: nowhere\nspec:\n  nodeSelector:\n    disk: ssd\n  containers:\n  - name: web\n    image: nginx\n";
    let out = transcript(
        &mut s,
        &[("two.yaml", two), ("nowhere.yaml", nowhere)],
        &[
            "kubectl create deployment be --image=nginx --replicas=2",
            "kubectl expose deployment be --port=80",
            "kubectl apply -f two.yaml -f nowhere.yaml",
            "kubectl wait --for=condition=Ready pod/two",
            "kubectl get pods -o wide",
            "kubectl exec deploy/be -- hostname",
            "kubectl exec svc/be -- hostname",
            "kubectl exec svc/kubernetes -- hostname",
            "kubectl exec deploy/nope -- hostname",
            "kubectl exec two -- hostname",
            "kubectl exec two -c tools -- hostname",
            "kubectl exec two -c nope -- hostname",
            "kubectl describe pod nowhere | grep -A1 Node-Selectors",
            "kubectl get events --field-selector reason=FailedScheduling",
            "kubectl get nodes --show-labels",
        ],
    );
    insta::assert_snapshot!(out);
}
