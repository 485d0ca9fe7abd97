//! Connection tracking: the kernel's memory of each connection's original and
//! reply tuples, which is how NAT is undone on the way back.

use super::netfilter::Protocol;
use crate::time::Millis;
use std::net::SocketAddrV4;

/// A connection as one direction of it looks on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tuple {
    pub proto: Protocol,
    pub src: SocketAddrV4,
    pub dst: SocketAddrV4,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The packet as it entered this host.
    pub original: Tuple,
    /// What a reply looks like when it comes back: the original after NAT, reversed.
    pub reply: Tuple,
    pub expires: Millis,
}

impl Entry {
    pub fn is_natted(&self) -> bool {
        self.original.src != self.reply.dst || self.original.dst != self.reply.src
    }
}

/// How long a closed TCP connection's entry lingers (TIME_WAIT, 120 s).
pub const TIME_WAIT_MS: Millis = 120_000;
/// `nf_conntrack_udp_timeout`: a UDP flow that saw a reply, 30 s.
pub const UDP_TIMEOUT_MS: Millis = 30_000;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Conntrack {
    entries: Vec<Entry>,
}

impl Conntrack {
    pub fn insert(&mut self, now: Millis, original: Tuple, reply: Tuple) {
        self.expire(now);
        let lifetime = match original.proto {
            Protocol::Udp => UDP_TIMEOUT_MS,
            _ => TIME_WAIT_MS,
        };
        self.entries.push(Entry {
            original,
            reply,
            expires: now + lifetime,
        });
    }

    /// The entry a reply packet belongs to.
    pub fn find_reply(&self, now: Millis, pkt: Tuple) -> Option<&Entry> {
        self.entries
            .iter()
            .rev()
            .find(|e| e.expires >= now && e.reply == pkt)
    }

    pub fn expire(&mut self, now: Millis) {
        self.entries.retain(|e| e.expires >= now);
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }
}
