//! The last packet as text: one sentence saying how it ended, and a
//! collapsible list of every hop and everything that happened on it (the
//! route chosen, the rules that matched, each address rewrite).

use crate::engine::net::{Direction, Hop, Step, Trace, TraceOutcome};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TracePanelProps {
    pub trace: Option<Rc<Trace>>,
    /// The hop being looked at while stepping through the packet.
    #[prop_or_default]
    pub hop: Option<usize>,
    /// Step to a hop (`None`: the whole path again).
    #[prop_or_default]
    pub on_hop: Callback<Option<usize>>,
}

/// One hop, Packet Tracer style: where the packet is, what it looks like,
/// the rules that matched it (as iptables prints them) and what they did.
fn hop_detail(hop: &Hop, index: usize, count: usize) -> Html {
    let direction = match hop.direction {
        Direction::Request => "request",
        Direction::Reply => "reply",
    };
    let arrival = match &hop.in_iface {
        Some(iface) => format!("arrived on {iface}"),
        None => "sent from here".to_string(),
    };
    let rules: Vec<&Step> = hop
        .steps
        .iter()
        .filter(|s| matches!(s, Step::Rule { .. }))
        .collect();
    let rewrites: Vec<&Step> = hop
        .steps
        .iter()
        .filter(|s| matches!(s, Step::Rewrite { .. }))
        .collect();
    let others: Vec<&Step> = hop
        .steps
        .iter()
        .filter(|s| !matches!(s, Step::Rule { .. } | Step::Rewrite { .. }))
        .collect();
    html! {
        <div id="hop-detail" class="hop-detail" data-hop={index.to_string()} data-hop-host={hop.host.clone()}>
            <h4>{ format!("Hop {} of {count}: {}", index + 1, hop.host) }</h4>
            <p class="hop-packet">
                { format!("{direction}, {arrival}: ") }
                <code>{ format!("{} → {}", hop.src, hop.dst) }</code>
            </p>
            <p class="hop-subhead">{ "Rules that matched" }</p>
            if rules.is_empty() {
                <p class="muted">{ "none (no netfilter rule matched this packet here)" }</p>
            } else {
                <ul class="rules">{ for rules.iter().map(|s| html! { <li><code>{ step(s) }</code></li> }) }</ul>
            }
            <p class="hop-subhead">{ "Address rewrites" }</p>
            if rewrites.is_empty() {
                <p class="muted">{ "none" }</p>
            } else {
                <ul class="rewrites">{ for rewrites.iter().map(|s| html! { <li><code>{ step(s) }</code></li> }) }</ul>
            }
            if !others.is_empty() || hop.left_by.is_some() {
                <p class="hop-subhead">{ "Then" }</p>
                <ul class="then">
                    { for others.iter().map(|s| html! {
                        <li class={classes!(matches!(s, Step::Stopped { .. }).then_some("stopped"))}>{ step(s) }</li>
                    }) }
                    if let Some(link) = &hop.left_by {
                        <li>{ format!("out {} → {} ({})", link.out_iface, link.next_host, link.segment) }</li>
                    }
                </ul>
            }
        </div>
    }
}

fn stepper(trace: &Trace, hop: Option<usize>, on_hop: &Callback<Option<usize>>) -> Html {
    let count = trace.hops.len();
    if count == 0 {
        return Html::default();
    }
    let go = |to: Option<usize>| {
        let on_hop = on_hop.clone();
        Callback::from(move |_: MouseEvent| on_hop.emit(to))
    };
    match hop {
        None => html! {
            <div class="stepper" role="group" aria-label="Packet stepping">
                <button type="button" onclick={go(Some(0))}>{ "Step through it hop by hop" }</button>
            </div>
        },
        Some(i) => html! {
            <>
                <div class="stepper" role="group" aria-label="Packet stepping">
                    <button type="button" onclick={go(Some(0))} disabled={i == 0}>{ "First hop" }</button>
                    <button type="button" onclick={go(Some(i.saturating_sub(1)))} disabled={i == 0}>{ "Previous hop" }</button>
                    <span class="hop-count" aria-live="polite">{ format!("hop {} of {count}", i + 1) }</span>
                    <button type="button" onclick={go(Some((i + 1).min(count - 1)))} disabled={i + 1 >= count}>{ "Next hop" }</button>
                    <button type="button" onclick={go(None)}>{ "Whole path" }</button>
                </div>
                if let Some(h) = trace.hops.get(i) {
                    { hop_detail(h, i, count) }
                }
            </>
        },
    }
}

/// Each step in the words of the engine's own text rendering of a trace.
fn step(step: &Step) -> String {
    match step {
        Step::Route { line } => format!("route: {line}"),
        Step::LocalDelivery { addr } => format!("route: {addr} is local"),
        Step::Rule { hit } => format!("{}: {}", hit.table.name(), hit.text),
        Step::Rewrite { kind, from, to } => format!("{kind}: {from} → {to}"),
        Step::Accepted { process, addr } => format!("accepted by {process} on {addr}"),
        Step::Stopped { reason } => format!("stopped: {reason}"),
        Step::Tunnel { how } => format!("tunnel: {how}"),
    }
}

fn hop(hop: &Hop) -> Html {
    let direction = match hop.direction {
        Direction::Request => "request",
        Direction::Reply => "reply",
    };
    let arrival = match &hop.in_iface {
        Some(iface) => format!("in on {iface}"),
        None => "sent".to_string(),
    };
    let stopped = hop.steps.iter().any(|s| matches!(s, Step::Stopped { .. }));
    html! {
        <li class={classes!("hop", direction, stopped.then_some("stopped"))} data-hop-host={hop.host.clone()}>
            <span class="hop-head">
                { format!("{} ({direction}, {arrival}): {} → {}", hop.host, hop.src, hop.dst) }
            </span>
            <ul class="steps">
                { for hop.steps.iter().map(|s| html! {
                    <li class={classes!(matches!(s, Step::Stopped { .. }).then_some("stopped"))}>{ step(s) }</li>
                }) }
                if let Some(link) = &hop.left_by {
                    <li>{ format!("out {} → {} ({}, in on {})", link.out_iface, link.next_host, link.segment, link.in_iface) }</li>
                }
            </ul>
        </li>
    }
}

#[component]
pub fn TracePanel(props: &TracePanelProps) -> Html {
    let Some(trace) = props.trace.as_deref() else {
        return html! {
            <section class="trace-panel" aria-labelledby="trace-heading">
                <h3 id="trace-heading">{ "Last packet" }</h3>
                <p id="trace-summary" class="trace-summary" data-outcome="none">
                    { "No packet sent yet: run curl or ping and its path appears here and in the picture." }
                </p>
            </section>
        };
    };
    let (outcome, glyph) = match &trace.outcome {
        Some(TraceOutcome::Answered { .. }) => ("answered", "✓"),
        Some(TraceOutcome::Stopped { .. }) => ("stopped", "✕"),
        Some(TraceOutcome::NotResolved { .. }) | None => ("unsent", "?"),
    };
    html! {
        <section class="trace-panel" aria-labelledby="trace-heading">
            <h3 id="trace-heading">{ "Last packet" }</h3>
            <p class="trace-request"><code>{ trace.request.clone() }</code></p>
            <p class={classes!("trace-outcome", outcome)}>
                <span class="outcome-glyph" aria-hidden="true">{ glyph }</span>
                <span id="trace-summary" class="trace-summary" data-outcome={outcome}>{ trace.summary() }</span>
            </p>
            { stepper(trace, props.hop, &props.on_hop) }
            <details class="trace-details">
                <summary>{ format!("Packet path ({} hops)", trace.hops.len()) }</summary>
                <ol class="hops">{ for trace.hops.iter().map(hop) }</ol>
            </details>
        </section>
    }
}
