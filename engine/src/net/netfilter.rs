//! A netfilter model: tables of chains of rules, evaluated the way the kernel
//! walks them, and printed the way `iptables-save` prints them.
//!
//! Only what a Kubernetes node needs is modelled (the `filter` and `nat`
//! tables, and the matches and targets kube-proxy writes), but what is
//! modelled behaves like the real thing: jumps and returns, built-in chain
//! policies, `statistic --mode random` on a 31-bit fixed-point probability,
//! `recent` lists with expiry, and marks.
//!
//! Evaluation is indexed: each chain keeps a map from `(destination, port)`
//! and from `port` to the rules that can only match packets with that
//! destination and port (kube-proxy's `-d VIP --dport P` and `--dport
//! NODEPORT` rules), so a packet visits the candidates for its own address
//! plus the rules that cannot be keyed, still in rule order. A packet's cost
//! therefore does not grow with the number of Services. The plain
//! rule-by-rule walk is kept as [`Netfilter::run_hook_reference`] and
//! [`EvalMode::Reference`]; both make the same random draws in the same order.

use crate::map::Map;
use crate::rng::SimRng;
use crate::time::Millis;
use ipnet::Ipv4Net;
use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::fmt::{self, Write as _};
use std::hash::BuildHasherDefault;
use std::net::Ipv4Addr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Table {
    Filter,
    Nat,
    /// Present because kube-proxy and the kubelet create their canary chains
    /// in it; the packet walk runs no mangle hooks.
    Mangle,
}

impl Table {
    pub const ALL: [Table; 3] = [Table::Filter, Table::Nat, Table::Mangle];

    pub fn name(self) -> &'static str {
        match self {
            Table::Filter => "filter",
            Table::Nat => "nat",
            Table::Mangle => "mangle",
        }
    }

    pub fn parse(s: &str) -> Option<Table> {
        match s {
            "filter" => Some(Table::Filter),
            "nat" => Some(Table::Nat),
            "mangle" => Some(Table::Mangle),
            _ => None,
        }
    }

    /// Built-in chains, in the order `iptables-save` declares them.
    pub fn builtin_chains(self) -> &'static [&'static str] {
        match self {
            Table::Filter => &["INPUT", "FORWARD", "OUTPUT"],
            Table::Nat => &["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"],
            Table::Mangle => &["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"],
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

/// A `--ctstate` value. A packet is in exactly one of the first five;
/// `SNAT` and `DNAT` are the kernel's virtual states for a connection whose
/// source or destination was translated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CtState {
    New,
    Established,
    Related,
    Invalid,
    Untracked,
    Snat,
    Dnat,
}

impl CtState {
    /// In the order iptables prints a state list.
    pub const ALL: [CtState; 7] = [
        CtState::Invalid,
        CtState::New,
        CtState::Related,
        CtState::Established,
        CtState::Untracked,
        CtState::Snat,
        CtState::Dnat,
    ];

    pub fn name(self) -> &'static str {
        match self {
            CtState::New => "NEW",
            CtState::Established => "ESTABLISHED",
            CtState::Related => "RELATED",
            CtState::Invalid => "INVALID",
            CtState::Untracked => "UNTRACKED",
            CtState::Snat => "SNAT",
            CtState::Dnat => "DNAT",
        }
    }

    /// `NEW,ESTABLISHED`-style list in iptables' canonical order.
    pub fn list(states: &[CtState]) -> String {
        CtState::ALL
            .iter()
            .filter(|s| states.contains(s))
            .map(|s| s.name())
            .collect::<Vec<_>>()
            .join(",")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
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

#[derive(Debug, Clone, PartialEq, Eq)]
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
    /// `-m udp [--dport N]`.
    Udp {
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
    /// `-m set [!] --match-set NAME src|dst|dst,dst`: the packet's source
    /// or destination address (and, for a `hash:ip,port` set, its protocol
    /// and destination port) is a member of the ipset `name` (Calico's
    /// selector and named-port sets). A set that does not exist matches
    /// nothing. `flags` as written: the first says which address.
    Set {
        negated: bool,
        name: String,
        flags: String,
    },
    /// `-m multiport --dports 80,8000:9000`: the destination port is one of
    /// the ports or in one of the ranges (Calico's port matches).
    Multiport {
        dports: Vec<(u16, u16)>,
    },
}

/// An ipset, as `ipset list` names its types: `hash:net` holds networks,
/// `hash:ip,port` addresses with a protocol and port.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IpSet {
    pub nets: Vec<Ipv4Net>,
    pub ip_ports: Vec<(Ipv4Addr, Protocol, u16)>,
}

impl IpSet {
    /// `hash:net` when it holds no address with a port.
    pub fn type_name(&self) -> &'static str {
        if self.ip_ports.is_empty() {
            "hash:net"
        } else {
            "hash:ip,port"
        }
    }

    /// Whether the set holds the address (a `hash:ip,port` set: with the
    /// protocol and port).
    fn contains(&self, addr: Ipv4Addr, proto: Protocol, port: u16) -> bool {
        self.nets.iter().any(|n| n.contains(&addr))
            || self
                .ip_ports
                .iter()
                .any(|(a, p, n)| *a == addr && *p == proto && *n == port)
    }
}

/// `80` or `8000:9000`, as iptables prints a port or a range.
fn port_range(&(lo, hi): &(u16, u16)) -> String {
    if lo == hi {
        lo.to_string()
    } else {
        format!("{lo}:{hi}")
    }
}

/// `80,8000:9000`.
pub fn port_list(ports: &[(u16, u16)]) -> String {
    ports.iter().map(port_range).collect::<Vec<_>>().join(",")
}

/// An interface name as `-i`/`-o` match it: a trailing `+` matches every
/// name that begins with what comes before it (`cali+`).
pub fn iface_matches(pattern: &str, name: Option<&str>) -> bool {
    match (pattern.strip_suffix('+'), name) {
        (Some(prefix), Some(n)) => n.starts_with(prefix),
        (None, Some(n)) => n == pattern,
        (_, None) => false,
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Accept,
    Drop,
    Return,
    Jump(String),
    /// `-g CHAIN`: go to the chain without coming back: when it returns,
    /// the chain that jumped here returns too (Felix's dispatch chains).
    Goto(String),
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
    /// No `-j` at all: the rule only counts the packet, which goes on to
    /// the next rule (kube-proxy ends each KUBE-FW chain with one).
    None,
}

#[derive(Debug, Clone, PartialEq, Eq)]
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
                Match::Tcp { dport } | Match::Udp { dport } => {
                    let module = if matches!(m, Match::Tcp { .. }) {
                        "tcp"
                    } else {
                        "udp"
                    };
                    let _ = write!(out, " -m {module}");
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
                    let _ = write!(
                        out,
                        " -m conntrack {}--ctstate {}",
                        neg(*negated),
                        CtState::list(states)
                    );
                }
                Match::Set {
                    negated,
                    name,
                    flags,
                } => {
                    let _ = write!(out, " -m set {}--match-set {name} {flags}", neg(*negated));
                }
                Match::Multiport { dports } => {
                    let _ = write!(out, " -m multiport --dports {}", port_list(dports));
                }
                _ => {}
            }
        }
        out.push_str(&match &self.target {
            Target::Accept => " -j ACCEPT".to_string(),
            Target::Drop => " -j DROP".to_string(),
            Target::Return => " -j RETURN".to_string(),
            Target::Jump(c) => format!(" -j {c}"),
            Target::Goto(c) => format!(" -g {c}"),
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
            Target::None => String::new(),
        });
        out.trim_start().to_string()
    }
}

/// `xtables_save_string`: a value of nothing but `[A-Za-z0-9_-]` is printed
/// bare; anything else is quoted, with `"`, `\` and `'` escaped.
fn quote_if_needed(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
    {
        s.to_string()
    } else {
        let mut out = String::with_capacity(s.len() + 2);
        out.push('"');
        for c in s.chars() {
            if matches!(c, '"' | '\\' | '\'') {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('"');
        out
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
    /// The connection's source was translated (`--ctstate SNAT`).
    pub ct_snat: bool,
    /// The connection's destination was translated (`--ctstate DNAT`).
    pub ct_dnat: bool,
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
    /// The walk, event by event, in the order the kernel made it: what the
    /// trace shows as the hook's flow of chain jumps.
    pub walk: Vec<WalkEvent>,
}

/// One event of a hook's walk. The rules that did not match are folded
/// into runs and counted by position (the rules between two matches), so
/// the indexed walk and the rule-by-rule walk record the same events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WalkEvent {
    /// `count` rules of `chain` in a row were tried and did not match
    /// (a `statistic` rule whose draw failed is one of them).
    Skipped {
        chain: String,
        depth: usize,
        count: usize,
    },
    /// A rule matched. `depth` is how many jumps below the built-in chain.
    Matched {
        hit: RuleHit,
        rule: Rule,
        depth: usize,
    },
    /// The walk left a user-defined chain (its end, or a RETURN) and went
    /// on in the chain that jumped to it.
    Returned { chain: String, depth: usize },
    /// The built-in chain ran out of rules: its policy decided.
    Policy { chain: String, policy: Policy },
}

/// `recent` lists: name → source address → last seen.
pub type RecentLists = Map<String, Map<Ipv4Addr, Millis>>;

/// Packet and byte counters, as `iptables -L -v` and `iptables-save -c` show them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counter {
    pub packets: u64,
    pub bytes: u64,
}

impl Counter {
    fn add(&mut self, bytes: u64) {
        self.packets += 1;
        self.bytes += bytes;
    }
}

/// How [`Netfilter::run_hook`] finds the rules a packet may match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EvalMode {
    /// Through each chain's `(destination, port)` index.
    #[default]
    Indexed,
    /// Every rule of every chain in turn, as the kernel's legacy x_tables does.
    Reference,
}

/// A chain with what the tables keep beside it.
#[derive(Debug, Clone, PartialEq, Default)]
struct Slot {
    chain: Chain,
    index: ChainIndex,
    counters: Vec<Counter>,
    policy_counter: Counter,
}

impl Slot {
    fn new(chain: Chain) -> Self {
        let index = ChainIndex::build(&chain.rules);
        let counters = vec![Counter::default(); chain.rules.len()];
        Slot {
            chain,
            index,
            counters,
            policy_counter: Counter::default(),
        }
    }
}

/// A hasher with fixed keys: lookups only, so the order never shows, and no
/// randomness is drawn from the operating system.
type FixedState = BuildHasherDefault<DefaultHasher>;

/// Which rules of a chain can match a packet, by the packet's destination and
/// destination port. A rule is keyed only when the key's matches come before
/// any `statistic` match in it, so skipping it never skips a random draw the
/// plain walk would have made.
#[derive(Debug, Clone, PartialEq, Default)]
struct ChainIndex {
    /// Rules with no usable key: visited for every packet.
    always: Vec<u32>,
    /// `-d A/32 … --dport P` rules.
    by_dst_port: HashMap<(Ipv4Addr, u16), Vec<u32>, FixedState>,
    /// `--dport P` rules without a single-address destination.
    by_port: HashMap<u16, Vec<u32>, FixedState>,
}

enum RuleKey {
    Always,
    Port(u16),
    DstPort(Ipv4Addr, u16),
}

fn rule_key(rule: &Rule) -> RuleKey {
    let mut port = None;
    let mut dst = None;
    for m in &rule.matches {
        match m {
            Match::Statistic(_) => break,
            Match::Tcp { dport: Some(p) } | Match::Udp { dport: Some(p) } if port.is_none() => {
                port = Some(*p)
            }
            Match::Destination {
                negated: false,
                net,
            } if dst.is_none() && net.prefix_len() == 32 => dst = Some(net.addr()),
            _ => {}
        }
    }
    match (dst, port) {
        (Some(d), Some(p)) => RuleKey::DstPort(d, p),
        (None, Some(p)) => RuleKey::Port(p),
        _ => RuleKey::Always,
    }
}

impl ChainIndex {
    fn build(rules: &[Rule]) -> Self {
        let mut ix = ChainIndex::default();
        for (i, r) in rules.iter().enumerate() {
            ix.add(i, r);
        }
        ix
    }

    fn add(&mut self, i: usize, rule: &Rule) {
        let i = i as u32;
        match rule_key(rule) {
            RuleKey::Always => self.always.push(i),
            RuleKey::Port(p) => self.by_port.entry(p).or_default().push(i),
            RuleKey::DstPort(d, p) => self.by_dst_port.entry((d, p)).or_default().push(i),
        }
    }

    fn candidates(&self, pkt: &PacketView) -> Candidates<'_> {
        // A rule keyed by a port also names its protocol, so a packet of
        // another protocol that shares the key just fails the rule's match.
        let (a, b) = if matches!(pkt.proto, Protocol::Tcp | Protocol::Udp) {
            (
                self.by_dst_port
                    .get(&(pkt.dst, pkt.dport))
                    .map_or(&[][..], Vec::as_slice),
                self.by_port.get(&pkt.dport).map_or(&[][..], Vec::as_slice),
            )
        } else {
            (&[][..], &[][..])
        };
        Candidates::Merge([&self.always, a, b])
    }
}

/// Rule positions to visit, in ascending order.
enum Candidates<'a> {
    All(std::ops::Range<usize>),
    /// Three sorted, disjoint lists merged on the fly.
    Merge([&'a [u32]; 3]),
}

impl Iterator for Candidates<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        match self {
            Candidates::All(r) => r.next(),
            Candidates::Merge(lists) => {
                let mut best: Option<(u32, usize)> = None;
                for (k, l) in lists.iter().enumerate() {
                    if let Some(&v) = l.first() {
                        if best.is_none_or(|(b, _)| v < b) {
                            best = Some((v, k));
                        }
                    }
                }
                let (v, k) = best?;
                lists[k] = &lists[k][1..];
                Some(v as usize)
            }
        }
    }
}

/// The bytes one simulated packet counts for: a SYN or SYN-ACK with Linux's
/// options is 60 bytes, an ICMP echo 84.
fn packet_bytes(proto: Protocol) -> u64 {
    match proto {
        Protocol::Tcp => 60,
        Protocol::Udp => 28,
        Protocol::Icmp => 84,
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Netfilter {
    tables: Map<Table, Map<String, Slot>>,
    pub recent: RecentLists,
    /// The host's ipsets by name, which `-m set` rules read.
    pub ipsets: Map<String, IpSet>,
    /// How `run_hook` evaluates; [`EvalMode::Indexed`] unless a benchmark or
    /// test asks for the reference walk.
    pub mode: EvalMode,
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
                    Slot::new(Chain {
                        policy: Some(Policy::Accept),
                        rules: vec![],
                    }),
                );
            }
        }
        nf
    }

    fn slot(&self, table: Table, name: &str) -> Option<&Slot> {
        self.tables.get(&table)?.get(name)
    }

    fn slot_mut(&mut self, table: Table, name: &str) -> Option<&mut Slot> {
        self.tables.get_mut(&table)?.get_mut(name)
    }

    pub fn chain(&self, table: Table, name: &str) -> Option<&Chain> {
        self.slot(table, name).map(|s| &s.chain)
    }

    /// Every chain of a table, built-in and user-defined, by name.
    pub fn chains(&self, table: Table) -> impl Iterator<Item = (&String, &Chain)> {
        self.tables
            .get(&table)
            .into_iter()
            .flat_map(|c| c.iter().map(|(n, s)| (n, &s.chain)))
    }

    /// The per-rule counters of a chain and, for a built-in chain, its policy's.
    pub fn counters(&self, table: Table, name: &str) -> Option<(&[Counter], Counter)> {
        self.slot(table, name)
            .map(|s| (s.counters.as_slice(), s.policy_counter))
    }

    /// How many rules of the table jump to `name` (`iptables -L`'s "references").
    pub fn references(&self, table: Table, name: &str) -> usize {
        self.chains(table)
            .flat_map(|(_, c)| &c.rules)
            .filter(|r| matches!(&r.target, Target::Jump(t) | Target::Goto(t) if t == name))
            .count()
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
        if let Some(s) = self.slot_mut(table, chain) {
            s.index.add(s.chain.rules.len(), &rule);
            s.chain.rules.push(rule);
            s.counters.push(Counter::default());
        }
    }

    /// Inserts a rule at 0-based `position` (`iptables -I CHAIN position+1`),
    /// or appends it when the chain is shorter.
    pub fn insert(&mut self, table: Table, chain: &str, position: usize, rule: Rule) {
        self.ensure_chain(table, chain);
        if let Some(s) = self.slot_mut(table, chain) {
            let at = position.min(s.chain.rules.len());
            s.chain.rules.insert(at, rule);
            s.counters.insert(at, Counter::default());
            s.index = ChainIndex::build(&s.chain.rules);
        }
    }

    /// Replaces the user-defined chains of a table whose names satisfy
    /// `owned` with `chains`, the way `iptables-restore --noflush` does for
    /// the chains it declares. Built-in chains keep their place and policy.
    /// A chain whose rules do not change keeps its counters.
    pub fn replace_user_chains(
        &mut self,
        table: Table,
        owned: impl Fn(&str) -> bool,
        chains: Map<String, Chain>,
    ) {
        let t = self.tables.entry(table).or_default();
        t.retain(|name, s| s.chain.policy.is_some() || !owned(name) || chains.contains_key(name));
        for (name, chain) in chains {
            match t.get_mut(&name) {
                Some(existing) if existing.chain.policy.is_some() => {
                    if existing.chain.rules != chain.rules {
                        existing.counters = vec![Counter::default(); chain.rules.len()];
                        existing.index = ChainIndex::build(&chain.rules);
                        existing.chain.rules = chain.rules;
                    }
                }
                Some(existing) if existing.chain == chain => {}
                _ => {
                    t.insert(name, Slot::new(chain));
                }
            }
        }
    }

    /// [`Netfilter::replace_user_chains`] from borrowed chains: only chains
    /// that differ from what is installed are copied, so a sync that
    /// changes one Service costs a comparison of the others, not a copy.
    pub fn sync_user_chains(
        &mut self,
        table: Table,
        owned: impl Fn(&str) -> bool,
        chains: &Map<String, Chain>,
    ) {
        let t = self.tables.entry(table).or_default();
        t.retain(|name, s| s.chain.policy.is_some() || !owned(name) || chains.contains_key(name));
        for (name, chain) in chains {
            match t.get_mut(name) {
                Some(existing) if existing.chain.policy.is_some() => {
                    if existing.chain.rules != chain.rules {
                        existing.counters = vec![Counter::default(); chain.rules.len()];
                        existing.index = ChainIndex::build(&chain.rules);
                        existing.chain.rules = chain.rules.clone();
                    }
                }
                Some(existing) if existing.chain == *chain => {}
                _ => {
                    t.insert(name.clone(), Slot::new(chain.clone()));
                }
            }
        }
    }

    pub fn set_policy(&mut self, table: Table, chain: &str, policy: Policy) {
        if let Some(s) = self.slot_mut(table, chain) {
            s.chain.policy = Some(policy);
        }
    }

    /// Counts a packet against a built-in chain's policy without walking it:
    /// what the packet walk does for a chain that has no rules.
    pub fn count_policy(&mut self, table: Table, chain: &str, proto: Protocol) {
        if let Some(s) = self.slot_mut(table, chain) {
            s.policy_counter.add(packet_bytes(proto));
        }
    }

    /// Walks a built-in chain for one packet, following jumps. NAT targets
    /// rewrite `pkt`; MARK targets change `pkt.mark`. Evaluates as
    /// [`Netfilter::mode`] says.
    pub fn run_hook(
        &mut self,
        table: Table,
        chain: &str,
        pkt: &mut PacketView,
        env: &mut EvalEnv<'_>,
    ) -> HookResult {
        let indexed = self.mode == EvalMode::Indexed;
        self.run_hook_with(table, chain, pkt, env, indexed)
    }

    /// [`Netfilter::run_hook`] visiting every rule in turn: the reference the
    /// indexed walk is checked against.
    pub fn run_hook_reference(
        &mut self,
        table: Table,
        chain: &str,
        pkt: &mut PacketView,
        env: &mut EvalEnv<'_>,
    ) -> HookResult {
        self.run_hook_with(table, chain, pkt, env, false)
    }

    fn run_hook_with(
        &mut self,
        table: Table,
        chain: &str,
        pkt: &mut PacketView,
        env: &mut EvalEnv<'_>,
        indexed: bool,
    ) -> HookResult {
        let mut result = HookResult {
            verdict: Verdict::Accept,
            hits: vec![],
            rewrite: None,
            decided_by: None,
            walk: vec![],
        };
        let mut recent_updates: Vec<(String, Ipv4Addr)> = vec![];
        let walk = Walk {
            table,
            indexed,
            nf: self,
        };
        let outcome = walk.chain(chain, pkt, env, &mut result, &mut recent_updates, 0);
        for (name, addr) in recent_updates {
            self.recent.entry(name).or_default().insert(addr, env.now);
        }
        let bytes = packet_bytes(pkt.proto);
        for hit in &result.hits {
            if let Some(c) = self
                .slot_mut(table, &hit.chain)
                .and_then(|s| s.counters.get_mut(hit.index - 1))
            {
                c.add(bytes);
            }
        }
        match outcome {
            Flow::Verdict(v) => result.verdict = v,
            Flow::Continue | Flow::Return => {
                let slot = self.slot_mut(table, chain);
                let policy = slot.as_ref().and_then(|s| s.chain.policy);
                if let Some(s) = slot {
                    s.policy_counter.add(bytes);
                }
                if policy == Some(Policy::Drop) {
                    result.verdict = Verdict::Drop;
                }
                result.walk.push(WalkEvent::Policy {
                    chain: chain.to_string(),
                    policy: policy.unwrap_or(Policy::Accept),
                });
            }
        }
        result
    }

    /// The table in `iptables-save -t TABLE` form (without the header comments).
    pub fn save_table(&self, table: Table) -> String {
        self.save_table_with(table, false)
    }

    /// `iptables-save -t TABLE [-c]`: built-in chain lines show the policy's
    /// `[packets:bytes]`; with `counters`, each rule is prefixed with its own.
    pub fn save_table_with(&self, table: Table, counters: bool) -> String {
        let mut out = format!("*{}\n", table.name());
        let Some(chains) = self.tables.get(&table) else {
            return out + "COMMIT\n";
        };
        let builtin = table.builtin_chains();
        for name in builtin {
            if let Some(s) = chains.get(*name) {
                let policy = match s.chain.policy {
                    Some(Policy::Drop) => "DROP",
                    _ => "ACCEPT",
                };
                // Chain lines always carry the policy's counters, as iptables-save prints them.
                let c = s.policy_counter;
                let _ = writeln!(out, ":{name} {policy} [{}:{}]", c.packets, c.bytes);
            }
        }
        for (name, s) in chains {
            if s.chain.policy.is_none() {
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
            if let Some(s) = chains.get(&name) {
                for (i, r) in s.chain.rules.iter().enumerate() {
                    if counters {
                        let c = s.counters.get(i).copied().unwrap_or_default();
                        let _ = write!(out, "[{}:{}] ", c.packets, c.bytes);
                    }
                    let _ = writeln!(out, "-A {name} {}", r.save_spec());
                }
            }
        }
        out.push_str("COMMIT\n");
        out
    }
}

/// One hook's walk over the tables, shared by the indexed and reference paths.
struct Walk<'n> {
    table: Table,
    indexed: bool,
    nf: &'n Netfilter,
}

impl Walk<'_> {
    fn chain(
        &self,
        chain: &str,
        pkt: &mut PacketView,
        env: &mut EvalEnv<'_>,
        result: &mut HookResult,
        recent_updates: &mut Vec<(String, Ipv4Addr)>,
        depth: usize,
    ) -> Flow {
        let table = self.table;
        let Some(slot) = self.nf.slot(table, chain) else {
            return Flow::Continue;
        };
        if depth > MAX_JUMP_DEPTH {
            // The kernel refuses to load looping rulesets; this only guards the simulator.
            return Flow::Verdict(Verdict::Drop);
        }
        let rules = &slot.chain.rules;
        // Within one chain the packet's destination cannot change: a DNAT
        // ends the hook. So the candidates computed here stay valid.
        let candidates = if self.indexed {
            slot.index.candidates(pkt)
        } else {
            Candidates::All(0..rules.len())
        };
        // The first rule not yet accounted for in the walk's record.
        let mut next = 0;
        for i in candidates {
            let rule = &rules[i];
            if !self.nf.rule_matches(rule, pkt, env, recent_updates) {
                continue;
            }
            let hit = RuleHit {
                table,
                chain: chain.to_string(),
                index: i + 1,
                text: format!("-A {chain} {}", rule.save_spec()),
            };
            if i > next {
                result.walk.push(WalkEvent::Skipped {
                    chain: chain.to_string(),
                    depth,
                    count: i - next,
                });
            }
            next = i + 1;
            result.walk.push(WalkEvent::Matched {
                hit: hit.clone(),
                rule: rule.clone(),
                depth,
            });
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
                Target::Return => {
                    if depth > 0 {
                        result.walk.push(WalkEvent::Returned {
                            chain: chain.to_string(),
                            depth,
                        });
                    }
                    return Flow::Return;
                }
                Target::Jump(next) => {
                    match self.chain(next, pkt, env, result, recent_updates, depth + 1) {
                        Flow::Verdict(v) => return Flow::Verdict(v),
                        Flow::Continue | Flow::Return => {}
                    }
                }
                Target::Goto(next) => {
                    return match self.chain(next, pkt, env, result, recent_updates, depth + 1) {
                        Flow::Verdict(v) => Flow::Verdict(v),
                        Flow::Continue | Flow::Return => Flow::Return,
                    };
                }
                Target::Dnat { to, port } => {
                    pkt.dst = *to;
                    if let Some(p) = port {
                        pkt.dport = *p;
                    }
                    pkt.ct_dnat = true;
                    result.rewrite = Some(Rewrite::Dnat {
                        to: *to,
                        port: *port,
                    });
                    return Flow::Verdict(Verdict::Accept);
                }
                Target::Snat { to } => {
                    pkt.src = *to;
                    pkt.ct_snat = true;
                    result.rewrite = Some(Rewrite::Snat { to: *to });
                    return Flow::Verdict(Verdict::Accept);
                }
                Target::Masquerade { .. } => {
                    if let Some(a) = env.masquerade_addr {
                        pkt.src = a;
                        pkt.ct_snat = true;
                        result.rewrite = Some(Rewrite::Snat { to: a });
                    }
                    return Flow::Verdict(Verdict::Accept);
                }
                Target::SetXmark { value, mask } => {
                    pkt.mark = (pkt.mark & !mask) ^ value;
                }
                Target::None => {}
            }
        }
        if rules.len() > next {
            result.walk.push(WalkEvent::Skipped {
                chain: chain.to_string(),
                depth,
                count: rules.len() - next,
            });
        }
        if depth > 0 {
            result.walk.push(WalkEvent::Returned {
                chain: chain.to_string(),
                depth,
            });
        }
        Flow::Continue
    }
}

impl Netfilter {
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
                    iface_matches(name, pkt.in_iface.as_deref()) != *negated
                }
                Match::OutInterface { negated, name } => {
                    iface_matches(name, pkt.out_iface.as_deref()) != *negated
                }
                Match::Comment(_) => true,
                Match::Tcp { dport } => {
                    pkt.proto == Protocol::Tcp && dport.is_none_or(|p| p == pkt.dport)
                }
                Match::Udp { dport } => {
                    pkt.proto == Protocol::Udp && dport.is_none_or(|p| p == pkt.dport)
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
                            env.now.saturating_sub(*seen) <= Millis::from(*seconds) * 1000
                        }),
                },
                Match::Conntrack { negated, states } => {
                    let any = states.iter().any(|s| match s {
                        CtState::Snat => pkt.ct_snat,
                        CtState::Dnat => pkt.ct_dnat,
                        other => *other == pkt.ct_state,
                    });
                    any != *negated
                }
                Match::Set {
                    negated,
                    name,
                    flags,
                } => {
                    // One flag per dimension; a missing one repeats the
                    // last, as ipset reads them.
                    let mut sides = flags.split(',').map(|f| f == "src");
                    let addr_src = sides.next().unwrap_or(true);
                    let port_src = sides.next().unwrap_or(addr_src);
                    let addr = if addr_src { pkt.src } else { pkt.dst };
                    let port = if port_src { pkt.sport } else { pkt.dport };
                    self.ipsets
                        .get(name)
                        .is_some_and(|set| set.contains(addr, pkt.proto, port))
                        != *negated
                }
                Match::Multiport { dports } => {
                    matches!(pkt.proto, Protocol::Tcp | Protocol::Udp)
                        && dports
                            .iter()
                            .any(|(lo, hi)| (*lo..=*hi).contains(&pkt.dport))
                }
            };
            if !ok {
                return false;
            }
        }
        recent_updates.extend(pending_set.into_iter().map(|n| (n, pkt.src)));
        true
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
            ct_snat: false,
            ct_dnat: false,
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

    /// A workload chain as Calico's Felix writes one: replies pass, then
    /// the policy's allows (an ipset of pods and a multiport list), then the
    /// drop at the end.
    fn calico_like() -> Netfilter {
        let mut nf = Netfilter::new();
        nf.append(
            Table::Filter,
            "FORWARD",
            Rule::new(
                vec![Match::OutInterface {
                    negated: false,
                    name: "cali+".into(),
                }],
                Target::Jump("cali-tw".into()),
            ),
        );
        nf.append(
            Table::Filter,
            "cali-tw",
            Rule::new(
                vec![Match::Conntrack {
                    negated: false,
                    states: vec![CtState::Related, CtState::Established],
                }],
                Target::Accept,
            ),
        );
        nf.append(
            Table::Filter,
            "cali-tw",
            Rule::new(
                vec![
                    Match::Protocol(Protocol::Tcp),
                    Match::Set {
                        negated: false,
                        name: "cali40s:clients".into(),
                        flags: "src".into(),
                    },
                    Match::Multiport {
                        dports: vec![(80, 80), (8000, 9000)],
                    },
                ],
                Target::Accept,
            ),
        );
        nf.append(
            Table::Filter,
            "cali-tw",
            Rule::new(vec![Match::Comment("cali:drop".into())], Target::Drop),
        );
        nf.ipsets.insert(
            "cali40s:clients".into(),
            IpSet {
                nets: vec!["10.244.1.5/32".parse().unwrap()],
                ip_ports: vec![],
            },
        );
        nf
    }

    #[test]
    fn ipsets_multiport_and_interface_wildcards_decide_like_the_kernel() {
        let mut rng = SimRng::new(1);
        let verdict = |nf: &mut Netfilter, mut p: PacketView| {
            p.out_iface = Some("cali1234567890a".into());
            let mut rng = SimRng::new(1);
            nf.run_hook(Table::Filter, "FORWARD", &mut p, &mut env(&mut rng))
                .verdict
        };
        let mut nf = calico_like();
        assert_eq!(
            verdict(&mut nf, pkt("10.244.1.5", "10.244.0.2", 80)),
            Verdict::Accept
        );
        assert_eq!(
            verdict(&mut nf, pkt("10.244.1.5", "10.244.0.2", 8500)),
            Verdict::Accept
        );
        // Another client, another port: the drop at the end of the chain.
        assert_eq!(
            verdict(&mut nf, pkt("10.244.1.6", "10.244.0.2", 80)),
            Verdict::Drop
        );
        assert_eq!(
            verdict(&mut nf, pkt("10.244.1.5", "10.244.0.2", 9001)),
            Verdict::Drop
        );
        // A reply of a connection the node knows passes.
        let mut reply = pkt("10.244.1.6", "10.244.0.2", 80);
        reply.ct_state = CtState::Established;
        assert_eq!(verdict(&mut nf, reply), Verdict::Accept);
        // Not out of a cali interface: the wildcard does not match.
        let mut other = pkt("10.244.1.6", "10.244.0.2", 80);
        other.out_iface = Some("cni0".into());
        let r = nf.run_hook(Table::Filter, "FORWARD", &mut other, &mut env(&mut rng));
        assert_eq!(r.verdict, Verdict::Accept);
        // A set that does not exist matches nothing.
        nf.ipsets.clear();
        assert_eq!(
            verdict(&mut nf, pkt("10.244.1.5", "10.244.0.2", 80)),
            Verdict::Drop
        );
        // Named ports: a `hash:ip,port` set of the destination's address,
        // protocol and port.
        let mut np = calico_like();
        np.ipsets.insert(
            "cali40s:clients".into(),
            IpSet {
                nets: vec![],
                ip_ports: vec![("10.244.1.5".parse().unwrap(), Protocol::Tcp, 80)],
            },
        );
        assert_eq!(np.ipsets["cali40s:clients"].type_name(), "hash:ip,port");
        assert_eq!(
            verdict(&mut np, pkt("10.244.1.5", "10.244.0.2", 80)),
            Verdict::Drop
        );
    }

    #[test]
    fn ipset_and_multiport_rules_save_as_iptables_prints_them() {
        let nf = calico_like();
        let text = nf.save_table(Table::Filter);
        assert!(text.contains("-A FORWARD -o cali+ -j cali-tw\n"), "{text}");
        assert!(
            text.contains("-A cali-tw -p tcp -m set --match-set cali40s:clients src -m multiport --dports 80,8000:9000 -j ACCEPT\n"),
            "{text}"
        );
        let negated = Rule::new(
            vec![Match::Set {
                negated: true,
                name: "cali40n:web".into(),
                flags: "dst,dst".into(),
            }],
            Target::Return,
        );
        assert_eq!(
            negated.save_spec(),
            "-m set ! --match-set cali40n:web dst,dst -j RETURN"
        );
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
