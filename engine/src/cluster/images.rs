//! The container images the simulator knows how to run. Any other image
//! cannot be pulled, and its pod stays in ErrImagePull / ImagePullBackOff as
//! on a cluster without access to it.

use crate::apps::App;
use crate::net::netfilter::Protocol;

pub const COREDNS: &str = "registry.k8s.io/coredns/coredns:v1.11.3";

/// The cluster's own programs (kubeadm's control plane, its node agents and
/// flannel), by repository: they run until stopped whatever their command
/// line, and their sockets are the node's (they use its network).
const COMPONENTS: &[&str] = &[
    "registry.k8s.io/etcd",
    "registry.k8s.io/kube-apiserver",
    "registry.k8s.io/kube-controller-manager",
    "registry.k8s.io/kube-scheduler",
    "registry.k8s.io/kube-proxy",
    "flannel/flannel",
    "calico/node",
    "calico/cni",
    "calico/kube-controllers",
    "registry.k8s.io/coredns/coredns",
    "coredns/coredns",
];

/// Whether `image` is one of the cluster's own programs.
pub fn is_cluster_component(image: &str) -> bool {
    COMPONENTS.contains(&repository(image).as_str())
}

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

/// The tag of an image reference (`1.27` of `nginx:1.27`), if it has one.
pub fn tag(image: &str) -> Option<String> {
    let no_digest = image.split('@').next().unwrap_or(image);
    match no_digest.rfind(':') {
        Some(i) if !no_digest[i..].contains('/') => Some(no_digest[i + 1..].to_string()),
        _ => None,
    }
}

/// The size the registry reports for an image (what the kubelet's `Pulled`
/// event says), in bytes.
pub fn size(image: &str) -> u64 {
    match repository(image).as_str() {
        "nginx" => 72_099_501,
        "traefik/whoami" => 3_143_268,
        "traefik" => 49_842_311,
        "registry.k8s.io/serve_hostname" | "k8s.gcr.io/serve_hostname" => 2_858_201,
        "hashicorp/http-echo" => 3_632_934,
        "registry.k8s.io/coredns/coredns" | "coredns/coredns" => 18_182_961,
        "busybox" => 2_166_802,
        "curlimages/curl" => 10_012_331,
        "alpine" => 3_653_068,
        "ubuntu" => 29_754_422,
        "nicolaka/netshoot" => 187_611_297,
        "registry.k8s.io/etcd" => 56_909_194,
        "registry.k8s.io/kube-apiserver" => 28_047_142,
        "registry.k8s.io/kube-controller-manager" => 26_221_554,
        "registry.k8s.io/kube-scheduler" => 20_172_196,
        "registry.k8s.io/kube-proxy" => 30_229_262,
        "flannel/flannel" => 32_996_046,
        // Calico v3.28.2's images (compressed sizes, rounded).
        "calico/node" => 143_000_000,
        "calico/cni" => 94_000_000,
        "calico/kube-controllers" => 35_000_000,
        _ => 10_000_000,
    }
}

/// What a container's main process does once started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MainProcess {
    /// A server image's program: it listens until it is stopped.
    Serves,
    /// Waits forever (`sleep infinity`, `tail -f`, a shell with a terminal).
    Forever,
    /// Exits on its own (`sleep 30`, a shell with nothing to read).
    Exits { after_ms: i64, code: i32 },
    /// A command to run in the pod (`wget -qO- http://web`): its output is
    /// the container's log, its status the container's exit code.
    Runs(Vec<String>),
}

/// The command line a client image runs when the pod gives none (its `CMD`).
fn default_command(repo: &str) -> Vec<String> {
    let words: &[&str] = match repo {
        "busybox" => &["sh"],
        "alpine" => &["/bin/sh"],
        "ubuntu" => &["/bin/bash"],
        "nicolaka/netshoot" => &["zsh"],
        "curlimages/curl" => &["curl"],
        _ => &[],
    };
    words.iter().map(|w| w.to_string()).collect()
}

/// `sleep`'s duration, in milliseconds (`None`: forever).
fn sleep_ms(arg: &str) -> Option<i64> {
    if arg == "infinity" || arg == "inf" {
        return None;
    }
    let (num, mult) = match arg.chars().last() {
        Some('s') => (&arg[..arg.len() - 1], 1.0),
        Some('m') => (&arg[..arg.len() - 1], 60.0),
        Some('h') => (&arg[..arg.len() - 1], 3600.0),
        Some('d') => (&arg[..arg.len() - 1], 86400.0),
        _ => (arg, 1.0),
    };
    let secs = num
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)?
        * mult;
    // A year and more is as good as forever.
    (secs < 365.0 * 86400.0).then_some((secs * 1000.0) as i64)
}

/// What the container's process does: a server image serves; a client
/// image runs its command (`command` and `args` as Kubernetes joins them).
pub fn main_process(ct: &crate::cluster::objects::Container) -> MainProcess {
    let repo = repository(&ct.image);
    if is_cluster_component(&ct.image) {
        return MainProcess::Serves;
    }
    let serves = known(&ct.image, &ct.args).is_some_and(|p| !p.is_empty());
    if serves && ct.command.is_empty() {
        return MainProcess::Serves;
    }
    let mut argv: Vec<String> = ct.command.iter().chain(ct.args.iter()).cloned().collect();
    if argv.is_empty() {
        argv = default_command(&repo);
    }
    let Some(program) = argv.first() else {
        return MainProcess::Exits {
            after_ms: 10,
            code: 0,
        };
    };
    let base = program.rsplit('/').next().unwrap_or(program).to_string();
    let interactive = ct.stdin.unwrap_or(false);
    match base.as_str() {
        "sleep" => match argv.get(1).map(|a| sleep_ms(a)) {
            Some(Some(ms)) => MainProcess::Exits {
                after_ms: ms.max(1),
                code: 0,
            },
            Some(None) => MainProcess::Forever,
            None => MainProcess::Runs(argv),
        },
        "tail" if argv.iter().any(|a| a == "-f" || a == "-F") => MainProcess::Forever,
        "sh" | "bash" | "ash" | "zsh" if argv.len() == 1 => {
            if interactive {
                MainProcess::Forever
            } else {
                // No terminal and nothing to read: the shell exits at once.
                MainProcess::Exits {
                    after_ms: 10,
                    code: 0,
                }
            }
        }
        "sh" | "bash" | "ash" | "zsh" if argv.get(1).is_some_and(|a| a == "-c") => {
            let script = argv.get(2).cloned().unwrap_or_default();
            let loops = ["while ", "until ", "for ", "infinity", "tail -f"];
            if loops.iter().any(|w| script.contains(w)) {
                // A script that keeps going (the shell here runs no loops
                // of that kind): it runs as long as the pod does.
                MainProcess::Forever
            } else {
                MainProcess::Runs(argv)
            }
        }
        _ => MainProcess::Runs(argv),
    }
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
        // Traefik's entryPoints as its Helm chart configures them: `web`
        // proxies HTTP by the routes it was given; the others (TLS, the
        // dashboard and ping, metrics) are not simulated as HTTP.
        "traefik" => vec![
            Program::tcp(App::Traefik, 8000, "traefik"),
            Program::tcp(App::Other, 8443, "traefik"),
            Program::tcp(App::Other, 8080, "traefik"),
            Program::tcp(App::Other, 9100, "traefik"),
        ],
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
        // The control plane and the node agents run in the node's network
        // namespace: their sockets are the node's own (see `World::empty`).
        r if COMPONENTS.contains(&r) => vec![],
        _ => return None,
    })
}

/// Whether `cmd` exists in the image's filesystem (what `kubectl exec` can run).
pub fn has_command(image: &str, cmd: &str) -> bool {
    let repo = repository(image);
    let common = [
        "cat", "ls", "echo", "hostname", "env", "sh", "true", "false", "sleep", "grep", "head",
        "tail", "wc", "sort", "touch", "rm", "mkdir", "cp", "mv", "cut", "tr", "tee", "uniq",
        "seq", "date", "printf", "awk", "sed",
    ];
    match repo.as_str() {
        // Debian-based: bash and curl, no ping, ip or nslookup.
        "nginx" => common.contains(&cmd) || matches!(cmd, "bash" | "curl"),
        // BusyBox applets.
        "busybox" => {
            common.contains(&cmd) || matches!(cmd, "nslookup" | "ping" | "ip" | "wget" | "nc")
        }
        "curlimages/curl" | "alpine" => {
            common.contains(&cmd)
                || matches!(cmd, "curl" | "nslookup" | "ping" | "ip" | "wget" | "nc")
        }
        "ubuntu" => common.contains(&cmd) || cmd == "bash",
        "nicolaka/netshoot" => {
            common.contains(&cmd)
                || matches!(
                    cmd,
                    "bash"
                        | "curl"
                        | "nslookup"
                        | "dig"
                        | "host"
                        | "ping"
                        | "ip"
                        | "bridge"
                        | "iptables"
                        | "nc"
                        | "ss"
                        | "conntrack"
                        // Alpine's BusyBox applet (netshoot adds no other wget).
                        | "wget"
                )
        }
        // flannel's image is Alpine's: BusyBox's shell and applets.
        "flannel/flannel" => common.contains(&cmd) || matches!(cmd, "ip" | "iptables"),
        // calico/node is Red Hat's UBI minimal: bash and the network tools
        // Felix drives.
        "calico/node" => common.contains(&cmd) || matches!(cmd, "bash" | "ip" | "iptables"),
        // Scratch and distroless images (coredns, etcd, kube-proxy,
        // whoami, …) have no shell at all.
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
