//! The indexed rule walk must be indistinguishable from the plain one: same
//! verdict, same rules hit in the same order, same rewrites and marks, same
//! `recent` lists and counters, and the same random draws.

use proptest::prelude::*;
use servicelab_engine::net::netfilter::{
    AddrSide, CtState, EvalEnv, EvalMode, Match, Netfilter, PacketView, Probability, Protocol,
    RecentAction, Rule, Table, Target,
};
use servicelab_engine::rng::SimRng;
use std::net::Ipv4Addr;

const ADDRS: [Ipv4Addr; 4] = [
    Ipv4Addr::new(10, 96, 0, 1),
    Ipv4Addr::new(10, 96, 0, 2),
    Ipv4Addr::new(192, 168, 1, 2),
    Ipv4Addr::new(10, 244, 0, 5),
];
const PORTS: [u16; 4] = [80, 443, 30008, 53];
const CHAINS: [&str; 4] = ["C0", "C1", "C2", "C3"];

fn addr() -> impl Strategy<Value = Ipv4Addr> {
    prop::sample::select(&ADDRS[..])
}

fn port() -> impl Strategy<Value = u16> {
    prop::sample::select(&PORTS[..])
}

fn net() -> impl Strategy<Value = ipnet::Ipv4Net> {
    (addr(), prop_oneof![Just(32u8), Just(24u8), Just(16u8)])
        .prop_map(|(a, p)| ipnet::Ipv4Net::new(a, p).unwrap().trunc())
}

fn a_match() -> impl Strategy<Value = Match> {
    prop_oneof![
        3 => (any::<bool>(), net()).prop_map(|(negated, net)| Match::Destination { negated, net }),
        1 => (any::<bool>(), net()).prop_map(|(negated, net)| Match::Source { negated, net }),
        3 => prop::option::weighted(0.8, port()).prop_map(|dport| Match::Tcp { dport }),
        1 => prop_oneof![Just(Protocol::Tcp), Just(Protocol::Udp)].prop_map(Match::Protocol),
        2 => (1usize..5).prop_map(|n| Match::Statistic(Probability::one_in(n))),
        1 => (any::<bool>(), prop_oneof![Just(0u32), Just(0x4000)])
            .prop_map(|(negated, value)| Match::Mark { negated, value, mask: 0x4000 }),
        1 => Just(Match::Comment("c".into())),
        1 => (any::<bool>(), prop_oneof![Just(AddrSide::Src), Just(AddrSide::Dst)])
            .prop_map(|(negated, side)| Match::AddrType { negated, side }),
        1 => (prop::sample::select(&CHAINS[..]), any::<bool>()).prop_map(|(n, set)| Match::Recent {
            name: n.to_string(),
            action: if set { RecentAction::Set } else { RecentAction::Check { seconds: 5, reap: true } },
        }),
        1 => any::<bool>().prop_map(|negated| Match::Conntrack {
            negated,
            states: vec![CtState::New, CtState::Dnat],
        }),
    ]
}

/// A target; jumps only go to later chains so the ruleset has no loops.
fn a_target(chain: usize) -> BoxedStrategy<Target> {
    let later: Vec<&'static str> = CHAINS[chain.min(CHAINS.len())..].to_vec();
    let jump = if later.is_empty() {
        Just(Target::Return).boxed()
    } else {
        prop::sample::select(later)
            .prop_map(|c| Target::Jump(c.to_string()))
            .boxed()
    };
    prop_oneof![
        1 => Just(Target::Accept),
        1 => Just(Target::Drop),
        1 => Just(Target::Reject),
        1 => Just(Target::Return),
        4 => jump,
        2 => (addr(), prop::option::of(port())).prop_map(|(to, port)| Target::Dnat { to, port }),
        1 => Just(Target::Masquerade { random_fully: true }),
        2 => Just(Target::SetXmark { value: 0x4000, mask: 0x4000 }),
    ]
    .boxed()
}

fn rules(chain: usize, max: usize) -> impl Strategy<Value = Vec<Rule>> {
    prop::collection::vec(
        (prop::collection::vec(a_match(), 0..5), a_target(chain))
            .prop_map(|(m, t)| Rule::new(m, t)),
        0..max,
    )
}

fn packet() -> impl Strategy<Value = PacketView> {
    (
        addr(),
        addr(),
        prop_oneof![4 => Just(Protocol::Tcp), 1 => Just(Protocol::Udp)],
        port(),
        prop_oneof![Just(0u32), Just(0x4000)],
        any::<bool>(),
    )
        .prop_map(|(src, dst, proto, dport, mark, new)| PacketView {
            src,
            dst,
            proto,
            sport: 40000,
            dport,
            in_iface: Some("eth0".into()),
            out_iface: None,
            mark,
            ct_state: if new {
                CtState::New
            } else {
                CtState::Established
            },
            ct_snat: false,
            ct_dnat: !new,
        })
}

fn ruleset() -> impl Strategy<Value = Netfilter> {
    (
        rules(0, 40),
        rules(1, 25),
        rules(2, 25),
        rules(3, 10),
        rules(4, 10),
    )
        .prop_map(|(top, c0, c1, c2, c3)| {
            let mut nf = Netfilter::new();
            for r in top {
                nf.append(Table::Nat, "PREROUTING", r);
            }
            for (name, rs) in CHAINS.iter().zip([c0, c1, c2, c3]) {
                nf.ensure_chain(Table::Nat, name);
                for r in rs {
                    nf.append(Table::Nat, name, r);
                }
            }
            nf
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn indexed_walk_equals_reference(
        nf in ruleset(),
        packets in prop::collection::vec(packet(), 1..12),
        seed in any::<u64>(),
    ) {
        let mut indexed = nf.clone();
        indexed.mode = EvalMode::Indexed;
        let mut reference = nf;
        reference.mode = EvalMode::Reference;
        let mut rng_i = SimRng::new(seed);
        let mut rng_r = SimRng::new(seed);
        let is_local = |a: Ipv4Addr| a == Ipv4Addr::new(192, 168, 1, 2) || a.is_loopback();
        for (n, p) in packets.into_iter().enumerate() {
            let now = n as i64 * 2_000;
            let (mut pi, mut pr) = (p.clone(), p);
            let ri = indexed.run_hook(Table::Nat, "PREROUTING", &mut pi, &mut EvalEnv {
                now,
                rng: &mut rng_i,
                is_local: &is_local,
                masquerade_addr: Some(Ipv4Addr::new(10, 244, 0, 1)),
            });
            let rr = reference.run_hook(Table::Nat, "PREROUTING", &mut pr, &mut EvalEnv {
                now,
                rng: &mut rng_r,
                is_local: &is_local,
                masquerade_addr: Some(Ipv4Addr::new(10, 244, 0, 1)),
            });
            prop_assert_eq!(&ri, &rr);
            prop_assert_eq!(&pi, &pr);
            prop_assert_eq!(&rng_i, &rng_r, "the same random draws");
        }
        prop_assert_eq!(&indexed.recent, &reference.recent);
        prop_assert_eq!(
            indexed.save_table_with(Table::Nat, true),
            reference.save_table_with(Table::Nat, true)
        );
    }
}

/// The explicit reference entry point ignores the mode.
#[test]
fn run_hook_reference_is_the_plain_walk() {
    let mut nf = Netfilter::new();
    for p in [80u16, 443, 30008] {
        nf.append(
            Table::Nat,
            "PREROUTING",
            Rule::new(
                vec![
                    Match::Destination {
                        negated: false,
                        net: "10.96.0.1/32".parse().unwrap(),
                    },
                    Match::Tcp { dport: Some(p) },
                ],
                Target::Accept,
            ),
        );
    }
    let pkt = PacketView {
        src: Ipv4Addr::new(10, 244, 0, 5),
        dst: Ipv4Addr::new(10, 96, 0, 1),
        proto: Protocol::Tcp,
        sport: 40000,
        dport: 30008,
        in_iface: None,
        out_iface: None,
        mark: 0,
        ct_state: CtState::New,
        ct_snat: false,
        ct_dnat: false,
    };
    fn env(rng: &mut SimRng) -> EvalEnv<'_> {
        EvalEnv {
            now: 0,
            rng,
            is_local: &|_| false,
            masquerade_addr: None,
        }
    }
    let mut rng = SimRng::new(1);
    let a = nf.run_hook(
        Table::Nat,
        "PREROUTING",
        &mut pkt.clone(),
        &mut env(&mut rng),
    );
    let b = nf.run_hook_reference(
        Table::Nat,
        "PREROUTING",
        &mut pkt.clone(),
        &mut env(&mut rng),
    );
    assert_eq!(a, b);
    assert_eq!(a.hits[0].index, 3);
}
