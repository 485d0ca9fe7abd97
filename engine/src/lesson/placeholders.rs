//! Values the cluster chooses, named in a lesson's URLs.
//!
//! A step that lets the API server pick a node port (or a ClusterIP, or a
//! load balancer's address) cannot write the number in its check: the
//! student's Service may get another one than the solution's. The URL names
//! it instead and the check reads it from the student's world when it runs:
//!
//! - `{nodePort:web}`: the node port of Service `web`'s first port;
//! - `{clusterIP:web}`: its ClusterIP;
//! - `{loadBalancerIP:web}`: the first address in its load balancer status.
//!
//! The Service may be `NAME.NAMESPACE` (a Service name has no dot), and
//! `{nodePort:…}` may name the port by number or name after a colon:
//! `{nodePort:web:8080}`, `{nodePort:web.shop:http}`.

use crate::cluster::objects::Service;
use crate::shell::Session;

const KINDS: [&str; 3] = ["nodePort", "clusterIP", "loadBalancerIP"];

/// One `{kind:service}` in a URL.
struct Placeholder<'a> {
    /// Byte range of the braces and what they hold.
    span: (usize, usize),
    kind: &'a str,
    namespace: &'a str,
    name: &'a str,
    port: Option<&'a str>,
}

/// The placeholders of `url`, or what is wrong with one.
fn scan(url: &str) -> Result<Vec<Placeholder<'_>>, String> {
    let mut out = vec![];
    let mut from = 0;
    while let Some(open) = url[from..].find('{').map(|i| i + from) {
        let Some(close) = url[open..].find('}').map(|i| i + open) else {
            return Err(format!(
                "`{}` opens a placeholder that never closes: write `{{nodePort:NAME}}`",
                &url[open..]
            ));
        };
        let inner = &url[open + 1..close];
        let Some((kind, target)) = inner.split_once(':') else {
            return Err(format!(
                "`{{{inner}}}` names no Service: write `{{nodePort:NAME}}`, `{{clusterIP:NAME}}` or `{{loadBalancerIP:NAME}}`"
            ));
        };
        if !KINDS.contains(&kind) {
            return Err(format!(
                "unknown placeholder `{kind}` in `{{{inner}}}`: expected `nodePort`, `clusterIP` or `loadBalancerIP`"
            ));
        }
        let (service, port) = match target.split_once(':') {
            Some((s, p)) if kind == "nodePort" => (s, Some(p)),
            Some(_) => {
                return Err(format!(
                    "`{{{inner}}}`: only `nodePort` names a port after the Service"
                ))
            }
            None => (target, None),
        };
        let (name, namespace) = service.split_once('.').unwrap_or((service, "default"));
        if name.is_empty() || namespace.is_empty() || port == Some("") {
            return Err(format!(
                "`{{{inner}}}` names no Service: write `{{{kind}:NAME}}`"
            ));
        }
        out.push(Placeholder {
            span: (open, close + 1),
            kind,
            namespace,
            name,
            port,
        });
        from = close + 1;
    }
    Ok(out)
}

/// What is wrong with the placeholders of a URL, for the lesson parser.
pub fn problem(url: &str) -> Option<String> {
    scan(url).err()
}

/// The URL with each placeholder replaced by its value in the student's
/// world, or one sentence on why a value is not there yet.
pub fn resolve(s: &Session, url: &str) -> Result<String, String> {
    let found = scan(url)?;
    if found.is_empty() {
        return Ok(url.to_string());
    }
    let mut out = String::new();
    let mut last = 0;
    for p in &found {
        out.push_str(&url[last..p.span.0]);
        out.push_str(&value(s, p)?);
        last = p.span.1;
    }
    out.push_str(&url[last..]);
    Ok(out)
}

fn value(s: &Session, p: &Placeholder<'_>) -> Result<String, String> {
    let key = (p.namespace.to_string(), p.name.to_string());
    let Some(svc) = s.world().cluster.services.get(&key) else {
        return Err(format!(
            "there is no Service named {} in namespace {} yet",
            p.name, p.namespace
        ));
    };
    match p.kind {
        "nodePort" => node_port(svc, p.port),
        "clusterIP" => match svc.spec.cluster_ip.as_deref() {
            Some(ip) if ip != "None" && !ip.is_empty() => Ok(ip.to_string()),
            _ => Err(format!("Service {} has no ClusterIP", p.name)),
        },
        _ => svc
            .status
            .load_balancer
            .ingress
            .iter()
            .find_map(|i| i.ip.clone())
            .ok_or_else(|| {
                format!(
                    "Service {} has no load balancer address yet (its EXTERNAL-IP is <pending> or <none>)",
                    p.name
                )
            }),
    }
}

fn node_port(svc: &Service, port: Option<&str>) -> Result<String, String> {
    let name = &svc.metadata.name;
    let chosen = match port {
        None => svc.spec.ports.first(),
        Some(p) => svc
            .spec
            .ports
            .iter()
            .find(|sp| sp.name == p || sp.port.to_string() == p),
    };
    let Some(sp) = chosen else {
        return Err(match port {
            None => format!("Service {name} has no ports"),
            Some(p) => format!("Service {name} has no port {p}"),
        });
    };
    sp.node_port.map(|n| n.to_string()).ok_or_else(|| {
        format!(
            "Service {name} is of type {} and has no node port",
            svc.type_name()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_read_or_refused_with_a_reason() {
        assert!(problem("http://192.168.1.2:{nodePort:web}").is_none());
        assert!(problem("http://{clusterIP:web.shop}/").is_none());
        assert!(problem("http://192.168.1.2:{nodePort:web:http}").is_none());
        assert!(problem("http://x:{nodeport:web}")
            .unwrap()
            .starts_with("unknown placeholder `nodeport`"));
        assert!(problem("http://x:{nodePort:web")
            .unwrap()
            .contains("never closes"));
        assert!(problem("http://x:{web}")
            .unwrap()
            .contains("names no Service"));
        assert!(problem("http://{clusterIP:web:80}")
            .unwrap()
            .contains("only `nodePort`"));
        assert!(problem("http://x:{nodePort:}")
            .unwrap()
            .contains("names no Service"));
    }

    #[test]
    fn a_placeholder_reads_the_students_world() {
        let mut s = Session::new(crate::world::WorldOptions::default()).unwrap();
        let url = "http://192.168.1.2:{nodePort:web}/";
        assert_eq!(
            resolve(&s, url),
            Err("there is no Service named web in namespace default yet".into())
        );
        let e = s.run("kubectl create service clusterip web --tcp=80:80");
        assert_eq!(e.status, 0, "{}", e.text());
        assert_eq!(
            resolve(&s, url),
            Err("Service web is of type ClusterIP and has no node port".into())
        );
        let ip = resolve(&s, "{clusterIP:web}").unwrap();
        let range: ipnet::Ipv4Net = "10.96.0.0/12".parse().unwrap();
        assert!(
            range.contains(&ip.parse::<std::net::Ipv4Addr>().unwrap()),
            "{ip}"
        );
        s.run("kubectl delete service web");
        s.run("kubectl create service nodeport web --tcp=80:80 --node-port=30123");
        assert_eq!(resolve(&s, url).unwrap(), "http://192.168.1.2:30123/");
        assert_eq!(
            resolve(&s, "http://x:{nodePort:web:81}"),
            Err("Service web has no port 81".into())
        );
    }
}
