//! Traefik's data plane: a request that reached its `web` entryPoint is
//! matched against its routers (`cluster::traefik`), a backend is
//! chosen by weight and a server (a pod) in turn, and Traefik opens a
//! connection of its own from its pod to that pod, over the simulated
//! network, and sends the request on with its `X-Forwarded-*` headers. No
//! router: Go's `404 page not found`. A backend it could not load: 500; no
//! ready server: 503 `no available server`; a server that does not answer:
//! 502 or 504, as Traefik's error handler says.

use super::World;
use crate::apps::{traefik_error, HttpRequest, HttpResponse};
use crate::cluster::traefik::{self, Backend, Router};
use crate::map::Map;
use crate::net::{ConnectOutcome, HostId, Trace};
use crate::rng::SimRng;
use crate::time::{http_date, Millis};
use std::net::SocketAddrV4;

/// Each router's EDF schedule (its backends' weights, their deadlines and
/// the current deadline) and each service's round-robin position.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Balancers {
    schedules: Map<String, (Vec<u32>, Vec<f64>, f64)>,
    next_server: Map<String, usize>,
}

impl Balancers {
    /// `wrr.Balancer.nextServer`: the backend with the earliest deadline,
    /// whose deadline then moves on by 1/weight (ties: the first listed).
    fn pick(&mut self, router: &Router) -> Option<usize> {
        let weights: Vec<u32> = router.backends.iter().map(|b| b.weight).collect();
        let entry = self
            .schedules
            .entry(router.name.clone())
            .or_insert_with(|| (vec![], vec![], 0.0));
        if entry.0 != weights {
            // A new configuration: Traefik builds a new balancer.
            let deadlines = weights
                .iter()
                .map(|w| {
                    if *w == 0 {
                        f64::INFINITY
                    } else {
                        1.0 / f64::from(*w)
                    }
                })
                .collect();
            *entry = (weights.clone(), deadlines, 0.0);
        }
        let (ws, deadlines, cur) = entry;
        let i = (0..ws.len())
            .filter(|i| ws[*i] > 0)
            .min_by(|a, b| deadlines[*a].total_cmp(&deadlines[*b]).then(a.cmp(b)))?;
        *cur = deadlines[i];
        deadlines[i] += 1.0 / f64::from(ws[i]);
        Some(i)
    }

    fn server(&mut self, key: String, servers: &[SocketAddrV4]) -> SocketAddrV4 {
        let n = self.next_server.entry(key).or_insert(0);
        let s = servers[*n % servers.len()];
        *n = (*n + 1) % servers.len();
        s
    }
}

/// Traefik's own connection to the backend pod it chose.
#[derive(Debug, Clone)]
pub struct ProxyLeg {
    pub router: String,
    pub rule: String,
    /// `default/web:80`, the backendRef.
    pub backend: String,
    /// Traefik's end of its connection.
    pub local: SocketAddrV4,
    pub server: SocketAddrV4,
    /// The request as Traefik sent it on.
    pub request: HttpRequest,
    pub trace: Trace,
    pub rtt_us: u64,
}

/// What Traefik answered, and its own connection when it made one.
#[derive(Debug, Clone)]
pub struct Proxied {
    pub response: HttpResponse,
    pub leg: Option<ProxyLeg>,
    /// Why Traefik answered itself, when it did, in words.
    pub why: Option<String>,
}

impl World {
    /// Traefik, on `host`, answers `req` from `client` (the address it sees
    /// the connection come from).
    pub fn proxy_http(
        &mut self,
        host: HostId,
        req: &HttpRequest,
        client: SocketAddrV4,
        now: Millis,
        rng: &mut SimRng,
    ) -> Proxied {
        let date = http_date(
            crate::time::DateTime::at(now)
                .unix
                .max(crate::time::EPOCH_UNIX),
        );
        let answer = |response, why: String| Proxied {
            response,
            leg: None,
            why: Some(why),
        };
        let reading = traefik::read(&self.cluster);
        self.cluster.spend(reading.work);
        let header = |k: &str| req.header(k).map(str::to_string);
        let Some(router) = reading
            .routers
            .into_iter()
            .filter(|r| r.entry_point == "web")
            .find(|r| traefik::matches(r, &req.host_header, &req.path, &req.method, &header))
        else {
            let host = traefik::host_without_port(&req.host_header);
            return answer(
                traefik_error(404, "Not Found", "404 page not found\n", &date),
                format!(
                    "no router matched Host {host} and path {}, so it answered 404 page not found",
                    req.path
                ),
            );
        };
        if let Some(r) = &router.redirect {
            let host = r
                .hostname
                .clone()
                .unwrap_or_else(|| traefik::host_without_port(&req.host_header).to_string());
            let scheme = r.scheme.clone().unwrap_or_else(|| "http".into());
            let port = match (r.port, scheme.as_str()) {
                (Some(80), "http") | (Some(443), "https") | (None, _) => String::new(),
                (Some(p), _) => format!(":{p}"),
            };
            let reason = if r.status == 301 {
                "Moved Permanently"
            } else {
                "Found"
            };
            let mut resp = status_text(r.status, reason, &date);
            resp.headers.insert(
                0,
                (
                    "Location".into(),
                    format!("{scheme}://{host}{port}{}", req.path),
                ),
            );
            let why = format!(
                "its router {} matched (rule {}), and its filter redirects with {}",
                router.name, router.rule, resp.status
            );
            return answer(resp, why);
        }
        let Some(i) = self.traefik_lb.pick(&router) else {
            return answer(
                traefik_error(503, "Service Unavailable", "no available server\n", &date),
                format!(
                    "its router {} matched, but no backend has a weight above 0",
                    router.name
                ),
            );
        };
        let backend: Backend = router.backends[i].clone();
        let servers = match &backend.servers {
            Err(status) => {
                let mut r = traefik_error(*status, "Internal Server Error", "", &date);
                r.headers
                    .retain(|(k, _)| k == "Date" || k == "Content-Length");
                let why = format!(
                    "its router {} matched, but it could not load the backend {}/{}:{} (the route's ResolvedRefs condition says why), so it answered {status}",
                    router.name, backend.namespace, backend.service, backend.port
                );
                return answer(r, why);
            }
            Ok(s) if s.is_empty() => {
                let why = format!(
                    "its router {} matched, but the Service {}/{} has no ready pod, so it answered 503 no available server",
                    router.name, backend.namespace, backend.service
                );
                return answer(
                    traefik_error(503, "Service Unavailable", "no available server\n", &date),
                    why,
                );
            }
            Ok(s) => s.clone(),
        };
        let key = format!("{}/{}:{}", backend.namespace, backend.service, backend.port);
        let server = self
            .traefik_lb
            .server(format!("{}@{key}", router.name), &servers);
        let sport = rng.range_inclusive(32768, 60999) as u16;
        let result = self.net.connect(host, sport, server, now, rng);
        let local = SocketAddrV4::new(
            self.net
                .source_for(host, *server.ip())
                .unwrap_or(*client.ip()),
            sport,
        );
        let mut forwarded = forwarded_request(req, &router, client, &self.net.host(host).name);
        let leg = |request: HttpRequest, trace: Trace| ProxyLeg {
            router: router.name.clone(),
            rule: router.rule.clone(),
            backend: key.clone(),
            local,
            server,
            request,
            trace,
            rtt_us: result.rtt_us,
        };
        let ConnectOutcome::Established {
            server: backend_host,
            listener,
            peer_seen_by_server,
            ..
        } = result.outcome
        else {
            // Traefik's `errorHandler`: a refused or unreachable dial is a
            // Bad Gateway; one that never answers times out.
            let (status, reason) = match result.outcome {
                ConnectOutcome::Lost { .. } => (504, "Gateway Timeout"),
                _ => (502, "Bad Gateway"),
            };
            return Proxied {
                response: status_text(status, reason, &date),
                leg: Some(leg(forwarded, result.trace)),
                why: None,
            };
        };
        let ctx = self.server_ctx(backend_host, peer_seen_by_server);
        let response = match self.serve_http(backend_host, &listener, &forwarded, &ctx, now) {
            // Go's reverse proxy copies the backend's headers into its own
            // response, which Go's server writes sorted by name.
            Some(mut r) => {
                crate::sort::sort_by(&mut r.headers, |a, b| a.0.cmp(&b.0));
                r
            }
            None => status_text(502, "Bad Gateway", &date),
        };
        crate::sort::sort_by(&mut forwarded.headers, |a, b| a.0.cmp(&b.0));
        Proxied {
            response,
            leg: Some(leg(forwarded, result.trace)),
            why: None,
        }
    }
}

/// What Traefik writes itself for a redirect or a failed backend: the
/// status text as the body (Go's `http.Error` without its `nosniff`).
fn status_text(status: u16, reason: &'static str, date: &str) -> HttpResponse {
    let mut r = traefik_error(status, reason, reason, date);
    r.headers.retain(|(k, _)| k != "X-Content-Type-Options");
    r
}

/// The request as Traefik sends it on: the client's headers, the router's
/// header filters, Traefik's `X-Forwarded-*` and `X-Real-Ip`, and Go's
/// transport's `Accept-Encoding: gzip`.
fn forwarded_request(
    req: &HttpRequest,
    router: &Router,
    client: SocketAddrV4,
    traefik: &str,
) -> HttpRequest {
    let mut out = req.clone();
    let host_port = req.host_header.rsplit_once(':').map(|(_, p)| p.to_string());
    let mut set = |k: &str, v: String| {
        out.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(k));
        out.headers.push((k.to_string(), v));
    };
    let xff = match req.header("X-Forwarded-For") {
        Some(prev) => format!("{prev}, {}", client.ip()),
        None => client.ip().to_string(),
    };
    set("X-Forwarded-For", xff);
    set("X-Forwarded-Host", req.host_header.clone());
    set("X-Forwarded-Port", host_port.unwrap_or_else(|| "80".into()));
    set("X-Forwarded-Proto", "http".into());
    set("X-Forwarded-Server", traefik.to_string());
    set("X-Real-Ip", client.ip().to_string());
    if req.header("Accept-Encoding").is_none() {
        set("Accept-Encoding", "gzip".into());
    }
    for (k, v) in &router.set_headers {
        set(k, v.clone());
    }
    for (k, v) in &router.add_headers {
        out.headers.push((k.clone(), v.clone()));
    }
    for k in &router.remove_headers {
        out.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(k));
    }
    // User-Agent is a field of its own here: a filter may set or remove it
    // (empty: not sent).
    if let Some(i) = out
        .headers
        .iter()
        .position(|(n, _)| n.eq_ignore_ascii_case("User-Agent"))
    {
        out.user_agent = out.headers.remove(i).1;
    } else if router
        .remove_headers
        .iter()
        .any(|k| k.eq_ignore_ascii_case("User-Agent"))
    {
        out.user_agent = String::new();
    }
    out
}
