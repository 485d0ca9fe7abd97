//! The picture of the world (inline SVG) and, over it, the last packet's
//! path: the wires it crossed with arrows (request solid, reply dashed),
//! the hosts it visited outlined, and a marker with words where it stopped
//! or was answered. Nothing is told by colour alone; [`NetworkText`] and the
//! trace panel say all of it again in text.

use super::network_text::NetworkText;
use crate::engine::net::{Direction, HostKind, Trace};
use crate::engine::Topology;
use crate::ui::layout::{HostShape, Layout, LINE};
use crate::ui::packet_path::{Ending, PacketPath};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TopologyViewProps {
    pub topology: Rc<Topology>,
    pub trace: Option<Rc<Trace>>,
    /// While stepping through the packet hop by hop: the hop shown. The
    /// picture then draws the wires up to that hop and rings its host.
    #[prop_or_default]
    pub hop: Option<usize>,
}

/// How far a reply's wire is drawn beside the request's, so both show.
const REPLY_OFFSET: i32 = 5;

pub fn kind_word(kind: HostKind) -> &'static str {
    match kind {
        HostKind::Laptop => "laptop",
        HostKind::Router => "router",
        HostKind::Node => "node",
        HostKind::Pod => "pod",
        HostKind::LoadBalancer => "cloud load balancer",
    }
}

fn host(shape: &HostShape, path: &PacketPath, current: Option<&(usize, String)>) -> Html {
    let r = shape.rect;
    let on_path = path.visits(&shape.name);
    let here = current.filter(|(_, h)| *h == shape.name);
    let class = classes!(
        "host",
        format!("host-{}", kind_word(shape.kind)),
        on_path.then_some("on-path"),
        here.is_some().then_some("current-hop")
    );
    html! {
        <g {class} data-host={shape.name.clone()}>
            <rect x={r.x.to_string()} y={r.y.to_string()} width={r.w.to_string()} height={r.h.to_string()} rx="6" />
            if let Some((i, _)) = here {
                <rect class="hop-ring" x={(r.x - 4).to_string()} y={(r.y - 4).to_string()} width={(r.w + 8).to_string()} height={(r.h + 8).to_string()} rx="9" />
                <text class="hop-label" x={(r.x + 10).to_string()} y={(r.y - 7).to_string()}>{ format!("hop {}", i + 1) }</text>
            }
            <text class="host-name" x={(r.x + 10).to_string()} y={(r.y + LINE + 2).to_string()}>
                { shape.name.clone() }
            </text>
            { for shape.addresses.iter().enumerate().map(|(i, line)| html! {
                <text class="host-addr" x={(r.x + 10).to_string()} y={(r.y + LINE * (i as i32 + 2) + 2).to_string()}>
                    { line.clone() }
                </text>
            }) }
        </g>
    }
}

fn points(points: &[(i32, i32)], offset: i32) -> String {
    points
        .iter()
        .map(|(x, y)| format!("{},{}", x + offset, y + offset))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The marker where the packet's story ended: a symbol and a word, not
/// just a colour.
fn ending(layout: &Layout, ending: &Ending, summary: &str) -> Html {
    let (host, class, glyph, words) = match ending {
        Ending::Stopped { host } => (host, "stop-marker", "✕", "stopped here"),
        Ending::Answered { host, .. } => (host, "answer-marker", "✓", "answered"),
    };
    let Some(shape) = layout.host(host) else {
        return Html::default();
    };
    let (cx, cy) = (shape.rect.right() - 4, shape.rect.y + 4);
    let marker = html! {
        <>
            <title>{ summary.to_string() }</title>
            <circle cx={cx.to_string()} cy={cy.to_string()} r="11" />
            <text class="marker-glyph" x={cx.to_string()} y={(cy + 5).to_string()} text-anchor="middle">{ glyph }</text>
            // Above the box's edge, in the gap every box has over it (the
            // halo in app.css keeps it legible across the tap wire there).
            <text class="marker-label" x={(cx - 15).to_string()} y={(shape.rect.y - 6).to_string()} text-anchor="end">{ words }</text>
        </>
    };
    match ending {
        Ending::Stopped { host } => {
            html! { <g {class} data-stopped-at={host.clone()}>{ marker }</g> }
        }
        Ending::Answered { host, .. } => {
            html! { <g {class} data-answered-at={host.clone()}>{ marker }</g> }
        }
    }
}

#[component]
pub fn TopologyView(props: &TopologyViewProps) -> Html {
    let layout = use_memo(props.topology.clone(), |t| Layout::of(t));
    let path = use_memo(props.trace.clone(), |t| {
        t.as_deref().map(PacketPath::of).unwrap_or_default()
    });
    let summary = props.trace.as_ref().map(|t| t.summary());
    let current = props.hop.and_then(|i| {
        props
            .trace
            .as_ref()
            .and_then(|t| t.hops.get(i))
            .map(|h| (i, h.host.clone()))
    });
    let last_hop = props.trace.as_ref().map(|t| t.hops.len().saturating_sub(1));
    // The end is marked once the stepping reaches it (or when not stepping).
    let show_ending = props.hop.is_none() || props.hop == last_hop;

    let nodes = layout.hosts.iter().filter(|h| h.kind == HostKind::Node);
    let others = layout.hosts.iter().filter(|h| h.kind != HostKind::Node);
    let title = format!(
        "The simulated network: {}",
        props
            .topology
            .hosts
            .iter()
            .map(|h| h.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let desc = match &summary {
        Some(s) => format!(
            "The last packet went {}. {s} The same in text follows the picture.",
            path.hosts.join(" → ")
        ),
        None => "No packet has been sent yet. The same in text follows the picture.".to_string(),
    };
    let wires = path
        .crossings
        .iter()
        .filter(|c| props.hop.is_none_or(|i| c.hop < i))
        .filter_map(|c| {
            let (class, offset) = match c.direction {
                Direction::Request => ("request", 0),
                Direction::Reply => ("reply", REPLY_OFFSET),
            };
            layout.wire(&c.from, &c.to, &c.segment).map(|p| {
                html! {
                    <polyline
                        class={classes!("wire-path", class)}
                        points={points(&p, offset)}
                        marker-end={format!("url(#arrow-{class})")}
                        data-from={c.from.clone()}
                        data-to={c.to.clone()}
                    />
                }
            })
        });
    // Wide worlds keep readable text and scroll sideways instead of shrinking.
    let style = format!("min-width: {}px", layout.width * 7 / 10);

    html! {
        <figure class="topology">
            <div class="topology-scroll" tabindex="0" role="group" aria-label="The picture of the network (scrolls sideways when wide)">
                <svg
                    id="topology"
                    xmlns="http://www.w3.org/2000/svg"
                    role="img"
                    aria-labelledby="topology-title topology-desc"
                    viewBox={format!("0 0 {} {}", layout.width, layout.height)}
                    {style}
                >
                    <title id="topology-title">{ title }</title>
                    <desc id="topology-desc">{ desc }</desc>
                    <defs>
                        <marker id="arrow-request" class="arrow request" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="3.5" markerHeight="3.5" orient="auto-start-reverse">
                            <path d="M 0 0 L 10 5 L 0 10 z" />
                        </marker>
                        <marker id="arrow-reply" class="arrow reply" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="3.5" markerHeight="3.5" orient="auto-start-reverse">
                            <path d="M 0 0 L 10 5 L 0 10 z" />
                        </marker>
                    </defs>
                    { for nodes.map(|n| host(n, &path, current.as_ref())) }
                    { for layout.buses.iter().map(|b| html! {
                        <g class="segment" data-segment={b.segment.clone()}>
                            <line x1={b.x1.to_string()} y1={b.y.to_string()} x2={b.x2.to_string()} y2={b.y.to_string()} />
                            <text class="segment-label" x={b.label_at.0.to_string()} y={b.label_at.1.to_string()}>{ b.label.clone() }</text>
                        </g>
                    }) }
                    { for layout.taps.iter().filter_map(|t| layout.bus(&t.segment).map(|b| html! {
                        <line class="tap" x1={t.x.to_string()} y1={t.y_host.to_string()} x2={t.x.to_string()} y2={b.y.to_string()} />
                    })) }
                    { for others.map(|h| host(h, &path, current.as_ref())) }
                    { for wires }
                    if let (Some(end), Some(summary), true) = (&path.ending, &summary, show_ending) {
                        { ending(&layout, end, summary) }
                    }
                </svg>
            </div>
            <figcaption class="legend">
                <span class="legend-item"><svg class="legend-swatch" viewBox="0 0 30 10" aria-hidden="true"><line class="wire-path request" x1="0" y1="5" x2="30" y2="5" /></svg>{ "request (solid)" }</span>
                <span class="legend-item"><svg class="legend-swatch" viewBox="0 0 30 10" aria-hidden="true"><line class="wire-path reply" x1="0" y1="5" x2="30" y2="5" /></svg>{ "reply (dashed)" }</span>
                <span class="legend-item"><span class="legend-glyph stop" aria-hidden="true">{ "✕" }</span>{ "where the packet stopped" }</span>
                <span class="legend-item"><span class="legend-glyph answer" aria-hidden="true">{ "✓" }</span>{ "where it was answered" }</span>
            </figcaption>
            <NetworkText topology={props.topology.clone()} trace={props.trace.clone()} />
        </figure>
    }
}
