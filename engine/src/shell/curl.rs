//! `curl`, as curl 8.5.0 (Ubuntu 24.04) behaves and prints.
//!
//! Every outcome comes from a real connect through the simulated network:
//! a RST or a REJECT is exit 7 at once, a silently dropped SYN is the
//! kernel's connect timeout (exit 28 after about 130 s of simulated time),
//! unless `--connect-timeout` or `-m` gives up earlier.

use super::ctx::Ctx;
use super::http::{answered_by, exchange, Ended};
use super::opts::{self, Opt, OptError, Spec};
use super::Execution;
use super::Observed;
use crate::apps::HttpRequest;
use crate::time::Millis;
use std::net::SocketAddrV4;

pub const CURL_VERSION: &str = "8.5.0";

#[derive(Debug, Default)]
struct Options {
    silent: bool,
    show_error: bool,
    verbose: bool,
    head: bool,
    include: bool,
    fail: bool,
    output: Option<String>,
    write_out: Option<String>,
    max_time_ms: Option<Millis>,
    connect_timeout_ms: Option<Millis>,
    method: Option<String>,
    /// `-H`: each header line as given, in order.
    headers: Vec<String>,
    user_agent: Option<String>,
    referer: Option<String>,
    /// `--resolve HOST:PORT:ADDR`: addresses given for a host and port.
    resolve: Vec<(String, u16, std::net::Ipv4Addr)>,
    urls: Vec<String>,
    /// Standard output is the terminal (not a pipe, a file or `$(…)`).
    to_terminal: bool,
}

enum ArgError {
    Opt(OptError),
    NotNumber(String),
    /// A `--resolve` entry that is not `HOST:PORT:ADDRESS`.
    Resolve(String),
}

fn parse_seconds(flag: &str, v: &str) -> Result<Millis, ArgError> {
    match v.parse::<f64>() {
        Ok(s) if s >= 0.0 && s.is_finite() => Ok((s * 1000.0).round() as Millis),
        _ => Err(ArgError::NotNumber(flag.to_string())),
    }
}

/// The options this curl takes (the others of curl 8 are not simulated).
const OPTS: &[Opt] = &[
    opts::flag("silent", 's', "silent"),
    opts::flag("show-error", 'S', "show-error"),
    opts::flag("verbose", 'v', "verbose"),
    opts::flag("head", 'I', "head"),
    opts::flag("include", 'i', "include"),
    opts::flag("fail", 'f', "fail"),
    // Accepted and harmless here: no redirects or TLS to skip.
    opts::flag("location", 'L', "location"),
    opts::flag("insecure", 'k', "insecure"),
    opts::flag("ipv4", '4', "ipv4"),
    opts::flag("no-buffer", 'N', "no-buffer"),
    opts::valued("output", 'o', "output"),
    opts::valued("write-out", 'w', "write-out"),
    opts::valued("max-time", 'm', "max-time"),
    opts::long("connect-timeout", "connect-timeout", true),
    opts::valued("request", 'X', "request"),
    opts::valued("header", 'H', "header"),
    opts::valued("user-agent", 'A', "user-agent"),
    opts::valued("referer", 'e', "referer"),
    opts::long("resolve", "resolve", true),
];

/// `--resolve`'s `HOST:PORT:ADDRESS` (an IPv4 address here).
fn parse_resolve(entry: &str) -> Option<(String, u16, std::net::Ipv4Addr)> {
    let (host, rest) = entry.split_once(':')?;
    let (port, addr) = rest.split_once(':')?;
    let port = port.parse().ok()?;
    let addr = addr
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .ok()?;
    (!host.is_empty()).then(|| (host.to_ascii_lowercase(), port, addr))
}

fn parse_args(args: &[String]) -> Result<Options, ArgError> {
    let parsed = opts::parse(args, &Spec::gnu(OPTS)).map_err(ArgError::Opt)?;
    let mut o = Options::default();
    for (name, value) in parsed.opts() {
        let v = || value.unwrap_or_default().to_string();
        match name {
            "silent" => o.silent = true,
            "show-error" => o.show_error = true,
            "verbose" => o.verbose = true,
            "head" => o.head = true,
            "include" => o.include = true,
            "fail" => o.fail = true,
            "output" => o.output = Some(v()),
            "write-out" => o.write_out = Some(v()),
            "max-time" => o.max_time_ms = Some(parse_seconds("--max-time", &v())?),
            "connect-timeout" => {
                o.connect_timeout_ms = Some(parse_seconds("--connect-timeout", &v())?)
            }
            "request" => o.method = Some(v()),
            "header" => o.headers.push(v()),
            "user-agent" => o.user_agent = Some(v()),
            "referer" => o.referer = Some(v()),
            "resolve" => {
                let entry = v();
                match parse_resolve(&entry) {
                    Some(r) => o.resolve.push(r),
                    None => return Err(ArgError::Resolve(entry)),
                }
            }
            _ => {}
        }
    }
    o.urls = parsed.operands();
    Ok(o)
}

struct Url {
    scheme: String,
    host: String,
    port: u16,
    path: String,
}

enum UrlError {
    Protocol(String),
    Port,
    Malformed,
}

fn parse_url(raw: &str) -> Result<Url, UrlError> {
    let (scheme, rest) = match raw.split_once("://") {
        Some((s, r)) => (s.to_ascii_lowercase(), r),
        None => ("http".to_string(), raw),
    };
    let default_port = match scheme.as_str() {
        "http" => 80,
        "https" => 443,
        _ => return Err(UrlError::Protocol(scheme)),
    };
    let (authority, path) = match rest.find(['/', '?', '#']) {
        Some(i) => (&rest[..i], rest[i..].to_string()),
        None => (rest, "/".to_string()),
    };
    let path = if path.starts_with('/') {
        path
    } else {
        format!("/{path}")
    };
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => {
            let port = if p.is_empty() {
                default_port
            } else {
                match p.parse::<u32>() {
                    Ok(n) if n <= 65535 => n as u16,
                    _ => return Err(UrlError::Port),
                }
            };
            (h, port)
        }
        None => (authority, default_port),
    };
    if host.is_empty()
        || !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
    {
        return Err(UrlError::Malformed);
    }
    Ok(Url {
        scheme,
        host: host.to_ascii_lowercase(),
        port,
        path,
    })
}

const TRY_HELP: &str = "curl: try 'curl --help' or 'curl --manual' for more information\n";

/// `curl --version` as Ubuntu 24.04's curl 8.5.0 prints it: the one curl
/// of every simulated host.
const VERSION: &str = "curl 8.5.0 (x86_64-pc-linux-gnu) libcurl/8.5.0 OpenSSL/3.0.13 zlib/1.3 brotli/1.1.0 zstd/1.5.5 libidn2/2.4.0 libpsl/0.21.2 (+libidn2/2.4.0) libssh/0.10.6/openssl/zlib nghttp2/1.59.0 librtmp/2.3 OpenLDAP/2.6.7
Release-Date: 2023-12-06, security patched: 8.5.0-2ubuntu10.6
Protocols: dict file ftp ftps gopher gophers http https imap imaps ldap ldaps mqtt pop3 pop3s rtmp rtsp scp sftp smb smbs smtp smtps telnet tftp
Features: alt-svc AsynchDNS brotli GSS-API HSTS HTTP2 HTTPS-proxy IDN IPv6 Kerberos Largefile libz NTLM PSL SPNEGO SSL threadsafe TLS-SRP UnixSockets zstd
";

#[inline(never)]
pub(super) fn run(s: &mut Ctx, args: &[String], exec: &mut Execution) -> i32 {
    // curl acts on `--version` as soon as it reads it, whatever follows.
    if args
        .iter()
        .take_while(|a| *a != "--")
        .any(|a| a == "--version" || a == "-V")
    {
        exec.out(VERSION);
        return 0;
    }
    let opts = match parse_args(args) {
        Ok(o) => Options {
            to_terminal: s.tty,
            ..o
        },
        Err(e) => {
            match e {
                ArgError::Opt(e) => exec.err(e.curl()),
                ArgError::NotNumber(f) => {
                    exec.err(format!(
                        "curl: option {f}: expected a proper numerical parameter\n"
                    ));
                    exec.err(TRY_HELP);
                }
                ArgError::Resolve(entry) => {
                    exec.err(format!(
                        "curl: (49) Couldn't parse CURLOPT_RESOLVE entry '{entry}'\n"
                    ));
                    return 49;
                }
            }
            return 2;
        }
    };
    if opts.urls.is_empty() {
        exec.err("curl: no URL specified\n");
        exec.err(TRY_HELP);
        return 2;
    }
    let mut status = 0;
    for (n, url) in opts.urls.iter().enumerate() {
        let (code, observed) = fetch(s, &opts, url, n, exec);
        status = code;
        let answered_by = answered_by(&observed, exec.trace.as_ref());
        let from = s.current_host().to_string();
        exec.record_request(super::RequestMade {
            from,
            url: url.clone(),
            observed,
            answered_by,
            line: 0,
            writes: s.cluster_writes(),
        });
    }
    status
}

/// `curl -sS URL` from the current host as a lesson's goal or check makes
/// it, typed: how it ended, the body, the packet's trace, and the host
/// whose program answered. Nothing is printed; the same exchange as the
/// student's curl, so the outcome is the one their curl would get.
pub(super) fn get(s: &mut Ctx, raw: &str, host: Option<&str>) -> super::RequestOutcome {
    let outcome = |observed, trace, body: &str, answered_by| super::RequestOutcome {
        observed,
        body: body.to_string(),
        trace,
        answered_by,
    };
    let url = match parse_url(raw) {
        Ok(u) => u,
        Err(UrlError::Protocol(_)) => return outcome(Observed::Failed(1), None, "", None),
        Err(_) => return outcome(Observed::Failed(3), None, "", None),
    };
    let ip = match s.lookup_host(&url.host) {
        super::dns::HostLookup::Found(ip) => ip,
        super::dns::HostLookup::NotFound { trace } => {
            let trace = unresolved(s, raw, &url.host, trace);
            return outcome(Observed::Unresolved, Some(trace), "", None);
        }
    };
    let opts = Options::default();
    let mut req = request(&opts, &url, "GET");
    if let Some(h) = host {
        req.host_header = h.to_string();
    }
    let mut quiet = Execution::default();
    let dst = SocketAddrV4::new(ip, url.port);
    let x = exchange(
        s,
        dst,
        &req,
        url.scheme == "https",
        None,
        "curl",
        &mut quiet,
    );
    let trace = x.trace.clone().map(|t| labelled(s, raw, t));
    outcome(x.observed(), trace, x.body(), x.answered_by())
}

/// A request's trace named as the page shows it: `curl URL (from HOST)`.
fn labelled(s: &Ctx, raw: &str, mut trace: crate::net::Trace) -> crate::net::Trace {
    trace.request = format!("curl {raw} (from {})", s.current_host());
    trace
}

/// The trace of a name that did not resolve: the DNS query's path when
/// one was sent, else one that says only that the name did not resolve.
fn unresolved(
    s: &Ctx,
    raw: &str,
    host: &str,
    query: Option<crate::net::Trace>,
) -> crate::net::Trace {
    query.unwrap_or_else(|| {
        let bare = crate::net::Trace {
            request: String::new(),
            hops: vec![],
            outcome: Some(crate::net::TraceOutcome::NotResolved {
                name: host.to_string(),
            }),
        };
        labelled(s, raw, bare)
    })
}

/// A failure that ends before any connection: what curl exits with, as
/// a lesson sees it too.
fn failed(code: i32) -> (i32, Observed) {
    (code, Observed::Failed(code))
}

/// Shows an error the way curl does: only when not silent, or with `-S`.
fn fail(opts: &Options, exec: &mut Execution, code: i32, msg: String) -> i32 {
    if opts.verbose {
        exec.err("* Closing connection\n");
    }
    if !opts.silent || opts.show_error {
        exec.err(format!("curl: ({code}) {msg}\n"));
    }
    code
}

/// Whether curl draws its progress meter (on standard error): the body
/// goes to a file, a pipe or `$(…)` rather than the terminal, and neither
/// `-s` nor `-v` was given. On a terminal the meter would mix with the
/// body, so curl leaves it out.
fn shows_meter(opts: &Options) -> bool {
    (opts.output.is_some() || !opts.to_terminal) && !opts.silent && !opts.verbose
}

fn write_out(
    opts: &Options,
    exec: &mut Execution,
    code: u16,
    remote: Option<SocketAddrV4>,
    size: usize,
    total_ms: f64,
) {
    let Some(fmt) = &opts.write_out else { return };
    let mut out = String::new();
    let mut rest = fmt.as_str();
    while let Some(i) = rest.find(['%', '\\']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if let Some(t) = tail.strip_prefix("\\n") {
            out.push('\n');
            rest = t;
        } else if let Some(t) = tail.strip_prefix("\\t") {
            out.push('\t');
            rest = t;
        } else if let Some(t) = tail.strip_prefix("%{") {
            match t.find('}') {
                Some(end) => {
                    let var = &t[..end];
                    let v = match var {
                        "http_code" | "response_code" => format!("{code:03}"),
                        "remote_ip" => remote.map(|r| r.ip().to_string()).unwrap_or_default(),
                        "remote_port" => remote.map(|r| r.port().to_string()).unwrap_or_default(),
                        "size_download" => size.to_string(),
                        "time_total" => format!("{:.6}", total_ms / 1000.0),
                        _ => String::new(),
                    };
                    out.push_str(&v);
                    rest = &t[end + 1..];
                }
                None => {
                    out.push_str(tail);
                    rest = "";
                }
            }
        } else if let Some(t) = tail.strip_prefix("%%") {
            out.push('%');
            rest = t;
        } else {
            out.push_str(&tail[..1]);
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    exec.out(out);
}

fn fetch(
    s: &mut Ctx,
    opts: &Options,
    raw: &str,
    n: usize,
    exec: &mut Execution,
) -> (i32, Observed) {
    let url = match parse_url(raw) {
        Ok(u) => u,
        Err(UrlError::Protocol(p)) => {
            return failed(fail(
                opts,
                exec,
                1,
                format!("Protocol \"{p}\" not supported"),
            ))
        }
        Err(UrlError::Port) => {
            return failed(fail(
                opts,
                exec,
                3,
                "URL rejected: Port number was not a decimal number between 0 and 65535".into(),
            ))
        }
        Err(UrlError::Malformed) => {
            return failed(fail(
                opts,
                exec,
                3,
                "URL rejected: Malformed input to a URL function".into(),
            ))
        }
    };
    if shows_meter(opts) {
        exec.err(METER_HEADER);
    }
    let given = opts
        .resolve
        .iter()
        .find(|(h, p, _)| *h == url.host && *p == url.port)
        .map(|(_, _, a)| *a);
    if opts.verbose {
        for (h, p, a) in &opts.resolve {
            exec.err(format!("* Added {h}:{p}:{a} to DNS cache\n"));
        }
        if given.is_some() {
            exec.err(format!("* Hostname {} was found in DNS cache\n", url.host));
        }
    }
    // Resolving counts against --connect-timeout and -m, as connecting does.
    let limit = [opts.connect_timeout_ms, opts.max_time_ms]
        .into_iter()
        .flatten()
        .min();
    let found = match given {
        Some(ip) => super::dns::HostLookup::Found(ip),
        None => match s.lookup_host_within(&url.host, limit) {
            super::dns::Resolution::Done(found) => found,
            super::dns::Resolution::TimedOut { waited_ms, trace } => {
                exec.trace = Some(unresolved(s, raw, &url.host, trace));
                return (
                    timed_out(opts, exec, "Resolving", waited_ms),
                    Observed::Timeout,
                );
            }
        },
    };
    let ip = match found {
        super::dns::HostLookup::Found(ip) => ip,
        super::dns::HostLookup::NotFound { trace } => {
            if shows_meter(opts) {
                exec.err(meter_line(0, 0, 0));
            }
            exec.trace = Some(unresolved(s, raw, &url.host, trace));
            // curl -v says so before it closes.
            if opts.verbose {
                exec.err(format!("* Could not resolve host: {}\n", url.host));
            }
            return (
                fail(
                    opts,
                    exec,
                    6,
                    format!("Could not resolve host: {}", url.host),
                ),
                Observed::Unresolved,
            );
        }
    };
    let dst = SocketAddrV4::new(ip, url.port);
    if opts.verbose {
        exec.err(format!("*   Trying {dst}...\n"));
    }
    let method = opts.method.clone().unwrap_or_else(|| {
        if opts.head {
            "HEAD".into()
        } else {
            "GET".into()
        }
    });
    let req = request(opts, &url, &method);
    let x = exchange(s, dst, &req, url.scheme == "https", limit, "curl", exec);
    if let Some(trace) = x.trace.clone() {
        exec.trace = Some(labelled(s, raw, trace));
    }
    let observed = x.observed();
    let (local, server_addr, rtt_ms) = (x.local, x.server_addr, x.rtt_ms);
    let (resp, total_us) = match x.ended {
        Ended::NoBudget => return (1, observed),
        Ended::ConnectFailed {
            waited_ms,
            timer: true,
            ..
        } => {
            return (timed_out(opts, exec, "Connection", waited_ms), observed);
        }
        Ended::ConnectFailed {
            errno,
            waited_ms: kernel_ms,
            timer: false,
        } => {
            if shows_meter(opts) {
                exec.err(meter_line(0, 0, kernel_ms));
            }
            if opts.verbose {
                exec.err(format!(
                    "* connect to {} port {} from {} port {} failed: {errno}\n",
                    ip,
                    url.port,
                    local.ip(),
                    local.port()
                ));
                exec.err(format!(
                    "* Failed to connect to {} port {} after {kernel_ms} ms: Couldn't connect to server\n",
                    url.host, url.port
                ));
            }
            write_out(opts, exec, 0, None, 0, kernel_ms as f64);
            // curl maps ETIMEDOUT to exit 28; every other connect failure is 7.
            let code = if errno == "Connection timed out" {
                28
            } else {
                7
            };
            return (fail(
                opts,
                exec,
                code,
                format!(
                    "Failed to connect to {} port {} after {kernel_ms} ms: Couldn't connect to server",
                    url.host, url.port
                ),
            ), observed);
        }
        ended => {
            if opts.verbose {
                exec.err(format!(
                    "* Connected to {} ({}) port {}\n",
                    url.host, ip, url.port
                ));
            }
            match ended {
                Ended::Answered { resp, total_us } => (resp, total_us),
                Ended::TunnelBroken => {
                    if shows_meter(opts) {
                        exec.err(meter_line(0, 0, 1));
                    }
                    return (
                        fail(opts, exec, 52, "Empty reply from server".into()),
                        observed,
                    );
                }
                Ended::Tls => {
                    return (
                        fail(
                            opts,
                            exec,
                            35,
                            "OpenSSL/3.0.13: error:0A00010B:SSL routines::wrong version number"
                                .into(),
                        ),
                        observed,
                    )
                }
                _not_http => {
                    if opts.verbose {
                        exec.err(request_lines(opts, &url, &method));
                    }
                    let (code, msg) = match observed {
                        Observed::Failed(1) => {
                            (1, "Received HTTP/0.9 when not allowed".to_string())
                        }
                        _ => (52, "Empty reply from server".to_string()),
                    };
                    if shows_meter(opts) {
                        exec.err(meter_line(0, 0, 1));
                    }
                    write_out(opts, exec, 0, server_addr, 0, rtt_ms);
                    return (fail(opts, exec, code, msg), observed);
                }
            }
        }
    };
    if opts.verbose {
        exec.err(request_lines(opts, &url, &method));
    }
    let status_line = format!("HTTP/1.1 {} {}", resp.status, resp.reason);
    let mut head = format!("{status_line}\n");
    for (k, v) in &resp.headers {
        head.push_str(&format!("{k}: {v}\n"));
    }
    head.push('\n');
    if opts.verbose {
        let mut v = format!("< {status_line}\n");
        for (k, val) in &resp.headers {
            v.push_str(&format!("< {k}: {val}\n"));
        }
        v.push_str("< \n");
        exec.err(v);
    }
    if opts.fail && resp.status >= 400 {
        write_out(
            opts,
            exec,
            resp.status,
            server_addr,
            0,
            total_us as f64 / 1000.0,
        );
        return (
            fail(
                opts,
                exec,
                22,
                format!("The requested URL returned error: {}", resp.status),
            ),
            observed,
        );
    }
    let mut payload = String::new();
    if opts.head || opts.include {
        payload.push_str(&head);
    }
    payload.push_str(&resp.body);
    let received = resp.body.len();
    match &opts.output {
        Some(path) => {
            if opts.verbose && received > 0 {
                exec.err(format!("{{ [{received} bytes data]\n"));
            }
            if path != "/dev/null" && s.write_file(path, payload).is_err() {
                exec.err("curl: (23) Failure writing output to destination\n");
                return failed(23);
            }
        }
        None => exec.out(payload),
    }
    if shows_meter(opts) {
        exec.err(meter_line(
            received as u64,
            total_us,
            crate::time::millis(total_us / 1000),
        ));
    }
    if opts.verbose {
        exec.err(format!(
            "* Connection #{n} to host {} left intact\n",
            url.host
        ));
    }
    write_out(
        opts,
        exec,
        resp.status,
        server_addr,
        received,
        total_us as f64 / 1000.0,
    );
    (0, observed)
}

/// One `-H` line: `Name: value` (a header to send or replace), `Name:`
/// (one of curl's own not to send) or `Name;` (sent empty).
enum HeaderLine {
    Set(String, String),
    Remove(String),
}

fn header_line(text: &str) -> Option<HeaderLine> {
    if let Some((name, value)) = text.split_once(':') {
        let name = name.trim();
        let value = value.trim();
        if name.is_empty() {
            return None;
        }
        return Some(if value.is_empty() {
            HeaderLine::Remove(name.to_string())
        } else {
            HeaderLine::Set(name.to_string(), value.to_string())
        });
    }
    let name = text.strip_suffix(';')?.trim();
    (!name.is_empty()).then(|| HeaderLine::Set(name.to_string(), String::new()))
}

/// The headers curl sends, in its order: Host (a `-H Host:` replaces the
/// value in place), its own User-Agent and Accept unless `-H` replaces or
/// removes them, the referer, then each `-H` header in the order given.
fn wire_headers(opts: &Options, url: &Url) -> Vec<(String, String)> {
    let lines: Vec<HeaderLine> = opts.headers.iter().filter_map(|h| header_line(h)).collect();
    let custom = |name: &str| {
        lines.iter().any(|l| match l {
            HeaderLine::Set(n, _) | HeaderLine::Remove(n) => n.eq_ignore_ascii_case(name),
        })
    };
    let host = lines
        .iter()
        .rev()
        .find_map(|l| match l {
            HeaderLine::Set(n, v) if n.eq_ignore_ascii_case("Host") => Some(v.clone()),
            _ => None,
        })
        .unwrap_or_else(|| {
            if url.port == 80 {
                url.host.clone()
            } else {
                format!("{}:{}", url.host, url.port)
            }
        });
    let mut out = vec![("Host".to_string(), host)];
    if !custom("User-Agent") {
        let ua = opts
            .user_agent
            .clone()
            .unwrap_or_else(|| format!("curl/{CURL_VERSION}"));
        out.push(("User-Agent".into(), ua));
    }
    if !custom("Accept") {
        out.push(("Accept".into(), "*/*".into()));
    }
    if let Some(r) = &opts.referer {
        out.push(("Referer".into(), r.clone()));
    }
    for l in &lines {
        if let HeaderLine::Set(n, v) = l {
            if !n.eq_ignore_ascii_case("Host") {
                out.push((n.clone(), v.clone()));
            }
        }
    }
    out
}

/// The request as the server gets it.
fn request(opts: &Options, url: &Url, method: &str) -> HttpRequest {
    let wire = wire_headers(opts, url);
    let get = |name: &str| {
        wire.iter()
            .rev()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    HttpRequest {
        method: method.to_string(),
        path: url.path.clone(),
        host_header: get("Host").unwrap_or_default(),
        user_agent: get("User-Agent").unwrap_or_default(),
        headers: wire
            .iter()
            .filter(|(k, _)| {
                !k.eq_ignore_ascii_case("Host") && !k.eq_ignore_ascii_case("User-Agent")
            })
            .cloned()
            .collect(),
    }
}

/// `-v`'s request lines.
fn request_lines(opts: &Options, url: &Url, method: &str) -> String {
    let mut v = format!("> {method} {} HTTP/1.1\n", url.path);
    for (k, val) in wire_headers(opts, url) {
        v.push_str(&format!("> {k}: {val}\n"));
    }
    v.push_str("> \n");
    v
}

const METER_HEADER: &str =
    "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current
                                 Dload  Upload   Total   Spent    Left  Speed
";

/// curl's `max5data`: a size in at most five characters.
fn max5(bytes: u64) -> String {
    const K: u64 = 1024;
    if bytes < 100_000 {
        format!("{bytes:>5}")
    } else if bytes < 10_000 * K {
        format!("{:>4}k", bytes / K)
    } else if bytes < 100 * K * K {
        format!(
            "{:>2}.{}M",
            bytes / (K * K),
            (bytes % (K * K)) / (K * K / 10)
        )
    } else {
        format!("{:>4}M", bytes / (K * K))
    }
}

/// curl's `time2str`: `--:--:--` under a second, else `H:MM:SS`.
fn time8(ms: Millis) -> String {
    let s = ms / 1000;
    if s == 0 {
        "--:--:--".to_string()
    } else {
        format!("{:>2}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    }
}

/// The meter's last line, as the terminal shows it once curl is done.
/// curl's own timer fired while `phase` (`Resolving`, `Connection`) was
/// under way: the meter, `-v`'s line, `-w`, then error 28.
fn timed_out(opts: &Options, exec: &mut Execution, phase: &str, waited_ms: Millis) -> i32 {
    if shows_meter(opts) {
        exec.err(meter_line(0, 0, waited_ms));
    }
    if opts.verbose {
        exec.err(format!(
            "* {phase} timed out after {waited_ms} milliseconds\n"
        ));
    }
    write_out(opts, exec, 0, None, 0, waited_ms as f64);
    fail(
        opts,
        exec,
        28,
        format!("{phase} timed out after {waited_ms} milliseconds"),
    )
}

fn meter_line(received: u64, elapsed_us: u64, spent_ms: Millis) -> String {
    let pct = if received > 0 { 100 } else { 0 };
    let speed = (received * 1_000_000).checked_div(elapsed_us).unwrap_or(0);
    format!(
        "{pct:>3} {}  {pct:>3} {}    0     0  {}      0 --:--:-- {} --:--:-- {}\n",
        max5(received),
        max5(received),
        max5(speed),
        time8(spent_ms),
        max5(if received > 0 { speed } else { 0 }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meter_line_matches_curl() {
        assert_eq!(
            meter_line(615, 1000, 1),
            "100   615  100   615    0     0   600k      0 --:--:-- --:--:-- --:--:--  600k\n"
        );
        assert_eq!(
            meter_line(0, 0, 130_012),
            "  0     0    0     0    0     0      0      0 --:--:--  0:02:10 --:--:--     0\n"
        );
    }

    #[test]
    fn urls() {
        let u = parse_url("10.244.0.2").ok().unwrap();
        assert_eq!(
            (u.scheme.as_str(), u.port, u.path.as_str()),
            ("http", 80, "/")
        );
        let u = parse_url("http://Node01:30008/x?y").ok().unwrap();
        assert_eq!(
            (u.host.as_str(), u.port, u.path.as_str()),
            ("node01", 30008, "/x?y")
        );
        assert!(matches!(parse_url("http://a:70000"), Err(UrlError::Port)));
        assert!(matches!(parse_url("ftp://a"), Err(UrlError::Protocol(_))));
        assert!(matches!(parse_url("http://"), Err(UrlError::Malformed)));
    }

    #[test]
    fn short_flag_clusters() {
        let o = parse_args(&["-sSo".into(), "out".into(), "-m3".into(), "x".into()])
            .ok()
            .unwrap();
        assert!(o.silent && o.show_error);
        assert_eq!(o.output.as_deref(), Some("out"));
        assert_eq!(o.max_time_ms, Some(3000));
        assert_eq!(o.urls, vec!["x"]);
        assert!(matches!(
            parse_args(&["-o".into()]),
            Err(ArgError::Opt(OptError::NeedsValue { .. }))
        ));
        assert!(matches!(
            parse_args(&["--nope".into()]),
            Err(ArgError::Opt(OptError::UnknownLong(_)))
        ));
    }
}
