//! The picture in words: every host with its addresses (pods under their
//! node), every segment with what is plugged into it, and which hosts the
//! last packet visited. For screen readers, and for anyone who prefers text.

use crate::engine::net::{HostKind, Trace};
use crate::engine::world::TopoHost;
use crate::engine::Topology;
use crate::ui::layout::Layout;
use crate::ui::packet_path::PacketPath;
use std::rc::Rc;
use yew::prelude::*;

/// What a kind of host is called, in a label and in words.
pub fn kind_word(kind: HostKind) -> &'static str {
    match kind {
        HostKind::Laptop => "laptop",
        HostKind::Router => "router",
        HostKind::Node => "node",
        HostKind::Pod => "pod",
        HostKind::LoadBalancer => "cloud load balancer",
    }
}

#[derive(Properties, PartialEq)]
pub struct NetworkTextProps {
    pub topology: Rc<Topology>,
    pub trace: Option<Rc<Trace>>,
}

fn describe(host: &TopoHost, path: &PacketPath) -> String {
    let addresses = host
        .addresses
        .iter()
        .map(|(iface, cidr)| format!("{iface} {cidr}"))
        .collect::<Vec<_>>()
        .join(", ");
    let visited = if path.visits(&host.name) {
        " (on the last packet's path)"
    } else {
        ""
    };
    format!(
        "{} ({}): {addresses}{visited}",
        host.name,
        kind_word(host.kind)
    )
}

#[component]
pub fn NetworkText(props: &NetworkTextProps) -> Html {
    let topology = &props.topology;
    let layout = use_memo(topology.clone(), |t| Layout::of(t));
    let path = props
        .trace
        .as_deref()
        .map(PacketPath::of)
        .unwrap_or_default();
    let pods_of = |node: &str| {
        topology
            .hosts
            .iter()
            .filter(|h| h.kind == HostKind::Pod && h.parent.as_deref() == Some(node))
            .map(
                |pod| html! { <li data-host-text={pod.name.clone()}>{ describe(pod, &path) }</li> },
            )
            .collect::<Html>()
    };
    let hosts = topology.hosts.iter().filter(|h| {
        // Pods are listed under their node (when it is in the world).
        h.kind != HostKind::Pod
            || !h.parent.as_deref().is_some_and(|p| {
                topology
                    .hosts
                    .iter()
                    .any(|n| n.name == p && n.kind == HostKind::Node)
            })
    });
    let segments = layout.buses.iter().map(|bus| {
        let members = layout
            .taps
            .iter()
            .filter(|t| t.segment == bus.segment)
            .map(|t| t.host.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        html! { <li>{ format!("{} ({}) connects {members}", bus.label, bus.segment) }</li> }
    });

    html! {
        <details class="network-text">
            <summary>{ "The network as text" }</summary>
            <h3 class="visually-hidden">{ "Hosts" }</h3>
            <ul class="host-list">
                { for hosts.map(|h| html! {
                    <li data-host-text={h.name.clone()}>
                        { describe(h, &path) }
                        if h.kind == HostKind::Node {
                            <ul>{ pods_of(&h.name) }</ul>
                        }
                    </li>
                }) }
            </ul>
            <h3 class="visually-hidden">{ "Segments" }</h3>
            <ul class="segment-list">{ for segments }</ul>
            if !topology.services.is_empty() {
                <h3 class="visually-hidden">{ "Services" }</h3>
                <ul class="service-list">
                    { for topology.services.iter().map(|s| {
                        let ports = s.ports.iter().map(|p| match p.node_port {
                            Some(np) => format!("port {}, node port {np}", p.port),
                            None => format!("port {}", p.port),
                        }).collect::<Vec<_>>().join("; ");
                        let ip = s.cluster_ip.map(|i| i.to_string()).unwrap_or_else(|| "no cluster IP (headless)".into());
                        let pods = if s.endpoints.is_empty() {
                            "no ready pod".to_string()
                        } else {
                            s.endpoints.iter().map(|e| format!("{} on {}", e.pod.clone().unwrap_or_else(|| e.ip.to_string()), e.node)).collect::<Vec<_>>().join(", ")
                        };
                        html! {
                            <li data-service-text={format!("{}/{}", s.namespace, s.name)}>
                                { format!("Service {} ({}): {ip}, {ports}, on every node; its pods: {pods}", s.name, s.kind) }
                            </li>
                        }
                    }) }
                </ul>
            }
        </details>
    }
}
