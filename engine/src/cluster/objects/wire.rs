//! Decoding the built-in kinds from JSON as the API server does: Go's
//! `encoding/json` with strict field checking. One small decoder driven by
//! each struct's table of fields (the [`decodes!`] invocations below)
//! instead of serde's derived visitors: those were compiled anew for every
//! struct and every list and option of one, a fifth of the page's decoding
//! code, and their errors carried no path, which had to be searched for
//! afterwards.
//!
//! What it keeps of Go's decoder: a field the struct does not have is
//! `strict decoding error: unknown field "spec.ports[0].nodeport"`; a value
//! of the wrong type is `json: cannot unmarshal string into Go struct field
//! ServicePort.spec.ports.port of type int32` (the Go struct that holds the
//! field, the path without indices, Go's type); the first error in the
//! document's order is the one reported. A `null` leaves the field as it
//! is, and a missing field is its zero value. Fields the simulator keeps
//! as JSON (`Value`) take any value, as their Go types' checks are not
//! modelled.

use super::*;
use crate::map::Map;
use serde_json::Value;

// The lessons' data (`lesson::wire`) is read with the same decoder.

/// Where the decoder is: the path from the object's root, as field names
/// and `[i]` indices.
#[derive(Debug, Default)]
pub struct Cx {
    path: Vec<String>,
}

impl Cx {
    /// The path as the strict decoder prints it: `spec.ports[0]`.
    fn dotted(&self) -> String {
        let mut s = String::new();
        for seg in &self.path {
            if !seg.starts_with('[') && !s.is_empty() {
                s.push('.');
            }
            s.push_str(seg);
        }
        s
    }

    /// Go's type error for `got` in the field at the current path, held by
    /// the struct `holder` (a value inside a map is reported at the map).
    fn type_error(&self, holder: &str, got: &Value, go_type: &str) -> String {
        let json_type = match got {
            Value::String(_) => "string".to_string(),
            // Go names the number only when a number field could not take it.
            Value::Number(n) if is_integer_type(go_type) => format!("number {}", go_number(n)),
            Value::Number(_) => "number".to_string(),
            Value::Bool(_) => "bool".to_string(),
            Value::Array(_) => "array".to_string(),
            Value::Object(_) => "object".to_string(),
            Value::Null => "null".to_string(),
        };
        let fields: Vec<&str> = self
            .path
            .iter()
            .filter(|s| !s.starts_with('['))
            .map(String::as_str)
            .collect();
        format!(
            "json: cannot unmarshal {json_type} into Go struct field {holder}.{} of type {go_type}",
            fields.join(".")
        )
    }
}

fn is_integer_type(go_type: &str) -> bool {
    matches!(go_type, "int32" | "int64")
}

/// A JSON number as Go's encoding/json wrote it (`80.5`, `1e+23`, `99999999999`).
fn go_number(n: &serde_json::Number) -> String {
    if n.is_f64() {
        let f = n.as_f64().unwrap_or_default();
        if f.abs() >= 1e21 || (f != 0.0 && f.abs() < 1e-6) {
            let e = format!("{f:e}");
            return match e.split_once('e') {
                Some((m, x)) if !x.starts_with('-') => format!("{m}e+{x}"),
                _ => e,
            };
        }
        return format!("{f}");
    }
    n.to_string()
}

/// A type the decoder can read from JSON.
pub trait FromJson: Sized {
    /// Go's name of the type, as a type error prints it.
    fn go_type() -> String;

    /// Reads `v` (never `null`: the caller leaves the field alone then).
    /// `holder` is the Go struct whose field `v` is.
    fn from_json(v: Value, holder: &str, cx: &mut Cx) -> Result<Self, String>;

    /// What a `null` in a list reads as: the zero value, for a type that
    /// has one.
    fn zero() -> Option<Self> {
        None
    }
}

impl FromJson for String {
    fn zero() -> Option<Self> {
        Some(Self::default())
    }
    fn go_type() -> String {
        "string".into()
    }
    fn from_json(v: Value, holder: &str, cx: &mut Cx) -> Result<Self, String> {
        match v {
            Value::String(s) => Ok(s),
            other => Err(cx.type_error(holder, &other, "string")),
        }
    }
}

impl FromJson for bool {
    fn zero() -> Option<Self> {
        Some(Self::default())
    }
    fn go_type() -> String {
        "bool".into()
    }
    fn from_json(v: Value, holder: &str, cx: &mut Cx) -> Result<Self, String> {
        match v {
            Value::Bool(b) => Ok(b),
            other => Err(cx.type_error(holder, &other, "bool")),
        }
    }
}

/// A whole number of Go's integer type `go`: a float with no fraction is
/// one (YAML's `80.0` reaches the server as JSON's `80`).
fn integer(v: &Value, go: &str, holder: &str, cx: &Cx, range: (i64, i64)) -> Result<i64, String> {
    let Value::Number(n) = v else {
        return Err(cx.type_error(holder, v, go));
    };
    let whole = n.as_i64().or_else(|| {
        n.as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() < 9.2e18)
            .map(|f| f as i64)
    });
    match whole {
        Some(i) if i >= range.0 && i <= range.1 => Ok(i),
        _ => Err(cx.type_error(holder, v, go)),
    }
}

impl FromJson for i32 {
    fn zero() -> Option<Self> {
        Some(Self::default())
    }
    fn go_type() -> String {
        "int32".into()
    }
    fn from_json(v: Value, holder: &str, cx: &mut Cx) -> Result<Self, String> {
        let range = (i64::from(i32::MIN), i64::from(i32::MAX));
        integer(&v, "int32", holder, cx, range).map(|i| i as i32)
    }
}

impl FromJson for i64 {
    fn zero() -> Option<Self> {
        Some(Self::default())
    }
    fn go_type() -> String {
        "int64".into()
    }
    fn from_json(v: Value, holder: &str, cx: &mut Cx) -> Result<Self, String> {
        integer(&v, "int64", holder, cx, (i64::MIN, i64::MAX))
    }
}

/// Unsigned numbers (the lessons' data: lines, counts, a seed).
macro_rules! unsigned {
    ($($ty:ty as $go:literal),*) => {
        $(
            impl FromJson for $ty {
                fn zero() -> Option<Self> {
                    Some(0)
                }
                fn go_type() -> String {
                    $go.into()
                }
                fn from_json(v: Value, holder: &str, cx: &mut Cx) -> Result<Self, String> {
                    v.as_u64()
                        .and_then(|n| <$ty>::try_from(n).ok())
                        .ok_or_else(|| cx.type_error(holder, &v, $go))
                }
            }
        )*
    };
}

unsigned!(u8 as "uint8", u16 as "uint16", u32 as "uint32", u64 as "uint64", usize as "uint");

/// An enum as serde writes it by default: `"Name"` for a variant without
/// data (its data then reads as `null`), `{"Name": data}` otherwise.
pub fn variant(
    v: Value,
    holder: &str,
    go_type: &str,
    cx: &mut Cx,
) -> Result<(String, Value), String> {
    match v {
        Value::String(name) => Ok((name, Value::Null)),
        Value::Object(m) if m.len() == 1 => match m.into_iter().next() {
            Some(entry) => Ok(entry),
            None => Err(format!("an empty {go_type}")),
        },
        other => Err(cx.type_error(holder, &other, go_type)),
    }
}

/// A variant `name` that `go_type` does not have.
pub fn unknown_variant(go_type: &str, name: &str) -> String {
    format!("unknown variant `{name}` of {go_type}")
}

/// A two-element array, as serde writes a variant of two fields.
pub fn pair<A: FromJson, B: FromJson>(
    v: Value,
    holder: &str,
    cx: &mut Cx,
) -> Result<(A, B), String> {
    match v {
        Value::Array(items) if items.len() == 2 => {
            let mut items = items.into_iter();
            let a = A::from_json(items.next().unwrap_or_default(), holder, cx)?;
            let b = B::from_json(items.next().unwrap_or_default(), holder, cx)?;
            Ok((a, b))
        }
        other => Err(cx.type_error(holder, &other, "a pair")),
    }
}

/// A field kept as JSON: any value.
impl FromJson for Value {
    fn zero() -> Option<Self> {
        Some(Value::Null)
    }
    fn go_type() -> String {
        "interface {}".into()
    }
    fn from_json(v: Value, _: &str, _: &mut Cx) -> Result<Self, String> {
        Ok(v)
    }
}

/// A pointer in Go: absent is `None`; a type error names the pointee.
impl<T: FromJson> FromJson for Option<T> {
    fn zero() -> Option<Self> {
        Some(None)
    }
    fn go_type() -> String {
        T::go_type()
    }
    fn from_json(v: Value, holder: &str, cx: &mut Cx) -> Result<Self, String> {
        T::from_json(v, holder, cx).map(Some)
    }
}

/// A slice: a `null` element is the element's zero value, as in Go.
impl<T: FromJson> FromJson for Vec<T> {
    fn zero() -> Option<Self> {
        Some(vec![])
    }
    fn go_type() -> String {
        format!("[]{}", T::go_type())
    }
    fn from_json(v: Value, holder: &str, cx: &mut Cx) -> Result<Self, String> {
        let Value::Array(items) = v else {
            return Err(cx.type_error(holder, &v, &Self::go_type()));
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            cx.path.push(format!("[{i}]"));
            let decoded = match item {
                Value::Null => T::zero().ok_or_else(|| cx.type_error(holder, &item, &T::go_type())),
                item => T::from_json(item, holder, cx),
            };
            cx.path.pop();
            out.push(decoded?);
        }
        Ok(out)
    }
}

/// `map[string]string`: labels, annotations, a ConfigMap's data. Go reports
/// a value of the wrong type at the map's field.
impl FromJson for Map<String, String> {
    fn zero() -> Option<Self> {
        Some(Map::new())
    }
    fn go_type() -> String {
        "map[string]string".into()
    }
    fn from_json(v: Value, holder: &str, cx: &mut Cx) -> Result<Self, String> {
        let Value::Object(map) = v else {
            return Err(cx.type_error(holder, &v, &Self::go_type()));
        };
        // Keys come in the document's order: gathered, then sorted once
        // (an insert each would move half the map each time).
        let mut pairs = Vec::with_capacity(map.len());
        for (k, v) in map {
            match v {
                Value::String(s) => pairs.push((k, s)),
                Value::Null => pairs.push((k, String::new())),
                other => return Err(cx.type_error(holder, &other, "string")),
            }
        }
        Ok(pairs.into_iter().collect())
    }
}

/// `intstr.IntOrString`: a JSON string is a name, anything else must be
/// an int32.
impl FromJson for IntOrString {
    fn go_type() -> String {
        "intstr.IntOrString".into()
    }
    fn from_json(v: Value, holder: &str, cx: &mut Cx) -> Result<Self, String> {
        match v {
            Value::String(s) => Ok(IntOrString::Str(s)),
            other => {
                let range = (i64::from(i32::MIN), i64::from(i32::MAX));
                integer(&other, "intstr.IntOrString", holder, cx, range)
                    .map(|i| IntOrString::Int(i as i32))
            }
        }
    }
}

/// Reads one field of a struct into it: `None` when the struct has no
/// field of that name.
type ReadField<'a> = dyn FnMut(&str, Value, &mut Cx) -> Option<Result<(), String>> + 'a;

/// The fields of a struct, read one by one in the document's order (one
/// loop for every struct: only the table's reading is the struct's own).
pub fn struct_fields(
    v: Value,
    holder: &str,
    go_type: &str,
    cx: &mut Cx,
    mut field: impl FnMut(&str, Value, &mut Cx) -> Option<Result<(), String>>,
) -> Result<(), String> {
    let Value::Object(map) = v else {
        return Err(cx.type_error(holder, &v, go_type));
    };
    fields_of(map, cx, &mut field)
}

fn fields_of(
    map: serde_json::Map<String, Value>,
    cx: &mut Cx,
    field: &mut ReadField,
) -> Result<(), String> {
    for (k, v) in map {
        if v.is_null() {
            // Go leaves the field alone.
            continue;
        }
        cx.path.push(k.clone());
        match field(&k, v, cx) {
            Some(Ok(())) => {
                cx.path.pop();
            }
            Some(Err(e)) => return Err(e),
            None => {
                return Err(format!(
                    "strict decoding error: unknown field \"{}\"",
                    cx.dotted()
                ))
            }
        }
    }
    Ok(())
}

/// Structs' decoding: the package their type errors name (`"v1."`), then
/// for each struct its Go name, the keys it accepts without reading them,
/// and each field with its JSON name. `status` is written by the
/// server and dropped before decoding, so the kinds accept it unread.
macro_rules! decodes {
    ($package:literal; $($ty:ident as $go:literal $(ignoring [$($ignored:literal),*])? { $($field:ident: $json:literal),* $(,)? })*) => {
        $(
            impl FromJson for $ty {
                fn zero() -> Option<Self> {
                    Some(Self::default())
                }
                fn go_type() -> String {
                    concat!($package, $go).to_string()
                }
                fn from_json(v: Value, holder: &str, cx: &mut Cx) -> Result<Self, String> {
                    let mut out = Self::default();
                    struct_fields(v, holder, concat!($package, $go), cx, |key, v, cx| {
                        Some(match key {
                            $($json => FromJson::from_json(v, $go, cx).map(|x| out.$field = x),)*
                            $($($ignored => Ok(()),)*)?
                            _ => return None,
                        })
                    })?;
                    Ok(out)
                }
            }
        )*
    };
}

pub(crate) use decodes;

/// Decodes a whole object of a built-in kind (`kind` is its Go name, the
/// root of type errors' paths).
pub fn decode_object<T: FromJson>(v: Value, kind: &str) -> Result<T, String> {
    T::from_json(v, kind, &mut Cx::default())
}

/// The metadata of an object of kind `kind` (a custom resource's, whose
/// rest is checked against its schema).
pub fn decode_metadata(v: Value, kind: &str) -> Result<ObjectMeta, String> {
    let mut cx = Cx {
        path: vec!["metadata".into()],
    };
    ObjectMeta::from_json(v, kind, &mut cx)
}

decodes! {
    "v1.";
    ObjectMeta as "ObjectMeta" {
        name: "name",
        generate_name: "generateName",
        namespace: "namespace",
        labels: "labels",
        annotations: "annotations",
        uid: "uid",
        resource_version: "resourceVersion",
        creation_timestamp: "creationTimestamp",
        owner_references: "ownerReferences",
    }
    OwnerReference as "OwnerReference" {
        api_version: "apiVersion",
        kind: "kind",
        name: "name",
        uid: "uid",
        controller: "controller",
        block_owner_deletion: "blockOwnerDeletion",
    }
    LabelSelector as "LabelSelector" {
        match_labels: "matchLabels",
        match_expressions: "matchExpressions",
    }
    LabelSelectorRequirement as "LabelSelectorRequirement" {
        key: "key",
        operator: "operator",
        values: "values",
    }

    Namespace as "Namespace" ignoring ["status"] {
        api_version: "apiVersion",
        kind: "kind",
        metadata: "metadata",
        spec: "spec",
    }
    ConfigMap as "ConfigMap" {
        api_version: "apiVersion",
        kind: "kind",
        metadata: "metadata",
        data: "data",
        binary_data: "binaryData",
        immutable: "immutable",
    }
    Secret as "Secret" {
        api_version: "apiVersion",
        kind: "kind",
        metadata: "metadata",
        data: "data",
        string_data: "stringData",
        type_: "type",
        immutable: "immutable",
    }

    ObjectReference as "ObjectReference" {
        kind: "kind",
        namespace: "namespace",
        name: "name",
        uid: "uid",
        api_version: "apiVersion",
        resource_version: "resourceVersion",
        field_path: "fieldPath",
    }
    Endpoints as "Endpoints" {
        api_version: "apiVersion",
        kind: "kind",
        metadata: "metadata",
        subsets: "subsets",
    }
    EndpointSubset as "EndpointSubset" {
        addresses: "addresses",
        not_ready_addresses: "notReadyAddresses",
        ports: "ports",
    }
    EndpointAddress as "EndpointAddress" {
        ip: "ip",
        hostname: "hostname",
        node_name: "nodeName",
        target_ref: "targetRef",
    }
    EndpointPort as "EndpointPort" {
        name: "name",
        port: "port",
        protocol: "protocol",
        app_protocol: "appProtocol",
    }
    EndpointSlice as "EndpointSlice" {
        api_version: "apiVersion",
        kind: "kind",
        metadata: "metadata",
        address_type: "addressType",
        endpoints: "endpoints",
        ports: "ports",
    }
    Endpoint as "Endpoint" {
        addresses: "addresses",
        conditions: "conditions",
        hostname: "hostname",
        target_ref: "targetRef",
        node_name: "nodeName",
        zone: "zone",
        hints: "hints",
        deprecated_topology: "deprecatedTopology",
    }
    EndpointConditions as "EndpointConditions" {
        ready: "ready",
        serving: "serving",
        terminating: "terminating",
    }
    SlicePort as "EndpointPort" {
        name: "name",
        protocol: "protocol",
        port: "port",
        app_protocol: "appProtocol",
    }

    Pod as "Pod" ignoring ["status"] {
        api_version: "apiVersion",
        kind: "kind",
        metadata: "metadata",
        spec: "spec",
    }
    PodSpec as "PodSpec" {
        containers: "containers",
        node_name: "nodeName",
        host_network: "hostNetwork",
        restart_policy: "restartPolicy",
        node_selector: "nodeSelector",
        volumes: "volumes",
        init_containers: "initContainers",
        termination_grace_period_seconds: "terminationGracePeriodSeconds",
        security_context: "securityContext",
        service_account_name: "serviceAccountName",
        tolerations: "tolerations",
        affinity: "affinity",
        dns_policy: "dnsPolicy",
        hostname: "hostname",
        subdomain: "subdomain",
        dns_config: "dnsConfig",
        enable_service_links: "enableServiceLinks",
        priority_class_name: "priorityClassName",
        priority: "priority",
        automount_service_account_token: "automountServiceAccountToken",
    }
    Container as "Container" {
        name: "name",
        image: "image",
        ports: "ports",
        args: "args",
        command: "command",
        image_pull_policy: "imagePullPolicy",
        env: "env",
        resources: "resources",
        liveness_probe: "livenessProbe",
        readiness_probe: "readinessProbe",
        volume_mounts: "volumeMounts",
        working_dir: "workingDir",
        security_context: "securityContext",
        stdin: "stdin",
        stdin_once: "stdinOnce",
        tty: "tty",
        startup_probe: "startupProbe",
        termination_message_path: "terminationMessagePath",
        termination_message_policy: "terminationMessagePolicy",
    }
    ContainerPort as "ContainerPort" {
        name: "name",
        container_port: "containerPort",
        protocol: "protocol",
        host_port: "hostPort",
    }
    PodTemplate as "PodTemplateSpec" {
        metadata: "metadata",
        spec: "spec",
    }

    Service as "Service" ignoring ["status"] {
        api_version: "apiVersion",
        kind: "kind",
        metadata: "metadata",
        spec: "spec",
    }
    ServiceSpec as "ServiceSpec" {
        ports: "ports",
        selector: "selector",
        cluster_ip: "clusterIP",
        cluster_ips: "clusterIPs",
        type_: "type",
        external_ips: "externalIPs",
        session_affinity: "sessionAffinity",
        load_balancer_ip: "loadBalancerIP",
        load_balancer_source_ranges: "loadBalancerSourceRanges",
        external_name: "externalName",
        external_traffic_policy: "externalTrafficPolicy",
        health_check_node_port: "healthCheckNodePort",
        publish_not_ready_addresses: "publishNotReadyAddresses",
        session_affinity_config: "sessionAffinityConfig",
        ip_families: "ipFamilies",
        ip_family_policy: "ipFamilyPolicy",
        allocate_load_balancer_node_ports: "allocateLoadBalancerNodePorts",
        load_balancer_class: "loadBalancerClass",
        internal_traffic_policy: "internalTrafficPolicy",
        traffic_distribution: "trafficDistribution",
    }
    ServicePort as "ServicePort" {
        name: "name",
        protocol: "protocol",
        app_protocol: "appProtocol",
        port: "port",
        target_port: "targetPort",
        node_port: "nodePort",
    }
    SessionAffinityConfig as "SessionAffinityConfig" {
        client_ip: "clientIP",
    }
    ClientIpConfig as "ClientIPConfig" {
        timeout_seconds: "timeoutSeconds",
    }

    Deployment as "Deployment" ignoring ["status"] {
        api_version: "apiVersion",
        kind: "kind",
        metadata: "metadata",
        spec: "spec",
    }
    DeploymentSpec as "DeploymentSpec" {
        replicas: "replicas",
        selector: "selector",
        template: "template",
        strategy: "strategy",
        revision_history_limit: "revisionHistoryLimit",
        progress_deadline_seconds: "progressDeadlineSeconds",
        min_ready_seconds: "minReadySeconds",
        paused: "paused",
    }
    ReplicaSet as "ReplicaSet" ignoring ["status"] {
        api_version: "apiVersion",
        kind: "kind",
        metadata: "metadata",
        spec: "spec",
    }
    ReplicaSetSpec as "ReplicaSetSpec" {
        replicas: "replicas",
        selector: "selector",
        template: "template",
        min_ready_seconds: "minReadySeconds",
    }
    StatefulSet as "StatefulSet" ignoring ["status"] {
        api_version: "apiVersion",
        kind: "kind",
        metadata: "metadata",
        spec: "spec",
    }
    StatefulSetSpec as "StatefulSetSpec" {
        replicas: "replicas",
        selector: "selector",
        template: "template",
        service_name: "serviceName",
        pod_management_policy: "podManagementPolicy",
        update_strategy: "updateStrategy",
        volume_claim_templates: "volumeClaimTemplates",
        revision_history_limit: "revisionHistoryLimit",
        min_ready_seconds: "minReadySeconds",
        persistent_volume_claim_retention_policy: "persistentVolumeClaimRetentionPolicy",
        ordinals: "ordinals",
    }
    DaemonSet as "DaemonSet" ignoring ["status"] {
        api_version: "apiVersion",
        kind: "kind",
        metadata: "metadata",
        spec: "spec",
    }
    DaemonSetSpec as "DaemonSetSpec" {
        selector: "selector",
        template: "template",
        update_strategy: "updateStrategy",
        min_ready_seconds: "minReadySeconds",
        revision_history_limit: "revisionHistoryLimit",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn service(spec: Value) -> Result<Service, String> {
        decode_object(
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": spec}),
            "Service",
        )
    }

    #[test]
    fn type_errors_name_gos_struct_field_and_type() {
        let e = |spec: Value| service(spec).unwrap_err();
        assert_eq!(
            e(json!({"ports": "80"})),
            "json: cannot unmarshal string into Go struct field ServiceSpec.spec.ports of type []v1.ServicePort"
        );
        assert_eq!(
            e(json!({"ports": [{"port": 80}, {"port": 81, "nodePort": true}]})),
            "json: cannot unmarshal bool into Go struct field ServicePort.spec.ports.nodePort of type int32"
        );
        assert_eq!(
            e(json!({"sessionAffinityConfig": {"clientIP": {"timeoutSeconds": "3"}}})),
            "json: cannot unmarshal string into Go struct field ClientIPConfig.spec.sessionAffinityConfig.clientIP.timeoutSeconds of type int32"
        );
        assert_eq!(
            e(json!({"externalIPs": ["1.2.3.4", 5]})),
            "json: cannot unmarshal number into Go struct field ServiceSpec.spec.externalIPs of type string"
        );
        assert_eq!(
            e(json!({"ports": [{"targetPort": {"a": 1}}]})),
            "json: cannot unmarshal object into Go struct field ServicePort.spec.ports.targetPort of type intstr.IntOrString"
        );
        let whole = decode_object::<Service>(json!({"spec": 5}), "Service").unwrap_err();
        assert_eq!(
            whole,
            "json: cannot unmarshal number into Go struct field Service.spec of type v1.ServiceSpec"
        );
    }

    #[test]
    fn unknown_fields_are_named_with_their_indices() {
        let e = decode_object::<Deployment>(
            json!({"spec": {"template": {"spec": {"containers": [{"name": "a"}, {"name": "b", "imagee": "x"}]}}}}),
            "Deployment",
        )
        .unwrap_err();
        assert_eq!(
            e,
            "strict decoding error: unknown field \"spec.template.spec.containers[1].imagee\""
        );
    }

    #[test]
    fn values_read_as_go_reads_them() {
        // YAML's 80.0 is JSON's 80 by the time it reaches the server.
        let s = service(json!({"ports": [{"port": 80.0, "targetPort": 8080}]})).unwrap();
        assert_eq!(s.spec.ports[0].port, 80);
        assert_eq!(s.spec.ports[0].target_port, Some(IntOrString::Int(8080)));
        assert!(service(json!({"ports": [{"port": 4294967296_i64}]}))
            .unwrap_err()
            .contains("cannot unmarshal number 4294967296 into"));
        // A null leaves the field as it is; in a list it is the zero value.
        let s = service(json!({"type": null, "externalIPs": [null, "1.2.3.4"]})).unwrap();
        assert_eq!(s.spec.type_, None);
        assert_eq!(s.spec.external_ips, ["", "1.2.3.4"]);
        // The server's own status is accepted and not read.
        let p: Pod = decode_object(json!({"status": {"podIP": "10.0.0.9"}}), "Pod").unwrap();
        assert_eq!(p.status.pod_ip, None);
        // A label's value of another type is reported at the map.
        let e = decode_object::<Pod>(json!({"metadata": {"labels": {"a": 1}}}), "Pod").unwrap_err();
        assert_eq!(
            e,
            "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string"
        );
    }

    /// Each struct's table names every field the struct writes, with the
    /// name serde writes it under: read from the structs' source, so a
    /// field added to a struct and not to its table fails here, not in a
    /// student's `kubectl apply`.
    #[test]
    fn every_written_field_is_read() {
        let sources = [
            include_str!("config.rs"),
            include_str!("discovery.rs"),
            include_str!("mod.rs"),
            include_str!("pod.rs"),
            include_str!("service.rs"),
            include_str!("workloads.rs"),
        ];
        let tables = include_str!("wire.rs");
        let mut checked = 0;
        for src in sources {
            let mut rest = src;
            while let Some(at) = rest.find("pub struct ") {
                let head = &rest[..at];
                let after = &rest[at + "pub struct ".len()..];
                let name: String = after.chars().take_while(|c| c.is_alphanumeric()).collect();
                let body_start = after.find('{').unwrap_or(0);
                let body_end = after.find("\n}").unwrap_or(after.len());
                let body = &after[body_start..body_end];
                rest = &after[body_end..];
                let derives = head.rsplit("#[derive(").next().unwrap_or("");
                let is_status = name.ends_with("Status") || name == "LoadBalancerIngress";
                if !derives.starts_with("Debug") || !derives.contains("Serialize") || is_status {
                    continue;
                }
                let table_at = tables
                    .find(&format!("\n    {name} as \""))
                    .unwrap_or_else(|| panic!("{name} has no table in wire.rs"));
                let table = &tables[table_at..];
                let table = &table[..table.find("\n    }").unwrap_or(table.len())];
                let mut attrs = String::new();
                for line in body.lines().map(str::trim) {
                    if line.starts_with("#[")
                        || line.starts_with("rename")
                        || line.starts_with("default")
                        || line.starts_with("skip")
                        || line.starts_with(")]")
                    {
                        attrs.push_str(line);
                        continue;
                    }
                    let Some(field) = line.strip_prefix("pub ").and_then(|l| l.split(':').next())
                    else {
                        continue;
                    };
                    let skipped = attrs.contains("(skip)");
                    let json = match attrs.split("rename = \"").nth(1) {
                        Some(r) => r.split('"').next().unwrap_or("").to_string(),
                        None => {
                            let mut parts = field.trim_end_matches('_').split('_');
                            let mut s = parts.next().unwrap_or("").to_string();
                            for p in parts {
                                let mut c = p.chars();
                                s.extend(c.next().map(|c| c.to_ascii_uppercase()));
                                s.push_str(c.as_str());
                            }
                            s
                        }
                    };
                    attrs.clear();
                    let entry = format!("{field}: \"{json}\"");
                    if skipped {
                        assert!(
                            !table.contains(&entry),
                            "{name}.{field} is not written, yet read"
                        );
                    } else if field != "status" {
                        assert!(table.contains(&entry), "{name}'s table lacks `{entry}`");
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 150, "{checked}");
    }
}
