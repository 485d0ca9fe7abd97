//! The CNI's own iptables rules, as `flanneld --ip-masq` writes them on each
//! node: pods reach addresses outside the pod network (the router, the
//! internet, an EndpointSlice that points off-cluster) with their source
//! masqueraded to the node, and the FORWARD chain lets pod traffic through.
//! Traffic inside the pod network keeps its addresses; what kube-proxy has
//! marked for SNAT is left to kube-proxy's own rule.

use crate::net::netfilter::{Match, Rule, Table, Target};
use crate::net::Host;
use ipnet::Ipv4Net;

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
