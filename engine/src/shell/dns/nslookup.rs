//! `nslookup`, in the two builds a student meets: busybox 1.36's applet
//! (busybox, alpine and curl images) and bind9 9.18's (netshoot, the nodes
//! and the laptop). They differ in more than `Address: 10.96.0.10:53` and
//! `#53`: busybox sends A and AAAA queries for every search domain at once
//! (only when the name has no dot) and prints every answer, NXDOMAIN
//! included; bind9 walks the search path with `ndots` and prints the first
//! name that exists, then its AAAA.

use super::{bare, candidates, reverse_name, Reply};
use crate::cluster::dns::{Rcode, Rdata, Record, Response, RrType};
use crate::shell::ctx::Ctx;
use crate::shell::Execution;
use std::net::Ipv4Addr;

/// The nslookup this host has.
#[inline(never)]
pub(crate) fn nslookup(s: &mut Ctx, args: &[String], exec: &mut Execution) -> i32 {
    if s.in_busybox_pod() {
        busybox(s, args, exec)
    } else {
        bind9(s, args, exec)
    }
}

const BUSYBOX_USAGE: &str = "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.

Usage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]

Query DNS about HOST

QUERY_TYPE: soa,ns,a,aaaa,cname,mx,txt,any
";

/// Options common to both: `-type=X` (or `-query=`, `-querytype=`, `-q=`),
/// and the positional HOST and SERVER.
struct Request {
    types: Vec<RrType>,
    host: String,
    server: Option<String>,
}

fn parse(args: &[String], bind: bool) -> Result<Request, String> {
    let mut types = vec![];
    let mut positional = vec![];
    for a in args {
        if let Some(opt) = a.strip_prefix('-').filter(|_| positional.is_empty()) {
            let (key, val) = opt.split_once('=').unwrap_or((opt, ""));
            match key {
                "type" | "querytype" | "query" | "q" | "ty" => match RrType::parse(val) {
                    Some(t) => types.push(t),
                    None if bind => return Err(format!("unknown query type: {val}\n")),
                    None => return Err(format!("nslookup: invalid query type \"{val}\"\n")),
                },
                "debug" | "d2" | "nodebug" | "search" | "nosearch" | "timeout" | "t" | "retry"
                | "port" | "recurse" | "norecurse" | "vc" | "novc" => {}
                _ if bind => return Err(format!("*** Invalid option: {opt}\n")),
                _ => return Err(BUSYBOX_USAGE.to_string()),
            }
        } else {
            positional.push(a.clone());
        }
    }
    let mut p = positional.into_iter();
    let host = p.next().ok_or_else(|| {
        if bind {
            "Usage:\n   nslookup [-opt ...]             # interactive mode using default server\n   nslookup [-opt ...] - server    # interactive mode using 'server'\n   nslookup [-opt ...] host        # just look up 'host' using default server\n   nslookup [-opt ...] host server # just look up 'host' using 'server'\n".to_string()
        } else {
            BUSYBOX_USAGE.to_string()
        }
    })?;
    let server = p.next();
    if p.next().is_some() && !bind {
        return Err(BUSYBOX_USAGE.to_string());
    }
    Ok(Request {
        types,
        host,
        server,
    })
}

/// The servers to ask: the one given (an address), or resolv.conf's.
fn servers(s: &mut Ctx, given: Option<&str>) -> Result<Vec<Ipv4Addr>, String> {
    match given {
        Some(name) => match name.parse::<Ipv4Addr>() {
            Ok(ip) => Ok(vec![ip]),
            Err(_) => match s.lookup_host(name) {
                super::HostLookup::Found(ip) => Ok(vec![ip]),
                super::HostLookup::NotFound { .. } => Err(name.to_string()),
            },
        },
        None => Ok(s.resolv_conf().nameservers),
    }
}

// ---------------------------------------------------------------- busybox

fn busybox(s: &mut Ctx, args: &[String], exec: &mut Execution) -> i32 {
    let req = match parse(args, false) {
        Ok(r) => r,
        Err(e) => {
            exec.err(e);
            return 1;
        }
    };
    let servers = match servers(s, req.server.as_deref()) {
        Ok(v) => v,
        Err(name) => {
            exec.err(format!("nslookup: bad address '{name}'\n"));
            return 1;
        }
    };
    // The queries, all sent at once: PTR for an address, else each type
    // (A and AAAA by default) for each search domain when the name has no dot.
    let mut queries: Vec<(String, RrType)> = vec![];
    if let Ok(ip) = req.host.parse::<Ipv4Addr>() {
        queries.push((reverse_name(ip), RrType::Ptr));
    } else {
        let types = if req.types.is_empty() {
            vec![RrType::A, RrType::Aaaa]
        } else {
            req.types.clone()
        };
        let search = s.resolv_conf().search;
        for t in types {
            if req.host.contains('.') || search.is_empty() {
                queries.push((req.host.clone(), t));
            } else {
                for d in &search {
                    queries.push((format!("{}.{d}", req.host), t));
                }
            }
        }
    }
    for server in servers {
        let mut answers: Vec<(String, Response)> = vec![];
        let mut refused = false;
        for (name, t) in &queries {
            let q = s.dns_send(server, name, *t);
            if exec.trace.is_none() {
                exec.trace = q.trace.clone();
            }
            match q.reply {
                Reply::Answer(r) => answers.push((name.clone(), r)),
                Reply::Refused => refused = true,
                Reply::TimedOut => {}
            }
        }
        if answers.is_empty() {
            if refused {
                // One ICMP error per round of sends (the first and the retry).
                exec.err(
                    "nslookup: read: Connection refused\nnslookup: read: Connection refused\n",
                );
            }
            // The applet waits out its 5 s before it gives up on a server.
            s.advance(5000);
            continue;
        }
        let mut out = format!("Server:\t\t{server}\nAddress:\t{server}:53\n\n");
        let mut status = 0;
        for (name, r) in &answers {
            if r.rcode != Rcode::NoError {
                out.push_str(&format!(
                    "** server can't find {name}: {}\n",
                    r.rcode.name()
                ));
                status = 1;
            } else {
                if !r.authoritative {
                    out.push_str("Non-authoritative answer:\n");
                }
                for rec in &r.answers {
                    out.push_str(&busybox_record(rec));
                }
            }
            out.push('\n');
        }
        exec.out(out);
        return status;
    }
    exec.out(";; connection timed out; no servers could be reached\n\n");
    1
}

/// busybox prints names as `ns_name_uncompress` spells them: no final dot.
fn busybox_record(r: &Record) -> String {
    let name = bare(&r.name);
    match &r.data {
        Rdata::A(ip) => format!("Name:\t{name}\nAddress: {ip}\n"),
        Rdata::Cname(t) => format!("{name}\tcanonical name = {}\n", bare(t)),
        Rdata::Ptr(t) => format!("{name}\tname = {}\n", bare(t)),
        Rdata::Ns(t) => format!("{name}\tnameserver = {}\n", bare(t)),
        Rdata::Srv {
            priority,
            weight,
            port,
            target,
        } => format!(
            "{name}\tservice = {priority} {weight} {port} {}\n",
            bare(target)
        ),
        Rdata::Soa {
            mname,
            rname,
            serial,
            refresh,
            retry,
            expire,
            minimum,
        } => format!(
            "{name}\n\torigin = {}\n\tmail addr = {}\n\tserial = {serial}\n\trefresh = {refresh}\n\tretry = {retry}\n\texpire = {expire}\n\tminimum = {minimum}\n",
            bare(mname),
            bare(rname)
        ),
    }
}

// ---------------------------------------------------------------- bind9

/// bind's `printsection` for an answer: names without their final dot,
/// record data in master-file form (absolute names keep theirs).
fn bind_record(r: &Record) -> String {
    let name = bare(&r.name);
    match &r.data {
        Rdata::A(ip) => format!("Name:\t{name}\nAddress: {ip}\n"),
        Rdata::Cname(t) => format!("{name}\tcanonical name = {t}\n"),
        Rdata::Ptr(t) => format!("{name}\tname = {t}\n"),
        Rdata::Ns(t) => format!("{name}\tnameserver = {t}\n"),
        Rdata::Srv { .. } => format!("{name}\tservice = {}\n", r.data.text()),
        Rdata::Soa {
            mname,
            rname,
            serial,
            refresh,
            retry,
            expire,
            minimum,
        } => format!(
            "{name}\n\torigin = {mname}\n\tmail addr = {rname}\n\tserial = {serial}\n\trefresh = {refresh}\n\tretry = {retry}\n\texpire = {expire}\n\tminimum = {minimum}\n"
        ),
    }
}

/// Three tries (resolv.conf's attempts) at one server; the warnings they
/// print; the reply, if one came.
pub(super) fn with_retries(
    s: &mut Ctx,
    server: Ipv4Addr,
    name: &str,
    t: RrType,
    exec: &mut Execution,
    warnings: &mut String,
) -> Option<Response> {
    for _ in 0..3 {
        let q = s.dns_query(server, name, t);
        // The path shown is the first query's, or the one that failed.
        if q.trace.is_some() && (exec.trace.is_none() || !matches!(q.reply, Reply::Answer(_))) {
            exec.trace = q.trace.clone();
        }
        match q.reply {
            Reply::Answer(r) => return Some(r),
            Reply::Refused => {
                warnings.push_str(&format!(
                    ";; communications error to {server}#53: connection refused\n"
                ));
            }
            Reply::TimedOut => {
                warnings.push_str(&format!(
                    ";; communications error to {server}#53: timed out\n"
                ));
            }
        }
    }
    None
}

fn bind9(s: &mut Ctx, args: &[String], exec: &mut Execution) -> i32 {
    let req = match parse(args, true) {
        Ok(r) => r,
        Err(e) => {
            exec.out(e);
            return 1;
        }
    };
    let server = match servers(s, req.server.as_deref()) {
        Ok(v) => v.first().copied().unwrap_or(Ipv4Addr::LOCALHOST),
        Err(name) => {
            exec.err(format!(
                "nslookup: couldn't get address for '{name}': not found\n"
            ));
            return 1;
        }
    };
    let default_lookups = req.types.is_empty();
    let (names, qtype) = match req.host.parse::<Ipv4Addr>() {
        Ok(ip) => (vec![reverse_name(ip)], RrType::Ptr),
        Err(_) => (
            candidates(&req.host, &s.resolv_conf()),
            req.types.first().copied().unwrap_or(RrType::A),
        ),
    };
    let mut out = String::new();
    let mut status = 0;
    let header = format!("Server:\t\t{server}\nAddress:\t{server}#53\n\n");
    let mut answered: Option<(String, Response)> = None;
    for (i, name) in names.iter().enumerate() {
        let mut warnings = String::new();
        let reply = with_retries(s, server, name, qtype, exec, &mut warnings);
        out.push_str(&warnings);
        let Some(r) = reply else {
            out.push_str(";; no servers could be reached\n\n");
            exec.out(out);
            return 1;
        };
        // An NXDOMAIN moves on to the next name of the search path.
        if r.rcode == Rcode::NxDomain && i + 1 < names.len() {
            continue;
        }
        answered = Some((name.clone(), r));
        break;
    }
    let Some((name, r)) = answered else {
        exec.out(out + "\n");
        return 1;
    };
    if !default_lookups || qtype == RrType::A || qtype == RrType::Ptr {
        out.push_str(&header);
    }
    if r.rcode != Rcode::NoError {
        // The name as the last lookup spelled it: the search path's last
        // entry is the name as typed.
        out.push_str(&format!(
            "** server can't find {}: {}\n",
            bare(&name),
            r.rcode.name()
        ));
        exec.out(out + "\n");
        return 1;
    }
    if !r.authoritative {
        out.push_str("Non-authoritative answer:\n");
    }
    for rec in &r.answers {
        out.push_str(&bind_record(rec));
    }
    let a_noanswer = r.answers.is_empty();
    if !default_lookups && r.answers.is_empty() {
        out.push_str(&format!("*** Can't find {}: No answer\n", bare(&name)));
    }
    if default_lookups && qtype == RrType::A {
        // The AAAA lookup of the name the CNAME chain ends at.
        let chased = r
            .answers
            .iter()
            .rev()
            .find_map(|rec| match &rec.data {
                Rdata::Cname(t) => Some(t.clone()),
                _ => None,
            })
            .unwrap_or_else(|| format!("{name}."));
        let mut warnings = String::new();
        if let Some(r6) = with_retries(s, server, &chased, RrType::Aaaa, exec, &mut warnings) {
            if r6.rcode != Rcode::NoError {
                out.push_str(&format!(
                    "** server can't find {}: {}\n",
                    bare(&chased),
                    r6.rcode.name()
                ));
                status = 1;
            } else if r6.answers.is_empty() && a_noanswer {
                out.push_str(&format!("*** Can't find {}: No answer\n", bare(&chased)));
            }
        } else {
            out.push_str(&warnings);
        }
    }
    exec.out(out + "\n");
    status
}
