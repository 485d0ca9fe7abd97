//! The last packet as text: one sentence saying how it ended, and a
//! collapsible list of every hop and everything that happened on it (the
//! route chosen, the rules that matched, each address rewrite).

use crate::engine::net::{Direction, Hop, Step, Trace, TraceOutcome};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TracePanelProps {
    pub trace: Option<Rc<Trace>>,
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
            <details class="trace-details">
                <summary>{ format!("Packet path ({} hops)", trace.hops.len()) }</summary>
                <ol class="hops">{ for trace.hops.iter().map(hop) }</ol>
            </details>
        </section>
    }
}
