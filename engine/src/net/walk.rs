//! The packet walk: how a SYN or an echo request travels from host to host,
//! and how the reply finds its way back through conntrack.
//!
//! At each host the order is the kernel's: conntrack lookup, the nat
//! PREROUTING (or OUTPUT, for a packet the host sent) hook, the routing
//! decision, filter INPUT or FORWARD (or OUTPUT), nat POSTROUTING, then ARP
//! for the next hop on the outgoing interface's segment.

use super::conntrack::{Finish, Tuple};
use super::netfilter::{CtState, EvalEnv, PacketView, Protocol, Rewrite, Table, Verdict};
use super::trace::{
    Direction, DropReason, Encapsulation, HookWalk, Hop, Link, RewriteKind, Step, Trace,
    TraceOutcome,
};
use super::{HostId, Listener, Network};
use crate::rng::SimRng;
use crate::time::Millis;
use std::net::{Ipv4Addr, SocketAddrV4};

/// A packet on the wire. ICMP uses port 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Packet {
    pub src: SocketAddrV4,
    pub dst: SocketAddrV4,
    pub proto: Protocol,
    pub mark: u32,
}

/// More forwarding steps than any sane topology needs: a routing loop.
const MAX_HOPS: usize = 32;
/// Time for a frame to cross one link and be processed, in microseconds.
const LINK_LATENCY_US: u64 = 95;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectOutcome {
    /// The three-way handshake completed.
    Established {
        server: HostId,
        listener: Listener,
        /// The client's own address and port.
        local: SocketAddrV4,
        /// The client's address as the server sees it (after any SNAT).
        peer_seen_by_server: SocketAddrV4,
        /// The address the server accepted on (after any DNAT).
        server_addr: SocketAddrV4,
    },
    /// A RST or an ICMP port unreachable came back at once (ECONNREFUSED).
    Refused { at: HostId, reason: DropReason },
    /// The sender had no route (ENETUNREACH), at once.
    NetUnreachable { reason: DropReason },
    /// ARP for the next hop failed (EHOSTUNREACH), after about 3 s.
    HostUnreachable { at: HostId, reason: DropReason },
    /// The SYN (or the SYN-ACK) was silently lost; the client times out.
    Lost { at: HostId, reason: DropReason },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectResult {
    pub outcome: ConnectOutcome,
    pub trace: Trace,
    /// Round-trip time of the handshake, in microseconds.
    pub rtt_us: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PingResult {
    Reply { ttl: u8, rtt_us: u64, trace: Trace },
    NoReply { trace: Trace, immediate: bool },
}

enum End {
    Local { host: HostId, pkt: Packet },
    Stopped { host: HostId, reason: DropReason },
}

enum Next {
    Forward {
        to: HostId,
        in_iface: String,
        /// The packet went inside an outer one, which `to` takes apart.
        decap: Option<Encapsulation>,
    },
    Local,
    Stop(DropReason),
}

impl Network {
    /// The source address the kernel would pick to reach `dst` from `host`,
    /// or `None` when there is no route.
    pub fn source_for(&self, host: HostId, dst: Ipv4Addr) -> Option<Ipv4Addr> {
        let h = self.host(host);
        if h.is_local(dst) {
            return Some(dst);
        }
        let r = h.routes.lookup(dst)?;
        // A device with no address of its own (Calico's `cali…` veths):
        // the kernel takes the host's first address (`inet_select_addr`).
        r.src
            .or_else(|| h.iface(&r.dev).and_then(|i| i.addr).map(|a| a.addr()))
            .or_else(|| h.interfaces.iter().find_map(|i| i.addr).map(|a| a.addr()))
    }

    /// Opens a TCP connection from `from` to `dst`, walking the SYN there and
    /// the SYN-ACK back.
    pub fn connect(
        &mut self,
        from: HostId,
        src_port: u16,
        dst: SocketAddrV4,
        now: Millis,
        rng: &mut SimRng,
    ) -> ConnectResult {
        self.exchange(Protocol::Tcp, from, src_port, dst, now, rng)
    }

    /// Sends one UDP datagram from `from` to `dst` and walks the answer of
    /// the process bound there back (a DNS query and its response).
    /// `Established` means the answer arrived; `Refused` is an ICMP port
    /// unreachable (nothing bound, or a REJECT rule), which the client's
    /// next read reports as ECONNREFUSED; `Lost` leaves it waiting.
    pub fn exchange_udp(
        &mut self,
        from: HostId,
        src_port: u16,
        dst: SocketAddrV4,
        now: Millis,
        rng: &mut SimRng,
    ) -> ConnectResult {
        self.exchange(Protocol::Udp, from, src_port, dst, now, rng)
    }

    /// A request and its answer, and what conntrack makes of it on every
    /// host it crossed: a TCP connection the client closes lingers in
    /// TIME_WAIT, one refused with a reset in CLOSE, an answered datagram
    /// is replied, and what went unanswered stays `[UNREPLIED]`.
    fn exchange(
        &mut self,
        proto: Protocol,
        from: HostId,
        src_port: u16,
        dst: SocketAddrV4,
        now: Millis,
        rng: &mut SimRng,
    ) -> ConnectResult {
        let r = self.exchange_once(proto, from, src_port, dst, now, rng);
        let how = match (&r.outcome, proto) {
            (ConnectOutcome::Established { .. }, Protocol::Udp) => Finish::Answered,
            (ConnectOutcome::Established { .. }, _) => Finish::Closed,
            (
                ConnectOutcome::Refused {
                    reason: DropReason::NothingListening { .. },
                    ..
                },
                Protocol::Tcp,
            ) => Finish::Reset,
            _ => Finish::Unanswered,
        };
        self.finish_conntrack(&r, proto, now, how);
        r
    }

    /// Sets what the connection of `r` became in the conntrack table of
    /// each host its request crossed (an ssh session stays `Open`).
    pub fn finish_conntrack(
        &mut self,
        r: &ConnectResult,
        proto: Protocol,
        now: Millis,
        how: Finish,
    ) {
        for hop in r
            .trace
            .hops
            .iter()
            .filter(|h| h.direction == Direction::Request)
        {
            let Some(id) = self.host_id(&hop.host) else {
                continue;
            };
            let original = Tuple {
                proto,
                src: hop.src,
                dst: hop.dst,
            };
            self.host_mut(id).conntrack.finish(now, original, how);
        }
    }

    fn exchange_once(
        &mut self,
        proto: Protocol,
        from: HostId,
        src_port: u16,
        dst: SocketAddrV4,
        now: Millis,
        rng: &mut SimRng,
    ) -> ConnectResult {
        let mut trace = Trace::default();
        let Some(src_ip) = self.source_for(from, *dst.ip()) else {
            let reason = DropReason::NoRoute { dst: *dst.ip() };
            self.stop_at_source(from, dst, &reason, &mut trace);
            return ConnectResult {
                outcome: ConnectOutcome::NetUnreachable { reason },
                trace,
                rtt_us: 0,
            };
        };
        let local = SocketAddrV4::new(src_ip, src_port);
        let syn = Packet {
            src: local,
            dst,
            proto,
            mark: 0,
        };
        let request_hops_before = trace.hops.len();
        match self.walk(from, syn, Direction::Request, now, rng, &mut trace) {
            End::Stopped { host, reason } => {
                set_outcome(&mut trace, self.host(host).name.clone(), reason.clone());
                let outcome = classify_stop(host, reason);
                ConnectResult {
                    outcome,
                    trace,
                    rtt_us: 0,
                }
            }
            End::Local { host, pkt } => {
                let server = host;
                let Some(listener) = self
                    .host(server)
                    .listener(proto, *pkt.dst.ip(), pkt.dst.port())
                    .cloned()
                else {
                    let reason = match proto {
                        Protocol::Udp => DropReason::PortUnreachable { addr: pkt.dst },
                        _ => DropReason::NothingListening { addr: pkt.dst },
                    };
                    mark_stopped(&mut trace, &reason);
                    set_outcome(&mut trace, self.host(server).name.clone(), reason.clone());
                    return ConnectResult {
                        outcome: ConnectOutcome::Refused { at: server, reason },
                        trace,
                        rtt_us: 0,
                    };
                };
                if let Some(last) = trace.hops.last_mut() {
                    last.steps.push(Step::Accepted {
                        process: listener.process.clone(),
                        addr: pkt.dst,
                    });
                }
                let request_links = trace.hops.len() - request_hops_before - 1;
                let synack = Packet {
                    src: pkt.dst,
                    dst: pkt.src,
                    proto,
                    mark: 0,
                };
                let reply_start = trace.hops.len();
                let end = self.walk(server, synack, Direction::Reply, now, rng, &mut trace);
                let reply_links = trace.hops.len() - reply_start - 1;
                let rtt_us = (request_links + reply_links) as u64 * LINK_LATENCY_US + 40;
                match end {
                    End::Local { host, pkt: back }
                        if host == from && back.dst == local && back.src == dst =>
                    {
                        trace.outcome = Some(TraceOutcome::Answered {
                            host: self.host(server).name.clone(),
                            process: listener.process.clone(),
                        });
                        ConnectResult {
                            outcome: ConnectOutcome::Established {
                                server,
                                listener,
                                local,
                                peer_seen_by_server: pkt.src,
                                server_addr: pkt.dst,
                            },
                            trace,
                            rtt_us,
                        }
                    }
                    End::Local { host, pkt: back } => {
                        let reason = DropReason::ReplyFromWrongAddress {
                            expected: dst,
                            got: back.src,
                        };
                        mark_stopped(&mut trace, &reason);
                        set_outcome(&mut trace, self.host(host).name.clone(), reason.clone());
                        ConnectResult {
                            outcome: ConnectOutcome::Lost { at: host, reason },
                            trace,
                            rtt_us,
                        }
                    }
                    End::Stopped { host, reason } => {
                        set_outcome(&mut trace, self.host(host).name.clone(), reason.clone());
                        ConnectResult {
                            outcome: ConnectOutcome::Lost { at: host, reason },
                            trace,
                            rtt_us,
                        }
                    }
                }
            }
        }
    }

    /// Sends one ICMP echo request and walks the reply back.
    pub fn ping(
        &mut self,
        from: HostId,
        dst: Ipv4Addr,
        now: Millis,
        rng: &mut SimRng,
    ) -> PingResult {
        let mut trace = Trace::default();
        let target = SocketAddrV4::new(dst, 0);
        let Some(src_ip) = self.source_for(from, dst) else {
            let reason = DropReason::NoRoute { dst };
            self.stop_at_source(from, target, &reason, &mut trace);
            return PingResult::NoReply {
                trace,
                immediate: true,
            };
        };
        let echo = Packet {
            src: SocketAddrV4::new(src_ip, 0),
            dst: target,
            proto: Protocol::Icmp,
            mark: 0,
        };
        match self.walk(from, echo, Direction::Request, now, rng, &mut trace) {
            End::Stopped { host, reason } => {
                let immediate = reason.is_immediate();
                set_outcome(&mut trace, self.host(host).name.clone(), reason);
                PingResult::NoReply { trace, immediate }
            }
            End::Local { host, pkt } => {
                let request_links = trace.hops.len() - 1;
                let reply = Packet {
                    src: pkt.dst,
                    dst: pkt.src,
                    proto: Protocol::Icmp,
                    mark: 0,
                };
                let start = trace.hops.len();
                let end = self.walk(host, reply, Direction::Reply, now, rng, &mut trace);
                let reply_links = trace.hops.len() - start - 1;
                match end {
                    End::Local { host: h, pkt: back } if h == from && back.src == target => {
                        trace.outcome = Some(TraceOutcome::Answered {
                            host: self.host(host).name.clone(),
                            process: "the kernel (ICMP echo)".into(),
                        });
                        // Every host between the two forwarded the reply and took one off its TTL.
                        let routers = reply_links.saturating_sub(1);
                        PingResult::Reply {
                            ttl: 64u8.saturating_sub(routers as u8),
                            rtt_us: (request_links + reply_links) as u64 * LINK_LATENCY_US + 40,
                            trace,
                        }
                    }
                    End::Local { host: h, .. } => {
                        set_outcome(
                            &mut trace,
                            self.host(h).name.clone(),
                            DropReason::ReplyFromWrongAddress {
                                expected: target,
                                got: target,
                            },
                        );
                        PingResult::NoReply {
                            trace,
                            immediate: false,
                        }
                    }
                    End::Stopped { host: h, reason } => {
                        set_outcome(&mut trace, self.host(h).name.clone(), reason);
                        PingResult::NoReply {
                            trace,
                            immediate: false,
                        }
                    }
                }
            }
        }
    }

    fn stop_at_source(
        &self,
        from: HostId,
        dst: SocketAddrV4,
        reason: &DropReason,
        trace: &mut Trace,
    ) {
        let h = self.host(from);
        trace.hops.push(Hop {
            host: h.name.clone(),
            direction: Direction::Request,
            in_iface: None,
            src: SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 0),
            dst,
            steps: vec![Step::Stopped {
                reason: reason.clone(),
            }],
            left_by: None,
        });
        set_outcome(trace, h.name.clone(), reason.clone());
    }

    fn walk(
        &mut self,
        start: HostId,
        mut pkt: Packet,
        direction: Direction,
        now: Millis,
        rng: &mut SimRng,
        trace: &mut Trace,
    ) -> End {
        let mut at = start;
        let mut in_iface: Option<String> = None;
        let mut decap: Option<Encapsulation> = None;
        for _ in 0..MAX_HOPS {
            let mut hop = Hop {
                host: self.host(at).name.clone(),
                direction,
                in_iface: in_iface.clone(),
                src: pkt.src,
                dst: pkt.dst,
                steps: decap.take().map(Step::Decapsulated).into_iter().collect(),
                left_by: None,
            };
            let next = self.process_at(at, &mut pkt, in_iface.as_deref(), now, rng, &mut hop);
            if let Next::Stop(reason) = &next {
                hop.steps.push(Step::Stopped {
                    reason: reason.clone(),
                });
            }
            trace.hops.push(hop);
            match next {
                Next::Forward {
                    to,
                    in_iface: i,
                    decap: outer,
                } => {
                    at = to;
                    in_iface = Some(i);
                    decap = outer;
                    // A mark lives in the kernel's buffer, not on the wire.
                    pkt.mark = 0;
                }
                Next::Local => return End::Local { host: at, pkt },
                Next::Stop(reason) => return End::Stopped { host: at, reason },
            }
        }
        End::Stopped {
            host: at,
            reason: DropReason::TtlExceeded,
        }
    }

    /// One host's handling of one packet.
    fn process_at(
        &mut self,
        at: HostId,
        pkt: &mut Packet,
        in_iface: Option<&str>,
        now: Millis,
        rng: &mut SimRng,
        hop: &mut Hop,
    ) -> Next {
        let sent_here = in_iface.is_none();
        let arrived = Tuple {
            proto: pkt.proto,
            src: pkt.src,
            dst: pkt.dst,
        };

        // Conntrack first: a reply to a NATed connection is rewritten back,
        // and never sees the nat table.
        let mut ct_state = CtState::New;
        let (mut ct_snat, mut ct_dnat) = (false, false);
        if let Some(e) = self.host(at).conntrack.find_reply(now, arrived).cloned() {
            ct_state = CtState::Established;
            hop.steps.push(Step::Conntrack {
                src: e.original.src,
                dst: e.original.dst,
            });
            ct_snat = e.original.src != e.reply.dst;
            ct_dnat = e.original.dst != e.reply.src;
            if e.is_natted() {
                let before_dst = pkt.dst;
                let before_src = pkt.src;
                pkt.src = e.original.dst;
                pkt.dst = e.original.src;
                if before_dst != pkt.dst {
                    hop.steps.push(Step::Rewrite {
                        kind: RewriteKind::UnNat,
                        from: before_dst,
                        to: pkt.dst,
                    });
                }
                if before_src != pkt.src {
                    hop.steps.push(Step::Rewrite {
                        kind: RewriteKind::UnNat,
                        from: before_src,
                        to: pkt.src,
                    });
                }
            }
        }
        let is_new = ct_state == CtState::New;

        let mut view = PacketView {
            src: *pkt.src.ip(),
            dst: *pkt.dst.ip(),
            proto: pkt.proto,
            sport: pkt.src.port(),
            dport: pkt.dst.port(),
            in_iface: in_iface.map(str::to_string),
            out_iface: None,
            mark: pkt.mark,
            ct_state,
            ct_snat,
            ct_dnat,
        };

        // nat PREROUTING / OUTPUT: where kube-proxy's DNAT happens.
        if is_new {
            let chain = if sent_here { "OUTPUT" } else { "PREROUTING" };
            if let Err(reason) =
                self.hook(at, Table::Nat, chain, &mut view, None, now, rng, hop, pkt)
            {
                return Next::Stop(reason);
            }
        }

        // Routing decision.
        let host = self.host(at);
        if host.is_local(view.dst) {
            hop.steps.push(Step::LocalDelivery { addr: view.dst });
            if !sent_here {
                if let Err(reason) = self.hook(
                    at,
                    Table::Filter,
                    "INPUT",
                    &mut view,
                    None,
                    now,
                    rng,
                    hop,
                    pkt,
                ) {
                    return Next::Stop(reason);
                }
            }
            if is_new {
                self.confirm(at, now, arrived, pkt);
            }
            return Next::Local;
        }
        if !sent_here && !host.forwarding {
            return Next::Stop(DropReason::NotForwarding { dst: view.dst });
        }
        let Some(route) = host.routes.lookup(view.dst).cloned() else {
            return Next::Stop(if sent_here {
                DropReason::NoRoute { dst: view.dst }
            } else {
                DropReason::NoRouteOnRouter { dst: view.dst }
            });
        };
        hop.steps.push(Step::Route {
            line: route.to_string(),
        });
        view.out_iface = Some(route.dev.clone());
        // MASQUERADE takes the out device's address; a device with none
        // (Calico's veths) gives the host's first, as the kernel picks it.
        let out_addr = host
            .iface(&route.dev)
            .and_then(|i| i.addr)
            .or_else(|| host.interfaces.iter().find_map(|i| i.addr))
            .map(|a| a.addr());
        let segment = host.iface(&route.dev).and_then(|i| i.segment);

        let filter_chain = if sent_here { "OUTPUT" } else { "FORWARD" };
        if let Err(reason) = self.hook(
            at,
            Table::Filter,
            filter_chain,
            &mut view,
            None,
            now,
            rng,
            hop,
            pkt,
        ) {
            return Next::Stop(reason);
        }
        if is_new {
            if let Err(reason) = self.hook(
                at,
                Table::Nat,
                "POSTROUTING",
                &mut view,
                out_addr,
                now,
                rng,
                hop,
                pkt,
            ) {
                return Next::Stop(reason);
            }
            self.confirm(at, now, arrived, pkt);
        }

        let next_hop = route.via.unwrap_or(view.dst);
        // ARP: this host learns the next hop's address (or that it has
        // none), and the next hop learns this host's from the request.
        if let Some(seg) = segment {
            let found = self
                .neighbour(seg, next_hop)
                .map(|(id, i)| (id, i.mac, i.name.clone()));
            let my = self
                .host(at)
                .iface(&route.dev)
                .map(|i| (i.mac, i.addr.map(|a| a.addr())));
            let dev = route.dev.clone();
            match &found {
                Some((_, mac, _)) => self
                    .host_mut(at)
                    .learn(next_hop, &dev, Some(*mac), Some(now)),
                None => self.host_mut(at).learn(next_hop, &dev, None, None),
            }
            if let (Some((id, _, their_dev)), Some((mac, Some(addr)))) = (found, my) {
                if id != at {
                    self.host_mut(id).learn(addr, &their_dev, Some(mac), None);
                }
            }
        }
        let neighbour = segment.and_then(|s| {
            self.neighbour(s, next_hop)
                .map(|(id, i)| (id, i.name.clone()))
                .map(|(id, i)| self.bridge_netfilter(at, s, id, i, now, pkt))
        });
        match neighbour {
            Some((id, iface)) if id != at => {
                // Out of a VXLAN device, the frame travels inside a UDP
                // packet to the far VTEP, over the underlay.
                let encap = match self
                    .host(at)
                    .iface(&route.dev)
                    .and_then(|i| i.vxlan.clone())
                {
                    Some(vx) => match self.encapsulate(at, id, &route.dev, &iface, &vx, pkt, now) {
                        Ok(e) => Some(e),
                        Err(reason) => return Next::Stop(reason),
                    },
                    None => None,
                };
                hop.left_by = Some(Link {
                    out_iface: route.dev.clone(),
                    next_host: self.host(id).name.clone(),
                    in_iface: iface.clone(),
                    segment: segment
                        .map(|s| self.segments[s].name.clone())
                        .unwrap_or_default(),
                    encap: encap.clone(),
                });
                Next::Forward {
                    to: id,
                    in_iface: iface,
                    decap: encap,
                }
            }
            _ => Next::Stop(DropReason::NeighbourUnreachable {
                next_hop,
                iface: route.dev.clone(),
            }),
        }
    }

    /// The outer packet of a frame `at` sends out of its VXLAN device
    /// `dev` to `remote`'s device `remote_dev`: the forwarding database
    /// names the far VTEP's underlay address, the underlay route and ARP
    /// reach it, and the UDP source port is a hash of the inner flow (as
    /// the kernel's `udp_flow_src_port`). Fails as ARP does when the far
    /// node cannot be reached on the underlay.
    #[allow(clippy::too_many_arguments)]
    fn encapsulate(
        &mut self,
        at: HostId,
        remote: HostId,
        dev: &str,
        remote_dev: &str,
        vx: &super::Vxlan,
        pkt: &Packet,
        now: Millis,
    ) -> Result<Encapsulation, DropReason> {
        let here = self.host(at);
        let there = self.host(remote);
        let local_mac = here.iface(dev).map(|i| i.mac).unwrap_or_default();
        let remote_mac = there.iface(remote_dev).map(|i| i.mac).unwrap_or_default();
        let remote_port = there
            .iface(remote_dev)
            .and_then(|i| i.vxlan.as_ref())
            .map_or(vx.port, |v| v.port);
        let vtep = here
            .fdb
            .iter()
            .find(|f| f.dev == dev && f.mac == remote_mac)
            .map(|f| f.dst);
        let unreachable = |next_hop| DropReason::NeighbourUnreachable {
            next_hop,
            iface: vx.dev.clone(),
        };
        let Some(vtep) = vtep else {
            return Err(unreachable(Ipv4Addr::UNSPECIFIED));
        };
        let Some(route) = here.routes.lookup(vtep).cloned() else {
            return Err(DropReason::NoRoute { dst: vtep });
        };
        let next_hop = route.via.unwrap_or(vtep);
        let Some(segment) = here.iface(&route.dev).and_then(|i| i.segment) else {
            return Err(unreachable(next_hop));
        };
        let Some((peer, peer_iface)) = self
            .neighbour(segment, next_hop)
            .map(|(id, i)| (id, i.clone()))
        else {
            self.host_mut(at).learn(next_hop, &route.dev, None, None);
            return Err(unreachable(next_hop));
        };
        if peer != remote {
            return Err(unreachable(next_hop));
        }
        let my = here.iface(&route.dev).cloned();
        self.host_mut(at)
            .learn(next_hop, &route.dev, Some(peer_iface.mac), Some(now));
        if let Some(my) = my.as_ref() {
            if let Some(a) = my.addr {
                self.host_mut(peer)
                    .learn(a.addr(), &peer_iface.name, Some(my.mac), None);
            }
        }
        let flow = format!("{}>{}/{:?}", pkt.src, pkt.dst, pkt.proto);
        let (lo, hi) = super::VXLAN_SRC_PORTS;
        let span = u32::from(hi - lo) + 1;
        let sport = lo + (crate::text::fnv1a(flow.as_bytes()) % span) as u16;
        Ok(Encapsulation {
            device: dev.to_string(),
            vni: vx.vni,
            inner_src: pkt.src,
            inner_dst: pkt.dst,
            inner_src_mac: local_mac,
            inner_dst_mac: remote_mac,
            outer_src: SocketAddrV4::new(vx.local, sport),
            outer_dst: SocketAddrV4::new(vtep, remote_port),
            underlay_out: route.dev.clone(),
            underlay_in: peer_iface.name.clone(),
            underlay_segment: self.segments[segment].name.clone(),
        })
    }

    /// `br_netfilter` (which kubeadm requires): a frame a pod sends to
    /// another port of its node's bridge passes the node's netfilter hooks.
    /// It matters when the node's conntrack has translated the connection,
    /// e.g. a pod's reply to a pod on the same node that reached it through a
    /// ClusterIP: the node must undo the DNAT. Such a frame is walked through
    /// the node; any other bridged frame goes straight to its neighbour.
    fn bridge_netfilter(
        &self,
        at: HostId,
        segment: super::SegmentId,
        neighbour: HostId,
        iface: String,
        now: Millis,
        pkt: &Packet,
    ) -> (HostId, String) {
        if self.host(at).kind != super::HostKind::Pod {
            return (neighbour, iface);
        }
        let tuple = Tuple {
            proto: pkt.proto,
            src: pkt.src,
            dst: pkt.dst,
        };
        let bridge = self.hosts.iter().enumerate().find_map(|(id, h)| {
            if id == at || id == neighbour || h.kind != super::HostKind::Node {
                return None;
            }
            let port = h
                .interfaces
                .iter()
                .find(|i| i.segment == Some(segment) && i.addr.is_some())?;
            h.conntrack
                .find_reply(now, tuple)
                .filter(|e| e.is_natted())
                .map(|_| (id, port.name.clone()))
        });
        bridge.unwrap_or((neighbour, iface))
    }

    /// Records the connection in the host's conntrack table once it passed
    /// every hook, as the kernel confirms an entry at the end of the path.
    fn confirm(&mut self, at: HostId, now: Millis, arrived: Tuple, pkt: &Packet) {
        let reply = Tuple {
            proto: pkt.proto,
            src: pkt.dst,
            dst: pkt.src,
        };
        self.host_mut(at).conntrack.insert(now, arrived, reply);
    }

    /// Runs one netfilter hook and applies its verdict and rewrites.
    #[allow(clippy::too_many_arguments)]
    fn hook(
        &mut self,
        at: HostId,
        table: Table,
        chain: &str,
        view: &mut PacketView,
        masquerade_addr: Option<Ipv4Addr>,
        now: Millis,
        rng: &mut SimRng,
        hop: &mut Hop,
        pkt: &mut Packet,
    ) -> Result<(), DropReason> {
        let host = &mut self.hosts[at];
        if host
            .netfilter
            .chain(table, chain)
            .is_none_or(|c| c.rules.is_empty() && c.policy != Some(super::netfilter::Policy::Drop))
        {
            host.netfilter.count_policy(table, chain, view.proto);
            hop.steps.push(Step::Hook(HookWalk {
                table,
                chain: chain.to_string(),
                events: vec![],
                verdict: Verdict::Accept,
            }));
            return Ok(());
        }
        let locals: Vec<Ipv4Addr> = host
            .interfaces
            .iter()
            .filter_map(|i| i.addr.map(|a| a.addr()))
            .collect();
        let is_local = move |a: Ipv4Addr| a.is_loopback() || locals.contains(&a);
        let mut env = EvalEnv {
            now,
            rng,
            is_local: &is_local,
            masquerade_addr,
        };
        let before_dst = pkt.dst;
        let before_src = pkt.src;
        let mut result = host.netfilter.run_hook(table, chain, view, &mut env);
        hop.steps.push(Step::Hook(HookWalk {
            table,
            chain: chain.to_string(),
            events: std::mem::take(&mut result.walk),
            verdict: result.verdict.clone(),
        }));
        for hit in &result.hits {
            hop.steps.push(Step::Rule { hit: hit.clone() });
        }
        pkt.mark = view.mark;
        match &result.rewrite {
            Some(Rewrite::Dnat { .. }) => {
                pkt.dst = SocketAddrV4::new(view.dst, view.dport);
                hop.steps.push(Step::Rewrite {
                    kind: RewriteKind::Dnat,
                    from: before_dst,
                    to: pkt.dst,
                });
            }
            Some(Rewrite::Snat { .. }) => {
                pkt.src = SocketAddrV4::new(view.src, view.sport);
                hop.steps.push(Step::Rewrite {
                    kind: RewriteKind::Snat,
                    from: before_src,
                    to: pkt.src,
                });
            }
            None => {}
        }
        match result.verdict {
            Verdict::Accept => Ok(()),
            Verdict::Drop => Err(match result.decided_by {
                Some(hit) => DropReason::DroppedByRule { hit },
                None => DropReason::PolicyDrop {
                    table,
                    chain: chain.to_string(),
                },
            }),
            Verdict::Reject => Err(match result.decided_by {
                Some(hit) => DropReason::RejectedByRule { hit },
                None => DropReason::PolicyDrop {
                    table,
                    chain: chain.to_string(),
                },
            }),
        }
    }
}

fn classify_stop(host: HostId, reason: DropReason) -> ConnectOutcome {
    match reason {
        DropReason::NoRoute { .. } => ConnectOutcome::NetUnreachable { reason },
        DropReason::RejectedByRule { .. }
        | DropReason::NothingListening { .. }
        | DropReason::PortUnreachable { .. } => ConnectOutcome::Refused { at: host, reason },
        DropReason::NeighbourUnreachable { .. } => {
            ConnectOutcome::HostUnreachable { at: host, reason }
        }
        _ => ConnectOutcome::Lost { at: host, reason },
    }
}

fn mark_stopped(trace: &mut Trace, reason: &DropReason) {
    if let Some(last) = trace.hops.last_mut() {
        last.steps.push(Step::Stopped {
            reason: reason.clone(),
        });
    }
}

fn set_outcome(trace: &mut Trace, host: String, reason: DropReason) {
    trace.outcome = Some(TraceOutcome::Stopped { host, reason });
}
