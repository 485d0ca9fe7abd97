//! kubectl's JSONPath templates: `{.spec.clusterIP}`,
//! `{.items[*].metadata.name}`, `{range .items[*]}{.metadata.name}{"\n"}{end}`,
//! `{.status.loadBalancer.ingress[0].ip}`, `{.metadata.labels.app}`.

use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Text(String),
    Path(Vec<Step>),
    Range(Vec<Step>, Vec<Node>),
}

#[derive(Debug, Clone, PartialEq)]
enum Step {
    Field(String),
    Index(i64),
    All,
}

fn parse_path(expr: &str) -> Result<Vec<Step>, String> {
    let e = expr.trim();
    let e = e.strip_prefix('$').unwrap_or(e);
    let mut steps = vec![];
    let mut chars = e.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '.' => {
                let mut name = String::new();
                while let Some(&n) = chars.peek() {
                    if n == '.' || n == '[' {
                        break;
                    }
                    // `\.` escapes a dot inside a key (annotations).
                    if n == '\\' {
                        chars.next();
                        if let Some(x) = chars.next() {
                            name.push(x);
                        }
                        continue;
                    }
                    name.push(n);
                    chars.next();
                }
                if !name.is_empty() {
                    steps.push(Step::Field(name));
                }
            }
            '[' => {
                let mut inner = String::new();
                let mut closed = false;
                for n in chars.by_ref() {
                    if n == ']' {
                        closed = true;
                        break;
                    }
                    inner.push(n);
                }
                if !closed {
                    return Err("unterminated array".into());
                }
                let inner = inner.trim();
                if inner == "*" {
                    steps.push(Step::All);
                } else if let Ok(i) = inner.parse::<i64>() {
                    steps.push(Step::Index(i));
                } else if let Some(q) = inner.strip_prefix('\'').and_then(|x| x.strip_suffix('\''))
                {
                    steps.push(Step::Field(q.to_string()));
                } else {
                    return Err(format!("invalid array index {inner}"));
                }
            }
            ' ' => {}
            other => return Err(format!("unrecognized identifier {other}")),
        }
    }
    Ok(steps)
}

fn parse(template: &str) -> Result<Vec<Node>, String> {
    let mut stack: Vec<(Vec<Step>, Vec<Node>)> = vec![(vec![], vec![])];
    let mut rest = template;
    while !rest.is_empty() {
        match rest.find('{') {
            Some(0) => {
                let end = rest
                    .find('}')
                    .ok_or_else(|| "unclosed action".to_string())?;
                let action = rest[1..end].trim();
                rest = &rest[end + 1..];
                if let Some(lit) = action.strip_prefix('"').and_then(|a| a.strip_suffix('"')) {
                    let text = lit.replace("\\n", "\n").replace("\\t", "\t");
                    stack
                        .last_mut()
                        .expect("stack never empty")
                        .1
                        .push(Node::Text(text));
                } else if let Some(p) = action.strip_prefix("range ") {
                    stack.push((parse_path(p)?, vec![]));
                } else if action == "end" {
                    if stack.len() < 2 {
                        return Err("not in range, nothing to end".into());
                    }
                    let (path, body) = stack.pop().expect("checked");
                    stack
                        .last_mut()
                        .expect("stack never empty")
                        .1
                        .push(Node::Range(path, body));
                } else if action.is_empty() {
                    continue;
                } else {
                    let path = parse_path(action)?;
                    stack
                        .last_mut()
                        .expect("stack never empty")
                        .1
                        .push(Node::Path(path));
                }
            }
            Some(i) => {
                stack
                    .last_mut()
                    .expect("stack never empty")
                    .1
                    .push(Node::Text(rest[..i].to_string()));
                rest = &rest[i..];
            }
            None => {
                stack
                    .last_mut()
                    .expect("stack never empty")
                    .1
                    .push(Node::Text(rest.to_string()));
                rest = "";
            }
        }
    }
    if stack.len() != 1 {
        return Err("unclosed action".into());
    }
    Ok(stack.pop().expect("one left").1)
}

fn eval<'a>(v: &'a Value, steps: &[Step]) -> Vec<&'a Value> {
    let mut cur = vec![v];
    for s in steps {
        let mut next = vec![];
        for c in cur {
            match s {
                Step::Field(f) => {
                    if let Some(x) = c.get(f) {
                        next.push(x);
                    }
                }
                Step::Index(i) => {
                    if let Some(a) = c.as_array() {
                        let idx = if *i < 0 { a.len() as i64 + i } else { *i };
                        if let Some(x) = usize::try_from(idx).ok().and_then(|i| a.get(i)) {
                            next.push(x);
                        }
                    }
                }
                Step::All => match c {
                    Value::Array(a) => next.extend(a.iter()),
                    Value::Object(o) => next.extend(o.values()),
                    _ => {}
                },
            }
        }
        cur = next;
    }
    cur
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn render(nodes: &[Node], v: &Value, out: &mut String) -> Result<(), String> {
    for n in nodes {
        match n {
            Node::Text(t) => out.push_str(t),
            Node::Path(p) => {
                // `kubectl get` runs its templates with
                // `--allow-missing-template-keys=true`: a missing field
                // prints nothing.
                let found = eval(v, p);
                out.push_str(&found.iter().map(|x| text(x)).collect::<Vec<_>>().join(" "));
            }
            Node::Range(p, body) => {
                for item in eval(v, p) {
                    render(body, item, out)?;
                }
            }
        }
    }
    Ok(())
}

/// Applies a template to a JSON value; errors read as kubectl's.
pub fn apply(template: &str, v: &Value) -> Result<String, String> {
    let nodes =
        parse(template).map_err(|e| format!("error: error parsing jsonpath {template}, {e}\n"))?;
    let mut out = String::new();
    render(&nodes, v, &mut out).map_err(|e| format!("error: error executing jsonpath \"{template}\": Error executing template: {e}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{template}\n\tobject given to jsonpath engine was:\n\t\t{v}\n\n"))?;
    Ok(out)
}

/// `--sort-by`'s field: kubectl's relaxed form (`.a.b`, `a.b`, `{.a.b}`)
/// made a template.
pub fn relaxed(field: &str) -> Result<String, String> {
    let inner = field
        .strip_prefix('{')
        .and_then(|f| f.strip_suffix('}'))
        .unwrap_or(field);
    if inner.is_empty() || inner.contains(['{', '}']) {
        return Err("error: unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'\n".into());
    }
    Ok(if inner.starts_with('.') {
        format!("{{{inner}}}")
    } else {
        format!("{{.{inner}}}")
    })
}

/// The first value a one-path template finds in `v`, for `--sort-by`.
pub fn first_value<'a>(template: &str, v: &'a Value) -> Result<Option<&'a Value>, String> {
    let nodes =
        parse(template).map_err(|e| format!("error: error parsing jsonpath {template}, {e}\n"))?;
    Ok(nodes.iter().find_map(|n| match n {
        Node::Path(p) => eval(v, p).into_iter().next(),
        _ => None,
    }))
}

/// How kubectl's sorter orders two values: numbers by value, strings in
/// natural order (`pod-2` before `pod-10`), a missing value first.
pub fn sort_order(a: Option<&Value>, b: Option<&Value>) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, _) => Ordering::Less,
        (_, None) => Ordering::Greater,
        (Some(Value::Number(x)), Some(Value::Number(y))) => x
            .as_f64()
            .unwrap_or(0.0)
            .partial_cmp(&y.as_f64().unwrap_or(0.0))
            .unwrap_or(Ordering::Equal),
        (Some(x), Some(y)) => natural(&text(x), &text(y)),
    }
}

/// Natural order: runs of digits compare by their number.
fn natural(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let (mut x, mut y) = (a.as_bytes(), b.as_bytes());
    loop {
        match (x.first(), y.first()) {
            (None, None) => return Ordering::Equal,
            (None, _) => return Ordering::Less,
            (_, None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let n = x.iter().take_while(|c| c.is_ascii_digit()).count();
                let m = y.iter().take_while(|c| c.is_ascii_digit()).count();
                let (dx, dy) = (&x[..n], &y[..m]);
                let tx = dx.iter().skip_while(|&&c| c == b'0').count();
                let ty = dy.iter().skip_while(|&&c| c == b'0').count();
                let o = tx
                    .cmp(&ty)
                    .then_with(|| dx[n - tx..].cmp(&dy[m - ty..]))
                    .then_with(|| n.cmp(&m));
                if o != Ordering::Equal {
                    return o;
                }
                x = &x[n..];
                y = &y[m..];
            }
            (Some(c), Some(d)) => {
                if c != d {
                    return c.cmp(d);
                }
                x = &x[1..];
                y = &y[1..];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_ranges_and_literals() {
        let v = json!({"items": [{"metadata": {"name": "a"}, "spec": {"ports": [{"nodePort": 30008}]}}, {"metadata": {"name": "b"}}]});
        assert_eq!(apply("{.items[*].metadata.name}", &v).unwrap(), "a b");
        assert_eq!(
            apply("{range .items[*]}{.metadata.name}{\"\\n\"}{end}", &v).unwrap(),
            "a\nb\n"
        );
        assert_eq!(
            apply("{.items[0].spec.ports[0].nodePort}", &v).unwrap(),
            "30008"
        );
        // kubectl get allows missing keys: nothing is printed.
        assert_eq!(apply("{.items[0].nope}", &v).unwrap(), "");
        assert!(apply("{range .items[*]}", &v).is_err());
        assert_eq!(
            apply("{.items[0].metadata.name", &v).unwrap_err(),
            "error: error parsing jsonpath {.items[0].metadata.name, unclosed action\n"
        );
        assert_eq!(
            apply("{.items[x]}", &v).unwrap_err(),
            "error: error parsing jsonpath {.items[x]}, invalid array index x\n"
        );
        assert_eq!(
            apply("{.items[}", &v).unwrap_err(),
            "error: error parsing jsonpath {.items[}, unterminated array\n"
        );
    }
}
