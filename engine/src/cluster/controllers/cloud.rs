//! The cloud controller manager's service controller: with a cloud, every
//! LoadBalancer Service gets the next address of the provider's pool; without
//! one, nothing answers and the Service stays `<pending>`.

use crate::cluster::events::Involved;
use crate::cluster::objects::LoadBalancerIngress;
use crate::cluster::{Cluster, LB_POOL_START};
use std::net::Ipv4Addr;

pub(crate) fn load_balancers(c: &mut Cluster, now: i64) {
    if !c.cloud {
        return;
    }
    let mut used: Vec<Ipv4Addr> = c
        .services
        .values()
        .flat_map(|s| s.status.load_balancer.ingress.iter())
        .filter_map(|i| i.ip.as_deref().and_then(|a| a.parse().ok()))
        .collect();
    let mut changed = false;
    let mut reports: Vec<(Involved, [(&str, &str); 2])> = vec![];
    for ((ns, name), svc) in c.services.iter_mut() {
        let involved = Involved {
            kind: "Service".into(),
            namespace: ns.clone(),
            name: name.clone(),
            uid: svc.metadata.uid.clone().unwrap_or_default(),
        };
        let is_lb = svc.type_name() == "LoadBalancer";
        if is_lb && svc.status.load_balancer.ingress.is_empty() {
            let base = u32::from(LB_POOL_START);
            let ip = (0..100u32)
                .map(|i| Ipv4Addr::from(base + i))
                .find(|a| !used.contains(a));
            if let Some(ip) = ip {
                used.push(ip);
                svc.status.load_balancer.ingress.push(LoadBalancerIngress {
                    ip: Some(ip.to_string()),
                    hostname: None,
                    ip_mode: Some("VIP".into()),
                });
                changed = true;
                reports.push((
                    involved,
                    [
                        ("EnsuringLoadBalancer", "Ensuring load balancer"),
                        ("EnsuredLoadBalancer", "Ensured load balancer"),
                    ],
                ));
            }
        } else if !is_lb && !svc.status.load_balancer.ingress.is_empty() {
            svc.status.load_balancer.ingress.clear();
            changed = true;
            reports.push((
                involved,
                [
                    ("DeletingLoadBalancer", "Deleting load balancer"),
                    ("DeletedLoadBalancer", "Deleted load balancer"),
                ],
            ));
        }
    }
    for (involved, pair) in reports {
        for (reason, message) in pair {
            c.record(
                involved.clone(),
                "Normal",
                reason,
                message.into(),
                "service-controller",
                None,
                now,
            );
        }
    }
    if changed {
        c.changed();
    }
}
