//! A failed API call, as the API server answers it (a `metav1.Status`:
//! its reason, message and field causes) and as kubectl prints it.

use super::validation::FieldError;
use serde_json::{Map, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    BadRequest,
    Invalid,
    NotFound,
    AlreadyExists,
    Forbidden,
    Conflict,
    InternalError,
    /// A storage error the server passes on as it is (`etcdserver: …`).
    Unknown,
}

impl Reason {
    pub fn name(self) -> &'static str {
        match self {
            Reason::Unknown => "",
            Reason::BadRequest => "BadRequest",
            Reason::Invalid => "Invalid",
            Reason::NotFound => "NotFound",
            Reason::AlreadyExists => "AlreadyExists",
            Reason::Forbidden => "Forbidden",
            Reason::Conflict => "Conflict",
            Reason::InternalError => "InternalError",
        }
    }
}

/// A failed API call, as a `metav1.Status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub reason: Reason,
    /// The status message, e.g. `services "x" not found`.
    pub message: String,
    /// `Service`, for Invalid errors.
    pub kind: String,
    pub name: String,
    /// Field causes, for Invalid errors.
    pub causes: Vec<FieldError>,
    /// For a failed `kubectl apply` patch: the patch, as kubectl quotes it.
    pub patch: Option<Box<str>>,
}

impl ApiError {
    pub fn not_found(plural: &str, name: &str) -> Self {
        ApiError {
            reason: Reason::NotFound,
            message: format!("{plural} \"{name}\" not found"),
            kind: String::new(),
            name: name.into(),
            causes: vec![],
            patch: None,
        }
    }

    /// A write that named an older resourceVersion than the stored one
    /// (`409 Conflict`), as kubectl apply reports it with its patch.
    pub fn conflict(plural: &str, name: &str, patch: &Value) -> Self {
        ApiError {
            reason: Reason::Conflict,
            message: format!("Operation cannot be fulfilled on {plural} \"{name}\": the object has been modified; please apply your changes to the latest version and try again"),
            kind: String::new(),
            name: name.into(),
            causes: vec![],
            patch: None,
        }
        .with_patch(patch)
    }

    fn with_patch(mut self, patch: &Value) -> Self {
        self.patch = Some(sorted(patch.clone()).to_string().into());
        self
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        ApiError {
            reason: Reason::BadRequest,
            message: message.into(),
            kind: String::new(),
            name: String::new(),
            causes: vec![],
            patch: None,
        }
    }

    pub fn already_exists(plural: &str, name: &str) -> Self {
        ApiError {
            reason: Reason::AlreadyExists,
            message: format!("{plural} \"{name}\" already exists"),
            kind: String::new(),
            name: name.into(),
            causes: vec![],
            patch: None,
        }
    }

    pub fn invalid(kind: &str, name: &str, causes: Vec<FieldError>) -> Self {
        let message = match causes.as_slice() {
            [one] => format!("{kind} \"{name}\" is invalid: {one}"),
            many => format!(
                "{kind} \"{name}\" is invalid: [{}]",
                many.iter()
                    .map(|c| c.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        ApiError {
            reason: Reason::Invalid,
            message,
            kind: kind.into(),
            name: name.into(),
            causes,
            patch: None,
        }
    }
}

impl ApiError {
    /// What kubectl prints for it (`checkErr`): the Invalid causes one per
    /// line, or `Error from server (REASON): [error when VERB "FILE": ]MESSAGE`.
    pub fn kubectl_message(&self, source: Option<(&str, &str)>) -> String {
        match self.reason {
            Reason::Invalid if !self.causes.is_empty() => {
                if self.causes.len() == 1 {
                    format!(
                        "The {} \"{}\" is invalid: {}\n",
                        self.kind, self.name, self.causes[0]
                    )
                } else {
                    let mut seen = vec![];
                    let mut s = format!("The {} \"{}\" is invalid: \n", self.kind, self.name);
                    for c in &self.causes {
                        let line = c.to_string();
                        if !seen.contains(&line) {
                            s.push_str(&format!("* {line}\n"));
                            seen.push(line);
                        }
                    }
                    s
                }
            }
            _ => {
                // `Error from server (REASON): …`, or without a reason.
                let reason = match self.reason.name() {
                    "" => String::new(),
                    name => format!(" ({name})"),
                };
                match source {
                    Some((verb, file)) => format!(
                        "Error from server{reason}: error when {verb} \"{file}\": {}\n",
                        self.message
                    ),
                    None => format!("Error from server{reason}: {}\n", self.message),
                }
            }
        }
    }
}

/// Recursively sorts object keys, as Go's JSON encoding of maps does.
pub fn sorted(v: Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut entries: Vec<(String, Value)> = m.into_iter().collect();
            crate::sort::sort_by(&mut entries, |a, b| a.0.cmp(&b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, sorted(v)))
                    .collect::<Map<_, _>>(),
            )
        }
        Value::Array(a) => Value::Array(a.into_iter().map(sorted).collect()),
        other => other,
    }
}
