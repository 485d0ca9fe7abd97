//! The Gateway API on the data path, through the Session a student types
//! into: Traefik (installed by `WorldOptions::gateway`) writes each
//! object's status, routes by host, path and header, splits by weight, and
//! proxies over a connection of its own, which the journey shows.

use servicelab_engine::{Session, WorldOptions};

use crate::support::{apply, ok, run, world_with, NATIVE_STEP_MS};

fn gateway_world(cloud: bool) -> Session {
    world_with(WorldOptions {
        nodes: 2,
        cloud,
        gateway: true,
        ..WorldOptions::default()
    })
}

const GATEWAY: &str = "apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: shop
spec:
  gatewayClassName: traefik
  listeners:
  - name: web
    port: 8000
    protocol: HTTP
";

/// Two apps: `web` (whoami, two pods) and `api` (http-echo saying `api`),
/// each behind a Service on port 80.
fn apps(s: &mut Session) {
    ok(
        s,
        "kubectl create deployment web --image=traefik/whoami --replicas=2",
    );
    ok(s, "kubectl expose deployment web --port=80");
    ok(s, "kubectl create deployment api --image=hashicorp/http-echo -- /http-echo -text=api -listen=:80");
    ok(s, "kubectl expose deployment api --port=80");
    ok(s, "kubectl rollout status deployment/web");
    ok(s, "kubectl rollout status deployment/api");
}

/// `curl` from the laptop to Traefik's node port with this Host header.
fn via_node_port(s: &mut Session, host: &str, path: &str) -> (i32, String) {
    let port = ok(
        s,
        "kubectl get svc -n traefik traefik -o jsonpath='{.spec.ports[0].nodePort}'",
    );
    s.pass(NATIVE_STEP_MS);
    run(
        s,
        &format!("curl -s -H 'Host: {host}' http://192.168.1.2:{port}{path}"),
    )
}

#[test]
fn without_the_option_the_gateway_api_is_not_served() {
    let mut s = world_with(WorldOptions::default());
    let (code, out) = run(&mut s, "kubectl get gateways");
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "error: the server doesn't have a resource type \"gateways\"\n"
    );
    let (code, out) = run(
        &mut s,
        &format!("cat <<EOF | kubectl apply -f -\n{GATEWAY}EOF"),
    );
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "error: resource mapping not found for name: \"shop\" namespace: \"\" from \"STDIN\": no matches for kind \"Gateway\" in version \"gateway.networking.k8s.io/v1\"\nensure CRDs are installed first\n"
    );
}

#[test]
fn traefik_accepts_its_class_and_programs_a_gateway_without_an_address_on_bare_metal() {
    let mut s = gateway_world(false);
    assert_eq!(
        ok(&mut s, "kubectl get gatewayclass"),
        "NAME      CONTROLLER                      ACCEPTED   AGE\ntraefik   traefik.io/gateway-controller   True       10d\n"
    );
    apply(&mut s, GATEWAY);
    let out = ok(&mut s, "kubectl get gateway shop");
    assert!(
        out.starts_with(
            "NAME   CLASS     ADDRESS   PROGRAMMED   AGE\nshop   traefik             True "
        ),
        "{out}"
    );
    let svc = ok(&mut s, "kubectl get svc -n traefik traefik");
    assert!(svc.contains("<pending>"), "{svc}");
}

#[test]
fn on_a_cloud_the_gateways_address_is_traefiks_load_balancer() {
    let mut s = gateway_world(true);
    apply(&mut s, GATEWAY);
    s.pass(60_000);
    let lb = ok(
        &mut s,
        "kubectl get svc -n traefik traefik -o jsonpath='{.status.loadBalancer.ingress[0].ip}'",
    );
    assert!(!lb.is_empty());
    let addr = ok(
        &mut s,
        "kubectl get gateway shop -o jsonpath='{.status.addresses[0].value}'",
    );
    assert_eq!(addr, lb);
    apps(&mut s);
    apply(
        &mut s,
        "apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: api
spec:
  parentRefs: [{name: shop}]
  hostnames: [api.example.com]
  rules:
  - backendRefs: [{name: api, port: 80}]
",
    );
    s.pass(NATIVE_STEP_MS);
    let (code, out) = run(
        &mut s,
        &format!("curl -s -H 'Host: api.example.com' http://{lb}/"),
    );
    assert_eq!((code, out.as_str()), (0, "api\n"));
}

#[test]
fn a_listener_on_a_port_traefik_has_no_entry_point_for_is_not_accepted() {
    let mut s = gateway_world(false);
    apply(&mut s, &GATEWAY.replace("port: 8000", "port: 80"));
    let out = ok(
        &mut s,
        "kubectl get gateway shop -o jsonpath='{.status.conditions[0].reason} {.status.listeners[0].conditions[0].message}'",
    );
    assert_eq!(
        out,
        "ListenersNotValid Cannot find entryPoint for Gateway: no matching entryPoint for port 80 and protocol \"HTTP\""
    );
}

#[test]
fn routes_choose_by_host_and_path_and_an_unknown_host_gets_traefiks_404() {
    let mut s = gateway_world(false);
    apps(&mut s);
    apply(&mut s, GATEWAY);
    apply(
        &mut s,
        "apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: shop
spec:
  parentRefs: [{name: shop}]
  hostnames: [shop.example.com]
  rules:
  - matches: [{path: {type: PathPrefix, value: /api}}]
    backendRefs: [{name: api, port: 80}]
  - backendRefs: [{name: web, port: 80}]
",
    );
    assert_eq!(
        ok(&mut s, "kubectl get httproute"),
        format!(
            "NAME   HOSTNAMES              AGE\nshop   [\"shop.example.com\"]   {}s\n",
            NATIVE_STEP_MS / 1000
        )
    );
    let (_, api) = via_node_port(&mut s, "shop.example.com", "/api/items");
    assert_eq!(api, "api\n");
    let (_, apix) = via_node_port(&mut s, "shop.example.com", "/apix");
    assert!(apix.starts_with("Hostname: web-"), "{apix}");
    // whoami shows what Traefik added on its own connection.
    assert!(
        apix.contains("\nX-Forwarded-Host: shop.example.com\n"),
        "{apix}"
    );
    assert!(apix.contains("\nX-Forwarded-Server: traefik-"), "{apix}");
    let (code, other) = via_node_port(&mut s, "other.example.com", "/");
    assert_eq!((code, other.as_str()), (0, "404 page not found\n"));
    let status = ok(
        &mut s,
        "kubectl get httproute shop -o jsonpath='{.status.parents[0].conditions[*].reason}'",
    );
    assert_eq!(status, "Accepted ResolvedRefs");
}

#[test]
fn weights_split_requests_as_traefiks_weighted_round_robin_does() {
    let mut s = gateway_world(false);
    apps(&mut s);
    apply(&mut s, GATEWAY);
    apply(
        &mut s,
        "apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: split
spec:
  parentRefs: [{name: shop}]
  rules:
  - backendRefs:
    - {name: web, port: 80, weight: 80}
    - {name: api, port: 80, weight: 20}
",
    );
    let mut api = 0;
    for _ in 0..20 {
        let (_, out) = via_node_port(&mut s, "any.example.com", "/");
        api += usize::from(out == "api\n");
    }
    assert_eq!(api, 4, "20% of 20 requests");
}

#[test]
fn a_missing_backend_is_reported_in_the_routes_status_and_answered_with_500() {
    let mut s = gateway_world(false);
    apply(&mut s, GATEWAY);
    apply(
        &mut s,
        "apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: gone
spec:
  parentRefs: [{name: shop}]
  rules:
  - backendRefs: [{name: nothing, port: 80}]
",
    );
    let msg = ok(
        &mut s,
        "kubectl get httproute gone -o jsonpath='{.status.parents[0].conditions[1].message}'",
    );
    assert_eq!(
        msg,
        "Cannot load HTTPBackendRef default/nothing: getting service: service \"nothing\" not found"
    );
    let port = ok(
        &mut s,
        "kubectl get svc -n traefik traefik -o jsonpath='{.spec.ports[0].nodePort}'",
    );
    let (_, code) = run(
        &mut s,
        &format!("curl -s -o /dev/null -w '%{{http_code}}' http://192.168.1.2:{port}/"),
    );
    assert_eq!(code, "500");
}

#[test]
fn the_journey_shows_traefiks_own_connection_to_the_pod() {
    let mut s = gateway_world(false);
    apps(&mut s);
    apply(&mut s, GATEWAY);
    apply(
        &mut s,
        "apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: api
spec:
  parentRefs: [{name: shop}]
  rules:
  - backendRefs: [{name: api, port: 80}]
",
    );
    let port = ok(
        &mut s,
        "kubectl get svc -n traefik traefik -o jsonpath='{.spec.ports[0].nodePort}'",
    );
    s.pass(NATIVE_STEP_MS);
    let e = s.run(&format!("curl -s http://192.168.1.2:{port}/"));
    let trace = e.trace.clone().expect("a traced request");
    let story = s.story(&trace);
    // The hop where the client's connection ends leads with the proxy.
    let at = story
        .hops
        .iter()
        .position(|h| {
            h.delivered
                .as_deref()
                .is_some_and(|d| d.starts_with("traefik accepted it and, as an HTTP proxy"))
        })
        .expect("a hop where traefik proxies");
    let delivered = story.hops[at].delivered.clone().unwrap_or_default();
    assert!(delivered.contains("rule PathPrefix(\"/\")"), "{delivered}");
    assert!(delivered.contains("to default/api:80"), "{delivered}");
    let added = format!("{:?}", story.hops[at].flow);
    assert!(added.contains("X-Forwarded-For"), "{added}");
    // The next hop is the proxy's own connection.
    assert!(
        story.hops[at + 1]
            .arrival
            .starts_with("sent by traefik on its own connection"),
        "{}",
        story.hops[at + 1].arrival
    );
    match &story.ending {
        servicelab_engine::explain::Ending::Answered { host, sentence } => {
            assert!(host.starts_with("api-"), "{host}");
            assert!(
                sentence.contains("answered traefik on traefik-"),
                "{sentence}"
            );
        }
        other => panic!("{other:?}"),
    }
    // The path goes from the laptop to Traefik's pod, then from it to api's.
    let path = trace.path();
    let traefik = path
        .iter()
        .position(|h| h.starts_with("traefik-"))
        .expect("traefik");
    let api = path
        .iter()
        .position(|h| h.starts_with("api-"))
        .expect("api");
    assert!(traefik < api, "{path:?}");
}

const INGRESS: &str = "apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
spec:
  rules:
  - host: shop.example.com
    http:
      paths:
      - path: /api
        pathType: Prefix
        backend:
          service:
            name: api
            port:
              number: 80
      - path: /
        pathType: Prefix
        backend:
          service:
            name: web
            port:
              number: 80
";

#[test]
fn traefik_serves_an_ingress_of_its_default_class_with_its_own_prefix_matching() {
    let mut s = gateway_world(true);
    apps(&mut s);
    apply(&mut s, INGRESS);
    // The DefaultIngressClass admission plugin gave it Traefik's class.
    assert_eq!(
        ok(
            &mut s,
            "kubectl get ingress shop -o jsonpath='{.spec.ingressClassName}'"
        ),
        "traefik"
    );
    let lb = ok(
        &mut s,
        "kubectl get svc -n traefik traefik -o jsonpath='{.status.loadBalancer.ingress[0].ip}'",
    );
    let listed = ok(&mut s, "kubectl get ingress");
    assert!(
        listed.starts_with(&format!(
            "NAME   CLASS     HOSTS              ADDRESS         PORTS   AGE\nshop   traefik   shop.example.com   {lb}   80 "
        )),
        "{listed}"
    );
    let get = |s: &mut Session, path: &str| {
        s.pass(NATIVE_STEP_MS);
        run(
            s,
            &format!("curl -s -H 'Host: shop.example.com' http://{lb}{path}"),
        )
        .1
    };
    assert_eq!(get(&mut s, "/api/x"), "api\n");
    // Traefik's Ingress provider writes a Prefix path as its own
    // character-wise PathPrefix: /apis is under /api (unlike an HTTPRoute).
    assert_eq!(get(&mut s, "/apis"), "api\n");
    assert!(get(&mut s, "/").starts_with("Hostname: web-"));
    s.pass(NATIVE_STEP_MS);
    let (_, other) = run(&mut s, &format!("curl -s http://{lb}/"));
    assert_eq!(other, "404 page not found\n");
    let described = ok(&mut s, "kubectl describe ingress shop");
    assert!(
        described.contains("Ingress Class:    traefik\n"),
        "{described}"
    );
    assert!(
        described.contains("                    /api   api:80 ("),
        "{described}"
    );
}

#[test]
fn without_traefik_an_ingress_is_stored_and_nothing_serves_it() {
    let mut s = world_with(WorldOptions::default());
    apply(&mut s, INGRESS);
    let listed = ok(&mut s, "kubectl get ingress");
    assert!(
        listed.starts_with("NAME   CLASS    HOSTS              ADDRESS   PORTS   AGE\nshop   <none>   shop.example.com             80 "),
        "{listed}"
    );
}

#[test]
fn the_journey_of_a_request_no_route_matches_says_so() {
    let mut s = gateway_world(false);
    apply(&mut s, GATEWAY);
    let port = ok(
        &mut s,
        "kubectl get svc -n traefik traefik -o jsonpath='{.spec.ports[0].nodePort}'",
    );
    s.pass(NATIVE_STEP_MS);
    let e = s.run(&format!(
        "curl -s -H 'Host: nowhere.example.com' http://192.168.1.2:{port}/x"
    ));
    let story = s.story(e.trace.as_ref().expect("a traced request"));
    let said: Vec<String> = story
        .hops
        .iter()
        .filter_map(|h| h.delivered.clone())
        .collect();
    assert!(
        said.iter().any(|d| d
            == "traefik accepted it and answered itself: no router matched Host nowhere.example.com and path /x, so it answered 404 page not found"),
        "{said:?}"
    );
}

#[test]
fn filters_redirect_and_change_headers_and_resolve_reaches_the_route() {
    let mut s = gateway_world(false);
    apps(&mut s);
    apply(&mut s, GATEWAY);
    apply(
        &mut s,
        "apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: shop
spec:
  parentRefs: [{name: shop}]
  hostnames: [shop.example.com]
  rules:
  - matches: [{path: {type: PathPrefix, value: /old}}]
    filters:
    - type: RequestRedirect
      requestRedirect: {hostname: new.example.com, statusCode: 301}
  - filters:
    - type: RequestHeaderModifier
      requestHeaderModifier:
        set: [{name: X-Env, value: test}]
        remove: [User-Agent]
    backendRefs: [{name: web, port: 80}]
",
    );
    let port = ok(
        &mut s,
        "kubectl get svc -n traefik traefik -o jsonpath='{.spec.ports[0].nodePort}'",
    );
    s.pass(NATIVE_STEP_MS);
    let (_, moved) = run(
        &mut s,
        &format!("curl -si --resolve shop.example.com:{port}:192.168.1.2 http://shop.example.com:{port}/old/page"),
    );
    assert!(
        moved.starts_with(
            "HTTP/1.1 301 Moved Permanently\r\nLocation: http://new.example.com/old/page\r\n"
        ) || moved.starts_with(
            "HTTP/1.1 301 Moved Permanently\nLocation: http://new.example.com/old/page\n"
        ),
        "{moved}"
    );
    s.pass(NATIVE_STEP_MS);
    let (_, echoed) = run(
        &mut s,
        &format!(
            "curl -s --resolve shop.example.com:{port}:192.168.1.2 http://shop.example.com:{port}/"
        ),
    );
    assert!(echoed.contains("\nX-Env: test\n"), "{echoed}");
    // Traefik sent no User-Agent, and Go's Request.Write (whoami's echo)
    // writes its default in its place.
    assert!(
        echoed.contains("\nUser-Agent: Go-http-client/1.1\n"),
        "{echoed}"
    );
    // The Host header keeps the port curl sent, and Traefik says so.
    assert!(
        echoed.contains(&format!("\nX-Forwarded-Port: {port}\n")),
        "{echoed}"
    );
}

#[test]
fn a_backend_in_another_namespace_needs_a_reference_grant() {
    let mut s = gateway_world(false);
    ok(&mut s, "kubectl create namespace shop");
    ok(&mut s, "kubectl create deployment api -n shop --image=hashicorp/http-echo -- /http-echo -text=shop-api -listen=:80");
    ok(&mut s, "kubectl expose deployment api -n shop --port=80");
    ok(&mut s, "kubectl rollout status deployment/api -n shop");
    apply(&mut s, GATEWAY);
    apply(
        &mut s,
        "apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: cross
spec:
  parentRefs: [{name: shop}]
  rules:
  - backendRefs: [{name: api, namespace: shop, port: 80}]
",
    );
    let why = ok(
        &mut s,
        "kubectl get httproute cross -o jsonpath='{.status.parents[0].conditions[1].reason}: {.status.parents[0].conditions[1].message}'",
    );
    assert_eq!(
        why,
        "RefNotPermitted: Cannot load HTTPBackendRef core/Service/shop/api: missing ReferenceGrant"
    );
    let (_, before) = via_node_port(&mut s, "any", "/");
    assert_eq!(before, "");
    apply(
        &mut s,
        "apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata:
  name: from-default
  namespace: shop
spec:
  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: default}]
  to: [{group: \"\", kind: Service}]
",
    );
    let (_, after) = via_node_port(&mut s, "any", "/");
    assert_eq!(after, "shop-api\n");
}
