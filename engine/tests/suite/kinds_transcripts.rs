//! Golden transcripts of the object kinds beyond Pods, Services and
//! Deployments: what kubectl prints for Endpoints and EndpointSlices (the
//! controllers' and hand-written ones), StatefulSets, ReplicaSets,
//! DaemonSets, ConfigMaps and Secrets, `kubectl api-resources`, and the
//! message for a kind Kubernetes has that the simulator does not.

use crate::support::{transcript, world};

const ROUTER: &str = "apiVersion: v1
kind: Service
metadata:
  name: router
spec:
  ports:
  - name: http
    port: 80
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: router-1
  labels:
    kubernetes.io/service-name: router
addressType: IPv4
ports:
- name: http
  port: 80
  protocol: TCP
endpoints:
- addresses:
  - 192.168.1.1
";

#[test]
fn a_selectorless_service_with_a_hand_written_slice() {
    let mut s = world(1);
    insta::assert_snapshot!(transcript(
        &mut s,
        &[("router.yaml", ROUTER)],
        &[
            "kubectl apply -f router.yaml",
            "kubectl get endpointslices",
            "kubectl get endpoints",
            "kubectl describe endpointslice router-1",
            "kubectl describe svc router",
            "kubectl get endpointslice router-1 -o yaml",
            "kubectl exec myapp-pod -- curl -s http://router",
        ]
    ));
}

const LEGACY: &str = "apiVersion: v1
kind: Service
metadata:
  name: legacy
spec:
  ports:
  - port: 8080
    targetPort: 80
---
apiVersion: v1
kind: Endpoints
metadata:
  name: legacy
subsets:
- addresses:
  - ip: 192.168.1.1
  ports:
  - port: 80
";

#[test]
fn hand_written_endpoints_are_mirrored_into_a_slice() {
    let mut s = world(1);
    insta::assert_snapshot!(transcript(
        &mut s,
        &[("legacy.yaml", LEGACY)],
        &[
            "kubectl apply -f legacy.yaml",
            "kubectl get endpoints legacy",
            "kubectl describe endpoints legacy",
            "kubectl get endpointslices -l kubernetes.io/service-name=legacy -o yaml",
        ]
    ));
}

const OWNED: &str = "apiVersion: v1
kind: Endpoints
metadata:
  name: myapp-service
subsets:
- addresses:
  - ip: 10.9.9.9
  ports:
  - port: 80
";

#[test]
fn a_service_with_a_selector_overwrites_your_endpoints() {
    let mut s = world(1);
    insta::assert_snapshot!(transcript(
        &mut s,
        &[("owned.yaml", OWNED)],
        &[
            "kubectl expose pod myapp-pod --name=myapp-service --port=80",
            "kubectl get endpoints myapp-service",
            "kubectl apply -f owned.yaml",
            "kubectl get endpoints myapp-service",
            "kubectl get endpointslices -l kubernetes.io/service-name=myapp-service",
            "kubectl describe endpointslices -l kubernetes.io/service-name=myapp-service",
        ]
    ));
}

const WEB: &str = "apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  clusterIP: None
  selector:
    app: web
  ports:
  - name: http
    port: 80
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: web
  replicas: 3
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
        ports:
        - name: http
          containerPort: 80
";

#[test]
fn a_statefulset_and_its_headless_service() {
    let mut s = world(2);
    insta::assert_snapshot!(transcript(
        &mut s,
        &[("web.yaml", WEB)],
        &[
            "kubectl apply -f web.yaml",
            "kubectl get statefulsets",
            "kubectl get sts -o wide",
            "kubectl get pods -l app=web -o wide",
            "kubectl get svc web",
            "kubectl get endpoints web",
            "kubectl describe statefulset web",
            "kubectl scale sts web --replicas=1",
            "kubectl get pods -l app=web",
        ]
    ));
}

const RS_AND_DS: &str = "apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: front
spec:
  replicas: 2
  selector:
    matchLabels:
      tier: front
  template:
    metadata:
      labels:
        tier: front
    spec:
      containers:
      - name: nginx
        image: nginx
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels:
      app: agent
  template:
    metadata:
      labels:
        app: agent
    spec:
      containers:
      - name: agent
        image: busybox
        command: [\"sleep\", \"3600\"]
";

#[test]
fn a_replicaset_and_a_daemonset() {
    let mut s = world(2);
    insta::assert_snapshot!(transcript(
        &mut s,
        &[("rs.yaml", RS_AND_DS)],
        &[
            "kubectl apply -f rs.yaml",
            "kubectl get rs",
            "kubectl get rs -o wide",
            "kubectl get ds",
            "kubectl get ds -o wide",
            "kubectl get pods -o wide",
            "kubectl describe rs front",
            "kubectl describe ds agent",
            "kubectl delete rs front",
            "kubectl get pods",
        ]
    ));
}

const CONFIG: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  color: blue
  nginx.conf: |
    server {
      listen 80;
    }
---
apiVersion: v1
kind: Secret
metadata:
  name: db
type: Opaque
stringData:
  user: admin
data:
  password: czNjcjN0
";

#[test]
fn configmaps_and_secrets() {
    let mut s = world(1);
    insta::assert_snapshot!(transcript(
        &mut s,
        &[("config.yaml", CONFIG)],
        &[
            "kubectl apply -f config.yaml",
            "kubectl create configmap flags --from-literal=debug=true --from-literal=level=3",
            "kubectl create secret generic token --from-literal=token=abc123",
            "kubectl get configmaps",
            "kubectl get secrets",
            "kubectl describe configmap settings",
            "kubectl describe secret db",
            "kubectl get secret db -o yaml",
            "kubectl get cm flags -o jsonpath='{.data.level}'",
            "kubectl create configmap bad --from-literal=novalue",
            "kubectl delete cm flags",
        ]
    ));
}

#[test]
fn api_resources_and_what_is_not_simulated() {
    let mut s = world(1);
    insta::assert_snapshot!(transcript(
        &mut s,
        &[(
            "job.yaml",
            "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: web\nspec: {}\n",
        )],
        &[
            "kubectl api-resources",
            "kubectl api-resources --namespaced=false",
            "kubectl api-resources --api-group=apps -o name",
            "kubectl get jobs",
            "kubectl get networkpolicies",
            "kubectl get widgets",
            "kubectl apply -f job.yaml",
        ]
    ));
}
