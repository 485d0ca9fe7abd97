//! Each kind's trip through the API server after decoding: defaulting,
//! allocation (Services only) and validation, in that order, ending in one
//! Invalid error that lists every cause.

use super::apiserver::{default_service, ApiError, Object};
use super::objects::*;
use super::validation::{self, FieldError};
use super::{Cluster, Key};

fn verdict(kind: &str, name: &str, errs: Vec<FieldError>) -> Result<(), ApiError> {
    if errs.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid(kind, name, errs))
    }
}

/// `SetDefaults_PodSpec`, the part that shows: the restart policy.
fn default_pod_spec(spec: &mut PodSpec) {
    if spec.restart_policy.is_none() {
        spec.restart_policy = Some("Always".into());
    }
}

impl Cluster {
    /// Defaults, allocates and validates `obj` for storage at `key`,
    /// `old` being the stored object an update replaces.
    pub(super) fn admit(
        &mut self,
        obj: &mut Object,
        key: &Key,
        old: Option<&Object>,
    ) -> Result<(), ApiError> {
        let api_version = obj.api_version();
        let kind = obj.kind();
        let name = key.1.clone();
        match obj {
            Object::Service(svc) => {
                svc.api_version = api_version;
                svc.kind = kind.into();
                default_service(svc);
                let old = match old {
                    Some(Object::Service(o)) => Some(o),
                    _ => None,
                };
                if let Some(o) = old {
                    drop_type_dependent_fields(svc, o);
                }
                self.allocate(svc, key, old)?;
                if old.is_none() {
                    svc.status = ServiceStatus::default();
                }
                verdict(kind, &name, validation::validate_service(svc))
            }
            Object::Pod(pod) => {
                pod.api_version = api_version;
                pod.kind = kind.into();
                if old.is_none() {
                    pod.status = PodStatus::default();
                    default_pod_spec(&mut pod.spec);
                    pod.spec.admit_priority();
                }
                verdict(kind, &name, validation::validate_pod(pod))
            }
            Object::Deployment(d) => {
                d.api_version = api_version;
                d.kind = kind.into();
                verdict(
                    kind,
                    &name,
                    validation::validate_workload(
                        &d.metadata,
                        &d.spec.selector,
                        &d.spec.template,
                        d.spec.replicas,
                    ),
                )?;
                d.spec.replicas.get_or_insert(1);
                default_pod_spec(&mut d.spec.template.spec);
                Ok(())
            }
            Object::ReplicaSet(rs) => {
                rs.api_version = api_version;
                rs.kind = kind.into();
                verdict(
                    kind,
                    &name,
                    validation::validate_workload(
                        &rs.metadata,
                        &rs.spec.selector,
                        &rs.spec.template,
                        rs.spec.replicas,
                    ),
                )?;
                rs.spec.replicas.get_or_insert(1);
                default_pod_spec(&mut rs.spec.template.spec);
                Ok(())
            }
            Object::StatefulSet(sts) => {
                sts.api_version = api_version;
                sts.kind = kind.into();
                let mut errs = validation::validate_workload(
                    &sts.metadata,
                    &sts.spec.selector,
                    &sts.spec.template,
                    sts.spec.replicas,
                );
                if let Some(p) = sts.spec.pod_management_policy.as_deref() {
                    if !["OrderedReady", "Parallel"].contains(&p) {
                        errs.push(FieldError::unsupported(
                            "spec.podManagementPolicy",
                            p,
                            &["OrderedReady", "Parallel"],
                        ));
                    }
                }
                verdict(kind, &name, errs)?;
                sts.spec.replicas.get_or_insert(1);
                sts.spec
                    .pod_management_policy
                    .get_or_insert_with(|| "OrderedReady".into());
                default_pod_spec(&mut sts.spec.template.spec);
                Ok(())
            }
            Object::DaemonSet(ds) => {
                ds.api_version = api_version;
                ds.kind = kind.into();
                let mut errs = validation::validate_workload(
                    &ds.metadata,
                    &ds.spec.selector,
                    &ds.spec.template,
                    None,
                );
                if let Some(p) = ds.spec.template.spec.restart_policy.as_deref() {
                    if p != "Always" {
                        errs.push(FieldError::unsupported(
                            "spec.template.spec.restartPolicy",
                            p,
                            &["Always"],
                        ));
                    }
                }
                verdict(kind, &name, errs)?;
                default_pod_spec(&mut ds.spec.template.spec);
                // apps/v1 carries the internal templateGeneration as this
                // annotation; the simulator does not count template changes.
                ds.metadata
                    .annotations
                    .entry("deprecated.daemonset.template.generation".into())
                    .or_insert_with(|| "1".into());
                Ok(())
            }
            Object::Endpoints(ep) => {
                ep.api_version = api_version;
                ep.kind = kind.into();
                for p in ep.subsets.iter_mut().flat_map(|s| s.ports.iter_mut()) {
                    p.protocol.get_or_insert_with(|| "TCP".into());
                }
                verdict(kind, &name, validation::validate_endpoints(ep))
            }
            Object::EndpointSlice(slice) => {
                slice.api_version = api_version;
                slice.kind = kind.into();
                for p in slice.ports.iter_mut().flatten() {
                    p.protocol.get_or_insert_with(|| "TCP".into());
                    p.name.get_or_insert_with(String::new);
                }
                verdict(kind, &name, validation::validate_endpoint_slice(slice))
            }
            Object::ConfigMap(cm) => {
                cm.api_version = api_version;
                cm.kind = kind.into();
                verdict(kind, &name, validation::validate_config_map(cm))
            }
            Object::Secret(secret) => {
                secret.api_version = api_version;
                secret.kind = kind.into();
                // `stringData` is write-only: it lands in `data`, encoded.
                for (k, v) in std::mem::take(&mut secret.string_data) {
                    secret
                        .data
                        .insert(k, crate::encoding::base64_encode(v.as_bytes()));
                }
                secret.type_.get_or_insert_with(|| "Opaque".into());
                verdict(kind, &name, validation::validate_secret(secret))
            }
            Object::Namespace(n) => {
                n.api_version = api_version;
                n.kind = kind.into();
                n.metadata
                    .labels
                    .insert("kubernetes.io/metadata.name".into(), name.clone());
                let mut errs: Vec<FieldError> = validation::validate_name(&name, false)
                    .into_iter()
                    .collect();
                errs.extend(validation::validate_labels_and_annotations(&n.metadata));
                verdict(kind, &name, errs)
            }
            Object::Unstructured(u) => {
                // Stored and served in the preferred version.
                u.api_version = api_version;
                let old = match old {
                    Some(Object::Unstructured(o)) => Some(o),
                    _ => None,
                };
                if old.is_none() && u.kind == "Ingress" {
                    self.default_ingress_class(u);
                }
                verdict(kind, &name, validation::networking::admit(u, old))
            }
        }
    }
}

/// The API server's `dropTypeDependentFields`: on an update that changes
/// a Service's type, the fields the old type needed and the new one does
/// not are wiped, when the user left them as they were (a NodePort Service
/// edited to `type: ClusterIP` loses its nodePorts and its
/// externalTrafficPolicy instead of failing validation).
fn drop_type_dependent_fields(new: &mut Service, old: &Service) {
    let kind = |s: &Service| s.spec.type_.clone().unwrap_or_else(|| "ClusterIP".into());
    let (was, is) = (kind(old), kind(new));
    let needs_cluster_ip = |t: &str| t != "ExternalName";
    let needs_node_port = |t: &str| t == "NodePort" || t == "LoadBalancer";
    let externally = |s: &Service, t: &str| {
        needs_node_port(t) || (t == "ClusterIP" && !s.spec.external_ips.is_empty())
    };
    let hc = |s: &Service, t: &str| {
        t == "LoadBalancer" && s.spec.external_traffic_policy.as_deref() == Some("Local")
    };
    if needs_cluster_ip(&was) && !needs_cluster_ip(&is) {
        if new.spec.cluster_ip == old.spec.cluster_ip
            && new.spec.cluster_ips == old.spec.cluster_ips
        {
            new.spec.cluster_ip = None;
            new.spec.cluster_ips = vec![];
        }
        if new.spec.ip_families == old.spec.ip_families {
            new.spec.ip_families = vec![];
        }
        if new.spec.ip_family_policy == old.spec.ip_family_policy {
            new.spec.ip_family_policy = None;
        }
    }
    if needs_node_port(&was) && !needs_node_port(&is) {
        let old_ports: Vec<i32> = old.spec.ports.iter().filter_map(|p| p.node_port).collect();
        let superset = new
            .spec
            .ports
            .iter()
            .filter_map(|p| p.node_port)
            .filter(|n| *n != 0)
            .all(|n| old_ports.contains(&n));
        if superset {
            for p in &mut new.spec.ports {
                p.node_port = None;
            }
        }
    }
    if hc(old, &was)
        && !hc(new, &is)
        && new.spec.health_check_node_port == old.spec.health_check_node_port
    {
        new.spec.health_check_node_port = None;
    }
    if was == "LoadBalancer" && is != "LoadBalancer" {
        if new.spec.allocate_load_balancer_node_ports.is_some()
            && new.spec.allocate_load_balancer_node_ports
                == old.spec.allocate_load_balancer_node_ports
        {
            new.spec.allocate_load_balancer_node_ports = None;
        }
        if new.spec.load_balancer_class == old.spec.load_balancer_class {
            new.spec.load_balancer_class = None;
        }
    }
    if externally(old, &was)
        && !externally(new, &is)
        && new.spec.external_traffic_policy == old.spec.external_traffic_policy
    {
        new.spec.external_traffic_policy = None;
    }
    if is != "LoadBalancer" {
        new.status = ServiceStatus::default();
    }
}

impl Cluster {
    /// The `DefaultIngressClass` admission plugin: a new Ingress that names
    /// no class (neither `ingressClassName` nor the old annotation) gets the
    /// class annotated `ingressclass.kubernetes.io/is-default-class: "true"`
    /// (the newest, when several are).
    fn default_ingress_class(&self, u: &mut super::objects::Unstructured) {
        if u.spec().get("ingressClassName").is_some()
            || u.metadata
                .annotations
                .contains_key("kubernetes.io/ingress.class")
        {
            return;
        }
        let default = self
            .objects_of("IngressClass", None)
            .filter(|c| {
                c.metadata
                    .annotations
                    .get("ingressclass.kubernetes.io/is-default-class")
                    .is_some_and(|v| v == "true")
            })
            .max_by_key(|c| c.metadata.created_seq)
            .map(|c| c.metadata.name.clone());
        if let Some(name) = default {
            if let Some(spec) = u
                .body
                .entry("spec")
                .or_insert_with(|| serde_json::json!({}))
                .as_object_mut()
            {
                spec.insert("ingressClassName".into(), serde_json::Value::String(name));
            }
        }
    }
}
