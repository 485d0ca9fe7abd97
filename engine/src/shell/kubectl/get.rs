//! `kubectl get`: tables laid out by Go's tabwriter, and `-o wide|yaml|json|name|jsonpath=…`.

use super::columns::{headers, items, Item};
use super::{jsonpath, parse_selector, resource_and_names, selector_ok, Args, Resource};
use crate::cluster::apiserver::sorted;
use crate::cluster::objects::format_labels;
use crate::shell::ctx::Ctx;
use crate::shell::tabwriter::TABLE;
use crate::shell::Execution;
use serde_json::{json, Value};

/// YAML as kubectl prints it. Go's encoder double-quotes the strings that
/// need quoting (numbers, timestamps) where libyaml's emitter single-quotes
/// them, so quotes are converted, and RFC 3339 timestamps are quoted.
pub(crate) fn to_yaml(v: &Value) -> String {
    let raw = serde_norway::to_string(v).unwrap_or_default();
    let mut out = String::with_capacity(raw.len());
    for line in raw.lines() {
        let fixed = match line.split_once(": ") {
            Some((k, val))
                if val.len() >= 2
                    && val.starts_with('\'')
                    && val.ends_with('\'')
                    && !val[1..val.len() - 1].contains(['\'', '"', '\\']) =>
            {
                format!("{k}: \"{}\"", &val[1..val.len() - 1])
            }
            Some((k, val)) if looks_like_timestamp(val) => format!("{k}: \"{val}\""),
            _ => line.to_string(),
        };
        out.push_str(&fixed);
        out.push('\n');
    }
    out
}

fn looks_like_timestamp(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() == 20 && b[4] == b'-' && b[7] == b'-' && b[10] == b'T' && b[19] == b'Z'
}

pub(crate) fn to_json(v: &Value) -> String {
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    let _ = serde::Serialize::serialize(v, &mut ser);
    String::from_utf8(buf).unwrap_or_default() + "\n"
}

/// The fields the API server selects on for a resource (`--field-selector`).
fn selectable(r: Resource) -> &'static [&'static str] {
    match r {
        Resource::Pods => &[
            "metadata.name",
            "metadata.namespace",
            "spec.nodeName",
            "spec.restartPolicy",
            "spec.schedulerName",
            "spec.serviceAccountName",
            "spec.hostNetwork",
            "status.phase",
            "status.podIP",
            "status.nominatedNodeName",
        ],
        Resource::Events => &[
            "metadata.name",
            "metadata.namespace",
            "involvedObject.kind",
            "involvedObject.namespace",
            "involvedObject.name",
            "involvedObject.uid",
            "involvedObject.apiVersion",
            "involvedObject.resourceVersion",
            "involvedObject.fieldPath",
            "reason",
            "reportingComponent",
            "source",
            "type",
        ],
        Resource::Secrets => &["metadata.name", "metadata.namespace", "type"],
        _ => &["metadata.name", "metadata.namespace"],
    }
}

/// One `--field-selector` term: the field's path, the value, and whether
/// it must equal (`=`) or differ (`!=`).
type FieldTerm<'a> = (Vec<&'a str>, String, bool);

/// `--field-selector k=v,k2!=v2`: its terms, or the API server's refusal
/// of a field it does not index.
fn field_selector(r: Resource, text: &str) -> Result<Vec<FieldTerm<'_>>, String> {
    let mut out = vec![];
    for term in text.split(',').filter(|t| !t.is_empty()) {
        let (key, value, eq) = if let Some((k, v)) = term.split_once("!=") {
            (k, v, false)
        } else if let Some((k, v)) = term.split_once("==").or_else(|| term.split_once('=')) {
            (k, v, true)
        } else {
            return Err(format!(
                "error: invalid selector: '{text}'; can't understand '{term}'\n"
            ));
        };
        let key = key.trim();
        if !selectable(r).contains(&key) {
            let info = format!(
                "{}, Resource={}",
                r.info_group_version(),
                r.plural().split('.').next().unwrap_or("")
            );
            return Err(format!(
                "Error from server (BadRequest): Unable to find \"{info}\" that match label selector \"\", field selector \"{text}\": field label not supported: {key}\n"
            ));
        }
        let path: Vec<&str> = key.split('.').collect();
        out.push((path, value.trim().to_string(), eq));
    }
    Ok(out)
}

#[inline(never)]
pub(crate) fn get(s: &Ctx, args: &Args, exec: &mut Execution) -> i32 {
    if args.positional.is_empty() {
        exec.err("You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples\n");
        return 1;
    }
    let targets = match resource_and_names(&args.positional, s.sim.world.cluster.gateway_api) {
        Ok(t) => t,
        Err(e) => {
            exec.err(e);
            return 1;
        }
    };
    let selector = match args.selector.as_deref().map(parse_selector).transpose() {
        Ok(s) => s,
        Err(e) => {
            exec.err(e);
            return 1;
        }
    };
    let ns_name = args.ns();
    if !args.all_namespaces
        && !s.sim.world.cluster.namespaces.contains_key(&ns_name)
        && targets.iter().any(|(r, _)| r.namespaced())
    {
        // kubectl lists an empty result for a namespace that does not exist.
    }
    let ns = if args.all_namespaces {
        None
    } else {
        Some(ns_name.as_str())
    };
    let output = args.output.clone().unwrap_or_default();
    let wide = output == "wide";
    let mut status = 0;
    let mut printed_any = false;
    let mut collected: Vec<(Resource, Item)> = vec![];

    // Expand `all` into the resources it stands for.
    let mut expanded = vec![];
    for (r, n) in targets {
        if r == Resource::All {
            for rr in [
                Resource::Pods,
                Resource::Services,
                Resource::DaemonSets,
                Resource::Deployments,
                Resource::ReplicaSets,
                Resource::StatefulSets,
            ] {
                expanded.push((rr, n.clone()));
            }
        } else {
            expanded.push((r, n));
        }
    }
    let multi_kind = {
        let mut kinds: Vec<Resource> = expanded.iter().map(|(r, _)| *r).collect();
        kinds.dedup();
        kinds.len() > 1
    };

    let mut tables = String::new();
    let mut last_kind: Option<Resource> = None;
    for (r, name) in &expanded {
        let all = items(s, *r, if r.namespaced() { ns } else { None });
        let mut chosen: Vec<Item> = match name {
            Some(n) => match all.into_iter().find(|i| &i.name == n) {
                Some(i) => vec![i],
                None => {
                    exec.err(format!(
                        "Error from server (NotFound): {} \"{n}\" not found\n",
                        r.plural()
                    ));
                    status = 1;
                    continue;
                }
            },
            None => all,
        };
        if let Some(sel) = &selector {
            chosen.retain(|i| selector_ok(sel, &i.labels));
        }
        if let Some(fs) = args.value("field-selector") {
            match field_selector(*r, fs) {
                Ok(terms) => chosen.retain(|i| {
                    terms.iter().all(|(path, want, eq)| {
                        let got = path
                            .iter()
                            .try_fold(&i.json, |v, k| v.get(*k))
                            .map(|v| match v {
                                Value::String(s) => s.clone(),
                                Value::Null => String::new(),
                                other => other.to_string(),
                            })
                            .unwrap_or_default();
                        (got == *want) == *eq
                    })
                }),
                Err(e) => {
                    exec.err(e);
                    return 1;
                }
            }
        }
        if let Some(field) = args.value("sort-by") {
            let template = match jsonpath::relaxed(field) {
                Ok(t) => t,
                Err(e) => {
                    exec.err(e);
                    return 1;
                }
            };
            let mut keys = Vec::with_capacity(chosen.len());
            for i in &chosen {
                match jsonpath::first_value(&template, &i.json) {
                    Ok(v) => keys.push(v.cloned()),
                    Err(e) => {
                        exec.err(e);
                        return 1;
                    }
                }
            }
            if !chosen.is_empty() && keys.iter().all(Option::is_none) {
                exec.err(format!(
                    "error: couldn't find any field with path \"{template}\" in the list of objects\n"
                ));
                return 1;
            }
            let mut paired: Vec<(Option<Value>, Item)> = keys.into_iter().zip(chosen).collect();
            crate::sort::sort_by(&mut paired, |a, b| {
                jsonpath::sort_order(a.0.as_ref(), b.0.as_ref())
            });
            chosen = paired.into_iter().map(|(_, i)| i).collect();
        }
        if output.is_empty() || wide || args.has("show-labels") {
            if chosen.is_empty() {
                continue;
            }
            if last_kind != Some(*r) {
                if printed_any {
                    tables.push('\n');
                }
                let (h, w) = headers(*r);
                let mut t = String::new();
                let mut hs: Vec<&str> = vec![];
                if args.all_namespaces && r.namespaced() {
                    hs.push("NAMESPACE");
                }
                if wide && *r == Resource::Events {
                    hs.extend(w);
                } else {
                    hs.extend(h);
                    if wide {
                        hs.extend(w);
                    }
                }
                if args.has("show-labels") {
                    hs.push("LABELS");
                }
                if !args.has("no-headers") {
                    t.push_str(&hs.join("\t"));
                    t.push('\n');
                }
                for i in &chosen {
                    let mut cells = vec![];
                    if args.all_namespaces && r.namespaced() {
                        cells.push(i.namespace.clone().unwrap_or_default());
                    }
                    if wide && *r == Resource::Events {
                        cells.extend(i.wide.clone());
                    } else {
                        let mut row = i.cells.clone();
                        if multi_kind {
                            row[0] = format!("{}/{}", r.singular(), row[0]);
                        }
                        cells.extend(row);
                        if wide {
                            cells.extend(i.wide.clone());
                        }
                    }
                    if args.has("show-labels") {
                        cells.push(format_labels(&i.labels));
                    }
                    t.push_str(&cells.join("\t"));
                    t.push('\n');
                }
                tables.push_str(&TABLE.format(&t));
                printed_any = true;
                last_kind = Some(*r);
            }
        } else {
            collected.extend(chosen.into_iter().map(|i| (*r, i)));
        }
    }
    if output.is_empty() || wide || args.has("show-labels") {
        if !printed_any && status == 0 {
            match ns {
                Some(n) if expanded.iter().any(|(r, _)| r.namespaced()) => {
                    exec.err(format!("No resources found in {n} namespace.\n"))
                }
                _ => exec.err("No resources found\n"),
            }
        }
        exec.out(tables);
        return status;
    }
    // Every object asked for by name was missing: kubectl prints the
    // errors alone, not an empty List.
    if collected.is_empty() && status != 0 {
        return status;
    }
    let single = expanded.len() == 1 && expanded[0].1.is_some();
    let values: Vec<Value> = collected
        .iter()
        .map(|(_, i)| sorted(i.json.clone()))
        .collect();
    let doc = if single && values.len() == 1 {
        values[0].clone()
    } else {
        json!({"apiVersion": "v1", "items": values, "kind": "List", "metadata": {"resourceVersion": ""}})
    };
    match output.as_str() {
        "yaml" => exec.out(to_yaml(&doc)),
        "json" => exec.out(to_json(&doc)),
        "name" => {
            for (r, i) in &collected {
                exec.out(format!("{}/{}\n", r.singular(), i.name));
            }
        }
        o if o.starts_with("jsonpath=") || o.starts_with("jsonpath-as-json=") => {
            let t = o.split_once('=').map(|x| x.1).unwrap_or("");
            match jsonpath::apply(t, &doc) {
                Ok(text) => exec.out(text),
                Err(e) => {
                    exec.err(e);
                    return 1;
                }
            }
        }
        o if o.starts_with("custom-columns=") => {
            let spec = &o["custom-columns=".len()..];
            let cols: Vec<(&str, &str)> =
                spec.split(',').filter_map(|c| c.split_once(':')).collect();
            let mut t = cols.iter().map(|(h, _)| *h).collect::<Vec<_>>().join("\t") + "\n";
            for v in &values {
                let row: Vec<String> = cols
                    .iter()
                    .map(|(_, p)| {
                        let tpl = format!("{{{p}}}");
                        jsonpath::apply(&tpl, v)
                            .ok()
                            .filter(|x| !x.is_empty())
                            .unwrap_or_else(|| "<none>".into())
                    })
                    .collect();
                t.push_str(&row.join("\t"));
                t.push('\n');
            }
            exec.out(TABLE.format(&t));
        }
        other => {
            exec.err(format!("error: unable to match a printer suitable for the output format \"{other}\", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml\n"));
            return 1;
        }
    }
    status
}
