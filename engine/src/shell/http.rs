//! One HTTP request over a new connection, as a typed result: how it
//! ended (the connection's failure and when the kernel reported it, a
//! tunnel that broke, a program that does not speak HTTP, or the server's
//! response), the packet's trace, and the addresses involved. curl prints
//! what it prints from this, and lesson checks and goals read the same
//! value ([`Session::request`]) instead of curl's printed text.

use super::ctx::Ctx;
use super::{Execution, Observed};
use crate::apps::{App, HttpRequest, HttpResponse};
use crate::net::{ConnectOutcome, Trace, TraceOutcome};
use crate::time::{millis, Millis};
use std::net::SocketAddrV4;

/// Linux gives up on a SYN after `tcp_syn_retries` = 6 retransmissions with
/// exponential backoff (1, 2, 4, … s). On real kernels curl reports this
/// after about 130 s (127 s of backoff plus timer slack); exit 28.
pub(super) const KERNEL_SYN_TIMEOUT_MS: Millis = 130_000;
/// ARP gives up after 3 solicitations one second apart (EHOSTUNREACH).
pub(super) const ARP_TIMEOUT_MS: Millis = 3_000;

/// How an exchange ended.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Ended {
    /// The command line's budget of packets was spent (the shell said so).
    NoBudget,
    /// The connection failed with `errno` after `waited_ms`; `timer`: the
    /// client's own limit fired before the kernel reported it.
    ConnectFailed {
        errno: &'static str,
        waited_ms: Millis,
        timer: bool,
    },
    /// Connected through a port-forward whose tunnel broke.
    TunnelBroken,
    /// TLS asked of a server that speaks plain HTTP.
    Tls,
    /// Connected, but the program does not speak HTTP (`sshd`: it said
    /// its banner).
    NotHttp { sshd: bool },
    /// The server's response, after `total_us` of round trips.
    Answered { resp: HttpResponse, total_us: u64 },
}

/// One exchange: how it ended, the packet's path, and the addresses.
#[derive(Debug, Clone)]
pub(super) struct Exchange {
    pub ended: Ended,
    pub trace: Option<Trace>,
    /// The client's end of the connection.
    pub local: SocketAddrV4,
    /// The server's end, once connected.
    pub server_addr: Option<SocketAddrV4>,
    /// The handshake's round trip, in milliseconds.
    pub rtt_ms: f64,
}

impl Exchange {
    /// How a lesson sees the end of the request: the status, or how the
    /// connection failed, or the exit code curl gives the rest.
    pub fn observed(&self) -> Observed {
        match &self.ended {
            Ended::Answered { resp, .. } => Observed::Status(resp.status),
            Ended::ConnectFailed { timer: true, .. } => Observed::Timeout,
            Ended::ConnectFailed { errno, .. } => match *errno {
                "No route to host" | "Network is unreachable" => Observed::Unreachable,
                "Connection timed out" => Observed::Timeout,
                _ => Observed::Refused,
            },
            Ended::NoBudget => Observed::Failed(1),
            Ended::TunnelBroken => Observed::Failed(52),
            Ended::Tls => Observed::Failed(35),
            Ended::NotHttp { sshd: true } => Observed::Failed(1),
            Ended::NotHttp { sshd: false } => Observed::Failed(52),
        }
    }

    /// The host whose program answered, when one did.
    pub fn answered_by(&self) -> Option<String> {
        answered_by(&self.observed(), self.trace.as_ref())
    }

    /// The response's body, when there was a response.
    pub fn body(&self) -> &str {
        match &self.ended {
            Ended::Answered { resp, .. } => &resp.body,
            _ => "",
        }
    }
}

/// Makes `req` to `dst` from the current host over a new connection
/// (through a port-forward's tunnel when one listens there), and lets time
/// pass as the client waits: the kernel's report of a failed connect (or
/// the client's own `limit`, when shorter), the round trips of an answer.
/// `https`: the client speaks TLS first. The shell's message when the
/// line's budget of packets is spent goes to `exec`; nothing else is
/// printed: the client prints from the result.
pub(super) fn exchange(
    s: &mut Ctx,
    dst: SocketAddrV4,
    req: &HttpRequest,
    https: bool,
    limit: Option<Millis>,
    client: &str,
    exec: &mut Execution,
) -> Exchange {
    let here = s.here();
    let unconnected = |local, ended| Exchange {
        ended,
        trace: None,
        local,
        server_addr: None,
        rtt_ms: 0.0,
    };
    if !s.spend_packet(client, exec) {
        return unconnected(SocketAddrV4::new(*dst.ip(), 0), Ended::NoBudget);
    }
    let (result, tunnel, sport) = s.open(dst);
    let local = SocketAddrV4::new(
        s.sim
            .world
            .net
            .source_for(here, *dst.ip())
            .unwrap_or(*dst.ip()),
        sport,
    );
    let rtt_ms = result.rtt_us as f64 / 1000.0;
    let mut x = Exchange {
        trace: Some(result.trace),
        rtt_ms,
        ..unconnected(local, Ended::NoBudget)
    };
    // (errno, the time the kernel took to report it)
    let failure = match &result.outcome {
        ConnectOutcome::Established { .. } => None,
        ConnectOutcome::Refused { .. } => Some(("Connection refused", 0)),
        ConnectOutcome::NetUnreachable { .. } => Some(("Network is unreachable", 0)),
        ConnectOutcome::HostUnreachable { .. } => Some((
            "No route to host",
            ARP_TIMEOUT_MS + millis(s.sim.rng.range_inclusive(50, 90)),
        )),
        ConnectOutcome::Lost { .. } => Some((
            "Connection timed out",
            KERNEL_SYN_TIMEOUT_MS + millis(s.sim.rng.range_inclusive(0, 60)),
        )),
    };
    if let Some((errno, kernel_ms)) = failure {
        // The client's own timer fires first when it is shorter.
        let (waited_ms, timer) = match limit.filter(|l| *l < kernel_ms.max(1)) {
            Some(limit) => (limit + 1, true),
            None => (kernel_ms, false),
        };
        s.advance(waited_ms);
        x.ended = Ended::ConnectFailed {
            errno,
            waited_ms,
            timer,
        };
        return x;
    }
    let ConnectOutcome::Established {
        listener,
        server_addr,
        server,
        peer_seen_by_server,
        ..
    } = result.outcome
    else {
        unreachable!("every failure returned above");
    };
    x.server_addr = Some(server_addr);
    // A port-forward running as a job writes to the same terminal.
    if let Some(note) = &tunnel {
        s.job_wrote(note);
        if note.broken {
            s.advance(1);
            x.ended = Ended::TunnelBroken;
            return x;
        }
    }
    if https {
        s.advance(1);
        x.ended = Ended::Tls;
        return x;
    }
    let now = s.sim.now;
    if listener.app == App::Traefik {
        let sim = &mut *s.sim;
        let proxied = sim
            .world
            .proxy_http(server, req, peer_seen_by_server, now, &mut sim.rng);
        let mut total_us = result.rtt_us * 2 + 350;
        if let (Some(trace), Some(leg)) = (x.trace.as_mut(), proxied.leg) {
            total_us += leg.rtt_us * 2 + 250;
            splice(trace, leg, req);
        } else if let (Some(trace), Some(why)) = (x.trace.as_mut(), proxied.why) {
            let at = last_request_hop(trace);
            if let Some(hop) = trace.hops.get_mut(at) {
                hop.steps.push(crate::net::Step::ProxyAnswered {
                    program: "traefik".into(),
                    why,
                });
            }
        }
        s.advance(millis(total_us.div_ceil(1000)));
        x.ended = Ended::Answered {
            resp: proxied.response,
            total_us,
        };
        return x;
    }
    let ctx = s.sim.world.server_ctx(server, peer_seen_by_server);
    let Some(resp) = s.sim.world.serve_http(server, &listener, req, &ctx, now) else {
        s.advance(1);
        x.ended = Ended::NotHttp {
            sshd: listener.app == App::Sshd,
        };
        return x;
    };
    // The handshake, the request and the response: a few round trips.
    let total_us = result.rtt_us * 2 + 350;
    s.advance(millis(total_us.div_ceil(1000)));
    x.ended = Ended::Answered { resp, total_us };
    x
}

/// The hop where the client's request arrived where it was going: the
/// proxy's, on a request to Traefik.
fn last_request_hop(trace: &Trace) -> usize {
    trace
        .hops
        .iter()
        .rposition(|h| h.direction == crate::net::Direction::Request)
        .unwrap_or(0)
}

/// Puts the proxy's own connection into the client's trace: after the
/// client's request reached the proxy (its last request hop), the proxy's
/// step and its connection's hops (request and reply), then the client's
/// reply hops. The answer comes from the backend when the proxy reached one.
fn splice(trace: &mut Trace, leg: crate::world::ProxyLeg, req: &HttpRequest) {
    use crate::net::Step;
    let at = last_request_hop(trace);
    let added: Vec<(String, String)> = leg
        .request
        .headers
        .iter()
        .filter(|(k, _)| req.header(k).is_none())
        .cloned()
        .collect();
    if let Some(hop) = trace.hops.get_mut(at) {
        hop.steps.push(Step::Proxied {
            program: "traefik".into(),
            router: leg.router.clone(),
            rule: leg.rule.clone(),
            backend: leg.backend.clone(),
            from: leg.local,
            to: leg.server,
            added,
        });
    }
    let mut rest = trace.hops.split_off((at + 1).min(trace.hops.len()));
    trace.hops.extend(leg.trace.hops);
    trace.hops.append(&mut rest);
    if let Some(crate::net::TraceOutcome::Answered { .. }) = &leg.trace.outcome {
        trace.outcome = leg.trace.outcome;
    }
}

/// The host whose program answered a request that ended as `observed`
/// with `trace`: only an HTTP status says a program answered.
pub(super) fn answered_by(observed: &Observed, trace: Option<&Trace>) -> Option<String> {
    match (observed, trace.and_then(|t| t.outcome.as_ref())) {
        (Observed::Status(_), Some(TraceOutcome::Answered { host, .. })) => Some(host.clone()),
        _ => None,
    }
}
