//! What the API server does with a write, in its order: decoding (in
//! [`super::manifest`]), defaulting, allocation ([`super::allocation`]),
//! validation ([`super::admission`]), storage. Errors carry the status
//! reason and the field causes that kubectl prints.

pub use super::api_error::{sorted, ApiError, Reason};
pub use super::object::Object;
use super::objects::*;
use super::validation::FieldError;
use super::{Cluster, Key};
use serde_json::{Map, Value};

/// The annotation `kubectl apply` keeps its last manifest in.
pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    Created,
    Configured,
    Unchanged,
}

/// `SetDefaults_Service`.
pub fn default_service(svc: &mut Service) {
    let spec = &mut svc.spec;
    if spec.type_.as_deref().unwrap_or("").is_empty() {
        spec.type_ = Some("ClusterIP".into());
    }
    match spec.session_affinity.as_deref().unwrap_or("") {
        "" | "None" => {
            spec.session_affinity = Some("None".into());
            spec.session_affinity_config = None;
        }
        "ClientIP" => {
            let cfg = spec
                .session_affinity_config
                .get_or_insert_with(Default::default);
            let ip = cfg.client_ip.get_or_insert_with(Default::default);
            if ip.timeout_seconds.is_none() {
                ip.timeout_seconds = Some(10800);
            }
        }
        _ => {}
    }
    for p in &mut spec.ports {
        if p.protocol.as_deref().unwrap_or("").is_empty() {
            p.protocol = Some("TCP".into());
        }
        let empty = match &p.target_port {
            None => true,
            Some(IntOrString::Int(0)) => true,
            Some(IntOrString::Str(s)) => s.is_empty(),
            _ => false,
        };
        if empty {
            p.target_port = Some(IntOrString::Int(p.port));
        }
    }
    let ty = spec.type_.clone().unwrap_or_default();
    let external = ty == "NodePort" || ty == "LoadBalancer" || !spec.external_ips.is_empty();
    if external
        && spec
            .external_traffic_policy
            .as_deref()
            .unwrap_or("")
            .is_empty()
    {
        spec.external_traffic_policy = Some("Cluster".into());
    }
    if spec.internal_traffic_policy.is_none() && ty != "ExternalName" {
        spec.internal_traffic_policy = Some("Cluster".into());
    }
    if ty == "LoadBalancer" && spec.allocate_load_balancer_node_ports.is_none() {
        spec.allocate_load_balancer_node_ports = Some(true);
    }
    if ty != "ExternalName" {
        if spec.ip_families.is_empty() {
            spec.ip_families = vec!["IPv4".into()];
        }
        if spec.ip_family_policy.is_none() {
            spec.ip_family_policy = Some("SingleStack".into());
        }
    }
}

impl Cluster {
    fn check_namespace(&self, ns: &str) -> Result<(), ApiError> {
        if self.namespaces.contains_key(ns) {
            Ok(())
        } else {
            Err(ApiError::not_found("namespaces", ns))
        }
    }

    /// The stored object of `obj`'s kind at `key`.
    fn stored(&self, obj: &Object, key: &Key) -> Option<Object> {
        Some(match obj {
            Object::Service(_) => Object::Service(self.services.get(key)?.clone()),
            Object::Pod(_) => Object::Pod(self.pods.get(key)?.clone()),
            Object::Deployment(_) => Object::Deployment(self.deployments.get(key)?.clone()),
            Object::ReplicaSet(_) => Object::ReplicaSet(self.replicasets.get(key)?.clone()),
            Object::StatefulSet(_) => Object::StatefulSet(self.statefulsets.get(key)?.clone()),
            Object::DaemonSet(_) => Object::DaemonSet(self.daemonsets.get(key)?.clone()),
            Object::Endpoints(_) => Object::Endpoints(self.endpoints.get(key)?.clone()),
            Object::EndpointSlice(_) => {
                Object::EndpointSlice(self.endpoint_slices.get(key)?.clone())
            }
            Object::ConfigMap(_) => Object::ConfigMap(self.configmaps.get(key)?.clone()),
            Object::Secret(_) => Object::Secret(self.secrets.get(key)?.clone()),
            Object::Namespace(_) => Object::Namespace(self.namespaces.get(&key.1)?.clone()),
            Object::Unstructured(o) => Object::Unstructured(
                self.objects
                    .get(&(o.kind, key.0.clone(), key.1.clone()))?
                    .clone(),
            ),
        })
    }

    fn store(&mut self, obj: Object, key: Key) {
        self.written_from_outside(obj.kind(), Some(&key));
        match obj {
            Object::Service(o) => drop(self.services.insert(key, o)),
            Object::Pod(o) => drop(self.pods.insert(key, o)),
            Object::Deployment(o) => drop(self.deployments.insert(key, o)),
            Object::ReplicaSet(o) => drop(self.replicasets.insert(key, o)),
            Object::StatefulSet(o) => drop(self.statefulsets.insert(key, o)),
            Object::DaemonSet(o) => drop(self.daemonsets.insert(key, o)),
            Object::Endpoints(o) => drop(self.endpoints.insert(key, o)),
            Object::EndpointSlice(o) => drop(self.endpoint_slices.insert(key, o)),
            Object::ConfigMap(o) => drop(self.configmaps.insert(key, o)),
            Object::Secret(o) => drop(self.secrets.insert(key, o)),
            Object::Namespace(o) => drop(self.namespaces.insert(key.1, o)),
            Object::Unstructured(o) => drop(self.objects.insert((o.kind, key.0, key.1), o)),
        }
    }

    /// `(namespace, name)` of an object, `""` namespace for cluster-scoped ones.
    fn key_of(obj: &Object) -> Key {
        let ns = if obj.namespaced() {
            obj.meta()
                .namespace
                .clone()
                .unwrap_or_else(|| "default".into())
        } else {
            String::new()
        };
        (ns, obj.meta().name.clone())
    }

    /// Creates an object (`kubectl create`, and `apply` of a new one).
    pub fn create(&mut self, mut obj: Object, now: i64) -> Result<(), ApiError> {
        if obj.namespaced() {
            let (ns, _) = Self::key_of(&obj);
            self.check_namespace(&ns)?;
            obj.meta_mut().namespace = Some(ns);
        } else {
            obj.meta_mut().namespace = None;
        }
        if obj.meta().name.is_empty() {
            if let Some(prefix) = obj.meta().generate_name.clone().filter(|p| !p.is_empty()) {
                let ns = Self::key_of(&obj).0;
                let mut name;
                loop {
                    name = format!("{prefix}{}", self.random_suffix());
                    let probe = (ns.clone(), name.clone());
                    if self.stored(&obj, &probe).is_none() {
                        break;
                    }
                }
                obj.meta_mut().name = name;
            }
        }
        let key = Self::key_of(&obj);
        if self.stored(&obj, &key).is_some() {
            return Err(ApiError::already_exists(&obj.plural(), &key.1));
        }
        self.admit(&mut obj, &key, None)?;
        self.check_capacity(&obj, &key, true)?;
        let mut meta = std::mem::take(obj.meta_mut());
        self.stamp(&mut meta, now);
        *obj.meta_mut() = meta;
        self.store(obj, key);
        self.reconcile(now);
        Ok(())
    }

    /// Whether `obj` exists without `last-applied-configuration` (made by
    /// `create`, `expose` or `run`): `kubectl apply` warns, then adds it.
    pub fn lacks_last_applied(&self, obj: &Object) -> bool {
        let key = Self::key_of(obj);
        self.stored(obj, &key)
            .is_some_and(|old| !old.meta().annotations.contains_key(LAST_APPLIED))
    }

    /// `kubectl apply` of an object decoded from a manifest: its
    /// `last-applied-configuration` is `manifest` itself (as kubectl sends
    /// it), and a new object is created. An existing one gets kubectl's
    /// three-way patch ([`super::threeway`]: last applied, the manifest,
    /// the live object) as a strategic merge patch, which the server applies
    /// as any update (its status and identity are the server's); an empty
    /// patch changes nothing (`unchanged`). A manifest that names a
    /// resourceVersion (as `kubectl get -o yaml` printed it) must name the
    /// live one, or the update conflicts.
    pub fn apply_manifest(
        &mut self,
        mut obj: Object,
        manifest: &Value,
        now: i64,
    ) -> Result<Applied, ApiError> {
        let (ns, name) = Self::key_of(&obj);
        let namespace = obj.namespaced().then_some(ns.as_str());
        let last = last_applied(manifest, namespace);
        obj.meta_mut()
            .annotations
            .insert(LAST_APPLIED.into(), last.clone());
        let key = (ns.clone(), name);
        let Some(old) = self.stored(&obj, &key) else {
            self.create(obj, now)?;
            return Ok(Applied::Created);
        };
        let modified = with_last_applied(manifest, &last, namespace);
        let original: Value = old
            .meta()
            .annotations
            .get(LAST_APPLIED)
            .and_then(|text| serde_json::from_str(text).ok())
            .unwrap_or(Value::Null);
        let current = old.to_value();
        let patch = super::threeway::three_way(&original, &modified, &current);
        if super::threeway::is_empty(&patch) {
            return Ok(Applied::Unchanged);
        }
        let wanted_version = patch
            .pointer("/metadata/resourceVersion")
            .and_then(Value::as_str);
        if wanted_version.is_some_and(|v| Some(v) != old.meta().resource_version.as_deref()) {
            return Err(ApiError::conflict(&old.plural(), &key.1, &patch));
        }
        let patched = super::patch::strategic_merge(&current, &server_side(patch))
            .map_err(ApiError::bad_request)?;
        let next = super::manifest::decode(patched).map_err(|e| match e {
            super::manifest::DocError::Decode { detail, .. } => ApiError::bad_request(detail),
            super::manifest::DocError::Invalid { kind, name, causes } => {
                ApiError::invalid(&kind, &name, causes)
            }
            other => ApiError::bad_request(format!("{other:?}")),
        })?;
        self.update(next, now)?;
        Ok(Applied::Configured)
    }

    /// An update of a stored object (what `kubectl patch` and `kubectl edit`
    /// send): admission, the server's fields kept, stored. `Ok(false)` when
    /// the result is what was stored (`patched (no change)`). A pod's spec
    /// may change only in its containers' images, as the API server allows.
    pub fn update(&mut self, obj: Object, now: i64) -> Result<bool, ApiError> {
        let key = Self::key_of(&obj);
        let Some(old) = self.stored(&obj, &key) else {
            return Err(ApiError::not_found(&obj.plural(), &key.1));
        };
        let mut next = obj;
        if let (Object::Pod(n), Object::Pod(o)) = (&next, &old) {
            let mut allowed = o.spec.clone();
            for (a, b) in allowed.containers.iter_mut().zip(&n.spec.containers) {
                a.image = b.image.clone();
            }
            if allowed != n.spec {
                return Err(ApiError::invalid(
                    "Pod",
                    &key.1,
                    vec![FieldError::forbidden(
                        "spec",
                        "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
                    )],
                ));
            }
        }
        self.admit(&mut next, &key, Some(&old))?;
        self.check_capacity(&next, &key, false)?;
        keep_identity(next.meta_mut(), old.meta());
        if next.meta().owner_references.is_empty() {
            next.meta_mut().owner_references = old.meta().owner_references.clone();
        }
        let image_change = match (&next, &old) {
            (Object::Pod(n), Object::Pod(o)) => {
                let changed: Vec<usize> = n
                    .spec
                    .containers
                    .iter()
                    .zip(&o.spec.containers)
                    .enumerate()
                    .filter(|(_, (a, b))| a.image != b.image)
                    .map(|(i, _)| i)
                    .collect();
                let mut kept = o.clone();
                kept.metadata = n.metadata.clone();
                kept.spec = n.spec.clone();
                next = Object::Pod(kept);
                changed
            }
            _ => {
                merge_server_fields(&mut next, &old);
                vec![]
            }
        };
        if next == old {
            return Ok(false);
        }
        let mut meta = std::mem::take(next.meta_mut());
        self.bump(&mut meta);
        *next.meta_mut() = meta;
        self.store(next, key.clone());
        // A new image for a running container: its kubelet kills it and
        // starts the new one when it next looks (the reconcile below).
        self.memo
            .changed_images
            .extend(image_change.into_iter().map(|i| (key.clone(), i)));
        self.reconcile(now);
        Ok(true)
    }

    /// `kubectl apply` of an object built in code: its manifest is the
    /// object as written (without status).
    pub fn apply(&mut self, obj: Object, now: i64) -> Result<Applied, ApiError> {
        let mut manifest = obj.to_value();
        if let Value::Object(m) = &mut manifest {
            m.remove("status");
        }
        self.apply_manifest(obj, &manifest, now)
    }

    /// `kubectl scale`: a workload's replicas, as an update through
    /// admission (validation and servicelab's capacity).
    pub fn scale(
        &mut self,
        plural: &str,
        key: &Key,
        replicas: i32,
        now: i64,
    ) -> Result<(), ApiError> {
        let stored = match plural {
            "deployments.apps" => self.deployments.get(key).cloned().map(Object::Deployment),
            "replicasets.apps" => self.replicasets.get(key).cloned().map(Object::ReplicaSet),
            "statefulsets.apps" => self.statefulsets.get(key).cloned().map(Object::StatefulSet),
            _ => None,
        };
        let Some(old) = stored else {
            return Err(ApiError::not_found(plural, &key.1));
        };
        let mut next = old.clone();
        match &mut next {
            Object::Deployment(d) => d.spec.replicas = Some(replicas),
            Object::ReplicaSet(rs) => rs.spec.replicas = Some(replicas),
            Object::StatefulSet(sts) => sts.spec.replicas = Some(replicas),
            _ => {}
        }
        self.admit(&mut next, key, Some(&old))?;
        self.check_capacity(&next, key, false)?;
        let mut meta = std::mem::take(next.meta_mut());
        self.bump(&mut meta);
        *next.meta_mut() = meta;
        self.store(next, key.clone());
        self.reconcile(now);
        Ok(())
    }

    /// Deletes by resource plural (`services`, `deployments.apps`, …).
    pub fn delete(&mut self, plural: &str, ns: &str, name: &str, now: i64) -> Result<(), ApiError> {
        let key = (ns.to_string(), name.to_string());
        // A Service and its Endpoints, or a namespace's all: the endpoint
        // controllers look at everything again, the scheduler at every pod.
        self.written_from_outside("Endpoints", None);
        self.memo.pods_deleted += 1;
        let found = match plural {
            "services" => {
                if ns == "default" && name == "kubernetes" {
                    // The apiserver recreates it at once.
                    true
                } else {
                    let found = self.services.remove(&key).is_some();
                    if found {
                        // The Endpoints controller deletes a deleted Service's Endpoints.
                        self.endpoints.remove(&key);
                    }
                    found
                }
            }
            "pods" => {
                let found = self.pods.contains_key(&key);
                super::controllers::delete_pod(self, &key, now, "kubectl");
                found
            }
            "deployments.apps" => self.deployments.remove(&key).is_some(),
            "replicasets.apps" => self.replicasets.remove(&key).is_some(),
            "statefulsets.apps" => self.statefulsets.remove(&key).is_some(),
            "daemonsets.apps" => self.daemonsets.remove(&key).is_some(),
            "endpoints" => self.endpoints.remove(&key).is_some(),
            "endpointslices.discovery.k8s.io" => self.endpoint_slices.remove(&key).is_some(),
            "configmaps" => self.configmaps.remove(&key).is_some(),
            "secrets" => self.secrets.remove(&key).is_some(),
            other if unstructured_kind(other).is_some() => {
                let kind = unstructured_kind(other).unwrap_or_default();
                // A cluster-scoped kind (IngressClass, GatewayClass) is
                // stored without a namespace.
                let ns = match super::kinds::info(kind) {
                    Some(i) if !i.namespaced => String::new(),
                    _ => key.0.clone(),
                };
                self.objects.remove(&(kind, ns, key.1.clone())).is_some()
            }
            "namespaces" => {
                if matches!(
                    name,
                    "default" | "kube-system" | "kube-public" | "kube-node-lease"
                ) {
                    return Err(ApiError {
                        reason: Reason::Invalid,
                        message: format!(
                            "namespaces \"{name}\" is forbidden: this namespace may not be deleted"
                        ),
                        kind: String::new(),
                        name: name.into(),
                        causes: vec![],
                        patch: None,
                    });
                }
                let existed = self.namespaces.remove(name).is_some();
                if existed {
                    self.pods.retain(|k, _| k.0 != name);
                    self.services.retain(|k, _| k.0 != name);
                    self.deployments.retain(|k, _| k.0 != name);
                    self.replicasets.retain(|k, _| k.0 != name);
                    self.statefulsets.retain(|k, _| k.0 != name);
                    self.daemonsets.retain(|k, _| k.0 != name);
                    self.endpoints.retain(|k, _| k.0 != name);
                    self.endpoint_slices.retain(|k, _| k.0 != name);
                    self.configmaps.retain(|k, _| k.0 != name);
                    self.secrets.retain(|k, _| k.0 != name);
                    self.objects.retain(|k, _| k.1 != name);
                }
                existed
            }
            _ => false,
        };
        if !found {
            return Err(ApiError::not_found(plural, name));
        }
        self.changed();
        self.reconcile(now);
        Ok(())
    }
}

/// The kind kept as JSON behind a resource's plural (`networkpolicies.networking.k8s.io`).
fn unstructured_kind(plural: &str) -> Option<&'static str> {
    let (name, group) = plural.split_once('.').unwrap_or((plural, ""));
    super::kinds::SERVED
        .iter()
        .chain(super::kinds::GATEWAY_API)
        .find(|r| r.name == name && r.group == group && super::kinds::is_unstructured(r.kind))
        .map(|r| r.kind)
}

/// The manifest as kubectl sends it for a three-way patch: with its own
/// `last-applied-configuration` and the namespace it applies to.
fn with_last_applied(manifest: &Value, last: &str, namespace: Option<&str>) -> Value {
    let mut m = manifest.clone();
    if let Some(root) = m.as_object_mut() {
        let meta = root
            .entry("metadata")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(meta) = meta.as_object_mut() {
            if let Some(ns) = namespace {
                meta.entry("namespace")
                    .or_insert_with(|| Value::String(ns.to_string()));
            }
            let ann = meta
                .entry("annotations")
                .or_insert_with(|| Value::Object(Map::new()));
            if !ann.is_object() {
                *ann = Value::Object(Map::new());
            }
            if let Some(ann) = ann.as_object_mut() {
                ann.insert(LAST_APPLIED.into(), Value::String(last.to_string()));
            }
        }
    }
    m
}

/// What of an apply patch the server takes through the main resource: not
/// the status (a subresource of its own), nor the fields only it sets.
fn server_side(mut patch: Value) -> Value {
    if let Some(root) = patch.as_object_mut() {
        root.remove("status");
        if let Some(meta) = root.get_mut("metadata").and_then(Value::as_object_mut) {
            for field in [
                "managedFields",
                "resourceVersion",
                "uid",
                "creationTimestamp",
                "generation",
                "selfLink",
            ] {
                meta.remove(field);
            }
        }
    }
    patch
}

fn keep_identity(new: &mut ObjectMeta, old: &ObjectMeta) {
    new.uid = old.uid.clone();
    new.creation_timestamp = old.creation_timestamp.clone();
    new.created_ms = old.created_ms;
    new.created_seq = old.created_seq;
    new.resource_version = old.resource_version.clone();
    new.generate_name = old.generate_name.clone().or(new.generate_name.take());
    if new.owner_references.is_empty() {
        new.owner_references = old.owner_references.clone();
    }
}

/// What an update keeps of the stored object that the manifest cannot set:
/// statuses, and a pod's spec (only labels and annotations may change).
fn merge_server_fields(next: &mut Object, old: &Object) {
    match (next, old) {
        // The status of a load balancer goes with the type
        // (`dropTypeDependentFields`).
        (Object::Service(n), Object::Service(o))
            if n.spec.type_.as_deref() == Some("LoadBalancer") =>
        {
            n.status = o.status.clone();
        }
        (Object::Pod(n), Object::Pod(o)) => {
            let labels = std::mem::take(&mut n.metadata.labels);
            let annotations = std::mem::take(&mut n.metadata.annotations);
            let meta = n.metadata.clone();
            *n = o.clone();
            n.metadata = meta;
            n.metadata.labels = labels;
            n.metadata.annotations = annotations;
        }
        (Object::Deployment(n), Object::Deployment(o)) => n.status = o.status.clone(),
        (Object::ReplicaSet(n), Object::ReplicaSet(o)) => n.status = o.status.clone(),
        (Object::StatefulSet(n), Object::StatefulSet(o)) => n.status = o.status.clone(),
        (Object::DaemonSet(n), Object::DaemonSet(o)) => n.status = o.status.clone(),
        // The status is a subresource: the controllers write it.
        (Object::Unstructured(n), Object::Unstructured(o)) => {
            n.body.remove("status");
            if let Some(st) = o.body.get("status") {
                n.body.insert("status".into(), st.clone());
            }
        }
        (Object::Namespace(n), Object::Namespace(_)) => {
            let name = n.metadata.name.clone();
            n.metadata
                .labels
                .insert("kubernetes.io/metadata.name".into(), name);
        }
        _ => {}
    }
}

/// What `kubectl apply` stores in `last-applied-configuration`: the manifest
/// as it sent it, with the namespace it applied to filled in and the
/// annotation itself taken out (leaving `"annotations":{}`), keys in order
/// (Go's JSON of a map), and a newline.
pub fn last_applied(manifest: &Value, namespace: Option<&str>) -> String {
    let mut m = manifest.clone();
    if let Value::Object(root) = &mut m {
        let meta = root
            .entry("metadata")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(meta) = meta {
            let ann = meta
                .entry("annotations")
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(ann) = ann {
                ann.remove(LAST_APPLIED);
            } else {
                *ann = Value::Object(Map::new());
            }
            if let Some(ns) = namespace {
                if !meta.get("namespace").is_some_and(|v| v.is_string()) {
                    meta.insert("namespace".into(), Value::String(ns.to_string()));
                }
            }
        }
    }
    format!("{}\n", sorted(m))
}
