//! flannel on each node, as kube-flannel installs it (the vxlan backend):
//!
//! - the VXLAN device `flannel.1` (VNI 1, UDP port 8472, MTU 1450, its
//!   address the `.0` of the node's /24), and for every other node's lease
//!   a route `10.244.N.0/24 via 10.244.N.0 dev flannel.1 onlink`, a
//!   permanent ARP entry for that VTEP and the forwarding entry that sends
//!   its MAC to the node's own address ([`vxlan_device`], [`add_lease`]);
//! - the iptables rules of `flanneld --ip-masq` ([`install`]): pods reach
//!   addresses outside the pod network (the router, the internet, an
//!   EndpointSlice that points off-cluster) with their source masqueraded
//!   to the node, and the FORWARD chain lets pod traffic through. Traffic
//!   inside the pod network keeps its addresses; what kube-proxy has marked
//!   for SNAT is left to kube-proxy's own rule.

use crate::net::netfilter::{Match, Rule, Table, Target};
use crate::net::{Fdb, Host, Interface, Neigh, Route, RouteProto, SegmentId, Vxlan};
use ipnet::Ipv4Net;
use std::net::Ipv4Addr;

/// flannel's VXLAN device: `flannel.<VNI>`.
pub const VXLAN_DEVICE: &str = "flannel.1";
/// The VNI of flannel's default network.
pub const VNI: u32 = 1;
/// The kernel's default VXLAN port (flannel's `Port=0` keeps it).
pub const VXLAN_PORT: u16 = 8472;
/// The pod network's MTU: the LAN's 1500 less the 50 bytes of outer headers.
pub const MTU: u32 = 1450;

/// The MAC the kernel gave a node's `flannel.1`: random and locally
/// administered on a real node; derived from the node's name here, so every
/// world prints the same.
pub fn vtep_mac(node: &str) -> [u8; 6] {
    let a = crate::text::fnv1a(format!("{node}/flannel.1").as_bytes()).to_be_bytes();
    let b = crate::text::fnv1a(format!("flannel.1/{node}").as_bytes()).to_be_bytes();
    [(a[0] & 0xfe) | 0x02, a[1], a[2], a[3], b[0], b[1]]
}

/// The node's `flannel.1`: its subnet's `.0` as a /32, on the overlay
/// `segment`, tunnelling over `eth0` from `node_ip`.
pub fn vxlan_device(
    node: &str,
    node_ip: Ipv4Addr,
    pod_cidr: Ipv4Net,
    segment: SegmentId,
) -> Interface {
    Interface {
        name: VXLAN_DEVICE.into(),
        addr: Ipv4Net::new(pod_cidr.network(), 32).ok(),
        segment: Some(segment),
        mac: vtep_mac(node),
        mtu: MTU,
        master: None,
        peer_index: None,
        vxlan: Some(Vxlan {
            vni: VNI,
            local: node_ip,
            dev: "eth0".into(),
            port: VXLAN_PORT,
        }),
        proxy_arp: false,
    }
}

/// What flanneld does on `host` for another node's lease: the route to its
/// pod subnet through its VTEP, the VTEP's ARP entry and its forwarding
/// entry (its MAC is reached at the node's own address).
pub fn add_lease(host: &mut Host, remote: &str, remote_ip: Ipv4Addr, remote_cidr: Ipv4Net) {
    let vtep = remote_cidr.network();
    let mac = vtep_mac(remote);
    host.routes.add(Route {
        dest: remote_cidr,
        via: Some(vtep),
        dev: VXLAN_DEVICE.into(),
        proto: RouteProto::Boot,
        src: None,
        metric: None,
        onlink: true,
    });
    host.neigh.push(Neigh {
        addr: vtep,
        dev: VXLAN_DEVICE.into(),
        mac: Some(mac),
        confirmed: None,
        permanent: true,
    });
    host.fdb.push(Fdb {
        mac,
        dev: VXLAN_DEVICE.into(),
        dst: remote_ip,
    });
}

pub const FLANNEL_POSTRTG: &str = "FLANNEL-POSTRTG";
pub const FLANNEL_FWD: &str = "FLANNEL-FWD";
const MASQ_COMMENT: &str = "flanneld masq";
const FWD_COMMENT: &str = "flanneld forward";

fn src(negated: bool, net: Ipv4Net) -> Match {
    Match::Source { negated, net }
}

fn dst(negated: bool, net: Ipv4Net) -> Match {
    Match::Destination { negated, net }
}

/// Appends flannel's chains and the jumps to them, on a node whose pods get
/// addresses from `pod_cidr` inside the cluster's `cluster_cidr`.
pub fn install(host: &mut Host, pod_cidr: Ipv4Net, cluster_cidr: Ipv4Net) {
    let multicast: Ipv4Net = "224.0.0.0/4".parse().expect("literal CIDR");
    let masq = |mut m: Vec<Match>, target: Target| {
        m.push(Match::Comment(MASQ_COMMENT.into()));
        Rule::new(m, target)
    };
    let masquerade = || Target::Masquerade { random_fully: true };
    let nf = &mut host.netfilter;
    nf.ensure_chain(Table::Nat, FLANNEL_POSTRTG);
    for rule in [
        // kube-proxy masquerades what it marked; no double NAT.
        masq(
            vec![Match::Mark {
                negated: false,
                value: 0x4000,
                mask: 0x4000,
            }],
            Target::Return,
        ),
        masq(
            vec![src(false, pod_cidr), dst(false, cluster_cidr)],
            Target::Return,
        ),
        masq(
            vec![src(false, cluster_cidr), dst(false, pod_cidr)],
            Target::Return,
        ),
        masq(
            vec![src(true, cluster_cidr), dst(false, pod_cidr)],
            Target::Return,
        ),
        masq(
            vec![src(false, cluster_cidr), dst(true, multicast)],
            masquerade(),
        ),
        masq(
            vec![src(true, cluster_cidr), dst(false, cluster_cidr)],
            masquerade(),
        ),
    ] {
        nf.append(Table::Nat, FLANNEL_POSTRTG, rule);
    }
    nf.append(
        Table::Nat,
        "POSTROUTING",
        Rule::new(
            vec![Match::Comment(MASQ_COMMENT.into())],
            Target::Jump(FLANNEL_POSTRTG.into()),
        ),
    );
    nf.ensure_chain(Table::Filter, FLANNEL_FWD);
    for side in [src(false, cluster_cidr), dst(false, cluster_cidr)] {
        nf.append(
            Table::Filter,
            FLANNEL_FWD,
            Rule::new(
                vec![side, Match::Comment(FWD_COMMENT.into())],
                Target::Accept,
            ),
        );
    }
    nf.append(
        Table::Filter,
        "FORWARD",
        Rule::new(
            vec![Match::Comment(FWD_COMMENT.into())],
            Target::Jump(FLANNEL_FWD.into()),
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::HostKind;

    #[test]
    fn the_rules_read_as_iptables_save_prints_them() {
        let mut host = Host::new("node01", HostKind::Node);
        install(
            &mut host,
            "10.244.0.0/24".parse().unwrap(),
            "10.244.0.0/16".parse().unwrap(),
        );
        let nat = host.netfilter.save_table(Table::Nat);
        let lines: Vec<&str> = nat.lines().filter(|l| l.contains("FLANNEL")).collect();
        assert_eq!(
            lines,
            [
                ":FLANNEL-POSTRTG - [0:0]",
                "-A POSTROUTING -m comment --comment \"flanneld masq\" -j FLANNEL-POSTRTG",
                "-A FLANNEL-POSTRTG -m mark --mark 0x4000/0x4000 -m comment --comment \"flanneld masq\" -j RETURN",
                "-A FLANNEL-POSTRTG -s 10.244.0.0/24 -d 10.244.0.0/16 -m comment --comment \"flanneld masq\" -j RETURN",
                "-A FLANNEL-POSTRTG -s 10.244.0.0/16 -d 10.244.0.0/24 -m comment --comment \"flanneld masq\" -j RETURN",
                "-A FLANNEL-POSTRTG ! -s 10.244.0.0/16 -d 10.244.0.0/24 -m comment --comment \"flanneld masq\" -j RETURN",
                "-A FLANNEL-POSTRTG -s 10.244.0.0/16 ! -d 224.0.0.0/4 -m comment --comment \"flanneld masq\" -j MASQUERADE --random-fully",
                "-A FLANNEL-POSTRTG ! -s 10.244.0.0/16 -d 10.244.0.0/16 -m comment --comment \"flanneld masq\" -j MASQUERADE --random-fully",
            ]
        );
        let filter = host.netfilter.save_table(Table::Filter);
        assert!(filter.contains(
            "-A FLANNEL-FWD -s 10.244.0.0/16 -m comment --comment \"flanneld forward\" -j ACCEPT\n-A FLANNEL-FWD -d 10.244.0.0/16 -m comment --comment \"flanneld forward\" -j ACCEPT"
        ), "{filter}");
    }
}
