//! iproute2 6.8's `ip` (`addr`, `link`, `neigh`, `route`, with `-br` and
//! `-d`) and `bridge fdb`, over the simulated host: its interfaces (the
//! LAN's `eth0`, flannel's `flannel.1` VXLAN device, the `cni0` bridge and
//! its veths), its neighbour table and its forwarding database.

use super::ctx::Ctx;
use super::Execution;
use crate::net::{Host, HostKind, Interface};
use std::net::Ipv4Addr;

/// `ip`'s options, as `ip -help` lists the ones the simulation reads.
#[derive(Debug, Clone, Copy, Default)]
struct Options {
    brief: bool,
    details: bool,
}

/// Whether `word` is an abbreviation of iproute2's option `full` (`-d`,
/// `-det`, `-details`), as its `matches()` reads options.
fn option_is(word: &str, full: &str) -> bool {
    let w = word.trim_start_matches('-');
    let f = full.trim_start_matches('-');
    !w.is_empty() && f.starts_with(w)
}

#[inline(never)]
pub(super) fn ip(s: &Ctx, args: &[String], exec: &mut Execution) -> i32 {
    let mut o = Options::default();
    let mut words: Vec<&str> = vec![];
    for a in args {
        let a = a.as_str();
        if words.is_empty() && a.starts_with('-') && a.len() > 1 {
            // `--foo` reads as `-foo`; an option is any abbreviation.
            let opt = a.strip_prefix('-').unwrap_or(a);
            match opt.trim_start_matches('-') {
                "4" | "c" => {}
                w if option_is(w, "details") => o.details = true,
                w if w.len() >= 2 && option_is(w, "brief") => o.brief = true,
                w if option_is(w, "statistics") => {}
                w if option_is(w, "color") || w.starts_with("color=") => {}
                w if option_is(w, "help") => {
                    exec.err(IP_USAGE);
                    return 255;
                }
                _ => {
                    exec.err(format!("Option \"{a}\" is unknown, try \"ip -help\".\n"));
                    return 255;
                }
            }
            continue;
        }
        words.push(a);
    }
    let object = words.first().copied().unwrap_or("");
    let rest = if words.is_empty() {
        &[][..]
    } else {
        &words[1..]
    };
    let is = |full: &str, w: &str| !w.is_empty() && full.starts_with(w);
    if object.is_empty() || is("help", object) {
        exec.err(IP_USAGE);
        return 255;
    }
    if is("address", object) || object == "a" {
        if o.brief {
            return ip_brief(s, rest, exec, true);
        }
        return ip_addr_or_link(s, rest, exec, false, o.details);
    }
    if is("link", object) || object == "l" {
        if o.brief {
            return ip_brief(s, rest, exec, false);
        }
        return ip_addr_or_link(s, rest, exec, true, o.details);
    }
    if is("neighbour", object) || is("neighbor", object) || object == "n" {
        return ip_neigh(s, rest, exec);
    }
    if is("route", object) || object == "r" {
        return ip_route(s, rest, exec);
    }
    exec.err(format!(
        "Object \"{object}\" is unknown, try \"ip help\".\n"
    ));
    255
}

const IP_USAGE: &str = "Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }
       ip [ -force ] -batch filename
where  OBJECT := { address | addrlabel | fou | help | ila | ioam | l2tp | link |
                   macsec | maddress | monitor | mptcp | mroute | mrule |
                   neighbor | neighbour | netconf | netns | nexthop | ntable |
                   ntbl | route | rule | sr | stats | tap | tcpmetrics |
                   token | tunnel | tuntap | vrf | xfrm }
";

fn fmt_mac(m: &[u8; 6]) -> String {
    m.iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// The EUI-64 link-local address the kernel derives from a MAC.
fn link_local(m: &[u8; 6]) -> String {
    let b = [m[0] ^ 0x02, m[1], m[2], 0xff, 0xfe, m[3], m[4], m[5]];
    let groups: Vec<String> = b
        .chunks(2)
        .map(|c| format!("{:x}", u16::from_be_bytes([c[0], c[1]])))
        .collect();
    format!("fe80::{}/64", groups.join(":"))
}

/// `ether_ntoa`: hex bytes without leading zeros (what a bridge id shows).
fn ether_ntoa(m: &[u8; 6]) -> String {
    m.iter()
        .map(|b| format!("{b:x}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// What kind of link an interface is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// The host's NIC (virtio on the simulated machines).
    Nic,
    /// A node's `cni0`.
    Bridge,
    /// A pod's veth, on the node (enslaved to cni0) or in the pod.
    Veth,
    Vxlan,
}

fn kind_of(host: &Host, i: &Interface) -> Kind {
    if i.vxlan.is_some() {
        Kind::Vxlan
    } else if i.peer_index.is_some() {
        Kind::Veth
    } else if host.kind == HostKind::Node && i.name == "cni0" {
        Kind::Bridge
    } else {
        Kind::Nic
    }
}

/// A VXLAN device's operational state is UNKNOWN: it has no carrier of its own.
fn state(kind: Kind) -> &'static str {
    match kind {
        Kind::Vxlan => "UNKNOWN",
        _ => "UP",
    }
}

/// `-d`'s generic attributes after the link-type line: the IPv6 address
/// generation mode (`ip link` only) and the queue and offload limits (and,
/// for a virtual machine's NIC, its virtio bus).
fn detail_tail(kind: Kind, link: bool, vm: bool) -> String {
    let mut s = String::new();
    if link {
        s.push_str("addrgenmode eui64 ");
    }
    let (queues, tso) = match kind {
        Kind::Veth => (2, 524_280),
        _ => (1, 65_536),
    };
    s.push_str(&format!(
        "numtxqueues {queues} numrxqueues {queues} gso_max_size 65536 gso_max_segs 65535 tso_max_size {tso} tso_max_segs 65535 gro_max_size 65536 gso_ipv4_max_size 65536 gro_ipv4_max_size 65536 "
    ));
    if kind == Kind::Nic && vm {
        s.push_str("parentbus virtio parentdev virtio0 ");
    }
    s
}

/// The bridge's id as `ip -d` prints it: priority, then the MAC.
fn bridge_id(mac: &[u8; 6]) -> String {
    format!("8000.{}", ether_ntoa(mac))
}

/// `ip -d`'s link-type line of a bridge (`cni0`) as the kernel reports a
/// fresh one: STP off, multicast snooping on, netfilter calls off on the
/// bridge itself.
fn bridge_details(mac: &[u8; 6]) -> String {
    let id = bridge_id(mac);
    format!(
        "    bridge forward_delay 1500 hello_time 200 max_age 2000 ageing_time 30000 stp_state 0 priority 32768 vlan_filtering 0 vlan_protocol 802.1Q bridge_id {id} designated_root {id} root_port 0 root_path_cost 0 topology_change 0 topology_change_detected 0 hello_timer    0.00 tcn_timer    0.00 topology_change_timer    0.00 gc_timer  110.35 vlan_default_pvid 1 vlan_stats_enabled 0 vlan_stats_per_port 0 group_fwd_mask 0 group_address 01:80:c2:00:00:00 mcast_snooping 1 no_linklocal_learn 0 mcast_vlan_snooping 0 mcast_router 1 mcast_query_use_ifaddr 0 mcast_querier 0 mcast_hash_elasticity 16 mcast_hash_max 4096 mcast_last_member_count 2 mcast_startup_query_count 2 mcast_last_member_interval 100 mcast_membership_interval 26000 mcast_querier_interval 25500 mcast_query_interval 12500 mcast_query_response_interval 1000 mcast_startup_query_interval 3124 mcast_stats_enabled 0 mcast_igmp_version 2 mcast_mld_version 1 nf_call_iptables 0 nf_call_ip6tables 0 nf_call_arptables 0 "
    )
}

/// `ip -d`'s lines of a veth enslaved to `cni0`: the veth kind, then its
/// port on the bridge (hairpin on, as flannel's CNI configuration asks).
fn bridge_port_details(port_no: usize, bridge_mac: &[u8; 6]) -> String {
    let id = bridge_id(bridge_mac);
    format!(
        "    veth \n    bridge_slave state forwarding priority 32 cost 2 hairpin on guard off root_block off fastleave off learning on flood on port_id 0x{:x} port_no 0x{port_no:x} designated_port {} designated_cost 0 designated_bridge {id} designated_root {id} hold_timer    0.00 message_age_timer    0.00 forward_delay_timer    0.00 topology_change_ack 0 config_pending 0 proxy_arp off proxy_arp_wifi off mcast_router 1 mcast_fast_leave off mcast_flood on bcast_flood on mcast_to_unicast off neigh_suppress off neigh_vlan_suppress off group_fwd_mask 0 group_fwd_mask_str 0x0 vlan_tunnel off isolated off locked off mab off ",
        0x8000 + port_no,
        0x8000 + port_no
    )
}

/// `ip -d`'s link-type line of a VXLAN device (iproute2 6.8's order: the
/// addresses and ports, `ttl` and `ageing`, then the options that differ
/// from their defaults, here `nolearning`).
fn vxlan_details(v: &crate::net::Vxlan) -> String {
    format!(
        "    vxlan id {} local {} dev {} srcport 0 0 dstport {} ttl auto ageing 300 nolearning ",
        v.vni, v.local, v.dev, v.port
    )
}

/// `ip addr` (addresses) or `ip link` (links only: `mode DEFAULT`, no inet
/// lines); `-d` adds each link's details.
fn ip_addr_or_link(s: &Ctx, rest: &[&str], exec: &mut Execution, link: bool, details: bool) -> i32 {
    let mut dev_filter: Option<&str> = None;
    let mut it = rest.iter().peekable();
    while let Some(w) = it.next() {
        match *w {
            "show" | "list" | "ls" | "s" => {}
            "dev" => dev_filter = it.next().copied(),
            other if dev_filter.is_none() && !other.starts_with('-') => dev_filter = Some(other),
            other => {
                exec.err(format!(
                    "Command \"{other}\" is unknown, try \"ip address help\".\n"
                ));
                return 255;
            }
        }
    }
    let host = s.sim.world.net.host(s.here());
    if let Some(d) = dev_filter {
        if d != "lo" && host.iface(d).is_none() {
            exec.err(format!("Device \"{d}\" does not exist.\n"));
            return 1;
        }
    }
    let mut out = String::new();
    let mode = if link || details { "mode DEFAULT " } else { "" };
    if dev_filter.is_none_or(|d| d == "lo") {
        out.push_str(&format!("1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN {mode}group default qlen 1000\n    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00"));
        if details {
            out.push_str(" promiscuity 0 allmulti 0 minmtu 0 maxmtu 0 ");
            out.push_str(
                &detail_tail(Kind::Nic, link, false)
                    .replace("tso_max_size 65536", "tso_max_size 524280"),
            );
        }
        out.push('\n');
        if !link {
            out.push_str("    inet 127.0.0.1/8 scope host lo\n       valid_lft forever preferred_lft forever\n    inet6 ::1/128 scope host noprefixroute \n       valid_lft forever preferred_lft forever\n");
        }
    }
    let dhcp = host.kind == HostKind::Laptop;
    let bridge_mac = host.iface("cni0").map(|i| i.mac).unwrap_or_default();
    let mut port_no = 0;
    for (n, i) in host.interfaces.iter().enumerate() {
        let kind = kind_of(host, i);
        if i.master.is_some() {
            port_no += 1;
        }
        if dev_filter.is_some_and(|d| d != i.name) {
            continue;
        }
        let index = n + 2;
        let (name, qdisc, extra) = match (host.kind, i.master.as_deref(), i.peer_index) {
            (_, Some(master), Some(peer)) => (
                format!("{}@if{peer}", i.name),
                "noqueue",
                format!("master {master} "),
            ),
            // A pod's end, or Calico's node end (no bridge).
            (_, None, Some(peer)) => (format!("{}@if{peer}", i.name), "noqueue", String::new()),
            _ if kind == Kind::Bridge || kind == Kind::Vxlan => {
                (i.name.clone(), "noqueue", String::new())
            }
            _ => (i.name.clone(), "fq_codel", String::new()),
        };
        // A VXLAN device has no transmit queue: no `qlen`.
        let qlen = match kind {
            Kind::Veth => "",
            Kind::Vxlan => " ",
            _ => " qlen 1000",
        };
        out.push_str(&format!(
            "{index}: {name}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu {} qdisc {qdisc} {extra}state {} {mode}group default{qlen}\n",
            i.mtu,
            state(kind)
        ));
        let netns = match (host.kind, i.peer_index) {
            (HostKind::Pod, Some(_)) => " link-netnsid 0".to_string(),
            // Calico's veths all have the MAC ee:ee:ee:ee:ee:ee: their
            // pods' namespaces are told apart by the veth's name.
            (_, Some(_)) if i.proxy_arp => format!(
                " link-netns cni-{}",
                netns_id(&crate::net::mac_for(&i.name))
            ),
            (_, Some(_)) => format!(" link-netns cni-{}", netns_id(&i.mac)),
            _ => String::new(),
        };
        out.push_str(&format!(
            "    link/ether {} brd ff:ff:ff:ff:ff:ff{netns}",
            fmt_mac(&i.mac)
        ));
        if details {
            let maxmtu = match kind {
                Kind::Vxlan => 65485,
                _ => 65535,
            };
            out.push_str(&format!(
                " promiscuity {} allmulti 0 minmtu 68 maxmtu {maxmtu} ",
                u8::from(i.master.is_some())
            ));
            match kind {
                Kind::Vxlan => {
                    if let Some(v) = &i.vxlan {
                        out.push('\n');
                        out.push_str(&vxlan_details(v));
                    }
                }
                Kind::Bridge => {
                    out.push('\n');
                    out.push_str(&bridge_details(&i.mac));
                }
                Kind::Veth if i.master.is_some() => {
                    out.push('\n');
                    out.push_str(&bridge_port_details(port_no, &bridge_mac));
                }
                Kind::Veth => out.push_str("\n    veth "),
                Kind::Nic => {}
            }
            out.push_str(&detail_tail(kind, link, host.kind == HostKind::Node));
        }
        out.push('\n');
        if link {
            continue;
        }
        if let Some(a) = i.addr {
            let scope = if dhcp {
                format!("global dynamic {}", i.name)
            } else {
                format!("global {}", i.name)
            };
            // A /32 has no broadcast address.
            let brd = if a.prefix_len() < 31 {
                format!(" brd {}", a.broadcast())
            } else {
                String::new()
            };
            out.push_str(&format!("    inet {a}{brd} scope {scope}\n"));
            if dhcp {
                let left = (86_400 - (s.sim.now / 1000 + 79)).max(0);
                out.push_str(&format!(
                    "       valid_lft {left}sec preferred_lft {left}sec\n"
                ));
            } else {
                out.push_str("       valid_lft forever preferred_lft forever\n");
            }
        }
        out.push_str(&format!(
            "    inet6 {} scope link \n       valid_lft forever preferred_lft forever\n",
            link_local(&i.mac)
        ));
    }
    exec.out(out);
    0
}

/// A stable network-namespace id in the format CNI plugins use.
fn netns_id(mac: &[u8; 6]) -> String {
    let mut x: u64 = 0xcbf2_9ce4_8422_2325;
    let mut hex = String::new();
    for round in 0..2u8 {
        for b in mac.iter().chain(std::iter::once(&round)) {
            x ^= u64::from(*b);
            x = x.wrapping_mul(0x0100_0000_01b3);
        }
        hex.push_str(&format!("{x:016x}"));
    }
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// An interface's name as `ip` shows it: `veth…@if2`, `eth0@if7`.
fn link_name(kind: HostKind, i: &Interface) -> String {
    match (kind, i.master.as_deref(), i.peer_index) {
        (_, _, Some(peer)) => format!("{}@if{peer}", i.name),
        _ => i.name.clone(),
    }
}

/// `ip -br addr` and `ip -br link`: one line per interface.
fn ip_brief(s: &Ctx, rest: &[&str], exec: &mut Execution, addrs: bool) -> i32 {
    let dev_filter = match rest {
        [] | ["show" | "list" | "ls" | "s"] => None,
        ["show" | "list" | "ls" | "s", "dev", d] | ["dev", d] | ["show", d] | [d] => Some(*d),
        [other, ..] => {
            let what = if addrs { "address" } else { "link" };
            exec.err(format!(
                "Command \"{other}\" is unknown, try \"ip {what} help\".\n"
            ));
            return 255;
        }
    };
    let host = s.sim.world.net.host(s.here());
    if let Some(d) = dev_filter {
        if d != "lo" && host.iface(d).is_none() {
            exec.err(format!("Device \"{d}\" does not exist.\n"));
            return 1;
        }
    }
    let mut out = String::new();
    if dev_filter.is_none_or(|d| d == "lo") {
        if addrs {
            out.push_str(&format!(
                "{:<16} {:<14} 127.0.0.1/8 ::1/128 \n",
                "lo", "UNKNOWN"
            ));
        } else {
            out.push_str(&format!(
                "{:<16} {:<14} 00:00:00:00:00:00 <LOOPBACK,UP,LOWER_UP> \n",
                "lo", "UNKNOWN"
            ));
        }
    }
    for i in &host.interfaces {
        if dev_filter.is_some_and(|d| d != i.name) {
            continue;
        }
        let name = link_name(host.kind, i);
        let st = state(kind_of(host, i));
        if addrs {
            let mut list = String::new();
            if let Some(a) = i.addr {
                list.push_str(&format!("{a} "));
            }
            list.push_str(&format!("{} ", link_local(&i.mac)));
            out.push_str(&format!("{name:<16} {st:<14} {list}\n"));
        } else {
            out.push_str(&format!(
                "{name:<16} {st:<14} {} <BROADCAST,MULTICAST,UP,LOWER_UP> \n",
                fmt_mac(&i.mac)
            ));
        }
    }
    exec.out(out);
    0
}

/// `ip neigh [show] [dev DEV]`: the neighbour table the walks filled, and
/// the entries flannel keeps for the other nodes' VTEPs.
fn ip_neigh(s: &Ctx, rest: &[&str], exec: &mut Execution) -> i32 {
    let mut dev_filter = None;
    let mut it = rest.iter();
    while let Some(w) = it.next() {
        match *w {
            "show" | "list" | "ls" | "s" => {}
            "dev" => dev_filter = it.next().copied(),
            "flush" | "add" | "del" | "change" | "replace" => {
                exec.err("RTNETLINK answers: Operation not permitted\n");
                return 2;
            }
            other => {
                exec.err(format!(
                    "Command \"{other}\" is unknown, try \"ip neigh help\".\n"
                ));
                return 255;
            }
        }
    }
    let now = s.sim.now;
    let host = s.sim.world.net.host(s.here());
    if let Some(d) = dev_filter {
        if host.iface(d).is_none() {
            exec.err(format!("Cannot find device \"{d}\"\n"));
            return 1;
        }
    }
    let mut out = String::new();
    for n in host.neigh.iter().rev() {
        if dev_filter.is_some_and(|d| d != n.dev) {
            continue;
        }
        out.push_str(&format!("{} ", n.addr));
        if dev_filter.is_none() {
            out.push_str(&format!("dev {} ", n.dev));
        }
        if let Some(mac) = n.mac {
            out.push_str(&format!("lladdr {} ", fmt_mac(&mac)));
        }
        out.push_str(&format!("{} \n", n.state(now)));
    }
    exec.out(out);
    0
}

fn ip_route(s: &Ctx, rest: &[&str], exec: &mut Execution) -> i32 {
    let host = s.sim.world.net.host(s.here());
    match rest.first().copied() {
        None | Some("show" | "list" | "ls") => {
            let mut out = String::new();
            for r in host.routes.listing() {
                out.push_str(&format!("{r}\n"));
            }
            exec.out(out);
            0
        }
        Some("get") => {
            let Some(Ok(dst)) = rest.get(1).map(|a| a.parse::<Ipv4Addr>()) else {
                exec.err(format!(
                    "Error: any valid prefix is expected rather than \"{}\".\n",
                    rest.get(1).copied().unwrap_or("")
                ));
                return 1;
            };
            if host.is_local(dst) {
                exec.out(format!(
                    "local {dst} dev lo src {dst} uid 1000 \n    cache <local> \n"
                ));
                return 0;
            }
            match host.routes.lookup(dst) {
                Some(r) => {
                    let src = s
                        .sim
                        .world
                        .net
                        .source_for(s.here(), dst)
                        .map(|a| format!(" src {a}"))
                        .unwrap_or_default();
                    let via = r.via.map(|v| format!(" via {v}")).unwrap_or_default();
                    exec.out(format!(
                        "{dst}{via} dev {}{src} uid 1000 \n    cache \n",
                        r.dev
                    ));
                    0
                }
                None => {
                    exec.err("RTNETLINK answers: Network is unreachable\n");
                    2
                }
            }
        }
        Some(other) => {
            exec.err(format!(
                "Command \"{other}\" is unknown, try \"ip route help\".\n"
            ));
            255
        }
    }
}

const BRIDGE_USAGE: &str = "Usage: bridge [ OPTIONS ] OBJECT { COMMAND | help }
       bridge [ -force ] -batch filename
where  OBJECT := { link | fdb | mdb | vlan | vni | monitor }
       OPTIONS := { -V[ersion] | -s[tatistics] | -d[etails] |
                    -o[neline] | -t[imestamp] | -n[etns] name |
                    -c[ompressvlans] -color -p[retty] -j[son] }
";

/// iproute2's `bridge`: `bridge fdb [show] [dev DEV]`, the forwarding
/// database (the VXLAN device's remote VTEPs, the bridge's own entries).
#[inline(never)]
pub(super) fn bridge(s: &Ctx, args: &[String], exec: &mut Execution) -> i32 {
    let mut words: Vec<&str> = vec![];
    for a in args {
        let a = a.as_str();
        if words.is_empty() && a.starts_with('-') && a.len() > 1 {
            let w = a.trim_start_matches('-');
            if ["details", "statistics", "oneline", "color"]
                .iter()
                .any(|f| option_is(w, f))
            {
                continue;
            }
            if option_is(w, "help") {
                exec.err(BRIDGE_USAGE);
                return 255;
            }
            exec.err(format!("Option \"{a}\" is unknown, try \"bridge help\".\n"));
            return 255;
        }
        words.push(a);
    }
    let object = words.first().copied().unwrap_or("");
    if object.is_empty() || "help".starts_with(object) {
        exec.err(BRIDGE_USAGE);
        return 255;
    }
    if !"fdb".starts_with(object) {
        if ["link", "mdb", "vlan", "vni", "monitor"]
            .iter()
            .any(|o| o.starts_with(object))
        {
            exec.err(format!(
                "bridge {object}: not simulated here (bridge fdb is)\n"
            ));
            return 1;
        }
        exec.err(format!(
            "Object \"{object}\" is unknown, try \"bridge help\".\n"
        ));
        return 255;
    }
    let mut dev_filter: Option<&str> = None;
    let mut it = words[1..].iter();
    while let Some(w) = it.next() {
        match *w {
            "show" | "list" | "ls" | "s" => {}
            "dev" | "br" => dev_filter = it.next().copied(),
            "add" | "append" | "del" | "replace" | "flush" => {
                exec.err("RTNETLINK answers: Operation not permitted\n");
                return 2;
            }
            other => {
                exec.err(format!(
                    "Command \"{other}\" is unknown, try \"bridge fdb help\".\n"
                ));
                return 255;
            }
        }
    }
    let host = s.sim.world.net.host(s.here());
    if let Some(d) = dev_filter {
        if host.iface(d).is_none() {
            exec.err(format!("Cannot find device \"{d}\"\n"));
            return 1;
        }
    }
    let mut out = String::new();
    let dev = |name: &str| {
        if dev_filter.is_some() {
            String::new()
        } else {
            format!("dev {name} ")
        }
    };
    for i in &host.interfaces {
        if dev_filter.is_some_and(|d| d != i.name) {
            continue;
        }
        let kind = kind_of(host, i);
        if kind == Kind::Vxlan {
            for f in host.fdb.iter().filter(|f| f.dev == i.name) {
                out.push_str(&format!(
                    "{} {}dst {} self permanent\n",
                    fmt_mac(&f.mac),
                    dev(&i.name),
                    f.dst
                ));
            }
            continue;
        }
        // A bridge port's own address, which the bridge keeps permanently.
        if let Some(master) = i.master.as_deref() {
            for vlan in ["vlan 1 ", ""] {
                out.push_str(&format!(
                    "{} {}{vlan}master {master} permanent\n",
                    fmt_mac(&i.mac),
                    dev(&i.name)
                ));
            }
        }
        if kind == Kind::Bridge {
            for vlan in ["vlan 1 ", ""] {
                out.push_str(&format!(
                    "{} {}{vlan}master {} permanent\n",
                    fmt_mac(&i.mac),
                    dev(&i.name),
                    i.name
                ));
            }
        }
        // The multicast groups every IPv4/IPv6 interface joins.
        let solicited = format!(
            "33:33:ff:{:02x}:{:02x}:{:02x}",
            i.mac[3], i.mac[4], i.mac[5]
        );
        for group in ["33:33:00:00:00:01", "01:00:5e:00:00:01", solicited.as_str()] {
            out.push_str(&format!("{group} {}self permanent\n", dev(&i.name)));
        }
    }
    exec.out(out);
    0
}
