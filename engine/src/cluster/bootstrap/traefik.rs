//! What `WorldOptions::gateway` installs after kubeadm: the Gateway API's
//! CRDs (standard channel: the cluster then serves GatewayClass, Gateway,
//! HTTPRoute and ReferenceGrant) and Traefik, as
//! `helm install traefik traefik/traefik -n traefik --create-namespace
//! --set providers.kubernetesGateway.enabled=true` leaves it: the `traefik`
//! namespace, the `traefik` Deployment (one pod that is both the
//! controller, which writes the Gateway API objects' status, and the data
//! plane, which proxies HTTP), its LoadBalancer Service (80 → the `web`
//! entryPoint on 8000, 443 → `websecure` on 8443), the `traefik`
//! GatewayClass and the chart's default Gateway `traefik-gateway`.
//!
//! Why Traefik: one maintained implementation that serves both the
//! Gateway API and Ingress from the same proxy, and whose `whoami` image
//! the course already uses to show what a server receives. The pod's
//! readiness probe (`/ping` on 8080) is left out, as the static pods' are.

use super::super::object::Object;
use super::super::{Cluster, CLUSTER_AGE_MS};

/// The controller name Traefik's Gateway provider answers for.
pub const CONTROLLER_NAME: &str = "traefik.io/gateway-controller";

/// The controller an IngressClass names for Traefik's Ingress provider.
pub const INGRESS_CONTROLLER: &str = "traefik.io/ingress-controller";

/// The entryPoints of the chart's static configuration: name and port.
/// A Gateway listener must use one of these ports (Traefik matches a
/// listener to the entryPoint on its port).
pub const ENTRY_POINTS: &[(&str, u16)] = &[
    ("metrics", 9100),
    ("traefik", 8080),
    ("web", 8000),
    ("websecure", 8443),
];

const MANIFEST: &str = "apiVersion: v1
kind: Namespace
metadata:
  name: traefik
---
apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    app.kubernetes.io/instance: traefik-traefik
    app.kubernetes.io/managed-by: Helm
    app.kubernetes.io/name: traefik
  name: traefik
  namespace: traefik
spec:
  replicas: 1
  selector:
    matchLabels:
      app.kubernetes.io/instance: traefik-traefik
      app.kubernetes.io/name: traefik
  template:
    metadata:
      labels:
        app.kubernetes.io/instance: traefik-traefik
        app.kubernetes.io/managed-by: Helm
        app.kubernetes.io/name: traefik
    spec:
      containers:
      - args:
        - --entryPoints.metrics.address=:9100/tcp
        - --entryPoints.traefik.address=:8080/tcp
        - --entryPoints.web.address=:8000/tcp
        - --entryPoints.websecure.address=:8443/tcp
        - --api.dashboard=true
        - --ping=true
        - --metrics.prometheus=true
        - --metrics.prometheus.entrypoint=metrics
        - --providers.kubernetescrd
        - --providers.kubernetesingress
        - --providers.kubernetesgateway
        - --providers.kubernetesgateway.statusaddress.service.name=traefik
        - --providers.kubernetesgateway.statusaddress.service.namespace=traefik
        - --entryPoints.websecure.http.tls=true
        - --log.level=INFO
        image: docker.io/traefik:v3.6.2
        imagePullPolicy: IfNotPresent
        name: traefik
        ports:
        - containerPort: 9100
          name: metrics
          protocol: TCP
        - containerPort: 8080
          name: traefik
          protocol: TCP
        - containerPort: 8000
          name: web
          protocol: TCP
        - containerPort: 8443
          name: websecure
          protocol: TCP
      serviceAccountName: traefik
---
apiVersion: v1
kind: Service
metadata:
  labels:
    app.kubernetes.io/instance: traefik-traefik
    app.kubernetes.io/managed-by: Helm
    app.kubernetes.io/name: traefik
  name: traefik
  namespace: traefik
spec:
  type: LoadBalancer
  selector:
    app.kubernetes.io/instance: traefik-traefik
    app.kubernetes.io/name: traefik
  ports:
  - name: web
    port: 80
    protocol: TCP
    targetPort: web
  - name: websecure
    port: 443
    protocol: TCP
    targetPort: websecure
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  annotations:
    ingressclass.kubernetes.io/is-default-class: \"true\"
  labels:
    app.kubernetes.io/instance: traefik-traefik
    app.kubernetes.io/managed-by: Helm
    app.kubernetes.io/name: traefik
  name: traefik
spec:
  controller: traefik.io/ingress-controller
---
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata:
  labels:
    app.kubernetes.io/instance: traefik-traefik
    app.kubernetes.io/managed-by: Helm
    app.kubernetes.io/name: traefik
  name: traefik
spec:
  controllerName: traefik.io/gateway-controller
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  labels:
    app.kubernetes.io/instance: traefik-traefik
    app.kubernetes.io/managed-by: Helm
    app.kubernetes.io/name: traefik
  name: traefik-gateway
  namespace: traefik
spec:
  gatewayClassName: traefik
  listeners:
  - name: web
    port: 8000
    protocol: HTTP
";

/// Installs the CRDs and the chart's objects (through the API server, as
/// Helm does: the Service gets its ClusterIP and node ports).
pub(crate) fn install(c: &mut Cluster) {
    c.gateway_api = true;
    let Ok(docs) = crate::cluster::manifest::parse(MANIFEST) else {
        return;
    };
    for doc in docs {
        if let Ok(obj) = doc.result {
            let obj: Object = obj;
            // The chart's objects are valid; a failure here would be a bug
            // in the manifest above, caught by the tests.
            let _ = c.create(obj, CLUSTER_AGE_MS);
        }
    }
}
