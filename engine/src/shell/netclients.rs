//! `wget` (busybox 1.36's, in pods) and `nc` (busybox's in busybox-based
//! images, OpenBSD's netcat on the hosts and in netshoot). Each request is
//! a real connection through the simulated network (or a port-forward's
//! tunnel), answered by the program that listens there.

use super::ctx::Ctx;
use super::http::{ARP_TIMEOUT_MS, KERNEL_SYN_TIMEOUT_MS};
use super::opts::{self, Opt, Spec};
use super::Execution;
use crate::apps::{HttpRequest, ServerCtx};
use crate::net::{ConnectOutcome, Trace};
use crate::time::Millis;
use std::net::SocketAddrV4;

const BUSYBOX_BANNER: &str = "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\n";

const WGET_USAGE: &str = "Usage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]
	[--post-data STR | --post-file FILE] [-Y on/off]
	[--no-check-certificate] [-P DIR] [-U AGENT] [-T SEC] URL...

Retrieve files via HTTP or FTP

	--spider	Only check URL existence: $? is 0 if exists
	--header STR	Add STR (of form 'header: value') to headers
	--post-data STR	Send STR using POST method
	--post-file FILE	Send FILE using POST method
	--no-check-certificate	Don't validate the server's certificate
	-c		Continue retrieval of aborted transfer
	-q		Quiet
	-P DIR		Save to DIR (default .)
	-S    		Show server response
	-T SEC		Network read timeout is SEC seconds
	-O FILE		Save to FILE ('-' for stdout)
	-o LOGFILE	Log messages to FILE
	-U STR		Use STR for User-Agent header
	-Y on/off	Use proxy
";

const WGET_OPTS: &[Opt] = &[
    opts::flag("continue", 'c', "continue"),
    opts::flag("quiet", 'q', "quiet"),
    opts::flag("server-response", 'S', "server-response"),
    opts::valued("output-document", 'O', "output-document"),
    opts::valued("output-file", 'o', "output-file"),
    opts::valued("directory-prefix", 'P', "directory-prefix"),
    opts::valued("proxy", 'Y', "proxy"),
    opts::valued("user-agent", 'U', "user-agent"),
    opts::valued("timeout", 'T', "timeout"),
    opts::valued("tries", 't', "tries"),
    opts::long("header", "header", true),
    opts::long("spider", "spider", false),
    opts::long("no-check-certificate", "no-check-certificate", false),
];

/// `http://host[:port]/path`, as busybox's `parse_url` reads it.
fn parse_url(raw: &str) -> Result<(String, u16, String), String> {
    let rest = match raw.split_once("://") {
        Some(("http", r)) => r,
        Some(("https", _)) => return Err("https is not simulated here".into()),
        Some(_) => return Err(format!("not an http or ftp url: {raw}")),
        None => raw,
    };
    let (authority, path) = match rest.find(['/', '?', '#']) {
        Some(i) => (&rest[..i], rest[i..].trim_start_matches('/').to_string()),
        None => (rest, String::new()),
    };
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => match p.parse::<u16>() {
            Ok(p) => (h, p),
            Err(_) => return Err(format!("bad port spec '{authority}'")),
        },
        None => (authority, 80),
    };
    Ok((host.to_string(), port, format!("/{path}")))
}

/// busybox's `bb_progress_update` line at the end of a transfer.
fn meter(file: &str, bytes: usize) -> String {
    let name: String = file.chars().take(20).collect();
    format!(
        "{name:<20} 100% |********************************| {:>5}  0:00:00 ETA\n",
        bytes
    )
}

#[inline(never)]
pub(super) fn wget(s: &mut Ctx, args: &[String], exec: &mut Execution) -> i32 {
    if s.current_pod_namespace().is_none() {
        exec.err("wget: servicelab simulates busybox's wget inside pods (busybox, alpine, curlimages/curl); on this host use curl\n");
        return 127;
    }
    let parsed = match opts::parse(args, &Spec::gnu(WGET_OPTS)) {
        Ok(p) => p,
        Err(e) => {
            exec.err(e.gnu("wget"));
            exec.err(format!("{BUSYBOX_BANNER}{WGET_USAGE}"));
            return 1;
        }
    };
    let urls = parsed.operands();
    if urls.is_empty() {
        exec.err(format!("{BUSYBOX_BANNER}{WGET_USAGE}"));
        return 1;
    }
    let quiet = parsed.has("quiet");
    let spider = parsed.has("spider");
    let show = parsed.has("server-response");
    let agent = parsed.value("user-agent").unwrap_or("Wget").to_string();
    let timeout_ms = match parsed.value("timeout") {
        Some(t) => match t.parse::<u64>() {
            Ok(n) => crate::time::millis(n).saturating_mul(1000),
            Err(_) => {
                exec.err(format!("wget: invalid number '{t}'\n"));
                return 1;
            }
        },
        None => 900_000,
    };
    let mut status = 0;
    for raw in urls {
        let (host, port, path) = match parse_url(&raw) {
            Ok(u) => u,
            Err(e) => {
                exec.err(format!("wget: {e}\n"));
                return 1;
            }
        };
        let ip = match s.lookup_host(&host) {
            super::dns::HostLookup::Found(ip) => ip,
            super::dns::HostLookup::NotFound { trace } => {
                if let Some(t) = trace {
                    exec.trace = Some(t);
                }
                exec.err(format!("wget: bad address '{host}'\n"));
                return 1;
            }
        };
        let dst = SocketAddrV4::new(ip, port);
        if !quiet {
            exec.err(format!("Connecting to {host} ({dst})\n"));
        }
        if !s.spend_packet("wget", exec) {
            return 1;
        }
        let (result, tunnel, _) = s.open(dst);
        let mut trace = result.trace;
        trace.request = format!("wget {raw} (from {})", s.current_host());
        exec.trace = Some(trace);
        let (server, listener, peer, server_addr) = match result.outcome {
            ConnectOutcome::Established {
                server,
                listener,
                peer_seen_by_server,
                server_addr,
                ..
            } => (server, listener, peer_seen_by_server, server_addr),
            other => {
                let (why, ms) = match other {
                    ConnectOutcome::Refused { .. } => ("Connection refused", 0),
                    ConnectOutcome::NetUnreachable { .. } => ("Network is unreachable", 0),
                    ConnectOutcome::HostUnreachable { .. } => ("No route to host", ARP_TIMEOUT_MS),
                    _ => ("Connection timed out", KERNEL_SYN_TIMEOUT_MS),
                };
                if ms > timeout_ms {
                    s.advance(timeout_ms);
                    exec.err("wget: download timed out\n");
                } else {
                    s.advance(ms);
                    exec.err(format!(
                        "wget: can't connect to remote host ({ip}): {why}\n"
                    ));
                }
                return 1;
            }
        };
        if let Some(note) = &tunnel {
            s.job_wrote(note);
            if note.broken {
                exec.err("wget: error getting response\n");
                return 1;
            }
        }
        let req = HttpRequest {
            method: "GET".into(),
            path: path.clone(),
            host_header: if port == 80 {
                host.clone()
            } else {
                format!("{host}:{port}")
            },
            user_agent: agent.clone(),
            headers: vec![("Connection".into(), "close".into())],
        };
        let h = s.sim.world.net.host(server);
        let ctx = ServerCtx {
            hostname: h.name.clone(),
            addrs: h
                .interfaces
                .iter()
                .filter_map(|i| i.addr.map(|a| a.addr()))
                .collect(),
            remote: peer,
        };
        let now = s.sim.now;
        s.advance(1);
        let Some(resp) = s.sim.world.serve_http(server, &listener, &req, &ctx, now) else {
            exec.err("wget: error getting response\n");
            return 1;
        };
        let _ = server_addr;
        let status_line = format!("HTTP/1.1 {} {}", resp.status, resp.reason);
        if show {
            let mut head = format!("  {status_line}\n");
            for (k, v) in &resp.headers {
                head.push_str(&format!("  {k}: {v}\n"));
            }
            exec.err(head);
        }
        if !(200..300).contains(&resp.status) {
            exec.err(format!("wget: server returned error: {status_line}\n"));
            status = 1;
            continue;
        }
        if spider {
            if !quiet {
                exec.err("remote file exists\n");
            }
            continue;
        }
        let out = parsed.value("output-document");
        let file = match out {
            Some(f) => f.to_string(),
            None => {
                let last = path.rsplit('/').next().unwrap_or("");
                let last = last.split(['?', '#']).next().unwrap_or("");
                let name = if last.is_empty() { "index.html" } else { last };
                match parsed.value("directory-prefix") {
                    Some(d) => format!("{}/{name}", d.trim_end_matches('/')),
                    None => name.to_string(),
                }
            }
        };
        let body = resp.body;
        if file == "-" {
            if !quiet {
                exec.err("writing to stdout\n");
            }
            exec.out(body.clone());
            if !quiet {
                exec.err(meter("-", body.len()));
                exec.err("written to stdout\n");
            }
        } else {
            if !quiet {
                exec.err(format!("saving to '{file}'\n"));
            }
            if s.write_file(&file, body.clone()).is_err() {
                exec.err(format!("wget: can't open '{file}': Permission denied\n"));
                return 1;
            }
            if !quiet {
                exec.err(meter(file.rsplit('/').next().unwrap_or(&file), body.len()));
                exec.err(format!("'{file}' saved\n"));
            }
        }
    }
    status
}

const NC_OPTS_BUSYBOX: &[Opt] = &[
    opts::short("n", 'n', false),
    opts::short("p", 'p', true),
    opts::short("s", 's', true),
    opts::short("u", 'u', false),
    opts::short("b", 'b', false),
    opts::short("v", 'v', false),
    opts::short("w", 'w', true),
    opts::short("l", 'l', false),
    opts::short("k", 'k', false),
    opts::short("i", 'i', true),
    opts::short("o", 'o', true),
    opts::short("z", 'z', false),
];

const NC_OPTS_OPENBSD: &[Opt] = &[
    opts::short("4", '4', false),
    opts::short("6", '6', false),
    opts::short("n", 'n', false),
    opts::short("u", 'u', false),
    opts::short("v", 'v', false),
    opts::short("w", 'w', true),
    opts::short("z", 'z', false),
    opts::short("l", 'l', false),
    opts::short("k", 'k', false),
    opts::short("p", 'p', true),
    opts::short("s", 's', true),
    opts::short("q", 'q', true),
    opts::short("N", 'N', false),
];

/// `/etc/services`' name for a TCP port, as OpenBSD netcat prints it.
fn service_name(port: u16) -> &'static str {
    match port {
        22 => "ssh",
        53 => "domain",
        80 => "http",
        443 => "https",
        6443 => "*",
        8080 => "http-alt",
        _ => "*",
    }
}

/// `nc [-zv] [-w SEC] HOST PORT`: a TCP connection, opened and closed.
/// Sending data is not simulated: with no `-z`, nc connects, says so (with
/// `-v`) and ends, as with nothing on its stdin.
#[inline(never)]
pub(super) fn nc(s: &mut Ctx, args: &[String], exec: &mut Execution) -> i32 {
    let busybox = s
        .pod_image()
        .is_some_and(|i| !crate::cluster::images::has_command(&i, "dig"));
    let spec = if busybox {
        NC_OPTS_BUSYBOX
    } else {
        NC_OPTS_OPENBSD
    };
    let parsed = match opts::parse(args, &Spec::gnu(spec)) {
        Ok(p) => p,
        Err(e) => {
            if busybox {
                exec.err(e.gnu("nc"));
                exec.err(format!("{BUSYBOX_BANNER}Usage: nc [OPTIONS] HOST PORT  - connect\nnc [OPTIONS] -l -p PORT [HOST] [PORT]  - listen\n"));
            } else {
                exec.err(e.gnu("nc"));
                exec.err("usage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval] [-M ttl]\n\t  [-m minttl] [-O length] [-P proxy_username] [-p source_port]\n\t  [-q seconds] [-s sourceaddr] [-T keyword] [-V rtable] [-W recvlimit]\n\t  [-w timeout] [-X proxy_protocol] [-x proxy_address[:port]]\n\t  [destination] [port]\n");
            }
            return 1;
        }
    };
    let verbose = parsed
        .items
        .iter()
        .filter(|i| matches!(i, opts::Item::Opt("v", _)))
        .count();
    if parsed.has("l") || parsed.has("u") {
        exec.err("nc: listening and UDP are not simulated here; nc connects to TCP ports\n");
        return 1;
    }
    let ops = parsed.operands();
    let (Some(host), Some(port_text)) = (ops.first(), ops.get(1)) else {
        if busybox {
            exec.err(format!("{BUSYBOX_BANNER}Usage: nc [OPTIONS] HOST PORT  - connect\nnc [OPTIONS] -l -p PORT [HOST] [PORT]  - listen\n"));
        } else {
            exec.err("usage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval] [-M ttl]\n\t  [-m minttl] [-O length] [-P proxy_username] [-p source_port]\n\t  [-q seconds] [-s sourceaddr] [-T keyword] [-V rtable] [-W recvlimit]\n\t  [-w timeout] [-X proxy_protocol] [-x proxy_address[:port]]\n\t  [destination] [port]\n");
        }
        return 1;
    };
    let Ok(port) = port_text.parse::<u16>() else {
        if busybox {
            exec.err(format!("nc: bad port '{port_text}'\n"));
        } else {
            exec.err(format!("nc: port number invalid: {port_text}\n"));
        }
        return 1;
    };
    let wait_ms: Option<Millis> = parsed
        .value("w")
        .and_then(|w| w.parse::<u64>().ok())
        .map(|w| crate::time::millis(w).saturating_mul(1000));
    let ip = match s.lookup_host(host) {
        super::dns::HostLookup::Found(ip) => ip,
        super::dns::HostLookup::NotFound { trace } => {
            if let Some(t) = trace {
                exec.trace = Some(t);
            }
            if busybox {
                exec.err(format!("nc: bad address '{host}'\n"));
            } else {
                exec.err(format!(
                    "nc: getaddrinfo for host \"{host}\" port {port}: Name or service not known\n"
                ));
            }
            return 1;
        }
    };
    let dst = SocketAddrV4::new(ip, port);
    if !s.spend_packet("nc", exec) {
        return 1;
    }
    let (result, tunnel, _) = s.open(dst);
    let mut trace: Trace = result.trace;
    trace.request = format!("nc {host} {port} (from {})", s.current_host());
    exec.trace = Some(trace);
    if let Some(note) = &tunnel {
        s.job_wrote(note);
    }
    let failure = match &result.outcome {
        ConnectOutcome::Established { .. } => None,
        ConnectOutcome::Refused { .. } => Some(("Connection refused", 0)),
        ConnectOutcome::NetUnreachable { .. } => Some(("Network is unreachable", 0)),
        ConnectOutcome::HostUnreachable { .. } => Some(("No route to host", ARP_TIMEOUT_MS)),
        ConnectOutcome::Lost { .. } => Some(("Connection timed out", KERNEL_SYN_TIMEOUT_MS)),
    };
    match failure {
        None => {
            s.advance(1);
            if verbose > 0 {
                if busybox {
                    exec.err(format!("{host} ({dst}) open\n"));
                } else {
                    exec.err(format!(
                        "Connection to {host} {port} port [tcp/{}] succeeded!\n",
                        service_name(port)
                    ));
                }
            }
            0
        }
        Some((why, ms)) => {
            let timed_out = wait_ms.is_some_and(|w| w < ms.max(1));
            s.advance(if timed_out { wait_ms.unwrap_or(ms) } else { ms });
            if busybox {
                let why = if timed_out {
                    "Connection timed out"
                } else {
                    why
                };
                // One -v says nothing of a refusal (busybox scans quietly).
                if verbose > 1 || (verbose == 1 && why != "Connection refused") {
                    exec.err(format!("nc: {host} ({dst}): {why}\n"));
                }
            } else if verbose == 0 {
                // OpenBSD's netcat reports failures with -v only.
            } else if timed_out {
                exec.err(format!(
                    "nc: connect to {host} port {port} (tcp) timed out: Operation now in progress\n"
                ));
            } else {
                exec.err(format!(
                    "nc: connect to {host} port {port} (tcp) failed: {why}\n"
                ));
            }
            1
        }
    }
}
