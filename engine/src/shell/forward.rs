//! Opening a connection from the current host: over the simulated network,
//! or, to a port a `kubectl port-forward` listens on, through its tunnel:
//! kubectl's stream to the API server, the API server's to the pod's
//! kubelet, and the runtime's connection inside the pod's network
//! namespace to `127.0.0.1:PORT`. The trace shows that path; kube-proxy's
//! rules are not on it (the program sees the client as 127.0.0.1).

use super::ctx::Ctx;
use super::lang::jobs::Forward;
use crate::net::{ConnectOutcome, ConnectResult, Direction, Hop, Step, Trace, TraceOutcome};
use std::net::{Ipv4Addr, SocketAddrV4};

/// What the port-forward itself printed about a connection, and whether
/// the stream to the pod failed (the client then reads an empty reply).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(in crate::shell) struct TunnelNote {
    pub stdout: String,
    pub stderr: String,
    pub broken: bool,
}

impl Ctx<'_> {
    /// What a port-forward printed about a connection goes to the terminal
    /// (kubectl's own stdout and stderr), not into the client's pipe.
    pub(in crate::shell) fn job_wrote(&mut self, note: &TunnelNote) {
        for (stream, text) in [
            (super::Stream::Stdout, &note.stdout),
            (super::Stream::Stderr, &note.stderr),
        ] {
            if !text.is_empty() && self.terminal.len() < 10_000 {
                self.terminal.push((stream, text.clone()));
            }
        }
    }

    /// Connects from the current host to `dst`: a port-forward's tunnel
    /// when one listens there, else the network.
    /// Returns the result, what a port-forward printed, and the local port.
    pub(in crate::shell) fn open(
        &mut self,
        dst: SocketAddrV4,
    ) -> (ConnectResult, Option<TunnelNote>, u16) {
        let here = self.here();
        let sport = self.ephemeral_port();
        if dst.ip().is_loopback() {
            if let Some(f) = self.forwards.on(dst.port()) {
                let (r, note) = self.tunnel(&f, sport, dst);
                return (r, Some(note), sport);
            }
        }
        let now = self.sim.now;
        let r = self
            .sim
            .world
            .net
            .connect(here, sport, dst, now, &mut self.sim.rng);
        (r, None, sport)
    }

    fn tunnel(
        &mut self,
        f: &Forward,
        sport: u16,
        dst: SocketAddrV4,
    ) -> (ConnectResult, TunnelNote) {
        let now = self.sim.now;
        let here = self.here();
        let here_name = self.sim.world.net.host(here).name.clone();
        let local = SocketAddrV4::new(Ipv4Addr::LOCALHOST, sport);
        let mut trace = Trace::default();
        let mut note = TunnelNote {
            stdout: format!("Handling connection for {}\n", f.local),
            ..Default::default()
        };
        let api = self
            .sim
            .world
            .cluster
            .nodes
            .first()
            .map(|n| (n.name.clone(), n.ip))
            .unwrap_or_else(|| ("node01".into(), Ipv4Addr::new(192, 168, 1, 2)));
        trace.hops.push(Hop {
            host: here_name.clone(),
            direction: Direction::Request,
            in_iface: None,
            src: local,
            dst,
            steps: vec![
                Step::LocalDelivery { addr: *dst.ip() },
                Step::Accepted {
                    process: "kubectl".into(),
                    addr: dst,
                },
                Step::Tunnel {
                    how: format!(
                        "kubectl port-forward carries the connection in its stream to the API server at {}:6443",
                        api.1
                    ),
                },
            ],
            left_by: None,
        });
        let broken = |trace: Trace, note: TunnelNote| {
            let note = TunnelNote {
                broken: true,
                ..note
            };
            (
                ConnectResult {
                    outcome: ConnectOutcome::Established {
                        server: here,
                        listener: crate::net::Listener::tcp(
                            f.local,
                            "kubectl",
                            crate::apps::App::Other,
                        ),
                        local,
                        peer_seen_by_server: local,
                        server_addr: dst,
                    },
                    trace,
                    rtt_us: 60,
                },
                note,
            )
        };
        // kubectl's stream to the API server, over the network.
        let p = self.ephemeral_port();
        let r = self.sim.world.net.connect(
            here,
            p,
            SocketAddrV4::new(api.1, 6443),
            now,
            &mut self.sim.rng,
        );
        let reached = matches!(r.outcome, ConnectOutcome::Established { .. });
        trace.hops.extend(
            r.trace
                .hops
                .into_iter()
                .filter(|h| h.direction == Direction::Request),
        );
        if !reached {
            note.stderr = "error: lost connection to pod\n".into();
            return broken(trace, note);
        }
        let Some(pod) = self.sim.world.cluster.pods.get(&f.pod).cloned() else {
            note.stderr = "error: lost connection to pod\n".into();
            return broken(trace, note);
        };
        let node = pod.spec.node_name.clone().unwrap_or_default();
        let node_ip = self.sim.world.cluster.node(&node).map(|n| n.ip);
        let Some(api_host) = self.sim.world.net.host_id(&api.0) else {
            return broken(trace, note);
        };
        // The API server relays to the kubelet of the pod's node.
        match node_ip.filter(|_| node != api.0) {
            Some(ip) => {
                if let Some(h) = trace.hops.last_mut() {
                    h.steps.push(Step::Tunnel {
                        how: format!(
                            "the API server relays the stream to the kubelet on {node} at {ip}:10250"
                        ),
                    });
                }
                let p = self.ephemeral_port();
                let r = self.sim.world.net.connect(
                    api_host,
                    p,
                    SocketAddrV4::new(ip, 10250),
                    now,
                    &mut self.sim.rng,
                );
                trace.hops.extend(
                    r.trace
                        .hops
                        .into_iter()
                        .filter(|h| h.direction == Direction::Request),
                );
            }
            None => {
                if let Some(h) = trace.hops.last_mut() {
                    h.steps.push(Step::Tunnel {
                        how: format!("the API server hands the stream to the kubelet on {node}"),
                    });
                }
            }
        }
        let Some(pod_host) = self.sim.world.pod_hosts.get(&f.pod).copied() else {
            note.stderr = "error: lost connection to pod\n".into();
            return broken(trace, note);
        };
        if let Some(h) = trace.hops.last_mut() {
            h.steps.push(Step::Tunnel {
                how: format!(
                    "containerd connects inside the pod's network namespace to 127.0.0.1:{}",
                    f.port
                ),
            });
        }
        // Inside the pod: a connection to its own loopback.
        let p = self.ephemeral_port();
        let target = SocketAddrV4::new(Ipv4Addr::LOCALHOST, f.port);
        let r = self
            .sim
            .world
            .net
            .connect(pod_host, p, target, now, &mut self.sim.rng);
        trace.hops.extend(
            r.trace
                .hops
                .into_iter()
                .filter(|h| h.direction == Direction::Request),
        );
        match r.outcome {
            ConnectOutcome::Established {
                server,
                listener,
                peer_seen_by_server,
                server_addr,
                ..
            } => {
                trace.outcome = Some(TraceOutcome::Answered {
                    host: self.sim.world.net.host(server).name.clone(),
                    process: listener.process.clone(),
                });
                (
                    ConnectResult {
                        outcome: ConnectOutcome::Established {
                            server,
                            listener,
                            local,
                            peer_seen_by_server,
                            server_addr,
                        },
                        trace,
                        rtt_us: r.rtt_us + 1200,
                    },
                    note,
                )
            }
            _ => {
                trace.outcome = r.trace.outcome;
                let uid = pod.metadata.uid.clone().unwrap_or_default();
                let sandbox = crate::cluster::objects::container_id(&pod, "pause", 0);
                let stamp = crate::time::DateTime::at(now);
                let pid = self.forwards.pid(f).unwrap_or(4242);
                // klog's header, then the error as kubectl 1.31 logs it
                // (`runtime.HandleError`); kubectl then stops forwarding.
                note.stderr = format!(
                    "E{:02}{:02} {:02}:{:02}:{:02}.{:06} {pid:>7} portforward.go:413] \"Unhandled Error\" err=\"an error occurred forwarding {} -> {}: error forwarding port {} to pod {sandbox}, uid : failed to execute portforward in network namespace \\\"/var/run/netns/cni-{}\\\": failed to connect to localhost:{} inside namespace \\\"{sandbox}\\\", IPv4: dial tcp4 127.0.0.1:{}: connect: connection refused IPv6 dial tcp6: address localhost: no suitable address found \"\nerror: lost connection to pod\n",
                    stamp.month,
                    stamp.day,
                    stamp.hour,
                    stamp.minute,
                    stamp.second,
                    (now % 1000) * 1000 + 231,
                    f.local,
                    f.port,
                    f.port,
                    &uid,
                    f.port,
                    f.port,
                );
                self.forwards.lost(f);
                broken(trace, note)
            }
        }
    }
}
