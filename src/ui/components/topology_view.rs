//! The picture of the world (inline SVG), scaled to fit its pane, and over
//! it the last packet's path: the wires it crossed with arrows (request
//! solid, reply dashed), its hops numbered at each host, a dot that travels
//! the path (not with reduced motion), and a marker with words where it
//! stopped or was answered. Services are bands across the node frames.
//! Hosts and the end marker are buttons: they open that hop's card. Nothing
//! is told by colour alone; [`NetworkText`] says all of it again in text.

use super::network_text::{kind_word, NetworkText};
use crate::engine::net::{Direction, HostKind, Trace};
use crate::engine::Topology;
use crate::ui::hooks;
use crate::ui::layout::{self, HostShape, Layout, LINE};
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
    /// A host (or the end marker's host) was chosen.
    #[prop_or_default]
    pub on_host: Option<Callback<String>>,
    /// Ids in the SVG start with this, so that two pictures can share a page.
    #[prop_or(AttrValue::from("topology"))]
    pub id: AttrValue,
    /// With the text equivalent and the legend (the main picture).
    #[prop_or(true)]
    pub full: bool,
}

/// How far a reply's wire is drawn beside the request's, so both show.
const REPLY_OFFSET: i32 = 5;
/// How long the dot takes over one wire, in ms.
const DOT_MS_PER_WIRE: usize = 420;

/// The hops (1-based) that happened at each host.
fn hops_at(trace: Option<&Trace>, host: &str) -> Vec<usize> {
    trace
        .map(|t| {
            t.hops
                .iter()
                .enumerate()
                .filter(|(_, h)| h.host == host)
                .map(|(i, _)| i + 1)
                .collect()
        })
        .unwrap_or_default()
}

fn host(
    shape: &HostShape,
    path: &PacketPath,
    trace: Option<&Trace>,
    current: Option<&(usize, String)>,
    on_host: Option<&Callback<String>>,
    active: &str,
) -> Html {
    let r = shape.rect;
    let on_path = path.visits(&shape.name);
    let here = current.filter(|(_, h)| *h == shape.name);
    let class = classes!(
        "host",
        format!("host-{}", kind_word(shape.kind)),
        on_path.then_some("on-path"),
        here.is_some().then_some("current-hop"),
        on_host.is_some().then_some("clickable")
    );
    let hops = hops_at(trace, &shape.name);
    // The name starts with what the box shows, then says what a press does.
    let shown = std::iter::once(shape.name.as_str())
        .chain(shape.addresses.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join(" ");
    let label = if hops.is_empty() {
        format!("{shown}, {}: show what it is", kind_word(shape.kind))
    } else {
        format!(
            "{shown}, {}: hop{} {} of the last packet",
            kind_word(shape.kind),
            if hops.len() == 1 { "" } else { "s" },
            hops.iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(" and ")
        )
    };
    let (onclick, onkeydown) = match on_host {
        Some(cb) => {
            let name = shape.name.clone();
            let click = cb.reform(move |e: MouseEvent| {
                e.stop_propagation();
                name.clone()
            });
            let name = shape.name.clone();
            let cb = cb.clone();
            let key = Callback::from(move |e: KeyboardEvent| {
                if matches!(e.key().as_str(), "Enter" | " ") {
                    e.prevent_default();
                    e.stop_propagation();
                    cb.emit(name.clone());
                }
            });
            (Some(click), Some(key))
        }
        None => (None, None),
    };
    let interactive = on_host.is_some();
    let badge = (!hops.is_empty()).then(|| {
        let text = hops
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join("·");
        let w = 14 + text.chars().count() as i32 * 9;
        let (bx, by) = (r.x + 6, r.y - 11);
        html! {
            <g class="hop-numbers" aria-hidden="true">
                <rect x={bx.to_string()} y={by.to_string()} width={w.to_string()} height="20" rx="10" />
                <text x={(bx + w / 2).to_string()} y={(by + 15).to_string()} text-anchor="middle">{ text }</text>
            </g>
        }
    });
    // The button holds what the box shows (its accessible name starts with
    // that); the ring and the hop numbers beside it are drawings only.
    html! {
        <g {class} data-host={shape.name.clone()} {onclick} {onkeydown}>
            <g class="host-button"
                role={interactive.then_some("button")}
                data-rove={interactive.then(|| shape.name.clone())}
                tabindex={interactive.then_some(if active == shape.name { "0" } else { "-1" })}
                aria-label={interactive.then_some(label)}>
                <rect class="box" x={r.x.to_string()} y={r.y.to_string()} width={r.w.to_string()} height={r.h.to_string()} rx="6" />
                <text class="host-name" x={(r.x + 10).to_string()} y={(r.y + LINE + 2).to_string()}>
                    // A space after each line, so that its text reads as words.
                    { format!("{} ", shape.name) }
                </text>
                { for shape.addresses.iter().enumerate().map(|(i, line)| html! {
                    <text class="host-addr" x={(r.x + 10).to_string()} y={(r.y + LINE * (i as i32 + 2) + 2).to_string()}>
                        { format!("{line} ") }
                    </text>
                }) }
            </g>
            if let Some((i, _)) = here {
                <rect class="hop-ring" x={(r.x - 4).to_string()} y={(r.y - 4).to_string()} width={(r.w + 8).to_string()} height={(r.h + 8).to_string()} rx="9" aria-hidden="true" />
                <text class="hop-label" x={(r.x + r.w - 8).to_string()} y={(r.y + LINE + 2).to_string()} text-anchor="end" aria-hidden="true">{ format!("hop {}", i + 1) }</text>
            }
            { badge }
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

fn path_d(points: &[(i32, i32)]) -> String {
    let mut d = String::new();
    for (i, (x, y)) in points.iter().enumerate() {
        d.push_str(if i == 0 { "M " } else { " L " });
        d.push_str(&format!("{x} {y}"));
    }
    d
}

/// The marker where the packet's story ended: a symbol and a word, not
/// just a colour; a button to that hop.
fn ending(
    layout: &Layout,
    ending: &Ending,
    summary: &str,
    on_host: Option<&Callback<String>>,
) -> Html {
    let (host, class, glyph, words) = match ending {
        Ending::Stopped { host } => (host, "stop-marker", "✕", "stopped here"),
        Ending::Answered { host, .. } => (host, "answer-marker", "✓", "answered"),
    };
    let Some(shape) = layout.host(host) else {
        return Html::default();
    };
    let (cx, cy) = (shape.rect.right() - 4, shape.rect.y + 4);
    let (onclick, onkeydown) = match on_host {
        Some(cb) => {
            let name = host.clone();
            let click = cb.reform(move |e: MouseEvent| {
                e.stop_propagation();
                name.clone()
            });
            let name = host.clone();
            let cb = cb.clone();
            let key = Callback::from(move |e: KeyboardEvent| {
                if matches!(e.key().as_str(), "Enter" | " ") {
                    e.prevent_default();
                    cb.emit(name.clone());
                }
            });
            (Some(click), Some(key))
        }
        None => (None, None),
    };
    let interactive = on_host.is_some();
    let label = format!("{words} at {host}: {summary} Show this hop.");
    // Not a stop of its own: its host (and the strip of hops) opens the same hop.
    let marker = html! {
        <>
            <title>{ summary.to_string() }</title>
            <circle cx={cx.to_string()} cy={cy.to_string()} r="12" />
            <text class="marker-glyph" x={cx.to_string()} y={(cy + 5).to_string()} text-anchor="middle" aria-hidden="true">{ glyph }</text>
            <text class="marker-label" x={(cx - 16).to_string()} y={(shape.rect.y - 5).to_string()} text-anchor="end">{ words }</text>
        </>
    };
    let role = interactive.then_some("button");
    let tabindex = interactive.then_some("-1");
    let aria_label = interactive.then_some(label);
    match ending {
        Ending::Stopped { host } => html! {
            <g {class} data-stopped-at={host.clone()} {role} {tabindex} aria-label={aria_label} {onclick} {onkeydown}>{ marker }</g>
        },
        Ending::Answered { host, .. } => html! {
            <g {class} data-answered-at={host.clone()} {role} {tabindex} aria-label={aria_label} {onclick} {onkeydown}>{ marker }</g>
        },
    }
}

/// The topology with the Services a trace's packet was rewritten for (a
/// DNAT from their ClusterIP, node port or load balancer address) listed
/// first, in the order it met them; the others keep their order.
fn crossed_first(t: &Rc<Topology>, trace: Option<&Trace>) -> Rc<Topology> {
    use crate::engine::net::trace::RewriteKind;
    use crate::engine::net::Step;
    let Some(trace) = trace else {
        return t.clone();
    };
    let targets: Vec<std::net::SocketAddrV4> = trace
        .hops
        .iter()
        .flat_map(|h| h.steps.iter())
        .filter_map(|s| match s {
            Step::Rewrite {
                kind: RewriteKind::Dnat,
                from,
                ..
            } => Some(*from),
            _ => None,
        })
        .collect();
    let rank = |svc: &crate::engine::world::TopoService| {
        targets.iter().position(|a| {
            svc.cluster_ip == Some(*a.ip())
                || svc.external_ips.contains(a.ip())
                || svc.ports.iter().any(|p| p.node_port == Some(a.port()))
        })
    };
    if t.services.iter().all(|s| rank(s).is_none()) {
        return t.clone();
    }
    let mut out = (**t).clone();
    servicelab_engine::sort::sort_by_key(&mut out.services, |s| rank(s).unwrap_or(usize::MAX));
    Rc::new(out)
}

#[component]
pub fn TopologyView(props: &TopologyViewProps) -> Html {
    let path = use_memo(props.trace.clone(), |t| {
        t.as_deref().map(PacketPath::of).unwrap_or_default()
    });
    // The main picture fits its frame: measured, then the most detailed
    // layout whose text stays at the body's size (pods folded if need be).
    let frame = use_node_ref();
    let room = hooks::use_room(frame.clone(), props.full);
    let open = use_state(|| None::<String>);
    // The Services the packet went through come first, so that they are
    // the ones drawn when there is room for only a few bands.
    let topology = use_memo(
        (props.topology.clone(), props.trace.clone()),
        |(t, trace)| crossed_first(t, trace.as_deref()),
    );
    let layout = use_memo(
        (topology.clone(), room, path.hosts.clone(), (*open).clone()),
        |(t, room, keep, open)| match room {
            Some(room) => Layout::fit(t, *room, keep, open.as_deref()),
            None => Layout::of(t),
        },
    );
    let scale = room.map(|r| layout.scale_in(r).max(layout::MIN_SCALE));
    let trace = props.trace.as_deref();
    let summary = trace.map(|t| t.summary());
    let current = props.hop.and_then(|i| {
        trace
            .and_then(|t| t.hops.get(i))
            .map(|h| (i, h.host.clone()))
    });
    let last_hop = trace.map(|t| t.hops.len().saturating_sub(1));
    // The end is marked once the stepping reaches it (or when not stepping).
    let show_ending = props.hop.is_none() || props.hop == last_hop;
    let id = props.id.as_str();
    let on_host = props.on_host.as_ref();

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
    let shown: Vec<_> = path
        .crossings
        .iter()
        .filter(|c| props.hop.is_none_or(|i| c.hop < i))
        .filter_map(|c| {
            let (class, offset) = match c.direction {
                Direction::Request => ("request", 0),
                Direction::Reply => ("reply", REPLY_OFFSET),
            };
            layout
                .wire(&c.from, &c.to, &c.segment)
                .map(|p| (c, class, offset, p))
        })
        .collect();
    let wires = shown.iter().map(|(c, class, offset, p)| {
        html! {
            <polyline
                class={classes!("wire-path", *class, c.overlay.then_some("overlay"))}
                points={points(p, *offset)}
                marker-end={format!("url(#{id}-arrow-{class})")}
                data-from={c.from.clone()}
                data-to={c.to.clone()}
            />
        }
    });
    // The dot: along the whole path, or along the wire into the hop shown.
    let dot_route: Vec<(i32, i32)> = match props.hop {
        None => shown
            .iter()
            .flat_map(|(_, _, offset, p)| p.iter().map(move |(x, y)| (x + offset, y + offset)))
            .collect(),
        Some(i) => shown
            .iter()
            .rev()
            .find(|(c, ..)| c.hop + 1 == i)
            .map(|(_, _, offset, p)| p.iter().map(|(x, y)| (x + offset, y + offset)).collect())
            .unwrap_or_default(),
    };
    let wires_in_route = match props.hop {
        None => shown.len().max(1),
        Some(_) => 1,
    };
    let dot = (props.full && dot_route.len() >= 2).then(|| {
        let style = format!(
            "offset-path: path('{}'); animation-duration: {}ms",
            path_d(&dot_route),
            wires_in_route * DOT_MS_PER_WIRE
        );
        // A new key restarts the animation for each new path or hop.
        let key = format!("{:?}-{}", props.hop, path_d(&dot_route).len());
        html! { <circle {key} class="packet-dot" r="6" cx="0" cy="0" {style} aria-hidden="true" /> }
    });

    // One tab stop for the picture: arrow keys move between its hosts
    // (and fold chips), in reading order; Enter opens.
    let rove: Vec<String> = {
        let outside = layout
            .hosts
            .iter()
            .filter(|h| !matches!(h.kind, HostKind::Node | HostKind::Pod))
            .map(|h| h.name.clone());
        let mut order: Vec<String> = outside.collect();
        for n in layout.hosts.iter().filter(|h| h.kind == HostKind::Node) {
            order.push(n.name.clone());
            order.extend(
                layout
                    .hosts
                    .iter()
                    .filter(|h| {
                        h.kind == HostKind::Pod
                            && n.rect.x <= h.rect.x
                            && h.rect.right() <= n.rect.right()
                            && n.rect.y <= h.rect.y
                            && h.rect.bottom() <= n.rect.bottom()
                    })
                    .map(|h| h.name.clone()),
            );
            if layout.folds.iter().any(|f| f.node == n.name) {
                order.push(format!("fold:{}", n.name));
            }
        }
        let strays: Vec<String> = layout
            .hosts
            .iter()
            .filter(|h| h.kind == HostKind::Pod && !order.contains(&h.name))
            .map(|h| h.name.clone())
            .collect();
        order.extend(strays);
        order
    };
    let roving = use_state(|| None::<String>);
    let active = (*roving)
        .clone()
        .filter(|k| rove.contains(k))
        .or_else(|| current.as_ref().map(|(_, h)| h.clone()))
        .or_else(|| rove.first().cloned())
        .unwrap_or_default();
    let onkeydown = {
        let rove = rove.clone();
        let roving = roving.clone();
        Callback::from(move |e: KeyboardEvent| {
            let Some(target) = e
                .target()
                .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
                .and_then(|t| t.closest("[data-rove]").ok().flatten())
            else {
                return;
            };
            let key = target.get_attribute("data-rove").unwrap_or_default();
            let Some(i) = rove.iter().position(|k| *k == key) else {
                return;
            };
            let to = match e.key().as_str() {
                "ArrowRight" | "ArrowDown" => (i + 1).min(rove.len() - 1),
                "ArrowLeft" | "ArrowUp" => i.saturating_sub(1),
                "Home" => 0,
                "End" => rove.len() - 1,
                _ => return,
            };
            e.prevent_default();
            let next = rove[to].clone();
            if let Some(svg) = target.closest("svg").ok().flatten() {
                if let Ok(Some(el)) = svg.query_selector(&format!("[data-rove=\"{next}\"]")) {
                    // Move the stop before the focus, so a re-render keeps it.
                    let _ = target.set_attribute("tabindex", "-1");
                    let _ = el.set_attribute("tabindex", "0");
                    hooks::focus_without_scrolling(&el);
                    el.scroll_into_view_with_bool(false);
                }
            }
            roving.set(Some(next));
        })
    };
    let folds = layout.folds.iter().map(|f| {
        let r = f.rect;
        let words = layout::fold_words(f.hidden.len(), f.open);
        let label = if f.open {
            format!("{}: fold its pods into a count again", f.node)
        } else {
            format!(
                "{}: {} more pod{} not drawn ({}): draw them",
                f.node,
                f.hidden.len(),
                if f.hidden.len() == 1 { "" } else { "s" },
                f.hidden.join(", ")
            )
        };
        let toggle = {
            let open = open.clone();
            let node = f.node.clone();
            let opened = f.open;
            move || open.set((!opened).then(|| node.clone()))
        };
        let onclick = {
            let toggle = toggle.clone();
            Callback::from(move |e: MouseEvent| {
                e.stop_propagation();
                toggle()
            })
        };
        let onkeydown = Callback::from(move |e: KeyboardEvent| {
            if matches!(e.key().as_str(), "Enter" | " ") {
                e.prevent_default();
                toggle()
            }
        });
        let key = format!("fold:{}", f.node);
        html! {
            <g class={classes!("fold", f.open.then_some("open"))} data-fold={f.node.clone()} data-hidden={f.hidden.len().to_string()}
                role="button" tabindex={if active == key { "0" } else { "-1" }} data-rove={key}
                aria-label={label} aria-expanded={f.open.to_string()} {onclick} {onkeydown}>
                <rect x={r.x.to_string()} y={r.y.to_string()} width={r.w.to_string()} height={r.h.to_string()} rx="14" />
                <text x={(r.x + 12).to_string()} y={(r.y + 19).to_string()}>{ words }</text>
            </g>
        }
    });

    let bands = layout.bands.iter().map(|b| {
        let r = b.rect;
        let class = classes!("band", (!b.has_pod).then_some("no-pod"));
        let note = if b.has_pod { "pod here" } else { "no pod here" };
        html! {
            <g {class} data-service={b.service.clone()} data-node={b.node.clone()}>
                <title>{ format!("{} on {}: {}", b.text, b.node, if b.has_pod { "a pod of the Service runs on this node" } else { "no pod of the Service runs on this node; kube-proxy forwards to another node" }) }</title>
                <rect x={r.x.to_string()} y={r.y.to_string()} width={r.w.to_string()} height={r.h.to_string()} rx="10" />
                <text class="band-text" x={(r.x + 8).to_string()} y={(r.y + 17).to_string()}>{ b.text.clone() }</text>
                <text class="band-note" x={(r.right() - 8).to_string()} y={(r.y + 17).to_string()} text-anchor="end">{ note }</text>
            </g>
        }
    });

    let picture = html! {
        <svg
            id={id.to_string()}
            class="topology-svg"
            xmlns="http://www.w3.org/2000/svg"
            role="group"
            aria-labelledby={format!("{id}-title {id}-desc")}
            viewBox={format!("0 0 {} {}", layout.width, layout.height)}
            preserveAspectRatio="xMidYMin meet"
            width={scale.map(|s| format!("{:.0}", f64::from(layout.width) * s))}
            height={scale.map(|s| format!("{:.0}", f64::from(layout.height) * s))}
            data-scale={scale.map(|s| format!("{s:.3}"))}
            data-crowded={layout.crowded.to_string()}
            onkeydown={props.on_host.is_some().then_some(onkeydown)}
        >
            <title id={format!("{id}-title")}>{ title }</title>
            <desc id={format!("{id}-desc")}>{ desc }</desc>
            <defs>
                <marker id={format!("{id}-arrow-request")} class="arrow request" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="3.5" markerHeight="3.5" orient="auto-start-reverse">
                    <path d="M 0 0 L 10 5 L 0 10 z" />
                </marker>
                <marker id={format!("{id}-arrow-reply")} class="arrow reply" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="3.5" markerHeight="3.5" orient="auto-start-reverse">
                    <path d="M 0 0 L 10 5 L 0 10 z" />
                </marker>
            </defs>
            { for nodes.map(|n| host(n, &path, trace, current.as_ref(), on_host, &active)) }
            { for bands }
            { for layout.buses.iter().map(|b| html! {
                <g class="segment" data-segment={b.segment.clone()}>
                    { for b.rails.iter().map(|r| html! {
                        <line x1={r.x1.to_string()} y1={r.y.to_string()} x2={r.x2.to_string()} y2={r.y.to_string()} />
                    }) }
                    if b.rails.len() > 1 {
                        <line x1={b.join_x.to_string()} y1={b.rails[0].y.to_string()} x2={b.join_x.to_string()}
                            y2={b.rails.last().map(|r| r.y).unwrap_or(0).to_string()} />
                    }
                    <text class="segment-label" x={b.label_at.0.to_string()} y={b.label_at.1.to_string()}>{ b.label.clone() }</text>
                </g>
            }) }
            // flannel's overlay rides the home network: named beside it.
            if let (Some(lan), true) = (
                layout.bus("lan"),
                layout.overlay_label,
            ) {
                <g class="segment overlay" data-segment="vxlan">
                    <text class="segment-label overlay-label" x={(lan.label_at.0 + 9 * lan.label.chars().count() as i32 + 9).to_string()} y={lan.label_at.1.to_string()}>
                        { layout::OVERLAY_LABEL }
                    </text>
                </g>
            }
            { for layout.taps.iter().map(|t| html! {
                <line class="tap" x1={t.x.to_string()} y1={t.y_host.to_string()} x2={t.x.to_string()} y2={t.y_bus.to_string()} />
            }) }
            { for others.map(|h| host(h, &path, trace, current.as_ref(), on_host, &active)) }
            { for folds }
            { for wires }
            { dot }
            if let (Some(end), Some(summary), true) = (&path.ending, &summary, show_ending) {
                { ending(&layout, end, summary, on_host) }
            }
            if layout.more_services > 0 {
                <text class="segment-label" x="16" y={(layout.height - 10).to_string()}>
                    { format!("+ {} more Service(s): see kubectl get svc", layout.more_services) }
                </text>
            }
        </svg>
    };

    if !props.full {
        return html! { <div class="topology mini">{ picture }</div> };
    }
    html! {
        <figure class="topology">
            <div class="topology-frame" ref={frame}>{ picture }</div>
            <figcaption class="legend">
                <span class="legend-item"><svg class="legend-swatch" viewBox="0 0 30 10" aria-hidden="true"><line class="wire-path request" x1="0" y1="5" x2="30" y2="5" /></svg>{ "request" }</span>
                <span class="legend-item"><svg class="legend-swatch" viewBox="0 0 30 10" aria-hidden="true"><line class="wire-path reply" x1="0" y1="5" x2="30" y2="5" /></svg>{ "reply (dashed)" }</span>
                <span class="legend-item"><span class="legend-glyph numbers" aria-hidden="true">{ "1·6" }</span>{ "hop numbers" }</span>
                <span class="legend-item"><span class="legend-glyph stop" aria-hidden="true">{ "✕" }</span>{ "stopped" }</span>
                <span class="legend-item"><span class="legend-glyph answer" aria-hidden="true">{ "✓" }</span>{ "answered" }</span>
                <span class="legend-item"><span class="legend-band" aria-hidden="true">{ "svc" }</span>{ "a Service, on every node" }</span>
                if props.topology.segments.iter().any(|g| g.name == "vxlan") {
                    <span class="legend-item" data-segment="vxlan">{ "LAN + VXLAN overlay (flannel.1)" }</span>
                }
            </figcaption>
            <NetworkText topology={props.topology.clone()} trace={props.trace.clone()} />
        </figure>
    }
}
