//! Golden transcripts of the Gateway API and Ingress as Traefik serves them
//! (`WorldOptions::gateway`): what its Helm chart installed, the CRDs'
//! printer columns, kubectl's generic describer for a custom resource,
//! describeIngressV1, a route with its status, what curl -v shows of
//! Traefik's answers, and the CRD schema's and the API server's refusals.

use servicelab_engine::WorldOptions;

use crate::support::{transcript, world_with};

const SHOP: &str = "apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: shop
spec:
  gatewayClassName: traefik
  listeners:
  - name: web
    port: 8000
    protocol: HTTP
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: shop
spec:
  parentRefs:
  - name: shop
  hostnames: [shop.example.com]
  rules:
  - matches:
    - path: {type: PathPrefix, value: /api}
    backendRefs:
    - {name: api, port: 80}
";

const INGRESS: &str = "apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: old
spec:
  rules:
  - host: old.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: api
            port:
              number: 80
";

const BAD: &str = "apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: bad
spec:
  parentRefs:
  - name: shop
  hostnames: [Shop.Example.com]
  rules:
  - matches:
    - path: {type: Prefix, value: api}
    backendRefs:
    - {name: api}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: bad
spec:
  rules:
  - http:
      paths:
      - path: /
        backend:
          service:
            name: api
            port:
              number: 80
";

#[test]
fn traefik_the_gateway_api_and_ingress() {
    let mut s = world_with(WorldOptions {
        gateway: true,
        ..WorldOptions::default()
    });
    insta::assert_snapshot!(transcript(
        &mut s,
        &[("shop.yaml", SHOP), ("ingress.yaml", INGRESS), ("bad.yaml", BAD)],
        &[
            "kubectl get deploy,svc -n traefik",
            "kubectl get gatewayclass,ingressclass",
            "kubectl api-resources --api-group=gateway.networking.k8s.io",
            "kubectl create deployment api --image=hashicorp/http-echo -- /http-echo -text=api -listen=:80",
            "kubectl expose deployment api --port=80",
            "kubectl rollout status deployment/api",
            "kubectl apply -f shop.yaml -f ingress.yaml",
            "kubectl get gateway,httproute,ingress",
            "kubectl describe httproute shop",
            "kubectl describe ingress old",
            "curl -sv -H 'Host: shop.example.com' http://192.168.1.2:$(kubectl get svc -n traefik traefik -o jsonpath='{.spec.ports[0].nodePort}')/api/v1",
            "curl -s -H 'Host: old.example.com' http://192.168.1.2:$(kubectl get svc -n traefik traefik -o jsonpath='{.spec.ports[0].nodePort}')/",
            "curl -si http://192.168.1.2:$(kubectl get svc -n traefik traefik -o jsonpath='{.spec.ports[0].nodePort}')/api",
            "kubectl apply -f bad.yaml",
        ],
    ));
}
