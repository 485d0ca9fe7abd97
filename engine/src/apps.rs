//! The programs behind listening sockets, and what they answer to an HTTP
//! request. For now: nginx's welcome page and sshd.

use crate::time::{http_date, EPOCH_UNIX};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum App {
    /// The `nginx` image's default server.
    Nginx,
    /// Traefik's `web` entryPoint: it ends the client's connection and
    /// proxies the request to a backend pod chosen by its routers (built
    /// from HTTPRoutes); the world does that (`World::proxy_http`), this
    /// variant only names the program.
    Traefik,
    /// `traefik/whoami`: echoes the pod's name and addresses and the request,
    /// including the address the request came from (so SNAT shows).
    Whoami,
    /// `registry.k8s.io/serve_hostname`: answers with the pod's name.
    ServeHostname,
    /// `hashicorp/http-echo -text=…`: answers with the text.
    HttpEcho { text: String },
    /// OpenSSH's daemon on a host.
    Sshd,
    /// The home router's web interface: a login page, as such routers serve.
    RouterAdmin,
    /// kube-proxy's health-check server for one `externalTrafficPolicy:
    /// Local` Service: 200 while this node has a ready endpoint, else 503.
    ServiceHealth {
        namespace: String,
        name: String,
        local_endpoints: usize,
    },
    /// A port held by a process that does not speak HTTP (kubelet, etcd…).
    Other,
}

/// nginx's version in the simulated `nginx` image. 1.27.x serves the classic
/// 615-byte welcome page (the page changed in 1.29.6).
pub const NGINX_VERSION: &str = "1.27.3";

/// `docs/html/index.html` of nginx 1.21.1 – 1.29.5, byte for byte.
pub const NGINX_WELCOME: &str = "<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href=\"http://nginx.org/\">nginx.org</a>.<br/>
Commercial support is available at
<a href=\"http://nginx.com/\">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
";

/// The home router's login page.
const ROUTER_LOGIN: &str = "<!DOCTYPE html>
<html>
<head><title>Home Router</title></head>
<body>
<h1>Home Router</h1>
<form method=\"post\" action=\"/login\">
Password: <input type=\"password\" name=\"password\"> <input type=\"submit\" value=\"Log in\">
</form>
</body>
</html>
";

/// When the image's `index.html` was last modified (Unix seconds): its
/// `Last-Modified` header and, with the size, its `ETag`.
const NGINX_INDEX_MTIME: u64 = 1_732_636_500;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: String,
    pub path: String,
    pub host_header: String,
    /// `curl/8.5.0`, `Wget`, `kube-probe/1.31`.
    pub user_agent: String,
    /// The other request headers, as the client sent them (curl's
    /// `Accept: */*`, then each `-H`).
    pub headers: Vec<(String, String)>,
}

impl HttpRequest {
    /// A request header's value, by name in any case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Go's `textproto.CanonicalMIMEHeaderKey`: `x-forwarded-for` →
/// `X-Forwarded-For`, as a Go server shows a header's name.
fn canonical_header(name: &str) -> String {
    if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return name.to_string();
    }
    let mut upper = true;
    name.chars()
        .map(|c| {
            let out = if upper {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            };
            upper = c == '-';
            out
        })
        .collect()
}

/// What the server knows about itself and the connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerCtx {
    /// The pod's (or host's) name, as `hostname` prints it.
    pub hostname: String,
    pub addrs: Vec<std::net::Ipv4Addr>,
    /// The client as the server sees it: after any SNAT.
    pub remote: std::net::SocketAddrV4,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    pub reason: &'static str,
    /// Header name and value, in the order the server sends them.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl App {
    /// The server's answer at simulated time `now_unix`, or `None` when the
    /// program does not speak HTTP (curl then reports an empty or broken reply).
    pub fn http(&self, req: &HttpRequest, now_unix: u64, ctx: &ServerCtx) -> Option<HttpResponse> {
        let date = http_date(now_unix.max(EPOCH_UNIX));
        let plain = |body: String, extra: Vec<(String, String)>| {
            let mut headers = extra;
            headers.push(("Date".into(), date.clone()));
            headers.push(("Content-Length".into(), body.len().to_string()));
            headers.push(("Content-Type".into(), "text/plain; charset=utf-8".into()));
            HttpResponse {
                status: 200,
                reason: "OK",
                headers,
                body: if req.method == "HEAD" {
                    String::new()
                } else {
                    body
                },
            }
        };
        match self {
            App::Nginx => Some(nginx(req, now_unix)),
            App::Whoami if req.path == "/health" => {
                let mut r = plain(String::new(), vec![]);
                r.headers.retain(|(k, _)| k != "Content-Type");
                Some(r)
            }
            App::HttpEcho { .. } if req.path == "/health" => Some(plain(
                "{\"status\":\"ok\"}\n".into(),
                vec![
                    ("X-App-Name".into(), "http-echo".into()),
                    ("X-App-Version".into(), "1.0.0".into()),
                ],
            )),
            App::Whoami => {
                let mut body = format!("Hostname: {}\nIP: 127.0.0.1\nIP: ::1\n", ctx.hostname);
                for a in &ctx.addrs {
                    body.push_str(&format!("IP: {a}\n"));
                }
                // Go's `Request.Write`: Host and User-Agent first, then the
                // other headers by their canonical names, sorted.
                // A request without User-Agent is written with Go's default.
                let agent = match req.user_agent.as_str() {
                    "" => "Go-http-client/1.1",
                    a => a,
                };
                body.push_str(&format!(
                    "RemoteAddr: {}\n{} {} HTTP/1.1\nHost: {}\nUser-Agent: {agent}\n",
                    ctx.remote, req.method, req.path, req.host_header
                ));
                let mut rest: Vec<(String, &str)> = req
                    .headers
                    .iter()
                    .map(|(k, v)| (canonical_header(k), v.as_str()))
                    .filter(|(k, _)| k != "Host" && k != "User-Agent")
                    .collect();
                crate::sort::sort_by(&mut rest, |a, b| a.0.cmp(&b.0));
                for (k, v) in rest {
                    body.push_str(&format!("{k}: {v}\n"));
                }
                body.push('\n');
                Some(plain(body, vec![]))
            }
            App::ServeHostname => Some(plain(ctx.hostname.clone(), vec![])),
            App::HttpEcho { text } => Some(plain(
                format!("{text}\n"),
                vec![
                    ("X-App-Name".into(), "http-echo".into()),
                    ("X-App-Version".into(), "1.0.0".into()),
                ],
            )),
            App::RouterAdmin => {
                let body = ROUTER_LOGIN.to_string();
                Some(HttpResponse {
                    status: 200,
                    reason: "OK",
                    headers: vec![
                        ("Content-Type".into(), "text/html".into()),
                        ("Content-Length".into(), body.len().to_string()),
                        ("Date".into(), date),
                        ("Server".into(), "lighttpd/1.4.59".into()),
                    ],
                    body: if req.method == "HEAD" {
                        String::new()
                    } else {
                        body
                    },
                })
            }
            App::ServiceHealth {
                namespace,
                name,
                local_endpoints,
            } => {
                // kube-proxy's `hcHandler`: a tab-indented JSON document.
                let body = format!(
                    "{{\n\t\"service\": {{\n\t\t\"namespace\": {namespace:?},\n\t\t\"name\": {name:?}\n\t}},\n\t\"localEndpoints\": {local_endpoints},\n\t\"serviceProxyHealthy\": true\n}}"
                );
                let (status, reason) = if *local_endpoints > 0 {
                    (200, "OK")
                } else {
                    (503, "Service Unavailable")
                };
                Some(HttpResponse {
                    status,
                    reason,
                    headers: vec![
                        ("Content-Type".into(), "application/json".into()),
                        ("X-Content-Type-Options".into(), "nosniff".into()),
                        (
                            "X-Load-Balancing-Endpoint-Weight".into(),
                            local_endpoints.to_string(),
                        ),
                        ("Date".into(), date),
                        ("Content-Length".into(), body.len().to_string()),
                    ],
                    body: if req.method == "HEAD" {
                        String::new()
                    } else {
                        body
                    },
                })
            }
            // The world answers for the proxy (it opens a connection of its
            // own to a backend); asked alone, it has no route.
            App::Traefik => Some(traefik_error(
                404,
                "Not Found",
                "404 page not found\n",
                &date,
            )),
            App::Sshd | App::Other => None,
        }
    }

    /// What a non-HTTP server sends first when it gets an HTTP request.
    pub fn banner(&self) -> Option<&'static str> {
        match self {
            App::Sshd => Some("SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13.5\r\n"),
            _ => None,
        }
    }
}

/// Go's `http.Error`, as Traefik answers when no router matches (404) or
/// a service has no server (503 `no available server`).
pub fn traefik_error(status: u16, reason: &'static str, body: &str, date: &str) -> HttpResponse {
    HttpResponse {
        status,
        reason,
        headers: vec![
            ("Content-Type".into(), "text/plain; charset=utf-8".into()),
            ("X-Content-Type-Options".into(), "nosniff".into()),
            ("Date".into(), date.to_string()),
            ("Content-Length".into(), body.len().to_string()),
        ],
        body: body.to_string(),
    }
}

/// `2026/11/26 09:00:05`: Go's `log` package and nginx's error log.
pub fn log_stamp(ms: i64) -> String {
    crate::time::DateTime::at(ms).strftime("%Y/%m/%d %H:%M:%S")
}

impl App {
    /// What the program writes to its log for one request it answered, at
    /// simulated time `at` (ms): nginx's access log in the image's `main`
    /// format (and its error log's line for a missing file), http-echo's
    /// request line. whoami and serve_hostname log no requests.
    pub fn access_log(
        &self,
        req: &HttpRequest,
        resp: &HttpResponse,
        remote: std::net::SocketAddrV4,
        at: i64,
        connection: u64,
    ) -> Vec<String> {
        let t = crate::time::DateTime::at(at);
        match self {
            App::Nginx => {
                let mut out = vec![];
                if resp.status == 404 {
                    out.push(format!(
                        "{} [error] 29#29: *{} open() \"/usr/share/nginx/html{}\" failed (2: No such file or directory), client: {}, server: localhost, request: \"{} {} HTTP/1.1\", host: \"{}\"",
                        log_stamp(at),
                        connection,
                        req.path,
                        remote.ip(),
                        req.method,
                        req.path,
                        req.host_header
                    ));
                }
                let bytes = if req.method == "HEAD" {
                    0
                } else {
                    resp.body.len()
                };
                // The image's `main` format ends with the referer, the
                // agent and `$http_x_forwarded_for`.
                out.push(format!(
                    "{} - - [{:02}/{}/{}:{:02}:{:02}:{:02} +0000] \"{} {} HTTP/1.1\" {} {bytes} \"{}\" \"{}\" \"{}\"",
                    remote.ip(),
                    t.day,
                    t.month_name(),
                    t.year,
                    t.hour,
                    t.minute,
                    t.second,
                    req.method,
                    req.path,
                    resp.status,
                    req.header("Referer").unwrap_or("-"),
                    if req.user_agent.is_empty() { "-" } else { req.user_agent.as_str() },
                    req.header("X-Forwarded-For").unwrap_or("-")
                ));
                out
            }
            App::HttpEcho { .. } if req.path != "/health" => {
                // Go's Duration of a request that took some microseconds.
                let us = 18 + crate::text::fnv1a(format!("{remote}{at}").as_bytes()) % 40;
                let tenths = crate::text::fnv1a(format!("{at}{remote}").as_bytes()) % 10;
                vec![format!(
                    "{} {} {remote} \"{} {} HTTP/1.1\" {} {} \"{}\" {us}.{tenths}\u{b5}s",
                    log_stamp(at),
                    req.host_header,
                    req.method,
                    req.path,
                    resp.status,
                    resp.body.len(),
                    req.user_agent
                )]
            }
            _ => vec![],
        }
    }
}

fn nginx(req: &HttpRequest, now_unix: u64) -> HttpResponse {
    let date = http_date(now_unix.max(EPOCH_UNIX));
    let server = format!("nginx/{NGINX_VERSION}");
    if req.path != "/" && req.path != "/index.html" {
        let body = format!(
            "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>{server}</center>\r\n</body>\r\n</html>\r\n"
        );
        return HttpResponse {
            status: 404,
            reason: "Not Found",
            headers: vec![
                ("Server".into(), server),
                ("Date".into(), date),
                ("Content-Type".into(), "text/html".into()),
                ("Content-Length".into(), body.len().to_string()),
                ("Connection".into(), "keep-alive".into()),
            ],
            body,
        };
    }
    let len = NGINX_WELCOME.len();
    HttpResponse {
        status: 200,
        reason: "OK",
        headers: vec![
            ("Server".into(), server),
            ("Date".into(), date),
            ("Content-Type".into(), "text/html".into()),
            ("Content-Length".into(), len.to_string()),
            ("Last-Modified".into(), http_date(NGINX_INDEX_MTIME)),
            ("Connection".into(), "keep-alive".into()),
            // nginx's ETag is "<mtime in hex>-<size in hex>".
            ("ETag".into(), format!("\"{NGINX_INDEX_MTIME:x}-{len:x}\"")),
            ("Accept-Ranges".into(), "bytes".into()),
        ],
        body: if req.method == "HEAD" {
            String::new()
        } else {
            NGINX_WELCOME.to_string()
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn welcome_page_is_the_classic_615_bytes() {
        assert_eq!(NGINX_WELCOME.len(), 615);
    }

    #[test]
    fn health_check_body_is_kube_proxys() {
        let app = App::ServiceHealth {
            namespace: "default".into(),
            name: "wp-nginx-service".into(),
            local_endpoints: 1,
        };
        let r = app
            .http(
                &HttpRequest {
                    method: "GET".into(),
                    path: "/healthz".into(),
                    host_header: "x".into(),
                    user_agent: "kube-probe/1.31".into(),
                    headers: vec![],
                },
                EPOCH_UNIX,
                &ServerCtx {
                    hostname: String::new(),
                    addrs: vec![],
                    remote: "10.0.0.1:1".parse().unwrap(),
                },
            )
            .unwrap();
        // The length a real kube-proxy sends for this Service (seen by nmap).
        assert_eq!(r.body.len(), 127);
        assert_eq!(r.status, 200);
    }

    #[test]
    fn etag_follows_mtime_and_size() {
        let r = App::Nginx
            .http(
                &HttpRequest {
                    method: "GET".into(),
                    path: "/".into(),
                    host_header: "x".into(),
                    user_agent: "curl/8.5.0".into(),
                    headers: vec![],
                },
                EPOCH_UNIX,
                &ServerCtx {
                    hostname: "p".into(),
                    addrs: vec![],
                    remote: "10.0.0.1:1".parse().unwrap(),
                },
            )
            .unwrap();
        let etag = &r.headers.iter().find(|(k, _)| k == "ETag").unwrap().1;
        assert_eq!(etag, "\"6745ef54-267\"");
    }
}
