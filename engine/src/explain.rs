//! A packet's trace told as a story a student can read at a glance: at each
//! hop, the packet as it arrived and as it left with every changed field and
//! what changed it, the netfilter hooks it went through in order with
//! kube-proxy's chain jumps said in words, and, where it stopped, one
//! sentence and what would change it when the world can tell.
//!
//! Pure: [`story`] reads a [`Trace`] and the [`World`] it was made in (for
//! the chains' other rules and the cluster's objects) and changes nothing.
//! The page draws it; the words live here so that every front end says the
//! same thing, and so that they are tested natively.

use crate::cluster::objects::{format_labels, selector_matches};
use crate::net::netfilter::{AddrSide, Match, Policy, Rule, Table, Target, Verdict, WalkEvent};
use crate::net::trace::{
    Direction, DropReason, Encapsulation, HookWalk, Hop, RewriteKind, Step, Trace,
};
use crate::net::TraceOutcome;
use crate::world::World;
use std::net::SocketAddrV4;

/// The whole trace, hop by hop, and how it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Story {
    /// What was asked, e.g. `curl http://192.168.1.2:30008 from laptop`.
    pub request: String,
    pub hops: Vec<HopStory>,
    pub ending: Ending,
}

/// How the packet's story ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    /// A process answered, and its reply reached the client.
    Answered { host: String, sentence: String },
    /// The packet went no further than `host`, at hop `hop` (an index
    /// into [`Story::hops`]). `fix` says what would change it, when the
    /// world can tell.
    Stopped {
        host: String,
        hop: usize,
        sentence: String,
        fix: Option<String>,
    },
    /// No packet was sent (a name that did not resolve).
    NotSent { sentence: String },
}

impl Ending {
    pub fn sentence(&self) -> &str {
        match self {
            Ending::Answered { sentence, .. }
            | Ending::Stopped { sentence, .. }
            | Ending::NotSent { sentence } => sentence,
        }
    }
}

/// A packet as a card shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Face {
    pub src: SocketAddrV4,
    pub dst: SocketAddrV4,
}

/// Which field of the packet changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Source,
    Destination,
}

/// What changed a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// kube-proxy's DNAT to an endpoint (a `KUBE-SEP-…` rule).
    Dnat,
    /// MASQUERADE or SNAT: the source becomes this host's address.
    Masquerade,
    /// Conntrack undoing a DNAT on the reply: the source becomes the
    /// address the client talked to again.
    UndoDnat,
    /// Conntrack undoing a masquerade on the reply: the destination
    /// becomes the real client again.
    UndoMasquerade,
}

/// One changed field, what did it (`by`, short, for a label), and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub field: Field,
    pub kind: ChangeKind,
    pub from: SocketAddrV4,
    pub to: SocketAddrV4,
    /// `DNAT by KUBE-SEP-Q5JOQ2TNM742LKJL`, `masquerade in KUBE-POSTROUTING`,
    /// `conntrack undid the DNAT`.
    pub by: String,
    /// The sentence behind it.
    pub why: String,
    /// The exact rule, as `iptables-save` prints it, when a rule did it.
    pub rule: Option<String>,
}

/// A packet's visit to one host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HopStory {
    pub host: String,
    pub direction: Direction,
    /// `on eth0`, or `sent by this host`.
    pub arrival: String,
    /// As it arrived (or was sent).
    pub arrived: Face,
    /// As it left; `None` when it stopped or was delivered here.
    pub left: Option<Face>,
    pub changes: Vec<Change>,
    /// For a reply: the connection it belongs to, in words.
    pub connection: Option<String>,
    /// What happened here, in the kernel's order.
    pub flow: Vec<Stage>,
    /// `out eth0 to node01 (lan)`.
    pub out: Option<String>,
    /// The process that accepted it, in words.
    pub delivered: Option<String>,
    /// Why it stopped here, in one sentence.
    pub stop: Option<String>,
    /// It left inside another packet: flannel's VXLAN overlay to the next node.
    pub encapsulated: Option<Overlay>,
    /// It arrived inside another packet, which this host took apart.
    pub decapsulated: Option<Overlay>,
}

/// A packet carried across the overlay, as a card shows it: the packet
/// inside (the pods' addresses, as NAT left them) and the packet on the
/// wire between the nodes (their own addresses, UDP port 8472).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overlay {
    /// `flannel.1`.
    pub device: String,
    pub vni: u32,
    /// The packet inside.
    pub inner: Face,
    /// The outer UDP packet between the nodes.
    pub outer: Face,
    /// `VXLAN, VNI 1, UDP port 8472`.
    pub headers: String,
    /// The underlay: `eth0 to eth0 over lan`.
    pub underlay: String,
    /// What happened, in one sentence.
    pub words: String,
}

fn overlay(e: &Encapsulation, leaving: bool) -> Overlay {
    let headers = format!(
        "outer IPv4 {} → {}, UDP port {} → {}, VXLAN header VNI {}, inner Ethernet {} → {}",
        e.outer_src.ip(),
        e.outer_dst.ip(),
        e.outer_src.port(),
        e.outer_dst.port(),
        e.vni,
        Encapsulation::mac_text(&e.inner_src_mac),
        Encapsulation::mac_text(&e.inner_dst_mac)
    );
    let words = if leaving {
        format!(
            "{} wrapped the packet {} → {} in a VXLAN header (VNI {}) inside a UDP packet {} → {}, which left on {} over the {}",
            e.device,
            e.inner_src,
            e.inner_dst,
            e.vni,
            e.outer_src,
            e.outer_dst,
            e.underlay_out,
            e.underlay_segment
        )
    } else {
        format!(
            "the UDP packet {} → {} came in on {}; {} took out the packet {} → {} (VXLAN VNI {}) as if it had arrived on {}",
            e.outer_src,
            e.outer_dst,
            e.underlay_in,
            e.device,
            e.inner_src,
            e.inner_dst,
            e.vni,
            e.device
        )
    };
    Overlay {
        device: e.device.clone(),
        vni: e.vni,
        inner: Face {
            src: e.inner_src,
            dst: e.inner_dst,
        },
        outer: Face {
            src: e.outer_src,
            dst: e.outer_dst,
        },
        headers,
        underlay: format!(
            "{} to {} over {}",
            e.underlay_out, e.underlay_in, e.underlay_segment
        ),
        words,
    }
}

/// One stage of a host's handling of a packet, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    /// Conntrack recognised the packet as part of a known connection.
    Conntrack { words: String },
    /// A netfilter hook and what its chains did.
    Hook(HookStory),
    /// The routing decision.
    Routing { words: String },
}

/// A netfilter hook: its chain, the walk through kube-proxy's chains, and
/// its verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookStory {
    pub table: &'static str,
    /// `PREROUTING`, `FORWARD`…
    pub chain: String,
    /// The walk; empty when the hook has no rules.
    pub steps: Vec<ChainStep>,
    /// `ACCEPT`, `DROP`, `REJECT`.
    pub verdict: &'static str,
    /// A rule or the policy dropped or rejected the packet here.
    pub stopped: bool,
}

impl HookStory {
    /// `PREROUTING (nat)`.
    pub fn label(&self) -> String {
        format!("{} ({})", self.chain, self.table)
    }

    /// Whether nothing in the hook touched the packet (no rule matched).
    pub fn quiet(&self) -> bool {
        self.steps
            .iter()
            .all(|s| !matches!(s.kind, ChainStepKind::Matched))
            && !self.stopped
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChainStepKind {
    /// A rule matched.
    Matched,
    /// Rules that did not match, folded.
    Skipped,
    /// Back to the chain that jumped here.
    Returned,
    /// The built-in chain's policy.
    Policy,
}

/// One step of the walk through a hook's chains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainStep {
    pub kind: ChainStepKind,
    pub chain: String,
    /// How many jumps below the hook's own chain.
    pub depth: usize,
    /// The rule (or the fold, or the return) in words: `destination port
    /// 30008 → myapp-service's external chain (KUBE-EXT-…)`.
    pub words: String,
    /// For a matched rule: its number in its chain and its exact text.
    pub rule_number: Option<usize>,
    pub rule: Option<String>,
    /// For a folded run: how many rules.
    pub count: usize,
    /// What decided, when the rule made a choice: a `statistic` draw
    /// (`endpoint 2 of 3, picked with probability 0.5 of the remaining`)
    /// or session affinity (`recent`).
    pub decision: Option<String>,
}

/// The story of `trace`, told with what `world` knows. Call it right after
/// the command that made the trace, so the world still has the rules the
/// packet met.
pub fn story(trace: &Trace, world: &World) -> Story {
    let mut hops: Vec<HopStory> = trace.hops.iter().map(|h| hop_story(h, world)).collect();
    // The proxy's own connection: its first hop is sent by the proxy's
    // host, right after the hop where the client's connection ended.
    let proxy = trace.hops.iter().enumerate().find_map(|(i, h)| {
        h.steps.iter().find_map(|s| match s {
            Step::Proxied {
                program, from, to, ..
            } => Some((i, h.host.clone(), program.clone(), *from, *to)),
            _ => None,
        })
    });
    if let Some((i, _, program, from, to)) = &proxy {
        if let Some(next) = hops.get_mut(i + 1) {
            next.arrival = format!("sent by {program} on its own connection, {from} → {to}");
        }
    }
    let ending = match &trace.outcome {
        Some(TraceOutcome::Answered { host, process }) => {
            let mut sentence = match &proxy {
                Some((_, proxy_host, program, ..)) => format!(
                    "{process} on {host} answered {program} on {proxy_host}, which had ended the client's connection and sent the request on over its own; the reply reached the client."
                ),
                None => format!("{process} on {host} answered, and its reply reached the client."),
            };
            if let Some(note) = unenforced_policies(trace, host, world) {
                sentence.push(' ');
                sentence.push_str(&note);
            }
            Ending::Answered {
                host: host.clone(),
                sentence,
            }
        }
        Some(TraceOutcome::Stopped { host, reason }) => {
            let hop = trace
                .hops
                .iter()
                .rposition(|h| h.steps.iter().any(|s| matches!(s, Step::Stopped { .. })))
                .unwrap_or(trace.hops.len().saturating_sub(1));
            Ending::Stopped {
                host: host.clone(),
                hop,
                sentence: format!("Stopped at {host}: {}.", stop_sentence(reason)),
                fix: fix(reason, trace.hops.get(hop), forwarded_by(trace), world),
            }
        }
        Some(TraceOutcome::NotResolved { name }) => Ending::NotSent {
            sentence: format!("The name {name} could not be resolved, so no packet was sent."),
        },
        None => Ending::NotSent {
            sentence: "No packet was sent.".into(),
        },
    };
    Story {
        request: trace.request.clone(),
        hops,
        ending,
    }
}

impl crate::shell::Session {
    /// The story of `trace`, in this session's world (see [`story`]).
    pub fn story(&self, trace: &Trace) -> Story {
        story(trace, self.world())
    }
}

fn stop_sentence(reason: &DropReason) -> String {
    reason.to_string()
}

fn hop_story(hop: &Hop, world: &World) -> HopStory {
    let mut flow = vec![];
    let mut changes = vec![];
    let mut connection = None;
    let mut delivered = None;
    let mut stop = None;
    let mut decapsulated = None;
    let (mut src, mut dst) = (hop.src, hop.dst);
    // The hooks so far on this host: a rewrite names the last rule of
    // theirs that could have made it.
    let mut walks: Vec<&HookWalk> = vec![];
    for step in &hop.steps {
        match step {
            Step::Conntrack { src: a, dst: b } => {
                let words = match hop.direction {
                    Direction::Reply => {
                        format!("conntrack: a reply of the connection {a} → {b}")
                    }
                    Direction::Request => {
                        format!("conntrack: part of the known connection {a} → {b}")
                    }
                };
                connection = Some(format!("a reply of the connection {a} → {b}"));
                flow.push(Stage::Conntrack { words });
            }
            Step::Hook(walk) => {
                flow.push(Stage::Hook(hook_story(walk, &hop.host, world)));
                walks.push(walk);
            }
            Step::Route { line } => flow.push(Stage::Routing {
                words: format!("routing decision: {line}"),
            }),
            // A port-forward carries the bytes itself, past kube-proxy.
            Step::Tunnel { how } => flow.push(Stage::Routing {
                words: format!("tunnel: {how}"),
            }),
            Step::ProxyAnswered { program, why } => {
                delivered = Some(format!("{program} accepted it and answered itself: {why}"));
            }
            Step::Proxied {
                program,
                router,
                rule,
                backend,
                from,
                to,
                added,
            } => {
                // Layer 7: the client's connection ends here, and the
                // proxy's own begins; the card leads with it.
                delivered = Some(format!(
                    "{program} accepted it and, as an HTTP proxy, ends the client's connection here: its router {router} matched (rule {rule}), so it sends the request on to {backend} over a connection of its own, {from} → {to}"
                ));
                let added: Vec<String> = added.iter().map(|(k, v)| format!("{k}: {v}")).collect();
                flow.push(Stage::Routing {
                    words: format!(
                        "{program} (layer 7) adds to the request it sends on: {}",
                        added.join(", ")
                    ),
                });
            }
            Step::LocalDelivery { addr } => flow.push(Stage::Routing {
                words: format!("routing decision: {addr} is this host's own address"),
            }),
            Step::Rewrite { kind, from, to } => {
                let field = if *from == dst {
                    Field::Destination
                } else {
                    Field::Source
                };
                match field {
                    Field::Destination => dst = *to,
                    Field::Source => src = *to,
                }
                changes.push(change(*kind, field, *from, *to, &walks));
            }
            Step::Accepted { process, addr } => {
                delivered = Some(format!("{process} accepted it on {addr}"));
            }
            Step::Stopped { reason } => stop = Some(stop_sentence(reason)),
            Step::Decapsulated(e) => {
                let o = overlay(e, false);
                flow.push(Stage::Routing {
                    words: format!("VXLAN: {}", o.words),
                });
                decapsulated = Some(o);
            }
            Step::Rule { .. } => {}
        }
    }
    let left = hop.left_by.as_ref().map(|_| Face { src, dst });
    HopStory {
        host: hop.host.clone(),
        direction: hop.direction,
        arrival: match (&hop.in_iface, &decapsulated) {
            (Some(i), Some(o)) => format!(
                "arrived on {i}, out of a VXLAN packet from {}",
                o.outer.src.ip()
            ),
            (Some(i), None) => format!("arrived on {i}"),
            (None, _) => "sent by this host".into(),
        },
        arrived: Face {
            src: hop.src,
            dst: hop.dst,
        },
        left,
        changes,
        connection,
        flow,
        out: hop.left_by.as_ref().map(|l| match &l.encap {
            Some(e) => format!(
                "out {} to {} (VXLAN VNI {} inside UDP {} → {}, out {} over the {})",
                l.out_iface,
                l.next_host,
                e.vni,
                e.outer_src,
                e.outer_dst,
                e.underlay_out,
                e.underlay_segment
            ),
            None => format!("out {} to {} ({})", l.out_iface, l.next_host, l.segment),
        }),
        delivered,
        stop,
        encapsulated: hop
            .left_by
            .as_ref()
            .and_then(|l| l.encap.as_ref())
            .map(|e| overlay(e, true)),
        decapsulated,
    }
}

/// The rule of the walks that did the rewrite: the last matched rule whose
/// target rewrites that way.
fn rewriting_rule<'a>(
    walks: &[&'a HookWalk],
    wanted: fn(&Target) -> bool,
) -> Option<(&'a str, usize, &'a str)> {
    walks.iter().rev().find_map(|w| {
        w.events.iter().rev().find_map(|e| match e {
            WalkEvent::Matched { hit, rule, .. } if wanted(&rule.target) => {
                Some((hit.chain.as_str(), hit.index, hit.text.as_str()))
            }
            _ => None,
        })
    })
}

fn change(
    kind: RewriteKind,
    field: Field,
    from: SocketAddrV4,
    to: SocketAddrV4,
    walks: &[&HookWalk],
) -> Change {
    match kind {
        RewriteKind::Dnat => {
            let rule = rewriting_rule(walks, |t| matches!(t, Target::Dnat { .. }));
            let (by, why) = match rule {
                Some((chain, _, text)) => {
                    let service = comment_of_text(text)
                        .and_then(service_of_comment)
                        .map(|s| format!(" of {s}"))
                        .unwrap_or_default();
                    (
                        format!("DNAT by {chain}"),
                        format!(
                            "kube-proxy's rule for the endpoint {to}{service} rewrote the destination: the packet now goes to that pod"
                        ),
                    )
                }
                None => (
                    "DNAT".to_string(),
                    format!("the destination was rewritten to {to}"),
                ),
            };
            Change {
                field,
                kind: ChangeKind::Dnat,
                from,
                to,
                by,
                why,
                rule: rule.map(|r| r.2.to_string()),
            }
        }
        RewriteKind::Snat => {
            let rule = rewriting_rule(walks, |t| {
                matches!(t, Target::Masquerade { .. } | Target::Snat { .. })
            });
            let marked = walks.iter().any(|w| {
                w.events.iter().any(|e| {
                    matches!(e, WalkEvent::Matched { rule, .. }
                        if matches!(rule.target, Target::Jump(ref c) if c == "KUBE-MARK-MASQ"))
                })
            });
            let (by, why) = match rule {
                Some((chain, _, _)) => {
                    let why = if chain == "KUBE-POSTROUTING" && marked {
                        format!(
                            "kube-proxy marked the packet for masquerade (KUBE-MARK-MASQ), so on the way out its source became this host's address {}: the reply must come back here to be translated back",
                            to.ip()
                        )
                    } else {
                        format!(
                            "the source became this host's address {} on the way out, so the reply comes back here",
                            to.ip()
                        )
                    };
                    (format!("masquerade in {chain}"), why)
                }
                None => (
                    "SNAT".to_string(),
                    format!("the source was rewritten to {to}"),
                ),
            };
            Change {
                field,
                kind: ChangeKind::Masquerade,
                from,
                to,
                by,
                why,
                rule: rule.map(|r| r.2.to_string()),
            }
        }
        RewriteKind::UnNat => match field {
            Field::Source => Change {
                field,
                kind: ChangeKind::UndoDnat,
                from,
                to,
                by: "conntrack undid the DNAT".into(),
                why: format!(
                    "the reply came from the pod {from}; conntrack remembers the client talked to {to}, so the source is put back"
                ),
                rule: None,
            },
            Field::Destination => Change {
                field,
                kind: ChangeKind::UndoMasquerade,
                from,
                to,
                by: "conntrack undid the masquerade".into(),
                why: format!(
                    "the reply was addressed to this host ({from}); conntrack remembers the real client {to}, so the destination is put back"
                ),
                rule: None,
            },
        },
    }
}

fn verdict_word(v: &Verdict) -> &'static str {
    match v {
        Verdict::Accept => "ACCEPT",
        Verdict::Drop => "DROP",
        Verdict::Reject => "REJECT",
    }
}

fn hook_story(walk: &HookWalk, host: &str, world: &World) -> HookStory {
    let mut steps = vec![];
    // The Service the walk is in, from the last rule whose comment named
    // one: kube-proxy leaves some rules of a Service's chains uncommented.
    let mut service: Option<String> = None;
    for e in &walk.events {
        match e {
            WalkEvent::Matched { hit, rule, depth } => steps.push(ChainStep {
                kind: ChainStepKind::Matched,
                chain: hit.chain.clone(),
                depth: *depth,
                words: {
                    if let Some(s) = comment_of(rule).and_then(service_of_comment) {
                        service = Some(short_service(s).to_string());
                    } else if !hit.chain.starts_with("KUBE-") {
                        service = None;
                    }
                    rule_words_in(rule, service.as_deref())
                },
                rule_number: Some(hit.index),
                rule: Some(hit.text.clone()),
                count: 0,
                decision: decision(rule, &hit.chain, hit.index, walk.table, host, world),
            }),
            WalkEvent::Skipped {
                chain,
                depth,
                count,
            } => steps.push(ChainStep {
                kind: ChainStepKind::Skipped,
                chain: chain.clone(),
                depth: *depth,
                words: if *count == 1 {
                    format!("1 rule of {chain} did not match")
                } else {
                    format!("{count} rules of {chain} did not match")
                },
                rule_number: None,
                rule: None,
                count: *count,
                decision: None,
            }),
            WalkEvent::Returned { chain, depth } => steps.push(ChainStep {
                kind: ChainStepKind::Returned,
                chain: chain.clone(),
                depth: *depth,
                words: format!("back from {chain} to the chain that jumped there"),
                rule_number: None,
                rule: None,
                count: 0,
                decision: None,
            }),
            WalkEvent::Policy { chain, policy } => steps.push(ChainStep {
                kind: ChainStepKind::Policy,
                chain: chain.clone(),
                depth: 0,
                words: match policy {
                    Policy::Accept => format!("end of {chain}: its policy accepts the packet"),
                    Policy::Drop => format!("end of {chain}: its policy drops the packet"),
                },
                rule_number: None,
                rule: None,
                count: 0,
                decision: None,
            }),
        }
    }
    HookStory {
        table: walk.table.name(),
        chain: walk.chain.clone(),
        steps,
        verdict: verdict_word(&walk.verdict),
        stopped: walk.verdict != Verdict::Accept,
    }
}

/// The comment of a rule's `iptables-save` text.
fn comment_of_text(text: &str) -> Option<&str> {
    let rest = &text[text.find("--comment ")? + "--comment ".len()..];
    match rest.strip_prefix('"') {
        Some(q) => q.split('"').next(),
        None => rest.split(' ').next(),
    }
}

/// `default/myapp-service` from kube-proxy's comments: `default/myapp-service
/// cluster IP`, `default/myapp-service -> 10.244.0.2:80`,
/// `masquerade traffic for default/myapp-service external destinations`.
fn service_of_comment(comment: &str) -> Option<&str> {
    comment
        .split(' ')
        .find(|w| {
            let mut parts = w.splitn(2, '/');
            let (a, b) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
            !a.is_empty()
                && !b.is_empty()
                && !w.contains("0/")
                && a.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
        .map(|w| w.trim_end_matches(':'))
}

/// The Service part of a name such as `default/myapp-service:http`.
fn short_service(s: &str) -> &str {
    let s = s.split('/').nth(1).unwrap_or(s);
    s.split(':').next().unwrap_or(s)
}

fn comment_of(rule: &Rule) -> Option<&str> {
    rule.comment()
}

/// What a target does, in words (kube-proxy's chains by their role).
fn target_words(rule: &Rule, context: Option<&str>) -> String {
    let service = comment_of(rule)
        .and_then(service_of_comment)
        .map(short_service)
        .or(context);
    match &rule.target {
        Target::Accept => "accept it".into(),
        Target::Drop => "drop it, without a reply".into(),
        Target::Reject => "reject it: the client is refused at once".into(),
        Target::Return => "go back to the chain that jumped here".into(),
        Target::Dnat { to, port } => match port {
            Some(p) => format!("rewrite the destination to {to}:{p}"),
            None => format!("rewrite the destination to {to}"),
        },
        Target::Snat { to } => format!("rewrite the source to {to}"),
        Target::Masquerade { .. } => {
            "masquerade: the source becomes this host's outgoing address".into()
        }
        Target::SetXmark { value, mask } => {
            if *value == 0x4000 && *mask == 0 {
                "flip the mark bit 0x4000 off, so the packet is masqueraded once".into()
            } else if *value == 0 {
                format!("clear the mark bits {mask:#x}")
            } else if *value == 0x4000 {
                "mark it 0x4000: masquerade it on the way out".into()
            } else {
                format!("set the mark {value:#x}/{mask:#x}")
            }
        }
        Target::Jump(chain) => {
            let of = |what: &str| match service {
                Some(s) => format!("{s}'s {what} ({chain})"),
                None => format!("a Service's {what} ({chain})"),
            };
            if chain == "KUBE-SERVICES" {
                "kube-proxy's Services chain (KUBE-SERVICES)".into()
            } else if chain == "KUBE-NODEPORTS" {
                "the node ports chain (KUBE-NODEPORTS)".into()
            } else if chain == "KUBE-MARK-MASQ" {
                "mark it for masquerade (KUBE-MARK-MASQ)".into()
            } else if chain == "KUBE-POSTROUTING" {
                "kube-proxy's postrouting chain (KUBE-POSTROUTING)".into()
            } else if chain == "KUBE-FORWARD" {
                "kube-proxy's forwarding rules (KUBE-FORWARD)".into()
            } else if chain == "KUBE-PROXY-FIREWALL" {
                "kube-proxy's load balancer firewall (KUBE-PROXY-FIREWALL)".into()
            } else if chain == "KUBE-EXTERNAL-SERVICES" {
                "kube-proxy's chain for external traffic to Services (KUBE-EXTERNAL-SERVICES)"
                    .into()
            } else if chain == "KUBE-FIREWALL" {
                "the kubelet's firewall (KUBE-FIREWALL)".into()
            } else if chain.starts_with("KUBE-EXT-") {
                of("external chain")
            } else if chain.starts_with("KUBE-SVC-") {
                of("chain, which picks an endpoint")
            } else if chain.starts_with("KUBE-SVL-") {
                of("chain of local endpoints")
            } else if chain.starts_with("KUBE-SEP-") {
                let endpoint = comment_of(rule)
                    .and_then(|c| c.split("-> ").nth(1))
                    .map(str::to_string);
                match endpoint {
                    Some(e) => format!("the chain of endpoint {e} ({chain})"),
                    None => format!("an endpoint's chain ({chain})"),
                }
            } else {
                format!("chain {chain}")
            }
        }
        Target::Goto(chain) => {
            if let Some(iface) = chain
                .strip_prefix("cali-tw-")
                .or_else(|| chain.strip_prefix("cali-fw-"))
            {
                let way = if chain.starts_with("cali-tw-") {
                    "into"
                } else {
                    "out of"
                };
                format!("go to {chain}, Felix's chain for what goes {way} the pod behind {iface}, and end there")
            } else {
                format!("go to chain {chain}, and end there")
            }
        }
        // A rule with no target only counts the packet.
        #[allow(unreachable_patterns)]
        _ => "count it and go on".into(),
    }
}

/// A rule's matches in words: what a packet must be for it to apply.
fn condition_words(rule: &Rule) -> Vec<String> {
    let comment = comment_of(rule).unwrap_or("");
    let service = service_of_comment(comment).map(short_service);
    let mut words = vec![];
    let mut port = None;
    for m in &rule.matches {
        match m {
            Match::Destination { negated, net } => {
                let mut w = if net.prefix_len() == 32 {
                    format!("destination {}", net.addr())
                } else {
                    format!("destination in {net}")
                };
                if *negated {
                    w = format!("not {w}");
                }
                if comment.ends_with("cluster IP") {
                    if let Some(s) = service {
                        w.push_str(&format!(" ({s}'s cluster IP)"));
                    }
                } else if comment.ends_with("loadbalancer IP") {
                    if let Some(s) = service {
                        w.push_str(&format!(" ({s}'s load balancer IP)"));
                    }
                } else if comment.ends_with("external IP") {
                    if let Some(s) = service {
                        w.push_str(&format!(" ({s}'s external IP)"));
                    }
                }
                words.push(w);
            }
            Match::Source { negated, net } => {
                let w = if net.prefix_len() == 32 {
                    format!("source {}", net.addr())
                } else {
                    format!("source in {net}")
                };
                words.push(if *negated {
                    format!("source not in {net} (not from a pod)")
                } else if net.prefix_len() == 32 {
                    format!("{w} (the endpoint talking to itself)")
                } else {
                    w
                });
            }
            Match::Tcp { dport: Some(p) } | Match::Udp { dport: Some(p) } => port = Some(*p),
            Match::InInterface { negated, name } => words.push(if *negated {
                format!("not in on {name}")
            } else {
                format!("in on {name}")
            }),
            Match::OutInterface { negated, name } => words.push(if *negated {
                format!("not out on {name}")
            } else {
                format!("out on {name}")
            }),
            Match::AddrType { negated, side } => {
                let which = match side {
                    AddrSide::Src => "source",
                    AddrSide::Dst => "destination",
                };
                words.push(if *negated {
                    format!("{which} is not one of this host's addresses")
                } else {
                    format!("{which} is one of this host's addresses")
                });
            }
            Match::Mark {
                negated,
                value,
                mask,
            } => words.push(match (negated, *value == 0x4000 && *mask == 0x4000) {
                (false, true) => "marked for masquerade".into(),
                (true, true) => "not marked for masquerade".into(),
                (false, false) => format!("mark {value:#x}/{mask:#x}"),
                (true, false) => format!("mark not {value:#x}/{mask:#x}"),
            }),
            Match::Conntrack { negated, states } => {
                let list = crate::net::netfilter::CtState::list(states);
                words.push(if *negated {
                    format!("connection state not {list}")
                } else {
                    format!("connection state {list}")
                });
            }
            Match::Recent { action, .. } => match action {
                crate::net::netfilter::RecentAction::Check { seconds, .. } => words.push(format!(
                    "this client came here in the last {seconds} s (session affinity)"
                )),
                crate::net::netfilter::RecentAction::Set => {
                    words.push("remember this client (session affinity)".into())
                }
            },
            Match::Set {
                negated,
                name,
                flags,
            } => {
                let which = if flags.starts_with("src") {
                    "source"
                } else {
                    "destination"
                };
                words.push(if *negated {
                    format!("{which} not in ipset {name}")
                } else {
                    format!("{which} in ipset {name}")
                });
            }
            Match::Multiport { dports } => words.push(format!(
                "destination port {}",
                crate::net::netfilter::port_list(dports).replace(':', "-")
            )),
            // The draw is the rule's decision, said apart.
            Match::Statistic(_)
            | Match::Comment(_)
            | Match::Protocol(_)
            | Match::Tcp { .. }
            | Match::Udp { .. } => {}
            #[allow(unreachable_patterns)]
            _ => {}
        }
    }
    if let Some(p) = port {
        let dst_pos = words.iter().position(|w| w.starts_with("destination "));
        match dst_pos {
            Some(i) => {
                let w = words[i].replacen("destination ", "", 1);
                let (addr, rest) = w.split_once(' ').unwrap_or((w.as_str(), ""));
                words[i] = format!("destination {addr}:{p} {rest}")
                    .trim_end()
                    .to_string();
            }
            None => {
                let mut w = format!("destination port {p}");
                if rule_is_nodeport(rule) {
                    if let Some(s) = service {
                        w.push_str(&format!(" ({s}'s node port)"));
                    }
                }
                words.insert(0, w);
            }
        }
    }
    words
}

fn rule_is_nodeport(rule: &Rule) -> bool {
    matches!(&rule.target, Target::Jump(c) if c.starts_with("KUBE-EXT-"))
        || comment_of(rule).is_some_and(|c| c.contains("has no"))
}

/// A matched rule in words: `destination port 30008 (myapp-service's node
/// port) → myapp-service's external chain (KUBE-EXT-…)`.
pub fn rule_words(rule: &Rule) -> String {
    rule_words_in(rule, None)
}

/// [`rule_words`] inside a Service's chains (`service`: its name), for the
/// rules kube-proxy writes without a comment.
fn rule_words_in(rule: &Rule, service: Option<&str>) -> String {
    let conditions = condition_words(rule);
    let target = target_words(rule, service);
    let mut text = if conditions.is_empty() {
        format!("every packet → {target}")
    } else {
        format!("{} → {target}", conditions.join(", "))
    };
    if let Some(c) = comment_of(rule).filter(|c| c.ends_with("has no endpoints")) {
        text.push_str(&format!(" (kube-proxy's comment: \"{c}\")"));
    }
    text
}

/// `0.50000000000` → `0.5`; `0.33333333349` → `0.33`.
fn probability(p: crate::net::netfilter::Probability) -> String {
    let v = p.fixed() as f64 / 2_147_483_648.0;
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() {
        "0".into()
    } else {
        s.to_string()
    }
}

/// What decided, for a rule that chose: a `statistic` draw among a
/// Service's endpoints, or session affinity.
fn decision(
    rule: &Rule,
    chain: &str,
    index: usize,
    table: Table,
    host: &str,
    world: &World,
) -> Option<String> {
    let to_endpoint = matches!(&rule.target, Target::Jump(c) if c.starts_with("KUBE-SEP-"));
    if rule.matches.iter().any(|m| {
        matches!(
            m,
            Match::Recent {
                action: crate::net::netfilter::RecentAction::Check { .. },
                ..
            }
        )
    }) {
        let seconds = rule.matches.iter().find_map(|m| match m {
            Match::Recent {
                action: crate::net::netfilter::RecentAction::Check { seconds, .. },
                ..
            } => Some(*seconds),
            _ => None,
        });
        let endpoint = comment_of(rule)
            .and_then(|c| c.split("-> ").nth(1))
            .unwrap_or("the same endpoint");
        return Some(format!(
            "session affinity decided: this client was sent to {endpoint} within the last {} s, so it goes there again, without a draw",
            seconds.unwrap_or(0)
        ));
    }
    if !to_endpoint {
        return None;
    }
    let draw = rule.matches.iter().find_map(|m| match m {
        Match::Statistic(p) => Some(*p),
        _ => None,
    });
    // The chain's endpoint rules (not the affinity ones), from the host's
    // tables as they are now.
    let endpoints: Option<(usize, usize)> = world
        .net
        .host_id(host)
        .map(|id| world.net.host(id))
        .and_then(|h| h.netfilter.chain(table, chain))
        .and_then(|c| {
            let positions: Vec<usize> = c
                .rules
                .iter()
                .enumerate()
                .filter(|(_, r)| {
                    matches!(&r.target, Target::Jump(t) if t.starts_with("KUBE-SEP-"))
                        && !r.matches.iter().any(|m| matches!(m, Match::Recent { .. }))
                })
                .map(|(i, _)| i + 1)
                .collect();
            let k = positions.iter().position(|p| *p == index)?;
            Some((k + 1, positions.len()))
        });
    match (endpoints, draw) {
        (Some((_, 1)), _) => Some("the only endpoint: no draw needed".into()),
        (Some((k, n)), Some(p)) => Some(format!(
            "endpoint {k} of {n}, picked with probability {} of the remaining{}",
            probability(p),
            if k > 1 {
                format!(" (the draws for endpoints 1 to {} did not pick theirs)", k - 1)
            } else {
                String::new()
            }
        )),
        (Some((k, n)), None) => Some(format!(
            "endpoint {k} of {n}: the draws for the others did not pick theirs, so the last one takes the packet"
        )),
        (None, Some(p)) => Some(format!("picked by a random draw, probability {}", probability(p))),
        (None, None) => None,
    }
}

/// For a connection that got through although a NetworkPolicy isolates
/// its server (ingress) or its client (egress): the world's CNI, flannel,
/// does not enforce NetworkPolicy, which a student who wrote one expects.
fn unenforced_policies(trace: &Trace, server: &str, world: &World) -> Option<String> {
    use crate::cluster::policy::Direction as Dir;
    let pod_of = |host: &str| {
        world
            .pod_hosts
            .iter()
            .find(|(_, id)| world.net.host(**id).name == host)
            .map(|(k, _)| k)
    };
    let client = trace.hops.first().map(|h| h.host.as_str());
    let mut isolated = vec![];
    for (host, dir) in [(Some(server), Dir::Ingress), (client, Dir::Egress)] {
        let Some((ns, name)) = host.and_then(pod_of) else {
            continue;
        };
        let names: Vec<String> = world
            .cluster
            .policies_isolating(ns, name, dir)
            .map(|p| format!("{ns}/{}", p.metadata.name))
            .collect();
        let word = if dir == Dir::Ingress {
            "ingress"
        } else {
            "egress"
        };
        match names.len() {
            0 => {}
            1 => isolated.push(format!(
                "NetworkPolicy {} isolates {name} for {word}",
                names[0]
            )),
            _ => isolated.push(format!(
                "NetworkPolicies {} isolate {name} for {word}",
                names.join(", ")
            )),
        }
    }
    if isolated.is_empty() || world.options.cni.enforces_policy() {
        return None;
    }
    Some(format!(
        "{}, but flannel does not enforce NetworkPolicy: nothing on the path reads it.",
        isolated.join(" and ")
    ))
}

/// For a packet Felix dropped at the end of a pod's workload chain
/// (`cali-tw-…` for what enters the pod, `cali-fw-…` for what leaves it):
/// the NetworkPolicies that isolate the pod in that direction, that none
/// of their rules allowed this peer, and what would.
fn policy_drop(chain: &str, hop: Option<&Hop>, world: &World) -> Option<String> {
    use crate::cluster::policy::Direction as Dir;
    let (dir, iface) = match (
        chain.strip_prefix("cali-tw-"),
        chain.strip_prefix("cali-fw-"),
    ) {
        (Some(i), _) => (Dir::Ingress, i),
        (_, Some(i)) => (Dir::Egress, i),
        _ => return None,
    };
    let (ns, name) = world
        .cluster
        .pods
        .keys()
        .find(|(ns, name)| crate::cluster::felix::veth_name(ns, name) == iface)?;
    let names: Vec<String> = world
        .cluster
        .policies_isolating(ns, name, dir)
        .map(|p| format!("{ns}/{}", p.metadata.name))
        .collect();
    if names.is_empty() {
        return None;
    }
    let hop = hop?;
    // Felix sees the packet after kube-proxy's DNAT on this host: an
    // egress peer is the endpoint the Service's rule chose, not its address.
    let dnat = hop.steps.iter().find_map(|s| match s {
        Step::Rewrite {
            kind: RewriteKind::Dnat,
            to,
            ..
        } => Some(*to.ip()),
        _ => None,
    });
    let peer_ip = if dir == Dir::Ingress {
        *hop.src.ip()
    } else {
        dnat.unwrap_or(*hop.dst.ip())
    };
    let peer = world
        .cluster
        .pods
        .iter()
        .find(|(_, p)| p.status.pod_ip.as_deref() == Some(&peer_ip.to_string()))
        .map(|((pns, pname), p)| {
            let labels: Vec<String> = p
                .metadata
                .labels
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            (pname.clone(), pns.clone(), labels.join(","))
        });
    let (who, word, rule) = match dir {
        Dir::Ingress => (format!("{name} for ingress"), "from", "An ingress rule"),
        Dir::Egress => (format!("{name} for egress"), "to", "An egress rule"),
    };
    let policies = if names.len() == 1 {
        format!("NetworkPolicy {} isolates {who}", names[0])
    } else {
        format!("NetworkPolicies {} isolate {who}", names.join(", "))
    };
    let allow = match &peer {
        Some((peer_name, peer_ns, labels)) => {
            let ns_part = if peer_ns != ns {
                format!(", with a namespaceSelector that matches namespace {peer_ns},")
            } else {
                String::new()
            };
            format!(
                "and no rule of {} allows {word} {peer_name} ({peer_ip}), so Felix dropped it at the end of {chain} (a denied connection times out). {rule} whose podSelector matches the labels of {peer_name} ({labels}){ns_part} would allow it",
                if names.len() == 1 { "it" } else { "them" },
            )
        }
        None => format!(
            "and no rule of {} allows {word} {peer_ip}, so Felix dropped it at the end of {chain} (a denied connection times out). {rule} with an ipBlock that holds {peer_ip} would allow it",
            if names.len() == 1 { "it" } else { "them" },
        ),
    };
    Some(format!("{policies}, {allow}."))
}

/// The Service whose DNAT rule sent the request on (from the rule's
/// comment, `default/web:http -> 10.244.0.3:8080`), if one did.
fn forwarded_by(trace: &Trace) -> Option<String> {
    let mut walks: Vec<&HookWalk> = vec![];
    for hop in trace
        .hops
        .iter()
        .filter(|h| h.direction == Direction::Request)
    {
        for step in &hop.steps {
            match step {
                Step::Hook(w) => walks.push(w),
                Step::Rewrite {
                    kind: RewriteKind::Dnat,
                    ..
                } => {
                    let rule = rewriting_rule(&walks, |t| matches!(t, Target::Dnat { .. }));
                    let service = rule
                        .and_then(|(_, _, text)| comment_of_text(text))
                        .and_then(service_of_comment)
                        .map(|s| format!("Service {}", short_service(s)));
                    return Some(service.unwrap_or_else(|| "A DNAT rule".to_string()));
                }
                _ => {}
            }
        }
        walks.clear();
    }
    None
}

/// What listens on a host, in words: `nginx on port 80, sshd on port 22`.
fn listening_on(host: &crate::net::Host) -> Vec<String> {
    let mut ports: Vec<(u16, String)> = host
        .listeners
        .iter()
        .map(|l| (l.port, format!("{} on port {}", l.process, l.port)))
        .collect();
    crate::sort::sort(&mut ports);
    ports.dedup();
    ports.into_iter().map(|(_, w)| w).collect()
}

/// What would change where the packet stopped, when the world can tell.
fn fix(
    reason: &DropReason,
    hop: Option<&Hop>,
    forwarded: Option<String>,
    world: &World,
) -> Option<String> {
    match reason {
        DropReason::RejectedByRule { hit } | DropReason::DroppedByRule { hit } => {
            let comment = comment_of_text(&hit.text).unwrap_or("");
            if let Some(svc) = comment.strip_suffix(" has no endpoints") {
                return no_endpoints(svc, world);
            }
            if let Some(svc) = comment.strip_suffix(" has no local endpoints") {
                return no_local_endpoints(svc, hop.map(|h| h.host.as_str()), world);
            }
            if let Some(note) = policy_drop(&hit.chain, hop, world) {
                return Some(note);
            }
            let dst = hop.map(|h| *h.dst.ip())?;
            let node = world
                .cluster
                .nodes
                .iter()
                .find(|n| n.pod_cidr.contains(&dst))?;
            Some(format!(
                "{dst} is in {}'s pod network ({}), which only the cluster's nodes route to. From outside the cluster, the way in is a node's address: a Service of type NodePort (or LoadBalancer) opens a port there that leads to the pod.",
                node.name, node.pod_cidr
            ))
        }
        DropReason::NothingListening { addr } => {
            let ip = *addr.ip();
            let port = addr.port();
            let host = world.net.hosts.iter().find(|h| {
                h.interfaces
                    .iter()
                    .any(|i| i.addr.is_some_and(|a| a.addr() == ip))
            })?;
            let listening = listening_on(host);
            let what = if listening.is_empty() {
                "nothing listens there at all".to_string()
            } else {
                format!("what listens there: {}", listening.join(", "))
            };
            // Only a Service's DNAT makes the port a targetPort.
            if let Some(service) = forwarded {
                return Some(format!(
                    "{service} sent the packet to port {port} of {}, where nothing listens ({what}). A Service's targetPort must be a port its pods listen on.",
                    host.name
                ));
            }
            let node = world.cluster.nodes.iter().any(|n| n.ip == ip);
            if node && (30000..=32767).contains(&port) {
                return Some(format!(
                    "No Service has node port {port}, so nothing on the node takes the connection; a NodePort Service with nodePort: {port} would open it."
                ));
            }
            if node {
                return Some(format!(
                    "Nothing listens on port {port} on {} (ss -tlnp there lists what does). A pod's port is not opened on its node by itself: a NodePort Service opens a port (30000-32767) on every node that leads to the pod.",
                    host.name
                ));
            }
            Some(format!(
                "Nothing listens on port {port} on {} ({what}).",
                host.name
            ))
        }
        _ => None,
    }
}

/// `default/web` has no endpoints: its selector, and why no pod fits.
fn no_endpoints(service: &str, world: &World) -> Option<String> {
    let service = service.split(':').next().unwrap_or(service);
    let (ns, name) = service.split_once('/')?;
    let svc = world
        .cluster
        .services
        .get(&(ns.to_string(), name.to_string()))?;
    let Some(selector) = svc.spec.selector.as_ref().filter(|s| !s.is_empty()) else {
        return Some(selectorless(world, ns, name, svc));
    };
    let wanted = format_labels(selector);
    let pods: Vec<_> = world
        .cluster
        .pods
        .iter()
        .filter(|(k, _)| k.0 == ns)
        .collect();
    let matching: Vec<_> = pods
        .iter()
        .filter(|(_, p)| selector_matches(selector, &p.metadata.labels))
        .collect();
    if matching.is_empty() {
        // Pods with these labels elsewhere: a Service selects in its own
        // namespace only.
        let elsewhere: Vec<String> = world
            .cluster
            .pods
            .iter()
            .filter(|(k, p)| k.0 != ns && selector_matches(selector, &p.metadata.labels))
            .map(|(k, _)| format!("{}/{}", k.0, k.1))
            .take(3)
            .collect();
        if !elsewhere.is_empty() {
            return Some(format!(
                "Service {name} selects {wanted}, and no pod in {ns} has these labels; {} {} them in another namespace, and a Service selects only the pods of its own.",
                elsewhere.join(", "),
                if elsewhere.len() == 1 { "has" } else { "have" }
            ));
        }
        // The pods closest to the selector first: fewest of its labels
        // missing or different.
        let mut near: Vec<(usize, &String, &crate::cluster::objects::Pod)> = pods
            .iter()
            .map(|(k, p)| {
                let off = selector
                    .iter()
                    .filter(|(key, v)| p.metadata.labels.get(*key) != Some(*v))
                    .count();
                (off, &k.1, *p)
            })
            .collect();
        crate::sort::sort_by(&mut near, |a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        let shown: Vec<String> = near
            .iter()
            .take(4)
            .map(|(_, n, p)| format!("{n} ({})", format_labels(&p.metadata.labels)))
            .collect();
        let others = if shown.is_empty() {
            format!("there is no pod in {ns} at all")
        } else if near.len() > shown.len() {
            format!(
                "the closest of the {} pods in {ns} are {}",
                near.len(),
                shown.join(", ")
            )
        } else {
            format!("the pods in {ns} are {}", shown.join(", "))
        };
        Some(format!(
            "Service {name} selects {wanted}, and no pod has these labels: {others}. Fix the selector, or the pods' labels, and the Service gets endpoints."
        ))
    } else {
        let names: Vec<String> = matching.iter().map(|(k, _)| k.1.clone()).collect();
        Some(format!(
            "Service {name} selects {wanted}: {} match{}, but none is ready, so kube-proxy has no endpoint to send to.",
            names.join(", "),
            if names.len() == 1 { "es" } else { "" }
        ))
    }
}

/// Why a Service without a selector has no endpoint kube-proxy uses: no
/// slice at all, or slices whose ports are named otherwise than its own.
fn selectorless(
    world: &World,
    ns: &str,
    name: &str,
    svc: &crate::cluster::objects::Service,
) -> String {
    let slices = world.cluster.slices_of(ns, name);
    if slices.is_empty() {
        return format!(
            "Service {name} has no selector, so no controller writes its endpoints, and no EndpointSlice labelled kubernetes.io/service-name={name} gives it some."
        );
    }
    let wanted: Vec<String> = svc
        .spec
        .ports
        .iter()
        .map(|p| format!("\"{}\"", p.name))
        .collect();
    let mut offered: Vec<String> = slices
        .iter()
        .flat_map(|sl| {
            sl.ports()
                .iter()
                .map(|p| format!("\"{}\"", p.name.as_deref().unwrap_or("")))
        })
        .collect();
    crate::sort::sort(&mut offered);
    offered.dedup();
    let serves = slices.iter().any(|sl| {
        sl.ports().iter().any(|p| {
            let n = p.name.as_deref().unwrap_or("");
            svc.spec.ports.iter().any(|sp| sp.name == n)
        })
    });
    if serves {
        format!(
            "Service {name} has no selector; its EndpointSlices list no ready endpoint for this port."
        )
    } else {
        format!(
            "Service {name} has no selector, and its EndpointSlices name their ports {}, but the Service's ports are named {}: kube-proxy matches them by name, so it uses none of their endpoints.",
            offered.join(", "),
            wanted.join(", ")
        )
    }
}

fn no_local_endpoints(service: &str, host: Option<&str>, world: &World) -> Option<String> {
    let service = service.split(':').next().unwrap_or(service);
    let (ns, name) = service.split_once('/')?;
    let nodes: Vec<String> = world
        .cluster
        .proxy_view()
        .into_iter()
        .filter(|p| p.namespace == ns && p.name == name)
        .flat_map(|p| p.endpoints.into_iter().map(|e| e.node))
        .collect::<crate::map::Set<_>>()
        .into_iter()
        .collect();
    let here = host.unwrap_or("this node");
    Some(if nodes.is_empty() {
        format!("Service {name} has externalTrafficPolicy: Local and no ready pod anywhere.")
    } else {
        format!(
            "Service {name} has externalTrafficPolicy: Local, and {here} runs none of its pods; {} do{}. Send the request to such a node, or set externalTrafficPolicy: Cluster.",
            nodes.join(", "),
            if nodes.len() == 1 { "es" } else { "" }
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::Session;
    use crate::world::WorldOptions;
    use std::net::Ipv4Addr;

    const SERVICE: &str = "apiVersion: v1
kind: Service
metadata:
  name: myapp-service
spec:
  type: NodePort
  selector:
    app: myapp
  ports:
  - port: 80
    targetPort: 80
    nodePort: 30008
";

    fn session() -> Session {
        Session::new(WorldOptions::default()).unwrap()
    }

    fn told(s: &mut Session, line: &str) -> Story {
        let e = s.run(line);
        let trace = e.trace.expect("the line sends a packet");
        story(&trace, s.world())
    }

    fn hooks(h: &HopStory) -> Vec<&HookStory> {
        h.flow
            .iter()
            .filter_map(|s| match s {
                Stage::Hook(h) => Some(h),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_nodeport_request_is_dnat_then_masquerade_and_the_reply_undoes_both() {
        let mut s = session();
        s.put_file("laptop", "svc.yaml", SERVICE);
        assert_eq!(s.run("kubectl apply -f svc.yaml").status, 0);
        let st = told(&mut s, "curl -s http://192.168.1.2:30008");
        assert!(matches!(st.ending, Ending::Answered { .. }), "{st:?}");
        let node = st
            .hops
            .iter()
            .find(|h| h.host == "node01" && h.direction == Direction::Request)
            .unwrap();
        let kinds: Vec<ChangeKind> = node.changes.iter().map(|c| c.kind).collect();
        assert_eq!(kinds, vec![ChangeKind::Dnat, ChangeKind::Masquerade]);
        let dnat = &node.changes[0];
        assert_eq!(dnat.field, Field::Destination);
        assert_eq!(dnat.from.to_string(), "192.168.1.2:30008");
        assert_eq!(dnat.to.to_string(), "10.244.0.2:80");
        assert!(dnat.by.starts_with("DNAT by KUBE-SEP-"), "{}", dnat.by);
        assert!(dnat
            .rule
            .as_deref()
            .unwrap()
            .contains("-j DNAT --to-destination 10.244.0.2:80"));
        let masq = &node.changes[1];
        assert_eq!(masq.field, Field::Source);
        assert_eq!(masq.by, "masquerade in KUBE-POSTROUTING");
        assert_eq!(masq.to.ip().to_string(), "10.244.0.1");
        // The left packet carries both.
        let left = node.left.unwrap();
        assert_eq!(left.dst.to_string(), "10.244.0.2:80");
        assert_eq!(*left.src.ip(), Ipv4Addr::new(10, 244, 0, 1));
        // The hooks in the kernel's order, and kube-proxy's path inside.
        let names: Vec<String> = hooks(node).iter().map(|h| h.label()).collect();
        assert_eq!(
            names,
            ["PREROUTING (nat)", "FORWARD (filter)", "POSTROUTING (nat)"]
        );
        let prerouting = hooks(node)[0];
        let path: Vec<&str> = prerouting
            .steps
            .iter()
            .filter(|s| s.kind == ChainStepKind::Matched)
            .map(|s| s.chain.as_str())
            .collect();
        assert_eq!(path[0], "PREROUTING");
        assert_eq!(path[1], "KUBE-SERVICES");
        assert_eq!(path[2], "KUBE-NODEPORTS");
        assert!(path[3].starts_with("KUBE-EXT-"));
        assert!(path.iter().any(|c| c.starts_with("KUBE-SVC-")));
        assert!(path.last().unwrap().starts_with("KUBE-SEP-"));
        let nodeports = prerouting
            .steps
            .iter()
            .find(|s| s.chain == "KUBE-NODEPORTS" && s.kind == ChainStepKind::Matched)
            .unwrap();
        assert!(
            nodeports
                .words
                .starts_with("destination port 30008 (myapp-service's node port) → myapp-service's external chain"),
            "{}",
            nodeports.words
        );
        // The rules of KUBE-SERVICES before the node ports jump did not match.
        assert!(prerouting
            .steps
            .iter()
            .any(|s| s.kind == ChainStepKind::Skipped && s.chain == "KUBE-SERVICES"));
        let sep = prerouting
            .steps
            .iter()
            .find(|s| s.chain.starts_with("KUBE-SVC-") && s.kind == ChainStepKind::Matched)
            .unwrap();
        assert_eq!(
            sep.decision.as_deref(),
            Some("the only endpoint: no draw needed")
        );
        // The reply: conntrack undoes both, on node01.
        let back = st
            .hops
            .iter()
            .find(|h| h.host == "node01" && h.direction == Direction::Reply)
            .unwrap();
        let kinds: Vec<ChangeKind> = back.changes.iter().map(|c| c.kind).collect();
        assert!(kinds.contains(&ChangeKind::UndoDnat), "{kinds:?}");
        assert!(kinds.contains(&ChangeKind::UndoMasquerade), "{kinds:?}");
        let connection = back.connection.as_deref().unwrap();
        assert!(
            connection.starts_with("a reply of the connection 192.168.1.10:"),
            "{connection}"
        );
        assert!(connection.ends_with("→ 192.168.1.2:30008"), "{connection}");
        let left = back.left.unwrap();
        assert_eq!(left.src.to_string(), "192.168.1.2:30008");
        assert_eq!(*left.dst.ip(), Ipv4Addr::new(192, 168, 1, 10));
    }

    #[test]
    fn a_draw_among_three_endpoints_says_which_and_with_what_chance() {
        let mut s = session();
        s.run("kubectl create deployment web --image=nginx --replicas=3");
        s.run("kubectl expose deployment web --port=80 --type=NodePort");
        // Endpoints follow readiness: wait for the three pods.
        s.run("kubectl rollout status deployment/web");
        let mut saw_second = false;
        for _ in 0..30 {
            let st = told(&mut s, "curl -s http://192.168.1.2:$(kubectl get svc web -o jsonpath='{.spec.ports[0].nodePort}')");
            let node = &st.hops[1];
            let hook = hooks(node)[0];
            let pick = hook
                .steps
                .iter()
                .find(|s| {
                    s.chain.starts_with("KUBE-SVC-")
                        && s.kind == ChainStepKind::Matched
                        && s.decision.is_some()
                })
                .unwrap();
            let d = pick.decision.as_deref().unwrap();
            if d.starts_with("endpoint 2 of 3") {
                assert_eq!(
                    d,
                    "endpoint 2 of 3, picked with probability 0.5 of the remaining (the draws for endpoints 1 to 1 did not pick theirs)"
                );
                saw_second = true;
            }
            assert!(d.starts_with("endpoint "), "{d}");
        }
        assert!(saw_second);
    }

    fn fix_of(st: &Story) -> String {
        match &st.ending {
            Ending::Stopped { fix, .. } => fix.clone().unwrap_or_default(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_closed_port_is_named_and_only_a_service_gets_target_port_advice() {
        let mut s = session();
        // A node's port where nothing listens, no Service in between.
        let fix = fix_of(&told(&mut s, "curl -s http://192.168.1.2:8080"));
        assert!(
            fix.starts_with("Nothing listens on port 8080 on node01 (ss -tlnp there"),
            "{fix}"
        );
        assert!(!fix.contains("targetPort"), "{fix}");
        // A pod's port, straight from the node: what does listen there.
        s.run("ssh node01");
        let fix = fix_of(&told(&mut s, "curl -s http://10.244.0.2:8080"));
        assert_eq!(
            fix,
            "Nothing listens on port 8080 on myapp-pod (what listens there: nginx on port 80)."
        );
        s.run("exit");
        // A Service that forwards to the wrong port: now it is its targetPort.
        s.put_file(
            "laptop",
            "svc.yaml",
            &SERVICE.replace("targetPort: 80", "targetPort: 8080"),
        );
        assert_eq!(s.run("kubectl apply -f svc.yaml").status, 0);
        let fix = fix_of(&told(&mut s, "curl -s http://192.168.1.2:30008"));
        assert_eq!(
            fix,
            "Service myapp-service sent the packet to port 8080 of myapp-pod, where nothing listens (what listens there: nginx on port 80). A Service's targetPort must be a port its pods listen on."
        );
    }

    #[test]
    fn the_selector_note_lists_the_closest_pods_and_pods_elsewhere() {
        let mut s = session();
        // Five pods; the one that differs in one label only comes first.
        for (name, labels) in [
            ("a1", "x=1"),
            ("a2", "x=2"),
            ("a3", "x=3"),
            ("a4", "x=4"),
            ("zz", "app=myap,tier=web"),
        ] {
            s.run(&format!(
                "kubectl run {name} --image=nginx --labels={labels}"
            ));
        }
        s.run("sleep 20");
        s.put_file(
            "laptop",
            "svc.yaml",
            &SERVICE.replace("app: myapp", "app: myapp\n    tier: web"),
        );
        s.run("kubectl apply -f svc.yaml");
        let fix = fix_of(&told(&mut s, "curl -s http://192.168.1.2:30008"));
        assert!(
            fix.contains("the closest of the 6 pods in default are"),
            "{fix}"
        );
        assert!(
            fix.contains(" zz (app=myap,tier=web)") && !fix.contains("a4 (x=4)"),
            "{fix}"
        );
        // Pods with the labels, in another namespace.
        s.run("kubectl create namespace shop");
        s.run("kubectl run shopper -n shop --image=nginx --labels=app=myapp,tier=web");
        let fix = fix_of(&told(&mut s, "curl -s http://192.168.1.2:30008"));
        assert!(
            fix.contains("shop/shopper has them in another namespace, and a Service selects only the pods of its own"),
            "{fix}"
        );
    }

    #[test]
    fn a_service_without_a_selector_says_why_its_slices_serve_nothing() {
        let mut s = session();
        s.put_file(
            "laptop",
            "home.yaml",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: home\nspec:\n  ports:\n  - name: http\n    port: 80\n---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: home-1\n  labels:\n    kubernetes.io/service-name: home\naddressType: IPv4\nports:\n- port: 80\nendpoints:\n- addresses: [\"192.168.1.1\"]\n",
        );
        s.run("kubectl apply -f home.yaml");
        s.run("ssh node01");
        let fix = fix_of(&told(
            &mut s,
            "curl -s http://$(kubectl get svc home -o jsonpath='{.spec.clusterIP}')",
        ));
        assert!(
            fix.starts_with("Service home has no selector, and its EndpointSlices name their ports \"\", but the Service's ports are named \"http\""),
            "{fix}"
        );
    }

    #[test]
    fn a_service_without_endpoints_is_rejected_and_its_selector_named() {
        let mut s = session();
        s.put_file(
            "laptop",
            "svc.yaml",
            &SERVICE.replace("app: myapp", "app: webb"),
        );
        s.run("kubectl apply -f svc.yaml");
        let st = told(&mut s, "curl -s http://192.168.1.2:30008");
        let Ending::Stopped { host, fix, hop, .. } = &st.ending else {
            panic!("{st:?}")
        };
        assert_eq!(host, "node01");
        let fix = fix.as_deref().unwrap();
        assert!(
            fix.starts_with("Service myapp-service selects app=webb, and no pod has these labels"),
            "{fix}"
        );
        assert!(
            fix.contains("myapp-pod (app=myapp,type=front-end)"),
            "{fix}"
        );
        let h = &st.hops[*hop];
        let hook = hooks(h).into_iter().find(|k| k.stopped).unwrap();
        assert_eq!(hook.verdict, "REJECT");
        let reject = hook
            .steps
            .iter()
            .find(|s| s.rule.as_deref().is_some_and(|r| r.contains("-j REJECT")))
            .unwrap();
        assert!(
            reject.words.contains("has no endpoints"),
            "{}",
            reject.words
        );
    }

    #[test]
    fn a_request_that_times_out_at_the_router_shows_the_forward_drop() {
        let mut s = session();
        let st = told(&mut s, "curl -s -m 2 http://10.244.0.2");
        let Ending::Stopped { host, fix, hop, .. } = &st.ending else {
            panic!("{st:?}")
        };
        assert_eq!(host, "router");
        assert!(fix.as_deref().unwrap().contains("node01's pod network"));
        let h = &st.hops[*hop];
        let forward = hooks(h).into_iter().find(|k| k.chain == "FORWARD").unwrap();
        assert!(forward.stopped);
        assert_eq!(forward.verdict, "DROP");
        let drop = forward
            .steps
            .iter()
            .find(|s| s.kind == ChainStepKind::Matched)
            .unwrap();
        assert!(drop.rule.as_deref().unwrap().ends_with("-j DROP"));
        assert!(
            drop.words.contains("destination in 10.0.0.0/8"),
            "{}",
            drop.words
        );
        assert!(
            drop.words.ends_with("drop it, without a reply"),
            "{}",
            drop.words
        );
        assert!(h.stop.is_some());
    }

    #[test]
    fn probabilities_read_as_people_write_them() {
        use crate::net::netfilter::Probability;
        assert_eq!(probability(Probability::one_in(2)), "0.5");
        assert_eq!(probability(Probability::one_in(3)), "0.33");
        assert_eq!(probability(Probability::one_in(4)), "0.25");
    }

    #[test]
    fn ipset_and_port_list_matches_read_as_words() {
        let rule = Rule::new(
            vec![
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
        );
        assert_eq!(
            condition_words(&rule),
            [
                "source in ipset cali40s:clients",
                "destination port 80,8000-9000"
            ]
        );
    }

    #[test]
    fn service_names_come_out_of_kube_proxys_comments() {
        assert_eq!(
            service_of_comment("default/myapp-service cluster IP"),
            Some("default/myapp-service")
        );
        assert_eq!(
            service_of_comment("masquerade traffic for default/web external destinations"),
            Some("default/web")
        );
        assert_eq!(
            service_of_comment("default/web -> 10.244.0.2:80"),
            Some("default/web")
        );
        assert_eq!(service_of_comment("kubernetes service portals"), None);
    }
}
