//! A small but real packet model.
//!
//! Hosts (the laptop, the home router, Kubernetes nodes, pods as network
//! namespaces) own interfaces with addresses, a routing table, netfilter
//! tables, a conntrack table and listening sockets. Interfaces sit on L2
//! segments (the home LAN, each node's `cni0` bridge). A probe walks a packet
//! from host to host: routing decision, netfilter hooks, neighbour lookup on
//! the segment, then the same on the next host, and records a [`Trace`].
//!
//! Layout, after smoltcp's: [`route`] (routing tables), [`netfilter`]
//! (tables, chains, rules), [`conntrack`] (connection tracking and NAT
//! reversal), [`walk`] (the packet walk) and [`trace`] (what happened).

pub mod conntrack;
pub mod netfilter;
pub mod route;
pub mod trace;
pub mod walk;

pub use conntrack::Conntrack;
pub use netfilter::{Netfilter, Table};
pub use route::{Route, RouteProto, RoutingTable};
pub use trace::{
    Direction, DropReason, Encapsulation, HookWalk, Hop, Link, Step, Trace, TraceOutcome,
};
pub use walk::{ConnectOutcome, ConnectResult, PingResult};

use crate::apps::App;
use ipnet::Ipv4Net;
use std::net::Ipv4Addr;

pub type HostId = usize;
pub type SegmentId = usize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostKind {
    Laptop,
    Router,
    Node,
    Pod,
    /// A cloud provider's load balancer in front of the nodes.
    LoadBalancer,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interface {
    pub name: String,
    pub addr: Option<Ipv4Net>,
    pub segment: Option<SegmentId>,
    pub mac: [u8; 6],
    pub mtu: u32,
    /// For a veth: the bridge it is enslaved to (`master cni0`).
    pub master: Option<String>,
    /// For a veth: `@ifN`, the peer's interface index.
    pub peer_index: Option<u32>,
    /// For a VXLAN device (flannel's `flannel.1`): its VNI, local address,
    /// underlay device and UDP port.
    pub vxlan: Option<Vxlan>,
    /// `proxy_arp` is on: the interface answers ARP for any address its
    /// host routes out of another interface (Calico's `cali…` veths, which
    /// answer for the pods' gateway 169.254.1.1).
    pub proxy_arp: bool,
}

/// A VXLAN device's configuration, as `ip -d link` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vxlan {
    /// The VXLAN network identifier (flannel's is 1).
    pub vni: u32,
    /// The underlay address the outer packets leave from.
    pub local: Ipv4Addr,
    /// The underlay device (`dev eth0`).
    pub dev: String,
    /// The outer packets' UDP destination port (8472, the kernel's default).
    pub port: u16,
}

/// UDP source ports of outer VXLAN packets: the kernel hashes the inner
/// flow into the local port range (`srcport 0 0`).
pub const VXLAN_SRC_PORTS: (u16, u16) = (32768, 60999);

/// One forwarding-database entry of a VXLAN device: frames for `mac` go
/// to the VTEP at `dst` (`bridge fdb show dev flannel.1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fdb {
    pub mac: [u8; 6],
    pub dev: String,
    pub dst: Ipv4Addr,
}

/// A socket in LISTEN state (TCP) or bound and waiting for datagrams (UDP).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listener {
    pub proto: netfilter::Protocol,
    /// `None` listens on every address (0.0.0.0).
    pub addr: Option<Ipv4Addr>,
    pub port: u16,
    pub process: String,
    pub app: App,
}

impl Listener {
    /// A TCP socket listening on every address.
    pub fn tcp(port: u16, process: &str, app: App) -> Listener {
        Listener {
            proto: netfilter::Protocol::Tcp,
            addr: None,
            port,
            process: process.to_string(),
            app,
        }
    }
}

/// One entry of a host's neighbour (ARP) table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Neigh {
    pub addr: Ipv4Addr,
    pub dev: String,
    /// `None`: resolution failed (FAILED).
    pub mac: Option<[u8; 6]>,
    /// When reachability was last confirmed (by a reply to this host's own
    /// ARP); `None` for an entry learned from another host's request (STALE).
    pub confirmed: Option<crate::time::Millis>,
    /// Set by a program (flannel fills in its VTEPs' addresses), never
    /// aged or replaced by ARP.
    pub permanent: bool,
}

/// `base_reachable_time`: an entry is REACHABLE this long after it was
/// confirmed, then STALE.
pub const REACHABLE_MS: crate::time::Millis = 30_000;

impl Neigh {
    /// `REACHABLE`, `STALE` or `FAILED` at `now`.
    pub fn state(&self, now: crate::time::Millis) -> &'static str {
        if self.permanent {
            return "PERMANENT";
        }
        match (self.mac, self.confirmed) {
            (None, _) => "FAILED",
            (Some(_), Some(t)) if now.saturating_sub(t) <= REACHABLE_MS => "REACHABLE",
            _ => "STALE",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Host {
    pub name: String,
    pub kind: HostKind,
    pub interfaces: Vec<Interface>,
    pub routes: RoutingTable,
    /// `net.ipv4.ip_forward`.
    pub forwarding: bool,
    pub netfilter: Netfilter,
    pub conntrack: Conntrack,
    pub listeners: Vec<Listener>,
    /// The neighbour (ARP) table: what `ip neigh` shows.
    pub neigh: Vec<Neigh>,
    /// VXLAN devices' forwarding entries (`bridge fdb`).
    pub fdb: Vec<Fdb>,
}

impl Host {
    pub fn new(name: &str, kind: HostKind) -> Self {
        Host {
            name: name.to_string(),
            kind,
            interfaces: vec![],
            routes: RoutingTable::new(),
            forwarding: false,
            netfilter: Netfilter::new(),
            conntrack: Conntrack::default(),
            listeners: vec![],
            neigh: vec![],
            fdb: vec![],
        }
    }

    /// Whether `addr` belongs to this host (what `addrtype LOCAL` matches).
    pub fn is_local(&self, addr: Ipv4Addr) -> bool {
        addr.is_loopback()
            || self
                .interfaces
                .iter()
                .any(|i| i.addr.is_some_and(|a| a.addr() == addr))
    }

    /// Records what resolving `addr` on `dev` found (`None`: nothing).
    pub fn learn(
        &mut self,
        addr: Ipv4Addr,
        dev: &str,
        mac: Option<[u8; 6]>,
        confirmed: Option<crate::time::Millis>,
    ) {
        match self
            .neigh
            .iter_mut()
            .find(|n| n.addr == addr && n.dev == dev)
        {
            Some(n) if n.permanent => {}
            Some(n) => {
                if mac.is_some() || confirmed.is_some() {
                    n.mac = mac.or(n.mac);
                    n.confirmed = confirmed.or(n.confirmed);
                } else if n.mac.is_none() {
                    n.confirmed = None;
                }
            }
            None => {
                if self.neigh.len() >= 256 {
                    if let Some(i) = self.neigh.iter().position(|n| !n.permanent) {
                        self.neigh.remove(i);
                    }
                }
                self.neigh.push(Neigh {
                    addr,
                    dev: dev.to_string(),
                    mac,
                    confirmed,
                    permanent: false,
                })
            }
        }
    }

    pub fn iface(&self, name: &str) -> Option<&Interface> {
        self.interfaces.iter().find(|i| i.name == name)
    }

    /// The first global address: what `hostname -I` would print first.
    pub fn primary_addr(&self) -> Option<Ipv4Addr> {
        self.interfaces
            .iter()
            .find_map(|i| i.addr.map(|a| a.addr()))
    }

    pub fn listener(
        &self,
        proto: netfilter::Protocol,
        addr: Ipv4Addr,
        port: u16,
    ) -> Option<&Listener> {
        self.listeners.iter().find(|l| {
            l.proto == proto
                && l.port == port
                && l.addr
                    .is_none_or(|a| a == addr || (addr.is_loopback() && a.is_loopback()))
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub name: String,
}

/// Every host and segment of a world.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Network {
    pub hosts: Vec<Host>,
    pub segments: Vec<Segment>,
}

impl Network {
    pub fn add_host(&mut self, host: Host) -> HostId {
        self.hosts.push(host);
        self.hosts.len() - 1
    }

    pub fn add_segment(&mut self, name: &str) -> SegmentId {
        self.segments.push(Segment {
            name: name.to_string(),
        });
        self.segments.len() - 1
    }

    pub fn host_id(&self, name: &str) -> Option<HostId> {
        self.hosts.iter().position(|h| h.name == name)
    }

    pub fn host(&self, id: HostId) -> &Host {
        &self.hosts[id]
    }

    pub fn host_mut(&mut self, id: HostId) -> &mut Host {
        &mut self.hosts[id]
    }

    /// The host and interface on `segment` that own `addr` (what ARP finds).
    /// An interface with `proxy_arp` answers for an address nobody on the
    /// segment owns when its host's route to it leaves by another device.
    pub fn neighbour(&self, segment: SegmentId, addr: Ipv4Addr) -> Option<(HostId, &Interface)> {
        let owner = self.hosts.iter().enumerate().find_map(|(id, h)| {
            h.interfaces
                .iter()
                .find(|i| i.segment == Some(segment) && i.addr.is_some_and(|a| a.addr() == addr))
                .map(|i| (id, i))
        });
        owner.or_else(|| {
            self.hosts.iter().enumerate().find_map(|(id, h)| {
                h.interfaces
                    .iter()
                    .find(|i| {
                        i.segment == Some(segment)
                            && i.proxy_arp
                            && h.routes.lookup(addr).is_some_and(|r| r.dev != i.name)
                    })
                    .map(|i| (id, i))
            })
        })
    }
}

/// A machine's NIC: the nodes are KVM guests (QEMU's `52:54:00` prefix);
/// derived from a name, so every world prints the same addresses every time.
pub fn mac_for(name: &str) -> [u8; 6] {
    let b = crate::text::fnv1a(name.as_bytes()).to_be_bytes();
    [0x52, 0x54, 0x00, b[1], b[2], b[3]]
}

/// An address the kernel made up for a virtual device (a veth, a bridge):
/// random, unicast and locally administered (`eth_random_addr`); derived
/// from a name here, so every world prints the same.
pub fn kernel_mac_for(name: &str) -> [u8; 6] {
    let a = crate::text::fnv1a(name.as_bytes()).to_be_bytes();
    let b = crate::text::fnv1a(format!("{name}#").as_bytes()).to_be_bytes();
    [(a[0] & 0xfe) | 0x02, a[1], a[2], a[3], b[0], b[1]]
}
