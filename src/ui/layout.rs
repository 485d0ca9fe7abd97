//! Where each host, wire and Service of the picture goes, computed from the
//! engine's [`Topology`] alone, so a world with more nodes, pods or
//! Services draws itself.
//!
//! The picture reads top to bottom the way the packet of the first lesson
//! travels: the uplink to the internet (`wan`), the laptop and the home
//! router, the home LAN as a horizontal bus, then one frame per node holding
//! its `cni0` bridge and the pods plugged into it. Nodes go in rows of at
//! most [`NODES_PER_ROW`]; the LAN then has one rail above each row, joined
//! at the left, so a picture of eight nodes stays about as wide as one of
//! four and fits its pane without scrolling sideways. Every wire is
//! vertical (a host's *tap* onto a rail) or horizontal (along a rail, or
//! the join), so a packet's route between two hosts is always: along its
//! sender's tap, the rails, the receiver's tap.
//!
//! A Service is drawn as what it is, a virtual address every node answers
//! for: a band across each node frame (its ClusterIP and node port), the
//! same on every node, marked on a node that runs none of its pods.
//!
//! `Topology` names each host's addresses and the segment each interface
//! is plugged into; a segment is only guessed when the engine does not say.

use crate::engine::net::HostKind;
use crate::engine::world::{TopoHost, TopoService, Topology};
use std::net::Ipv4Addr;

/// Space around the picture.
pub const MARGIN: i32 = 16;
/// Height of one line of text in a box (the picture's text is 15 units,
/// the page's body size, so at a scale of 1 it reads as the page does).
pub const LINE: i32 = 20;
/// At most this many nodes side by side; more go on another row.
pub const NODES_PER_ROW: usize = 4;
/// At most this many Services are drawn as bands (the rest are counted).
pub const SERVICE_BANDS: usize = 4;
/// Horizontal space between boxes.
const GAP: i32 = 24;
/// How far from a box's left edge its wires attach.
const TAP_INSET: i32 = 24;
/// Room between a row of boxes and the bus it plugs into.
const TAP_LENGTH: i32 = 24;
/// Height of a Service band in a node frame.
pub const BAND: i32 = 24;
/// Height of the chip that counts a node's folded pods.
pub const FOLD: i32 = 28;
/// Glyph widths, in the picture's units, of the host name (15px sans-serif,
/// semi-bold) and of an address (15px monospace). Estimates: an SVG cannot
/// be measured before it is in the page, and a box a little wide is harmless.
const NAME_GLYPH: i32 = 10;
const ADDR_GLYPH: i32 = 9;
/// A band's text (15px monospace, semi-bold).
const BAND_GLYPH: i32 = 9;
/// The largest and smallest scale the picture is drawn at: text at 1 is the
/// body text's size; below it the picture is not shrunk but scrolls.
pub const MAX_SCALE: f64 = 1.25;
/// flannel's overlay, named after the LAN's label (it rides the LAN).
pub const OVERLAY_LABEL: &str = "+ VXLAN overlay (flannel.1)";
pub const MIN_SCALE: f64 = 1.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    pub x: i32,
    pub y: i32,
    pub w: i32,
    pub h: i32,
}

impl Rect {
    pub fn right(&self) -> i32 {
        self.x + self.w
    }
    pub fn bottom(&self) -> i32 {
        self.y + self.h
    }
    /// Where wires meet the box: near its left edge, every box alike, so
    /// the right of its top edge stays free for the marker of a packet's end.
    pub fn tap_x(&self) -> i32 {
        self.x + TAP_INSET
    }
}

/// A host's box. For a node it is the frame its bridge and pods sit in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostShape {
    pub name: String,
    pub kind: HostKind,
    pub rect: Rect,
    /// One line per address, `eth0 192.168.1.10/24` (shorter in a crowded
    /// picture: the text list and the cards say the rest).
    pub addresses: Vec<String>,
}

/// One horizontal line of a segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rail {
    pub y: i32,
    pub x1: i32,
    pub x2: i32,
}

/// A segment: one rail, or (the LAN of a picture with rows of nodes)
/// several, joined by a vertical line at `join_x`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bus {
    /// The engine's name: `lan`, `wan`, `cni0@node01`.
    pub segment: String,
    /// What the picture writes next to it: `LAN 192.168.1.0/24`.
    pub label: String,
    pub rails: Vec<Rail>,
    pub join_x: i32,
    /// Where the label goes (its left end, its baseline).
    pub label_at: (i32, i32),
}

impl Bus {
    /// The rail at height `y`.
    pub fn rail(&self, y: i32) -> Option<&Rail> {
        self.rails.iter().find(|r| r.y == y)
    }
}

/// Where a host plugs into a segment: a vertical wire from the host's box
/// edge at (`x`, `y_host`) to the rail at `y_bus`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tap {
    pub host: String,
    pub segment: String,
    pub x: i32,
    pub y_host: i32,
    pub y_bus: i32,
}

/// A Service's band in one node frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Band {
    /// `default/myapp-service`.
    pub service: String,
    pub node: String,
    pub rect: Rect,
    pub text: String,
    /// A ready pod of the Service runs on this node.
    pub has_pod: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub width: i32,
    pub height: i32,
    /// Node frames first, so what sits inside them is drawn on top.
    pub hosts: Vec<HostShape>,
    pub buses: Vec<Bus>,
    pub taps: Vec<Tap>,
    pub bands: Vec<Band>,
    /// Services not drawn as bands (beyond the plan's).
    pub more_services: usize,
    /// Each node whose pods are not all drawn (or were opened): its chip.
    pub folds: Vec<Fold>,
    /// The LAN's label names flannel's overlay too ([`OVERLAY_LABEL`]); a
    /// crowded picture leaves it to the legend, so the LAN is not the
    /// widest thing in it.
    pub overlay_label: bool,
    /// Drawn with the short address lines (see [`Plan::crowded`]).
    pub crowded: bool,
}

/// A node's pods that the picture counts instead of drawing, as a chip in
/// its frame that opens them (or, once opened, folds them again).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fold {
    pub node: String,
    pub rect: Rect,
    /// The pods not drawn (empty once opened).
    pub hidden: Vec<String>,
    /// The student opened this node: all of its pods are drawn.
    pub open: bool,
}

/// How much of the world the picture draws, and how it is arranged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub nodes_per_row: usize,
    /// Short address lines (a node's LAN address, a pod's own) and bands.
    pub crowded: bool,
    pub pods_per_row: usize,
    /// At most this many pods drawn in a node (pods in `keep` always are);
    /// `None`: all.
    pub pods_shown: Option<usize>,
    pub bands: usize,
    /// Pods always drawn: those the last packet visited.
    pub keep: Vec<String>,
    /// The node the student opened: all its pods are drawn.
    pub open: Option<String>,
}

impl Plan {
    /// Everything, as many nodes to a row as fit a laptop's pane.
    pub fn full(t: &Topology) -> Plan {
        let crowded = t.hosts.iter().filter(|h| h.kind == HostKind::Node).count() > 2;
        Plan {
            nodes_per_row: NODES_PER_ROW,
            crowded,
            pods_per_row: if crowded { 2 } else { 3 },
            pods_shown: None,
            bands: SERVICE_BANDS,
            keep: vec![],
            open: None,
        }
    }
}

/// The room the picture has, in CSS pixels; `height` infinite where the
/// pane scrolls (a phone).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Room {
    pub width: f64,
    pub height: f64,
}

impl Layout {
    /// The scale that fits this layout in `room`, within [`MAX_SCALE`].
    pub fn scale_in(&self, room: Room) -> f64 {
        let w = room.width / f64::from(self.width.max(1));
        let h = room.height / f64::from(self.height.max(1));
        w.min(h).min(MAX_SCALE)
    }

    /// The most detailed picture of `t` whose text stays at the body's size
    /// in `room` (scale at least [`MIN_SCALE`]): all of it if it fits, else
    /// shorter labels and fewer bands, then pods folded into a count per
    /// node (the pods in `keep` and the `open` node's stay drawn). Among
    /// arrangements of the same detail, the one drawn largest. When even
    /// the most folded does not fit, the least folded of those drawn
    /// largest (the frame then scrolls).
    pub fn fit(t: &Topology, room: Room, keep: &[String], open: Option<&str>) -> Layout {
        let nodes = t.hosts.iter().filter(|h| h.kind == HostKind::Node).count();
        let levels: [(bool, Option<usize>, usize); 8] = [
            (false, None, SERVICE_BANDS),
            (true, None, SERVICE_BANDS),
            (true, None, 2),
            (true, Some(3), 2),
            (true, Some(2), 2),
            (true, Some(1), 1),
            (true, Some(0), 1),
            (true, Some(0), 0),
        ];
        // Each level's best arrangement, least folded first.
        let mut tried: Vec<(f64, Layout)> = vec![];
        for (crowded, pods_shown, bands) in levels {
            let mut best: Option<(f64, Layout)> = None;
            for nodes_per_row in 1..=nodes.clamp(1, NODES_PER_ROW) {
                for pods_per_row in 1..=3 {
                    let plan = Plan {
                        nodes_per_row,
                        crowded,
                        pods_per_row,
                        pods_shown,
                        bands,
                        keep: keep.to_vec(),
                        open: open.map(str::to_string),
                    };
                    let layout = Layout::build(t, &plan);
                    let scale = layout.scale_in(room);
                    // Equal scales: the wider arrangement reads left to right.
                    if best.as_ref().is_none_or(|(b, _)| scale > *b + 1e-9) {
                        best = Some((scale, layout));
                    }
                }
            }
            let Some((scale, layout)) = best else { break };
            if scale >= MIN_SCALE {
                return layout;
            }
            tried.push((scale, layout));
        }
        // Nothing fits: the frame pans. Folding only where it makes the
        // picture larger (on a phone the width of the outside hosts' row
        // sets the scale, and hiding pods would not help).
        let top = tried.iter().map(|(s, _)| *s).fold(0.0, f64::max);
        tried
            .into_iter()
            .find(|(s, _)| *s >= top - 1e-9)
            .map(|(_, l)| l)
            .unwrap_or_else(|| Layout::of(t))
    }
}

/// `192.168.1.10/24` → (`192.168.1.0/24` as text, the address's network).
fn network_of(cidr: &str) -> Option<(String, u32, u8)> {
    let (addr, prefix) = cidr.split_once('/')?;
    let addr: Ipv4Addr = addr.parse().ok()?;
    let prefix: u8 = prefix.parse().ok().filter(|p| *p <= 32)?;
    let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
    let net = u32::from(addr) & mask;
    Some((format!("{}/{prefix}", Ipv4Addr::from(net)), net, prefix))
}

fn bridge_of(node: &str) -> String {
    format!("cni0@{node}")
}

/// The segment each of `host`'s addresses is on, as far as it can be told.
fn segment_of(
    host: &TopoHost,
    iface: &str,
    cidr: &str,
    lan: Option<&str>,
    has_wan: bool,
) -> Option<String> {
    // The engine says where each interface is plugged in; guess only without it.
    if let Some((_, seg)) = host.links.iter().find(|(i, _)| i == iface) {
        return Some(seg.clone());
    }
    if host.kind == HostKind::Pod {
        return host.parent.as_deref().map(bridge_of);
    }
    if iface == "cni0" {
        return Some(bridge_of(&host.name));
    }
    let net = network_of(cidr).map(|n| n.0);
    if net.is_some() && net.as_deref() == lan {
        return Some("lan".into());
    }
    (host.kind == HostKind::Router && has_wan).then(|| "wan".into())
}

/// The network shared by the most hosts outside the pod networks: the LAN.
fn lan_network(t: &Topology) -> Option<String> {
    let mut counts: Vec<(String, usize)> = vec![];
    for host in t.hosts.iter().filter(|h| h.kind != HostKind::Pod) {
        for (_, cidr) in host.addresses.iter().filter(|(iface, _)| iface != "cni0") {
            if let Some((net, ..)) = network_of(cidr) {
                match counts.iter_mut().find(|(n, _)| *n == net) {
                    Some((_, c)) => *c += 1,
                    None => counts.push((net, 1)),
                }
            }
        }
    }
    // The first of the most shared, so ties keep topology order.
    let best = counts.iter().map(|(_, c)| *c).max()?;
    counts.into_iter().find(|(_, c)| *c == best).map(|(n, _)| n)
}

fn box_size(host: &TopoHost, addresses: &[String]) -> (i32, i32) {
    let name_w = host.name.chars().count() as i32 * NAME_GLYPH;
    let addr_w = addresses
        .iter()
        .map(|a| a.chars().count() as i32)
        .max()
        .unwrap_or(0)
        * ADDR_GLYPH;
    // Wide enough for its text, and for a "stopped here" marker beside its
    // tap (see `Rect::tap_x`).
    let w = (name_w.max(addr_w) + 20).max(120);
    let h = 12 + LINE * (1 + addresses.len() as i32);
    (w, h)
}

/// The address lines of a box. In a crowded picture a node keeps its LAN
/// address and a pod its own, without interface names.
fn address_lines(host: &TopoHost, crowded: bool) -> Vec<String> {
    if !crowded {
        return host
            .addresses
            .iter()
            .map(|(iface, cidr)| format!("{iface} {cidr}"))
            .collect();
    }
    host.addresses
        .iter()
        .filter(|(iface, _)| iface != "cni0")
        .take(1)
        .map(|(_, cidr)| cidr.split('/').next().unwrap_or(cidr).to_string())
        .collect()
}

/// What a fold chip says: `+ 5 pods` (opens them), or `fold pods`.
pub fn fold_words(hidden: usize, open: bool) -> String {
    match (open, hidden) {
        (true, _) => "fold the pods".to_string(),
        (false, 1) => "+ 1 more pod".to_string(),
        (false, n) => format!("+ {n} more pods"),
    }
}

/// Outside hosts go left to right: the laptop, then routers, then the rest.
fn top_row_rank(kind: HostKind) -> u8 {
    match kind {
        HostKind::Laptop => 0,
        HostKind::Router => 1,
        HostKind::LoadBalancer => 2,
        HostKind::Node | HostKind::Pod => 3,
    }
}

/// A Service band's words: its name, ClusterIP and port, node port.
fn band_text(s: &TopoService, crowded: bool) -> String {
    let mut text = format!("svc {}", s.name);
    let port = s.ports.first();
    if !crowded {
        match (s.cluster_ip, port) {
            (Some(ip), Some(p)) => text.push_str(&format!(" {ip}:{}", p.port)),
            (None, _) => text.push_str(" headless"),
            _ => {}
        }
    }
    if let Some(np) = port.and_then(|p| p.node_port) {
        text.push_str(&format!(" :{np}"));
    }
    text
}

impl Layout {
    /// Everything (see [`Plan::full`]).
    pub fn of(t: &Topology) -> Layout {
        Layout::build(t, &Plan::full(t))
    }

    pub fn build(t: &Topology, plan: &Plan) -> Layout {
        let has_segment = |name: &str| t.segments.iter().any(|s| s.name == name);
        let has_wan = has_segment("wan");
        let lan = lan_network(t);
        let nodes: Vec<&TopoHost> = t
            .hosts
            .iter()
            .filter(|h| h.kind == HostKind::Node)
            .collect();
        let crowded = plan.crowded;
        let services: Vec<&TopoService> = t.services.iter().take(plan.bands).collect();
        let is_node = |name: &str| nodes.iter().any(|n| n.name == name);
        // A pod whose node is not in the picture is drawn with the outside
        // hosts rather than lost.
        let mut top_row: Vec<&TopoHost> = t
            .hosts
            .iter()
            .filter(|h| match h.kind {
                HostKind::Node => false,
                HostKind::Pod => !h.parent.as_deref().is_some_and(is_node),
                HostKind::Laptop | HostKind::Router | HostKind::LoadBalancer => true,
            })
            .collect();
        servicelab_engine::sort::sort_by_key(&mut top_row, |h| top_row_rank(h.kind));

        let mut layout = Layout {
            width: 0,
            height: 0,
            hosts: vec![],
            buses: vec![],
            taps: vec![],
            bands: vec![],
            more_services: t.services.len().saturating_sub(plan.bands),
            folds: vec![],
            overlay_label: !crowded && has_segment("vxlan"),
            crowded,
        };
        let tap = |layout: &mut Layout,
                   host: &TopoHost,
                   segment: String,
                   x: i32,
                   y_host: i32,
                   y_bus: i32| {
            if has_segment(&segment)
                && !layout
                    .taps
                    .iter()
                    .any(|t| t.host == host.name && t.segment == segment)
            {
                layout.taps.push(Tap {
                    host: host.name.clone(),
                    segment,
                    x,
                    y_host,
                    y_bus,
                });
            }
        };

        // The uplink's bus runs above the outside hosts.
        let wan_y = MARGIN + 4;
        let top_y = if has_wan { wan_y + TAP_LENGTH } else { MARGIN };
        let join_x = MARGIN;
        let mut x = MARGIN + 12;
        let mut top_h = 0;
        let mut outside = vec![];
        let mut outside_taps = vec![];
        for host in &top_row {
            let addresses = address_lines(host, false);
            let (w, h) = box_size(host, &addresses);
            let rect = Rect { x, y: top_y, w, h };
            outside_taps.push((*host, rect));
            outside.push(HostShape {
                name: host.name.clone(),
                kind: host.kind,
                rect,
                addresses,
            });
            top_h = top_h.max(h);
            x += w + GAP;
        }
        let lan_y = top_y + top_h + TAP_LENGTH;
        for (host, rect) in outside_taps {
            for (iface, cidr) in &host.addresses {
                match segment_of(host, iface, cidr, lan.as_deref(), has_wan) {
                    Some(s) if s == "wan" => tap(&mut layout, host, s, rect.tap_x(), rect.y, wan_y),
                    Some(s) if s == "lan" => {
                        tap(&mut layout, host, s, rect.tap_x(), rect.bottom(), lan_y)
                    }
                    // Another segment outside the nodes has no rail here.
                    _ => {}
                }
            }
        }

        // The nodes, in rows; each row hangs from a rail of the LAN.
        let mut inside = vec![];
        let mut bridges = vec![];
        let mut rail_y = lan_y;
        let mut rails = vec![];
        let mut bottom = top_y + top_h;
        for row in nodes.chunks(plan.nodes_per_row.max(1)) {
            let node_y = rail_y + TAP_LENGTH;
            let mut x = MARGIN + 12;
            let mut row_bottom = node_y;
            for node in row {
                let addresses = address_lines(node, crowded);
                let (header_w, header_h) = box_size(node, &addresses);
                let bands_y = node_y + header_h;
                let bands_h = services.len() as i32 * (BAND + 4);
                let bridge_y = bands_y + bands_h + 26;
                // Pods hang from the bridge in rows (two to a row in a
                // crowded picture); each row has a rail of the bridge, the
                // rails joined at the left, as the LAN's are.
                let per_row = plan.pods_per_row.max(1);
                let all_pods: Vec<&TopoHost> = t
                    .hosts
                    .iter()
                    .filter(|h| {
                        h.kind == HostKind::Pod && h.parent.as_deref() == Some(node.name.as_str())
                    })
                    .collect();
                // The pods drawn: all, or those kept and the first others
                // up to the plan's number; the rest are counted.
                let opened = plan.open.as_deref() == Some(node.name.as_str());
                let kept = |p: &TopoHost| plan.keep.contains(&p.name);
                let room = plan
                    .pods_shown
                    .filter(|_| !opened)
                    .map(|n| n.saturating_sub(all_pods.iter().filter(|p| kept(p)).count()));
                let mut others = 0;
                let (pods, hidden): (Vec<&TopoHost>, Vec<&TopoHost>) =
                    all_pods.iter().copied().partition(|p| {
                        kept(p)
                            || room.is_none_or(|r| {
                                others += 1;
                                others <= r
                            })
                    });
                let mut rail = bridge_y;
                let mut bridge_rails = vec![bridge_y];
                let mut pods_bottom = None;
                let mut pods_w = 0;
                for (r, row) in pods.chunks(per_row).enumerate() {
                    if r > 0 {
                        rail = pods_bottom.unwrap_or(rail) + 18;
                        bridge_rails.push(rail);
                    }
                    let pod_y = rail + TAP_LENGTH;
                    let mut pod_x = x + 12;
                    for pod in row {
                        let addresses = address_lines(pod, crowded);
                        let (w, h) = box_size(pod, &addresses);
                        let rect = Rect {
                            x: pod_x,
                            y: pod_y,
                            w,
                            h,
                        };
                        tap(
                            &mut layout,
                            pod,
                            bridge_of(&node.name),
                            rect.tap_x(),
                            rect.y,
                            rail,
                        );
                        inside.push(HostShape {
                            name: pod.name.clone(),
                            kind: pod.kind,
                            rect,
                            addresses,
                        });
                        pods_bottom = Some(pods_bottom.unwrap_or(0).max(rect.bottom()));
                        pod_x += w + 12;
                    }
                    pods_w = pods_w.max(pod_x - x);
                }
                // The chip that opens the folded pods (or folds them again).
                let foldable = opened && plan.pods_shown.is_some_and(|n| all_pods.len() > n);
                if !hidden.is_empty() || foldable {
                    let y = pods_bottom.map_or(rail + 10, |b| b + 10);
                    let words = fold_words(hidden.len(), opened);
                    let rect = Rect {
                        x: x + 12,
                        y,
                        w: 24 + words.chars().count() as i32 * NAME_GLYPH,
                        h: FOLD,
                    };
                    pods_w = pods_w.max(rect.right() - x);
                    pods_bottom = Some(rect.bottom());
                    layout.folds.push(Fold {
                        node: node.name.clone(),
                        rect,
                        hidden: hidden.iter().map(|p| p.name.clone()).collect(),
                        open: opened,
                    });
                }
                let pod_x = x + pods_w;
                let bridge_label = node
                    .addresses
                    .iter()
                    .find(|(i, _)| i == "cni0")
                    .and_then(|(_, cidr)| network_of(cidr))
                    .map(|(net, ..)| format!("cni0 {net}"))
                    .unwrap_or_else(|| "cni0 bridge".into());
                let label_w = 36 + bridge_label.chars().count() as i32 * ADDR_GLYPH;
                let band_w = services
                    .iter()
                    .map(|s| (band_text(s, crowded).chars().count() as i32 + 13) * BAND_GLYPH + 16)
                    .max()
                    .unwrap_or(0);
                let w = header_w
                    .max(pod_x - x)
                    .max(label_w + 12)
                    .max(band_w + 16)
                    .max(if crowded { 170 } else { 220 });
                let h = match pods_bottom {
                    None => bridge_y + 20 - node_y,
                    Some(b) => b + 14 - node_y,
                };
                let rect = Rect { x, y: node_y, w, h };
                for (iface, cidr) in &node.addresses {
                    match segment_of(node, iface, cidr, lan.as_deref(), has_wan) {
                        // The bridge lives inside the node: its tap starts
                        // below the node's name, addresses and Services.
                        Some(s) if s == bridge_of(&node.name) => tap(
                            &mut layout,
                            node,
                            s,
                            rect.tap_x(),
                            bands_y + bands_h,
                            bridge_y,
                        ),
                        Some(s) if s == "lan" => {
                            tap(&mut layout, node, s, rect.tap_x(), rect.y, rail_y)
                        }
                        _ => {}
                    }
                }
                for (i, s) in services.iter().enumerate() {
                    layout.bands.push(Band {
                        service: format!("{}/{}", s.namespace, s.name),
                        node: node.name.clone(),
                        rect: Rect {
                            x: x + 8,
                            y: bands_y + i as i32 * (BAND + 4),
                            w: w - 16,
                            h: BAND,
                        },
                        text: band_text(s, crowded),
                        has_pod: s.has_endpoint_on(&node.name),
                    });
                }
                bridges.push(Bus {
                    segment: bridge_of(&node.name),
                    label: bridge_label,
                    rails: bridge_rails
                        .iter()
                        .map(|&y| Rail {
                            y,
                            x1: x + 8,
                            x2: rect.right() - 10,
                        })
                        .collect(),
                    join_x: x + 8,
                    label_at: (x + 36, bridge_y - 7),
                });
                layout.hosts.push(HostShape {
                    name: node.name.clone(),
                    kind: node.kind,
                    rect,
                    addresses,
                });
                row_bottom = row_bottom.max(rect.bottom());
                x += w + GAP;
            }
            rails.push(rail_y);
            bottom = bottom.max(row_bottom);
            rail_y = row_bottom + TAP_LENGTH;
        }
        layout.hosts.extend(outside);
        layout.hosts.extend(inside);

        // The LAN (a rail per row) and the uplink span the taps on them.
        let lan_label = lan.as_ref().map(|n| format!("LAN {n}"));
        if let Some(&first) = rails.first().or(Some(&lan_y)) {
            let mut lan_rails = vec![];
            for y in rails
                .iter()
                .copied()
                .chain((rails.is_empty()).then_some(first))
            {
                let xs: Vec<i32> = layout
                    .taps
                    .iter()
                    .filter(|t| t.segment == "lan" && t.y_bus == y)
                    .map(|t| t.x)
                    .collect();
                let Some(max) = xs.iter().max() else { continue };
                lan_rails.push(Rail {
                    y,
                    x1: join_x,
                    x2: max + 36,
                });
            }
            if let Some(top) = lan_rails.first().copied() {
                layout.buses.push(Bus {
                    segment: "lan".into(),
                    label: lan_label.unwrap_or_else(|| "lan".into()),
                    label_at: (top.x2 + 8, top.y + 4),
                    rails: lan_rails,
                    join_x,
                });
            }
        }
        let wan_xs: Vec<i32> = layout
            .taps
            .iter()
            .filter(|t| t.segment == "wan")
            .map(|t| t.x)
            .collect();
        if let (Some(min), Some(max)) = (wan_xs.iter().min(), wan_xs.iter().max()) {
            let rail = Rail {
                y: wan_y,
                x1: min - 20,
                x2: max + 36,
            };
            layout.buses.push(Bus {
                segment: "wan".into(),
                label: "WAN, to the internet".into(),
                label_at: (rail.x2 + 8, wan_y + 4),
                rails: vec![rail],
                join_x: rail.x1,
            });
        }
        layout
            .buses
            .extend(bridges.into_iter().filter(|b| has_segment(&b.segment)));

        let right = layout
            .hosts
            .iter()
            .map(|h| h.rect.right())
            .chain(layout.buses.iter().map(|b| {
                let mut chars = b.label.chars().count() as i32;
                if b.segment == "lan" && layout.overlay_label {
                    chars += 1 + OVERLAY_LABEL.chars().count() as i32;
                }
                b.label_at.0 + chars * ADDR_GLYPH
            }))
            .max()
            .unwrap_or(0);
        let bottom = layout
            .hosts
            .iter()
            .map(|h| h.rect.bottom())
            .chain(
                layout
                    .buses
                    .iter()
                    .flat_map(|b| b.rails.iter().map(|r| r.y)),
            )
            .max()
            .unwrap_or(bottom);
        layout.width = (right + MARGIN).max(320);
        layout.height = bottom + MARGIN + if layout.more_services > 0 { LINE } else { 0 };
        layout
    }

    pub fn host(&self, name: &str) -> Option<&HostShape> {
        self.hosts.iter().find(|h| h.name == name)
    }

    pub fn bus(&self, segment: &str) -> Option<&Bus> {
        self.buses.iter().find(|b| b.segment == segment)
    }

    pub fn tap(&self, host: &str, segment: &str) -> Option<&Tap> {
        self.taps
            .iter()
            .find(|t| t.host == host && t.segment == segment)
    }

    /// The wire a packet followed from `from` to `to` over `segment`, as
    /// polyline points: down (or up) the sender's tap, along its rail (and
    /// the join to another rail), to the receiver's tap. A next hop that is
    /// not in the picture (a host on the internet) is reached at the far
    /// end of the rail.
    pub fn wire(&self, from: &str, to: &str, segment: &str) -> Option<Vec<(i32, i32)>> {
        let bus = self.bus(segment)?;
        let a = self.tap(from, segment)?;
        let mut points = vec![(a.x, a.y_host), (a.x, a.y_bus)];
        match self.tap(to, segment) {
            Some(b) => {
                if b.y_bus != a.y_bus {
                    points.push((bus.join_x, a.y_bus));
                    points.push((bus.join_x, b.y_bus));
                }
                points.push((b.x, b.y_bus));
                points.push((b.x, b.y_host));
            }
            None => {
                let rail = bus.rail(a.y_bus)?;
                points.push((rail.x2, a.y_bus));
            }
        }
        Some(points)
    }
}
