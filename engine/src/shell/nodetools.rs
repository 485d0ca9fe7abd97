//! `conntrack` (conntrack-tools 1.4.8) and `ss` (iproute2 6.8): the
//! kernel's connection table and sockets of the current host, read from
//! the simulation's own conntrack table and listeners.

use super::ctx::Ctx;
use super::opts::{self, Opt, Spec};
use super::{Execution, Session};
use crate::net::conntrack::Entry;
use crate::net::netfilter::Protocol;
use crate::net::HostKind;
use std::net::Ipv4Addr;

const CONNTRACK: &str = "conntrack v1.4.8 (conntrack-tools)";

const CONNTRACK_OPTS: &[Opt] = &[
    opts::flag("dump", 'L', "dump"),
    opts::flag("delete", 'D', "delete"),
    opts::flag("count", 'C', "count"),
    opts::flag("version", 'V', "version"),
    opts::valued("proto", 'p', "proto"),
    opts::valued("src", 's', "src"),
    opts::valued("dst", 'd', "dst"),
    opts::valued("reply-src", 'r', "reply-src"),
    opts::valued("reply-dst", 'q', "reply-dst"),
    opts::long("sport", "sport", true),
    opts::long("dport", "dport", true),
    opts::long("orig-src", "orig-src", true),
    opts::long("orig-dst", "orig-dst", true),
    opts::long("orig-port-src", "orig-port-src", true),
    opts::long("orig-port-dst", "orig-port-dst", true),
    opts::long("state", "state", true),
    opts::valued("output", 'o', "output"),
    opts::flag("numeric", 'n', "numeric"),
];

/// `tcp      6 117 TIME_WAIT src=… dst=… sport=… dport=… src=… … [ASSURED] mark=0 use=1`.
fn entry_line(e: &Entry, now: crate::time::Millis) -> String {
    let (name, num) = match e.original.proto {
        Protocol::Tcp => ("tcp", 6),
        Protocol::Udp => ("udp", 17),
        Protocol::Icmp => ("icmp", 1),
    };
    let left = e.expires.saturating_sub(now) / 1000;
    let mut line = format!("{name:<8} {num} {left} ");
    if e.original.proto == Protocol::Tcp {
        line.push_str(e.state.name());
        line.push(' ');
    }
    let tuple = |t: &crate::net::conntrack::Tuple| {
        format!(
            "src={} dst={} sport={} dport={} ",
            t.src.ip(),
            t.dst.ip(),
            t.src.port(),
            t.dst.port()
        )
    };
    line.push_str(&tuple(&e.original));
    if !e.replied {
        line.push_str("[UNREPLIED] ");
    }
    line.push_str(&tuple(&e.reply));
    if e.assured {
        line.push_str("[ASSURED] ");
    }
    line.push_str("mark=0 use=1\n");
    line
}

#[inline(never)]
pub(super) fn conntrack(s: &mut Ctx, args: &[String], exec: &mut Execution) -> i32 {
    let parsed = match opts::parse(args, &Spec::gnu(CONNTRACK_OPTS)) {
        Ok(p) => p,
        Err(e) => {
            let what = match e {
                opts::OptError::UnknownShort { c, .. } => format!("-{c}"),
                opts::OptError::UnknownLong(t) => t,
                opts::OptError::NeedsValue { typed, .. } => typed,
                other => format!("{other:?}"),
            };
            exec.err(format!(
                "{CONNTRACK}: Bad parameter `{what}'\nTry `conntrack -h' or 'conntrack --help' for more information.\n"
            ));
            return 2;
        }
    };
    if parsed.has("version") {
        exec.out(format!("{CONNTRACK}\n"));
        return 0;
    }
    let delete = parsed.has("delete");
    let count = parsed.has("count");
    if !(parsed.has("dump") || delete || count) {
        exec.err(format!("{CONNTRACK}: no command specified\nTry `conntrack -h' or 'conntrack --help' for more information.\n"));
        return 2;
    }
    if !(s.root || s.user() == "root") {
        exec.err(format!(
            "{CONNTRACK}: Operation failed: Operation not permitted\n"
        ));
        return 1;
    }
    let proto = match parsed.value("proto") {
        None => None,
        Some(p) => match p.to_ascii_lowercase().as_str() {
            "tcp" | "6" => Some(Protocol::Tcp),
            "udp" | "17" => Some(Protocol::Udp),
            "icmp" | "1" => Some(Protocol::Icmp),
            _ => {
                exec.err(format!("{CONNTRACK}: `{p}' unsupported protocol\nTry `conntrack -h' or 'conntrack --help' for more information.\n"));
                return 2;
            }
        },
    };
    let port = |name: &str, alt: &str, exec: &mut Execution| -> Result<Option<u16>, ()> {
        match parsed.value(name).or_else(|| parsed.value(alt)) {
            None => Ok(None),
            Some(_) if proto.is_none() => {
                exec.err(format!("{CONNTRACK}: missing protocol to match on port\nTry `conntrack -h' or 'conntrack --help' for more information.\n"));
                Err(())
            }
            Some(v) => v.parse::<u16>().map(Some).map_err(|_| {
                exec.err(format!("{CONNTRACK}: Bad parameter `{v}'\n"));
            }),
        }
    };
    let Ok(sport) = port("sport", "orig-port-src", exec) else {
        return 2;
    };
    let Ok(dport) = port("dport", "orig-port-dst", exec) else {
        return 2;
    };
    let addr = |names: &[&str], exec: &mut Execution| -> Result<Option<Ipv4Addr>, ()> {
        match names.iter().find_map(|n| parsed.value(n)) {
            None => Ok(None),
            Some(v) => v.parse::<Ipv4Addr>().map(Some).map_err(|_| {
                exec.err(format!("{CONNTRACK}: can't parse address `{v}'\n"));
            }),
        }
    };
    let Ok(src) = addr(&["src", "orig-src"], exec) else {
        return 2;
    };
    let Ok(dst) = addr(&["dst", "orig-dst"], exec) else {
        return 2;
    };
    let Ok(reply_src) = addr(&["reply-src"], exec) else {
        return 2;
    };
    let Ok(reply_dst) = addr(&["reply-dst"], exec) else {
        return 2;
    };
    let state = parsed.value("state").map(str::to_ascii_uppercase);
    let pick = |e: &Entry| {
        proto.is_none_or(|p| e.original.proto == p)
            && sport.is_none_or(|p| e.original.src.port() == p)
            && dport.is_none_or(|p| e.original.dst.port() == p)
            && src.is_none_or(|a| *e.original.src.ip() == a)
            && dst.is_none_or(|a| *e.original.dst.ip() == a)
            && reply_src.is_none_or(|a| *e.reply.src.ip() == a)
            && reply_dst.is_none_or(|a| *e.reply.dst.ip() == a)
            && state
                .as_deref()
                .is_none_or(|st| e.original.proto == Protocol::Tcp && e.state.name() == st)
    };
    let now = s.sim.now;
    let here = s.here();
    if count {
        let n = s.sim.world.net.host(here).conntrack.live(now).count();
        exec.out(format!("{n}\n"));
        return 0;
    }
    if delete {
        let gone = s.sim.world.net.host_mut(here).conntrack.delete(now, pick);
        let text: String = gone.iter().map(|e| entry_line(e, now)).collect();
        exec.out(text);
        exec.err(format!(
            "{CONNTRACK}: {} flow entries have been deleted.\n",
            gone.len()
        ));
        return if gone.is_empty() { 1 } else { 0 };
    }
    let host = s.sim.world.net.host(here);
    let shown: Vec<&Entry> = host.conntrack.live(now).filter(|e| pick(e)).collect();
    let text: String = shown.iter().map(|e| entry_line(e, now)).collect();
    let n = shown.len();
    if !s.charge(text.len() as u64, exec) {
        return 1;
    }
    exec.out(text);
    exec.err(format!("{CONNTRACK}: {n} flow entries have been shown.\n"));
    0
}

/// A listening socket as `ss` shows it.
struct SockRow {
    state: &'static str,
    recv_q: u32,
    send_q: u32,
    local_addr: String,
    local_port: String,
    peer_addr: String,
    peer_port: String,
    process: String,
    udp: bool,
}

/// The process ids of the daemons of a simulated host (as a node's
/// `systemd` started them, in boot order).
fn pid_of(process: &str) -> u32 {
    match process {
        "systemd-resolve" => 587,
        "sshd" => 812,
        "containerd" => 1043,
        "kubelet" => 1322,
        "kube-apiserver" => 1588,
        "etcd" => 1611,
        "kube-controller" => 1540,
        "kube-scheduler" => 1561,
        "kube-proxy" => 2157,
        "lighttpd" => 414,
        "nginx" | "whoami" | "http-echo" | "serve_hostname" | "coredns" => 1,
        _ => 1000 + crate::text::fnv1a(process.as_bytes()) % 3000,
    }
}

const SS_OPTS: &[Opt] = &[
    opts::flag("tcp", 't', "tcp"),
    opts::flag("udp", 'u', "udp"),
    opts::flag("listening", 'l', "listening"),
    opts::flag("all", 'a', "all"),
    opts::flag("numeric", 'n', "numeric"),
    opts::flag("processes", 'p', "processes"),
    opts::flag("ipv4", '4', "ipv4"),
];

/// Service names `ss` prints without `-n` (from `/etc/services`).
fn service(port: u16) -> String {
    match port {
        22 => "ssh".into(),
        53 => "domain".into(),
        80 => "http".into(),
        443 => "https".into(),
        p => p.to_string(),
    }
}

#[inline(never)]
pub(super) fn ss(s: &Session, args: &[String], exec: &mut Execution) -> i32 {
    let parsed = match opts::parse(args, &Spec::gnu(SS_OPTS)) {
        Ok(p) => p,
        Err(e) => {
            exec.err(e.gnu("ss"));
            exec.err("Usage: ss [ OPTIONS ]\n       ss [ OPTIONS ] [ FILTER ]\n");
            return 255;
        }
    };
    if !parsed.operands().is_empty() {
        exec.err("servicelab: ss filters are not simulated; use ss -tlnp, ss -ulnp or ss -tanp\n");
        return 1;
    }
    let tcp = parsed.has("tcp") || !parsed.has("udp");
    let udp = parsed.has("udp");
    let listening = parsed.has("listening") || parsed.has("all");
    let established = !parsed.has("listening");
    let numeric = parsed.has("numeric");
    let processes = parsed.has("processes");
    let here = s.here();
    let host = s.sim.world.net.host(here);
    let in_pod = host.kind == HostKind::Pod;
    let mut rows: Vec<SockRow> = vec![];
    let port_text = |p: u16| if numeric { p.to_string() } else { service(p) };
    if listening {
        let mut listeners: Vec<&crate::net::Listener> = host
            .listeners
            .iter()
            .filter(|l| match l.proto {
                Protocol::Tcp => tcp,
                Protocol::Udp => udp,
                Protocol::Icmp => false,
            })
            .collect();
        // The kernel lists IPv4 sockets, then the dual-stack ones (`*`).
        crate::sort::sort_by(&mut listeners, |a, b| {
            let v6 = |l: &crate::net::Listener| {
                l.addr.is_none() && !matches!(l.app, crate::apps::App::Sshd)
            };
            v6(a).cmp(&v6(b)).then(a.port.cmp(&b.port))
        });
        // A process's sockets take descriptors from 3 in the order it
        // opened them (sshd: 0.0.0.0 then [::]).
        let mut next_fd: crate::map::Map<String, u32> = Default::default();
        for l in listeners {
            let udp_sock = l.proto == Protocol::Udp;
            let proc = l.process.clone();
            let fd = next_fd.entry(proc.clone()).or_insert(3);
            let users = format!("users:((\"{}\",pid={},fd={}))", proc, pid_of(&proc), *fd);
            *fd += 1;
            let (addr, peer) = match l.addr {
                Some(a) if a == Ipv4Addr::new(127, 0, 0, 53) => {
                    ("127.0.0.53%lo:".to_string(), "0.0.0.0:".to_string())
                }
                Some(a) => (format!("{a}:"), "0.0.0.0:".to_string()),
                // sshd listens on 0.0.0.0 and [::]; Go programs on one dual-stack socket.
                None if matches!(l.app, crate::apps::App::Sshd) || in_pod => {
                    ("0.0.0.0:".to_string(), "0.0.0.0:".to_string())
                }
                None => ("*:".to_string(), "*:".to_string()),
            };
            rows.push(SockRow {
                state: if udp_sock { "UNCONN" } else { "LISTEN" },
                recv_q: 0,
                send_q: if udp_sock {
                    0
                } else if matches!(l.app, crate::apps::App::Sshd) || proc == "nginx" {
                    511_u32.min(if proc == "nginx" { 511 } else { 128 })
                } else {
                    4096
                },
                local_addr: addr,
                local_port: port_text(l.port),
                peer_addr: peer,
                peer_port: "*".into(),
                process: if processes {
                    users.clone()
                } else {
                    String::new()
                },
                udp: udp_sock,
            });
            if matches!(l.app, crate::apps::App::Sshd) && !in_pod {
                rows.push(SockRow {
                    state: "LISTEN",
                    recv_q: 0,
                    send_q: 128,
                    local_addr: "[::]:".into(),
                    local_port: port_text(l.port),
                    peer_addr: "[::]:".into(),
                    peer_port: "*".into(),
                    process: if processes {
                        let fd = next_fd.entry(proc.clone()).or_insert(3);
                        let users =
                            format!("users:((\"{}\",pid={},fd={}))", proc, pid_of(&proc), *fd);
                        *fd += 1;
                        users
                    } else {
                        String::new()
                    },
                    udp: false,
                });
            }
        }
    }
    if established && tcp {
        // The ssh sessions this host serves (the terminal's logins).
        for w in s.term.logins.windows(2) {
            if w[1] != here {
                continue;
            }
            let from = s.sim.world.net.host(w[0]).primary_addr();
            let to = host.primary_addr();
            if let (Some(from), Some(to)) = (from, to) {
                // The session's port, from the connection's conntrack entry.
                let now = s.sim.now;
                let sport = host
                    .conntrack
                    .live(now)
                    .find(|e| {
                        *e.original.src.ip() == from
                            && *e.original.dst.ip() == to
                            && e.original.dst.port() == 22
                    })
                    .map_or(52344, |e| e.original.src.port());
                rows.push(SockRow {
                    state: "ESTAB",
                    recv_q: 0,
                    send_q: 0,
                    local_addr: format!("{to}:"),
                    local_port: port_text(22),
                    peer_addr: format!("{from}:"),
                    peer_port: port_text(sport),
                    process: if processes {
                        "users:((\"sshd\",pid=3841,fd=4),(\"sshd\",pid=3756,fd=4))".into()
                    } else {
                        String::new()
                    },
                    udp: false,
                });
            }
        }
    }
    let netid = tcp && udp;
    let mut table: Vec<Vec<String>> = vec![];
    let mut header = vec![];
    if netid {
        header.push("Netid".to_string());
    }
    header.extend(
        [
            "State",
            "Recv-Q",
            "Send-Q",
            "Local Address:",
            "Port",
            "Peer Address:",
            "Port",
            "Process",
        ]
        .map(String::from),
    );
    table.push(header);
    for r in &rows {
        let mut row = vec![];
        if netid {
            row.push(if r.udp { "udp" } else { "tcp" }.to_string());
        }
        row.extend([
            r.state.to_string(),
            r.recv_q.to_string(),
            r.send_q.to_string(),
            r.local_addr.clone(),
            r.local_port.clone(),
            r.peer_addr.clone(),
            r.peer_port.clone(),
            r.process.clone(),
        ]);
        table.push(row);
    }
    exec.out(render(&table, netid));
    0
}

/// `ss`'s table, as its renderer lays it out when stdout is not a
/// terminal (`render_calc_width`'s compact output): each column as wide as
/// its widest field, plus its one-space left delimiter after the first;
/// the address columns right-aligned so that `ADDR:` meets its port, the
/// others padded on the right (the last one too).
fn render(table: &[Vec<String>], netid: bool) -> String {
    // Left delimiter and right alignment, per column (Netid first when shown).
    let mut cols: Vec<(&str, bool)> = vec![];
    if netid {
        cols.push(("", false));
    }
    cols.extend([
        (" ", false), // State
        (" ", false), // Recv-Q
        (" ", false), // Send-Q
        (" ", true),  // Local Address:
        ("", false),  // Port
        (" ", true),  // Peer Address:
        ("", false),  // Port
        ("", false),  // Process
    ]);
    if !netid {
        // The first column prints no delimiter.
        cols[0].0 = "";
    }
    let widths: Vec<usize> = cols
        .iter()
        .enumerate()
        .map(|(i, (delim, _))| {
            let max = table.iter().map(|r| r[i].len()).max().unwrap_or(0);
            if i > 0 && max > 0 {
                max + delim.len()
            } else {
                max
            }
        })
        .collect();
    let mut out = String::new();
    for row in table {
        for (i, (delim, right)) in cols.iter().enumerate() {
            let printed = if i > 0 {
                out.push_str(delim);
                delim.len()
            } else {
                0
            };
            let text = &row[i];
            let pad = widths[i].saturating_sub(printed + text.len());
            if *right {
                out.push_str(&" ".repeat(pad));
                out.push_str(text);
            } else {
                out.push_str(text);
                out.push_str(&" ".repeat(pad));
            }
        }
        out.push('\n');
    }
    out
}
