//! The pod network's plugin a world runs, chosen per world.

/// The pod network's plugin, as a kubeadm user installs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Cni {
    /// kube-flannel: a `cni0` bridge on each node, vxlan between nodes.
    /// It does not enforce NetworkPolicy.
    #[default]
    Flannel,
    /// Canal: flannel's vxlan between nodes, Calico's CNI plugin and Felix
    /// on each node: a `cali…` veth per pod routed by a /32 (no bridge), and
    /// NetworkPolicy enforced in Felix's iptables chains.
    Canal,
}

impl Cni {
    pub fn name(self) -> &'static str {
        match self {
            Cni::Flannel => "flannel",
            Cni::Canal => "canal",
        }
    }

    pub fn parse(s: &str) -> Option<Cni> {
        match s {
            "flannel" => Some(Cni::Flannel),
            "canal" => Some(Cni::Canal),
            _ => None,
        }
    }

    /// Whether NetworkPolicy is enforced.
    pub fn enforces_policy(self) -> bool {
        self == Cni::Canal
    }
}
