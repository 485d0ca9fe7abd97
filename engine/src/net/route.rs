//! Routing tables with longest-prefix match, printed as `ip route` prints them.

use ipnet::Ipv4Net;
use std::fmt;
use std::net::Ipv4Addr;

/// Who installed a route; `ip route` prints it as `proto …`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteProto {
    /// Added by the kernel for a directly connected subnet.
    Kernel,
    /// Learned from the DHCP server (the laptop's default route).
    Dhcp,
    /// Configured by an administrator or a CNI plugin.
    Static,
    /// Added without a protocol tag (`ip route add` with no `proto`).
    Boot,
}

impl fmt::Display for RouteProto {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RouteProto::Kernel => "kernel",
            RouteProto::Dhcp => "dhcp",
            RouteProto::Static => "static",
            RouteProto::Boot => "boot",
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub dest: Ipv4Net,
    /// The next hop; `None` means the destination is on the link itself.
    pub via: Option<Ipv4Addr>,
    pub dev: String,
    pub proto: RouteProto,
    /// Preferred source address (`src …`).
    pub src: Option<Ipv4Addr>,
    pub metric: Option<u32>,
    /// `onlink`: the next hop is taken to be on the device's link even
    /// though no subnet of the device holds it (flannel's vxlan routes,
    /// `via 10.244.1.0 dev flannel.1 onlink`).
    pub onlink: bool,
}

impl Route {
    pub fn is_default(&self) -> bool {
        self.dest.prefix_len() == 0
    }
}

/// One line of `ip route`, e.g.
/// `default via 192.168.1.1 dev eth0 proto dhcp src 192.168.1.10 metric 100`.
impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_default() {
            f.write_str("default")?;
        } else if self.dest.prefix_len() == 32 {
            // A host route prints as its address (Calico's `10.244.0.5 dev cali…`).
            write!(f, "{}", self.dest.addr())?;
        } else {
            write!(f, "{}", self.dest)?;
        }
        if let Some(via) = self.via {
            write!(f, " via {via}")?;
        }
        write!(f, " dev {}", self.dev)?;
        if self.proto != RouteProto::Boot {
            write!(f, " proto {}", self.proto)?;
        }
        if self.via.is_none() {
            f.write_str(" scope link")?;
        }
        if let Some(src) = self.src {
            write!(f, " src {src}")?;
        }
        if let Some(metric) = self.metric {
            write!(f, " metric {metric}")?;
        }
        if self.onlink {
            f.write_str(" onlink")?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoutingTable {
    routes: Vec<Route>,
}

impl RoutingTable {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, route: Route) {
        self.routes.push(route);
    }

    pub fn remove_matching(&mut self, pred: impl Fn(&Route) -> bool) {
        self.routes.retain(|r| !pred(r));
    }

    /// The route the kernel picks for `dst`: the longest matching prefix, then
    /// the lowest metric.
    pub fn lookup(&self, dst: Ipv4Addr) -> Option<&Route> {
        self.routes
            .iter()
            .filter(|r| r.dest.contains(&dst))
            .max_by(|a, b| {
                a.dest
                    .prefix_len()
                    .cmp(&b.dest.prefix_len())
                    .then_with(|| b.metric.unwrap_or(0).cmp(&a.metric.unwrap_or(0)))
            })
    }

    /// Routes in the order `ip route` prints them: default first, then by
    /// destination address, and for one address the longer prefix first
    /// (the kernel's trie keeps a key's routes by prefix, longest first:
    /// a flannel pod lists `10.244.0.0/24` before `10.244.0.0/16`).
    pub fn listing(&self) -> Vec<&Route> {
        let mut v: Vec<&Route> = self.routes.iter().collect();
        crate::sort::sort_by_key(&mut v, |r| {
            (
                !r.is_default(),
                u32::from(r.dest.network()),
                std::cmp::Reverse(r.dest.prefix_len()),
            )
        });
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(dest: &str, via: Option<&str>, dev: &str) -> Route {
        Route {
            dest: dest.parse().unwrap(),
            via: via.map(|v| v.parse().unwrap()),
            dev: dev.into(),
            proto: RouteProto::Static,
            src: None,
            metric: None,
            onlink: false,
        }
    }

    #[test]
    fn longest_prefix_wins() {
        let mut t = RoutingTable::new();
        t.add(route("0.0.0.0/0", Some("192.168.1.1"), "eth0"));
        t.add(route("10.244.0.0/16", Some("192.168.1.2"), "eth0"));
        t.add(route("10.244.0.0/24", None, "cni0"));
        assert_eq!(t.lookup("10.244.0.2".parse().unwrap()).unwrap().dev, "cni0");
        assert_eq!(
            t.lookup("10.244.1.2".parse().unwrap()).unwrap().via,
            Some("192.168.1.2".parse().unwrap())
        );
        assert!(t.lookup("8.8.8.8".parse().unwrap()).unwrap().is_default());
    }

    #[test]
    fn no_default_means_no_route() {
        let mut t = RoutingTable::new();
        t.add(route("192.168.1.0/24", None, "eth0"));
        assert!(t.lookup("10.0.0.1".parse().unwrap()).is_none());
    }

    #[test]
    fn prints_like_ip_route() {
        let mut r = route("0.0.0.0/0", Some("192.168.1.1"), "eth0");
        r.proto = RouteProto::Dhcp;
        r.src = Some("192.168.1.10".parse().unwrap());
        r.metric = Some(100);
        assert_eq!(
            r.to_string(),
            "default via 192.168.1.1 dev eth0 proto dhcp src 192.168.1.10 metric 100"
        );
        let mut k = route("10.244.0.0/24", None, "cni0");
        k.proto = RouteProto::Kernel;
        k.src = Some("10.244.0.1".parse().unwrap());
        assert_eq!(
            k.to_string(),
            "10.244.0.0/24 dev cni0 proto kernel scope link src 10.244.0.1"
        );
    }
}
