//! Time passing in the world: the kubelets' steps at their moments, their
//! probes sent over the simulated network from the node to the pod, and
//! what the pods' programs log about the requests they answer.

use super::{World, MAX_LOG_LINES, MAX_STEPS};
use crate::apps::{HttpRequest, HttpResponse, ServerCtx};
use crate::cluster::images;
use crate::cluster::objects::LogLine;
use crate::cluster::probe::{Handler, ProbeKind, ProbeSpec};
use crate::cluster::{KubeletRequest, ProbeResult, Request};
use crate::net::{ConnectOutcome, HostId, Listener};
use crate::time::Millis;
use std::net::{Ipv4Addr, SocketAddrV4};

/// What the world made of one of the kubelet's requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestRun {
    /// Done (a probe over the network): its result is recorded.
    Done,
    /// It needs a shell in the pod: an `exec` probe, or a client
    /// container's command. The session runs it and reports back.
    InShell { host: HostId, command: Vec<String> },
}

/// The kubelet's user agent.
pub const PROBE_AGENT: &str = "kube-probe/1.31";

impl World {
    /// What a server on `server` knows of itself and of a client it sees
    /// as `remote` (after any SNAT): its name and its addresses.
    pub fn server_ctx(&self, server: HostId, remote: SocketAddrV4) -> ServerCtx {
        let host = self.net.host(server);
        ServerCtx {
            hostname: host.name.clone(),
            addrs: host
                .interfaces
                .iter()
                .filter_map(|i| i.addr.map(|a| a.addr()))
                .collect(),
            remote,
        }
    }

    /// Rebuilds the network if the cluster changed since it was last built.
    pub fn sync_if_changed(&mut self) {
        if self.cluster.version() != self.synced {
            self.sync();
        }
    }

    /// The kubelets' steps due at `at` (the world's clock moves there);
    /// returns what they ask of the world.
    pub fn step_at(&mut self, at: Millis) -> Vec<KubeletRequest> {
        self.clock = self.clock.max(at);
        let requests = self.cluster.step(at);
        self.sync_if_changed();
        requests
    }

    /// Runs a request that needs no shell; says what the shell must run
    /// otherwise.
    pub fn run_request(&mut self, req: &KubeletRequest, now: Millis) -> RequestRun {
        match &req.what {
            Request::Probe(kind, spec) => {
                if let Handler::Exec { command } = &spec.handler {
                    return match self.pod_hosts.get(&req.pod) {
                        Some(host) => RequestRun::InShell {
                            host: *host,
                            command: command.clone(),
                        },
                        None => {
                            let r = ProbeResult {
                                ok: false,
                                message: "container not found".into(),
                            };
                            self.cluster.probe_done(req, r, now);
                            self.sync_if_changed();
                            RequestRun::Done
                        }
                    };
                }
                let result = self.probe_net(req, *kind, spec, now);
                self.cluster.probe_done(req, result, now);
                self.sync_if_changed();
                RequestRun::Done
            }
            Request::Launch(argv) => match self.pod_hosts.get(&req.pod) {
                Some(host) => RequestRun::InShell {
                    host: *host,
                    command: argv.clone(),
                },
                None => {
                    self.cluster.launch_done(req, "", 0, 10, now);
                    self.sync_if_changed();
                    RequestRun::Done
                }
            },
        }
    }

    /// Brings the cluster up to `to`, step by step. Without a shell, an
    /// `exec` probe fails and a client container's command exits at once;
    /// a session does both for real ([`crate::Session`]).
    pub fn advance_to(&mut self, to: Millis) {
        let mut steps = 0;
        while let Some(at) = self.cluster.next_due().filter(|t| *t <= to) {
            steps += 1;
            if steps > MAX_STEPS {
                self.skip_to(to);
                break;
            }
            for req in self.step_at(at) {
                if let RequestRun::InShell { .. } = self.run_request(&req, at) {
                    match req.what {
                        Request::Probe(..) => self.cluster.probe_done(
                            &req,
                            ProbeResult {
                                ok: false,
                                message: String::new(),
                            },
                            at,
                        ),
                        Request::Launch(_) => self.cluster.launch_done(&req, "", 0, 10, at),
                    }
                    self.sync_if_changed();
                }
            }
        }
        self.clock = self.clock.max(to);
    }

    /// Lets pending work finish (pods starting, readiness being decided),
    /// for at most `max_ms` of simulated time.
    pub fn settle(&mut self, max_ms: Millis) {
        let end = self.clock + max_ms;
        while self.cluster.pending() {
            let Some(at) = self.cluster.next_due().filter(|t| *t <= end) else {
                break;
            };
            self.advance_to(at);
        }
    }

    /// Too much to do step by step: every pending step moves to `to`, and
    /// the probes resume their period from there.
    pub(crate) fn skip_to(&mut self, to: Millis) {
        for pod in self.cluster.pods.values_mut() {
            let rt = &mut pod.status.runtime;
            if let Some(t) = rt.sandbox_at.filter(|t| *t < to && !rt.sandbox_ready) {
                rt.sandbox_at = Some(t.max(to));
            }
            for (i, ct) in rt.containers.iter_mut().enumerate() {
                if let Some((t, _)) = ct.next.as_mut() {
                    *t = (*t).max(to);
                }
                for (kind, track) in [
                    (ProbeKind::Readiness, &mut ct.readiness),
                    (ProbeKind::Liveness, &mut ct.liveness),
                ] {
                    let period = pod
                        .spec
                        .containers
                        .get(i)
                        .and_then(|s| ProbeSpec::of(s, kind))
                        .map_or(10_000, |p| p.period_ms);
                    if let Some(t) = track.next_at.filter(|t| *t < to) {
                        track.next_at = Some(to + period - (to - t) % period);
                    }
                }
            }
        }
        self.clock = self.clock.max(to);
    }

    /// An HTTP request answered by `listener` on `server`: the program's
    /// answer, and the lines it logs about it.
    pub fn serve_http(
        &mut self,
        server: HostId,
        listener: &Listener,
        req: &HttpRequest,
        ctx: &ServerCtx,
        now: Millis,
    ) -> Option<HttpResponse> {
        let unix = crate::time::DateTime::at(now).unix;
        let resp = listener.app.http(req, unix, ctx)?;
        let Some((key, i)) = self.serving_container(server, listener.port) else {
            return Some(resp);
        };
        let Some(ct) = self
            .cluster
            .pods
            .get_mut(&key)
            .and_then(|p| p.status.runtime.containers.get_mut(i))
        else {
            return Some(resp);
        };
        ct.connections += 1;
        let lines = listener
            .app
            .access_log(req, &resp, ctx.remote, now, ct.connections);
        for text in lines {
            ct.log.push(LogLine { at: now, text });
        }
        if ct.log.len() > MAX_LOG_LINES {
            let extra = ct.log.len() - MAX_LOG_LINES;
            ct.log.drain(..extra);
        }
        Some(resp)
    }

    /// The pod of `host` and the index of its container that serves `port`.
    fn serving_container(&self, host: HostId, port: u16) -> Option<(crate::cluster::Key, usize)> {
        let key = self
            .pod_hosts
            .iter()
            .find(|(_, h)| **h == host)
            .map(|(k, _)| k.clone())?;
        let pod = self.cluster.pods.get(&key)?;
        let index = pod.spec.containers.iter().position(|c| {
            images::known(&c.image, &c.args).is_some_and(|ps| ps.iter().any(|p| p.port == port))
        })?;
        Some((key, index))
    }

    /// An `httpGet` or `tcpSocket` probe, sent from the pod's node to the
    /// pod over the simulated network, as the kubelet sends it.
    fn probe_net(
        &mut self,
        req: &KubeletRequest,
        _kind: ProbeKind,
        spec: &ProbeSpec,
        now: Millis,
    ) -> ProbeResult {
        let ok = ProbeResult {
            ok: true,
            message: String::new(),
        };
        let fail = |message: String| ProbeResult { ok: false, message };
        let Some(pod) = self.cluster.pods.get(&req.pod) else {
            return fail("pod not found".into());
        };
        let Some(ct) = pod.spec.containers.get(req.container).cloned() else {
            return fail("container not found".into());
        };
        let pod_ip: Ipv4Addr = pod
            .status
            .pod_ip
            .as_deref()
            .and_then(|i| i.parse().ok())
            .unwrap_or(Ipv4Addr::UNSPECIFIED);
        let node = pod.spec.node_name.clone().unwrap_or_default();
        let (port, host, http) = match &spec.handler {
            Handler::HttpGet {
                path,
                port,
                host,
                scheme,
            } => (
                port,
                host,
                Some((path.clone(), scheme.to_ascii_lowercase())),
            ),
            Handler::TcpSocket { port, host } => (port, host, None),
            _ => return ok,
        };
        let ip: Ipv4Addr = host
            .as_deref()
            .and_then(|h| h.parse().ok())
            .unwrap_or(pod_ip);
        let Some(port) = port.resolve(&ct) else {
            return fail(format!(
                "strconv.Atoi: parsing \"{}\": invalid syntax",
                port.text()
            ));
        };
        let target = SocketAddrV4::new(ip, port);
        let url = http
            .as_ref()
            .map(|(path, scheme)| format!("{scheme}://{target}{path}"));
        let Some(from) = self.net.host_id(&node) else {
            return fail("node not found".into());
        };
        let sport = self.probe_rng.range_inclusive(32768, 60999) as u16;
        let result = self
            .net
            .connect(from, sport, target, now.max(0), &mut self.probe_rng);
        let dial = |why: &str| match &url {
            Some(u) => format!("Get \"{u}\": dial tcp {target}: {why}"),
            None => format!("dial tcp {target}: {why}"),
        };
        match result.outcome {
            ConnectOutcome::Established {
                server,
                listener,
                peer_seen_by_server,
                ..
            } => {
                let Some((path, scheme)) = http else {
                    return ok;
                };
                if scheme == "https" {
                    return fail(format!(
                        "Get \"{}\": http: server gave HTTP response to HTTPS client",
                        url.unwrap_or_default()
                    ));
                }
                let request = HttpRequest {
                    method: "GET".into(),
                    path,
                    host_header: target.to_string(),
                    user_agent: PROBE_AGENT.into(),
                    headers: vec![("Accept".into(), "*/*".into())],
                };
                let ctx = self.server_ctx(server, peer_seen_by_server);
                match self.serve_http(server, &listener, &request, &ctx, now) {
                    Some(resp) if (200..400).contains(&resp.status) => ok,
                    Some(resp) => fail(format!(
                        "HTTP probe failed with statuscode: {}",
                        resp.status
                    )),
                    None => fail(format!("Get \"{}\": EOF", url.unwrap_or_default())),
                }
            }
            ConnectOutcome::Refused { .. } => fail(dial("connect: connection refused")),
            ConnectOutcome::NetUnreachable { .. } => fail(dial("connect: network is unreachable")),
            ConnectOutcome::HostUnreachable { .. } => fail(dial("connect: no route to host")),
            ConnectOutcome::Lost { .. } => fail(match &url {
                Some(u) => format!(
                    "Get \"{u}\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"
                ),
                None => format!("dial tcp {target}: i/o timeout"),
            }),
        }
    }
}
