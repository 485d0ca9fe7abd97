//! The lesson parser: `&str` in, a [`Lesson`] or every problem found out.
//! Pure, so the browser and `servicelab check` report the same things.

use super::doc::from_markdown;
use super::*;
use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::de::DeserializeOwned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    title: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    objectives: Vec<String>,
    #[serde(default)]
    minutes: Option<u32>,
    #[serde(default)]
    diagnosis: bool,
    #[serde(default)]
    course: Option<String>,
    #[serde(default)]
    world: WorldSpec,
}

/// A quiz block. `choices` and `explain` are read by hand from YAML values,
/// so that a text with a `: ` in it (which YAML reads as a mapping) gets a
/// message that says to quote it, not serde's "did not match any variant".
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct QuizSpec {
    question: String,
    choices: Vec<serde_norway::Value>,
    answer: String,
    #[serde(default)]
    explain: Option<serde_norway::Value>,
    #[serde(default)]
    probe: Option<QuizProbeSpec>,
}

/// A YAML scalar as text (numbers and booleans as written).
fn yaml_text(v: &serde_norway::Value) -> Option<String> {
    use serde_norway::Value;
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

const QUOTE_HINT: &str = "(a text with `: ` in it must be quoted: \"like: this\")";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct QuizProbeSpec {
    from: String,
    /// A request: how it ends; with `responders`, how many pods answer.
    #[serde(default)]
    url: Option<String>,
    /// A DNS name: what the host's resolver gets for it.
    #[serde(default)]
    dns: Option<String>,
    /// The DNS record type (`A` by default).
    #[serde(rename = "type", default)]
    rr_type: Option<String>,
    /// How many requests to make to `url`; the choices predict how many
    /// different pods answer them.
    #[serde(default)]
    responders: Option<usize>,
    /// `before` (the default) or `after` the step's solution, or `after
    /// COMMAND`: after that command of the solution.
    #[serde(default)]
    when: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Scalar {
    Int(i64),
    Str(String),
}

impl Scalar {
    fn text(&self) -> String {
        match self {
            Scalar::Int(i) => i.to_string(),
            Scalar::Str(s) => s.clone(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RequestSpec {
    from: String,
    url: String,
    expect: Scalar,
    #[serde(default)]
    body_contains: Option<String>,
    /// The Host header, when it is not the URL's host (a name routed by
    /// an HTTP proxy that no DNS knows).
    #[serde(default)]
    host: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RespondersSpec {
    from: String,
    url: String,
    #[serde(default = "twelve")]
    requests: usize,
    #[serde(default)]
    at_least: Option<usize>,
    #[serde(default)]
    at_most: Option<usize>,
}

fn twelve() -> usize {
    12
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DnsSpec {
    from: String,
    name: String,
    #[serde(rename = "type", default)]
    rr_type: Option<String>,
    #[serde(default)]
    answers: Option<Vec<Scalar>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckSpec {
    #[serde(default)]
    service: Option<ServiceCheck>,
    #[serde(default)]
    request: Option<RequestSpec>,
    #[serde(default)]
    pod: Option<PodCheck>,
    #[serde(default)]
    deployment: Option<DeploymentCheck>,
    #[serde(default)]
    endpoints: Option<EndpointsCheck>,
    #[serde(default)]
    responders: Option<RespondersSpec>,
    #[serde(default)]
    dns: Option<DnsSpec>,
    #[serde(default)]
    at: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProbeSpec {
    from: String,
    url: String,
    #[serde(default)]
    before: Option<Scalar>,
    #[serde(default)]
    after: Option<Scalar>,
}

const PARTS: [&str; 7] = ["check", "probe", "hint", "solution", "quiz", "recap", "why"];

struct Ctx<'a> {
    path: &'a str,
    text: &'a str,
    line_starts: Vec<usize>,
    errors: Vec<Diagnostic>,
}

impl Ctx<'_> {
    fn line_col(&self, offset: usize) -> (usize, usize) {
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let col = self.text[self.line_starts[line]..offset.min(self.text.len())]
            .chars()
            .count()
            + 1;
        (line + 1, col)
    }

    fn error(&mut self, line: usize, col: usize, message: impl Into<String>) {
        let d = Diagnostic::new(self.path, self.text, line, col, message);
        self.errors.push(d);
    }

    /// Deserializes YAML that starts at `first_line` of the file.
    fn yaml<T: DeserializeOwned>(
        &mut self,
        src: &str,
        first_line: usize,
        indent: usize,
    ) -> Option<T> {
        match serde_norway::from_str::<T>(crate::cluster::manifest::within_yaml_depth(src)) {
            Ok(v) => Some(v),
            Err(e) => {
                let msg = e.to_string();
                let msg = match msg.rfind(" at line ") {
                    Some(i) => msg[..i].to_string(),
                    None => msg,
                };
                // serde_norway puts the path first (`.[0].pod: unknown field…`);
                // the line and caret already say where.
                let msg = match msg.split_once(": ") {
                    Some((path, rest))
                        if !path.contains(' ')
                            && (path.starts_with('.')
                                || path.contains('.')
                                || path.contains('[')) =>
                    {
                        rest.to_string()
                    }
                    _ => msg,
                };
                let (l, c) = e
                    .location()
                    .map(|l| (l.line(), l.column()))
                    .unwrap_or((1, 1));
                self.error(first_line + l - 1, c + indent, msg);
                None
            }
        }
    }
}

/// When a lesson file has problems, the steps before the first step that
/// has one, as a lesson of their own, so that an author can play what
/// works while fixing the rest; and the line where the cut is. `None` when
/// the problems start before the first step (the front matter, the
/// intro) or nothing before them parses.
pub fn playable_part(path: &str, text: &str, problems: &[Diagnostic]) -> Option<(Lesson, usize)> {
    let first = problems.iter().map(|d| d.line).min()?;
    // The steps' headings, outside code blocks.
    let mut headings = vec![];
    let mut fence: Option<String> = None;
    for (i, l) in text.lines().enumerate() {
        let t = l.trim_start();
        match &fence {
            Some(f) if t.starts_with(f.as_str()) => fence = None,
            Some(_) => {}
            None if t.starts_with("```") || t.starts_with("~~~") => {
                fence = Some(t.chars().take_while(|c| *c == '`' || *c == '~').collect());
            }
            None if l.starts_with("## ") => headings.push(i + 1),
            None => {}
        }
    }
    let cut = headings.iter().rev().find(|h| **h <= first).copied()?;
    let offset: usize = text.lines().take(cut - 1).map(|l| l.len() + 1).sum();
    let lesson = parse_lesson(path, &text[..offset.min(text.len())]).ok()?;
    (!lesson.steps.is_empty()).then_some((lesson, cut))
}

/// Groups solution lines into commands the way the terminal does: a line
/// that leaves a heredoc, a quote or a `\\` continuation open takes the next
/// lines with it (the shell's own `needs_more`).
pub fn group_commands(block: &str) -> Vec<String> {
    group_commands_at(block, 1)
        .into_iter()
        .map(|(c, _)| c)
        .collect()
}

/// [`group_commands`], with the line each command starts on, counting the
/// block's first line as `first_line`.
pub fn group_commands_at(block: &str, first_line: usize) -> Vec<(String, usize)> {
    let mut out = vec![];
    let mut cmd = String::new();
    let mut start = first_line;
    for (i, line) in block.lines().enumerate() {
        if cmd.is_empty() && (line.trim().is_empty() || line.trim_start().starts_with('#')) {
            continue;
        }
        if cmd.is_empty() {
            start = first_line + i;
        } else {
            cmd.push('\n');
        }
        cmd.push_str(line.trim_end());
        if !crate::shell::needs_more(&cmd) {
            out.push((std::mem::take(&mut cmd), start));
        }
    }
    if !cmd.is_empty() {
        out.push((cmd, start));
    }
    out
}

/// Where each item of the list under `key:` in a YAML block starts: its
/// line in the file and the column of its text (after `- `). Flow lists
/// (`[a, b]`) give nothing.
fn item_places(src: &str, first_line: usize, key: &str) -> Vec<(usize, usize)> {
    let mut out = vec![];
    let mut inside: Option<usize> = None;
    for (i, l) in src.lines().enumerate() {
        let indent = l.len() - l.trim_start().len();
        let t = l.trim_start();
        match inside {
            None => {
                if t.starts_with(&format!("{key}:")) && t[key.len() + 1..].trim().is_empty() {
                    inside = Some(indent);
                }
            }
            Some(at) => {
                if t.starts_with("- ") || t == "-" {
                    if indent >= at {
                        out.push((first_line + i, indent + 3));
                    }
                } else if !t.is_empty() && indent <= at {
                    break;
                }
            }
        }
    }
    out
}

/// Lines of each top-level `- ` item in a YAML list block.
fn item_lines(src: &str, first_line: usize) -> Vec<usize> {
    src.lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with("- ") || *l == "-")
        .map(|(i, _)| first_line + i)
        .collect()
}

/// Parses a lesson file. `path` is used in messages (`lessons/02-nodeport.md`).
pub fn parse_lesson(path: &str, text: &str) -> Result<Lesson, Vec<Diagnostic>> {
    let mut cx = Ctx {
        path,
        text,
        line_starts: std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect(),
        errors: vec![],
    };
    let id = path
        .rsplit('/')
        .next()
        .unwrap_or(path)
        .trim_end_matches(".md")
        .to_string();

    // Front matter: between a first line `---` and the next `---`.
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        cx.error(1, 1, "a lesson starts with front matter: a `---` line, then `title:` and `world:`, then `---`");
        return Err(cx.errors);
    }
    let mut fm_end = None;
    let mut offset = first.len();
    for l in lines {
        if l.trim_end() == "---" {
            fm_end = Some((offset, offset + l.len()));
            break;
        }
        offset += l.len();
    }
    let Some((fm_close, body_start)) = fm_end else {
        let last = text.lines().count().max(1);
        cx.error(
            last,
            1,
            "the front matter is not closed: add a `---` line after it",
        );
        return Err(cx.errors);
    };
    let fm_src = &text[first.len()..fm_close];
    let fm: Option<FrontMatter> = if fm_src.trim().is_empty() {
        cx.error(2, 1, "missing field `title` in the front matter");
        None
    } else {
        cx.yaml(fm_src, 2, 0)
    };
    if let Some(fm) = &fm {
        if fm.title.trim().is_empty() {
            cx.error(2, 1, "the title is empty");
        }
        if let Some(m) = fm.minutes.filter(|m| !(1..=120).contains(m)) {
            let l = fm_src
                .lines()
                .position(|l| l.trim_start().starts_with("minutes:"))
                .map(|i| i + 2)
                .unwrap_or(2);
            cx.error(l, 1, format!("minutes must be between 1 and 120, got {m}"));
        }
        if fm.world.nodes == 0 || fm.world.nodes > crate::world::MAX_NODES {
            let l = fm_src
                .lines()
                .position(|l| l.trim_start().starts_with("nodes:"))
                .map(|i| i + 2)
                .unwrap_or(2);
            cx.error(
                l,
                1,
                format!(
                    "world.nodes must be between 1 and {}, got {}",
                    crate::world::MAX_NODES,
                    fm.world.nodes
                ),
            );
        }
        for p in &fm.world.pods {
            if let Some(n) = &p.node {
                check_node(&mut cx, fm_src, n, fm.world.nodes);
            }
        }
    }

    // Placeholders in the front matter are read in the objectives only:
    // the world is built before any value exists, and the title and
    // summary are shown in the lesson list, where there is no world.
    {
        let mut key = "";
        let mut offset = first.len();
        for l in fm_src.split_inclusive('\n') {
            if !l.starts_with(' ') && !l.starts_with('-') && !l.trim().is_empty() {
                key = l.split(':').next().unwrap_or("");
            }
            if key != "objectives" {
                for p in super::bind::scan_text(l).0 {
                    let (ln, col) = cx.line_col(offset + p.span.0);
                    let shown = &l[p.span.0..p.span.1];
                    cx.error(
                        ln,
                        col,
                        format!("`{shown}` in the front matter's `{key}` is taken as it is written: the front matter reads placeholders only in `objectives`, since the world is built before any value exists and the lesson list shows the title and summary with no world"),
                    );
                }
            }
            offset += l.len();
        }
    }

    // The body: steps at `## ` headings.
    let body = &text[body_start..];
    let mut steps: Vec<Step> = vec![];
    let mut intro_end = body.len();
    let mut cut: Vec<(usize, usize)> = vec![];
    let mut heading: Option<(usize, String)> = None;
    let mut step_starts: Vec<usize> = vec![];
    let mut in_code: Option<(String, usize)> = None;
    let mut code = String::new();
    // Where each step's quizzes stand: (start, end) of their blocks.
    let mut quiz_cuts: Vec<Vec<(usize, usize)>> = vec![];
    let mut recap: Option<(String, usize)> = None;
    // Quiz probes made `after COMMAND`: (step, quiz, command, line).
    let mut pending_when: Vec<(usize, usize, String, usize)> = vec![];
    // Where each step's console blocks with commands end, and their commands.
    let mut console_ends: Vec<Vec<(usize, Vec<String>)>> = vec![];
    // Where each step's first check block ends.
    let mut check_ends: Vec<Option<usize>> = vec![];

    let parser = Parser::new_ext(body, Options::empty()).into_offset_iter();
    for (ev, range) in parser {
        let abs = body_start + range.start;
        match ev {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H2,
                ..
            }) => {
                heading = Some((abs, String::new()));
            }
            Event::End(TagEnd::Heading(HeadingLevel::H2)) => {
                if let Some((start, title)) = heading.take() {
                    if steps.is_empty() {
                        intro_end = start - body_start;
                    }
                    let (line, _) = cx.line_col(start);
                    step_starts.push(range.end + body_start);
                    let title = title.trim().to_string();
                    steps.push(Step {
                        challenge: title.starts_with("Challenge:"),
                        title,
                        line,
                        commands: vec![],
                        files: vec![],
                        checks: vec![],
                        probes: vec![],
                        hints: vec![],
                        solution: vec![],
                        solution_lines: vec![],
                        fails_before: true,
                        quizzes: vec![],
                        segments: vec![],
                        why: None,
                        diagnosis: false,
                    });
                    quiz_cuts.push(vec![]);
                    console_ends.push(vec![]);
                    check_ends.push(None);
                }
            }
            Event::Text(t) | Event::Code(t) if heading.is_some() => {
                if let Some((_, title)) = heading.as_mut() {
                    title.push_str(&t);
                }
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                in_code = Some((info.to_string(), abs));
                code.clear();
            }
            Event::Text(t) if in_code.is_some() => code.push_str(&t),
            Event::End(TagEnd::CodeBlock) => {
                let Some((info, start)) = in_code.take() else {
                    continue;
                };
                let end = body_start + range.end;
                let (fence_line, _) = cx.line_col(start);
                let content_line = fence_line + 1;
                let mut words = info.split_whitespace();
                let lang = words.next().unwrap_or("").to_string();
                let attrs: Vec<&str> = words.collect();
                let indent = text[cx.line_starts[fence_line - 1]..start].chars().count();
                let Some(step) = steps.last_mut() else {
                    if PARTS.contains(&lang.as_str()) {
                        cx.error(fence_line, 1, format!("a `{lang}` block must be inside a step: put it after a `## ` heading"));
                    }
                    continue;
                };
                match lang.as_str() {
                    "check" => {
                        cut.push((start, end));
                        if let Some(at) = check_ends.last_mut() {
                            at.get_or_insert(end);
                        }
                        for a in &attrs {
                            match *a {
                                "passes-before" => step.fails_before = false,
                                // The cause is the student's to find.
                                "diagnosis" => step.diagnosis = true,
                                other => cx.error(fence_line, indent + 4 + lang.len(), format!("unknown option `{other}` for a check block, expected `passes-before` or `diagnosis`")),
                            }
                        }
                        let specs: Option<Vec<CheckSpec>> = cx.yaml(&code, content_line, indent);
                        let item_at = item_lines(&code, content_line);
                        for (i, spec) in specs.into_iter().flatten().enumerate() {
                            let line = item_at.get(i).copied().unwrap_or(content_line);
                            if let Some(c) = convert_check(
                                &mut cx,
                                spec,
                                line,
                                fm.as_ref().map(|f| f.world.nodes).unwrap_or(1),
                            ) {
                                let step = steps.last_mut().expect("checked above");
                                step.checks.push(c);
                            }
                        }
                    }
                    "probe" => {
                        cut.push((start, end));
                        let specs: Option<Vec<ProbeSpec>> = cx.yaml(&code, content_line, indent);
                        let item_at = item_lines(&code, content_line);
                        for (i, p) in specs.into_iter().flatten().enumerate() {
                            let line = item_at.get(i).copied().unwrap_or(content_line);
                            let before = p
                                .before
                                .as_ref()
                                .and_then(|b| expectation(&mut cx, &b.text(), line));
                            let after = p
                                .after
                                .as_ref()
                                .and_then(|b| expectation(&mut cx, &b.text(), line));
                            check_from(
                                &mut cx,
                                &p.from,
                                line,
                                fm.as_ref().map(|f| f.world.nodes).unwrap_or(1),
                            );
                            check_url(&mut cx, &p.url, line);
                            let step = steps.last_mut().expect("checked above");
                            step.probes.push(Probe {
                                line,
                                from: p.from,
                                url: p.url,
                                before,
                                after,
                            });
                        }
                    }
                    "hint" => {
                        cut.push((start, end));
                        step.hints.push(from_markdown(code.trim_end()));
                    }
                    "quiz" => {
                        cut.push((start, end));
                        let spec: Option<QuizSpec> = cx.yaml(&code, content_line, indent);
                        let nodes = fm.as_ref().map(|f| f.world.nodes).unwrap_or(1);
                        let mut when = vec![];
                        if let Some(q) = spec.and_then(|q| {
                            convert_quiz(
                                &mut cx,
                                q,
                                fence_line,
                                nodes,
                                &mut when,
                                (&code, content_line),
                            )
                        }) {
                            let si = steps.len() - 1;
                            let step = steps.last_mut().expect("checked above");
                            for (cmd, line) in when {
                                pending_when.push((si, step.quizzes.len(), cmd, line));
                            }
                            step.quizzes.push(q);
                            if let Some(cuts) = quiz_cuts.last_mut() {
                                cuts.push((start, end));
                            }
                        }
                    }
                    "why" => {
                        cut.push((start, end));
                        if step.why.is_some() {
                            cx.error(fence_line, 1, "a step has one `why` block: merge them");
                        }
                        step.why = Some(from_markdown(code.trim_end()));
                    }
                    "recap" => {
                        cut.push((start, end));
                        if recap.is_some() {
                            cx.error(fence_line, 1, "a lesson has one `recap` block: merge them");
                        }
                        recap = Some((code.trim_end().to_string(), fence_line));
                    }
                    "solution" => {
                        cut.push((start, end));
                        for (cmd, line) in group_commands_at(&code, content_line) {
                            step.solution.push(cmd);
                            step.solution_lines.push(line);
                        }
                    }
                    "console" | "sh" | "bash" | "shell" => {
                        let mut block = vec![];
                        for l in code.lines() {
                            if let Some(cmd) = l.strip_prefix("$ ") {
                                if step.challenge {
                                    cx.error(fence_line, 1, format!("a Challenge step gives no commands to click: write `{}` in the prose, or make \"{}\" a plain step", cmd.trim(), step.title));
                                    break;
                                }
                                step.commands.push(cmd.trim().to_string());
                                block.push(cmd.trim().to_string());
                            }
                        }
                        if !block.is_empty() {
                            if let Some(ends) = console_ends.last_mut() {
                                ends.push((end, block));
                            }
                        }
                    }
                    "yaml" | "yml" => {
                        if let Some(f) = attrs.iter().find_map(|a| a.strip_prefix("file=")) {
                            if step.challenge {
                                cx.error(fence_line, 1, format!("a Challenge step gives no manifest: the student writes it; or make \"{}\" a plain step", step.title));
                            }
                            let name = f.trim_matches('"').to_string();
                            if name.is_empty() || name.contains('/') || name.starts_with('.') {
                                cx.error(fence_line, 1, format!("file name `{name}` must be a plain name like `service.yaml`"));
                            }
                            step.files.push(FileBlock {
                                name,
                                content: code.clone(),
                                line: fence_line,
                            });
                        }
                    }
                    other if !other.is_empty() => {
                        if let Some(p) = PARTS
                            .iter()
                            .find(|p| crate::text::edit_distance(p, other) <= 2 && other.len() > 3)
                        {
                            cx.error(
                                fence_line,
                                indent + 4,
                                format!("unknown block `{other}`, did you mean `{p}`?"),
                            );
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    step_starts.push(text.len());
    // Past servicelab's limits, nothing more is built: the replay would not be.
    if let Some((line, problem)) = super::limits::first_over(&steps) {
        cx.error(line, 1, problem);
        return Err(cx.errors);
    }

    // Each step's prose: its section without the engine's blocks.
    for (i, step) in steps.iter_mut().enumerate() {
        let (from, to) = (step_starts[i], step_starts[i + 1]);
        let to = if i + 1 < step_starts.len() - 1 {
            // Up to the next heading's line.
            text[..to]
                .rfind("\n##")
                .map(|p| p + 1)
                .filter(|p| *p >= from)
                .unwrap_or(to)
        } else {
            to
        };
        // The same prose, cut where each quiz is asked and after each
        // console block (what follows talks about its output).
        enum Cut<'a> {
            Quiz(usize, usize),
            Ran(usize, &'a [String]),
            Goals(usize),
        }
        let mut cuts: Vec<(usize, Cut<'_>)> = quiz_cuts[i]
            .iter()
            .map(|&(qs, qe)| (qs, Cut::Quiz(qs, qe)))
            .chain(
                console_ends[i]
                    .iter()
                    .filter(|(e, _)| *e < to)
                    .map(|(e, cmds)| (*e, Cut::Ran(*e, cmds))),
            )
            .chain(
                check_ends[i]
                    .filter(|e| *e < to)
                    .map(|e| (e, Cut::Goals(e))),
            )
            .collect();
        crate::sort::sort_by_key(&mut cuts, |(at, _)| *at);
        let mut at = from;
        let mut quiz = 0;
        for (_, c) in cuts {
            match c {
                Cut::Quiz(qs, qe) => {
                    let before = prose(text, at, qs, &cut);
                    if !before.is_empty() {
                        step.segments.push(Segment::Prose(from_markdown(&before)));
                    }
                    step.segments.push(Segment::Quiz(quiz));
                    quiz += 1;
                    at = qe;
                }
                Cut::Ran(e, cmds) => {
                    let e = e.max(at);
                    let before = prose(text, at, e, &cut);
                    if !before.is_empty() {
                        step.segments.push(Segment::Prose(from_markdown(&before)));
                    }
                    step.segments.push(Segment::Ran(cmds.to_vec()));
                    at = e;
                }
                Cut::Goals(e) => {
                    let e = e.max(at);
                    let before = prose(text, at, e, &cut);
                    if !before.is_empty() {
                        step.segments.push(Segment::Prose(from_markdown(&before)));
                    }
                    step.segments.push(Segment::Goals);
                    at = e;
                }
            }
        }
        let rest = prose(text, at.min(to), to, &cut);
        if !rest.is_empty() {
            step.segments.push(Segment::Prose(from_markdown(&rest)));
        }
        // A console block or the goals with nothing after them hold
        // nothing back.
        while matches!(step.segments.last(), Some(Segment::Ran(_) | Segment::Goals)) {
            step.segments.pop();
        }
    }
    let intro = prose(text, body_start, body_start + intro_end, &cut);

    // Quiz probes made after a command of the solution: which one.
    for (si, qi, cmd, line) in pending_when {
        let Some(step) = steps.get_mut(si) else {
            continue;
        };
        let found: Vec<usize> = step
            .solution
            .iter()
            .enumerate()
            .filter(|(_, c)| c.trim() == cmd || c.trim_start().starts_with(cmd.as_str()))
            .map(|(i, _)| i)
            .collect();
        let exact = step.solution.iter().position(|c| c.trim() == cmd);
        let one = match found.as_slice() {
            [i] => Some(*i),
            _ => None,
        };
        match (exact.or(one), found.is_empty()) {
            (Some(i), _) => {
                if let Some(p) = step.quizzes.get_mut(qi).and_then(|q| q.probe.as_mut()) {
                    p.when = When::AfterCommand(i + 1);
                }
            }
            (None, true) => cx.error(
                line,
                1,
                format!(
                    "`when: after {cmd}`: the step's solution has no such command; it runs {}",
                    if step.solution.is_empty() {
                        "nothing".to_string()
                    } else {
                        step.solution
                            .iter()
                            .map(|c| format!("`{}`", c.lines().next().unwrap_or("")))
                            .collect::<Vec<_>>()
                            .join(", ")
                    }
                ),
            ),
            (None, false) => cx.error(
                line,
                1,
                format!("`when: after {cmd}`: several commands of the solution start so; write one in full"),
            ),
        }
    }

    // Placeholders anywhere in the file must be ones the page can fill.
    for m in super::bind::scan_text(text).1 {
        let (l, c) = cx.line_col(m.at);
        cx.error(l, c, m.message);
    }

    if steps.is_empty() && cx.errors.is_empty() {
        let last = text.lines().count().max(1);
        cx.error(
            last,
            1,
            "the lesson has no steps: start each step with a `## ` heading",
        );
    }
    for s in &steps {
        if s.title.is_empty() {
            cx.error(s.line, 1, "a step needs a title after `## `");
        }
        if s.challenge && s.checks.is_empty() {
            cx.error(
                s.line,
                1,
                format!(
                    "Challenge step \"{}\" has no `check` block: its goal is what the checks judge",
                    s.title
                ),
            );
        }
        if s.challenge && !s.fails_before {
            cx.error(
                s.line,
                1,
                format!("Challenge step \"{}\" is a task: its checks must fail until the student acts; remove `passes-before`", s.title),
            );
        }
        if s.fails_before && !s.checks.is_empty() && s.solution.is_empty() {
            cx.error(
                s.line,
                1,
                format!("step \"{}\" has checks that must fail first but no `solution` block; add one, or write ```check passes-before", s.title),
            );
        }
    }
    if !cx.errors.is_empty() {
        return Err(cx.errors);
    }
    let fm = fm.expect("no errors means the front matter parsed");
    Ok(Lesson {
        id,
        path: path.to_string(),
        title: fm.title,
        summary: fm.summary,
        objectives: fm
            .objectives
            .iter()
            .map(|o| super::doc::inline_markdown(o))
            .collect(),
        minutes: fm.minutes,
        diagnosis: fm.diagnosis,
        course: fm.course,
        world: fm.world,
        intro: from_markdown(&intro),
        steps,
        recap: recap.map(|(r, _)| from_markdown(&r)),
    })
}

fn prose(text: &str, from: usize, to: usize, cut: &[(usize, usize)]) -> String {
    let mut out = String::new();
    let mut pos = from;
    for (s, e) in cut.iter().filter(|(s, _)| *s >= from && *s < to) {
        out.push_str(&text[pos..*s]);
        pos = *e;
    }
    if pos < to {
        out.push_str(&text[pos..to]);
    }
    // Collapse the blank lines cutting leaves behind.
    let mut collapsed = String::new();
    let mut blank = 0;
    for l in out.lines() {
        if l.trim().is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        collapsed.push_str(l);
        collapsed.push('\n');
    }
    collapsed.trim().to_string()
}

fn check_node(cx: &mut Ctx<'_>, src: &str, node: &str, nodes: u8) {
    let ok = node
        .strip_prefix("node")
        .and_then(|n| n.parse::<u8>().ok())
        .is_some_and(|n| n >= 1 && n <= nodes);
    if !ok {
        let l = src
            .lines()
            .position(|l| l.contains(node))
            .map(|i| i + 2)
            .unwrap_or(2);
        let c = src
            .lines()
            .nth(l - 2)
            .and_then(|t| t.find(node))
            .map(|c| c + 1)
            .unwrap_or(1);
        cx.error(l, c, format!("node `{node}` does not exist: the world has {nodes} node(s), node01 to node{nodes:02}"));
    }
}

fn check_from(cx: &mut Ctx<'_>, from: &str, line: usize, nodes: u8) {
    if let Some(n) = from.strip_prefix("node").and_then(|n| n.parse::<u8>().ok()) {
        if n == 0 || n > nodes {
            let col = cx
                .text
                .lines()
                .nth(line - 1)
                .and_then(|t| t.find(from))
                .map(|c| c + 1)
                .unwrap_or(1);
            cx.error(
                line,
                col,
                format!("`{from}` does not exist: the world has {nodes} node(s)"),
            );
        }
    }
}

/// A URL's placeholders (`{nodePort:web}`) must name a value the engine knows.
fn check_url(cx: &mut Ctx<'_>, url: &str, line: usize) {
    if let Some(problem) = super::bind::problem(url) {
        let col = cx
            .text
            .lines()
            .nth(line - 1)
            .and_then(|t| t.find(url))
            .map(|c| c + 1)
            .unwrap_or(1);
        cx.error(line, col, problem);
    }
}

fn expectation(cx: &mut Ctx<'_>, s: &str, line: usize) -> Option<Expect> {
    let e = Expect::parse(s);
    if e.is_none() {
        let col = cx
            .text
            .lines()
            .nth(line - 1)
            .and_then(|t| t.find(s))
            .map(|c| c + 1)
            .unwrap_or(1);
        cx.error(line, col, format!("unknown expectation `{s}`, expected an HTTP status (200, 404…) or one of `refused`, `timeout`, `unreachable`, `unresolved`"));
    }
    e
}

/// What a quiz's probe asks: a request, a DNS lookup, or how many pods
/// answer a run of requests.
fn quiz_ask(cx: &mut Ctx<'_>, p: &QuizProbeSpec, line: usize) -> Option<QuizAsk> {
    match (&p.url, &p.dns, p.responders) {
        (Some(url), None, None) => {
            check_url(cx, url, line);
            Some(QuizAsk::Request { url: url.clone() })
        }
        (Some(url), None, Some(n)) => {
            check_url(cx, url, line);
            if !(2..=100).contains(&n) {
                cx.error(
                    line,
                    1,
                    format!("`responders` is how many requests to make, 2 to 100, not {n}"),
                );
                return None;
            }
            Some(QuizAsk::Responders {
                url: url.clone(),
                requests: n,
            })
        }
        (None, Some(name), None) => {
            let ty = p.rr_type.as_deref().unwrap_or("A");
            match crate::cluster::dns::RrType::parse(ty) {
                Some(
                    t @ (crate::cluster::dns::RrType::A
                    | crate::cluster::dns::RrType::Cname
                    | crate::cluster::dns::RrType::Srv),
                ) => Some(QuizAsk::Dns {
                    name: name.clone(),
                    rr_type: t,
                }),
                _ => {
                    cx.error(
                        line,
                        1,
                        format!("unknown DNS type `{ty}`, expected `A`, `CNAME` or `SRV`"),
                    );
                    None
                }
            }
        }
        _ => {
            cx.error(line, 1, "a quiz probe asks one thing: `url` (how a request ends), `url` with `responders: N` (how many pods answer N requests), or `dns` (what a lookup answers)");
            None
        }
    }
}

/// What a choice predicts, read for the kind of question its probe asks.
fn prediction(
    cx: &mut Ctx<'_>,
    ask: &QuizAsk,
    value: &serde_norway::Value,
    line: usize,
) -> Option<Prediction> {
    match ask {
        QuizAsk::Request { .. } => {
            let text = yaml_text(value)?;
            expectation(cx, &text, line).map(Prediction::Request)
        }
        QuizAsk::Responders { .. } => match value.as_u64() {
            Some(n) => Some(Prediction::Pods(n as usize)),
            None => {
                cx.error(line, 1, "with `responders`, a choice's `expect` is how many different pods answer: a number");
                None
            }
        },
        QuizAsk::Dns { .. } => {
            let items: Vec<String> = match value {
                serde_norway::Value::Sequence(items) => {
                    items.iter().filter_map(yaml_text).collect()
                }
                v => match yaml_text(v) {
                    Some(t) => match t.trim().to_ascii_lowercase().as_str() {
                        "nxdomain" => return Some(Prediction::NoSuchName),
                        "timeout" | "no servers" => return Some(Prediction::NoServer),
                        _ => t.split(',').map(|a| a.trim().to_string()).collect(),
                    },
                    None => vec![],
                },
            };
            if items.is_empty() || items.iter().any(String::is_empty) {
                cx.error(line, 1, "with `dns`, a choice's `expect` is the answers (`10.96.0.10`, or a list), `nxdomain` or `timeout`");
                return None;
            }
            Some(Prediction::Answers(items))
        }
    }
}

/// A quiz block read: 2 to 5 choices, the answer one of them, one
/// explanation or one per choice, and with a probe, each choice's
/// prediction (no two alike, so that exactly one can be right).
/// A probe made `after COMMAND` is put in `pending_when`, to be found
/// in the step's solution once it is read.
fn convert_quiz(
    cx: &mut Ctx<'_>,
    q: QuizSpec,
    line: usize,
    nodes: u8,
    pending_when: &mut Vec<(String, usize)>,
    src: (&str, usize),
) -> Option<Quiz> {
    let errors = cx.errors.len();
    let choice_at = item_places(src.0, src.1, "choices");
    let explain_at = item_places(src.0, src.1, "explain");
    if q.question.trim().is_empty() {
        cx.error(line, 1, "a quiz needs a `question`");
    }
    if !(2..=5).contains(&q.choices.len()) {
        cx.error(
            line,
            1,
            format!(
                "a quiz has 2 to 5 choices, this one has {}",
                q.choices.len()
            ),
        );
    }
    let ask = q.probe.as_ref().and_then(|p| quiz_ask(cx, p, line));
    let mut choices = vec![];
    let mut bad_choices = false;
    for (i, c) in q.choices.iter().enumerate() {
        let (cl, cc) = choice_at.get(i).copied().unwrap_or((line, 1));
        if let Some(text) = yaml_text(c) {
            choices.push(Choice { text, expect: None });
            continue;
        }
        let field = |k: &str| c.get(k).and_then(yaml_text);
        let known = c.as_mapping().is_some_and(|m| {
            m.keys()
                .all(|k| matches!(k.as_str(), Some("text" | "expect")))
        });
        match (field("text"), known) {
            (Some(text), true) => {
                let expect = match (c.get("expect"), &ask) {
                    (None, _) => None,
                    (Some(e), Some(ask)) => prediction(cx, ask, e, line),
                    (Some(e), None) => yaml_text(e)
                        .and_then(|e| expectation(cx, &e, line))
                        .map(Prediction::Request),
                };
                choices.push(Choice { text, expect });
            }
            _ => {
                bad_choices = true;
                // At the `: ` that made YAML read a mapping, if there is one.
                let col = cx
                    .text
                    .lines()
                    .nth(cl - 1)
                    .and_then(|t| {
                        let from = t.char_indices().nth(cc - 1).map_or(0, |(b, _)| b);
                        t[from..]
                            .find(": ")
                            .map(|p| t[..from + p].chars().count() + 1)
                    })
                    .filter(|_| c.as_mapping().is_some_and(|m| m.len() == 1) && !known)
                    .unwrap_or(cc);
                cx.error(
                    cl,
                    col,
                    format!("a choice is a text, or `{{text: …, expect: …}}` {QUOTE_HINT}"),
                )
            }
        }
    }
    let answer = choices.iter().position(|c| c.text == q.answer);
    // One mistake, one message: a choice that could not be read already
    // explains why the answer is not among them.
    if answer.is_none() && !bad_choices {
        cx.error(
            line,
            1,
            format!(
                "the quiz's `answer` must be one of its choices, word for word: `{}` is not",
                q.answer
            ),
        );
    }
    let explain = match &q.explain {
        None => vec![],
        Some(v) if yaml_text(v).is_some() => yaml_text(v).into_iter().collect(),
        Some(serde_norway::Value::Sequence(items)) => {
            let all: Vec<String> = items.iter().filter_map(yaml_text).collect();
            if all.len() != items.len() {
                let (el, ec) = items
                    .iter()
                    .position(|v| yaml_text(v).is_none())
                    .and_then(|i| explain_at.get(i).copied())
                    .unwrap_or((line, 1));
                cx.error(
                    el,
                    ec,
                    format!("`explain` is one text, or a list of texts {QUOTE_HINT}"),
                );
            } else if all.len() != choices.len() && !bad_choices {
                cx.error(
                    line,
                    1,
                    format!(
                        "`explain` has one text, or one per choice: {} for {} choices",
                        all.len(),
                        choices.len()
                    ),
                );
            }
            all
        }
        Some(_) => {
            cx.error(
                line,
                1,
                format!("`explain` is one text, or a list of texts {QUOTE_HINT}"),
            );
            vec![]
        }
    };
    if explain.is_empty() && cx.errors.len() == errors {
        cx.error(
            line,
            1,
            "a quiz needs `explain`: what the student learns from each choice",
        );
    }
    let probe = match (q.probe, ask) {
        (Some(p), Some(ask)) => {
            check_from(cx, &p.from, line, nodes);
            let when = match p.when.as_deref().map(str::trim) {
                None | Some("before") => When::Before,
                Some("after") => When::After,
                Some(other) => match other.strip_prefix("after ") {
                    // Which command: found once the step's solution is read.
                    Some(cmd) => {
                        pending_when.push((cmd.trim().to_string(), line));
                        When::AfterCommand(0)
                    }
                    None => {
                        cx.error(
                            line,
                            1,
                            format!("`when` is `before` or `after` the step's solution, or `after COMMAND` (a command of its solution), not `{other}`"),
                        );
                        When::Before
                    }
                },
            };
            Some(QuizProbe {
                from: p.from,
                ask,
                when,
            })
        }
        _ => None,
    };
    if probe.is_some() {
        for c in &choices {
            if c.expect.is_none() && cx.errors.len() == errors {
                cx.error(
                    line,
                    1,
                    format!("with a `probe`, every choice says what it predicts: `{{text: \"{}\", expect: …}}`", c.text),
                );
            }
        }
        if let Some(a) = answer {
            let same = choices
                .iter()
                .enumerate()
                .filter(|(i, c)| *i != a && c.expect.is_some() && c.expect == choices[a].expect)
                .count();
            if same > 0 {
                cx.error(
                    line,
                    1,
                    "another choice predicts the same outcome as the answer: only one choice may be right",
                );
            }
        }
    }
    (cx.errors.len() == errors).then(|| Quiz {
        line,
        question: from_markdown(&q.question),
        choices,
        answer: answer.unwrap_or(0),
        explain: explain.iter().map(|e| from_markdown(e)).collect(),
        probe,
    })
}

/// Where a lesson's placeholders are read, for the message about one
/// that is not.
const READ_IN: &str = "placeholders are read in the lesson's text and in a check's or probe's `url`, `from` and `bodyContains`, a `dns` check's `name` and `answers`, an `endpoints` check's `addresses` and a `pod` check's `name`";

/// A placeholder in a field that takes its value as written is a mistake:
/// the check would compare with the braces themselves.
fn literal_fields(cx: &mut Ctx<'_>, line: usize, fields: &[(&str, Option<&str>)]) {
    for (field, value) in fields {
        let Some(v) = value else { continue };
        if let Some(p) = super::bind::scan_text(v).0.first() {
            let shown = &v[p.span.0..p.span.1];
            let col = cx
                .text
                .lines()
                .nth(line - 1)
                .and_then(|t| t.find(shown))
                .map_or(3, |c| c + 1);
            cx.error(
                line,
                col,
                format!("`{shown}` in `{field}` is taken as it is written: {READ_IN}"),
            );
        }
    }
}

fn convert_check(cx: &mut Ctx<'_>, spec: CheckSpec, line: usize, nodes: u8) -> Option<Check> {
    let mut kinds = vec![];
    if let Some(s) = spec.service {
        let selector: Vec<String> = s
            .selector
            .iter()
            .flatten()
            .map(|(_, v)| v.clone())
            .collect();
        let mut fields = vec![
            ("service.name", s.name.as_deref()),
            ("service.namespace", s.namespace.as_deref()),
            ("service.clusterIP", s.cluster_ip.as_deref()),
            ("service.externalName", s.external_name.as_deref()),
        ];
        fields.extend(
            selector
                .iter()
                .map(|v| ("service.selector", Some(v.as_str()))),
        );
        literal_fields(cx, line, &fields);
        kinds.push(CheckKind::Service(s));
    }
    if let Some(r) = spec.request {
        check_from(cx, &r.from, line, nodes);
        check_url(cx, &r.url, line);
        let expect = expectation(cx, &r.expect.text(), line)?;
        kinds.push(CheckKind::Request(RequestCheck {
            from: r.from,
            url: r.url,
            expect,
            body_contains: r.body_contains,
            host: r.host,
        }));
    }
    if let Some(p) = spec.pod {
        kinds.push(CheckKind::Pod(p));
    }
    if let Some(d) = spec.deployment {
        literal_fields(
            cx,
            line,
            &[
                ("deployment.name", Some(d.name.as_str())),
                ("deployment.namespace", d.namespace.as_deref()),
            ],
        );
        kinds.push(CheckKind::Deployment(d));
    }
    if let Some(e) = spec.endpoints {
        literal_fields(
            cx,
            line,
            &[
                ("endpoints.service", Some(e.service.as_str())),
                ("endpoints.namespace", e.namespace.as_deref()),
            ],
        );
        if e.count.is_none() && e.addresses.is_none() {
            cx.error(line, 3, "an `endpoints` check needs `count` or `addresses`");
            return None;
        }
        kinds.push(CheckKind::Endpoints(e));
    }
    if let Some(d) = spec.dns {
        check_from(cx, &d.from, line, nodes);
        let ty = d.rr_type.as_deref().unwrap_or("A");
        let rr_type = match crate::cluster::dns::RrType::parse(ty) {
            Some(
                t @ (crate::cluster::dns::RrType::A
                | crate::cluster::dns::RrType::Cname
                | crate::cluster::dns::RrType::Srv),
            ) => t,
            _ => {
                cx.error(
                    line,
                    3,
                    format!("unknown DNS type `{ty}`, expected `A`, `CNAME` or `SRV`"),
                );
                return None;
            }
        };
        kinds.push(CheckKind::Dns(DnsCheck {
            from: d.from,
            name: d.name,
            rr_type,
            answers: d.answers.map(|a| a.iter().map(Scalar::text).collect()),
        }));
    }
    if let Some(r) = spec.responders {
        check_from(cx, &r.from, line, nodes);
        check_url(cx, &r.url, line);
        if r.at_least.is_none() && r.at_most.is_none() {
            cx.error(
                line,
                3,
                "a `responders` check needs `at_least` or `at_most`",
            );
            return None;
        }
        kinds.push(CheckKind::Responders(RespondersCheck {
            from: r.from,
            url: r.url,
            requests: r.requests.clamp(1, 100),
            at_least: r.at_least,
            at_most: r.at_most,
        }));
    }
    if let Some(h) = spec.at {
        check_from(cx, &h, line, nodes);
        kinds.push(CheckKind::At(h));
    }
    match kinds.len() {
        1 => Some(Check {
            line,
            kind: kinds.pop().expect("one"),
        }),
        0 => {
            cx.error(line, 3, "empty check: expected one of `service`, `request`, `pod`, `deployment`, `endpoints`, `responders`, `dns`, `at`");
            None
        }
        _ => {
            cx.error(
                line,
                3,
                "one check per list item: split this item into several `- ` items",
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "---\ntitle: T\nworld:\n  nodes: 1\n  pods:\n  - name: myapp-pod\n    image: nginx\n    labels: {app: myapp}\n---\n\nIntro.\n\n## First step\n\nDo it.\n\n```console\n$ kubectl get pods\n```\n\n```check\n- pod: {name: myapp-pod}\n```\n\n```hint\nLook.\n```\n\n```solution\nkubectl get pods\n```\n";

    #[test]
    fn a_good_lesson_parses() {
        let l = parse_lesson("lessons/t.md", GOOD).unwrap();
        assert_eq!(l.title, "T");
        assert_eq!(l.steps.len(), 1);
        let s = &l.steps[0];
        assert_eq!(s.title, "First step");
        assert_eq!(s.commands, vec!["kubectl get pods"]);
        assert_eq!(s.hints.len(), 1);
        assert_eq!(s.hints[0].plain_text(), "Look.\n");
        assert_eq!(s.checks[0].line, 22);
        assert!(s.prose_text().contains("Do it.") && !s.prose_text().contains("hint"));
        assert_eq!(l.intro.plain_text(), "Intro.\n");
    }

    #[test]
    fn unknown_field_points_at_it() {
        let bad = GOOD.replace("- pod: {name: myapp-pod}", "- pod: {nme: myapp-pod}");
        let e = parse_lesson("lessons/t.md", &bad).unwrap_err();
        assert_eq!(e[0].line, 22);
        assert!(
            e[0].message
                .starts_with("unknown field `nme`, expected one of"),
            "{}",
            e[0]
        );
    }

    #[test]
    fn typo_in_block_name() {
        let bad = GOOD.replace("```check", "```chek");
        let e = parse_lesson("lessons/t.md", &bad).unwrap_err();
        assert!(
            e.iter()
                .any(|d| d.message == "unknown block `chek`, did you mean `check`?"),
            "{e:?}"
        );
    }

    #[test]
    fn missing_front_matter_and_empty_files() {
        for text in ["", "# Just a title\n", "---\ntitle: x\n", "\u{0}\u{1}"] {
            assert!(parse_lesson("x.md", text).is_err(), "{text:?}");
        }
    }

    #[test]
    fn the_steps_before_a_broken_one_can_be_played() {
        let two = format!("{GOOD}\n## Second step\n\n```check\n- pod: {{nme: x}}\n```\n");
        let problems = parse_lesson("t.md", &two).unwrap_err();
        let (part, cut) = playable_part("t.md", &two, &problems).expect("step 1 plays");
        assert_eq!(part.steps.len(), 1);
        assert_eq!(part.steps[0].title, "First step");
        assert_eq!(two.lines().nth(cut - 1), Some("## Second step"));
        // A broken front matter leaves nothing to play.
        let bad = GOOD.replace("title: T", "titel: T");
        let problems = parse_lesson("t.md", &bad).unwrap_err();
        assert!(playable_part("t.md", &bad, &problems).is_none());
    }

    #[test]
    fn heredocs_group_into_one_command() {
        let c = group_commands("cat > a.yaml <<'EOF'\nkind: x\nEOF\nkubectl apply -f a.yaml\n");
        assert_eq!(
            c,
            vec![
                "cat > a.yaml <<'EOF'\nkind: x\nEOF",
                "kubectl apply -f a.yaml"
            ]
        );
    }

    #[test]
    fn nodes_outside_the_world_are_errors() {
        let bad = GOOD.replace(
            "- pod: {name: myapp-pod}",
            "- request: {from: node02, url: 'http://x', expect: 200}",
        );
        let e = parse_lesson("lessons/t.md", &bad).unwrap_err();
        assert!(e[0].message.contains("`node02` does not exist"), "{e:?}");
    }
}
