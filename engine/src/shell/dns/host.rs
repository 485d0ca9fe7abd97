//! bind9 9.18's `host`: the A record of a name (through the search path),
//! then its AAAA and MX, one line per record; `-t TYPE` asks for one type;
//! an address is looked up by its PTR record.

use super::nslookup::with_retries;
use super::{bare, candidates, reverse_name};
use crate::cluster::dns::{Rcode, Rdata, Record, Response, RrType};
use crate::shell::ctx::Ctx;
use crate::shell::Execution;
use std::net::Ipv4Addr;

const USAGE: &str = "Usage: host [-aCdilrTvVw] [-c class] [-N ndots] [-t type] [-W time]
            [-R number] [-m flag] [-p port] hostname [server]
       -a is equivalent to -v -t ANY
       -A is like -a but omits RRSIG, NSEC, NSEC3
       -c specifies query class for non-IN data
       -C compares SOA records on authoritative nameservers
       -d is equivalent to -v
       -l lists all hosts in a domain, using AXFR
       -m set memory debugging flag (trace|record|usage)
       -N changes the number of dots allowed before root lookup is done
       -p specifies the port on the server to query
       -r disables recursive processing
       -R specifies number of retries for UDP packets
       -s a SERVFAIL response should stop query
       -t specifies the query type
       -T enables TCP/IP mode
       -U enables UDP mode
       -v enables verbose output
       -V print version number and exit
       -w specifies to wait forever for a reply
       -W specifies how long to wait for a reply
       -4 use IPv4 query transport only
       -6 use IPv6 query transport only
";

/// `NAME has address IP`, `NAME is an alias for TARGET.`, …
fn line(r: &Record) -> String {
    let name = bare(&r.name);
    match &r.data {
        Rdata::A(ip) => format!("{name} has address {ip}\n"),
        Rdata::Cname(t) => format!("{name} is an alias for {t}\n"),
        Rdata::Ptr(t) => format!("{name} domain name pointer {t}\n"),
        Rdata::Ns(t) => format!("{name} name server {t}\n"),
        Rdata::Srv { .. } => format!("{name} has SRV record {}\n", r.data.text()),
        Rdata::Soa { .. } => format!("{name} has SOA record {}\n", r.data.text()),
    }
}

#[inline(never)]
pub(crate) fn host(s: &mut Ctx, args: &[String], exec: &mut Execution) -> i32 {
    let mut qtype: Option<RrType> = None;
    let mut positional = vec![];
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-t" => match it.next().and_then(|t| RrType::parse(t)) {
                Some(t) => qtype = Some(t),
                None => {
                    exec.err(USAGE);
                    return 1;
                }
            },
            "-v" | "-d" | "-4" | "-r" | "-U" => {}
            "-a" => qtype = Some(RrType::Any),
            o if o.starts_with('-') && o.len() > 1 => {
                exec.err(USAGE);
                return 1;
            }
            _ => positional.push(a.clone()),
        }
    }
    let Some(name) = positional.first().cloned() else {
        exec.err(USAGE);
        return 1;
    };
    let conf = s.resolv_conf();
    let mut out = String::new();
    let server = match positional.get(1) {
        Some(srv) => {
            let Ok(ip) = srv.parse::<Ipv4Addr>() else {
                exec.err(format!(
                    "host: couldn't get address for '{srv}': not found\n"
                ));
                return 1;
            };
            out.push_str(&format!(
                "Using domain server:\nName: {srv}\nAddress: {ip}#53\nAliases: \n\n"
            ));
            ip
        }
        None => conf
            .nameservers
            .first()
            .copied()
            .unwrap_or(Ipv4Addr::LOCALHOST),
    };
    let default_lookups = qtype.is_none();
    let (names, first_type) = match name.parse::<Ipv4Addr>() {
        Ok(ip) => (vec![reverse_name(ip)], RrType::Ptr),
        Err(_) => (candidates(&name, &conf), qtype.unwrap_or(RrType::A)),
    };
    // The first lookup walks the search path past NXDOMAINs.
    let mut found: Option<(String, Response)> = None;
    for (i, n) in names.iter().enumerate() {
        let mut warnings = String::new();
        let Some(r) = with_retries(s, server, n, first_type, exec, &mut warnings) else {
            out.push_str(&warnings);
            out.push_str(";; no servers could be reached\n");
            exec.out(out);
            return 1;
        };
        if r.rcode == Rcode::NxDomain && i + 1 < names.len() {
            continue;
        }
        found = Some((n.clone(), r));
        break;
    }
    let Some((fqdn, r)) = found else {
        exec.out(out);
        return 1;
    };
    if r.rcode != Rcode::NoError {
        // An NXDOMAIN names the host as it was typed.
        let shown = if r.rcode == Rcode::NxDomain {
            name.clone()
        } else {
            fqdn.clone()
        };
        out.push_str(&format!(
            "Host {shown} not found: {}({})\n",
            r.rcode.code(),
            r.rcode.name()
        ));
        exec.out(out);
        return 1;
    }
    for rec in &r.answers {
        out.push_str(&line(rec));
    }
    let mut status = 0;
    if default_lookups && first_type == RrType::A {
        // Then AAAA and MX for the name the CNAME chain ends at.
        let chased = r
            .answers
            .iter()
            .rev()
            .find_map(|rec| match &rec.data {
                Rdata::Cname(t) => Some(t.clone()),
                _ => None,
            })
            .unwrap_or_else(|| format!("{fqdn}."));
        for t in [RrType::Aaaa, RrType::Mx] {
            let mut warnings = String::new();
            match with_retries(s, server, &chased, t, exec, &mut warnings) {
                Some(r2) if r2.rcode != Rcode::NoError => {
                    out.push_str(&format!(
                        "Host {} not found: {}({})\n",
                        bare(&chased),
                        r2.rcode.code(),
                        r2.rcode.name()
                    ));
                    status = 1;
                }
                Some(r2) => {
                    for rec in &r2.answers {
                        out.push_str(&line(rec));
                    }
                }
                None => out.push_str(&warnings),
            }
        }
    } else if r.answers.is_empty() {
        out.push_str(&format!(
            "{} has no {} record\n",
            bare(&fqdn),
            first_type.name()
        ));
    }
    exec.out(out);
    status
}
