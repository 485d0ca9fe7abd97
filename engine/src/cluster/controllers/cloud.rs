//! The cloud controller manager's service controller: with a cloud, every
//! LoadBalancer Service gets the next address of the provider's pool once
//! the provider has built its load balancer (a few seconds: `<pending>`
//! until then); without one, nothing answers and the Service stays
//! `<pending>`.

use crate::cluster::events::Involved;
use crate::cluster::objects::LoadBalancerIngress;
use crate::cluster::{Cluster, LB_POOL_START};
use std::net::Ipv4Addr;

/// How long the simulated provider takes to build a load balancer.
pub(crate) const PROVISION_MS: i64 = 3_000;

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
    let mut reports: Vec<(Involved, Vec<(&str, &str)>)> = vec![];
    for ((ns, name), svc) in c.services.iter_mut() {
        let involved = Involved {
            kind: "Service".into(),
            namespace: ns.clone(),
            name: name.clone(),
            uid: svc.metadata.uid.clone().unwrap_or_default(),
            field_path: String::new(),
        };
        let is_lb = svc.type_name() == "LoadBalancer";
        let key = (ns.clone(), name.clone());
        if is_lb && svc.status.load_balancer.ingress.is_empty() {
            // EnsuringLoadBalancer when the controller first sees it; the
            // address once the provider is done.
            let Some(&ready_at) = c.lb_provisioning.get(&key) else {
                c.lb_provisioning.insert(key, now + PROVISION_MS);
                reports.push((
                    involved,
                    vec![("EnsuringLoadBalancer", "Ensuring load balancer")],
                ));
                continue;
            };
            if now < ready_at {
                continue;
            }
            let base = u32::from(LB_POOL_START);
            let ip = (0..100u32)
                .map(|i| Ipv4Addr::from(base + i))
                .find(|a| !used.contains(a));
            if let Some(ip) = ip {
                c.lb_provisioning.remove(&key);
                used.push(ip);
                svc.status.load_balancer.ingress.push(LoadBalancerIngress {
                    ip: Some(ip.to_string()),
                    hostname: None,
                    ip_mode: Some("VIP".into()),
                });
                changed = true;
                reports.push((
                    involved,
                    vec![("EnsuredLoadBalancer", "Ensured load balancer")],
                ));
            } else {
                // The pool is exhausted: the provider never finishes.
                c.lb_provisioning.insert(key, i64::MAX);
            }
        } else if !is_lb && !svc.status.load_balancer.ingress.is_empty() {
            svc.status.load_balancer.ingress.clear();
            changed = true;
            reports.push((
                involved,
                vec![
                    ("DeletingLoadBalancer", "Deleting load balancer"),
                    ("DeletedLoadBalancer", "Deleted load balancer"),
                ],
            ));
        }
    }
    // A Service deleted, or no longer a LoadBalancer: nothing to build.
    let services = &c.services;
    c.lb_provisioning.retain(|k, _| {
        services
            .get(k)
            .is_some_and(|s| s.type_name() == "LoadBalancer")
    });
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
