//! The container images the simulator knows how to run. Any other image
//! cannot be pulled, and its pod stays in ErrImagePull / ImagePullBackOff as
//! on a cluster without access to it.

use crate::apps::App;
use crate::net::netfilter::Protocol;

pub const COREDNS: &str = "registry.k8s.io/coredns/coredns:v1.11.3";

/// What a known image runs: the program and the port it listens on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Program {
    pub app: App,
    pub proto: Protocol,
    pub port: u16,
    pub process: &'static str,
}

impl Program {
    fn tcp(app: App, port: u16, process: &'static str) -> Program {
        Program {
            app,
            proto: Protocol::Tcp,
            port,
            process,
        }
    }
}

/// The repository of an image reference, without registry, `library/`, tag or digest.
pub fn repository(image: &str) -> String {
    let no_digest = image.split('@').next().unwrap_or(image);
    // A tag is a ':' after the last '/'.
    let (path, _) = match no_digest.rfind(':') {
        Some(i) if !no_digest[i..].contains('/') => (&no_digest[..i], &no_digest[i + 1..]),
        _ => (no_digest, ""),
    };
    let path = path
        .strip_prefix("docker.io/")
        .or_else(|| path.strip_prefix("index.docker.io/"))
        .unwrap_or(path);
    path.strip_prefix("library/").unwrap_or(path).to_string()
}

/// The value of a Go-style flag (`-text=hi` or `-text hi`) in container args.
fn flag_value(args: &[String], flag: &str) -> Option<String> {
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let a2 = a.trim_start_matches('-');
        if a.starts_with('-') {
            if let Some(v) = a2.strip_prefix(&format!("{flag}=")) {
                return Some(v.to_string());
            }
            if a2 == flag {
                return it.next().cloned();
            }
        }
    }
    None
}

/// The program a known image runs, given the container's args; `None` for
/// an image the simulated registry does not have.
pub fn known(image: &str, args: &[String]) -> Option<Vec<Program>> {
    let repo = repository(image);
    Some(match repo.as_str() {
        "traefik/whoami" => {
            let port = flag_value(args, "port")
                .and_then(|p| p.parse().ok())
                .unwrap_or(80);
            vec![Program::tcp(App::Whoami, port, "whoami")]
        }
        "registry.k8s.io/serve_hostname" | "k8s.gcr.io/serve_hostname" => {
            vec![Program::tcp(App::ServeHostname, 9376, "serve_hostname")]
        }
        "hashicorp/http-echo" => {
            let port = flag_value(args, "listen")
                .and_then(|l| l.rsplit(':').next().and_then(|p| p.parse().ok()))
                .unwrap_or(5678);
            let text = flag_value(args, "text").unwrap_or_else(|| "hello-world".into());
            vec![Program::tcp(App::HttpEcho { text }, port, "http-echo")]
        }
        "nginx" => vec![Program::tcp(App::Nginx, 80, "nginx")],
        // CoreDNS answers DNS on UDP and TCP 53 and serves metrics on 9153.
        "registry.k8s.io/coredns/coredns" | "coredns/coredns" => vec![
            Program {
                proto: Protocol::Udp,
                ..Program::tcp(App::Other, 53, "coredns")
            },
            Program::tcp(App::Other, 53, "coredns"),
            Program::tcp(App::Other, 9153, "coredns"),
        ],
        "busybox" | "curlimages/curl" | "alpine" | "ubuntu" | "nicolaka/netshoot" => vec![],
        _ => return None,
    })
}

/// Whether `cmd` exists in the image's filesystem (what `kubectl exec` can run).
pub fn has_command(image: &str, cmd: &str) -> bool {
    let repo = repository(image);
    let common = [
        "cat", "ls", "echo", "hostname", "env", "sh", "true", "false", "sleep", "grep", "head",
        "tail", "wc", "sort", "exit",
    ];
    match repo.as_str() {
        // Debian-based: bash and curl, no ping, ip or nslookup.
        "nginx" => common.contains(&cmd) || matches!(cmd, "bash" | "curl"),
        // BusyBox applets.
        "busybox" => common.contains(&cmd) || matches!(cmd, "nslookup" | "ping" | "ip" | "wget"),
        "curlimages/curl" | "alpine" => {
            common.contains(&cmd) || matches!(cmd, "curl" | "nslookup" | "ping" | "ip")
        }
        "ubuntu" => common.contains(&cmd) || cmd == "bash",
        "nicolaka/netshoot" => {
            common.contains(&cmd)
                || matches!(
                    cmd,
                    "bash" | "curl" | "nslookup" | "dig" | "host" | "ping" | "ip" | "iptables"
                )
        }
        // Scratch images (coredns, whoami, …) have no shell at all.
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repositories() {
        assert_eq!(repository("nginx"), "nginx");
        assert_eq!(repository("nginx:1.27"), "nginx");
        assert_eq!(repository("docker.io/library/nginx:latest"), "nginx");
        assert_eq!(
            repository("registry.k8s.io/serve_hostname:1.4"),
            "registry.k8s.io/serve_hostname"
        );
        assert_eq!(repository("localhost:5000/app"), "localhost:5000/app");
        assert!(known("nginx:alpine", &[]).is_some());
        assert!(known("ngnix", &[]).is_none());
        let echo = known(
            "hashicorp/http-echo",
            &["-text=hi".into(), "-listen=:8080".into()],
        )
        .unwrap();
        assert_eq!(echo[0].port, 8080);
        assert_eq!(echo[0].app, App::HttpEcho { text: "hi".into() });
    }
}
