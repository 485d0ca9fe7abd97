//! The typed API object: one value of whichever kind a manifest, a
//! generator command or a controller made, as the API server stores it.

use super::objects::*;
use serde_json::Value;

/// A typed object from a manifest or a generator command.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)] // short-lived values; boxing buys nothing here
pub enum Object {
    Service(Service),
    Pod(Pod),
    Deployment(Deployment),
    ReplicaSet(ReplicaSet),
    StatefulSet(StatefulSet),
    DaemonSet(DaemonSet),
    Endpoints(Endpoints),
    EndpointSlice(EndpointSlice),
    ConfigMap(ConfigMap),
    Secret(Secret),
    Namespace(Namespace),
    /// NetworkPolicy, kept as JSON.
    Unstructured(Unstructured),
}

/// Applies `$body` to the object inside whichever variant it is.
macro_rules! each {
    ($obj:expr, $o:ident => $body:expr) => {
        match $obj {
            Object::Service($o) => $body,
            Object::Pod($o) => $body,
            Object::Deployment($o) => $body,
            Object::ReplicaSet($o) => $body,
            Object::StatefulSet($o) => $body,
            Object::DaemonSet($o) => $body,
            Object::Endpoints($o) => $body,
            Object::EndpointSlice($o) => $body,
            Object::ConfigMap($o) => $body,
            Object::Secret($o) => $body,
            Object::Namespace($o) => $body,
            Object::Unstructured($o) => $body,
        }
    };
}

impl Object {
    pub fn meta(&self) -> &ObjectMeta {
        each!(self, o => &o.metadata)
    }

    pub fn meta_mut(&mut self) -> &mut ObjectMeta {
        each!(self, o => &mut o.metadata)
    }

    /// `Service`, `Pod`, …
    pub fn kind(&self) -> &'static str {
        match self {
            Object::Service(_) => "Service",
            Object::Pod(_) => "Pod",
            Object::Deployment(_) => "Deployment",
            Object::ReplicaSet(_) => "ReplicaSet",
            Object::StatefulSet(_) => "StatefulSet",
            Object::DaemonSet(_) => "DaemonSet",
            Object::Endpoints(_) => "Endpoints",
            Object::EndpointSlice(_) => "EndpointSlice",
            Object::ConfigMap(_) => "ConfigMap",
            Object::Secret(_) => "Secret",
            Object::Namespace(_) => "Namespace",
            Object::Unstructured(o) => o.kind,
        }
    }

    fn info(&self) -> &'static super::kinds::ResourceInfo {
        super::kinds::info(self.kind()).expect("every Object kind is served")
    }

    /// `v1`, `apps/v1`, `discovery.k8s.io/v1`.
    pub fn api_version(&self) -> String {
        self.info().api_version()
    }

    /// The resource as kubectl names it in `service/x created`:
    /// `deployment.apps`, `endpointslice.discovery.k8s.io`.
    pub fn resource(&self) -> String {
        let info = self.info();
        let singular = self.kind().to_ascii_lowercase();
        if info.group.is_empty() {
            singular
        } else {
            format!("{singular}.{}", info.group)
        }
    }

    /// The plural used in API errors: `services "x" not found`,
    /// `deployments.apps "x" not found`.
    pub fn plural(&self) -> String {
        let info = self.info();
        if info.group.is_empty() {
            info.name.to_string()
        } else {
            format!("{}.{}", info.name, info.group)
        }
    }

    pub fn namespaced(&self) -> bool {
        self.info().namespaced
    }

    /// What `kubectl apply` says of a manifest without a name.
    pub fn missing_name_message(&self, source: &str) -> String {
        let ns = self
            .meta()
            .namespace
            .clone()
            .unwrap_or_else(|| "default".into());
        // `/v1, Resource=services`, `apps/v1, Resource=deployments`.
        let version = self.api_version();
        let gv = if version.contains('/') {
            version
        } else {
            format!("/{version}")
        };
        let plural = self.plural();
        let resource = plural.split('.').next().unwrap_or_default();
        let kind = self.kind();
        format!("error: error when retrieving current configuration of:\nResource: \"{gv}, Resource={resource}\", GroupVersionKind: \"{gv}, Kind={kind}\"\nName: \"\", Namespace: \"{ns}\"\nfrom server for: \"{source}\": resource name may not be empty\n")
    }

    /// The object as the API returns it (JSON).
    pub fn to_value(&self) -> Value {
        each!(self, o => serde_json::to_value(o)).unwrap_or(Value::Null)
    }

    /// The bytes of its JSON, counted without building it; `None` past `limit`.
    pub fn encoded_len(&self, limit: usize) -> Option<usize> {
        each!(self, o => super::patch::json_len(o, limit))
    }
}
