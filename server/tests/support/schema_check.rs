//! A small checker of JSON values against the schemas of an OpenAPI 3.1 document, for
//! tests: `$ref`, `oneOf`/`anyOf`/`allOf`, `type` (one or several), `enum`, `required`,
//! `properties`, `items`, `minimum`/`maximum`. Strict about objects: a property the schema
//! does not document is an error (unless the schema allows `additionalProperties`), so an
//! entity that gained a field its documentation lacks is caught.
//!
//! Shared by the unit tests (`src/api/schema.rs`) and the integration tests.

use serde_json::Value;

/// Checks `value` against `schema`, resolving `$ref`s in `doc`; `at` names the value in
/// messages.
pub fn check(doc: &Value, schema: &Value, value: &Value, at: &str) -> Result<(), String> {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let target = resolve(doc, r)?;
        return check(doc, target, value, at);
    }
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        for s in all {
            check(doc, s, value, at)?;
        }
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(options) = schema.get(key).and_then(Value::as_array) {
            let mut errors = Vec::new();
            for s in options {
                match check(doc, s, value, at) {
                    Ok(()) => {
                        errors.clear();
                        break;
                    }
                    Err(e) => errors.push(e),
                }
            }
            if !errors.is_empty() {
                return Err(format!(
                    "{at}: matches none of {key}: [{}]",
                    errors.join(" | ")
                ));
            }
        }
    }
    if let Some(t) = schema.get("type") {
        let types: Vec<&str> = match t {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            other => {
                return Err(format!(
                    "{at}: schema type {other} is neither a string nor a list"
                ))
            }
        };
        if !types.iter().any(|t| is_type(value, t)) {
            return Err(format!("{at}: {value} is not of type {types:?}"));
        }
    }
    if let Some(options) = schema.get("enum").and_then(Value::as_array) {
        if !options.contains(value) {
            return Err(format!("{at}: {value} is not one of {options:?}"));
        }
    }
    if let (Some(n), Some(min)) = (
        value.as_f64(),
        schema.get("minimum").and_then(Value::as_f64),
    ) {
        if n < min {
            return Err(format!("{at}: {n} < minimum {min}"));
        }
    }
    if let (Some(n), Some(max)) = (
        value.as_f64(),
        schema.get("maximum").and_then(Value::as_f64),
    ) {
        if n > max {
            return Err(format!("{at}: {n} > maximum {max}"));
        }
    }
    if let Some(object) = value.as_object() {
        if let Some(required) = schema.get("required").and_then(Value::as_array) {
            for name in required.iter().filter_map(Value::as_str) {
                if !object.contains_key(name) {
                    return Err(format!("{at}: required property {name:?} is missing"));
                }
            }
        }
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            let open = schema
                .get("additionalProperties")
                .is_some_and(|a| a != &Value::Bool(false));
            for (name, v) in object {
                match properties.get(name) {
                    Some(s) => check(doc, s, v, &format!("{at}.{name}"))?,
                    None if open => {}
                    None => {
                        return Err(format!(
                            "{at}: property {name:?} is not documented (documented: {:?})",
                            properties.keys().collect::<Vec<_>>()
                        ))
                    }
                }
            }
        }
    }
    if let (Some(items), Some(schema)) = (value.as_array(), schema.get("items")) {
        for (i, v) in items.iter().enumerate() {
            check(doc, schema, v, &format!("{at}[{i}]"))?;
        }
    }
    Ok(())
}

/// The schema a local `$ref` (`#/components/schemas/Name`) points to.
pub fn resolve<'d>(doc: &'d Value, reference: &str) -> Result<&'d Value, String> {
    let pointer = reference
        .strip_prefix('#')
        .ok_or_else(|| format!("$ref {reference:?} is not local"))?;
    doc.pointer(pointer)
        .ok_or_else(|| format!("$ref {reference:?} points to nothing"))
}

/// Every `$ref` in `v`, to check they all resolve.
pub fn refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("$ref", Value::String(r)) => out.push(r.clone()),
                    _ => refs(x, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

fn is_type(v: &Value, t: &str) -> bool {
    match t {
        "null" => v.is_null(),
        "boolean" => v.is_boolean(),
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        _ => false,
    }
}
