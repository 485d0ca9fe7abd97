//! Lessons: the course authors' file format, its parser, and the checks
//! that judge a student's world.
//!
//! # The format
//!
//! One lesson per Markdown file, readable as-is on a code host. A YAML front
//! matter declares the world; `## ` headings start the steps; fenced blocks
//! whose info string names a part carry what the engine reads:
//!
//! ````markdown
//! ---
//! title: "NodePort: open a port on every node"
//! summary: The laptop reaches the pod through node01:30008.
//! world:
//!   nodes: 1
//!   cloud: false
//!   pods:
//!   - name: myapp-pod
//!     image: nginx
//!     labels: {app: myapp, type: front-end}
//! ---
//!
//! Text before the first step introduces the lesson.
//!
//! ## Write the Service
//!
//! Prose for the student.
//!
//! ```console
//! $ kubectl apply -f myapp-service.yaml
//! ```
//!
//! ```yaml file=myapp-service.yaml
//! apiVersion: v1
//! kind: Service
//! …
//! ```
//!
//! ```check
//! - service: {name: myapp-service, type: NodePort, nodePort: 30008}
//! - request: {from: laptop, url: "http://192.168.1.2:30008", expect: 200}
//! ```
//!
//! ```probe
//! - {from: laptop, url: "http://192.168.1.2:30008", before: timeout, after: 200}
//! ```
//!
//! ```hint
//! The Service's type decides whether the node opens a port.
//! ```
//!
//! ```solution
//! kubectl apply -f myapp-service.yaml
//! ```
//! ````
//!
//! `lessons/README.md` is the authors' guide to every field; this module's
//! types are its reference.

pub mod bind;
pub mod checks;
pub mod course;
pub mod diag;
pub mod doc;
pub mod done;
pub mod facts;
#[cfg(feature = "authoring")]
pub mod limits;
#[cfg(feature = "authoring")]
pub mod parse;
pub mod replay;
pub mod wire;

pub use diag::Diagnostic;
#[cfg(feature = "authoring")]
pub use parse::parse_lesson;

use crate::cluster::objects::Labels;
pub use doc::Doc;
use serde::{Deserialize, Serialize};

/// A parsed lesson. Serialized, it is the course data the student's page
/// reads (`servicelab build`): prose already read into [`Doc`]s.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Lesson {
    /// The file's stem, e.g. `02-nodeport`.
    pub id: String,
    pub path: String,
    pub title: String,
    pub summary: String,
    /// What the student will be able to do: shown at the top (inline
    /// Markdown, read).
    pub objectives: Vec<Doc>,
    /// The estimated time, in minutes: shown in the lesson list.
    pub minutes: Option<u32>,
    /// A diagnosis: the packet's journey keeps "what would change it" for
    /// when the student asks, or has done the step (the cause is theirs to
    /// find).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub diagnosis: bool,
    /// The course the lesson belongs to, when it is not the first one
    /// (the Services course): the page lists each course under its name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub course: Option<String>,
    pub world: WorldSpec,
    /// The prose before the first step.
    pub intro: Doc,
    pub steps: Vec<Step>,
    /// What the student did, in two or three lines: shown when the last
    /// step is done, with the way on.
    pub recap: Option<Doc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Step {
    pub title: String,
    /// 1-based line of the step's heading.
    pub line: usize,
    /// Commands the student can click to run (`$ ` lines of console blocks).
    pub commands: Vec<String>,
    /// Manifests the student can open in the editor; also written to the
    /// laptop's home directory when the step starts.
    pub files: Vec<FileBlock>,
    pub checks: Vec<Check>,
    pub probes: Vec<Probe>,
    pub hints: Vec<Doc>,
    /// Lines of shell, run in order by `servicelab check` and "show solution".
    pub solution: Vec<String>,
    /// The file's line of each command of the solution, for messages.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub solution_lines: Vec<usize>,
    /// Whether the checks must fail before the solution runs (default true).
    pub fails_before: bool,
    /// A `Challenge:` step: the goal and its checks, no commands to click
    /// and no manifest given; hints one at a time, the solution on request.
    pub challenge: bool,
    pub quizzes: Vec<Quiz>,
    /// The step's text in reading order: prose, and where each quiz is asked.
    pub segments: Vec<Segment>,
    /// Shown once the step is done: the explanation a diagnosis step keeps
    /// until the student has found the cause.
    pub why: Option<Doc>,
    /// The cause is the student's to find (```` ```check diagnosis ````,
    /// or a lesson's `diagnosis: true`): until the step is done, the goals'
    /// "what is missing" and the journey's "what would change it" wait to
    /// be asked for.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub diagnosis: bool,
}

impl Lesson {
    /// Calls `f` with every text of the lesson the student may see or
    /// run: prose, quizzes, hints, why, recap, objectives, commands,
    /// manifests, solutions, and the checks' and probes' fields.
    pub fn each_text(&self, f: &mut dyn FnMut(&str)) {
        for o in &self.objectives {
            o.each_text(f);
        }
        self.intro.each_text(f);
        if let Some(r) = &self.recap {
            r.each_text(f);
        }
        for s in &self.steps {
            s.each_text(f);
        }
    }
}

impl Step {
    /// Every text of the step (see [`Lesson::each_text`]).
    pub fn each_text(&self, f: &mut dyn FnMut(&str)) {
        for seg in &self.segments {
            match seg {
                Segment::Prose(d) => d.each_text(f),
                Segment::Ran(cmds) => cmds.iter().for_each(|c| f(c)),
                Segment::Quiz(_) | Segment::Goals => {}
            }
        }
        for q in &self.quizzes {
            q.question.each_text(f);
            for c in &q.choices {
                f(&c.text);
            }
            for e in &q.explain {
                e.each_text(f);
            }
        }
        for h in &self.hints {
            h.each_text(f);
        }
        if let Some(w) = &self.why {
            w.each_text(f);
        }
        self.commands.iter().for_each(|c| f(c));
        self.solution.iter().for_each(|c| f(c));
        for file in &self.files {
            f(&file.content);
        }
        for c in &self.checks {
            match &c.kind {
                CheckKind::Request(r) => {
                    f(&r.url);
                    if let Some(b) = &r.body_contains {
                        f(b);
                    }
                }
                CheckKind::Responders(r) => f(&r.url),
                CheckKind::Endpoints(e) => e.addresses.iter().flatten().for_each(|a| f(a)),
                CheckKind::Dns(d) => {
                    f(&d.name);
                    d.answers.iter().flatten().for_each(|a| f(a));
                }
                CheckKind::Pod(p) => p.name.iter().for_each(|n| f(n)),
                _ => {}
            }
        }
        for p in &self.probes {
            f(&p.url);
        }
    }

    /// The step's prose as plain text, without markup or quizzes.
    pub fn prose_text(&self) -> String {
        let mut out = String::new();
        for s in &self.segments {
            if let Segment::Prose(d) = s {
                out.push_str(&d.plain_text());
            }
        }
        out
    }
}

/// A piece of a step, in reading order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Segment {
    /// Prose, without the engine's blocks.
    Prose(Doc),
    /// The quiz of this index in [`Step::quizzes`].
    Quiz(usize),
    /// The end of a console block: the prose after it talks about what
    /// these commands print, so it waits until the student has run them:
    /// the last one with success, or all of them (or asks to read on).
    Ran(Vec<String>),
    /// Where the step's `check` block stands: the prose after it speaks of
    /// the world once the goals are reached, so it waits for them (or for
    /// the student to read on). Quizzes before it keep the goals hidden
    /// until they are answered; quizzes after it ask about what follows.
    Goals,
}

/// A question with choices, asked where it stands in the step (a quiz
/// before a command is a prediction: asked before the student runs it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Quiz {
    pub line: usize,
    pub question: Doc,
    pub choices: Vec<Choice>,
    /// The index of the right choice.
    pub answer: usize,
    /// One explanation for every choice, or one per choice.
    pub explain: Vec<Doc>,
    /// A request whose outcome decides which choice is right: `servicelab
    /// check` makes it and reports an `answer` the engine contradicts.
    pub probe: Option<QuizProbe>,
}

impl Quiz {
    /// What to say after `choice` was picked.
    pub fn explanation(&self, choice: usize) -> Option<&Doc> {
        match self.explain.as_slice() {
            [one] => Some(one),
            all => all.get(choice),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Choice {
    pub text: String,
    /// With a probe: what this choice predicts it shows.
    pub expect: Option<Prediction>,
}

/// What a quiz choice predicts its probe shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Prediction {
    /// A request ends this way.
    Request(Expect),
    /// A DNS lookup answers exactly these (any order; placeholders allowed).
    Answers(Vec<String>),
    /// A DNS lookup finds no such name (NXDOMAIN).
    NoSuchName,
    /// A DNS lookup gets no answer from any server.
    NoServer,
    /// This many different pods answer the probe's requests.
    Pods(usize),
}

impl std::fmt::Display for Prediction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Prediction::Request(e) => e.fmt(f),
            Prediction::Answers(a) => f.write_str(&a.join(", ")),
            Prediction::NoSuchName => f.write_str("NXDOMAIN"),
            Prediction::NoServer => f.write_str("no answer from any server"),
            Prediction::Pods(n) => write!(f, "{n} different pod(s)"),
        }
    }
}

/// What a quiz's probe asks the engine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum QuizAsk {
    /// A curl to this URL: how does it end?
    Request { url: String },
    /// A DNS lookup as the host's resolver makes it: what does it answer?
    Dns {
        name: String,
        rr_type: crate::cluster::dns::RrType,
    },
    /// `requests` curls to this URL: how many different pods answer?
    Responders { url: String, requests: usize },
}

/// When a quiz's probe is made, in `servicelab check`'s replay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum When {
    /// At the step's start (the default).
    Before,
    /// After this many of the solution's commands (from 1): the quiz asks
    /// about a state halfway through the step.
    AfterCommand(usize),
    /// Once the solution has run and the world settled.
    After,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuizProbe {
    pub from: String,
    pub ask: QuizAsk,
    pub when: When,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct FileBlock {
    pub name: String,
    pub content: String,
    pub line: usize,
}

/// The world at the start of the lesson.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct WorldSpec {
    #[serde(default = "one")]
    pub nodes: u8,
    #[serde(default)]
    pub cloud: bool,
    /// The pod network's plugin: `flannel` (the default) or `canal`, which
    /// enforces NetworkPolicy.
    #[serde(default)]
    pub cni: crate::world::Cni,
    /// The Gateway API's CRDs and Traefik are installed.
    #[serde(default)]
    pub gateway: bool,
    #[serde(default)]
    pub seed: Option<u64>,
    #[serde(default)]
    pub pods: Vec<PodSpec>,
    #[serde(default)]
    pub deployments: Vec<DeploymentSpec>,
    /// Manifests (YAML, several documents allowed) applied before the lesson starts.
    #[serde(default)]
    pub apply: Option<String>,
}

fn one() -> u8 {
    1
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PodSpec {
    pub name: String,
    pub image: String,
    #[serde(default)]
    pub labels: Labels,
    /// `node01`…; the scheduler decides when absent.
    #[serde(default)]
    pub node: Option<String>,
    #[serde(default)]
    pub port: Option<u16>,
    #[serde(default)]
    pub args: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct DeploymentSpec {
    pub name: String,
    pub image: String,
    #[serde(default = "one_i32")]
    pub replicas: i32,
    #[serde(default)]
    pub labels: Labels,
    #[serde(default)]
    pub port: Option<u16>,
    #[serde(default)]
    pub args: Vec<String>,
}

fn one_i32() -> i32 {
    1
}

/// What a request is expected to end in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Expect {
    /// An HTTP status code (200, 404…).
    Status(u16),
    /// Connection refused at once (curl exit 7).
    Refused,
    /// The SYN was lost (curl exit 28).
    Timeout,
    /// The connection failed with "No route to host" or "Network is
    /// unreachable" (curl exit 7, like a refusal, but nothing refused it).
    Unreachable,
    /// The name did not resolve (curl exit 6).
    Unresolved,
}

impl Expect {
    pub fn parse(s: &str) -> Option<Expect> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "refused" => Expect::Refused,
            "timeout" => Expect::Timeout,
            "unreachable" => Expect::Unreachable,
            "unresolved" => Expect::Unresolved,
            "ok" => Expect::Status(200),
            n => Expect::Status(n.parse().ok().filter(|c| (100..600).contains(c))?),
        })
    }
}

impl Expect {
    /// How a request that ends this way ends, after its subject: "curl …
    /// gets 200 OK", "… is refused".
    pub fn phrase(&self) -> String {
        match self {
            Expect::Status(200) => "gets 200 OK".into(),
            Expect::Status(c) => format!("gets HTTP {c}"),
            Expect::Refused => "is refused (Connection refused)".into(),
            Expect::Timeout => "times out".into(),
            Expect::Unreachable => "fails with No route to host".into(),
            Expect::Unresolved => "cannot resolve the host".into(),
        }
    }
}

impl std::fmt::Display for Expect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Expect::Status(200) => f.write_str("200 OK"),
            Expect::Status(c) => write!(f, "HTTP {c}"),
            Expect::Refused => f.write_str("connection refused"),
            Expect::Timeout => f.write_str("timeout"),
            Expect::Unreachable => f.write_str("no route to host"),
            Expect::Unresolved => f.write_str("could not resolve host"),
        }
    }
}

/// One outcome check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Check {
    pub line: usize,
    pub kind: CheckKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum CheckKind {
    Service(ServiceCheck),
    Request(RequestCheck),
    Pod(PodCheck),
    Deployment(DeploymentCheck),
    Endpoints(EndpointsCheck),
    Responders(RespondersCheck),
    Dns(DnsCheck),
    /// The terminal is on this host (after `ssh`, or inside a pod).
    At(String),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ServiceCheck {
    pub name: Option<String>,
    pub namespace: Option<String>,
    #[serde(rename = "type")]
    pub type_: Option<String>,
    pub selector: Option<Labels>,
    pub port: Option<i32>,
    pub target_port: Option<crate::cluster::objects::IntOrString>,
    pub node_port: Option<i32>,
    /// `assigned` or `pending`, for LoadBalancers.
    pub external_ip: Option<String>,
    pub session_affinity: Option<String>,
    pub external_traffic_policy: Option<String>,
    /// How many Ready endpoints it must have (at least).
    pub endpoints: Option<usize>,
    /// `None` (headless), `assigned` (any address), or the address itself.
    #[serde(rename = "clusterIP")]
    pub cluster_ip: Option<String>,
    /// The name an ExternalName Service points at.
    pub external_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestCheck {
    /// `laptop`, `node01`, or a pod's name.
    pub from: String,
    pub url: String,
    pub expect: Expect,
    pub body_contains: Option<String>,
    /// The request's Host header, when not the URL's host.
    #[serde(default)]
    pub host: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PodCheck {
    pub name: Option<String>,
    pub namespace: Option<String>,
    #[serde(default)]
    pub labels: Labels,
    /// `Running` (default) or another STATUS column value.
    pub status: Option<String>,
    /// How many such pods (at least); default 1.
    pub count: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct DeploymentCheck {
    pub name: String,
    pub namespace: Option<String>,
    pub replicas: Option<i32>,
    /// All replicas Ready (default true).
    pub ready: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct EndpointsCheck {
    pub service: String,
    pub namespace: Option<String>,
    /// Exactly this many Ready endpoints.
    pub count: Option<usize>,
    /// Exactly these Ready endpoints: `10.244.0.2` or `10.244.0.2:80`.
    pub addresses: Option<Vec<String>>,
}

/// A DNS lookup from a pod or a host, through its resolver and search path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnsCheck {
    pub from: String,
    pub name: String,
    /// `A` (default), `CNAME` or `SRV`.
    pub rr_type: crate::cluster::dns::RrType,
    /// Exactly these answers (any order); `[]` means the name must not
    /// resolve; absent, any answer will do.
    pub answers: Option<Vec<String>>,
}

/// Repeated requests: how many different pods answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct RespondersCheck {
    pub from: String,
    pub url: String,
    pub requests: usize,
    pub at_least: Option<usize>,
    pub at_most: Option<usize>,
}

/// A request shown before and after the step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Probe {
    pub line: usize,
    pub from: String,
    pub url: String,
    pub before: Option<Expect>,
    pub after: Option<Expect>,
}
