//! Owns moving values across the JavaScript boundary: JSON-shaped results out (through
//! `JSON.parse`, so JavaScript gets plain objects with exactly the serde JSON form), and
//! caller values in (strings, integers as number / bigint / decimal string), each with a
//! typed `invalid_argument` error instead of a panic.

use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};

use crate::error::{Result, SdkError};

/// A serde value as a plain JavaScript value (its JSON form).
pub fn to_js<T: Serialize + ?Sized>(v: &T) -> Result<JsValue> {
    let text = serde_json::to_string(v).map_err(|e| SdkError::Malformed(e.to_string()))?;
    js_sys::JSON::parse(&text).map_err(|_| SdkError::Malformed("JSON.parse failed".into()))
}

/// A JavaScript value as JSON text: strings are taken as JSON text already, anything else
/// goes through `JSON.stringify` (so bigints are refused).
pub fn to_json_text(v: &JsValue, what: &'static str) -> Result<String> {
    if let Some(s) = v.as_string() {
        return Ok(s);
    }
    let text = js_sys::JSON::stringify(v)
        .map_err(|_| SdkError::invalid(what, "cannot be converted to JSON"))?;
    text.as_string()
        .ok_or_else(|| SdkError::invalid(what, "cannot be converted to JSON"))
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    type TextEncoder;
    #[wasm_bindgen(constructor)]
    fn new() -> TextEncoder;
    #[wasm_bindgen(method)]
    fn encode(this: &TextEncoder, input: &JsValue) -> js_sys::Uint8Array;
}

/// A JavaScript value as UTF-8 JSON bytes, as [`to_json_text`] reads it: large inputs
/// (getEvents pages) cross into Wasm through the host's `TextEncoder` and one copy rather
/// than the character loop strings otherwise take.
pub fn to_json_bytes(v: &JsValue, what: &'static str) -> Result<Vec<u8>> {
    let text = if v.is_string() {
        v.clone()
    } else {
        js_sys::JSON::stringify(v)
            .map_err(|_| SdkError::invalid(what, "cannot be converted to JSON"))?
            .into()
    };
    if !text.is_string() {
        return Err(SdkError::invalid(what, "cannot be converted to JSON"));
    }
    Ok(TextEncoder::new().encode(&text).to_vec())
}

pub fn is_missing(v: &JsValue) -> bool {
    v.is_undefined() || v.is_null()
}

/// `obj[key]`; `undefined` when `obj` is not an object.
pub fn get(obj: &JsValue, key: &str) -> JsValue {
    if !obj.is_object() {
        return JsValue::UNDEFINED;
    }
    js_sys::Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

pub fn string(v: &JsValue, what: &'static str) -> Result<String> {
    v.as_string()
        .ok_or_else(|| SdkError::invalid(what, "expected a string"))
}

pub fn opt_string(v: &JsValue, what: &'static str) -> Result<Option<String>> {
    if is_missing(v) {
        Ok(None)
    } else {
        string(v, what).map(Some)
    }
}

/// An integer given as a number (a safe integer), a bigint, or a decimal string.
pub fn integer(v: &JsValue, what: &'static str) -> Result<i128> {
    if let Some(n) = v.as_f64() {
        if n.fract() != 0.0 || n.abs() > 9_007_199_254_740_991.0 {
            return Err(SdkError::invalid(
                what,
                format!("{n} is not a safe integer; pass a bigint or a decimal string"),
            ));
        }
        return Ok(n as i128);
    }
    let text = if let Some(b) = v.dyn_ref::<js_sys::BigInt>() {
        b.to_string(10)
            .ok()
            .and_then(|s| s.as_string())
            .ok_or_else(|| SdkError::invalid(what, "unreadable bigint"))?
    } else if let Some(s) = v.as_string() {
        s
    } else {
        return Err(SdkError::invalid(
            what,
            "expected a number, a bigint or a decimal string",
        ));
    };
    text.trim()
        .parse::<i128>()
        .map_err(|_| SdkError::invalid(what, format!("{text:?} is not an integer")))
}

pub fn u32_of(v: &JsValue, what: &'static str) -> Result<u32> {
    u32::try_from(integer(v, what)?).map_err(|_| SdkError::invalid(what, "out of the u32 range"))
}

pub fn u64_of(v: &JsValue, what: &'static str) -> Result<u64> {
    u64::try_from(integer(v, what)?).map_err(|_| SdkError::invalid(what, "out of the u64 range"))
}

pub fn opt_u32(v: &JsValue, what: &'static str) -> Result<Option<u32>> {
    if is_missing(v) {
        Ok(None)
    } else {
        u32_of(v, what).map(Some)
    }
}

pub fn opt_u64(v: &JsValue, what: &'static str) -> Result<Option<u64>> {
    if is_missing(v) {
        Ok(None)
    } else {
        u64_of(v, what).map(Some)
    }
}

/// Awaits a value that may be a promise (a wallet may answer synchronously).
pub async fn settle(v: JsValue) -> std::result::Result<JsValue, JsValue> {
    let promise = js_sys::Promise::resolve(&v);
    wasm_bindgen_futures::JsFuture::from(promise).await
}

/// The message of a thrown value: `error.message`, a string, or its JSON.
pub fn message_of(e: &JsValue) -> String {
    if let Some(s) = e.as_string() {
        return s;
    }
    if let Some(m) = get(e, "message").as_string() {
        return m;
    }
    js_sys::JSON::stringify(e)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| "unknown error".into())
}

/// Calls `obj.method(args…)` if it is a function; `None` when there is no such method.
pub fn call_method(
    obj: &JsValue,
    method: &str,
    args: &[JsValue],
) -> Option<std::result::Result<JsValue, JsValue>> {
    let f = get(obj, method).dyn_into::<js_sys::Function>().ok()?;
    let list: js_sys::Array = args.iter().collect();
    Some(f.apply(obj, &list))
}

/// A plain object from key/value pairs.
pub fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = js_sys::Object::new();
    for (k, v) in pairs {
        let _ = js_sys::Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o.into()
}
