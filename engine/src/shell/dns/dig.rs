//! bind9 9.18's `dig`: one query (no search path unless `+search`), the
//! whole response printed section by section in master-file columns, or
//! only the record data with `+short`. `+tcp` asks over TCP 53.

use super::nslookup::with_retries;
use super::{candidates, reverse_name, BIND_VERSION};
use crate::cluster::dns::{self, Rcode, Record, Response, RrType};
use crate::net::ConnectOutcome;
use crate::shell::ctx::Ctx;
use crate::shell::Execution;
use std::net::{Ipv4Addr, SocketAddrV4};

struct Options {
    server: Option<String>,
    name: Option<String>,
    qtype: Option<RrType>,
    short: bool,
    search: bool,
    tcp: bool,
    /// `+noall`: no section unless asked back.
    sections: Sections,
}

#[derive(Clone, Copy)]
struct Sections {
    comments: bool,
    question: bool,
    answer: bool,
    authority: bool,
    additional: bool,
    stats: bool,
    cmd: bool,
}

const USAGE: &str = "Usage:  dig [@global-server] [domain] [q-type] [q-class] {q-opt}
            {global-d-opt} host [@local-server] {local-d-opt}
            [ host [@local-server] {local-d-opt} [...]]

Use \"dig -h\" (or \"dig -h | more\") for complete list of options
";

fn parse(args: &[String]) -> Result<Options, String> {
    let all = Sections {
        comments: true,
        question: true,
        answer: true,
        authority: true,
        additional: true,
        stats: true,
        cmd: true,
    };
    let mut o = Options {
        server: None,
        name: None,
        qtype: None,
        short: false,
        search: false,
        tcp: false,
        sections: all,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if let Some(server) = a.strip_prefix('@') {
            o.server = Some(server.to_string());
        } else if let Some(opt) = a.strip_prefix('+') {
            let (flag, on) = match opt.strip_prefix("no") {
                Some(rest) => (rest, false),
                None => (opt, true),
            };
            let s = &mut o.sections;
            match flag {
                "short" => o.short = on,
                "search" => o.search = on,
                "tcp" | "vc" => o.tcp = on,
                "all" => {
                    *s = Sections {
                        comments: on,
                        question: on,
                        answer: on,
                        authority: on,
                        additional: on,
                        stats: on,
                        cmd: on,
                    }
                }
                "answer" => s.answer = on,
                "question" => s.question = on,
                "authority" => s.authority = on,
                "additional" => s.additional = on,
                "comments" => s.comments = on,
                "stats" => s.stats = on,
                "cmd" => s.cmd = on,
                "recurse" | "cookie" | "edns" | "showsearch" | "ttlid" | "class" => {}
                _ => return Err(format!("Invalid option: +{opt}\n{USAGE}")),
            }
        } else if a == "-t" {
            let t = it.next().ok_or_else(|| USAGE.to_string())?;
            o.qtype = Some(
                RrType::parse(t)
                    .ok_or_else(|| format!(";; Warning, ignoring invalid type {t}\n"))?,
            );
        } else if a == "-x" {
            let addr = it.next().ok_or_else(|| USAGE.to_string())?;
            let ip: Ipv4Addr = addr
                .parse()
                .map_err(|_| format!("Invalid IP address {addr}\n"))?;
            o.name = Some(reverse_name(ip));
            o.qtype = Some(RrType::Ptr);
        } else if a.starts_with('-') && a.len() > 1 {
            return Err(format!("Invalid option: {a}\n{USAGE}"));
        } else if let Some(t) = RrType::parse(a) {
            // dig reads any word that names a type as the type, before
            // or after the name (`dig SRV _http._tcp.web`).
            o.qtype = Some(t);
        } else if a.eq_ignore_ascii_case("IN") {
        } else {
            o.name = Some(a.clone());
        }
    }
    Ok(o)
}

/// `indent()` of bind's master-file dumper: tabs to the next tab stop
/// (width 8) on the way to `to`, at least one character, spaces for the rest.
fn indent(out: &mut String, col: &mut usize, to: usize) {
    let to = to.max(*col + 1);
    let tabs = to / 8 - *col / 8;
    let mut from = *col;
    if tabs > 0 {
        out.push_str(&"\t".repeat(tabs));
        from = (to / 8) * 8;
    }
    out.push_str(&" ".repeat(to - from));
    *col = to;
}

/// One record (or question) as `dig` prints it: the owner, then TTL,
/// class, type and data at columns 24, 32, 40 and 48.
fn rr_line(owner: &str, ttl: Option<u32>, rr_type: &str, data: Option<&str>) -> String {
    let mut out = owner.to_string();
    let mut col = owner.len();
    if let Some(ttl) = ttl {
        indent(&mut out, &mut col, 24);
        let t = ttl.to_string();
        col += t.len();
        out.push_str(&t);
    }
    indent(&mut out, &mut col, 32);
    out.push_str("IN");
    col += 2;
    indent(&mut out, &mut col, 40);
    out.push_str(rr_type);
    col += rr_type.len();
    if let Some(d) = data {
        indent(&mut out, &mut col, 48);
        out.push_str(d);
    }
    out.push('\n');
    out
}

fn section(out: &mut String, title: &str, records: &[Record]) {
    if records.is_empty() {
        return;
    }
    out.push_str(&format!(";; {title} SECTION:\n"));
    for r in records {
        out.push_str(&rr_line(
            &r.name,
            Some(r.ttl),
            r.data.rr_type().name(),
            Some(&r.data.text()),
        ));
    }
    out.push('\n');
}

/// `Thu Nov 26 09:00:00 UTC 2026`: strftime's `%a %b %d %H:%M:%S %Z %Y`.
fn when(unix: u64) -> String {
    // "Thu, 26 Nov 2026 09:00:00 GMT"
    let http = crate::time::http_date(unix);
    let p: Vec<&str> = http.split(' ').collect();
    match p.as_slice() {
        [day, d, mon, year, time, _] => {
            format!("{} {mon} {d} {time} UTC {year}", day.trim_end_matches(','))
        }
        _ => http,
    }
}

#[inline(never)]
pub(crate) fn dig(s: &mut Ctx, args: &[String], exec: &mut Execution) -> i32 {
    let o = match parse(args) {
        Ok(o) => o,
        Err(e) => {
            exec.err(e);
            return 1;
        }
    };
    let conf = s.resolv_conf();
    let server = match &o.server {
        Some(name) => match name.parse::<Ipv4Addr>() {
            Ok(ip) => ip,
            Err(_) => match s.lookup_host(name) {
                super::HostLookup::Found(ip) => ip,
                super::HostLookup::NotFound { .. } => {
                    exec.err(format!(
                        "dig: couldn't get address for '{name}': not found\n"
                    ));
                    return 10;
                }
            },
        },
        None => conf
            .nameservers
            .first()
            .copied()
            .unwrap_or(Ipv4Addr::LOCALHOST),
    };
    let typed = o.name.clone().unwrap_or_else(|| ".".to_string());
    let qtype = o.qtype.unwrap_or(if o.name.is_some() {
        RrType::A
    } else {
        RrType::Ns
    });
    let names = if o.search && o.name.is_some() {
        candidates(&typed, &conf)
    } else {
        vec![typed.trim_end_matches('.').to_string()]
    };
    let mut cmdline = format!("\n; <<>> DiG {BIND_VERSION} <<>>");
    for a in args {
        cmdline.push(' ');
        cmdline.push_str(a);
    }
    cmdline.push('\n');
    if o.server.is_some() {
        cmdline.push_str("; (1 server found)\n");
    }
    cmdline.push_str(if o.short {
        ";; global options: +short +cmd\n"
    } else {
        ";; global options: +cmd\n"
    });
    let mut warnings = String::new();
    let mut result: Option<(String, Response)> = None;
    for (i, name) in names.iter().enumerate() {
        let reply = if o.tcp {
            tcp_query(s, server, name, qtype, exec)
        } else {
            with_retries(s, server, name, qtype, exec, &mut warnings)
        };
        let Some(r) = reply else {
            exec.out(warnings);
            if o.tcp {
                exec.out(format!(
                    ";; Connection to {server}#53({server}) for {typed} failed: connection refused.\n"
                ));
            }
            if !o.short {
                exec.out(cmdline);
            }
            exec.out(";; no servers could be reached\n");
            return 9;
        };
        if r.rcode == Rcode::NxDomain && i + 1 < names.len() {
            continue;
        }
        result = Some((name.clone(), r));
        break;
    }
    exec.out(warnings);
    let Some((name, r)) = result else {
        return 9;
    };
    if o.short {
        let mut out = String::new();
        for rec in &r.answers {
            out.push_str(&rec.data.text());
            out.push('\n');
        }
        exec.out(out);
        return 0;
    }
    let secs = o.sections;
    let mut out = String::new();
    if secs.cmd {
        out.push_str(&cmdline);
    }
    let id = s.sim.rng.range_inclusive(1, 65535);
    let cookie = format!("{:016x}", s.sim.rng.next_u64());
    if secs.comments {
        out.push_str(";; Got answer:\n");
        out.push_str(&format!(
            ";; ->>HEADER<<- opcode: QUERY, status: {}, id: {id}\n",
            r.rcode.name()
        ));
        let mut flags = String::from(" qr");
        if r.authoritative {
            flags.push_str(" aa");
        }
        flags.push_str(" rd");
        if r.recursion_available {
            flags.push_str(" ra");
        }
        out.push_str(&format!(
            ";; flags:{flags}; QUERY: 1, ANSWER: {}, AUTHORITY: {}, ADDITIONAL: {}\n",
            r.answers.len(),
            r.authority.len(),
            r.additional.len() + 1
        ));
        if !r.recursion_available {
            out.push_str(";; WARNING: recursion requested but not available\n");
        }
        out.push('\n');
        out.push_str(&format!(
            ";; OPT PSEUDOSECTION:\n; EDNS: version: 0, flags:; udp: 1232\n; COOKIE: {cookie} (echoed)\n"
        ));
    }
    let owner = dns::fqdn(&name);
    if secs.question {
        out.push_str(";; QUESTION SECTION:\n");
        out.push_str(&rr_line(&format!(";{owner}"), None, qtype.name(), None));
        out.push('\n');
    }
    if secs.answer {
        section(&mut out, "ANSWER", &r.answers);
    }
    if secs.authority {
        section(&mut out, "AUTHORITY", &r.authority);
    }
    if secs.additional {
        section(&mut out, "ADDITIONAL", &r.additional);
    }
    if secs.stats {
        let proto = if o.tcp { "TCP" } else { "UDP" };
        let unix = crate::time::DateTime::at(s.sim.now).unix;
        out.push_str(&format!(
            ";; Query time: 0 msec\n;; SERVER: {server}#53({server}) ({proto})\n;; WHEN: {}\n;; MSG SIZE  rcvd: {}\n\n",
            when(unix),
            dns::wire_size(&name, &r, true)
        ));
    }
    exec.out(out);
    0
}

/// `+tcp`: the query goes over a TCP connection to port 53.
fn tcp_query(
    s: &mut Ctx,
    server: Ipv4Addr,
    name: &str,
    qtype: RrType,
    exec: &mut Execution,
) -> Option<Response> {
    let here = s.here();
    let sport = s.ephemeral_port();
    let now = s.sim.now;
    let r = s.sim.world.net.connect(
        here,
        sport,
        SocketAddrV4::new(server, 53),
        now,
        &mut s.sim.rng,
    );
    let mut trace = r.trace;
    trace.request = format!(
        "DNS query {name} {} over TCP to {server} (from {})",
        qtype.name(),
        s.current_host()
    );
    exec.trace = Some(trace);
    match r.outcome {
        ConnectOutcome::Established { listener, .. } if listener.process == "coredns" => Some(
            dns::resolve(&s.sim.world.cluster, name, qtype, &mut s.sim.rng),
        ),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_follow_binds_tab_stops() {
        assert_eq!(
            rr_line(
                "kubernetes.default.svc.cluster.local.",
                Some(30),
                "A",
                Some("10.96.0.1")
            ),
            "kubernetes.default.svc.cluster.local. 30 IN A\t10.96.0.1\n"
        );
        assert_eq!(
            rr_line(";example.com.", None, "A", None),
            ";example.com.\t\t\tIN\tA\n"
        );
        assert_eq!(
            rr_line("cluster.local.", Some(30), "SOA", Some("x")),
            "cluster.local.\t\t30\tIN\tSOA\tx\n"
        );
    }

    #[test]
    fn when_reads_like_strftime() {
        assert_eq!(
            when(crate::time::EPOCH_UNIX),
            "Thu Nov 26 09:00:00 UTC 2026"
        );
    }
}
