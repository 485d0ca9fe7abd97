//! A netfilter model: tables of chains of rules, evaluated the way the kernel
//! walks them, and printed the way `iptables-save` prints them.
//!
//! Only what a Kubernetes node needs is modelled (the `filter` and `nat`
//! tables, and the matches and targets kube-proxy writes), but what is
//! modelled behaves like the real thing: jumps and returns, built-in chain
//! policies, `statistic --mode random` on a 31-bit fixed-point probability,
//! `recent` lists with expiry, and marks.

use crate::rng::SimRng;
use crate::time::Millis;
use ipnet::Ipv4Net;
use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::net::Ipv4Addr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Table {
    Filter,
    Nat,
}

impl Table {
    pub const ALL: [Table; 2] = [Table::Filter, Table::Nat];

    pub fn name(self) -> &'static str {
        match self {
            Table::Filter => "filter",
            Table::Nat => "nat",
        }
    }

    pub fn parse(s: &str) -> Option<Table> {
        match s {
            "filter" => Some(Table::Filter),
            "nat" => Some(Table::Nat),
            _ => None,
        }
    }

    /// Built-in chains, in the order `iptables-save` declares them.
    pub fn builtin_chains(self) -> &'static [&'static str] {
        match self {
            Table::Filter => &["INPUT", "FORWARD", "OUTPUT"],
            Table::Nat => &["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    Tcp,
    Udp,
    Icmp,
}

impl Protocol {
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
            Protocol::Icmp => "icmp",
        }
    }
}

/// Which address `-m addrtype` looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddrSide {
    Src,
    Dst,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CtState {
    New,
    Established,
    Related,
    Invalid,
}

impl CtState {
    fn name(self) -> &'static str {
        match self {
            CtState::New => "NEW",
            CtState::Established => "ESTABLISHED",
            CtState::Related => "RELATED",
            CtState::Invalid => "INVALID",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum RecentAction {
    /// `--set`: remember the source address; always matches.
    Set,
    /// `--rcheck --seconds N [--reap]`: match if the source was seen in the last N seconds.
    Check { seconds: u32, reap: bool },
}

/// A statistic probability as the kernel stores it: a 31-bit fixed-point value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Probability(u32);

impl Probability {
    /// What iptables does with `--probability p`: `lround(p * 2^31)`.
    pub fn from_f64(p: f64) -> Self {
        Probability((p.clamp(0.0, 1.0) * 2_147_483_648.0).round() as u32)
    }

    /// kube-proxy's `computeProbability`: `fmt.Sprintf("%0.10f", 1/n)`, parsed back by iptables.
    pub fn one_in(n: usize) -> Self {
        let text = format!("{:.10}", 1.0 / n as f64);
        Self::from_f64(text.parse().unwrap_or(1.0))
    }

    pub fn fixed(self) -> u32 {
        self.0
    }
}

/// As `iptables-save` prints it back: 11 decimals of the stored value.
impl fmt::Display for Probability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.11}", self.0 as f64 / 2_147_483_648.0)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Match {
    Source {
        negated: bool,
        net: Ipv4Net,
    },
    Destination {
        negated: bool,
        net: Ipv4Net,
    },
    Protocol(Protocol),
    InInterface {
        negated: bool,
        name: String,
    },
    OutInterface {
        negated: bool,
        name: String,
    },
    Comment(String),
    /// `-m tcp [--dport N]`.
    Tcp {
        dport: Option<u16>,
    },
    AddrType {
        negated: bool,
        side: AddrSide,
    },
    Mark {
        negated: bool,
        value: u32,
        mask: u32,
    },
    Statistic(Probability),
    Recent {
        name: String,
        action: RecentAction,
    },
    Conntrack {
        negated: bool,
        states: Vec<CtState>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Accept,
    Drop,
    Return,
    Jump(String),
    /// `REJECT --reject-with icmp-port-unreachable`: the client sees ECONNREFUSED.
    Reject,
    Dnat {
        to: Ipv4Addr,
        port: Option<u16>,
    },
    Snat {
        to: Ipv4Addr,
    },
    Masquerade {
        random_fully: bool,
    },
    /// `MARK --set-xmark value/mask`: clear the mask bits, then xor the value in.
    SetXmark {
        value: u32,
        mask: u32,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub matches: Vec<Match>,
    pub target: Target,
}

impl Rule {
    pub fn new(matches: Vec<Match>, target: Target) -> Self {
        Rule { matches, target }
    }

    pub fn comment(&self) -> Option<&str> {
        self.matches.iter().find_map(|m| match m {
            Match::Comment(c) => Some(c.as_str()),
            _ => None,
        })
    }

    /// The rule in `iptables-save` form, without the `-A CHAIN` prefix.
    /// iptables prints addresses and interfaces first, then `-p`, then the
    /// `-m` modules in the order they were given, then the target.
    pub fn save_spec(&self) -> String {
        let mut out = String::new();
        let neg = |n: bool| if n { "! " } else { "" };
        for m in &self.matches {
            if let Match::Source { negated, net } = m {
                let _ = write!(out, " {}-s {}", neg(*negated), net);
            }
        }
        for m in &self.matches {
            if let Match::Destination { negated, net } = m {
                let _ = write!(out, " {}-d {}", neg(*negated), net);
            }
        }
        for m in &self.matches {
            match m {
                Match::InInterface { negated, name } => {
                    let _ = write!(out, " {}-i {}", neg(*negated), name);
                }
                Match::OutInterface { negated, name } => {
                    let _ = write!(out, " {}-o {}", neg(*negated), name);
                }
                _ => {}
            }
        }
        for m in &self.matches {
            if let Match::Protocol(p) = m {
                let _ = write!(out, " -p {}", p.name());
            }
        }
        for m in &self.matches {
            match m {
                Match::Comment(c) => {
                    let _ = write!(out, " -m comment --comment {}", quote_if_needed(c));
                }
                Match::Tcp { dport } => {
                    out.push_str(" -m tcp");
                    if let Some(p) = dport {
                        let _ = write!(out, " --dport {p}");
                    }
                }
                Match::AddrType { negated, side } => {
                    let flag = match side {
                        AddrSide::Src => "--src-type",
                        AddrSide::Dst => "--dst-type",
                    };
                    let _ = write!(out, " -m addrtype {}{flag} LOCAL", neg(*negated));
                }
                Match::Mark {
                    negated,
                    value,
                    mask,
                } => {
                    let _ = write!(out, " -m mark {}--mark {value:#x}/{mask:#x}", neg(*negated));
                }
                Match::Statistic(p) => {
                    let _ = write!(out, " -m statistic --mode random --probability {p}");
                }
                Match::Recent { name, action } => {
                    out.push_str(" -m recent");
                    match action {
                        RecentAction::Set => out.push_str(" --set"),
                        RecentAction::Check { seconds, reap } => {
                            let _ = write!(out, " --rcheck --seconds {seconds}");
                            if *reap {
                                out.push_str(" --reap");
                            }
                        }
                    }
                    let _ = write!(out, " --name {name} --mask 255.255.255.255 --rsource");
                }
                Match::Conntrack { negated, states } => {
                    let s: Vec<&str> = states.iter().map(|s| s.name()).collect();
                    let _ = write!(
                        out,
                        " -m conntrack {}--ctstate {}",
                        neg(*negated),
                        s.join(",")
                    );
                }
                _ => {}
            }
        }
        out.push_str(&match &self.target {
            Target::Accept => " -j ACCEPT".to_string(),
            Target::Drop => " -j DROP".to_string(),
            Target::Return => " -j RETURN".to_string(),
            Target::Jump(c) => format!(" -j {c}"),
            Target::Reject => " -j REJECT --reject-with icmp-port-unreachable".to_string(),
            Target::Dnat { to, port } => match port {
                Some(p) => format!(" -j DNAT --to-destination {to}:{p}"),
                None => format!(" -j DNAT --to-destination {to}"),
            },
            Target::Snat { to } => format!(" -j SNAT --to-source {to}"),
            Target::Masquerade { random_fully } => {
                if *random_fully {
                    " -j MASQUERADE --random-fully".to_string()
                } else {
                    " -j MASQUERADE".to_string()
                }
            }
            Target::SetXmark { value, mask } => {
                format!(" -j MARK --set-xmark {value:#x}/{mask:#x}")
            }
        });
        out.trim_start().to_string()
    }
}

/// iptables-save quotes a comment that holds anything but `[A-Za-z0-9_.-]`.
fn quote_if_needed(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
    {
        s.to_string()
    } else {
        format!("\"{}\"", s.replace('"', "\\\""))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    Accept,
    Drop,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Chain {
    /// Built-in chains have a policy; user-defined chains return to their caller.
    pub policy: Option<Policy>,
    pub rules: Vec<Rule>,
}

/// The packet as netfilter sees it at one hook.
#[derive(Debug, Clone, PartialEq)]
pub struct PacketView {
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
    pub proto: Protocol,
    pub sport: u16,
    pub dport: u16,
    pub in_iface: Option<String>,
    pub out_iface: Option<String>,
    pub mark: u32,
    pub ct_state: CtState,
}

/// What the host around the tables provides to a walk.
pub struct EvalEnv<'a> {
    pub now: Millis,
    pub rng: &'a mut SimRng,
    /// Whether an address is one of this host's own (`addrtype LOCAL`).
    pub is_local: &'a dyn Fn(Ipv4Addr) -> bool,
    /// The address MASQUERADE uses: the outgoing interface's.
    pub masquerade_addr: Option<Ipv4Addr>,
}

/// One rule a packet matched, for the trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleHit {
    pub table: Table,
    pub chain: String,
    /// 1-based, as `iptables -L --line-numbers` shows it.
    pub index: usize,
    /// The rule in `iptables-save` form, `-A CHAIN …` included.
    pub text: String,
}

/// The outcome of walking one hook's chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Accept,
    Drop,
    Reject,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rewrite {
    Dnat { to: Ipv4Addr, port: Option<u16> },
    Snat { to: Ipv4Addr },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookResult {
    pub verdict: Verdict,
    pub hits: Vec<RuleHit>,
    pub rewrite: Option<Rewrite>,
    /// The rule that decided a DROP or REJECT, or the policy when none did.
    pub decided_by: Option<RuleHit>,
}

/// `recent` lists: name → source address → last seen.
pub type RecentLists = BTreeMap<String, BTreeMap<Ipv4Addr, Millis>>;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Netfilter {
    tables: BTreeMap<Table, BTreeMap<String, Chain>>,
    pub recent: RecentLists,
}

const MAX_JUMP_DEPTH: usize = 64;

impl Netfilter {
    pub fn new() -> Self {
        let mut nf = Netfilter::default();
        for t in Table::ALL {
            let chains = nf.tables.entry(t).or_default();
            for c in t.builtin_chains() {
                chains.insert(
                    c.to_string(),
                    Chain {
                        policy: Some(Policy::Accept),
                        rules: vec![],
                    },
                );
            }
        }
        nf
    }

    pub fn chain(&self, table: Table, name: &str) -> Option<&Chain> {
        self.tables.get(&table)?.get(name)
    }

    pub fn chains(&self, table: Table) -> impl Iterator<Item = (&String, &Chain)> {
        self.tables.get(&table).into_iter().flat_map(|c| c.iter())
    }

    /// Creates a user-defined chain (`iptables -N`) if it does not exist.
    pub fn ensure_chain(&mut self, table: Table, name: &str) {
        self.tables
            .entry(table)
            .or_default()
            .entry(name.to_string())
            .or_default();
    }

    pub fn append(&mut self, table: Table, chain: &str, rule: Rule) {
        self.ensure_chain(table, chain);
        if let Some(c) = self.tables.get_mut(&table).and_then(|t| t.get_mut(chain)) {
            c.rules.push(rule);
        }
    }

    /// Replaces the user-defined chains of a table whose names satisfy
    /// `owned` with `chains`, the way `iptables-restore --noflush` does for
    /// the chains it declares. Built-in chains keep their place and policy.
    pub fn replace_user_chains(
        &mut self,
        table: Table,
        owned: impl Fn(&str) -> bool,
        chains: BTreeMap<String, Chain>,
    ) {
        let t = self.tables.entry(table).or_default();
        t.retain(|name, c| c.policy.is_some() || !owned(name));
        for (name, chain) in chains {
            match t.get_mut(&name) {
                Some(existing) if existing.policy.is_some() => existing.rules = chain.rules,
                _ => {
                    t.insert(name, chain);
                }
            }
        }
    }

    pub fn set_policy(&mut self, table: Table, chain: &str, policy: Policy) {
        if let Some(c) = self.tables.get_mut(&table).and_then(|t| t.get_mut(chain)) {
            c.policy = Some(policy);
        }
    }

    /// Walks a built-in chain for one packet, following jumps. NAT targets
    /// rewrite `pkt`; MARK targets change `pkt.mark`.
    pub fn run_hook(
        &mut self,
        table: Table,
        chain: &str,
        pkt: &mut PacketView,
        env: &mut EvalEnv<'_>,
    ) -> HookResult {
        let mut result = HookResult {
            verdict: Verdict::Accept,
            hits: vec![],
            rewrite: None,
            decided_by: None,
        };
        let mut recent_updates: Vec<(String, Ipv4Addr)> = vec![];
        let outcome = self.walk_chain(table, chain, pkt, env, &mut result, &mut recent_updates, 0);
        for (name, addr) in recent_updates {
            self.recent.entry(name).or_default().insert(addr, env.now);
        }
        match outcome {
            Flow::Verdict(v) => result.verdict = v,
            Flow::Continue | Flow::Return => {
                let policy = self.chain(table, chain).and_then(|c| c.policy);
                if policy == Some(Policy::Drop) {
                    result.verdict = Verdict::Drop;
                }
            }
        }
        result
    }

    #[allow(clippy::too_many_arguments)]
    fn walk_chain(
        &self,
        table: Table,
        chain: &str,
        pkt: &mut PacketView,
        env: &mut EvalEnv<'_>,
        result: &mut HookResult,
        recent_updates: &mut Vec<(String, Ipv4Addr)>,
        depth: usize,
    ) -> Flow {
        let Some(c) = self.chain(table, chain) else {
            return Flow::Continue;
        };
        if depth > MAX_JUMP_DEPTH {
            // The kernel refuses to load looping rulesets; this only guards the simulator.
            return Flow::Verdict(Verdict::Drop);
        }
        for (i, rule) in c.rules.iter().enumerate() {
            if !self.rule_matches(rule, pkt, env, recent_updates) {
                continue;
            }
            let hit = RuleHit {
                table,
                chain: chain.to_string(),
                index: i + 1,
                text: format!("-A {chain} {}", rule.save_spec()),
            };
            result.hits.push(hit.clone());
            match &rule.target {
                Target::Accept => return Flow::Verdict(Verdict::Accept),
                Target::Drop => {
                    result.decided_by = Some(hit);
                    return Flow::Verdict(Verdict::Drop);
                }
                Target::Reject => {
                    result.decided_by = Some(hit);
                    return Flow::Verdict(Verdict::Reject);
                }
                Target::Return => return Flow::Return,
                Target::Jump(next) => {
                    match self.walk_chain(table, next, pkt, env, result, recent_updates, depth + 1)
                    {
                        Flow::Verdict(v) => return Flow::Verdict(v),
                        Flow::Continue | Flow::Return => {}
                    }
                }
                Target::Dnat { to, port } => {
                    pkt.dst = *to;
                    if let Some(p) = port {
                        pkt.dport = *p;
                    }
                    result.rewrite = Some(Rewrite::Dnat {
                        to: *to,
                        port: *port,
                    });
                    return Flow::Verdict(Verdict::Accept);
                }
                Target::Snat { to } => {
                    pkt.src = *to;
                    result.rewrite = Some(Rewrite::Snat { to: *to });
                    return Flow::Verdict(Verdict::Accept);
                }
                Target::Masquerade { .. } => {
                    if let Some(a) = env.masquerade_addr {
                        pkt.src = a;
                        result.rewrite = Some(Rewrite::Snat { to: a });
                    }
                    return Flow::Verdict(Verdict::Accept);
                }
                Target::SetXmark { value, mask } => {
                    pkt.mark = (pkt.mark & !mask) ^ value;
                }
            }
        }
        Flow::Continue
    }

    fn rule_matches(
        &self,
        rule: &Rule,
        pkt: &PacketView,
        env: &mut EvalEnv<'_>,
        recent_updates: &mut Vec<(String, Ipv4Addr)>,
    ) -> bool {
        let mut pending_set: Vec<String> = vec![];
        for m in &rule.matches {
            let ok = match m {
                Match::Source { negated, net } => net.contains(&pkt.src) != *negated,
                Match::Destination { negated, net } => net.contains(&pkt.dst) != *negated,
                Match::Protocol(p) => *p == pkt.proto,
                Match::InInterface { negated, name } => {
                    (pkt.in_iface.as_deref() == Some(name.as_str())) != *negated
                }
                Match::OutInterface { negated, name } => {
                    (pkt.out_iface.as_deref() == Some(name.as_str())) != *negated
                }
                Match::Comment(_) => true,
                Match::Tcp { dport } => {
                    pkt.proto == Protocol::Tcp && dport.is_none_or(|p| p == pkt.dport)
                }
                Match::AddrType { negated, side } => {
                    let addr = match side {
                        AddrSide::Src => pkt.src,
                        AddrSide::Dst => pkt.dst,
                    };
                    (env.is_local)(addr) != *negated
                }
                Match::Mark {
                    negated,
                    value,
                    mask,
                } => ((pkt.mark & mask) == *value) != *negated,
                // Evaluated in rule order, so an earlier failing match skips the draw,
                // as in the kernel.
                Match::Statistic(p) => env.rng.next_u31() < p.fixed(),
                Match::Recent { name, action } => match action {
                    RecentAction::Set => {
                        pending_set.push(name.clone());
                        true
                    }
                    RecentAction::Check { seconds, .. } => self
                        .recent
                        .get(name)
                        .and_then(|l| l.get(&pkt.src))
                        .is_some_and(|seen| {
                            env.now.saturating_sub(*seen) <= u64::from(*seconds) * 1000
                        }),
                },
                Match::Conntrack { negated, states } => states.contains(&pkt.ct_state) != *negated,
            };
            if !ok {
                return false;
            }
        }
        recent_updates.extend(pending_set.into_iter().map(|n| (n, pkt.src)));
        true
    }

    /// The table in `iptables-save -t TABLE` form (without the header comments).
    pub fn save_table(&self, table: Table) -> String {
        let mut out = format!("*{}\n", table.name());
        let Some(chains) = self.tables.get(&table) else {
            return out + "COMMIT\n";
        };
        let builtin = table.builtin_chains();
        for name in builtin {
            if let Some(c) = chains.get(*name) {
                let policy = match c.policy {
                    Some(Policy::Drop) => "DROP",
                    _ => "ACCEPT",
                };
                let _ = writeln!(out, ":{name} {policy} [0:0]");
            }
        }
        for (name, c) in chains {
            if c.policy.is_none() {
                let _ = writeln!(out, ":{name} - [0:0]");
            }
        }
        let order = builtin.iter().map(|s| s.to_string()).chain(
            chains
                .keys()
                .filter(|k| !builtin.contains(&k.as_str()))
                .cloned(),
        );
        for name in order {
            if let Some(c) = chains.get(&name) {
                for r in &c.rules {
                    let _ = writeln!(out, "-A {name} {}", r.save_spec());
                }
            }
        }
        out.push_str("COMMIT\n");
        out
    }
}

enum Flow {
    Verdict(Verdict),
    Continue,
    Return,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pkt(src: &str, dst: &str, dport: u16) -> PacketView {
        PacketView {
            src: src.parse().unwrap(),
            dst: dst.parse().unwrap(),
            proto: Protocol::Tcp,
            sport: 40000,
            dport,
            in_iface: Some("eth0".into()),
            out_iface: None,
            mark: 0,
            ct_state: CtState::New,
        }
    }

    fn env(rng: &mut SimRng) -> EvalEnv<'_> {
        EvalEnv {
            now: 0,
            rng,
            is_local: &|a| a == Ipv4Addr::new(192, 168, 1, 2),
            masquerade_addr: Some(Ipv4Addr::new(10, 244, 0, 1)),
        }
    }

    #[test]
    fn probability_round_trips_like_iptables() {
        assert_eq!(Probability::one_in(3).to_string(), "0.33333333349");
        assert_eq!(Probability::one_in(2).to_string(), "0.50000000000");
    }

    #[test]
    fn save_spec_orders_like_iptables() {
        let r = Rule::new(
            vec![
                Match::Comment("default/myapp-service cluster IP".into()),
                Match::Tcp { dport: Some(80) },
                Match::Protocol(Protocol::Tcp),
                Match::Destination {
                    negated: false,
                    net: "10.106.1.12/32".parse().unwrap(),
                },
                Match::Source {
                    negated: true,
                    net: "10.244.0.0/16".parse().unwrap(),
                },
            ],
            Target::Jump("KUBE-MARK-MASQ".into()),
        );
        assert_eq!(
            r.save_spec(),
            "! -s 10.244.0.0/16 -d 10.106.1.12/32 -p tcp -m comment --comment \"default/myapp-service cluster IP\" -m tcp --dport 80 -j KUBE-MARK-MASQ"
        );
    }

    #[test]
    fn jumps_return_and_dnat() {
        let mut nf = Netfilter::new();
        nf.append(
            Table::Nat,
            "PREROUTING",
            Rule::new(vec![], Target::Jump("SVC".into())),
        );
        nf.append(
            Table::Nat,
            "SVC",
            Rule::new(vec![Match::Tcp { dport: Some(81) }], Target::Return),
        );
        nf.append(
            Table::Nat,
            "SVC",
            Rule::new(
                vec![Match::Tcp { dport: Some(80) }],
                Target::Dnat {
                    to: "10.244.0.2".parse().unwrap(),
                    port: Some(8080),
                },
            ),
        );
        let mut rng = SimRng::new(1);
        let mut p = pkt("192.168.1.10", "192.168.1.2", 80);
        let r = nf.run_hook(Table::Nat, "PREROUTING", &mut p, &mut env(&mut rng));
        assert_eq!(r.verdict, Verdict::Accept);
        assert_eq!(p.dst, Ipv4Addr::new(10, 244, 0, 2));
        assert_eq!(p.dport, 8080);
        assert_eq!(r.hits.len(), 2);
        assert_eq!(r.hits[1].index, 2);

        let mut p = pkt("192.168.1.10", "192.168.1.2", 81);
        let r = nf.run_hook(Table::Nat, "PREROUTING", &mut p, &mut env(&mut rng));
        assert_eq!(r.rewrite, None);
        assert_eq!(p.dport, 81);
    }

    #[test]
    fn drop_policy_and_reject_rule() {
        let mut nf = Netfilter::new();
        nf.set_policy(Table::Filter, "FORWARD", Policy::Drop);
        nf.append(
            Table::Filter,
            "INPUT",
            Rule::new(vec![Match::Tcp { dport: Some(30008) }], Target::Reject),
        );
        let mut rng = SimRng::new(1);
        let mut p = pkt("192.168.1.10", "192.168.1.2", 30008);
        let r = nf.run_hook(Table::Filter, "INPUT", &mut p, &mut env(&mut rng));
        assert_eq!(r.verdict, Verdict::Reject);
        assert!(r
            .decided_by
            .unwrap()
            .text
            .ends_with("-j REJECT --reject-with icmp-port-unreachable"));
        let r = nf.run_hook(Table::Filter, "FORWARD", &mut p, &mut env(&mut rng));
        assert_eq!(r.verdict, Verdict::Drop);
        assert_eq!(r.decided_by, None);
    }

    #[test]
    fn statistic_splits_evenly_over_many_draws() {
        let mut nf = Netfilter::new();
        for (i, p) in [Some(3), Some(2), None].into_iter().enumerate() {
            let mut m = vec![];
            if let Some(n) = p {
                m.push(Match::Statistic(Probability::one_in(n)));
            }
            nf.append(
                Table::Nat,
                "OUTPUT",
                Rule::new(
                    m,
                    Target::Dnat {
                        to: Ipv4Addr::new(10, 244, 0, 2 + i as u8),
                        port: None,
                    },
                ),
            );
        }
        let mut rng = SimRng::new(42);
        let mut counts = [0u32; 3];
        for _ in 0..30_000 {
            let mut p = pkt("10.244.0.9", "10.96.0.5", 80);
            nf.run_hook(Table::Nat, "OUTPUT", &mut p, &mut env(&mut rng));
            counts[(p.dst.octets()[3] - 2) as usize] += 1;
        }
        for c in counts {
            assert!((9_000..11_000).contains(&c), "{counts:?}");
        }
    }

    #[test]
    fn recent_sticks_within_its_window() {
        let mut nf = Netfilter::new();
        nf.append(
            Table::Nat,
            "OUTPUT",
            Rule::new(
                vec![Match::Recent {
                    name: "A".into(),
                    action: RecentAction::Check {
                        seconds: 10,
                        reap: true,
                    },
                }],
                Target::Return,
            ),
        );
        nf.append(
            Table::Nat,
            "OUTPUT",
            Rule::new(
                vec![Match::Recent {
                    name: "A".into(),
                    action: RecentAction::Set,
                }],
                Target::Accept,
            ),
        );
        let mut rng = SimRng::new(1);
        let mut p = pkt("10.244.0.9", "10.96.0.5", 80);
        let r = nf.run_hook(Table::Nat, "OUTPUT", &mut p, &mut env(&mut rng));
        assert_eq!(r.hits.last().unwrap().index, 2);
        let r = nf.run_hook(Table::Nat, "OUTPUT", &mut p, &mut env(&mut rng));
        assert_eq!(r.hits.last().unwrap().index, 1);
        let mut late = env(&mut rng);
        late.now = 11_000;
        let r = nf.run_hook(Table::Nat, "OUTPUT", &mut p, &mut late);
        assert_eq!(r.hits.last().unwrap().index, 2);
    }
}
