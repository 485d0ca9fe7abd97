//! The network pane: the picture, and beside it the last packet's journey,
//! told (`engine::explain`): how it ended and what would change it, its
//! hops as a strip to step through, and at each hop a card with the packet
//! as it arrived and left (changed fields marked with what changed them)
//! and the netfilter walk as a small flow. A row of the before/after table
//! opens both paths side by side here.

use super::network_text::kind_word;
use super::topology_view::TopologyView;
use crate::engine::explain::{
    ChainStep, ChainStepKind, Change, ChangeKind, Ending, Field, HookStory, HopStory, Stage, Story,
};
use crate::engine::net::{Direction, Hop, Step, Trace};
use crate::engine::Topology;
use crate::ui::hooks;
use crate::ui::judging::{ProbeRow, StepStatus};
use std::rc::Rc;
use yew::prelude::*;

/// What the network pane shows besides the last packet.
#[derive(Debug, Clone, PartialEq)]
pub enum NetworkFocus {
    /// The last packet, whole or at one hop.
    Packet,
    /// A probe of the before/after table: both paths side by side.
    Compare(usize),
}

#[derive(Properties, PartialEq)]
pub struct NetworkPaneProps {
    pub topology: Rc<Topology>,
    pub trace: Option<Rc<Trace>>,
    pub story: Option<Rc<Story>>,
    pub status: Rc<StepStatus>,
    pub focus: NetworkFocus,
    pub on_close_compare: Callback<()>,
    /// A diagnosis lesson's step not yet done: the journey keeps "what
    /// would change it" until the student asks.
    #[prop_or_default]
    pub hold_fix: bool,
}

/// What the student picked to look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selected {
    Hop(usize),
    /// A host the packet did not visit.
    Host(String),
}

#[component]
pub fn NetworkPane(props: &NetworkPaneProps) -> Html {
    // The picture follows one painted frame after the terminal's output.
    let (topology, trace, story) = hooks::use_after_paint((
        props.topology.clone(),
        props.trace.clone(),
        props.story.clone(),
    ));
    let selected = use_state(|| None::<Selected>);
    {
        let selected = selected.clone();
        use_effect_with(trace.clone(), move |_| selected.set(None));
    }
    let on_select = {
        let selected = selected.clone();
        Callback::from(move |s: Option<Selected>| {
            // On a phone the card is below the picture: bring it up.
            if matches!(s, Some(Selected::Hop(_))) && hooks::narrow() {
                gloo_timers::callback::Timeout::new(0, || {
                    if let Some(card) = web_sys::window()
                        .and_then(|w| w.document())
                        .and_then(|d| d.get_element_by_id("hop-detail"))
                    {
                        card.scroll_into_view_with_bool(true);
                    }
                })
                .forget();
            }
            selected.set(s)
        })
    };
    // A host in the picture: its first hop, or what it is.
    let on_host = {
        let selected = selected.clone();
        let trace = trace.clone();
        Callback::from(move |name: String| {
            let hop = trace
                .as_ref()
                .and_then(|t| t.hops.iter().position(|h| h.host == name));
            // The stop marker's host: the hop where it stopped.
            let stop = trace.as_ref().and_then(|t| {
                t.hops.iter().rposition(|h| {
                    h.host == name && h.steps.iter().any(|s| matches!(s, Step::Stopped { .. }))
                })
            });
            selected.set(Some(match stop.or(hop) {
                Some(i) => Selected::Hop(i),
                None => Selected::Host(name),
            }));
            gloo_timers::callback::Timeout::new(0, || {
                if let Some(h) = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.query_selector(".detail-card h4").ok().flatten())
                    .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
                {
                    let _ = h.focus();
                }
            })
            .forget();
        })
    };
    let hop = match &*selected {
        Some(Selected::Hop(i)) => Some(*i),
        _ => None,
    };

    let compare = match &props.focus {
        NetworkFocus::Compare(i) => props.status.probes.get(*i).cloned(),
        NetworkFocus::Packet => None,
    };

    html! {
        <section id="network-pane" class="pane network-pane" aria-labelledby="network-heading">
            <h2 id="network-heading" tabindex="-1">{ "Network" }</h2>
            if let Some(row) = compare {
                <Compare row={Rc::new(row)} now_topology={topology.clone()} on_close={props.on_close_compare.clone()} />
            } else {
                <div class="network-body">
                    <div class="picture">
                        <TopologyView topology={topology.clone()} trace={trace.clone()} {hop} on_host={Some(on_host)} />
                    </div>
                    <PacketPanel {trace} {story} topology={topology} selected={(*selected).clone()} {on_select} hold_fix={props.hold_fix} />
                </div>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct PacketPanelProps {
    trace: Option<Rc<Trace>>,
    story: Option<Rc<Story>>,
    topology: Rc<Topology>,
    selected: Option<Selected>,
    on_select: Callback<Option<Selected>>,
    /// A diagnosis in progress: "what would change it" waits to be asked for.
    #[prop_or_default]
    hold_fix: bool,
}

/// The id of the strip's chip for `hop` (`None`: "Whole path").
fn chip_id(hop: Option<usize>) -> String {
    match hop {
        Some(i) => format!("hop-chip-{i}"),
        None => "hop-chip-whole".to_string(),
    }
}

#[component]
fn PacketPanel(props: &PacketPanelProps) -> Html {
    // Asked for, for this packet: a new packet holds it back again.
    let shown_for = use_state(|| None::<*const Story>);
    // The chip stepped to keeps the focus after the render that selects it,
    // so that the arrow keys keep stepping from it.
    hooks::use_pending_focus();
    let (Some(trace), Some(story)) = (props.trace.as_deref(), props.story.as_deref()) else {
        return html! {
            <section class="packet-panel trace-panel" aria-labelledby="trace-heading">
                <h3 id="trace-heading">{ "Last packet" }</h3>
                <p id="trace-summary" class="trace-summary" data-outcome="none">
                    { "No packet sent yet: run curl or ping, and its journey appears here and in the picture, hop by hop." }
                </p>
                if let Some(Selected::Host(name)) = &props.selected {
                    { host_card(name, &props.topology, None) }
                }
            </section>
        };
    };
    let (outcome, glyph) = match &story.ending {
        Ending::Answered { .. } => ("answered", "✓"),
        Ending::Stopped { .. } => ("stopped", "✕"),
        Ending::NotSent { .. } => ("unsent", "?"),
    };
    let fix = match &story.ending {
        Ending::Stopped { fix, .. } => fix.clone(),
        _ => None,
    };
    let count = story.hops.len();
    let hop = match &props.selected {
        Some(Selected::Hop(i)) => Some(*i),
        _ => None,
    };
    let stop_hop = match &story.ending {
        Ending::Stopped { hop, .. } => Some(*hop),
        _ => None,
    };
    let go = |to: Option<usize>| {
        let on_select = props.on_select.clone();
        Callback::from(move |_: MouseEvent| on_select.emit(to.map(Selected::Hop)))
    };
    // The strip is one tab stop (a roving tabindex): the arrow keys step
    // through the hops, Home and End go to either end, and the card follows.
    let on_strip_key = {
        let on_select = props.on_select.clone();
        Callback::from(move |e: KeyboardEvent| {
            let to = match (e.key().as_str(), hop) {
                ("ArrowRight" | "ArrowDown", None) => Some(0),
                ("ArrowRight" | "ArrowDown", Some(i)) => Some((i + 1).min(count - 1)),
                ("ArrowLeft" | "ArrowUp", Some(0) | None) => None,
                ("ArrowLeft" | "ArrowUp", Some(i)) => Some(i - 1),
                ("Home", _) => None,
                ("End", _) => Some(count - 1),
                _ => return,
            };
            e.prevent_default();
            on_select.emit(to.map(Selected::Hop));
            hooks::focus_after_render(&chip_id(to));
        })
    };
    let strip = story.hops.iter().enumerate().map(|(i, h)| {
        let class = classes!(
            "hop-chip",
            match h.direction {
                Direction::Request => "request",
                Direction::Reply => "reply",
            },
            (stop_hop == Some(i)).then_some("stopped"),
            (!h.changes.is_empty()).then_some("changed")
        );
        let said = format!(
            ": hop {} of {count}, {}{}{}",
            i + 1,
            direction(h.direction),
            if h.changes.is_empty() { "" } else { ", addresses rewritten" },
            if stop_hop == Some(i) { ", stopped here" } else { "" }
        );
        html! {
            <button type="button" id={chip_id(Some(i))} {class} aria-pressed={(hop == Some(i)).to_string()}
                tabindex={if hop == Some(i) { "0" } else { "-1" }} onclick={go(Some(i))}>
                <span class="chip-number">{ i + 1 }</span>{ " " }{ h.host.clone() }
                if !h.changes.is_empty() { <span class="chip-mark" aria-hidden="true">{ " ⇄" }</span> }
                if stop_hop == Some(i) { <span class="chip-mark" aria-hidden="true">{ " ✕" }</span> }
                <span class="visually-hidden">{ said }</span>
            </button>
        }
    });
    html! {
        <section class="packet-panel trace-panel" aria-labelledby="trace-heading">
            <h3 id="trace-heading">{ "Last packet" }<code class="trace-request">{ story.request.clone() }</code></h3>
            <p class={classes!("trace-outcome", outcome)}>
                <span class="outcome-glyph" aria-hidden="true">{ glyph }</span>
                <span id="trace-summary" class="trace-summary" data-outcome={outcome}>{ trace.summary() }</span>
            </p>
            if let Some(fix) = fix {
                if props.hold_fix && *shown_for != Some(story as *const Story) {
                    <p class="trace-fix held">
                        <button type="button" class="link-button" onclick={{
                            let shown_for = shown_for.clone();
                            let at = story as *const Story;
                            Callback::from(move |_: MouseEvent| shown_for.set(Some(at)))
                        }}>{ "Show what would change it" }</button>
                        { " (this lesson leaves the cause to you: ask once you have looked)" }
                    </p>
                } else {
                    <p class="trace-fix" id="trace-fix"><strong>{ "What would change it: " }</strong>{ fix }</p>
                }
            }
            if count > 0 {
                <div class="hop-strip" role="toolbar" aria-label="The packet's hops (arrow keys step through them)"
                    aria-describedby="hop-strip-keys" onkeydown={on_strip_key}>
                    <button type="button" id="hop-chip-whole" class="hop-chip-whole" aria-pressed={hop.is_none().to_string()}
                        tabindex={if hop.is_none() { "0" } else { "-1" }} onclick={go(None)}>{ "Whole path" }</button>
                    { for strip }
                </div>
                <p class="stepper" id="hop-strip-keys">
                    if let Some(i) = hop {
                        // For the mouse; the keyboard steps with the arrows in the strip.
                        <button type="button" tabindex="-1" onclick={go(Some(i.saturating_sub(1)))} disabled={i == 0}>{ "Previous hop" }</button>
                        <span class="hop-count" aria-live="polite">{ format!("hop {} of {count}", i + 1) }</span>
                        <button type="button" id="next-hop" tabindex="-1" onclick={go(Some((i + 1).min(count - 1)))} disabled={i + 1 >= count}>{ "Next hop" }</button>
                    } else {
                        <button type="button" class="primary" tabindex="-1" onclick={go(Some(0))}>{ "Step through it hop by hop" }</button>
                        if let Some(s) = stop_hop {
                            <button type="button" tabindex="-1" onclick={go(Some(s))}>{ "Where it stopped" }</button>
                        }
                        <span class="keys-hint">{ "or pick a hop: ← → in the strip" }</span>
                    }
                </p>
            }
            if let (Some(i), Some(h)) = (hop, hop.and_then(|i| story.hops.get(i))) {
                <HopCard hop={Rc::new(h.clone())} index={i} {count} />
            }
            if let Some(Selected::Host(name)) = &props.selected {
                { host_card(name, &props.topology, Some(trace)) }
            }
            <details class="trace-details">
                <summary>{ format!("The path as text ({count} hops)") }</summary>
                <ol class="hops">{ for trace.hops.iter().map(hop_text) }</ol>
            </details>
        </section>
    }
}

fn direction(d: Direction) -> &'static str {
    match d {
        Direction::Request => "request",
        Direction::Reply => "reply",
    }
}

fn change_class(kind: ChangeKind) -> &'static str {
    match kind {
        ChangeKind::Dnat => "dnat",
        ChangeKind::Masquerade => "masquerade",
        ChangeKind::UndoDnat | ChangeKind::UndoMasquerade => "undo",
    }
}

/// One address of a packet card, marked with what changed it.
fn field(value: String, change: Option<&Change>, which: &str) -> Html {
    match change {
        Some(c) => html! {
            <span class={classes!("field", "changed", change_class(c.kind))} data-field={which.to_string()}>
                <code>{ value }</code>
                <span class="visually-hidden">{ format!(" ({})", c.by) }</span>
            </span>
        },
        None => html! {
            <span class="field" data-field={which.to_string()}><code>{ value }</code></span>
        },
    }
}

#[derive(Properties, PartialEq)]
struct HopCardProps {
    hop: Rc<HopStory>,
    index: usize,
    count: usize,
}

/// One hop, led by what changed: the card's sections in the order they
/// are read. A new kind of section (a policy's verdict, an L7 hop) goes
/// in this list.
fn card_sections(h: &HopStory) -> Vec<Html> {
    vec![
        lead(h),
        packet_faces(h),
        h.encapsulated
            .as_ref()
            .map(|o| overlay_card(o, true))
            .unwrap_or_default(),
        h.decapsulated
            .as_ref()
            .map(|o| overlay_card(o, false))
            .unwrap_or_default(),
        walk(h),
    ]
}

/// The card's first lines: each rewrite in words and addresses (before →
/// after, by which rule), then how the hop ended; a hop that changed
/// nothing leads with where the packet went.
fn lead(h: &HopStory) -> Html {
    let field_word = |f: Field| match f {
        Field::Source => "Source",
        Field::Destination => "Destination",
    };
    html! {
        <div class="hop-lead">
            if !h.changes.is_empty() {
                <ul class="changes">
                    { for h.changes.iter().map(|c| html! {
                        <li class={classes!("change", change_class(c.kind))}>
                            <span class="change-line">
                                <strong>{ field_word(c.field) }</strong>{ " " }
                                <code>{ c.from.to_string() }</code>{ " → " }<code class="to">{ c.to.to_string() }</code>
                                { " " }<em class="change-by">{ c.by.clone() }</em>
                            </span>
                            <span class="change-why">{ format!("{}.", c.why) }</span>
                        </li>
                    }) }
                </ul>
            }
            if let Some(s) = &h.stop {
                <p class="hop-end stopped"><strong>{ "Stopped here: " }</strong>{ format!("{s}.") }</p>
            }
            if let Some(d) = &h.delivered {
                <p class="hop-end delivered">{ format!("{d}.") }</p>
            }
            if let Some(o) = &h.out {
                <p class="hop-end out">
                    { if h.changes.is_empty() { format!("Passed on unchanged: {o}.") } else { format!("Then {o}.") } }
                </p>
            }
            if let Some(c) = &h.connection {
                <p class="hop-connection">{ format!("This packet is {c}.") }</p>
            }
        </div>
    }
}

/// The packet as it arrived and as it left, on a line each.
fn packet_faces(h: &HopStory) -> Html {
    let changed = |f: Field| h.changes.iter().rev().find(|c| c.field == f);
    html! {
        <div class="packet-card" aria-label="The packet at this hop" role="group">
            <div class="face arrived">
                <span class="face-label">{ h.arrival.clone() }</span>
                { field(h.arrived.src.to_string(), None, "source") }
                <span class="arrow" aria-hidden="true">{ "→" }</span>
                { field(h.arrived.dst.to_string(), None, "destination") }
            </div>
            if let Some(l) = h.left {
                <div class="face left">
                    <span class="face-label">{ "left" }</span>
                    { field(l.src.to_string(), changed(Field::Source), "source") }
                    <span class="arrow" aria-hidden="true">{ "→" }</span>
                    { field(l.dst.to_string(), changed(Field::Destination), "destination") }
                </div>
            }
        </div>
    }
}

/// The netfilter walk, behind one control: the hooks in order, kube-proxy's
/// chain jumps in words; each rule's iptables-save text one click deeper.
fn walk(h: &HopStory) -> Html {
    let hooks: Vec<&HookStory> = h
        .flow
        .iter()
        .filter_map(|s| match s {
            Stage::Hook(k) => Some(k),
            _ => None,
        })
        .collect();
    let matched: usize = hooks
        .iter()
        .flat_map(|k| k.steps.iter())
        .filter(|s| s.kind == ChainStepKind::Matched)
        .count();
    let stopped = hooks.iter().any(|k| k.stopped);
    html! {
        <details class={classes!("walk", stopped.then_some("stopped"))} open={stopped}>
            <summary>
                { "What the kernel did here, in order" }
                <span class="walk-count">{ format!(" ({} hook{}, {matched} rule{} matched)",
                    hooks.len(), if hooks.len() == 1 { "" } else { "s" }, if matched == 1 { "" } else { "s" }) }</span>
            </summary>
            <ol class="flow">
                { for h.flow.iter().map(stage) }
            </ol>
        </details>
    }
}

/// One hop: its sections (see [`card_sections`]).
#[component]
fn HopCard(props: &HopCardProps) -> Html {
    let h = &props.hop;
    html! {
        <article id="hop-detail" class={classes!("hop-card", "detail-card", direction(h.direction))}
            data-hop={props.index.to_string()} data-hop-host={h.host.clone()}>
            <h4 tabindex="-1">
                { format!("Hop {} of {}: {}", props.index + 1, props.count, h.host) }
                <span class="hop-direction">{ format!(" · {}", direction(h.direction)) }</span>
            </h4>
            { for card_sections(h) }
        </article>
    }
}

/// The packet inside another: flannel's VXLAN overlay between nodes, the
/// outer UDP packet over the home network and the pods' packet inside it.
fn overlay_card(o: &crate::engine::explain::Overlay, leaving: bool) -> Html {
    let label = if leaving {
        format!("wrapped by {} for the trip to the other node", o.device)
    } else {
        format!("taken out of its wrapping by {}", o.device)
    };
    html! {
        <div class={classes!("overlay-card", if leaving { "encap" } else { "decap" })} role="group" aria-label={label.clone()}>
            <p class="overlay-label"><strong>{ label }</strong>{ format!(": {}", o.words) }</p>
            <div class="packet-card nested">
                <div class="face outer">
                    <span class="face-label">{ format!("outer packet, {}", o.underlay) }</span>
                    <code class="field">{ o.outer.src.to_string() }</code>
                    <span class="arrow" aria-hidden="true">{ "→" }</span>
                    <code class="field">{ o.outer.dst.to_string() }</code>
                </div>
                <div class="face inner">
                    <span class="face-label">{ format!("inside it, VXLAN VNI {}", o.vni) }</span>
                    <code class="field">{ o.inner.src.to_string() }</code>
                    <span class="arrow" aria-hidden="true">{ "→" }</span>
                    <code class="field">{ o.inner.dst.to_string() }</code>
                </div>
            </div>
            <details class="rule-text"><summary>{ "The headers" }</summary><code>{ o.headers.clone() }</code></details>
        </div>
    }
}

fn stage(s: &Stage) -> Html {
    match s {
        Stage::Conntrack { words } => html! { <li class="stage conntrack">{ words.clone() }</li> },
        Stage::Routing { words } => html! { <li class="stage routing">{ words.clone() }</li> },
        Stage::Hook(h) => hook(h),
    }
}

fn hook(h: &HookStory) -> Html {
    let verdict = classes!("verdict", h.verdict.to_ascii_lowercase());
    if h.steps.is_empty() {
        return html! {
            <li class="stage hook empty" data-hook={h.chain.clone()}>
                <span class="hook-name">{ h.label() }</span>{ ": no rules" }
            </li>
        };
    }
    if h.quiet() {
        let count: usize = h.steps.iter().map(|s| s.count).sum();
        return html! {
            <li class="stage hook quiet" data-hook={h.chain.clone()}>
                <span class="hook-name">{ h.label() }</span>
                { format!(": none of its {count} rule(s) matched → ") }<span class={verdict}>{ h.verdict }</span>
            </li>
        };
    }
    html! {
        <li class={classes!("stage", "hook", h.stopped.then_some("stopped"))} data-hook={h.chain.clone()}>
            <span class="hook-name">{ h.label() }</span>{ " → " }<span class={verdict}>{ h.verdict }</span>
            <ol class="chain-path">
                { for h.steps.iter().filter(|s| s.kind != ChainStepKind::Returned).map(chain_step) }
            </ol>
        </li>
    }
}

fn chain_step(s: &ChainStep) -> Html {
    let style = format!("--depth: {}", s.depth);
    match s.kind {
        ChainStepKind::Matched => html! {
            <li class="chain-step matched" {style} data-chain={s.chain.clone()}>
                <span class="chain-name">{ s.chain.clone() }</span>
                if let Some(n) = s.rule_number { <span class="rule-number">{ format!(" rule {n}") }</span> }
                <span class="rule-words">{ format!(": {}", s.words) }</span>
                if let Some(d) = &s.decision {
                    <span class="decision">{ d.clone() }</span>
                }
                if let Some(rule) = &s.rule {
                    <details class="rule-text"><summary>{ "iptables-save" }</summary><code>{ rule.clone() }</code></details>
                }
            </li>
        },
        ChainStepKind::Skipped => html! {
            <li class="chain-step skipped" {style}>{ s.words.clone() }</li>
        },
        ChainStepKind::Policy | ChainStepKind::Returned => html! {
            <li class="chain-step policy" {style}>{ s.words.clone() }</li>
        },
    }
}

/// A host the packet did not visit (or with nothing to step through).
fn host_card(name: &str, topology: &Topology, trace: Option<&Trace>) -> Html {
    let Some(host) = topology.hosts.iter().find(|h| h.name == name) else {
        return Html::default();
    };
    let visited = trace.is_some_and(|t| t.hops.iter().any(|h| h.host == name));
    let services: Vec<Html> = topology
        .services
        .iter()
        .filter(|_| host.kind == crate::engine::net::HostKind::Node)
        .map(|s| {
            let here = s.has_endpoint_on(name);
            html! {
                <li>
                    { format!("Service {} answers here too", s.name) }
                    { if here { " (one of its pods runs here)" } else { " (no pod of it runs here: kube-proxy forwards to a node that has one)" } }
                </li>
            }
        })
        .collect();
    html! {
        <article id="host-detail" class="detail-card host-card" data-host-card={name.to_string()}>
            <h4 tabindex="-1">{ format!("{name} ({})", kind_word(host.kind)) }</h4>
            <p>{ if visited { "The last packet passed here." } else { "The last packet did not pass here." } }</p>
            <ul class="host-addresses">
                { for host.addresses.iter().map(|(i, a)| html! { <li><code>{ format!("{i} {a}") }</code></li> }) }
            </ul>
            if !services.is_empty() {
                <ul class="host-services">{ for services }</ul>
            }
        </article>
    }
}

/// Each step in the words of the engine's text rendering of a trace.
fn step_text(step: &Step) -> Option<String> {
    Some(match step {
        Step::Route { line } => format!("route: {line}"),
        Step::LocalDelivery { addr } => format!("route: {addr} is local"),
        Step::Rule { hit } => format!("{}: {}", hit.table.name(), hit.text),
        Step::Rewrite { kind, from, to } => format!("{kind}: {from} → {to}"),
        Step::Accepted { process, addr } => format!("accepted by {process} on {addr}"),
        Step::Stopped { reason } => format!("stopped: {reason}"),
        Step::Tunnel { how } => format!("tunnel: {how}"),
        Step::ProxyAnswered { program, why } => format!("{program} answers itself: {why}"),
        Step::Proxied {
            program,
            router,
            rule,
            backend,
            from,
            to,
            ..
        } => format!(
            "{program} proxies it: router {router}, rule {rule} → {backend}, new connection {from} → {to}"
        ),
        Step::Hook(_) | Step::Conntrack { .. } | Step::Decapsulated(_) => return None,
    })
}

fn hop_text(hop: &Hop) -> Html {
    let arrival = match &hop.in_iface {
        Some(iface) => format!("in on {iface}"),
        None => "sent".to_string(),
    };
    let stopped = hop.steps.iter().any(|s| matches!(s, Step::Stopped { .. }));
    html! {
        <li class={classes!("hop", direction(hop.direction), stopped.then_some("stopped"))} data-hop-host={hop.host.clone()}>
            <span class="hop-head">
                { format!("{} ({}, {arrival}): {} → {}", hop.host, direction(hop.direction), hop.src, hop.dst) }
            </span>
            <ul class="steps">
                { for hop.steps.iter().filter_map(|s| step_text(s).map(|t| (s, t))).map(|(s, t)| html! {
                    <li class={classes!(matches!(s, Step::Stopped { .. }).then_some("stopped"))}>{ t }</li>
                }) }
                if let Some(link) = &hop.left_by {
                    <li>{ format!("out {} → {} ({}, in on {})", link.out_iface, link.next_host, link.segment, link.in_iface) }</li>
                }
            </ul>
        </li>
    }
}

#[derive(Properties, PartialEq)]
struct CompareProps {
    row: Rc<ProbeRow>,
    now_topology: Rc<Topology>,
    on_close: Callback<()>,
}

/// A probe's request at the step's start and now, side by side.
#[component]
fn Compare(props: &CompareProps) -> Html {
    let r = &props.row;
    let close = props.on_close.reform(|_: MouseEvent| ());
    let side = |title: &str,
                obs: &crate::ui::judging::Observation,
                topology: Rc<Topology>,
                id: &str| {
        let summary = obs
            .story
            .as_ref()
            .map(|s| s.ending.sentence().to_string())
            .unwrap_or_else(|| "No packet was sent.".into());
        let changes: Vec<Html> = obs
            .story
            .iter()
            .flat_map(|s| s.hops.iter().enumerate())
            .flat_map(|(i, h)| {
                h.changes.iter().map(move |c| {
                    html! { <li>{ format!("hop {} at {}: {} {} → {} ({})", i + 1, h.host, match c.field { Field::Source => "source", Field::Destination => "destination" }, c.from, c.to, c.by) }</li> }
                })
            })
            .collect();
        let path = obs
            .story
            .as_ref()
            .map(|s| {
                let mut hosts: Vec<&str> = vec![];
                for h in &s.hops {
                    if hosts.last() != Some(&h.host.as_str()) {
                        hosts.push(&h.host);
                    }
                }
                hosts.join(" → ")
            })
            .unwrap_or_default();
        html! {
            <div class="compare-side" data-side={id.to_string()}>
                <h4>{ format!("{title}: {}", obs.text) }</h4>
                <TopologyView topology={topology} trace={obs.trace.clone()} id={AttrValue::from(format!("compare-{id}"))} full={false} />
                <p class="compare-summary">{ summary }</p>
                if !path.is_empty() {
                    <p class="compare-path">{ path }</p>
                }
                if !changes.is_empty() {
                    <ul class="compare-changes">{ for changes }</ul>
                }
            </div>
        }
    };
    html! {
        <section id="compare" class="compare" aria-labelledby="compare-heading">
            <div class="compare-head">
                <h3 id="compare-heading" tabindex="-1">{ format!("Before and after: {} → {}", r.from, r.url) }</h3>
                <button type="button" onclick={close}>{ "Back to the last packet" }</button>
            </div>
            <div class="compare-sides">
                { side("At the step's start", &r.before, r.before_topology.clone(), "before") }
                { side("Now", &r.now, props.now_topology.clone(), "now") }
            </div>
        </section>
    }
}
