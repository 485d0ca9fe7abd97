//! `kubectl patch` and `kubectl edit`: a change of a stored object, sent
//! to the API server as a patch and judged there like any update
//! (validation, a pod's immutable spec).
//!
//! `kubectl edit` opens the object in an editor. A session with an editor
//! (the page's manifest editor, [`Session::set_editor`]) gets an
//! [`EditRequest`] in the line's [`Execution`] and calls
//! [`Session::finish_edit`] with the text saved; without one (the native
//! terminal) kubectl cannot launch `vi`, and says so.

use super::columns::items;
use super::get::to_yaml;
use super::{print_api_error, resource_and_names, Args, Resource};
use crate::cluster::apiserver::{ApiError, Object};
use crate::cluster::manifest;
use crate::cluster::patch::{json_patch, merge_patch, strategic_merge, JsonPatchError};
use crate::shell::ctx::Ctx;
use crate::shell::{Execution, Session};
use serde_json::Value;

/// The object's API form as the server holds it (`status` apart: updates
/// of the main resource do not change it).
pub(super) fn current(s: &Ctx, r: Resource, ns: &str, name: &str) -> Option<Value> {
    items(s, r, r.namespaced().then_some(ns))
        .into_iter()
        .find(|i| i.name == name)
        .map(|i| i.json)
}

/// Decodes a patched object and sends it as an update: `Ok(changed)`.
pub(super) fn send(s: &mut Ctx, mut v: Value) -> Result<bool, String> {
    if let Value::Object(m) = &mut v {
        m.remove("status");
    }
    let obj = match manifest::decode(v) {
        Ok(o) => o,
        Err(manifest::DocError::Decode { detail, .. }) => {
            return Err(format!("Error from server (BadRequest): {detail}\n"))
        }
        Err(e) => return Err(e.message("STDIN")),
    };
    let now = s.sim.now;
    s.sim
        .world
        .cluster
        .update(obj, now)
        .map_err(|e| e.kubectl_message(None))
}

/// Parses a patch as kubectl does (`yaml.ToJSON`: JSON, or YAML).
fn parse_patch(text: &str) -> Result<Value, String> {
    match manifest::parse(text) {
        Ok(docs) => Ok(docs.into_iter().next().map_or(Value::Null, |d| d.raw)),
        Err(e) => Err(format!("error: unable to parse \"{text}\": {e}\n")),
    }
}

#[inline(never)]
pub(crate) fn patch(s: &mut Ctx, args: &Args, exec: &mut Execution) -> i32 {
    let Some(text) = args.value("patch") else {
        exec.err(
            "error: must specify --patch or --patch-file containing the contents of the patch\n",
        );
        return 1;
    };
    let kind = args.value("type").unwrap_or("strategic");
    if !matches!(kind, "json" | "merge" | "strategic") {
        exec.err(format!(
            "error: --type must be one of [json merge strategic], not \"{kind}\"\n"
        ));
        return 1;
    }
    let targets = match resource_and_names(&args.positional, s.sim.world.cluster.gateway_api) {
        Ok(t) if !t.is_empty() => t,
        Ok(_) => {
            exec.err("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n");
            return 1;
        }
        Err(e) => {
            exec.err(e);
            return 1;
        }
    };
    if !s.charge(text.len() as u64 * 20, exec) {
        return 1;
    }
    let patch = match parse_patch(text) {
        Ok(p) => p,
        Err(e) => {
            exec.err(e);
            return 1;
        }
    };
    let ns = args.ns();
    let mut failed = false;
    for (r, name) in targets {
        let Some(name) = name else {
            exec.err("error: resource(s) were provided, but no name was specified\n");
            return 1;
        };
        if matches!(r, Resource::Events | Resource::Nodes | Resource::All) {
            exec.err(format!(
                "error: patching {} is not simulated here\n",
                r.plural()
            ));
            failed = true;
            continue;
        }
        let Some(obj) = current(s, r, &ns, &name) else {
            exec.err(format!(
                "Error from server (NotFound): {} \"{name}\" not found\n",
                r.plural()
            ));
            failed = true;
            continue;
        };
        let patched = match kind {
            "merge" => Ok(merge_patch(&obj, &patch)),
            "json" => json_patch(&obj, &patch).map_err(|e| match e {
                JsonPatchError::NotAList(m) | JsonPatchError::BadRequest(m) => {
                    format!("Error from server (BadRequest): {m}\n")
                }
                // The server answers 422 with a generic status: json-patch's
                // own text is not sent (`NewGenericServerResponse`).
                JsonPatchError::TestFailed(_) | JsonPatchError::CopyTooLarge(_) => {
                    "The request is invalid: the server rejected our request due to an error in our request\n".to_string()
                }
                JsonPatchError::TooManyOperations(n) => format!(
                    "Error from server (RequestEntityTooLarge): Request entity too large: The allowed maximum operations in a JSON patch is {}, got {n}\n",
                    crate::cluster::patch::MAX_OPERATIONS
                ),
            }),
            _ => strategic_merge(&obj, &patch)
                .map_err(|m| format!("Error from server (BadRequest): {m}\n")),
        };
        let patched = match patched {
            Ok(p) => p,
            Err(e) => {
                exec.err(e);
                failed = true;
                continue;
            }
        };
        // Decoding, checking and storing the result reads all of it.
        let size = crate::cluster::patch::json_len(&patched, usize::MAX).unwrap_or(usize::MAX);
        if !s.charge(size as u64, exec) {
            return 1;
        }
        match send(s, patched) {
            Ok(true) => exec.out(format!("{}/{name} patched\n", r.singular())),
            Ok(false) => exec.out(format!("{}/{name} patched (no change)\n", r.singular())),
            Err(e) => {
                exec.err(e);
                failed = true;
            }
        }
    }
    i32::from(failed)
}

/// What `kubectl edit` asks of the page's editor: the object's YAML, and
/// where the edited text goes back (see [`Session::finish_edit`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditRequest {
    /// `services`, `deployments.apps`: what is edited.
    pub resource: String,
    /// `service`, `deployment.apps`: how kubectl names it in its messages.
    pub singular: String,
    pub namespace: String,
    pub name: String,
    /// What the editor opens: kubectl's header comment, then the YAML.
    pub text: String,
    /// The object as first shown (comments apart), to see whether it changed.
    pub original: String,
    /// The text of the last attempt that failed (the editor reopened).
    pub failed: Option<String>,
}

const EDIT_HEADER: &str =
    "# Please edit the object below. Lines beginning with a '#' will be ignored,
# and an empty file will abort the edit. If an error occurs while saving this file will be
# reopened with the relevant failures.
#
";

/// `cmdutil.StripComments`: the lines that are not comments.
fn strip_comments(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect()
}

#[inline(never)]
pub(crate) fn edit(s: &mut Session, args: &Args, exec: &mut Execution) -> i32 {
    let targets = match resource_and_names(&args.positional, s.sim.world.cluster.gateway_api) {
        Ok(t) if !t.is_empty() => t,
        Ok(_) => {
            exec.err("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n");
            return 1;
        }
        Err(e) => {
            exec.err(e);
            return 1;
        }
    };
    let ns = args.ns();
    let (r, name) = match targets.as_slice() {
        [(r, Some(n))] => (*r, n.clone()),
        [(_, None)] => {
            exec.err("error: kubectl edit of every object of a type is not simulated here; name one object\n");
            return 1;
        }
        _ => {
            exec.err("error: kubectl edit of several objects at once is not simulated here; name one object\n");
            return 1;
        }
    };
    if matches!(r, Resource::Events | Resource::Nodes | Resource::All) {
        exec.err(format!(
            "error: editing {} is not simulated here\n",
            r.plural()
        ));
        return 1;
    }
    let Some(obj) = current(&s.ctx(), r, &ns, &name) else {
        exec.err(format!(
            "Error from server (NotFound): {} \"{name}\" not found\n",
            r.plural()
        ));
        return 1;
    };
    if !s.term.editor {
        // `KUBE_EDITOR`, then `EDITOR`, then vi: none can run here.
        let editor = s
            .shell_var("KUBE_EDITOR")
            .or_else(|| s.shell_var("EDITOR"))
            .filter(|e| !e.is_empty())
            .unwrap_or_else(|| "vi".into());
        exec.err(format!("error: unable to launch the editor \"{editor}\"\n"));
        return 1;
    }
    let yaml = to_yaml(&obj);
    exec.edit = Some(EditRequest {
        resource: r.plural(),
        singular: r.singular(),
        namespace: ns,
        name,
        text: format!("{EDIT_HEADER}{yaml}"),
        original: yaml,
        failed: None,
    });
    0
}

impl Session {
    /// Whether `kubectl edit` may open an editor: the page has one (its
    /// manifest editor). Off by default, as in the native terminal, where
    /// kubectl cannot launch `vi`.
    pub fn set_editor(&mut self, available: bool) {
        self.term.editor = available;
    }

    /// The editor was saved with `edited` for `req`: what `kubectl edit`
    /// does then, with its messages. An invalid object reopens the editor
    /// (the returned execution carries a new request, with the failures in
    /// its header); the same text saved again gives up.
    pub fn finish_edit(&mut self, req: &EditRequest, edited: &str) -> Execution {
        let mut exec = Execution::default();
        exec.status = self.finish_edit_in(req, edited, &mut exec);
        self.set_status(exec.status);
        self.catch_up_after_write();
        exec
    }

    fn finish_edit_in(&mut self, req: &EditRequest, edited: &str, exec: &mut Execution) -> i32 {
        let stripped = strip_comments(edited);
        if let Some(failed) = req
            .failed
            .as_deref()
            .filter(|f| strip_comments(f) == stripped)
        {
            // kubectl keeps what the author wrote in a temporary file
            // (os.CreateTemp's random digits; here from the text, so that
            // a replay names the same file).
            let path = format!(
                "/tmp/kubectl-edit-{}.yaml",
                1_000_000_000 + crate::text::fnv1a(failed.as_bytes()) % 3_000_000_000
            );
            let host = self.current_host().to_string();
            if self.put_file(&host, &path, edited) {
                exec.err(format!(
                    "A copy of your changes has been stored to \"{path}\"\n"
                ));
            }
            exec.err("error: Edit cancelled, no valid changes were saved.\n");
            return 1;
        }
        if stripped == strip_comments(&req.original) {
            exec.err("Edit cancelled, no changes made.\n");
            return 0;
        }
        if stripped.trim().is_empty() {
            exec.err("Edit cancelled, saved file was empty.\n");
            return 0;
        }
        let reopen = |exec: &mut Execution, reasons: Vec<(String, Vec<String>)>| {
            let mut header = EDIT_HEADER.to_string();
            for (head, other) in reasons {
                if other.is_empty() {
                    header.push_str(&format!("# {head}\n"));
                } else {
                    header.push_str(&format!("# {head}:\n"));
                }
                for o in other {
                    header.push_str(&format!("# * {o}\n"));
                }
                header.push_str("#\n");
            }
            exec.edit = Some(EditRequest {
                text: format!("{header}{stripped}"),
                failed: Some(edited.to_string()),
                ..req.clone()
            });
        };
        let docs = match manifest::parse(&stripped) {
            Ok(d) => d,
            Err(e) => {
                reopen(
                    exec,
                    vec![(format!("The edited file had a syntax error: {e}"), vec![])],
                );
                return 0;
            }
        };
        let Some(doc) = docs.into_iter().next() else {
            exec.err("Edit cancelled, saved file was empty.\n");
            return 0;
        };
        let original = manifest::parse(&req.original)
            .ok()
            .and_then(|d| d.into_iter().next())
            .map(|d| d.raw)
            .unwrap_or(Value::Null);
        let same = |k: &str| doc.raw.get(k) == original.get(k);
        if !same("apiVersion")
            || !same("kind")
            || doc.raw.pointer("/metadata/name") != original.pointer("/metadata/name")
        {
            exec.err("error: At least one of apiVersion, kind and name was changed\n");
            return 1;
        }
        match send(&mut self.ctx(), doc.raw.clone()) {
            Ok(_) => {
                exec.out(format!("{}/{} edited\n", req.singular, req.name));
                0
            }
            Err(message) => {
                let invalid = |e: &ApiError| {
                    (
                        format!("{} \"{}\" was not valid", req.resource, req.name),
                        e.causes.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
                    )
                };
                // Re-judge to get the causes (the message is for printing).
                let cause = self.edit_error(&doc.raw);
                match cause {
                    Some(e) if matches!(e.reason, crate::cluster::apiserver::Reason::Invalid) => {
                        exec.err(format!(
                            "error: {} \"{}\" is invalid\n",
                            req.resource, req.name
                        ));
                        reopen(exec, vec![invalid(&e)]);
                        1
                    }
                    _ => {
                        let m = message.trim_end().trim_start_matches("error: ").to_string();
                        exec.err(format!(
                            "error: {} \"{}\" could not be patched: {m}\n",
                            req.resource, req.name
                        ));
                        1
                    }
                }
            }
        }
    }

    /// The API error an update to `v` meets (judged on a copy).
    fn edit_error(&self, v: &Value) -> Option<ApiError> {
        let mut v = v.clone();
        if let Value::Object(m) = &mut v {
            m.remove("status");
        }
        let obj: Object = manifest::decode(v).ok()?;
        let mut copy = self.sim.world.cluster.clone();
        copy.update(obj, self.sim.now).err()
    }
}

/// Prints an API error (kept for symmetry with the other writers).
#[allow(dead_code)]
fn api_error(exec: &mut Execution, e: &ApiError) {
    print_api_error(exec, e, None);
}
