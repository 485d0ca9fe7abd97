//! A container's `readinessProbe` or `livenessProbe`, read as the kubelet
//! reads it, with the API server's defaults (`periodSeconds` 10,
//! `timeoutSeconds` 1, `successThreshold` 1, `failureThreshold` 3).

use super::objects::Container;
use serde_json::Value;

/// Which probe: they are run alike and acted on differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProbeKind {
    Readiness,
    Liveness,
}

impl ProbeKind {
    /// `Readiness`, as the kubelet's event messages begin.
    pub fn title(self) -> &'static str {
        match self {
            ProbeKind::Readiness => "Readiness",
            ProbeKind::Liveness => "Liveness",
        }
    }
}

/// A port as a probe names it: a number, or a container port's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortRef {
    Number(i64),
    Name(String),
}

impl PortRef {
    fn parse(v: Option<&Value>) -> PortRef {
        match v {
            Some(Value::Number(n)) => PortRef::Number(n.as_i64().unwrap_or(0)),
            Some(Value::String(s)) => match s.parse::<i64>() {
                Ok(n) => PortRef::Number(n),
                Err(_) => PortRef::Name(s.clone()),
            },
            _ => PortRef::Number(0),
        }
    }

    /// The port number on `ct`: a name is looked up among its ports.
    pub fn resolve(&self, ct: &Container) -> Option<u16> {
        match self {
            PortRef::Number(n) => u16::try_from(*n).ok().filter(|p| *p > 0),
            PortRef::Name(name) => ct
                .ports
                .iter()
                .find(|p| &p.name == name)
                .and_then(|p| u16::try_from(p.container_port).ok()),
        }
    }

    pub fn text(&self) -> String {
        match self {
            PortRef::Number(n) => n.to_string(),
            PortRef::Name(s) => s.clone(),
        }
    }
}

/// What a probe does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handler {
    HttpGet {
        path: String,
        port: PortRef,
        host: Option<String>,
        scheme: String,
    },
    TcpSocket {
        port: PortRef,
        host: Option<String>,
    },
    Exec {
        command: Vec<String>,
    },
    /// Not simulated: always passes.
    Grpc {
        port: i64,
    },
    /// No handler given (the API server would refuse it): passes.
    None,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeSpec {
    pub handler: Handler,
    pub initial_delay_ms: i64,
    pub period_ms: i64,
    pub timeout_ms: i64,
    pub success_threshold: u32,
    pub failure_threshold: u32,
}

/// A number field of a probe, with its default for absent, zero or nonsense
/// values (the API server defaults zero; it refuses negatives).
fn field(v: &Value, key: &str, default: i64, min: i64) -> i64 {
    match v.get(key).and_then(Value::as_i64) {
        Some(n) if n >= min && n > 0 => n.min(1_000_000),
        Some(0) if min == 0 => 0,
        _ => default,
    }
}

impl ProbeSpec {
    pub fn parse(v: &Value) -> ProbeSpec {
        let handler = if let Some(get) = v.get("httpGet") {
            let path = get
                .get("path")
                .and_then(Value::as_str)
                .unwrap_or("/")
                .to_string();
            Handler::HttpGet {
                path: if path.starts_with('/') {
                    path
                } else {
                    format!("/{path}")
                },
                port: PortRef::parse(get.get("port")),
                host: get
                    .get("host")
                    .and_then(Value::as_str)
                    .filter(|h| !h.is_empty())
                    .map(str::to_string),
                scheme: get
                    .get("scheme")
                    .and_then(Value::as_str)
                    .unwrap_or("HTTP")
                    .to_string(),
            }
        } else if let Some(tcp) = v.get("tcpSocket") {
            Handler::TcpSocket {
                port: PortRef::parse(tcp.get("port")),
                host: tcp
                    .get("host")
                    .and_then(Value::as_str)
                    .filter(|h| !h.is_empty())
                    .map(str::to_string),
            }
        } else if let Some(exec) = v.get("exec") {
            Handler::Exec {
                command: exec
                    .get("command")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .map(|w| match w {
                                Value::String(s) => s.clone(),
                                other => other.to_string(),
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            }
        } else if let Some(g) = v.get("grpc") {
            Handler::Grpc {
                port: g.get("port").and_then(Value::as_i64).unwrap_or(0),
            }
        } else {
            Handler::None
        };
        ProbeSpec {
            handler,
            initial_delay_ms: field(v, "initialDelaySeconds", 0, 0) * 1000,
            period_ms: field(v, "periodSeconds", 10, 1) * 1000,
            timeout_ms: field(v, "timeoutSeconds", 1, 1) * 1000,
            success_threshold: field(v, "successThreshold", 1, 1) as u32,
            failure_threshold: field(v, "failureThreshold", 3, 1) as u32,
        }
    }

    /// The container's probe of this kind, if it has one.
    pub fn of(ct: &Container, kind: ProbeKind) -> Option<ProbeSpec> {
        let v = match kind {
            ProbeKind::Readiness => ct.readiness_probe.as_ref(),
            ProbeKind::Liveness => ct.liveness_probe.as_ref(),
        }?;
        v.is_object().then(|| ProbeSpec::parse(v))
    }

    /// kubectl describe's `DescribeProbe`: `http-get http://:80/ delay=0s
    /// timeout=1s period=10s #success=1 #failure=3`.
    pub fn describe(&self) -> String {
        let attrs = format!(
            "delay={}s timeout={}s period={}s #success={} #failure={}",
            self.initial_delay_ms / 1000,
            self.timeout_ms / 1000,
            self.period_ms / 1000,
            self.success_threshold,
            self.failure_threshold
        );
        match &self.handler {
            Handler::HttpGet {
                path,
                port,
                host,
                scheme,
            } => format!(
                "http-get {}://{}:{}{path} {attrs}",
                scheme.to_ascii_lowercase(),
                host.as_deref().unwrap_or(""),
                port.text()
            ),
            Handler::TcpSocket { port, host } => format!(
                "tcp-socket {}:{} {attrs}",
                host.as_deref().unwrap_or(""),
                port.text()
            ),
            Handler::Exec { command } => format!("exec [{}] {attrs}", command.join(" ")),
            Handler::Grpc { port } => format!("grpc <pod>:{port} <service> {attrs}"),
            Handler::None => format!("unknown {attrs}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_are_the_api_servers() {
        let p = ProbeSpec::parse(&json!({"httpGet": {"port": 80}}));
        assert_eq!(p.period_ms, 10_000);
        assert_eq!(p.failure_threshold, 3);
        assert_eq!(p.success_threshold, 1);
        assert_eq!(
            p.describe(),
            "http-get http://:80/ delay=0s timeout=1s period=10s #success=1 #failure=3"
        );
        let p = ProbeSpec::parse(
            &json!({"tcpSocket": {"port": "http"}, "periodSeconds": 5, "initialDelaySeconds": 3}),
        );
        assert_eq!(
            p.describe(),
            "tcp-socket :http delay=3s timeout=1s period=5s #success=1 #failure=3"
        );
        let p = ProbeSpec::parse(&json!({"exec": {"command": ["cat", "/tmp/ready"]}}));
        assert_eq!(
            p.describe(),
            "exec [cat /tmp/ready] delay=0s timeout=1s period=10s #success=1 #failure=3"
        );
    }
}
