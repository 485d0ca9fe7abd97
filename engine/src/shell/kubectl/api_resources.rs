//! `kubectl api-resources`: what the (simulated) API server serves, sorted
//! as kubectl sorts it — by API group, the core group first, then by name.

use super::Args;
use crate::cluster::kinds::{GATEWAY_API, SERVED};
use crate::shell::tabwriter::TABLE;
use crate::shell::Execution;

#[inline(never)]
/// `crds`: the Gateway API's CRDs are installed, and listed.
pub(crate) fn api_resources(args: &Args, crds: bool, exec: &mut Execution) -> i32 {
    let namespaced = match args.value("namespaced") {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(other) => {
            exec.err(format!("error: invalid argument \"{other}\" for \"--namespaced\" flag: strconv.ParseBool: parsing \"{other}\": invalid syntax\nSee 'kubectl api-resources --help' for usage.\n"));
            return 1;
        }
    };
    let group = args.value("api-group");
    let extra: &[_] = if crds { GATEWAY_API } else { &[] };
    let mut rows: Vec<_> = SERVED
        .iter()
        .chain(extra)
        .filter(|r| namespaced.is_none_or(|n| r.namespaced == n))
        .filter(|r| group.is_none_or(|g| r.group == g))
        .collect();
    crate::sort::sort_by(&mut rows, |a, b| {
        a.group.cmp(b.group).then(a.name.cmp(b.name))
    });
    let output = args.output.as_deref().unwrap_or("");
    match output {
        "name" => {
            let mut out = String::new();
            for r in rows {
                if r.group.is_empty() {
                    out.push_str(&format!("{}\n", r.name));
                } else {
                    out.push_str(&format!("{}.{}\n", r.name, r.group));
                }
            }
            exec.out(out);
            0
        }
        "" | "wide" => {
            let wide = output == "wide";
            let mut t = String::new();
            if !args.has("no-headers") {
                t.push_str("NAME\tSHORTNAMES\tAPIVERSION\tNAMESPACED\tKIND");
                t.push_str(if wide { "\tVERBS\tCATEGORIES\n" } else { "\n" });
            }
            for r in rows {
                t.push_str(&format!(
                    "{}\t{}\t{}\t{}\t{}",
                    r.name,
                    r.short_names.join(","),
                    r.api_version(),
                    r.namespaced,
                    r.kind
                ));
                if wide {
                    // Namespaces cannot be deleted as a collection.
                    let verbs = if r.kind == "Namespace" {
                        "create,delete,get,list,patch,update,watch"
                    } else {
                        "create,delete,deletecollection,get,list,patch,update,watch"
                    };
                    let all = matches!(
                        r.kind,
                        "Pod"
                            | "Service"
                            | "DaemonSet"
                            | "Deployment"
                            | "ReplicaSet"
                            | "StatefulSet"
                    );
                    t.push_str(&format!("\t{verbs}\t{}", if all { "all" } else { "" }));
                }
                t.push('\n');
            }
            exec.out(TABLE.format(&t));
            0
        }
        other => {
            exec.err(format!("error: --output {other} is not available\n"));
            1
        }
    }
}
