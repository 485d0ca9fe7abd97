//! `nslookup`: asks the host's resolver. Pods ask CoreDNS (10.96.0.10) with
//! their search path; the laptop and the nodes ask systemd-resolved
//! (127.0.0.53), which knows `/etc/hosts` but not the cluster's names.

use super::{Execution, Session};

#[inline(never)]
pub(super) fn nslookup(s: &mut Session, args: &[String], exec: &mut Execution) -> i32 {
    let Some(name) = args.iter().find(|a| !a.starts_with('-')) else {
        exec.err("Usage: nslookup [-opt ...] host\n");
        return 1;
    };
    let in_pod = s.current_pod_namespace();
    let server = if in_pod.is_some() {
        "10.96.0.10"
    } else {
        "127.0.0.53"
    };
    let mut out = format!("Server:\t\t{server}\nAddress:\t{server}#53\n\n");
    if let Ok(ip) = name.parse::<std::net::Ipv4Addr>() {
        // Reverse lookups: only the cluster's names are known.
        out.push_str(&format!(
            "** server can't find {}.in-addr.arpa: NXDOMAIN\n\n",
            {
                let o = ip.octets();
                format!("{}.{}.{}.{}", o[3], o[2], o[1], o[0])
            }
        ));
        exec.out(out);
        return 1;
    }
    match in_pod {
        Some(ns) => match crate::cluster::dns::resolve_from_pod(&s.world.cluster, &ns, name) {
            Some((fqdn, ips)) => {
                for ip in ips {
                    out.push_str(&format!("Name:\t{fqdn}\nAddress: {ip}\n"));
                }
                out.push('\n');
                exec.out(out);
                0
            }
            None => {
                out.push_str(&format!("** server can't find {name}: NXDOMAIN\n\n"));
                exec.out(out);
                1
            }
        },
        None => match s.resolve(name) {
            Some(ip) => {
                out.push_str(&format!(
                    "Non-authoritative answer:\nName:\t{name}\nAddress: {ip}\n\n"
                ));
                exec.out(out);
                0
            }
            None => {
                out.push_str(&format!("** server can't find {name}: NXDOMAIN\n\n"));
                exec.out(out);
                1
            }
        },
    }
}
