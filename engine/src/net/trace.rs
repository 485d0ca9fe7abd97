//! What a packet did, hop by hop: the record every probe returns, which the
//! shell summarises, the UI draws, and lessons check against.

use super::netfilter::{RuleHit, Table, Verdict, WalkEvent};
use std::fmt;
use std::net::{Ipv4Addr, SocketAddrV4};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The client's first packet (a TCP SYN or an ICMP echo request).
    Request,
    /// The server's answer travelling back.
    Reply,
}

/// Why a packet went no further. The UI turns each into a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DropReason {
    /// The sending host has no route for the destination (ENETUNREACH).
    NoRoute { dst: Ipv4Addr },
    /// A router has no route for the destination.
    NoRouteOnRouter { dst: Ipv4Addr },
    /// Nobody on the link answered ARP for the next hop (EHOSTUNREACH).
    NeighbourUnreachable { next_hop: Ipv4Addr, iface: String },
    /// A netfilter rule dropped the packet silently.
    DroppedByRule { hit: RuleHit },
    /// A netfilter rule rejected it with icmp-port-unreachable (ECONNREFUSED).
    RejectedByRule { hit: RuleHit },
    /// A built-in chain's policy dropped it.
    PolicyDrop { table: Table, chain: String },
    /// The packet reached a host that does not forward and is not its destination.
    NotForwarding { dst: Ipv4Addr },
    /// Nothing listens on the port: the kernel answered with a TCP RST.
    NothingListening { addr: SocketAddrV4 },
    /// Nothing is bound to the UDP port: the kernel answered with ICMP port
    /// unreachable, which the client reads as ECONNREFUSED.
    PortUnreachable { addr: SocketAddrV4 },
    /// The reply came from an address the client never sent to, so the
    /// client's kernel discarded it.
    ReplyFromWrongAddress {
        expected: SocketAddrV4,
        got: SocketAddrV4,
    },
    /// Forwarded too many times (a routing loop).
    TtlExceeded,
}

impl DropReason {
    /// Whether the client learns about it at once (refused / unreachable)
    /// rather than waiting for a timeout.
    pub fn is_immediate(&self) -> bool {
        matches!(
            self,
            DropReason::NoRoute { .. }
                | DropReason::RejectedByRule { .. }
                | DropReason::NothingListening { .. }
                | DropReason::PortUnreachable { .. }
                | DropReason::NeighbourUnreachable { .. }
        )
    }
}

impl fmt::Display for DropReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DropReason::NoRoute { dst } => write!(
                f,
                "the sender has no route to {dst}, so the packet never left (Network is unreachable)"
            ),
            DropReason::NoRouteOnRouter { dst } => {
                write!(f, "this router has no route to {dst} and discarded the packet")
            }
            DropReason::NeighbourUnreachable { next_hop, iface } => write!(
                f,
                "no host on the {iface} link answered ARP for {next_hop}, so the packet could not be delivered (No route to host)"
            ),
            DropReason::DroppedByRule { hit } => write!(
                f,
                "rule {} of the {} chain ({} table) dropped the packet without a reply",
                hit.index,
                hit.chain,
                hit.table.name()
            ),
            DropReason::RejectedByRule { hit } => write!(
                f,
                "rule {} of the {} chain ({} table) rejected the packet, so the client was refused at once",
                hit.index,
                hit.chain,
                hit.table.name()
            ),
            DropReason::PolicyDrop { table, chain } => write!(
                f,
                "no rule accepted the packet and the {chain} chain's policy ({} table) is DROP",
                table.name()
            ),
            DropReason::NotForwarding { dst } => write!(
                f,
                "the packet for {dst} arrived at a host that is not {dst} and does not forward packets"
            ),
            DropReason::NothingListening { addr } => write!(
                f,
                "nothing listens on {addr}, so the kernel answered with a TCP reset (connection refused)"
            ),
            DropReason::PortUnreachable { addr } => write!(
                f,
                "nothing is bound to UDP {addr}, so the kernel answered with ICMP port unreachable (connection refused)"
            ),
            DropReason::ReplyFromWrongAddress { expected, got } => write!(
                f,
                "the reply came from {got}, but the client was talking to {expected}, so the client discarded it"
            ),
            DropReason::TtlExceeded => f.write_str("the packet looped until its TTL ran out"),
        }
    }
}

/// One thing that happened to the packet on a host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The routing decision: the `ip route` line chosen, or local delivery.
    Route { line: String },
    /// The packet is for one of this host's own addresses.
    LocalDelivery { addr: Ipv4Addr },
    /// A netfilter rule matched.
    Rule { hit: RuleHit },
    /// An address rewrite: DNAT, SNAT/MASQUERADE, or conntrack undoing them on a reply.
    Rewrite {
        kind: RewriteKind,
        from: SocketAddrV4,
        to: SocketAddrV4,
    },
    /// A process accepted the packet.
    Accepted { process: String, addr: SocketAddrV4 },
    /// The bytes go on inside another connection, not as packets of their
    /// own: `kubectl port-forward`'s stream through the API server and the
    /// kubelet. `how` says where they go.
    Tunnel { how: String },
    /// An HTTP proxy (Traefik) ended the client's connection here and sent
    /// the request on over a connection of its own: the router whose rule
    /// matched, the backend it chose, its own connection's two ends, and the
    /// headers it added. The hops of that connection follow.
    /// The proxy answered the request itself (no router matched, or its
    /// backend could not be used): `why` in words.
    ProxyAnswered { program: String, why: String },
    Proxied {
        program: String,
        router: String,
        rule: String,
        backend: String,
        from: SocketAddrV4,
        to: SocketAddrV4,
        added: Vec<(String, String)>,
    },
    /// The packet stopped here.
    Stopped { reason: DropReason },
    /// The packet went through a netfilter hook: the whole walk of its
    /// chain, jumps and folded misses included. Its matched rules and
    /// rewrites also follow as `Rule` and `Rewrite` steps.
    Hook(HookWalk),
    /// Conntrack knew the packet: it belongs to the connection first seen
    /// going from `src` to `dst` (on this host, before any NAT).
    Conntrack {
        src: SocketAddrV4,
        dst: SocketAddrV4,
    },
    /// The packet arrived inside another: the outer UDP packet came in on
    /// the underlay device, the VXLAN device took it apart, and the inner
    /// packet arrived on the VXLAN device (the first step of its hop).
    Decapsulated(Encapsulation),
}

/// A packet carried across an overlay: the inner frame, as a node's VXLAN
/// device (flannel's `flannel.1`) sent it, inside an outer UDP packet
/// between the two nodes' own addresses (VXLAN header with the VNI, then
/// the inner Ethernet frame), taken out again at the far node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encapsulation {
    /// The VXLAN device at both ends (`flannel.1`).
    pub device: String,
    pub vni: u32,
    /// The inner packet, as it left the VXLAN device.
    pub inner_src: SocketAddrV4,
    pub inner_dst: SocketAddrV4,
    /// The inner Ethernet frame's source and destination: the two VTEPs'
    /// MACs.
    pub inner_src_mac: [u8; 6],
    pub inner_dst_mac: [u8; 6],
    /// The outer packet: UDP from the sending node's underlay address (a
    /// source port hashed from the inner flow) to the receiving node's,
    /// port 8472.
    pub outer_src: SocketAddrV4,
    pub outer_dst: SocketAddrV4,
    /// The underlay link the outer packet crossed: out of this device, in
    /// at that one, over this segment (`eth0`, `eth0`, `lan`).
    pub underlay_out: String,
    pub underlay_in: String,
    pub underlay_segment: String,
}

impl Encapsulation {
    /// Bytes the outer headers add: IPv4 (20), UDP (8), VXLAN (8) and the
    /// inner Ethernet header (14). The reason flannel.1's MTU is 1450.
    pub const OVERHEAD: u32 = 50;

    /// `aa:bb:…` of a MAC.
    pub fn mac_text(mac: &[u8; 6]) -> String {
        mac.iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(":")
    }
}

/// One netfilter hook a packet went through on a host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookWalk {
    pub table: Table,
    /// The built-in chain: `PREROUTING`, `INPUT`, `FORWARD`, `OUTPUT` or
    /// `POSTROUTING`.
    pub chain: String,
    /// What happened in it, in order; empty when the chain has no rules.
    pub events: Vec<WalkEvent>,
    pub verdict: Verdict,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RewriteKind {
    /// Destination NAT (kube-proxy's KUBE-SEP rule).
    Dnat,
    /// Source NAT (MASQUERADE in KUBE-POSTROUTING).
    Snat,
    /// Conntrack reversing the NAT on a reply.
    UnNat,
}

impl fmt::Display for RewriteKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RewriteKind::Dnat => "DNAT",
            RewriteKind::Snat => "SNAT",
            RewriteKind::UnNat => "conntrack reverse NAT",
        })
    }
}

/// How the packet left a host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub out_iface: String,
    pub next_host: String,
    pub in_iface: String,
    /// The L2 segment (the LAN, or a node's `cni0` bridge; `vxlan` for
    /// flannel's overlay between the nodes' `flannel.1` devices).
    pub segment: String,
    /// For an overlay link: how the packet really crossed, inside an outer
    /// UDP packet on the underlay.
    pub encap: Option<Encapsulation>,
}

/// A packet's visit to one host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    pub host: String,
    pub direction: Direction,
    /// The interface it came in on; `None` when the host sent it.
    pub in_iface: Option<String>,
    /// Source and destination as the packet arrived (or was sent).
    pub src: SocketAddrV4,
    pub dst: SocketAddrV4,
    pub steps: Vec<Step>,
    pub left_by: Option<Link>,
}

/// The result of a probe as a story: every hop of the request (and of the
/// reply, when there was one), and how it ended.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Trace {
    /// What was asked, e.g. `curl http://10.244.0.2` from `laptop`.
    pub request: String,
    pub hops: Vec<Hop>,
    pub outcome: Option<TraceOutcome>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TraceOutcome {
    /// The connection was made; the process answered.
    Answered { host: String, process: String },
    /// The packet stopped at `host`.
    Stopped { host: String, reason: DropReason },
    /// The name could not be resolved; no packet was sent.
    NotResolved { name: String },
}

impl Trace {
    /// The hosts visited, in order, without repeats next to each other.
    pub fn path(&self) -> Vec<&str> {
        let mut v: Vec<&str> = vec![];
        for h in &self.hops {
            if v.last() != Some(&h.host.as_str()) {
                v.push(&h.host);
            }
        }
        v
    }

    /// A one-sentence summary of how it ended.
    pub fn summary(&self) -> String {
        match &self.outcome {
            Some(TraceOutcome::Answered { host, process }) => {
                format!("{process} on {host} answered.")
            }
            Some(TraceOutcome::Stopped { host, reason }) => format!("Stopped at {host}: {reason}."),
            Some(TraceOutcome::NotResolved { name }) => {
                format!("The name {name} could not be resolved, so no packet was sent.")
            }
            None => "No packet was sent.".to_string(),
        }
    }
}

/// The trace as text: what the UI shows next to the picture, and what
/// screen readers read.
impl fmt::Display for Trace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.request)?;
        for (i, hop) in self.hops.iter().enumerate() {
            let dir = match hop.direction {
                Direction::Request => "request",
                Direction::Reply => "reply",
            };
            match &hop.in_iface {
                Some(i_f) => writeln!(
                    f,
                    "{}. {} ({dir}, in on {i_f}): {} -> {}",
                    i + 1,
                    hop.host,
                    hop.src,
                    hop.dst
                )?,
                None => writeln!(
                    f,
                    "{}. {} ({dir}, sent): {} -> {}",
                    i + 1,
                    hop.host,
                    hop.src,
                    hop.dst
                )?,
            }
            for s in &hop.steps {
                match s {
                    Step::Route { line } => writeln!(f, "   route: {line}")?,
                    Step::LocalDelivery { addr } => writeln!(f, "   route: {addr} is local")?,
                    Step::Rule { hit } => writeln!(f, "   {}: {}", hit.table.name(), hit.text)?,
                    Step::Rewrite { kind, from, to } => writeln!(f, "   {kind}: {from} -> {to}")?,
                    Step::Accepted { process, addr } => {
                        writeln!(f, "   accepted by {process} on {addr}")?
                    }
                    Step::Stopped { reason } => writeln!(f, "   stopped: {reason}")?,
                    Step::Tunnel { how } => writeln!(f, "   tunnel: {how}")?,
                    Step::ProxyAnswered { program, why } => {
                        writeln!(f, "   answered by {program} itself: {why}")?
                    }
                    Step::Proxied {
                        program,
                        router,
                        rule,
                        backend,
                        from,
                        to,
                        ..
                    } => writeln!(
                        f,
                        "   proxied by {program}: router {router} (rule {rule}) to {backend}: new connection {from} -> {to}"
                    )?,
                    Step::Decapsulated(e) => writeln!(
                        f,
                        "   decapsulated: UDP {} -> {} in on {}, VXLAN VNI {}, inner packet in on {}",
                        e.outer_src, e.outer_dst, e.underlay_in, e.vni, e.device
                    )?,
                    // The walk in detail is for the page's flow; the text
                    // keeps to the rules that matched, listed above.
                    Step::Hook(_) | Step::Conntrack { .. } => {}
                }
            }
            if let Some(l) = &hop.left_by {
                writeln!(
                    f,
                    "   out {} -> {} ({})",
                    l.out_iface, l.next_host, l.segment
                )?;
                if let Some(e) = &l.encap {
                    writeln!(
                        f,
                        "   encapsulated: {} -> {} inside UDP {} -> {}, VXLAN VNI {}, out {} ({})",
                        e.inner_src,
                        e.inner_dst,
                        e.outer_src,
                        e.outer_dst,
                        e.vni,
                        e.underlay_out,
                        e.underlay_segment
                    )?;
                }
            }
        }
        write!(f, "{}", self.summary())
    }
}
