//! What a container writes when its program starts, as `kubectl logs`
//! shows it: the programs of the images the simulator knows (nginx's
//! entrypoint and notices, whoami's, http-echo's and serve_hostname's first
//! line), and the cluster's own components (see [`bootstrap::logs`]).

use super::bootstrap;
use super::images::{self, MainProcess};
use super::objects::{Container, LogLine, Pod};
use crate::apps::{log_stamp, App, NGINX_VERSION};

/// What a container writes when its program starts, at simulated time
/// `at`: the nginx image's entrypoint and nginx's notices, whoami's and
/// http-echo's first line, serve_hostname's.
pub fn startup_log(ct: &Container, pod: &Pod, node: &str, at: i64) -> Vec<LogLine> {
    if images::main_process(ct) != MainProcess::Serves {
        return vec![];
    }
    if images::is_cluster_component(&ct.image) {
        let ip = pod.status.host_ip.as_deref().unwrap_or_default();
        return bootstrap::logs::startup(ct, pod, node, ip, at);
    }
    let programs = images::known(&ct.image, &ct.args).unwrap_or_default();
    let stamp = log_stamp(at);
    let lines: Vec<String> = match programs.first().map(|p| &p.app) {
        Some(App::Nginx) => {
            let mut l: Vec<String> = [
                "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
                "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
                "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
                "10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf",
                "10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf",
                "/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh",
                "/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh",
                "/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh",
                "/docker-entrypoint.sh: Configuration complete; ready for start up",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect();
            for notice in [
                "using the \"epoll\" event method".to_string(),
                format!("nginx/{NGINX_VERSION}"),
                "built by gcc 12.2.0 (Debian 12.2.0-14) ".to_string(),
                "OS: Linux 6.8.0-49-generic".to_string(),
                "getrlimit(RLIMIT_NOFILE): 1048576:1048576".to_string(),
                "start worker processes".to_string(),
                // One worker per CPU: the nodes have two.
                "start worker process 29".to_string(),
                "start worker process 30".to_string(),
            ] {
                l.push(format!("{stamp} [notice] 1#1: {notice}"));
            }
            l
        }
        Some(App::Whoami) => {
            let port = programs.first().map_or(80, |p| p.port);
            vec![format!("{stamp} Starting up on port {port}")]
        }
        Some(App::HttpEcho { .. }) => {
            let port = programs.first().map_or(5678, |p| p.port);
            vec![format!("{stamp} [INFO] server is listening on :{port}")]
        }
        Some(App::ServeHostname) => vec![format!("{stamp} Serving on port 9376.")],
        _ => vec![],
    };
    lines.into_iter().map(|text| LogLine { at, text }).collect()
}
