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

/// A TCP connection's state as conntrack tracks it (`conntrack -L`'s column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TcpState {
    SynSent,
    Established,
    TimeWait,
    Close,
}

impl TcpState {
    pub fn name(self) -> &'static str {
        match self {
            TcpState::SynSent => "SYN_SENT",
            TcpState::Established => "ESTABLISHED",
            TcpState::TimeWait => "TIME_WAIT",
            TcpState::Close => "CLOSE",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The packet as it entered this host.
    pub original: Tuple,
    /// What a reply looks like when it comes back: the original after NAT, reversed.
    pub reply: Tuple,
    pub expires: Millis,
    /// TCP's state (SYN_SENT until the exchange is known).
    pub state: TcpState,
    /// A reply was seen (`[UNREPLIED]` otherwise).
    pub replied: bool,
    /// Traffic both ways completed a connection (`[ASSURED]`).
    pub assured: bool,
}

/// How an exchange ended, for the entries it made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finish {
    /// A TCP connection opened, used and closed by the client (curl, a probe).
    Closed,
    /// A TCP connection that stays open (an ssh session).
    Open,
    /// A TCP reset answered the SYN.
    Reset,
    /// A UDP datagram that was answered.
    Answered,
    /// Nothing came back.
    Unanswered,
}

/// `nf_conntrack_tcp_timeout_established`: five days.
pub const ESTABLISHED_MS: Millis = 432_000_000;
/// `nf_conntrack_tcp_timeout_close`.
pub const CLOSE_MS: Millis = 10_000;

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
            state: TcpState::SynSent,
            replied: false,
            assured: false,
        });
    }

    /// The entry of a connection whose first packet looked like `original`
    /// on this host now ends as `how`.
    pub fn finish(&mut self, now: Millis, original: Tuple, how: Finish) {
        let Some(e) = self
            .entries
            .iter_mut()
            .rev()
            .find(|e| e.original == original && e.expires >= now)
        else {
            return;
        };
        match how {
            Finish::Closed => {
                e.state = TcpState::TimeWait;
                e.replied = true;
                e.assured = true;
                e.expires = now + TIME_WAIT_MS;
            }
            Finish::Open => {
                e.state = TcpState::Established;
                e.replied = true;
                e.assured = true;
                e.expires = now + ESTABLISHED_MS;
            }
            Finish::Reset => {
                e.state = TcpState::Close;
                e.replied = true;
                e.expires = now + CLOSE_MS;
            }
            Finish::Answered => {
                e.replied = true;
                e.expires = now + UDP_TIMEOUT_MS;
            }
            Finish::Unanswered => {}
        }
    }

    /// Entries still alive at `now`.
    pub fn live(&self, now: Millis) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(move |e| e.expires >= now)
    }

    /// `conntrack -D`: removes the entries `pick` chooses; how many.
    pub fn delete(&mut self, now: Millis, pick: impl Fn(&Entry) -> bool) -> Vec<Entry> {
        let (gone, kept): (Vec<Entry>, Vec<Entry>) = std::mem::take(&mut self.entries)
            .into_iter()
            .partition(|e| e.expires >= now && pick(e));
        self.entries = kept;
        gone
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
