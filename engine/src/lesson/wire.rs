//! Reading a lesson from the course data in the student's page, with the
//! decoder the Kubernetes kinds use ([`crate::cluster::objects::wire`]):
//! each struct by its table of fields, each enum by hand, in the shape
//! serde writes them (`servicelab build` writes the data with serde). The
//! page thus carries one small JSON decoder instead of serde's visitors for
//! every lesson type; the authors' tools, which read lessons' YAML, keep
//! serde's. A test decodes the whole course back from what was written.

use super::doc::{ConsoleLine, Doc, Node};
use super::*;
use crate::cluster::dns::RrType;
use crate::cluster::objects::wire::{
    decodes, pair, struct_fields, unknown_variant, variant, Cx, FromJson,
};
use crate::world::Cni;
use serde_json::Value;

/// A lesson from its JSON text.
pub fn lesson_from_json(json: &str) -> Result<Lesson, String> {
    let v: Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
    Lesson::from_json(v, "Lesson", &mut Cx::default())
}

/// A field the data must have.
pub(super) fn need<T: FromJson>(
    fields: &mut serde_json::Map<String, Value>,
    name: &str,
    holder: &str,
    cx: &mut Cx,
) -> Result<T, String> {
    match fields.remove(name) {
        Some(v) if !v.is_null() => T::from_json(v, holder, cx),
        _ => Err(format!("missing field `{name}`")),
    }
}

/// One value of `v`'s object `fields` (a variant's or a hand-read struct's).
fn field<T: FromJson>(
    fields: &mut serde_json::Map<String, Value>,
    name: &str,
    holder: &str,
    cx: &mut Cx,
) -> Result<T, String> {
    match fields.remove(name) {
        Some(Value::Null) | None => {
            T::zero().ok_or_else(|| format!("missing field `{name}` of {holder}"))
        }
        Some(v) => T::from_json(v, holder, cx),
    }
}

/// An object's fields, for a struct or a variant read by hand.
pub(super) fn object(v: Value, holder: &str) -> Result<serde_json::Map<String, Value>, String> {
    match v {
        Value::Object(m) => Ok(m),
        _ => Err(format!("{holder} is not an object")),
    }
}

decodes! {
    "";
    Lesson as "Lesson" {
        id: "id",
        path: "path",
        title: "title",
        summary: "summary",
        objectives: "objectives",
        minutes: "minutes",
        diagnosis: "diagnosis",
        course: "course",
        world: "world",
        intro: "intro",
        steps: "steps",
        recap: "recap",
    }
    Step as "Step" {
        title: "title",
        line: "line",
        commands: "commands",
        files: "files",
        checks: "checks",
        probes: "probes",
        hints: "hints",
        solution: "solution",
        solution_lines: "solution_lines",
        fails_before: "fails_before",
        challenge: "challenge",
        quizzes: "quizzes",
        segments: "segments",
        why: "why",
        diagnosis: "diagnosis",
    }
    Quiz as "Quiz" {
        line: "line",
        question: "question",
        choices: "choices",
        answer: "answer",
        explain: "explain",
        probe: "probe",
    }
    Choice as "Choice" {
        text: "text",
        expect: "expect",
    }
    FileBlock as "FileBlock" {
        name: "name",
        content: "content",
        line: "line",
    }
    WorldSpec as "WorldSpec" {
        nodes: "nodes",
        cloud: "cloud",
        cni: "cni",
        gateway: "gateway",
        seed: "seed",
        pods: "pods",
        deployments: "deployments",
        apply: "apply",
    }
    PodSpec as "PodSpec" {
        name: "name",
        image: "image",
        labels: "labels",
        node: "node",
        port: "port",
        args: "args",
    }
    DeploymentSpec as "DeploymentSpec" {
        name: "name",
        image: "image",
        replicas: "replicas",
        labels: "labels",
        port: "port",
        args: "args",
    }
    ServiceCheck as "ServiceCheck" {
        name: "name",
        namespace: "namespace",
        type_: "type",
        selector: "selector",
        port: "port",
        target_port: "targetPort",
        node_port: "nodePort",
        external_ip: "externalIp",
        session_affinity: "sessionAffinity",
        external_traffic_policy: "externalTrafficPolicy",
        endpoints: "endpoints",
        cluster_ip: "clusterIP",
        external_name: "externalName",
    }
    PodCheck as "PodCheck" {
        name: "name",
        namespace: "namespace",
        labels: "labels",
        status: "status",
        count: "count",
    }
    DeploymentCheck as "DeploymentCheck" {
        name: "name",
        namespace: "namespace",
        replicas: "replicas",
        ready: "ready",
    }
    EndpointsCheck as "EndpointsCheck" {
        service: "service",
        namespace: "namespace",
        count: "count",
        addresses: "addresses",
    }
    RespondersCheck as "RespondersCheck" {
        from: "from",
        url: "url",
        requests: "requests",
        at_least: "at_least",
        at_most: "at_most",
    }
    Probe as "Probe" {
        line: "line",
        from: "from",
        url: "url",
        before: "before",
        after: "after",
    }
}

impl FromJson for Doc {
    fn zero() -> Option<Self> {
        Some(Doc::default())
    }
    fn go_type() -> String {
        "Doc".into()
    }
    fn from_json(v: Value, holder: &str, cx: &mut Cx) -> Result<Self, String> {
        Vec::<Node>::from_json(v, holder, cx).map(Doc)
    }
}

impl FromJson for Node {
    fn go_type() -> String {
        "Node".into()
    }
    fn from_json(v: Value, holder: &str, cx: &mut Cx) -> Result<Self, String> {
        let (name, data) = variant(v, holder, "Node", cx)?;
        let kids = |data: Value, cx: &mut Cx| Vec::<Node>::from_json(data, "Node", cx);
        Ok(match name.as_str() {
            "s" => Node::Text(String::from_json(data, "Node", cx)?),
            "p" => Node::Para(kids(data, cx)?),
            "h" => {
                let (level, text) = pair(data, "Node", cx)?;
                Node::Heading(level, text)
            }
            "q" => Node::Quote(kids(data, cx)?),
            "ul" => Node::Bullets(FromJson::from_json(data, "Node", cx)?),
            "ol" => {
                let (start, items) = pair(data, "Node", cx)?;
                Node::Numbered(start, items)
            }
            "em" => Node::Em(kids(data, cx)?),
            "b" => Node::Strong(kids(data, cx)?),
            "del" => Node::Struck(kids(data, cx)?),
            "a" => {
                let mut f = object(data, "Node::Link")?;
                Node::Link {
                    href: field(&mut f, "href", "Link", cx)?,
                    title: field(&mut f, "title", "Link", cx)?,
                    kids: field(&mut f, "kids", "Link", cx)?,
                }
            }
            "code" => Node::Code(String::from_json(data, "Node", cx)?),
            "alt" => Node::ImageAlt(kids(data, cx)?),
            "table" => {
                let mut f = object(data, "Node::Table")?;
                Node::Table {
                    head: field(&mut f, "head", "Table", cx)?,
                    rows: field(&mut f, "rows", "Table", cx)?,
                }
            }
            "br" => Node::Break,
            "hr" => Node::Rule,
            "pre" => Node::Pre(String::from_json(data, "Node", cx)?),
            "console" => Node::Console(FromJson::from_json(data, "Node", cx)?),
            "file" => {
                let mut f = object(data, "Node::File")?;
                Node::File {
                    name: field(&mut f, "name", "File", cx)?,
                    text: field(&mut f, "text", "File", cx)?,
                }
            }
            other => return Err(unknown_variant("Node", other)),
        })
    }
}

impl FromJson for ConsoleLine {
    fn go_type() -> String {
        "ConsoleLine".into()
    }
    fn from_json(v: Value, holder: &str, cx: &mut Cx) -> Result<Self, String> {
        let (name, data) = variant(v, holder, "ConsoleLine", cx)?;
        let text = String::from_json(data, "ConsoleLine", cx)?;
        match name.as_str() {
            "cmd" => Ok(ConsoleLine::Command(text)),
            "out" => Ok(ConsoleLine::Output(text)),
            other => Err(unknown_variant("ConsoleLine", other)),
        }
    }
}

impl FromJson for Segment {
    fn go_type() -> String {
        "Segment".into()
    }
    fn from_json(v: Value, holder: &str, cx: &mut Cx) -> Result<Self, String> {
        let (name, data) = variant(v, holder, "Segment", cx)?;
        Ok(match name.as_str() {
            "Prose" => Segment::Prose(Doc::from_json(data, "Segment", cx)?),
            "Quiz" => Segment::Quiz(usize::from_json(data, "Segment", cx)?),
            "Ran" => Segment::Ran(FromJson::from_json(data, "Segment", cx)?),
            "Goals" => Segment::Goals,
            other => return Err(unknown_variant("Segment", other)),
        })
    }
}

impl FromJson for Prediction {
    fn go_type() -> String {
        "Prediction".into()
    }
    fn from_json(v: Value, holder: &str, cx: &mut Cx) -> Result<Self, String> {
        let (name, data) = variant(v, holder, "Prediction", cx)?;
        Ok(match name.as_str() {
            "Request" => Prediction::Request(Expect::from_json(data, "Prediction", cx)?),
            "Answers" => Prediction::Answers(FromJson::from_json(data, "Prediction", cx)?),
            "NoSuchName" => Prediction::NoSuchName,
            "NoServer" => Prediction::NoServer,
            "Pods" => Prediction::Pods(usize::from_json(data, "Prediction", cx)?),
            other => return Err(unknown_variant("Prediction", other)),
        })
    }
}

impl FromJson for Expect {
    fn go_type() -> String {
        "Expect".into()
    }
    fn from_json(v: Value, holder: &str, cx: &mut Cx) -> Result<Self, String> {
        let (name, data) = variant(v, holder, "Expect", cx)?;
        Ok(match name.as_str() {
            "Status" => Expect::Status(u16::from_json(data, "Expect", cx)?),
            "Refused" => Expect::Refused,
            "Timeout" => Expect::Timeout,
            "Unreachable" => Expect::Unreachable,
            "Unresolved" => Expect::Unresolved,
            other => return Err(unknown_variant("Expect", other)),
        })
    }
}

impl FromJson for QuizAsk {
    fn go_type() -> String {
        "QuizAsk".into()
    }
    fn from_json(v: Value, holder: &str, cx: &mut Cx) -> Result<Self, String> {
        let (name, data) = variant(v, holder, "QuizAsk", cx)?;
        let mut f = object(data, "QuizAsk")?;
        Ok(match name.as_str() {
            "Request" => QuizAsk::Request {
                url: field(&mut f, "url", "QuizAsk", cx)?,
            },
            "Dns" => QuizAsk::Dns {
                name: field(&mut f, "name", "QuizAsk", cx)?,
                rr_type: field(&mut f, "rr_type", "QuizAsk", cx)?,
            },
            "Responders" => QuizAsk::Responders {
                url: field(&mut f, "url", "QuizAsk", cx)?,
                requests: field(&mut f, "requests", "QuizAsk", cx)?,
            },
            other => return Err(unknown_variant("QuizAsk", other)),
        })
    }
}

impl FromJson for When {
    fn go_type() -> String {
        "When".into()
    }
    fn from_json(v: Value, holder: &str, cx: &mut Cx) -> Result<Self, String> {
        let (name, data) = variant(v, holder, "When", cx)?;
        Ok(match name.as_str() {
            "Before" => When::Before,
            "AfterCommand" => When::AfterCommand(usize::from_json(data, "When", cx)?),
            "After" => When::After,
            other => return Err(unknown_variant("When", other)),
        })
    }
}

impl FromJson for QuizProbe {
    fn go_type() -> String {
        "QuizProbe".into()
    }
    fn from_json(v: Value, _: &str, cx: &mut Cx) -> Result<Self, String> {
        let mut f = object(v, "QuizProbe")?;
        Ok(QuizProbe {
            from: field(&mut f, "from", "QuizProbe", cx)?,
            ask: field(&mut f, "ask", "QuizProbe", cx)?,
            when: field(&mut f, "when", "QuizProbe", cx)?,
        })
    }
}

impl FromJson for Check {
    fn go_type() -> String {
        "Check".into()
    }
    fn from_json(v: Value, _: &str, cx: &mut Cx) -> Result<Self, String> {
        let mut f = object(v, "Check")?;
        Ok(Check {
            line: field(&mut f, "line", "Check", cx)?,
            kind: field(&mut f, "kind", "Check", cx)?,
        })
    }
}

impl FromJson for CheckKind {
    fn go_type() -> String {
        "CheckKind".into()
    }
    fn from_json(v: Value, holder: &str, cx: &mut Cx) -> Result<Self, String> {
        let (name, data) = variant(v, holder, "CheckKind", cx)?;
        let h = "CheckKind";
        Ok(match name.as_str() {
            "Service" => CheckKind::Service(FromJson::from_json(data, h, cx)?),
            "Request" => CheckKind::Request(FromJson::from_json(data, h, cx)?),
            "Pod" => CheckKind::Pod(FromJson::from_json(data, h, cx)?),
            "Deployment" => CheckKind::Deployment(FromJson::from_json(data, h, cx)?),
            "Endpoints" => CheckKind::Endpoints(FromJson::from_json(data, h, cx)?),
            "Responders" => CheckKind::Responders(FromJson::from_json(data, h, cx)?),
            "Dns" => CheckKind::Dns(FromJson::from_json(data, h, cx)?),
            "At" => CheckKind::At(FromJson::from_json(data, h, cx)?),
            other => return Err(unknown_variant(h, other)),
        })
    }
}

impl FromJson for RequestCheck {
    fn go_type() -> String {
        "RequestCheck".into()
    }
    fn from_json(v: Value, _: &str, cx: &mut Cx) -> Result<Self, String> {
        let mut f = object(v, "RequestCheck")?;
        Ok(RequestCheck {
            from: field(&mut f, "from", "RequestCheck", cx)?,
            url: field(&mut f, "url", "RequestCheck", cx)?,
            expect: field(&mut f, "expect", "RequestCheck", cx)?,
            body_contains: field(&mut f, "body_contains", "RequestCheck", cx)?,
            host: field(&mut f, "host", "RequestCheck", cx)?,
        })
    }
}

impl FromJson for DnsCheck {
    fn go_type() -> String {
        "DnsCheck".into()
    }
    fn from_json(v: Value, _: &str, cx: &mut Cx) -> Result<Self, String> {
        let mut f = object(v, "DnsCheck")?;
        Ok(DnsCheck {
            from: field(&mut f, "from", "DnsCheck", cx)?,
            name: field(&mut f, "name", "DnsCheck", cx)?,
            rr_type: field(&mut f, "rr_type", "DnsCheck", cx)?,
            answers: field(&mut f, "answers", "DnsCheck", cx)?,
        })
    }
}

impl FromJson for RrType {
    fn go_type() -> String {
        "RrType".into()
    }
    fn from_json(v: Value, holder: &str, cx: &mut Cx) -> Result<Self, String> {
        let (name, _) = variant(v, holder, "RrType", cx)?;
        Ok(match name.as_str() {
            "A" => RrType::A,
            "Aaaa" => RrType::Aaaa,
            "Cname" => RrType::Cname,
            "Srv" => RrType::Srv,
            "Ptr" => RrType::Ptr,
            "Soa" => RrType::Soa,
            "Ns" => RrType::Ns,
            "Mx" => RrType::Mx,
            "Txt" => RrType::Txt,
            "Any" => RrType::Any,
            other => return Err(unknown_variant("RrType", other)),
        })
    }
}

impl FromJson for Cni {
    fn zero() -> Option<Self> {
        Some(Cni::default())
    }
    fn go_type() -> String {
        "Cni".into()
    }
    fn from_json(v: Value, holder: &str, cx: &mut Cx) -> Result<Self, String> {
        let (name, _) = variant(v, holder, "Cni", cx)?;
        match name.as_str() {
            "flannel" => Ok(Cni::Flannel),
            "canal" => Ok(Cni::Canal),
            other => Err(unknown_variant("Cni", other)),
        }
    }
}

#[cfg(all(test, feature = "authoring"))]
mod tests {
    use super::*;

    /// Every lesson of the course, the fixtures and the engine's test
    /// lessons reads back from what serde wrote, field for field.
    #[test]
    fn the_whole_course_reads_back_as_written() {
        let mut read = 0;
        for dir in ["../lessons", "../tests/fixtures/lessons", "tests/lessons"] {
            let Ok(entries) = std::fs::read_dir(dir) else {
                continue;
            };
            for e in entries.flatten() {
                let path = e.path();
                if path.extension().and_then(|x| x.to_str()) != Some("md") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                let Ok(lesson) = crate::lesson::parse_lesson(&path.display().to_string(), &text)
                else {
                    continue;
                };
                let json = serde_json::to_string(&lesson).unwrap();
                assert_eq!(
                    lesson_from_json(&json).as_ref(),
                    Ok(&lesson),
                    "{}",
                    path.display()
                );
                read += 1;
            }
        }
        assert!(read >= 25, "{read} lessons read");
    }

    #[test]
    fn damaged_data_says_where() {
        let e = lesson_from_json(r#"{"id": "x", "steps": [{"line": "one"}]}"#).unwrap_err();
        assert_eq!(
            e,
            "json: cannot unmarshal string into Go struct field Step.steps.line of type uint"
        );
        assert_eq!(
            lesson_from_json(r#"{"intro": [{"blink": "x"}]}"#).unwrap_err(),
            "unknown variant `blink` of Node"
        );
    }
}
