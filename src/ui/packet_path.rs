//! What the last packet crossed, in the terms the picture draws: hosts,
//! wires between two hosts on a segment, and where it ended.

use crate::engine::net::{Direction, Trace, TraceOutcome};

/// One wire the packet travelled: `from` sent it out on `segment` to `to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crossing {
    pub from: String,
    pub to: String,
    pub segment: String,
    pub direction: Direction,
    /// The index in the trace of the hop that sent it.
    pub hop: usize,
    /// It crossed inside another packet (flannel's VXLAN): drawn along the
    /// wire the outer packet took (`segment` is that one).
    pub overlay: bool,
}

/// How the packet's story ended, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    /// A process on `host` answered.
    Answered { host: String, process: String },
    /// The packet went no further than `host`.
    Stopped { host: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PacketPath {
    /// Every host the request or the reply visited, in order.
    pub hosts: Vec<String>,
    pub crossings: Vec<Crossing>,
    pub ending: Option<Ending>,
}

impl PacketPath {
    pub fn of(trace: &Trace) -> PacketPath {
        let crossings = trace
            .hops
            .iter()
            .enumerate()
            .filter_map(|(i, hop)| {
                hop.left_by.as_ref().map(|link| Crossing {
                    from: hop.host.clone(),
                    to: link.next_host.clone(),
                    // The overlay is no wire of its own: the outer packet
                    // crossed the underlay.
                    segment: link
                        .encap
                        .as_ref()
                        .map_or_else(|| link.segment.clone(), |e| e.underlay_segment.clone()),
                    direction: hop.direction,
                    hop: i,
                    overlay: link.encap.is_some(),
                })
            })
            .collect();
        let ending = match &trace.outcome {
            Some(TraceOutcome::Answered { host, process }) => Some(Ending::Answered {
                host: host.clone(),
                process: process.clone(),
            }),
            Some(TraceOutcome::Stopped { host, .. }) => {
                Some(Ending::Stopped { host: host.clone() })
            }
            Some(TraceOutcome::NotResolved { .. }) | None => None,
        };
        PacketPath {
            hosts: trace.path().into_iter().map(str::to_string).collect(),
            crossings,
            ending,
        }
    }

    pub fn visits(&self, host: &str) -> bool {
        self.hosts.iter().any(|h| h == host)
    }
}
