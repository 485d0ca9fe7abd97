//! Reading manifests as kubectl does: YAML (several documents), the
//! client-side checks of apiVersion and kind, the mapping from kind to
//! resource, and the server's strict decoding with its error texts.

use super::object::Object;
use super::objects::wire::FromJson;
use serde::Deserialize;
use serde_json::Value;

/// Why one document could not become an object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocError {
    /// `apiVersion not set`, `kind not set`, or both.
    Missing(Vec<&'static str>),
    /// No resource for this kind and version.
    NoKindMatch {
        name: String,
        namespace: String,
        kind: String,
        version: String,
    },
    /// A kind Kubernetes has at this version, which this cluster does not simulate.
    NotSimulated {
        name: String,
        namespace: String,
        kind: String,
        version: String,
    },
    /// The server could not decode it (BadRequest): unknown fields, wrong types.
    Decode {
        kind: String,
        version: String,
        detail: String,
    },
    /// A custom resource its CRD's schema refuses (Invalid, with the
    /// name the server reports it under).
    Invalid {
        kind: String,
        name: String,
        causes: Vec<super::validation::FieldError>,
    },
}

/// A YAML syntax error, worded as go-yaml (a libyaml port) words it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub problem: String,
}

impl std::fmt::Display for YamlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "yaml: line {l}: {}", self.problem),
            None => write!(f, "yaml: {}", self.problem),
        }
    }
}

impl DocError {
    /// The message kubectl prints for this document of `source` (a file
    /// name, or `STDIN`), newline included.
    pub fn message(&self, source: &str) -> String {
        match self {
            DocError::Missing(what) => {
                let list = if what.len() == 1 {
                    what[0].to_string()
                } else {
                    format!("[{}]", what.join(", "))
                };
                format!("error: error validating \"{source}\": error validating data: {list}; if you choose to ignore these errors, turn validation off with --validate=false\n")
            }
            DocError::NoKindMatch {
                name,
                namespace,
                kind,
                version,
            } => format!("error: resource mapping not found for name: \"{name}\" namespace: \"{namespace}\" from \"{source}\": no matches for kind \"{kind}\" in version \"{version}\"\nensure CRDs are installed first\n"),
            DocError::NotSimulated {
                name,
                kind,
                version,
                ..
            } => format!(
                "error: {kind} (\"{version}\") is a Kubernetes kind this simulator does not model, so {kind} \"{name}\" from \"{source}\" was not created; the simulated kinds are {}\n",
                super::kinds::simulated_kinds()
            ),
            DocError::Decode {
                kind,
                version,
                detail,
            } => format!("Error from server (BadRequest): error when creating \"{source}\": {kind} in version \"{version}\" cannot be handled as a {kind}: {detail}\n"),
            DocError::Invalid { kind, name, causes } => {
                super::api_error::ApiError::invalid(kind, name, causes.clone())
                    .kubectl_message(None)
            }
        }
    }
}

/// One document of a manifest file: the line it starts on (1-based, in the
/// text given to [`parse`]), the document as kubectl sends it, and what it
/// decoded to.
#[derive(Debug, Clone, PartialEq)]
pub struct Doc {
    pub line: usize,
    pub raw: Value,
    pub result: Result<Object, DocError>,
}

/// The line each document of `text` starts on: its first line with
/// content after a `---` separator (or the start). A document of nothing
/// but comments and blank lines is empty, as YAML has it.
fn document_lines(text: &str) -> Vec<Option<usize>> {
    let mut out = vec![];
    let mut first: Option<usize> = None;
    let mut seen_separator_or_content = false;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_end();
        if t == "---" || t.starts_with("--- ") {
            if seen_separator_or_content {
                out.push(first.take());
            }
            seen_separator_or_content = true;
            continue;
        }
        let content = !t.trim_start().is_empty() && !t.trim_start().starts_with('#');
        if content && first.is_none() {
            first = Some(i + 1);
        }
        if content {
            seen_separator_or_content = true;
        }
    }
    if seen_separator_or_content {
        out.push(first);
    }
    out
}

/// Parses every document of a manifest. A YAML syntax error anywhere fails
/// the whole file, as in kubectl.
pub fn parse(text: &str) -> Result<Vec<Doc>, YamlError> {
    let text = within_yaml_depth(text);
    let mut values = vec![];
    for de in serde_norway::Deserializer::from_str(text) {
        match GoYaml::deserialize(de) {
            Ok(GoYaml(v)) => values.push(v),
            Err(e) => return Err(yaml_error(&e)),
        }
    }
    // The documents' lines, when the separators can be matched to them
    // one for one; otherwise each starts at line 1.
    let lines = document_lines(text);
    let lines: Vec<Option<usize>> = if lines.len() == values.len() {
        lines
    } else {
        vec![None; values.len()]
    };
    let mut docs = vec![];
    for (v, line) in values.into_iter().zip(lines) {
        if v.is_null() {
            continue;
        }
        let line = line.unwrap_or(1);
        // A `List` (what `kubectl get -o yaml` prints for several objects)
        // is applied item by item.
        if is_list(&v) {
            let items = v
                .get("items")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            for item in items.into_iter().filter(|i| !i.is_null()) {
                docs.push(Doc {
                    line,
                    raw: item.clone(),
                    result: decode(item),
                });
            }
            continue;
        }
        docs.push(Doc {
            line,
            raw: v.clone(),
            result: decode(v),
        });
    }
    Ok(docs)
}

/// Flow collections (`[`, `{`) nested this deep are refused by the YAML
/// reader long before (its recursion limit is 128).
const MAX_FLOW_DEPTH: usize = 1024;

/// `text`, or as much of it as the YAML reader can read before it refuses
/// the nesting: its scanner costs the square of the flow collections'
/// depth (20,000 levels took 2 s), and it reads the same events, so says
/// the same, up to there.
pub fn within_yaml_depth(text: &str) -> &str {
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        match c {
            '[' | '{' => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH {
                    return &text[..i];
                }
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    text
}

/// A YAML document read as kubectl's YAML-to-JSON step reads it: like
/// serde_json's own `Value`, except that an integer too large for 64 bits
/// becomes a float, as go-yaml resolves it (so `port: 99999999999999999999`
/// reaches the server as `1e+20`, not as a YAML error).
struct GoYaml(Value);

impl<'de> Deserialize<'de> for GoYaml {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(GoYamlVisitor).map(GoYaml)
    }
}

struct GoYamlVisitor;

impl<'de> serde::de::Visitor<'de> for GoYamlVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a YAML value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or_else(|_| Value::from(v as f64), Value::from))
    }

    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(u64::try_from(v).map_or_else(|_| Value::from(v as f64), Value::from))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        // NaN and the infinities have no JSON form; go-yaml's JSON step fails
        // on them too, and a manifest never needs them.
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(GoYamlVisitor)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = vec![];
        while let Some(GoYaml(v)) = seq.next_element()? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = serde_json::Map::new();
        while let Some((k, GoYaml(v))) = map.next_entry::<GoYaml, GoYaml>()? {
            // go-yaml turns non-string keys into their text (`80: x`).
            let key = match k.0 {
                Value::String(s) => s,
                other => other.to_string(),
            };
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
}

fn yaml_error(e: &serde_norway::Error) -> YamlError {
    let text = e.to_string();
    // serde_norway writes "PROBLEM at line L column C[, CONTEXT at line …]";
    // go-yaml (and so kubectl) writes "line N: PROBLEM".
    let problem = match text.find(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text.clone(),
    };
    let loc = e.location();
    // go-yaml reports the problem mark's 0-based line for parser errors and
    // adds one only for scanner errors: kubectl's well-known off-by-one.
    let parser_error = problem.starts_with("did not find expected key")
        || problem.starts_with("did not find expected node content")
        || problem.starts_with("did not find expected '-' indicator")
        || problem.starts_with("did not find expected ',' or");
    YamlError {
        line: loc.as_ref().map(|l| {
            if parser_error {
                l.line().saturating_sub(1).max(1)
            } else {
                l.line()
            }
        }),
        column: loc.as_ref().map(|l| l.column()),
        problem,
    }
}

fn str_field<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut cur = v;
    for p in path {
        cur = cur.get(*p)?;
    }
    cur.as_str()
}

/// Whether a document is a `v1` `List` (or a `…List` kind of a served
/// resource, as `kubectl get` of one kind prints with `-o json`).
fn is_list(v: &Value) -> bool {
    let kind = str_field(v, &["kind"]).unwrap_or("");
    let version = str_field(v, &["apiVersion"]).unwrap_or("");
    version == "v1" && kind == "List"
        || kind
            .strip_suffix("List")
            .is_some_and(|k| !k.is_empty() && super::kinds::served(version, k).is_some())
            && v.get("items").is_some_and(Value::is_array)
}

/// Client checks, kind mapping and strict decoding of one document.
pub fn decode(v: Value) -> Result<Object, DocError> {
    let api_version = str_field(&v, &["apiVersion"]).unwrap_or("").to_string();
    let kind = str_field(&v, &["kind"]).unwrap_or("").to_string();
    let mut missing = vec![];
    if api_version.is_empty() {
        missing.push("apiVersion not set");
    }
    if kind.is_empty() {
        missing.push("kind not set");
    }
    if !missing.is_empty() {
        return Err(DocError::Missing(missing));
    }
    let Some(info) = super::kinds::served(&api_version, &kind) else {
        let name = str_field(&v, &["metadata", "name"])
            .unwrap_or("")
            .to_string();
        let namespace = str_field(&v, &["metadata", "namespace"])
            .unwrap_or("")
            .to_string();
        return Err(if super::kinds::not_simulated(&api_version, &kind) {
            DocError::NotSimulated {
                name,
                namespace,
                kind,
                version: api_version,
            }
        } else {
            DocError::NoKindMatch {
                name,
                namespace,
                kind,
                version: api_version,
            }
        });
    };
    use super::objects as o;
    let root = info.kind;
    let v = without_server_fields(v);
    if super::kinds::is_unstructured(root) {
        return decode_unstructured(v, info, &api_version, &kind);
    }
    let object = match root {
        "Service" => strict::<o::Service>(v, root).map(Object::Service),
        "Pod" => strict::<o::Pod>(v, root).map(Object::Pod),
        "Deployment" => strict::<o::Deployment>(v, root).map(Object::Deployment),
        "ReplicaSet" => strict::<o::ReplicaSet>(v, root).map(Object::ReplicaSet),
        "StatefulSet" => strict::<o::StatefulSet>(v, root).map(Object::StatefulSet),
        "DaemonSet" => strict::<o::DaemonSet>(v, root).map(Object::DaemonSet),
        "Endpoints" => strict::<o::Endpoints>(v, root).map(Object::Endpoints),
        "EndpointSlice" => strict::<o::EndpointSlice>(v, root).map(Object::EndpointSlice),
        "ConfigMap" => strict::<o::ConfigMap>(v, root).map(Object::ConfigMap),
        "Secret" => strict::<o::Secret>(v, root)
            .and_then(|s| secret_data_decodes(&s).map(|()| s))
            .map(Object::Secret),
        "Namespace" => strict::<o::Namespace>(v, root).map(Object::Namespace),
        _ => Err(format!("no decoder for kind {root}")),
    };
    object.map_err(|detail| DocError::Decode {
        kind: kind.clone(),
        // The server names the version without its group: `Deployment in version "v1"`.
        version: info.version.to_string(),
        detail,
    })
}

/// A kind kept as JSON: its metadata decoded as every kind's, the rest
/// checked against its table.
fn decode_unstructured(
    v: Value,
    info: &'static super::kinds::ResourceInfo,
    api_version: &str,
    kind: &str,
) -> Result<Object, DocError> {
    let decode_error = |detail: String| DocError::Decode {
        kind: kind.to_string(),
        version: api_version
            .rsplit_once('/')
            .map_or(api_version, |(_, v)| v)
            .to_string(),
        detail,
    };
    let Value::Object(mut m) = v else {
        return Err(decode_error("expected an object".into()));
    };
    m.remove("apiVersion");
    m.remove("kind");
    let meta = m.remove("metadata").unwrap_or(Value::Null);
    let metadata: super::objects::ObjectMeta = if meta.is_null() {
        Default::default()
    } else {
        super::objects::wire::decode_metadata(without_nulls(meta), info.kind)
            .map_err(decode_error)?
    };
    let name = metadata.name.clone();
    match super::schema::decode(info.kind, api_version, metadata, m) {
        Ok(u) => Ok(Object::Unstructured(u)),
        Err(super::schema::SchemaError::Decode(d)) => Err(decode_error(d)),
        Err(super::schema::SchemaError::Invalid(causes)) => Err(DocError::Invalid {
            kind: kind.to_string(),
            name,
            causes,
        }),
    }
}

/// What a manifest may carry that the server writes itself and ignores on
/// a create or an update: the status (a subresource of its own), managed
/// fields, the generation. `kubectl get -o yaml` prints them, and applying
/// what it printed is allowed.
fn without_server_fields(mut v: Value) -> Value {
    if let Some(root) = v.as_object_mut() {
        root.remove("status");
        if let Some(meta) = root.get_mut("metadata").and_then(Value::as_object_mut) {
            for field in ["managedFields", "generation", "selfLink"] {
                meta.remove(field);
            }
        }
    }
    v
}

/// A Secret's `data` is `map[string][]byte`: each value must be base64,
/// or Go's decoder stops at the first bad byte.
fn secret_data_decodes(s: &super::objects::Secret) -> Result<(), String> {
    for value in s.data.values() {
        if let Err(at) = crate::encoding::base64_decode(value.as_bytes()) {
            return Err(format!("illegal base64 data at input byte {at}"));
        }
    }
    Ok(())
}

/// Go's encoding/json leaves a field alone when the JSON says `null`: an
/// empty `ports:` or `labels:` in YAML is as good as no key at all (and the
/// API server's validation then says what is missing).
fn without_nulls(v: Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

/// The server's strict decoding of a built-in kind (see
/// [`super::objects::wire`]).
fn strict<T: FromJson>(v: Value, root: &str) -> Result<T, String> {
    super::objects::wire::decode_object(without_nulls(v), root)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Read only as deep as the reader goes, a deeply nested document says
    /// what it says whole, in a fraction of the time.
    #[test]
    fn deep_flow_collections_say_what_they_say_whole() {
        for (open, close) in [("[", "]"), ("{a: ", "}")] {
            let deep = format!("{}1{}", open.repeat(3000), close.repeat(3000));
            assert!(within_yaml_depth(&deep).len() < deep.len());
            let whole: Result<serde_json::Value, _> = serde_norway::from_str(&deep);
            let cut = parse(&deep).map(|_| ()).unwrap_err();
            assert_eq!(cut, yaml_error(&whole.unwrap_err()));
        }
        let fine = "a: [[1], {b: [2]}]\n";
        assert_eq!(within_yaml_depth(fine), fine);
    }

    #[test]
    fn unknown_fields_name_their_path() {
        let docs = parse(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n  - port: 80\n    nodeport: 30008\n",
        )
        .unwrap();
        match &docs[0].result {
            Err(DocError::Decode { detail, .. }) => {
                assert_eq!(
                    detail,
                    "strict decoding error: unknown field \"spec.ports[0].nodeport\""
                )
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn type_errors_read_like_go_json() {
        let docs = parse("apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n  - port: \"80\"\n").unwrap();
        match &docs[0].result {
            Err(DocError::Decode { detail, .. }) => assert_eq!(
                detail,
                "json: cannot unmarshal string into Go struct field ServicePort.spec.ports.port of type int32"
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn numbers_read_as_go_reads_them() {
        let detail = |yaml: &str| match &parse(yaml).unwrap()[0].result {
            Err(DocError::Decode { detail, .. }) => detail.clone(),
            other => panic!("{other:?}"),
        };
        let svc = |port: &str| {
            format!("apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n  - port: {port}\n")
        };
        assert_eq!(
            detail(&svc("99999999999999999999999")),
            "json: cannot unmarshal number 1e+23 into Go struct field ServicePort.spec.ports.port of type int32"
        );
        assert_eq!(
            detail(&svc("80.5")),
            "json: cannot unmarshal number 80.5 into Go struct field ServicePort.spec.ports.port of type int32"
        );
        assert_eq!(
            detail(&svc("99999999999")),
            "json: cannot unmarshal number 99999999999 into Go struct field ServicePort.spec.ports.port of type int32"
        );
    }

    #[test]
    fn a_number_where_a_string_belongs_is_just_number() {
        let detail = |yaml: &str| match &parse(yaml).unwrap()[0].result {
            Err(DocError::Decode { detail, .. }) => detail.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            detail("apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  selector:\n    version: 1\n  ports:\n  - port: 80\n"),
            "json: cannot unmarshal number into Go struct field ServiceSpec.spec.selector of type string"
        );
    }

    #[test]
    fn decode_errors_find_their_field() {
        let detail = |yaml: &str| match &parse(yaml).unwrap()[0].result {
            Err(DocError::Decode { detail, .. }) => detail.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            detail("apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  labes: {a: b}\n"),
            "strict decoding error: unknown field \"metadata.labes\""
        );
        assert_eq!(
            detail("apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  selector: {app: web}\n  ports:\n  - port: 80\n  - port: 81\n    nodePort: \"30008\"\n"),
            "json: cannot unmarshal string into Go struct field ServicePort.spec.ports.nodePort of type int32"
        );
        assert_eq!(
            detail("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  replicas: three\n"),
            "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32"
        );
    }

    #[test]
    fn kind_and_version_are_checked() {
        let docs =
            parse("apiVersion: v1\nkind: service\nmetadata:\n  name: s\n---\nkind: Service\n")
                .unwrap();
        assert!(
            matches!(&docs[0].result, Err(DocError::NoKindMatch { kind, .. }) if kind == "service")
        );
        assert_eq!(
            docs[1].result,
            Err(DocError::Missing(vec!["apiVersion not set"]))
        );
    }

    #[test]
    fn yaml_syntax_errors_have_a_line() {
        let e =
            parse("apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n spec: x\n").unwrap_err();
        assert!(e.line.is_some(), "{e:?}");
        assert!(e.to_string().starts_with("yaml: line "), "{e}");
    }

    #[test]
    fn parser_errors_use_go_yamls_line() {
        // The bad indentation is on line 8; go-yaml says line 7.
        let e = parse("apiVersion: v1\nkind: Service\nmetadata:\n  name: bad\nspec:\n  ports:\n  - port: 80\n   nodePort: 3\n").unwrap_err();
        assert_eq!(e.to_string(), "yaml: line 7: did not find expected key");
        // A scanner error keeps its own line.
        let e = parse("a: b: c\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "yaml: line 1: mapping values are not allowed in this context"
        );
    }

    #[test]
    fn several_documents() {
        let docs = parse("---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx\n").unwrap();
        assert_eq!(docs.len(), 2);
        assert!(docs.iter().all(|d| d.result.is_ok()));
    }
}
