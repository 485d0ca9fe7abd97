//! Where in a manifest an error points: the editor shows the API server's
//! message next to the line it is about.
//!
//! kubectl's messages name a place in one of two ways: a YAML syntax error
//! says `yaml: line 5: …`; the API server names a field path,
//! `spec.ports[0].nodePort: Invalid value: 40000: …` or
//! `strict decoding error: unknown field "spec.ports[0].nodeport"`. A path
//! is found by walking the YAML's indentation, the way a reader would.

/// One line of an error message and the manifest line it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// 1-based line in the manifest, when the message names one.
    pub line: Option<usize>,
    pub message: String,
}

/// One step of a field path: a key, then list indexes (`ports[0]`).
#[derive(Debug, PartialEq)]
struct Segment {
    key: String,
    indexes: Vec<usize>,
}

fn parse_path(path: &str) -> Option<Vec<Segment>> {
    path.split('.')
        .map(|part| {
            let (key, rest) = part.split_once('[').unwrap_or((part, ""));
            let indexes = rest
                .split('[')
                .filter(|s| !s.is_empty())
                .map(|s| s.trim_end_matches(']').parse().ok())
                .collect::<Option<Vec<usize>>>()?;
            (!key.is_empty()).then(|| Segment {
                key: key.to_string(),
                indexes,
            })
        })
        .collect()
}

/// A field path in a message: the first word that starts with `spec.` or
/// `metadata.` (also inside `ServicePort.spec.ports.port`), or is one.
fn path_in(message: &str) -> Option<&str> {
    message
        .split(|c: char| c.is_whitespace() || c == '"' || c == '\'' || c == ',')
        .map(|w| w.trim_end_matches(':'))
        .find_map(|w| {
            ["spec", "metadata"].iter().find_map(|root| {
                let at = w.find(&format!("{root}."))?;
                let before = &w[..at];
                (before.is_empty() || before.ends_with('.')).then(|| &w[at..])
            })
        })
}

/// `yaml: line 5: …` → 5.
fn yaml_line(message: &str) -> Option<usize> {
    let rest = &message[message.find("yaml: line ")? + "yaml: line ".len()..];
    rest.split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

#[derive(Debug)]
struct Line<'a> {
    /// 1-based.
    number: usize,
    /// Spaces before the text.
    indent: usize,
    /// The column of the line's key (past a `- `).
    key_indent: usize,
    item: bool,
    /// The key, if the line is `key: …`.
    key: Option<&'a str>,
    text: &'a str,
}

fn lines_of<'a>(doc: &[(usize, &'a str)]) -> Vec<Line<'a>> {
    doc.iter()
        .filter_map(|(number, raw)| {
            let text = raw.trim_start();
            if text.is_empty() || text.starts_with('#') {
                return None;
            }
            let indent = raw.len() - text.len();
            let (item, body, key_indent) = match text.strip_prefix('-') {
                Some(rest) if rest.is_empty() || rest.starts_with(' ') => {
                    let body = rest.trim_start();
                    (true, body, indent + 1 + (rest.len() - body.len()))
                }
                _ => (false, text, indent),
            };
            let key = body
                .split_once(':')
                .map(|(k, _)| k.trim().trim_matches(|c| c == '"' || c == '\''))
                .filter(|k| !k.is_empty() && !k.contains(' ') && !k.starts_with('{'));
            Some(Line {
                number: *number,
                indent,
                key_indent,
                item,
                key,
                text,
            })
        })
        .collect()
}

/// The lines below `lines[at]` that belong to it.
fn children(lines: &[Line<'_>], at: usize, key_indent: usize) -> std::ops::Range<usize> {
    let end = lines[at + 1..]
        .iter()
        .position(|l| !(l.indent > key_indent || (l.indent == key_indent && l.item)))
        .map(|p| at + 1 + p)
        .unwrap_or(lines.len());
    at + 1..end
}

/// The line a field path is on in one YAML document, as deep as it goes,
/// and whether the whole path was found.
fn locate_in(lines: &[Line<'_>], path: &[Segment]) -> (Option<usize>, bool) {
    let mut range = 0..lines.len();
    let mut best = None;
    for seg in path {
        let Some(first) = lines.get(range.start).filter(|_| !range.is_empty()) else {
            return (best, false);
        };
        let level = first.key_indent;
        let found = range
            .clone()
            .find(|&i| lines[i].key_indent == level && lines[i].key == Some(seg.key.as_str()));
        let Some(i) = found else {
            // A flow mapping (`{port: 80, nodePort: 30008}`) on one line.
            let flow = range
                .clone()
                .find(|&i| lines[i].text.contains(&format!("{}:", seg.key)));
            return (flow.map(|i| lines[i].number).or(best), false);
        };
        best = Some(lines[i].number);
        range = children(lines, i, lines[i].key_indent);
        for &index in &seg.indexes {
            let items: Vec<usize> = range.clone().filter(|&j| lines[j].item).collect();
            let level = items.iter().map(|&j| lines[j].indent).min();
            let items: Vec<usize> = items
                .into_iter()
                .filter(|&j| Some(lines[j].indent) == level)
                .collect();
            let Some(&j) = items.get(index) else {
                return (best, false);
            };
            best = Some(lines[j].number);
            // The item: its own line (the first key) and what is below it.
            let end = children(lines, j, lines[j].indent).end;
            range = j..end;
        }
    }
    (best, true)
}

/// The 1-based line of `path` (`spec.ports[0].nodePort`) in `yaml`, which
/// may hold several documents; the deepest match wins.
pub fn line_of_path(yaml: &str, path: &str) -> Option<usize> {
    let segments = parse_path(path)?;
    let mut docs: Vec<Vec<(usize, &str)>> = vec![vec![]];
    for (i, l) in yaml.lines().enumerate() {
        if l.trim_end() == "---" {
            docs.push(vec![]);
        } else if let Some(d) = docs.last_mut() {
            d.push((i + 1, l));
        }
    }
    let mut partial = None;
    for doc in &docs {
        match locate_in(&lines_of(doc), &segments) {
            (Some(l), true) => return Some(l),
            (Some(l), false) => partial = partial.or(Some(l)),
            _ => {}
        }
    }
    partial
}

/// Each line of kubectl's output, with the manifest line it points at.
pub fn locate(yaml: &str, output: &str) -> Vec<Located> {
    output
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| Located {
            line: yaml_line(l).or_else(|| path_in(l).and_then(|p| line_of_path(yaml, p))),
            message: l.trim_start_matches("* ").to_string(),
        })
        .collect()
}
