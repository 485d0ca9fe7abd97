//! `ssh`, `hostname`, `ip` and `ping`: the network tools of a Linux host.

use super::opts::{self, Opt};
use super::{Execution, Session};
use crate::net::{ConnectOutcome, HostKind, PingResult};
use std::net::Ipv4Addr;

/// The release every simulated host runs; what `ssh` greets with.
const OS_BANNER: &str = "Welcome to Ubuntu 24.04.1 LTS (GNU/Linux 6.8.0-49-generic x86_64)";

#[inline(never)]
pub(super) fn hostname(s: &mut Session, args: &[String], exec: &mut Execution) -> i32 {
    match args.first().map(String::as_str) {
        None => {
            let h = s.current_host().to_string();
            exec.out(format!("{h}\n"));
            0
        }
        Some("-I" | "--all-ip-addresses") => {
            let h = s.world.net.host(s.here());
            let addrs: Vec<String> = h
                .interfaces
                .iter()
                .filter_map(|i| i.addr.map(|a| a.addr().to_string()))
                .collect();
            exec.out(format!("{} \n", addrs.join(" ")));
            0
        }
        Some("-i" | "--ip-address") => {
            let a = s.world.net.host(s.here()).primary_addr();
            exec.out(format!(
                "{}\n",
                a.map(|a| a.to_string()).unwrap_or_default()
            ));
            0
        }
        Some(_) => {
            exec.err("hostname: you must be root to change the host name\n");
            1
        }
    }
}

#[inline(never)]
pub(super) fn ssh(s: &mut Session, args: &[String], exec: &mut Execution) -> i32 {
    let mut target: Option<&str> = None;
    for a in args {
        if a.starts_with('-') {
            continue;
        }
        if target.is_none() {
            target = Some(a);
        } else {
            exec.err("servicelab: ssh runs an interactive login here; remote commands are not supported\n");
            return 255;
        }
    }
    let Some(target) = target else {
        exec.err(
            "usage: ssh [-46AaCfGgKkMNnqsTtVvXxYy] [-B bind_interface] [-b bind_address]\n           [-c cipher_spec] [-D [bind_address:]port] [-E log_file]\n           [-e escape_char] [-F configfile] [-I pkcs11] [-i identity_file]\n           [-J destination] [-L address] [-l login_name] [-m mac_spec]\n           [-O ctl_cmd] [-o option] [-P tag] [-p port] [-R address]\n           [-S ctl_path] [-W host:port] [-w local_tun[:remote_tun]]\n           destination [command [argument ...]]\n",
        );
        return 255;
    };
    let host = target.rsplit_once('@').map_or(target, |(_, h)| h);
    let Some(ip) = s.resolve(host) else {
        exec.err(format!(
            "ssh: Could not resolve hostname {host}: Name or service not known\n"
        ));
        return 255;
    };
    if !s.spend_packet("ssh", exec) {
        return 255;
    }
    let here = s.here();
    let sport = s.ephemeral_port();
    let now = s.now;
    let result = s.world.net.connect(
        here,
        sport,
        std::net::SocketAddrV4::new(ip, 22),
        now,
        &mut s.rng,
    );
    if matches!(result.outcome, ConnectOutcome::Established { .. }) {
        // The session stays open.
        s.world.net.finish_conntrack(
            &result,
            crate::net::netfilter::Protocol::Tcp,
            now,
            crate::net::conntrack::Finish::Open,
        );
    }
    let mut trace = result.trace;
    trace.request = format!("ssh {target} (from {})", s.current_host());
    exec.trace = Some(trace);
    let err = |e: &mut Execution, why: &str| {
        e.err(format!("ssh: connect to host {host} port 22: {why}\n"));
        255
    };
    match result.outcome {
        ConnectOutcome::Established {
            server,
            peer_seen_by_server,
            ..
        } => {
            if s.world.machine(server).is_none() {
                return err(exec, "Connection refused");
            }
            // The previous login, three minutes ago, as `last` prints it.
            let when = crate::time::DateTime::at(s.now as i64 - 180_000).asctime();
            exec.out(format!(
                "{OS_BANNER}\n\nLast login: {when} from {}\n",
                peer_seen_by_server.ip()
            ));
            s.advance(180);
            s.logins.push(server);
            0
        }
        ConnectOutcome::Refused { .. } => err(exec, "Connection refused"),
        ConnectOutcome::NetUnreachable { .. } => err(exec, "Network is unreachable"),
        ConnectOutcome::HostUnreachable { .. } => {
            s.advance(3_060);
            err(exec, "No route to host")
        }
        ConnectOutcome::Lost { .. } => {
            s.advance(130_020);
            err(exec, "Connection timed out")
        }
    }
}

#[inline(never)]
pub(super) fn ip(s: &mut Session, args: &[String], exec: &mut Execution) -> i32 {
    let brief = args
        .iter()
        .any(|a| matches!(a.as_str(), "-br" | "-brief" | "--brief"));
    let words: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| {
            !matches!(
                *a,
                "-4" | "-c" | "-color" | "--color" | "-br" | "-brief" | "--brief"
            )
        })
        .collect();
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
        if brief {
            return ip_brief(s, rest, exec, true);
        }
        return ip_addr_or_link(s, rest, exec, false);
    }
    if is("link", object) || object == "l" {
        if brief {
            return ip_brief(s, rest, exec, false);
        }
        return ip_addr_or_link(s, rest, exec, true);
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

/// `ip addr` (addresses) or `ip link` (links only: `mode DEFAULT`, no inet lines).
fn ip_addr_or_link(s: &mut Session, rest: &[&str], exec: &mut Execution, link: bool) -> i32 {
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
    let host = s.world.net.host(s.here());
    if let Some(d) = dev_filter {
        if d != "lo" && host.iface(d).is_none() {
            exec.err(format!("Device \"{d}\" does not exist.\n"));
            return 1;
        }
    }
    let mut out = String::new();
    let mode = if link { "mode DEFAULT " } else { "" };
    if dev_filter.is_none_or(|d| d == "lo") {
        out.push_str(&format!("1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN {mode}group default qlen 1000\n    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n"));
        if !link {
            out.push_str("    inet 127.0.0.1/8 scope host lo\n       valid_lft forever preferred_lft forever\n    inet6 ::1/128 scope host noprefixroute \n       valid_lft forever preferred_lft forever\n");
        }
    }
    let dhcp = host.kind == HostKind::Laptop;
    for (n, i) in host.interfaces.iter().enumerate() {
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
            (HostKind::Pod, None, Some(peer)) => {
                (format!("{}@if{peer}", i.name), "noqueue", String::new())
            }
            _ if i.name == "cni0" => (i.name.clone(), "noqueue", String::new()),
            _ => (i.name.clone(), "fq_codel", String::new()),
        };
        let qlen = if i.peer_index.is_some() {
            ""
        } else {
            " qlen 1000"
        };
        out.push_str(&format!(
            "{index}: {name}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu {} qdisc {qdisc} {extra}state UP {mode}group default{qlen}\n",
            i.mtu
        ));
        let netns = match (host.kind, i.peer_index) {
            (HostKind::Pod, Some(_)) => " link-netnsid 0".to_string(),
            (_, Some(_)) => format!(" link-netns cni-{}", netns_id(&i.mac)),
            _ => String::new(),
        };
        out.push_str(&format!(
            "    link/ether {} brd ff:ff:ff:ff:ff:ff{netns}\n",
            fmt_mac(&i.mac)
        ));
        if link {
            continue;
        }
        if let Some(a) = i.addr {
            let scope = if dhcp {
                format!("global dynamic {}", i.name)
            } else {
                format!("global {}", i.name)
            };
            out.push_str(&format!(
                "    inet {a} brd {} scope {scope}\n",
                a.broadcast()
            ));
            if dhcp {
                let left = 86_400u64.saturating_sub(s.now / 1000 + 79);
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
fn link_name(kind: HostKind, i: &crate::net::Interface) -> String {
    match (kind, i.master.as_deref(), i.peer_index) {
        (_, Some(_), Some(peer)) | (HostKind::Pod, None, Some(peer)) => {
            format!("{}@if{peer}", i.name)
        }
        _ => i.name.clone(),
    }
}

/// `ip -br addr` and `ip -br link`: one line per interface.
fn ip_brief(s: &mut Session, rest: &[&str], exec: &mut Execution, addrs: bool) -> i32 {
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
    let host = s.world.net.host(s.here());
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
        if addrs {
            let mut list = String::new();
            if let Some(a) = i.addr {
                list.push_str(&format!("{a} "));
            }
            list.push_str(&format!("{} ", link_local(&i.mac)));
            out.push_str(&format!("{name:<16} {:<14} {list}\n", "UP"));
        } else {
            out.push_str(&format!(
                "{name:<16} {:<14} {} <BROADCAST,MULTICAST,UP,LOWER_UP> \n",
                "UP",
                fmt_mac(&i.mac)
            ));
        }
    }
    exec.out(out);
    0
}

/// `ip neigh [show] [dev DEV]`: the neighbour table the walks filled.
fn ip_neigh(s: &mut Session, rest: &[&str], exec: &mut Execution) -> i32 {
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
    let now = s.now;
    let host = s.world.net.host(s.here());
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

fn ip_route(s: &mut Session, rest: &[&str], exec: &mut Execution) -> i32 {
    let host = s.world.net.host(s.here());
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

#[inline(never)]
pub(super) fn ping(s: &mut Session, args: &[String], exec: &mut Execution) -> i32 {
    const OPTS: &[Opt] = &[
        opts::short("c", 'c', true),
        opts::short("q", 'q', false),
        opts::short("n", 'n', false),
        opts::short("4", '4', false),
    ];
    let parsed = match opts::parse(args, &opts::Spec::gnu(OPTS)) {
        Ok(p) => p,
        Err(e) => {
            exec.err(e.gnu("ping"));
            return 2;
        }
    };
    let count = match parsed.value("c") {
        None => None,
        Some(v) => match v.parse::<u32>() {
            Ok(n) if n >= 1 => Some(n.min(100)),
            _ => {
                exec.err(format!("ping: invalid argument: '{v}': out of range: 1 <= value <= 9223372036854775807\n"));
                return 1;
            }
        },
    };
    let operands = parsed.operands();
    let target = operands.last().map(String::as_str);
    let Some(target) = target else {
        exec.err("ping: usage error: Destination address required\n");
        return 1;
    };
    let ip = match s.lookup_host(target) {
        super::dns::HostLookup::Found(ip) => ip,
        super::dns::HostLookup::NotFound { trace } => {
            exec.trace = trace;
            exec.err(format!(
                "ping: {target}: Temporary failure in name resolution\n"
            ));
            return 2;
        }
    };
    // Without -c, ping runs until Ctrl+C; here the student "presses" it after four packets.
    let interrupted = count.is_none();
    let count = count.unwrap_or(4);
    let named = if target.parse::<Ipv4Addr>().is_ok() {
        ip.to_string()
    } else {
        format!("{target} ({ip})")
    };
    let here = s.here();
    let mut out = format!("PING {target} ({ip}) 56(84) bytes of data.\n");
    let mut rtts = vec![];
    let mut errors = 0;
    let mut last_trace = None;
    for seq in 1..=count {
        if !s.spend_packet("ping", exec) {
            break;
        }
        let now = s.now;
        match s.world.net.ping(here, ip, now, &mut s.rng) {
            PingResult::Reply { ttl, rtt_us, trace } => {
                let jitter = s.rng.range_inclusive(0, 40);
                let ms = (rtt_us + jitter) as f64 / 1000.0;
                rtts.push(ms);
                out.push_str(&format!(
                    "64 bytes from {named}: icmp_seq={seq} ttl={ttl} time={ms:.3} ms\n"
                ));
                last_trace = Some(trace);
            }
            PingResult::NoReply { trace, immediate } => {
                if immediate
                    && matches!(
                        trace.outcome,
                        Some(crate::net::TraceOutcome::Stopped {
                            reason: crate::net::DropReason::NoRoute { .. },
                            ..
                        })
                    )
                {
                    exec.trace = Some(with_request(trace, target, s.current_host()));
                    exec.err("ping: connect: Network is unreachable\n");
                    return 2;
                }
                if immediate {
                    let src = s.world.net.source_for(here, ip).unwrap_or(ip);
                    out.push_str(&format!(
                        "From {src} icmp_seq={seq} Destination Host Unreachable\n"
                    ));
                    errors += 1;
                }
                last_trace = Some(trace);
            }
        }
        if seq < count {
            s.advance(1000);
        }
    }
    if let Some(t) = last_trace {
        exec.trace = Some(with_request(t, target, s.current_host()));
    }
    let received = rtts.len() as u32;
    let lost_wait = if received < count {
        30 + u64::from(count) * 11
    } else {
        0
    };
    // ping's "time" runs from the first send to the last: about a second per interval.
    let total_ms = u64::from(count - 1) * 1001 + lost_wait;
    s.advance(lost_wait + 2);
    if interrupted {
        out.push_str("^C\n");
    }
    out.push_str(&format!("\n--- {target} ping statistics ---\n"));
    let loss = (count - received) * 100 / count;
    let errs = if errors > 0 {
        format!(", +{errors} errors")
    } else {
        String::new()
    };
    out.push_str(&format!(
        "{count} packets transmitted, {received} received{errs}, {loss}% packet loss, time {total_ms}ms\n"
    ));
    if !rtts.is_empty() {
        let min = rtts.iter().cloned().fold(f64::MAX, f64::min);
        let max = rtts.iter().cloned().fold(0.0, f64::max);
        let avg = rtts.iter().sum::<f64>() / rtts.len() as f64;
        let mdev = (rtts.iter().map(|r| (r - avg).powi(2)).sum::<f64>() / rtts.len() as f64).sqrt();
        out.push_str(&format!(
            "rtt min/avg/max/mdev = {min:.3}/{avg:.3}/{max:.3}/{mdev:.3} ms\n"
        ));
    } else if errors > 0 {
        out.push_str(&format!("pipe {count}\n"));
    }
    exec.out(out);
    if received > 0 {
        0
    } else {
        1
    }
}

fn with_request(mut t: crate::net::Trace, target: &str, from: &str) -> crate::net::Trace {
    t.request = format!("ping {target} (from {from})");
    t
}
