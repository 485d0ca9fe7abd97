//! Where each host and wire of the picture goes, computed from the engine's
//! [`Topology`] alone, so a world with more nodes or pods draws itself.
//!
//! The picture reads top to bottom the way the packet of the first lesson
//! travels: the uplink to the internet (`wan`), the laptop and the home
//! router, the home LAN as a horizontal bus, then one frame per node holding
//! its `cni0` bridge and the pods plugged into it. Every wire is vertical
//! (a host's *tap* onto a segment) or horizontal (the segment's *bus*), so a
//! packet's route between two hosts is always: up or down its sender's tap,
//! along the bus, down or up the receiver's tap.
//!
//! `Topology` names each host's addresses but not the segment each
//! interface is on, so [`Layout::of`] infers it: a pod is on its node's
//! `cni0@node`, a node's `cni0` address is on its own bridge, the network
//! most hosts share is the `lan`, and a router's other address is its `wan`.

use crate::engine::net::HostKind;
use crate::engine::world::{TopoHost, Topology};
use std::net::Ipv4Addr;

/// Space around the picture.
pub const MARGIN: i32 = 16;
/// Height of one line of text in a box.
pub const LINE: i32 = 16;
/// Horizontal space between boxes.
const GAP: i32 = 32;
/// How far from a box's left edge its wires attach.
const TAP_INSET: i32 = 24;
/// Room between a row of boxes and the bus it plugs into.
const TAP_LENGTH: i32 = 30;
/// Glyph widths, in the picture's units, of the host name (13px sans-serif,
/// bold) and of an address (12px monospace). Estimates: an SVG cannot be
/// measured before it is in the page, and a box a little wide is harmless.
const NAME_GLYPH: i32 = 8;
const ADDR_GLYPH: i32 = 8;

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
    /// One line per address, `eth0 192.168.1.10/24`.
    pub addresses: Vec<String>,
}

/// A segment drawn as a horizontal line at `y` from `x1` to `x2`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bus {
    /// The engine's name: `lan`, `wan`, `cni0@node01`.
    pub segment: String,
    /// What the picture writes next to it: `LAN 192.168.1.0/24`.
    pub label: String,
    pub y: i32,
    pub x1: i32,
    pub x2: i32,
    /// Where the label goes (its left end, its baseline).
    pub label_at: (i32, i32),
}

/// Where a host plugs into a segment: a vertical wire from the host's box
/// edge at (`x`, `y_host`) to the segment's bus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tap {
    pub host: String,
    pub segment: String,
    pub x: i32,
    pub y_host: i32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub width: i32,
    pub height: i32,
    /// Node frames first, so what sits inside them is drawn on top.
    pub hosts: Vec<HostShape>,
    pub buses: Vec<Bus>,
    pub taps: Vec<Tap>,
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
    let w = (name_w.max(addr_w) + 20).max(150);
    let h = 12 + LINE * (1 + addresses.len() as i32);
    (w, h)
}

fn address_lines(host: &TopoHost) -> Vec<String> {
    host.addresses
        .iter()
        .map(|(iface, cidr)| format!("{iface} {cidr}"))
        .collect()
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

impl Layout {
    pub fn of(t: &Topology) -> Layout {
        let has_segment = |name: &str| t.segments.iter().any(|s| s.name == name);
        let has_wan = has_segment("wan");
        let lan = lan_network(t);
        let nodes: Vec<&TopoHost> = t
            .hosts
            .iter()
            .filter(|h| h.kind == HostKind::Node)
            .collect();
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
        };
        let tap = |layout: &mut Layout, host: &TopoHost, segment: String, x: i32, y_host: i32| {
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
                });
            }
        };

        // The uplink's bus runs above the outside hosts.
        let wan_y = MARGIN + 4;
        let top_y = if has_wan { wan_y + TAP_LENGTH } else { MARGIN };
        let mut x = MARGIN;
        let mut top_h = 0;
        let mut outside = vec![];
        for host in &top_row {
            let addresses = address_lines(host);
            let (w, h) = box_size(host, &addresses);
            let rect = Rect { x, y: top_y, w, h };
            for (iface, cidr) in &host.addresses {
                match segment_of(host, iface, cidr, lan.as_deref(), has_wan) {
                    Some(s) if s == "wan" => tap(&mut layout, host, s, rect.tap_x(), rect.y),
                    Some(s) => tap(&mut layout, host, s, rect.tap_x(), rect.bottom()),
                    None => {}
                }
            }
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
        let node_y = lan_y + TAP_LENGTH;
        let mut inside = vec![];
        let mut bridges = vec![];
        x = MARGIN;
        for node in &nodes {
            let addresses = address_lines(node);
            let (header_w, header_h) = box_size(node, &addresses);
            let bridge_y = node_y + header_h + 30;
            let pod_y = bridge_y + TAP_LENGTH;
            let mut pod_x = x + 16;
            let mut pods_h = 0;
            for pod in t.hosts.iter().filter(|h| {
                h.kind == HostKind::Pod && h.parent.as_deref() == Some(node.name.as_str())
            }) {
                let addresses = address_lines(pod);
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
                );
                inside.push(HostShape {
                    name: pod.name.clone(),
                    kind: pod.kind,
                    rect,
                    addresses,
                });
                pods_h = pods_h.max(h);
                pod_x += w + 16;
            }
            let bridge_label = node
                .addresses
                .iter()
                .find(|(i, _)| i == "cni0")
                .and_then(|(_, cidr)| network_of(cidr))
                .map(|(net, ..)| format!("cni0 bridge {net}"))
                .unwrap_or_else(|| "cni0 bridge".into());
            let label_w = 36 + bridge_label.chars().count() as i32 * ADDR_GLYPH;
            let w = header_w.max(pod_x - x).max(label_w + 16).max(220);
            let h = if pods_h == 0 {
                bridge_y + 20 - node_y
            } else {
                pod_y + pods_h + 16 - node_y
            };
            let rect = Rect { x, y: node_y, w, h };
            for (iface, cidr) in &node.addresses {
                match segment_of(node, iface, cidr, lan.as_deref(), has_wan) {
                    // The bridge lives inside the node: its tap starts
                    // below the node's name and addresses.
                    Some(s) if s == bridge_of(&node.name) => {
                        tap(&mut layout, node, s, rect.tap_x(), node_y + header_h)
                    }
                    Some(s) => tap(&mut layout, node, s, rect.tap_x(), rect.y),
                    None => {}
                }
            }
            bridges.push(Bus {
                segment: bridge_of(&node.name),
                label: bridge_label,
                y: bridge_y,
                x1: x + 12,
                x2: rect.right() - 12,
                label_at: (x + 36, bridge_y - 7),
            });
            layout.hosts.push(HostShape {
                name: node.name.clone(),
                kind: node.kind,
                rect,
                addresses,
            });
            x += w + GAP;
        }
        layout.hosts.extend(outside);
        layout.hosts.extend(inside);

        // The LAN and the uplink span the taps on them, labelled at the right.
        for (segment, y, label) in [
            ("lan", lan_y, lan.as_ref().map(|n| format!("LAN {n}"))),
            ("wan", wan_y, Some("WAN, to the internet".to_string())),
        ] {
            let xs: Vec<i32> = layout
                .taps
                .iter()
                .filter(|t| t.segment == segment)
                .map(|t| t.x)
                .collect();
            let (Some(min), Some(max)) = (xs.iter().min(), xs.iter().max()) else {
                continue;
            };
            let x2 = max + 40;
            layout.buses.push(Bus {
                segment: segment.to_string(),
                label: label.unwrap_or_else(|| segment.to_string()),
                y,
                x1: min - 24,
                x2,
                label_at: (x2 + 8, y + 4),
            });
        }
        layout
            .buses
            .extend(bridges.into_iter().filter(|b| has_segment(&b.segment)));

        let right = layout
            .hosts
            .iter()
            .map(|h| h.rect.right())
            .chain(
                layout
                    .buses
                    .iter()
                    .map(|b| b.label_at.0 + b.label.chars().count() as i32 * ADDR_GLYPH),
            )
            .max()
            .unwrap_or(0);
        let bottom = layout
            .hosts
            .iter()
            .map(|h| h.rect.bottom())
            .chain(layout.buses.iter().map(|b| b.y))
            .max()
            .unwrap_or(0);
        layout.width = (right + MARGIN).max(320);
        layout.height = bottom + MARGIN;
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
    /// polyline points. A next hop that is not in the picture (a host on
    /// the internet) is reached at the far end of the bus.
    pub fn wire(&self, from: &str, to: &str, segment: &str) -> Option<Vec<(i32, i32)>> {
        let bus = self.bus(segment)?;
        let a = self.tap(from, segment)?;
        let mut points = vec![(a.x, a.y_host), (a.x, bus.y)];
        match self.tap(to, segment) {
            Some(b) => {
                points.push((b.x, bus.y));
                points.push((b.x, b.y_host));
            }
            None => points.push((bus.x2, bus.y)),
        }
        Some(points)
    }
}
