//! Traefik's Kubernetes Gateway provider (v3.6, `pkg/provider/kubernetes/
//! gateway`), and its Ingress provider (`…/ingress`): what it makes of the
//! Gateway API's objects and of Ingresses of its class. Its controller
//! half writes their status (GatewayClass, Gateway and its listeners,
//! HTTPRoute parents) with Traefik's reasons and messages; its data-plane
//! half is the list of routers the proxy matches a request against, each
//! with Traefik's rule text and priority, and the weighted services and
//! servers (pod addresses from EndpointSlices) behind them. The proxying
//! itself is the world's (`World::proxy_http`).
//!
//! Split as Traefik's provider reads: [`listeners`] (GatewayClasses,
//! Gateways and their listeners, and their status), [`routes`] (HTTPRoutes
//! into routers, and their status), [`ingress`] (Ingresses into routers),
//! [`backends`] (a Service's ready endpoints, ReferenceGrants), [`rules`]
//! (Traefik's rule text, priorities and matching).

mod backends;
mod ingress;
mod listeners;
mod routes;
mod rules;

pub use rules::{host_without_port, matches, PathMatch};

use super::Cluster;
use serde_json::{json, Value};
use std::net::SocketAddrV4;

const GROUP: &str = "gateway.networking.k8s.io";

/// One backend of a router's weighted service.
#[derive(Debug, Clone, PartialEq)]
pub struct Backend {
    pub namespace: String,
    pub service: String,
    pub port: i64,
    pub weight: u32,
    /// The pods' addresses (ready EndpointSlice endpoints), or the status
    /// Traefik answers with for a backend it could not load (500).
    pub servers: Result<Vec<SocketAddrV4>, u16>,
}

/// One Traefik router: a match of an HTTPRoute rule on an entryPoint.
#[derive(Debug, Clone, PartialEq)]
pub struct Router {
    /// `httproute-default-shop-gw-default-web-ep-web-0-1c0cf64bde`.
    pub name: String,
    /// Traefik's rule, as its dashboard shows it.
    pub rule: String,
    pub priority: i64,
    pub entry_point: &'static str,
    pub hostnames: Vec<String>,
    pub path: PathMatch,
    /// (name, value): exact header matches.
    pub headers: Vec<(String, String)>,
    pub method: Option<String>,
    /// The HTTPRoute (namespace, name) and the index of its rule.
    pub route: (String, String),
    pub rule_index: usize,
    pub backends: Vec<Backend>,
    /// RequestHeaderModifier `set`/`add` and `remove`, in order.
    pub set_headers: Vec<(String, String)>,
    pub add_headers: Vec<(String, String)>,
    pub remove_headers: Vec<String>,
    /// A RequestRedirect filter: (scheme, hostname, port, path, status).
    pub redirect: Option<Redirect>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Redirect {
    pub scheme: Option<String>,
    pub hostname: Option<String>,
    pub port: Option<i64>,
    pub status: u16,
}

/// Whether Traefik is running (its pod is): only then does it write
/// status and proxy.
pub fn traefik_running(c: &Cluster) -> bool {
    c.gateway_api
        && c.pods.iter().any(|((ns, _), p)| {
            ns == "traefik"
                && p.metadata
                    .labels
                    .get("app.kubernetes.io/name")
                    .map(String::as_str)
                    == Some("traefik")
                && p.status.pod_ip.is_some()
                && p.status.runtime.containers.iter().any(|c| c.running())
        })
}

/// Traefik's whole reading of the cluster: the routers (highest priority
/// first, as its muxer tries them), and each object's status.
pub struct Reading {
    pub routers: Vec<Router>,
    /// Units of work the reading took (routers built, backends loaded):
    /// whoever reads pays it to the cluster's work count.
    pub work: usize,
    /// (kind, namespace, name) and the status Traefik writes.
    pub statuses: Vec<((&'static str, String, String), Value)>,
}

pub(super) fn condition(kind: &str, status: &str, reason: &str, message: &str) -> Value {
    json!({"lastTransitionTime": "", "message": message, "observedGeneration": 1,
           "reason": reason, "status": status, "type": kind})
}

/// Reads the Gateway API's objects and the Ingresses as Traefik's
/// providers do.
pub fn read(c: &Cluster) -> Reading {
    let mut work = Work::default();
    let mut statuses = listeners::class_statuses(c);
    let mut gws = listeners::gateways(c);
    let mut routers = vec![];
    routes::http_routes(c, &mut gws, &mut routers, &mut statuses, &mut work);
    let addresses = backends::traefik_addresses(c);
    listeners::gateway_statuses(&gws, &addresses, &mut statuses);
    ingress::ingresses(c, &addresses, &mut routers, &mut statuses, &mut work);
    // The muxer tries the highest priority first; equal priorities by name.
    crate::sort::sort_by(&mut routers, |a, b| {
        b.priority.cmp(&a.priority).then(a.name.cmp(&b.name))
    });
    Reading {
        routers,
        statuses,
        work: work.units,
    }
}

/// Work for each router Traefik builds (its rule's text, a SHA-256 of it
/// for its name, copies of its backends and filters) and for each backend
/// it loads (the Service, its EndpointSlices).
const ROUTER_COST: usize = 2_000;
const BACKEND_COST: usize = 500;
/// The routers one reading builds at most. The CRDs bound one route at
/// 32 parents × 64 listeners × 128 matches, about 262,000 routers, and a
/// cluster may hold many routes. Past this bound a reading only counts the
/// routers it skips (the statuses stay whole), which costs more than a
/// line's whole work budget: the command that caused it is the line's
/// last, stopped with servicelab's message.
const MAX_ROUTERS: usize = 50_000;

/// What one reading has cost so far.
#[derive(Default)]
pub(super) struct Work {
    units: usize,
    routers: usize,
}

impl Work {
    /// Counts one router; false when it is past the bound and is not to
    /// be built.
    pub(super) fn router(&mut self) -> bool {
        self.units = self.units.saturating_add(ROUTER_COST);
        self.routers += 1;
        self.routers <= MAX_ROUTERS
    }

    pub(super) fn backend(&mut self) {
        self.units = self.units.saturating_add(BACKEND_COST);
    }
}
