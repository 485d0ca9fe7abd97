//! The DNS clients: the stub resolver every program uses (what glibc's
//! `getaddrinfo` does for curl, ping and ssh), and the tools that ask a
//! server directly — busybox's `nslookup`, and bind9's `nslookup`, `dig`
//! and `host`.
//!
//! A query is a real UDP datagram: it walks from the host to the server
//! (10.96.0.10 in a pod, through kube-proxy's DNAT to a CoreDNS pod) and
//! the answer walks back through conntrack, so a broken path breaks name
//! resolution and the trace shows where. On the laptop and the nodes the
//! resolver is systemd-resolved's stub at 127.0.0.53, which answers from
//! `/etc/hosts`; the home network has no other names.

mod dig;
mod host;
mod nslookup;

pub use crate::cluster::dns::RrType;
use crate::time::Millis;
pub(super) use dig::dig;
pub(super) use host::host;
pub(super) use nslookup::nslookup;

use super::ctx::Ctx;
use super::Session;
use crate::cluster::dns::{self, Rcode, Record, Response};
use crate::net::{ConnectOutcome, HostKind, Trace};
use std::net::{Ipv4Addr, SocketAddrV4};

/// bind9 9.18's version string, as `dig` prints it (netshoot and Ubuntu 24.04 ship 9.18).
pub(super) const BIND_VERSION: &str = "9.18.30";
/// A UDP query's timeout (bind's `UDP_TIMEOUT`, glibc's `RES_TIMEOUT`).
const TIMEOUT_MS: crate::time::Millis = 5000;

/// What `/etc/resolv.conf` says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ResolvConf {
    pub nameservers: Vec<Ipv4Addr>,
    pub search: Vec<String>,
    pub ndots: usize,
}

pub(super) fn parse_resolv_conf(text: &str) -> ResolvConf {
    let mut conf = ResolvConf {
        nameservers: vec![],
        search: vec![],
        ndots: 1,
    };
    for line in text.lines() {
        let mut words = line.split_whitespace();
        match words.next() {
            Some("nameserver") => {
                if let Some(ip) = words.next().and_then(|w| w.parse().ok()) {
                    conf.nameservers.push(ip);
                }
            }
            Some("search") | Some("domain") => {
                conf.search = words
                    .filter(|w| *w != ".")
                    .map(|w| w.trim_end_matches('.').to_string())
                    .collect();
            }
            Some("options") => {
                for o in words {
                    if let Some(n) = o.strip_prefix("ndots:").and_then(|n| n.parse().ok()) {
                        conf.ndots = std::cmp::min(n, 15);
                    }
                }
            }
            _ => {}
        }
    }
    if conf.nameservers.is_empty() {
        conf.nameservers.push(Ipv4Addr::LOCALHOST);
    }
    conf
}

/// The names a resolver tries for `name`, in order: with fewer dots than
/// `ndots`, the search domains first and the name as given last; with
/// more, the other way round; a name ending in a dot only as it is.
pub(super) fn candidates(name: &str, conf: &ResolvConf) -> Vec<String> {
    if name.ends_with('.') {
        return vec![name.trim_end_matches('.').to_string()];
    }
    let with_search = conf.search.iter().map(|d| format!("{name}.{d}"));
    if name.matches('.').count() >= conf.ndots {
        std::iter::once(name.to_string())
            .chain(with_search)
            .collect()
    } else {
        with_search
            .chain(std::iter::once(name.to_string()))
            .collect()
    }
}

/// How a query ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Reply {
    Answer(Response),
    /// ICMP port unreachable: nothing listens there, or a REJECT rule.
    Refused,
    /// No answer came back.
    TimedOut,
}

pub(super) struct Query {
    pub reply: Reply,
    /// The query's packet path (none for the local stub resolver).
    pub trace: Option<Trace>,
}

/// What the stub resolver makes of a host name.
pub(super) enum HostLookup {
    Found(Ipv4Addr),
    NotFound { trace: Option<Trace> },
}

/// A lookup with a time limit: done, or cut short by the limit.
pub(super) enum Resolution {
    Done(HostLookup),
    TimedOut {
        waited_ms: Millis,
        trace: Option<Trace>,
    },
}

/// The A records a response gives for `name`, following CNAMEs within it.
pub(super) fn addresses(resp: &Response, name: &str) -> Vec<Ipv4Addr> {
    let mut target = dns::fqdn(name);
    let mut out = vec![];
    for _ in 0..8 {
        let mut next = None;
        for r in &resp.answers {
            if r.name != target {
                continue;
            }
            match &r.data {
                dns::Rdata::A(ip) => out.push(*ip),
                dns::Rdata::Cname(t) => next = Some(t.clone()),
                _ => {}
            }
        }
        match next {
            Some(t) if out.is_empty() => target = t,
            _ => break,
        }
    }
    out
}

/// A record's owner without the final dot, as bind's and busybox's tools print it.
pub(super) fn bare(name: &str) -> &str {
    name.strip_suffix('.').unwrap_or(name)
}

/// `D.C.B.A.in-addr.arpa` for an address.
pub(super) fn reverse_name(ip: Ipv4Addr) -> String {
    let o = ip.octets();
    format!("{}.{}.{}.{}.in-addr.arpa", o[3], o[2], o[1], o[0])
}

impl Ctx<'_> {
    /// The current host's `/etc/resolv.conf`.
    pub(super) fn resolv_conf(&self) -> ResolvConf {
        let text = self
            .sim
            .world
            .machine(self.here())
            .and_then(|m| m.files.get("/etc/resolv.conf"))
            .cloned()
            .unwrap_or_default();
        parse_resolv_conf(&text)
    }

    /// Whether the terminal is on the laptop or a node (systemd-resolved's stub).
    fn has_stub_resolver(&self) -> bool {
        matches!(
            self.sim.world.net.host(self.here()).kind,
            HostKind::Laptop | HostKind::Node
        )
    }

    /// One query to `server`, walked through the network; simulated time
    /// moves by the wait a timeout costs.
    pub(super) fn dns_query(&mut self, server: Ipv4Addr, name: &str, qtype: RrType) -> Query {
        let q = self.dns_send(server, name, qtype);
        if matches!(q.reply, Reply::TimedOut) {
            self.advance(TIMEOUT_MS);
        }
        q
    }

    /// One query to `server`, as [`Self::dns_query`], waiting at most until
    /// `deadline`; `true` when the deadline came first (the clock then
    /// stands at it).
    fn dns_query_until(
        &mut self,
        server: Ipv4Addr,
        name: &str,
        qtype: RrType,
        deadline: Option<Millis>,
    ) -> (Query, bool) {
        let q = self.dns_send(server, name, qtype);
        if matches!(q.reply, Reply::TimedOut) {
            if let Some(left) = deadline.map(|d| d - self.sim.now) {
                if left <= TIMEOUT_MS {
                    self.advance(left.max(0));
                    return (q, true);
                }
            }
            self.advance(TIMEOUT_MS);
        }
        (q, false)
    }

    /// One query to `server` without waiting out a timeout: for a client
    /// that sends all its queries at once and waits for them together.
    pub(super) fn dns_send(&mut self, server: Ipv4Addr, name: &str, qtype: RrType) -> Query {
        if server.is_loopback() && self.has_stub_resolver() {
            return Query {
                reply: Reply::Answer(self.stub_answer(name, qtype)),
                trace: None,
            };
        }
        // A datagram counts against the line's budget like a connection; a
        // line out of budget stops at its next command.
        let _ = self.budget.packets(1);
        let here = self.here();
        let sport = self.ephemeral_port();
        let now = self.sim.now;
        let result = self.sim.world.net.exchange_udp(
            here,
            sport,
            SocketAddrV4::new(server, 53),
            now,
            &mut self.sim.rng,
        );
        let mut trace = result.trace;
        trace.request = format!(
            "DNS query {} {} to {server} (from {})",
            bare(&dns::fqdn(name)),
            qtype.name(),
            self.current_host()
        );
        let reply = match result.outcome {
            ConnectOutcome::Established { listener, .. } if listener.process == "coredns" => {
                self.advance(crate::time::millis(result.rtt_us / 1000).max(1));
                Reply::Answer(dns::resolve(
                    &self.sim.world.cluster,
                    name,
                    qtype,
                    &mut self.sim.rng,
                ))
            }
            ConnectOutcome::Refused { .. } | ConnectOutcome::NetUnreachable { .. } => {
                Reply::Refused
            }
            _ => Reply::TimedOut,
        };
        Query {
            reply,
            trace: Some(trace),
        }
    }

    /// systemd-resolved's stub: the machine's `/etc/hosts`; the home
    /// network's upstream has no names of its own.
    fn stub_answer(&self, name: &str, qtype: RrType) -> Response {
        let wanted = dns::fqdn(name);
        let known: Vec<Ipv4Addr> = self
            .sim
            .world
            .machine(self.here())
            .map(|m| {
                m.etc_hosts
                    .iter()
                    .filter(|(n, _)| dns::fqdn(n) == wanted)
                    .map(|(_, ip)| *ip)
                    .collect()
            })
            .unwrap_or_default();
        let answers: Vec<Record> = known
            .iter()
            .filter(|_| qtype == RrType::A)
            .map(|ip| Record {
                name: wanted.clone(),
                ttl: 0,
                data: dns::Rdata::A(*ip),
            })
            .collect();
        // A name resolved knows from /etc/hosts exists: asked for another
        // type (AAAA), it has no data rather than no name.
        Response {
            rcode: if known.is_empty() {
                Rcode::NxDomain
            } else {
                Rcode::NoError
            },
            authoritative: false,
            recursion_available: true,
            answers,
            authority: vec![],
            additional: vec![],
        }
    }

    /// `getaddrinfo` as glibc does it: an address literal, `/etc/hosts`,
    /// then DNS through the search path (two tries per server before it
    /// gives up; a server that does not answer ends the search).
    pub(super) fn lookup_host(&mut self, name: &str) -> HostLookup {
        match self.lookup_host_within(name, None) {
            Resolution::Done(found) => found,
            Resolution::TimedOut { trace, .. } => HostLookup::NotFound { trace },
        }
    }

    /// [`Self::lookup_host`] for a client with a time limit (curl's `-m`
    /// and `--connect-timeout` cover resolving the name), which can pass
    /// while the resolver waits for an answer.
    pub(super) fn lookup_host_within(&mut self, name: &str, limit: Option<Millis>) -> Resolution {
        let start = self.sim.now;
        // The client's timer fires in the millisecond after its limit.
        let deadline = limit.map(|l| start + l + 1);
        if let Ok(ip) = name.parse() {
            return Resolution::Done(HostLookup::Found(ip));
        }
        if self.current_pod_namespace().is_none() {
            return Resolution::Done(match self.resolve(name) {
                Some(ip) => HostLookup::Found(ip),
                None => HostLookup::NotFound { trace: None },
            });
        }
        if name == "localhost" {
            return Resolution::Done(HostLookup::Found(Ipv4Addr::LOCALHOST));
        }
        if let Some(ip) = self.pod_hosts_file(name) {
            return Resolution::Done(HostLookup::Found(ip));
        }
        let conf = self.resolv_conf();
        let mut last_trace = None;
        for candidate in candidates(name, &conf) {
            let mut answer = None;
            for server in conf.nameservers.clone() {
                let (mut q, mut late) =
                    self.dns_query_until(server, &candidate, RrType::A, deadline);
                if !late && matches!(q.reply, Reply::TimedOut) {
                    // glibc's second attempt.
                    (q, late) = self.dns_query_until(server, &candidate, RrType::A, deadline);
                }
                if late {
                    return Resolution::TimedOut {
                        waited_ms: self.sim.now - start,
                        trace: q.trace,
                    };
                }
                last_trace = q.trace.clone();
                if let Reply::Answer(resp) = q.reply {
                    answer = Some(resp);
                    break;
                }
            }
            // No server answered: the search stops there.
            let Some(resp) = answer else {
                return Resolution::Done(HostLookup::NotFound { trace: last_trace });
            };
            if let Some(ip) = addresses(&resp, &candidate).first() {
                return Resolution::Done(HostLookup::Found(*ip));
            }
            // NXDOMAIN or no address: the next name of the search path.
            last_trace = None;
        }
        Resolution::Done(HostLookup::NotFound { trace: last_trace })
    }

    /// A name in the pod's `/etc/hosts` (its own, and its FQDN with a subdomain).
    fn pod_hosts_file(&self, name: &str) -> Option<Ipv4Addr> {
        let hosts = self
            .sim
            .world
            .machine(self.here())?
            .files
            .get("/etc/hosts")?
            .clone();
        hosts.lines().find_map(|l| {
            let mut words = l.split_whitespace();
            let ip = words.next()?.parse().ok()?;
            words.any(|w| w == name).then_some(ip)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_order_follows_ndots() {
        let conf = parse_resolv_conf(&crate::cluster::dns::resolv_conf("default"));
        assert_eq!(conf.ndots, 5);
        assert_eq!(
            candidates("web", &conf),
            [
                "web.default.svc.cluster.local",
                "web.svc.cluster.local",
                "web.cluster.local",
                "web"
            ]
        );
        assert_eq!(candidates("a.b.c.d.e.f", &conf)[0], "a.b.c.d.e.f");
        assert_eq!(candidates("web.", &conf), ["web"]);
    }
}

/// How a lesson's DNS lookup ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DnsStatus {
    /// The server answered the name (possibly with no record of the type).
    Answered,
    /// No name of the search path exists.
    NxDomain,
    /// The server answered with another error (SERVFAIL, REFUSED).
    Failed(String),
    /// No answer came back: the query was lost on its way or on the way back.
    TimedOut,
    /// ICMP port unreachable: nothing listens there, or a REJECT rule.
    Refused,
}

/// A lookup as a lesson check sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsLookup {
    pub status: DnsStatus,
    /// The name that answered (the search path's first that exists).
    pub name: String,
    /// The records of the asked type, in `dig +short` form without final
    /// dots: `10.96.0.1`, `db.example.com`, `0 100 80 web.default.svc.cluster.local`.
    pub answers: Vec<String>,
    /// The query's packet path, when it stopped on the way.
    pub trace: Option<Trace>,
}

impl Session {
    /// A DNS lookup from `from` (a host or a pod) as its resolver makes
    /// it (resolv.conf's server and search path), on a copy of the session.
    pub fn dns_lookup(&self, from: &str, name: &str, qtype: RrType) -> Option<DnsLookup> {
        let mut session = self.clone();
        session.position_at(from)?;
        let mut probe = session.ctx();
        let conf = probe.resolv_conf();
        let server = conf.nameservers.first().copied()?;
        let names = match name.parse::<Ipv4Addr>() {
            Ok(ip) => vec![reverse_name(ip)],
            Err(_) => candidates(name, &conf),
        };
        let tried = names.len();
        for candidate in names {
            let q = probe.dns_query(server, &candidate, qtype);
            let resp = match q.reply {
                Reply::Answer(r) => r,
                Reply::TimedOut | Reply::Refused => {
                    let status = if q.reply == Reply::Refused {
                        DnsStatus::Refused
                    } else {
                        DnsStatus::TimedOut
                    };
                    return Some(DnsLookup {
                        status,
                        name: candidate,
                        answers: vec![],
                        trace: q.trace,
                    });
                }
            };
            match resp.rcode {
                Rcode::NoError => {
                    let answers = resp
                        .answers
                        .iter()
                        .filter(|r| r.data.rr_type() == qtype)
                        .map(|r| bare(&r.data.text()).to_string())
                        .collect();
                    return Some(DnsLookup {
                        status: DnsStatus::Answered,
                        name: candidate,
                        answers,
                        trace: None,
                    });
                }
                Rcode::NxDomain => {}
                other => {
                    return Some(DnsLookup {
                        status: DnsStatus::Failed(other.name().to_string()),
                        name: candidate,
                        answers: vec![],
                        trace: None,
                    })
                }
            }
        }
        // Every candidate failed: name what was asked, not the last
        // search-path expansion tried.
        let name = if tried > 1 {
            format!("{name} and each name of its search path")
        } else {
            name.to_string()
        };
        Some(DnsLookup {
            status: DnsStatus::NxDomain,
            name,
            answers: vec![],
            trace: None,
        })
    }
}
