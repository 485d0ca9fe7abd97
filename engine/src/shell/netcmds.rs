//! `ssh`, `hostname` and `ping`: the network tools of a Linux host (`ip`
//! and `bridge` are iproute2's, in [`super::iproute`]).

use super::ctx::Ctx;
use super::opts::{self, Opt};
use super::{Execution, Session};
use crate::net::{ConnectOutcome, PingResult};
use crate::time::Millis;
use std::net::Ipv4Addr;

/// The release every simulated host runs; what `ssh` greets with.
const OS_BANNER: &str = "Welcome to Ubuntu 24.04.1 LTS (GNU/Linux 6.8.0-49-generic x86_64)";

#[inline(never)]
pub(super) fn hostname(s: &mut Ctx, args: &[String], exec: &mut Execution) -> i32 {
    match args.first().map(String::as_str) {
        None => {
            let h = s.current_host().to_string();
            exec.out(format!("{h}\n"));
            0
        }
        Some("-I" | "--all-ip-addresses") => {
            let h = s.sim.world.net.host(s.here());
            let addrs: Vec<String> = h
                .interfaces
                .iter()
                .filter_map(|i| i.addr.map(|a| a.addr().to_string()))
                .collect();
            exec.out(format!("{} \n", addrs.join(" ")));
            0
        }
        Some("-i" | "--ip-address") => {
            let a = s.sim.world.net.host(s.here()).primary_addr();
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
    let Some(ip) = s.sim.resolve_at(s.here(), host) else {
        exec.err(format!(
            "ssh: Could not resolve hostname {host}: Name or service not known\n"
        ));
        return 255;
    };
    if !s.spend_packet("ssh", exec) {
        return 255;
    }
    let here = s.here();
    let sport = s.sim.ephemeral_port();
    let now = s.sim.now;
    let result = s.sim.world.net.connect(
        here,
        sport,
        std::net::SocketAddrV4::new(ip, 22),
        now,
        &mut s.sim.rng,
    );
    if matches!(result.outcome, ConnectOutcome::Established { .. }) {
        // The session stays open.
        s.sim.world.net.finish_conntrack(
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
            if s.sim.world.machine(server).is_none() {
                return err(exec, "Connection refused");
            }
            // The previous login, three minutes ago, as `last` prints it.
            let when = crate::time::DateTime::at(s.sim.now - 180_000).asctime();
            exec.out(format!(
                "{OS_BANNER}\n\nLast login: {when} from {}\n",
                peer_seen_by_server.ip()
            ));
            s.advance(180);
            s.term.logins.push(server);
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
pub(super) fn ping(s: &mut Ctx, args: &[String], exec: &mut Execution) -> i32 {
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
    // BusyBox's applet in busybox and Alpine pods, iputils elsewhere: the
    // same probes, each tool's own words.
    let busybox = s.in_busybox_pod();
    let ip = match s.lookup_host(target) {
        super::dns::HostLookup::Found(ip) => ip,
        super::dns::HostLookup::NotFound { trace } => {
            exec.trace = trace;
            if busybox {
                exec.err(format!("ping: bad address '{target}'\n"));
                return 1;
            }
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
    let mut out = if busybox {
        format!("PING {target} ({ip}): 56 data bytes\n")
    } else {
        format!("PING {target} ({ip}) 56(84) bytes of data.\n")
    };
    let mut rtts = vec![];
    let mut errors = 0;
    let mut last_trace = None;
    for seq in 1..=count {
        if !s.spend_packet("ping", exec) {
            break;
        }
        let now = s.sim.now;
        match s.sim.world.net.ping(here, ip, now, &mut s.sim.rng) {
            PingResult::Reply { ttl, rtt_us, trace } => {
                let jitter = s.sim.rng.range_inclusive(0, 40);
                let ms = (rtt_us + jitter) as f64 / 1000.0;
                rtts.push(ms);
                out.push_str(&if busybox {
                    // BusyBox counts from 0 and names the sender by address.
                    format!(
                        "64 bytes from {ip}: seq={} ttl={ttl} time={ms:.3} ms\n",
                        seq - 1
                    )
                } else {
                    format!("64 bytes from {named}: icmp_seq={seq} ttl={ttl} time={ms:.3} ms\n")
                });
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
                    if busybox {
                        exec.out(out);
                        exec.err("ping: sendto: Network is unreachable\n");
                        return 1;
                    }
                    exec.err("ping: connect: Network is unreachable\n");
                    return 2;
                }
                // iputils reads the kernel's error for the socket; BusyBox's
                // raw socket gets the ICMP error too, but its id is not the
                // ping's, so BusyBox passes over it in silence.
                if immediate && !busybox {
                    let src = s.sim.world.net.source_for(here, ip).unwrap_or(ip);
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
    if busybox {
        return busybox_statistics(s, target, count, &rtts, interrupted, out, exec);
    }
    let lost_wait = if received < count {
        30 + Millis::from(count) * 11
    } else {
        0
    };
    // ping's "time" runs from the first send to the last: about a second
    // per interval, and nothing for a single packet (`-c 1`: `time 0ms`,
    // answered or not).
    let total_ms = match count {
        1 => 0,
        _ => Millis::from(count - 1) * 1001 + lost_wait,
    };
    s.advance(lost_wait + 2);
    if interrupted {
        // The terminal echoes ^C; ping's statistics begin with a newline.
        out.push_str("^C");
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
    if let Some((min, avg, max)) = round_trips(&rtts) {
        let mdev = (rtts.iter().map(|r| (r - avg).powi(2)).sum::<f64>() / rtts.len() as f64).sqrt();
        out.push_str(&format!(
            "rtt min/avg/max/mdev = {min:.3}/{avg:.3}/{max:.3}/{mdev:.3} ms\n"
        ));
    } else if errors > 0 && count > 1 {
        // iputils prints how many probes were in flight only past one.
        out.push_str(&format!("pipe {count}\n"));
    } else {
        // The statistics' second line, empty when there is nothing to say.
        out.push('\n');
    }
    exec.out(out);
    if received > 0 {
        0
    } else {
        1
    }
}

/// The round trips' (min, avg, max) in ms, both pings' statistics; `None`
/// when nothing came back.
fn round_trips(rtts: &[f64]) -> Option<(f64, f64, f64)> {
    if rtts.is_empty() {
        return None;
    }
    let min = rtts.iter().cloned().fold(f64::MAX, f64::min);
    let max = rtts.iter().cloned().fold(0.0, f64::max);
    let avg = rtts.iter().sum::<f64>() / rtts.len() as f64;
    Some((min, avg, max))
}

/// BusyBox's `print_stats_and_exit`: after the last probe it waits for
/// its reply (10 s, `-W`'s default, when none came back; twice the
/// slowest round trip, at least a second, when some did; not at all when
/// all did), then prints the statistics and exits 1 if nothing came back.
fn busybox_statistics(
    s: &mut Ctx,
    target: &str,
    count: u32,
    rtts: &[f64],
    interrupted: bool,
    mut out: String,
    exec: &mut Execution,
) -> i32 {
    let received = rtts.len() as u32;
    let wait = match received {
        0 => 10_000,
        r if r < count => 1_000,
        _ => 0,
    };
    s.advance(wait + 2);
    if interrupted {
        out.push_str("^C");
    }
    let loss = (count - received) * 100 / count;
    out.push_str(&format!(
        "\n--- {target} ping statistics ---\n{count} packets transmitted, {received} packets received, {loss}% packet loss\n"
    ));
    if let Some((min, avg, max)) = round_trips(rtts) {
        out.push_str(&format!(
            "round-trip min/avg/max = {min:.3}/{avg:.3}/{max:.3} ms\n"
        ));
    }
    exec.out(out);
    i32::from(received == 0)
}

fn with_request(mut t: crate::net::Trace, target: &str, from: &str) -> crate::net::Trace {
    t.request = format!("ping {target} (from {from})");
    t
}
