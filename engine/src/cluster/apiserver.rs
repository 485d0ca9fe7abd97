//! What the API server does with a write, in its order: defaulting,
//! allocation (ClusterIP, NodePorts), validation, storage. Errors carry the
//! status reason and the field causes that kubectl prints.

use super::objects::*;
use super::validation::{self, BadValue, FieldError};
use super::{Cluster, Key, NODE_PORT_RANGE, SERVICE_CIDR};
use ipnet::Ipv4Net;
use std::net::Ipv4Addr;

/// The annotation `kubectl apply` keeps its last manifest in.
pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// The most replicas one workload may ask for in servicelab. A real API
/// server takes any int32; the simulation would take minutes to run a
/// hundred thousand pods, so it says so instead of freezing the page.
pub const MAX_REPLICAS: i32 = 500;
/// The most pods the simulated cluster holds, running or pending.
pub const MAX_PODS: usize = 1000;
/// The most objects of one kind (Services, namespaces, …) it holds.
pub const MAX_OBJECTS: usize = 1000;

/// A typed object from a manifest or a generator command.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)] // short-lived values; boxing buys nothing here
pub enum Object {
    Service(Service),
    Pod(Pod),
    Deployment(Deployment),
    Namespace(Namespace),
}

impl Object {
    pub fn meta(&self) -> &ObjectMeta {
        match self {
            Object::Service(o) => &o.metadata,
            Object::Pod(o) => &o.metadata,
            Object::Deployment(o) => &o.metadata,
            Object::Namespace(o) => &o.metadata,
        }
    }

    pub fn meta_mut(&mut self) -> &mut ObjectMeta {
        match self {
            Object::Service(o) => &mut o.metadata,
            Object::Pod(o) => &mut o.metadata,
            Object::Deployment(o) => &mut o.metadata,
            Object::Namespace(o) => &mut o.metadata,
        }
    }

    /// `Service`, `Pod`, …
    pub fn kind(&self) -> &'static str {
        match self {
            Object::Service(_) => "Service",
            Object::Pod(_) => "Pod",
            Object::Deployment(_) => "Deployment",
            Object::Namespace(_) => "Namespace",
        }
    }

    /// The resource as kubectl names it in `service/x created`.
    pub fn resource(&self) -> &'static str {
        match self {
            Object::Service(_) => "service",
            Object::Pod(_) => "pod",
            Object::Deployment(_) => "deployment.apps",
            Object::Namespace(_) => "namespace",
        }
    }

    /// The plural used in API errors: `services "x" not found`.
    pub fn plural(&self) -> &'static str {
        match self {
            Object::Service(_) => "services",
            Object::Pod(_) => "pods",
            Object::Deployment(_) => "deployments.apps",
            Object::Namespace(_) => "namespaces",
        }
    }

    pub fn namespaced(&self) -> bool {
        !matches!(self, Object::Namespace(_))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    BadRequest,
    Invalid,
    NotFound,
    AlreadyExists,
    Forbidden,
    InternalError,
}

impl Reason {
    pub fn name(self) -> &'static str {
        match self {
            Reason::BadRequest => "BadRequest",
            Reason::Invalid => "Invalid",
            Reason::NotFound => "NotFound",
            Reason::AlreadyExists => "AlreadyExists",
            Reason::Forbidden => "Forbidden",
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
}

impl ApiError {
    pub fn not_found(plural: &str, name: &str) -> Self {
        ApiError {
            reason: Reason::NotFound,
            message: format!("{plural} \"{name}\" not found"),
            kind: String::new(),
            name: name.into(),
            causes: vec![],
        }
    }

    pub fn already_exists(plural: &str, name: &str) -> Self {
        ApiError {
            reason: Reason::AlreadyExists,
            message: format!("{plural} \"{name}\" already exists"),
            kind: String::new(),
            name: name.into(),
            causes: vec![],
        }
    }

    /// servicelab's own size limits, worded as a quota refusal is.
    pub fn over_capacity(plural: &str, name: &str, what: String) -> Self {
        ApiError {
            reason: Reason::Forbidden,
            message: format!("{plural} \"{name}\" is forbidden: {what}"),
            kind: String::new(),
            name: name.into(),
            causes: vec![],
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
        }
    }
}

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

fn service_cidr() -> Ipv4Net {
    SERVICE_CIDR.parse().expect("literal CIDR")
}

fn go_string_slice(v: &[String]) -> String {
    format!(
        "[]string{{{}}}",
        v.iter()
            .map(|s| format!("{s:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

impl Cluster {
    fn used_cluster_ips(&self, except: Option<&Key>) -> Vec<Ipv4Addr> {
        self.services
            .iter()
            .filter(|(k, _)| Some(*k) != except)
            .filter_map(|(_, s)| s.spec.cluster_ip.as_deref().and_then(|i| i.parse().ok()))
            .collect()
    }

    fn used_node_ports(&self, except: Option<&Key>) -> Vec<i32> {
        self.services
            .iter()
            .filter(|(k, _)| Some(*k) != except)
            .flat_map(|(_, s)| s.spec.ports.iter().filter_map(|p| p.node_port))
            .collect()
    }

    /// Allocation, before validation: the ClusterIP, then the NodePorts. An
    /// allocation error is the only error the client sees.
    fn allocate(
        &mut self,
        svc: &mut Service,
        key: &Key,
        old: Option<&Service>,
    ) -> Result<(), ApiError> {
        let name = svc.metadata.name.clone();
        let ty = svc.type_name().to_string();
        if ty == "ExternalName" {
            if svc
                .spec
                .cluster_ip
                .as_deref()
                .is_some_and(|c| !c.is_empty())
            {
                return Err(ApiError::invalid(
                    "Service",
                    &name,
                    vec![FieldError::forbidden(
                        "spec.clusterIPs",
                        "may not be set for ExternalName services",
                    )],
                ));
            }
            svc.spec.cluster_ip = None;
            svc.spec.cluster_ips.clear();
            svc.spec.ip_families.clear();
            svc.spec.ip_family_policy = None;
            return Ok(());
        }
        // ClusterIP.
        let requested = svc.spec.cluster_ip.clone().filter(|c| !c.is_empty());
        match (&requested, old.and_then(|o| o.spec.cluster_ip.clone())) {
            (Some(r), Some(o)) if *r != o => {
                return Err(ApiError::invalid(
                    "Service",
                    &name,
                    vec![FieldError::invalid(
                        "spec.clusterIPs[0]",
                        BadValue::Raw(go_string_slice(std::slice::from_ref(r))),
                        "may not change once set",
                    )],
                ));
            }
            (None, Some(o)) => svc.spec.cluster_ip = Some(o),
            (Some(r), None) if r != "None" => {
                let ip: Ipv4Addr = r.parse().map_err(|_| {
                    ApiError::invalid(
                        "Service",
                        &name,
                        vec![FieldError::invalid(
                            "spec.clusterIPs[0]",
                            BadValue::Str(r.clone()),
                            "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
                        )],
                    )
                })?;
                let cidr = service_cidr();
                let detail = if !cidr.contains(&ip)
                    || ip == cidr.network()
                    || ip == cidr.broadcast()
                {
                    Some(format!(
                        "failed to allocate IP {ip}: provided IP is not in the valid range. The range of valid IPs is {SERVICE_CIDR}"
                    ))
                } else if self.used_cluster_ips(Some(key)).contains(&ip) {
                    Some(format!(
                        "failed to allocate IP {ip}: provided IP is already allocated"
                    ))
                } else {
                    None
                };
                if let Some(d) = detail {
                    return Err(ApiError::invalid(
                        "Service",
                        &name,
                        vec![FieldError::invalid(
                            "spec.clusterIPs",
                            BadValue::Raw(go_string_slice(std::slice::from_ref(r))),
                            d,
                        )],
                    ));
                }
            }
            (Some(_), _) => {}
            (None, None) => {
                let cidr = service_cidr();
                let used = self.used_cluster_ips(Some(key));
                let size = 1u64 << (32 - cidr.prefix_len());
                let base = u32::from(cidr.network());
                let mut chosen = None;
                for _ in 0..64 {
                    let off = self.rng.range_inclusive(2, size - 2) as u32;
                    let ip = Ipv4Addr::from(base + off);
                    if !used.contains(&ip) {
                        chosen = Some(ip);
                        break;
                    }
                }
                match chosen {
                    Some(ip) => svc.spec.cluster_ip = Some(ip.to_string()),
                    None => {
                        return Err(ApiError {
                            reason: Reason::InternalError,
                            message: "failed to allocate a serviceIP: range is full".into(),
                            kind: "Service".into(),
                            name,
                            causes: vec![],
                        })
                    }
                }
            }
        }
        svc.spec.cluster_ips = svc.spec.cluster_ip.iter().cloned().collect();

        // NodePorts.
        let wants_node_ports = ty == "NodePort"
            || (ty == "LoadBalancer" && svc.spec.allocate_load_balancer_node_ports != Some(false));
        if !wants_node_ports {
            // Changing to ClusterIP releases the ports the server allocated.
            if ty == "ClusterIP" {
                if let Some(o) = old {
                    for p in &mut svc.spec.ports {
                        let was = o
                            .spec
                            .ports
                            .iter()
                            .find(|op| op.port == p.port)
                            .and_then(|op| op.node_port);
                        if p.node_port.is_some() && p.node_port == was {
                            p.node_port = None;
                        }
                    }
                }
            }
            return Ok(());
        }
        let mut used = self.used_node_ports(Some(key));
        for i in 0..svc.spec.ports.len() {
            let port = svc.spec.ports[i].clone();
            let requested = port.node_port.filter(|n| *n != 0).or_else(|| {
                old.and_then(|o| {
                    o.spec
                        .ports
                        .iter()
                        .find(|op| op.port == port.port && op.protocol == port.protocol)
                        .and_then(|op| op.node_port)
                })
            });
            let np = match requested {
                Some(n) => {
                    let detail = if !(NODE_PORT_RANGE.0..=NODE_PORT_RANGE.1).contains(&n) {
                        Some(format!(
                            "provided port is not in the valid range. The range of valid ports is {}-{}",
                            NODE_PORT_RANGE.0, NODE_PORT_RANGE.1
                        ))
                    } else if used.contains(&n) {
                        Some("provided port is already allocated".to_string())
                    } else {
                        None
                    };
                    if let Some(d) = detail {
                        return Err(ApiError::invalid(
                            "Service",
                            &name,
                            vec![FieldError::invalid(
                                format!("spec.ports[{i}].nodePort"),
                                BadValue::Int(n.into()),
                                d,
                            )],
                        ));
                    }
                    n
                }
                None => {
                    // Since v1.29 dynamic allocation prefers the upper band of the
                    // range, leaving the lowest 86 ports for static choices.
                    let lo = NODE_PORT_RANGE.0 + 86;
                    let mut chosen = None;
                    for _ in 0..256 {
                        let n = self
                            .rng
                            .range_inclusive(lo as u64, NODE_PORT_RANGE.1 as u64)
                            as i32;
                        if !used.contains(&n) {
                            chosen = Some(n);
                            break;
                        }
                    }
                    chosen.ok_or_else(|| ApiError {
                        reason: Reason::InternalError,
                        message: "failed to allocate a nodePort: range is full".into(),
                        kind: "Service".into(),
                        name: name.clone(),
                        causes: vec![],
                    })?
                }
            };
            used.push(np);
            svc.spec.ports[i].node_port = Some(np);
        }
        Ok(())
    }

    /// A Service write as the server processes it: defaulting, allocation
    /// (keeping `old`'s ClusterIP and NodePorts where the manifest is
    /// silent), then validation.
    fn admit_service(
        &mut self,
        svc: &mut Service,
        key: &Key,
        old: Option<&Service>,
    ) -> Result<(), ApiError> {
        svc.api_version = "v1".into();
        svc.kind = "Service".into();
        default_service(svc);
        self.allocate(svc, key, old)?;
        let errs = validation::validate_service(svc);
        if errs.is_empty() {
            Ok(())
        } else {
            Err(ApiError::invalid("Service", &svc.metadata.name, errs))
        }
    }

    /// A Service with a selector gets its EndpointSlice's name once.
    fn ensure_slice_name(&mut self, svc: &Service, key: &Key) {
        if svc.spec.selector.is_some() && !self.slice_names.contains_key(key) {
            let suffix = self.random_suffix();
            self.slice_names
                .insert(key.clone(), format!("{}-{suffix}", key.1));
        }
    }

    fn check_namespace(&self, ns: &str) -> Result<(), ApiError> {
        if self.namespaces.contains_key(ns) {
            Ok(())
        } else {
            Err(ApiError::not_found("namespaces", ns))
        }
    }

    /// The pods the cluster is asked to hold if `workload` (a Deployment's
    /// key) wants `replicas`: standalone pods and every workload's replicas.
    fn pods_wanted(&self, workload: Option<&Key>, replicas: i32) -> usize {
        let standalone = self
            .pods
            .values()
            .filter(|p| p.metadata.owner_references.is_empty())
            .count();
        let others: usize = self
            .deployments
            .iter()
            .filter(|(k, _)| Some(*k) != workload)
            .map(|(_, d)| d.spec.replicas.unwrap_or(1).max(0) as usize)
            .sum();
        standalone + others + replicas.max(0) as usize
    }

    /// Refuses a write that would make the cluster hold more pods than
    /// servicelab simulates ([`MAX_PODS`]).
    fn check_pods(
        &self,
        plural: &str,
        name: &str,
        workload: Option<&Key>,
        replicas: i32,
    ) -> Result<(), ApiError> {
        let wanted = self.pods_wanted(workload, replicas);
        if wanted > MAX_PODS {
            return Err(ApiError::over_capacity(
                plural,
                name,
                format!("servicelab's simulated cluster holds at most {MAX_PODS} pods, and this would make {wanted}"),
            ));
        }
        Ok(())
    }

    /// Refuses a new object of a kind the cluster already holds [`MAX_OBJECTS`] of.
    fn check_count(&self, plural: &str, name: &str, count: usize) -> Result<(), ApiError> {
        if count >= MAX_OBJECTS {
            return Err(ApiError::over_capacity(
                plural,
                name,
                format!("servicelab's simulated cluster holds at most {MAX_OBJECTS} {plural}"),
            ));
        }
        Ok(())
    }

    /// `kubectl scale`: a Deployment's replicas, through validation.
    pub fn scale_deployment(
        &mut self,
        ns: &str,
        name: &str,
        replicas: i32,
        now: i64,
    ) -> Result<(), ApiError> {
        let key = (ns.to_string(), name.to_string());
        let Some(mut d) = self.deployments.get(&key).cloned() else {
            return Err(ApiError::not_found("deployments.apps", name));
        };
        d.spec.replicas = Some(replicas);
        let errs = validate_deployment(&d);
        if !errs.is_empty() {
            return Err(ApiError::invalid("Deployment", name, errs));
        }
        self.check_pods("deployments.apps", name, Some(&key), replicas)?;
        self.bump(&mut d.metadata);
        self.deployments.insert(key, d);
        self.reconcile(now);
        Ok(())
    }

    /// Creates an object (`kubectl create`, and `apply` of a new one).
    pub fn create(&mut self, obj: Object, now: i64) -> Result<(), ApiError> {
        let ns = obj
            .meta()
            .namespace
            .clone()
            .unwrap_or_else(|| "default".into());
        let name = obj.meta().name.clone();
        if obj.namespaced() {
            self.check_namespace(&ns)?;
        }
        let key = (ns.clone(), name.clone());
        match obj {
            Object::Service(mut svc) => {
                if self.services.contains_key(&key) {
                    return Err(ApiError::already_exists("services", &name));
                }
                svc.metadata.namespace = Some(ns.clone());
                self.check_count("services", &name, self.services.len())?;
                self.admit_service(&mut svc, &key, None)?;
                svc.status = ServiceStatus::default();
                self.stamp(&mut svc.metadata, now);
                self.ensure_slice_name(&svc, &key);
                self.services.insert(key, svc);
            }
            Object::Pod(mut pod) => {
                if self.pods.contains_key(&key) {
                    return Err(ApiError::already_exists("pods", &name));
                }
                let errs = validate_pod_spec(&name, &pod.spec, "spec");
                if !errs.is_empty() {
                    return Err(ApiError::invalid("Pod", &name, errs));
                }
                self.check_pods("pods", &name, None, 1)?;
                pod.api_version = "v1".into();
                pod.kind = "Pod".into();
                pod.metadata.namespace = Some(ns);
                pod.status = PodStatus::default();
                if pod.spec.restart_policy.is_none() {
                    pod.spec.restart_policy = Some("Always".into());
                }
                self.stamp(&mut pod.metadata, now);
                self.pods.insert(key, pod);
            }
            Object::Deployment(mut d) => {
                if self.deployments.contains_key(&key) {
                    return Err(ApiError::already_exists("deployments.apps", &name));
                }
                d.metadata.namespace = Some(ns);
                admit_deployment(&mut d)?;
                self.check_count("deployments.apps", &name, self.deployments.len())?;
                let replicas = d.spec.replicas.unwrap_or(1);
                self.check_pods("deployments.apps", &name, None, replicas)?;
                self.stamp(&mut d.metadata, now);
                self.deployments.insert(key, d);
            }
            Object::Namespace(mut n) => {
                if self.namespaces.contains_key(&name) {
                    return Err(ApiError::already_exists("namespaces", &name));
                }
                if let Some(e) = validation::validate_name(&name, false) {
                    return Err(ApiError::invalid("Namespace", &name, vec![e]));
                }
                self.check_count("namespaces", &name, self.namespaces.len())?;
                n.api_version = "v1".into();
                n.kind = "Namespace".into();
                n.metadata.namespace = None;
                n.metadata
                    .labels
                    .insert("kubernetes.io/metadata.name".into(), name.clone());
                self.stamp(&mut n.metadata, now);
                self.namespaces.insert(name, n);
            }
        }
        self.reconcile(now);
        Ok(())
    }

    /// `kubectl apply`: create, or update from the new manifest keeping what
    /// the server filled in (ClusterIP, NodePorts) when the manifest is silent.
    pub fn apply(&mut self, mut obj: Object, now: i64) -> Result<Applied, ApiError> {
        let ns = obj
            .meta()
            .namespace
            .clone()
            .unwrap_or_else(|| "default".into());
        let name = obj.meta().name.clone();
        let key = (ns.clone(), name.clone());
        let manifest = match &obj {
            Object::Service(o) => serde_json::to_string(o),
            Object::Pod(o) => serde_json::to_string(o),
            Object::Deployment(o) => serde_json::to_string(o),
            Object::Namespace(o) => serde_json::to_string(o),
        }
        .unwrap_or_default();
        obj.meta_mut()
            .annotations
            .insert(LAST_APPLIED.into(), format!("{manifest}\n"));
        let previous = match &obj {
            Object::Service(_) => self
                .services
                .get(&key)
                .map(|o| o.metadata.annotations.get(LAST_APPLIED).cloned()),
            Object::Pod(_) => self
                .pods
                .get(&key)
                .map(|o| o.metadata.annotations.get(LAST_APPLIED).cloned()),
            Object::Deployment(_) => self
                .deployments
                .get(&key)
                .map(|o| o.metadata.annotations.get(LAST_APPLIED).cloned()),
            Object::Namespace(_) => self
                .namespaces
                .get(&name)
                .map(|o| o.metadata.annotations.get(LAST_APPLIED).cloned()),
        };
        let Some(previous) = previous else {
            self.create(obj, now)?;
            return Ok(Applied::Created);
        };
        if previous.as_deref() == Some(&format!("{manifest}\n")) {
            return Ok(Applied::Unchanged);
        }
        match obj {
            Object::Service(mut svc) => {
                let old = self.services.get(&key).cloned().expect("checked above");
                svc.metadata.namespace = Some(ns);
                self.admit_service(&mut svc, &key, Some(&old))?;
                svc.status = old.status.clone();
                keep_identity(&mut svc.metadata, &old.metadata);
                self.bump(&mut svc.metadata);
                self.ensure_slice_name(&svc, &key);
                self.services.insert(key, svc);
            }
            Object::Pod(mut pod) => {
                let old = self.pods.get(&key).cloned().expect("checked above");
                // Only a few pod fields may change; labels and the image may.
                let mut next = old.clone();
                next.metadata.labels = std::mem::take(&mut pod.metadata.labels);
                next.metadata.annotations = std::mem::take(&mut pod.metadata.annotations);
                self.bump(&mut next.metadata);
                self.pods.insert(key, next);
            }
            Object::Deployment(mut d) => {
                let old = self.deployments.get(&key).cloned().expect("checked above");
                d.metadata.namespace = Some(ns);
                admit_deployment(&mut d)?;
                let replicas = d.spec.replicas.unwrap_or(1);
                self.check_pods("deployments.apps", &name, Some(&key), replicas)?;
                keep_identity(&mut d.metadata, &old.metadata);
                self.bump(&mut d.metadata);
                self.deployments.insert(key, d);
            }
            Object::Namespace(mut n) => {
                let old = self.namespaces.get(&name).cloned().expect("checked above");
                keep_identity(&mut n.metadata, &old.metadata);
                n.metadata
                    .labels
                    .insert("kubernetes.io/metadata.name".into(), name.clone());
                self.namespaces.insert(name, n);
            }
        }
        self.reconcile(now);
        Ok(Applied::Configured)
    }

    /// Deletes by resource (`services`, `pods`, `deployments.apps`, `namespaces`).
    pub fn delete(&mut self, plural: &str, ns: &str, name: &str, now: i64) -> Result<(), ApiError> {
        let key = (ns.to_string(), name.to_string());
        let found = match plural {
            "services" => {
                if ns == "default" && name == "kubernetes" {
                    // The apiserver recreates it at once.
                    true
                } else {
                    self.slice_names.remove(&key);
                    self.services.remove(&key).is_some()
                }
            }
            "pods" => self.pods.remove(&key).is_some(),
            "deployments.apps" => self.deployments.remove(&key).is_some(),
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
                    });
                }
                let existed = self.namespaces.remove(name).is_some();
                if existed {
                    self.pods.retain(|k, _| k.0 != name);
                    self.services.retain(|k, _| k.0 != name);
                    self.deployments.retain(|k, _| k.0 != name);
                    self.replicasets.retain(|k, _| k.0 != name);
                }
                existed
            }
            _ => false,
        };
        if !found {
            return Err(ApiError::not_found(plural, name));
        }
        self.resource_version += 1;
        self.reconcile(now);
        Ok(())
    }
}

fn keep_identity(new: &mut ObjectMeta, old: &ObjectMeta) {
    new.uid = old.uid.clone();
    new.creation_timestamp = old.creation_timestamp.clone();
    new.created_ms = old.created_ms;
    new.resource_version = old.resource_version.clone();
}

fn validate_pod_spec(name: &str, spec: &PodSpec, path: &str) -> Vec<FieldError> {
    let mut errs = vec![];
    if !name.is_empty() {
        if let Some(e) = validation::validate_name(name, true) {
            errs.push(e);
        }
    }
    if spec.containers.is_empty() {
        errs.push(FieldError::required(format!("{path}.containers"), ""));
    }
    for (i, c) in spec.containers.iter().enumerate() {
        if c.name.is_empty() {
            errs.push(FieldError::required(
                format!("{path}.containers[{i}].name"),
                "",
            ));
        }
        if c.image.is_empty() {
            errs.push(FieldError::required(
                format!("{path}.containers[{i}].image"),
                "",
            ));
        }
        for (j, p) in c.ports.iter().enumerate() {
            if !(1..=65535).contains(&p.container_port) {
                errs.push(FieldError::invalid(
                    format!("{path}.containers[{i}].ports[{j}].containerPort"),
                    BadValue::Int(p.container_port.into()),
                    "must be between 1 and 65535, inclusive",
                ));
            }
        }
    }
    errs
}

/// A Deployment write: validation, then defaulting.
fn admit_deployment(d: &mut Deployment) -> Result<(), ApiError> {
    let errs = validate_deployment(d);
    if !errs.is_empty() {
        return Err(ApiError::invalid("Deployment", &d.metadata.name, errs));
    }
    d.api_version = "apps/v1".into();
    d.kind = "Deployment".into();
    if d.spec.replicas.is_none() {
        d.spec.replicas = Some(1);
    }
    Ok(())
}

fn validate_deployment(d: &Deployment) -> Vec<FieldError> {
    let mut errs = vec![];
    if let Some(e) = validation::validate_name(&d.metadata.name, true) {
        errs.push(e);
    }
    if d.spec.selector.match_labels.is_empty() {
        errs.push(FieldError::required("spec.selector", ""));
    } else if !selector_matches(
        &d.spec.selector.match_labels,
        &d.spec.template.metadata.labels,
    ) {
        let labels = d
            .spec
            .template
            .metadata
            .labels
            .iter()
            .map(|(k, v)| format!("{k:?}:{v:?}"))
            .collect::<Vec<_>>()
            .join(", ");
        errs.push(FieldError::invalid(
            "spec.template.metadata.labels",
            BadValue::Raw(format!("map[string]string{{{labels}}}")),
            "`selector` does not match template `labels`",
        ));
    }
    errs.extend(validate_pod_spec(
        "",
        &d.spec.template.spec,
        "spec.template.spec",
    ));
    if d.spec.replicas.is_some_and(|r| r < 0) {
        errs.push(FieldError::invalid(
            "spec.replicas",
            BadValue::Int(d.spec.replicas.unwrap_or(0).into()),
            "must be greater than or equal to 0",
        ));
    }
    if let Some(r) = d.spec.replicas.filter(|&r| r > MAX_REPLICAS) {
        errs.push(FieldError::invalid(
            "spec.replicas",
            BadValue::Int(r.into()),
            format!("must be less than or equal to {MAX_REPLICAS} (servicelab's limit for one workload)"),
        ));
    }
    errs
}
