//! Owns `decodeEvents`: raw Stellar RPC `getEvents` JSON into the typed TeachLink events,
//! by the indexer's own decoder (`teachlink_indexer::decode`), so the app, the light
//! indexer and the server read events one way. The output is the indexer's JSON form of
//! each event; events that do not decode are returned apart, with the reason.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use teachlink_indexer::decode::{ContractKind, Decoder, RawEvent};
use teachlink_indexer::{Address, Decoded, Deployment, Event};
#[cfg(feature = "events-js")]
use wasm_bindgen::prelude::*;

use crate::error::{Result, SdkError};
#[cfg(feature = "boundary-bench")]
use crate::js;

/// An event kept raw because it did not decode.
#[derive(Debug, Serialize)]
pub struct UnknownEvent {
    pub id: String,
    pub reason: String,
    pub raw: RawEvent,
}

/// What `decodeEvents` returns.
#[derive(Debug, Serialize)]
pub struct DecodedEvents {
    pub events: Vec<Event>,
    pub unknown: Vec<UnknownEvent>,
}

/// The raw events of a getEvents answer: the whole JSON-RPC response, its `result`, or the
/// bare `events` array. Parsed straight into the events (no intermediate JSON tree).
fn raw_events(text: &[u8]) -> Result<Vec<RawEvent>> {
    #[derive(Deserialize)]
    struct Events {
        events: Option<Vec<RawEvent>>,
    }
    #[derive(Deserialize)]
    struct Envelope {
        result: Option<Events>,
        events: Option<Vec<RawEvent>>,
    }
    let bad = |e: serde_json::Error| SdkError::Events(e.to_string());
    match text.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'[') => serde_json::from_slice(text).map_err(bad),
        Some(b'{') => {
            let envelope: Envelope = serde_json::from_slice(text).map_err(bad)?;
            match envelope.result {
                Some(r) => r.events,
                None => envelope.events,
            }
            .ok_or_else(|| SdkError::Events("no `events` array".into()))
        }
        Some(_) => {
            let _: Value = serde_json::from_slice(text)
                .map_err(|e| SdkError::Events(format!("not JSON: {e}")))?;
            Err(SdkError::Events(
                "expected a getEvents result or an array of events".into(),
            ))
        }
        None => Err(SdkError::Events("not JSON: empty input".into())),
    }
}

/// A decoder that accepts each event only from the deployment's contract that emits it
/// (as the indexer's syncer does); without a deployment, any catalogued event from anyone.
fn decoder(deployment: Option<Deployment>) -> Result<Decoder> {
    let Some(d) = deployment else {
        return Ok(Decoder::new());
    };
    let mut kinds = Vec::new();
    for (name, id) in &d.contracts {
        let address: Address = id
            .parse()
            .map_err(|_| SdkError::Events(format!("contract {name}: invalid id {id:?}")))?;
        if let Some(kind) = ContractKind::from_name(name) {
            kinds.push((address, kind));
        }
    }
    Ok(if kinds.is_empty() {
        Decoder::new()
    } else {
        Decoder::with_contracts(kinds)
    })
}

/// Decodes getEvents JSON text, optionally for a deployment (JSON text).
pub fn decode_json(events: &str, deployment: Option<&str>) -> Result<DecodedEvents> {
    decode_bytes(events.as_bytes(), deployment)
}

/// Decodes getEvents JSON as UTF-8 bytes, optionally for a deployment (JSON text).
pub fn decode_bytes(events: &[u8], deployment: Option<&str>) -> Result<DecodedEvents> {
    let raws = raw_events(events)?;
    let deployment = deployment
        .map(|d| {
            serde_json::from_str::<Deployment>(d)
                .map_err(|e| SdkError::Events(format!("invalid deployment: {e}")))
        })
        .transpose()?;
    decode_raws(raws, deployment)
}

/// Decodes parsed getEvents events, optionally for a deployment.
pub fn decode_raws(raws: Vec<RawEvent>, deployment: Option<Deployment>) -> Result<DecodedEvents> {
    let mut decoder = decoder(deployment)?;
    let mut out = DecodedEvents {
        events: Vec::new(),
        unknown: Vec::new(),
    };
    for raw in raws {
        match decoder.decode(raw) {
            Decoded::Event(e) => out.events.push(e),
            Decoded::Unknown(raw, reason) => out.unknown.push(UnknownEvent {
                id: raw.id.clone(),
                reason: reason.to_string(),
                raw,
            }),
        }
    }
    Ok(out)
}

/// Decodes Stellar RPC getEvents output (the response, its `result`, or the `events` array;
/// an object or JSON text) into typed TeachLink events. With `deployment` (localnet's
/// deployment file: `{ contracts: { escrow: "C…", … } }`), each event is accepted only from
/// the contract that emits it.
///
/// No JSON text crosses the boundary: the events are read field by field from the
/// JavaScript objects (`from_js`) and the result is built as JavaScript objects by
/// serde-wasm-bindgen, the faster of the ways measured in Chromium (docs/benchmarks.md).
#[cfg(feature = "events-js")]
#[wasm_bindgen(js_name = decodeEvents, unchecked_return_type = "DecodedEvents")]
pub fn decode_events(
    #[wasm_bindgen(unchecked_param_type = "string | GetEventsResult | RawEvent[]")] events: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "string | Deployment | null")]
    deployment: JsValue,
) -> std::result::Result<JsValue, JsValue> {
    let raws = from_js::raw_events(&events)?;
    let deployment = from_js::deployment(&deployment)?;
    Ok(from_js::out(&decode_raws(raws, deployment)?)?)
}

/// The boundary variants `scripts/sdk-bench.sh --boundary` times in Chromium against each
/// other (feature `boundary-bench`, never in the package): `json` (the events through
/// `JSON.stringify` + `TextEncoder` into serde_json, the result through serde_json text and
/// `JSON.parse`), `js` (what `decodeEvents` does), `swb` (serde-wasm-bindgen both ways),
/// `js-json` (objects in, JSON text out).
#[cfg(feature = "boundary-bench")]
#[wasm_bindgen(js_name = decodeEventsVia, unchecked_return_type = "DecodedEvents")]
pub fn decode_events_via(
    variant: &str,
    #[wasm_bindgen(unchecked_param_type = "RawEvent[]")] events: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Deployment")] deployment: JsValue,
) -> std::result::Result<JsValue, JsValue> {
    let json_in = || -> Result<DecodedEvents> {
        let events = js::to_json_bytes(&events, "events")?;
        let deployment = js::to_json_text(&deployment, "deployment")?;
        decode_bytes(&events, Some(&deployment))
    };
    let js_in = || -> Result<DecodedEvents> {
        decode_raws(
            from_js::raw_events(&events)?,
            from_js::deployment(&deployment)?,
        )
    };
    Ok(match variant {
        "json" => js::to_js(&json_in()?)?,
        "js" => from_js::out(&js_in()?)?,
        "js-json" => js::to_js(&js_in()?)?,
        "swb" => {
            let raws: Vec<RawEvent> = serde_wasm_bindgen::from_value(events)
                .map_err(|e| SdkError::Events(e.to_string()))?;
            let deployment = from_js::deployment(&deployment)?;
            from_js::out(&decode_raws(raws, deployment)?)?
        }
        _ => return Err(SdkError::invalid("variant", "json, js, js-json or swb").into()),
    })
}

/// Owns reading getEvents values from JavaScript objects and writing the result as
/// JavaScript objects, without JSON text.
#[cfg(feature = "events-js")]
mod from_js {
    use js_sys::{Array, Reflect};
    use serde::Serialize;
    use teachlink_indexer::{Deployment, RawEvent};
    use wasm_bindgen::{JsCast, JsValue};

    use crate::error::{Result, SdkError};
    use crate::js;

    /// The property names read from every event, made JavaScript strings once per call
    /// rather than once per event and field.
    struct Keys {
        kind: JsValue,
        id: JsValue,
        ledger: JsValue,
        ledger_closed_at: JsValue,
        contract_id: JsValue,
        tx_hash: JsValue,
        topic: JsValue,
        value: JsValue,
        in_successful_contract_call: JsValue,
    }

    impl Keys {
        fn new() -> Keys {
            Keys {
                kind: "type".into(),
                id: "id".into(),
                ledger: "ledger".into(),
                ledger_closed_at: "ledgerClosedAt".into(),
                contract_id: "contractId".into(),
                tx_hash: "txHash".into(),
                topic: "topic".into(),
                value: "value".into(),
                in_successful_contract_call: "inSuccessfulContractCall".into(),
            }
        }
    }

    fn get(obj: &JsValue, key: &JsValue) -> JsValue {
        Reflect::get(obj, key).unwrap_or(JsValue::UNDEFINED)
    }

    fn bad(i: usize, field: &str, expected: &str) -> SdkError {
        SdkError::Events(format!("event {i}: `{field}` is not {expected}"))
    }

    /// A JSON text argument parsed by the host's `JSON.parse`; other values as they are.
    fn parsed(v: &JsValue, what: &str) -> Result<JsValue> {
        match v.as_string() {
            Some(text) => js_sys::JSON::parse(&text)
                .map_err(|e| SdkError::Events(format!("{what}: not JSON: {}", js::message_of(&e)))),
            None => Ok(v.clone()),
        }
    }

    /// The events of a getEvents answer: the whole JSON-RPC response, its `result`, or the
    /// bare `events` array (objects, or JSON text of them).
    pub fn raw_events(v: &JsValue) -> Result<Vec<RawEvent>> {
        let v = parsed(v, "events")?;
        let list = if Array::is_array(&v) {
            v
        } else if v.is_object() {
            let result = js::get(&v, "result");
            let events = if result.is_object() {
                js::get(&result, "events")
            } else {
                js::get(&v, "events")
            };
            if !Array::is_array(&events) {
                return Err(SdkError::Events("no `events` array".into()));
            }
            events
        } else {
            return Err(SdkError::Events(
                "expected a getEvents result or an array of events".into(),
            ));
        };
        let list: Array = list.unchecked_into();
        let keys = Keys::new();
        let mut out = Vec::with_capacity(list.length() as usize);
        for (i, e) in list.iter().enumerate() {
            out.push(raw_event(&keys, &e, i)?);
        }
        Ok(out)
    }

    fn raw_event(k: &Keys, e: &JsValue, i: usize) -> Result<RawEvent> {
        if !e.is_object() {
            return Err(SdkError::Events(format!("event {i} is not an object")));
        }
        let string = |key: &JsValue, field: &str| {
            get(e, key)
                .as_string()
                .ok_or_else(|| bad(i, field, "a string"))
        };
        // Optional strings: absent (or null) is empty, as serde's `default` reads them.
        let or_empty = |key: &JsValue, field: &str| {
            let v = get(e, key);
            if js::is_missing(&v) {
                Ok(String::new())
            } else {
                v.as_string().ok_or_else(|| bad(i, field, "a string"))
            }
        };
        let ledger = get(e, &k.ledger)
            .as_f64()
            .filter(|n| n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(n))
            .ok_or_else(|| bad(i, "ledger", "a ledger number"))? as u32;
        let topic = get(e, &k.topic);
        if !Array::is_array(&topic) {
            return Err(bad(i, "topic", "an array of strings"));
        }
        let topic = topic
            .unchecked_into::<Array>()
            .iter()
            .map(|t| {
                t.as_string()
                    .ok_or_else(|| bad(i, "topic", "an array of strings"))
            })
            .collect::<Result<Vec<String>>>()?;
        let kind = get(e, &k.kind);
        let kind = if js::is_missing(&kind) {
            None
        } else {
            Some(kind.as_string().ok_or_else(|| bad(i, "type", "a string"))?)
        };
        let ok = get(e, &k.in_successful_contract_call);
        let in_successful_contract_call = if js::is_missing(&ok) {
            None
        } else {
            Some(
                ok.as_bool()
                    .ok_or_else(|| bad(i, "inSuccessfulContractCall", "a boolean"))?,
            )
        };
        Ok(RawEvent {
            kind,
            id: string(&k.id, "id")?,
            ledger,
            ledger_closed_at: string(&k.ledger_closed_at, "ledgerClosedAt")?,
            contract_id: or_empty(&k.contract_id, "contractId")?,
            tx_hash: or_empty(&k.tx_hash, "txHash")?,
            topic,
            value: string(&k.value, "value")?,
            in_successful_contract_call,
        })
    }

    /// The deployment argument (an object, JSON text, or missing).
    pub fn deployment(v: &JsValue) -> Result<Option<Deployment>> {
        if js::is_missing(v) {
            return Ok(None);
        }
        let v = parsed(v, "deployment")?;
        serde_wasm_bindgen::from_value(v).map(Some).map_err(|e| {
            let message = js::message_of(&e.into());
            SdkError::Events(format!("invalid deployment: {message}"))
        })
    }

    /// A result as plain JavaScript objects of the same shape as its JSON form: objects
    /// for structs and maps, `null` for `None`, numbers for integers (the SDK's amounts
    /// and other 128-bit values are decimal strings already).
    pub fn out<T: Serialize>(v: &T) -> Result<JsValue> {
        v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
            .map_err(|e| SdkError::Malformed(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use teachlink_indexer::encode;

    #[test]
    fn bad_input_is_a_typed_error() {
        assert_eq!(
            decode_json("nope", None).unwrap_err().code(),
            "invalid_events"
        );
        assert_eq!(
            decode_json("{}", None).unwrap_err().code(),
            "invalid_events"
        );
        assert_eq!(
            decode_json("42", None).unwrap_err().code(),
            "invalid_events"
        );
        assert_eq!(
            decode_json("[]", Some("{}")).unwrap_err().code(),
            "invalid_events"
        );
        let out = decode_json(r#"{"result":{"events":[]}}"#, None).unwrap();
        assert!(out.events.is_empty() && out.unknown.is_empty());
    }

    #[test]
    fn garbage_events_are_kept_as_unknown() {
        let raw = serde_json::json!([{
            "type": "contract", "id": "0000000030064783360-0000000002", "ledger": 7,
            "ledgerClosedAt": "2024-01-01T00:00:00Z", "contractId": "", "txHash": "",
            "topic": ["!!"], "value": "AAAA"
        }]);
        let out = decode_json(&raw.to_string(), None).unwrap();
        assert_eq!(out.unknown.len(), 1);
        assert!(out.events.is_empty());
    }

    /// Every event the indexer's encoder produces decodes here to what the indexer
    /// decodes: the same code, reached through this crate's JSON entry point.
    #[test]
    fn matches_the_indexer_for_encoded_events() {
        use teachlink_indexer::traffic;
        let events = traffic::stream(200);
        let raws: Vec<RawEvent> = events
            .iter()
            .map(|d| match d {
                Decoded::Event(e) => encode::to_raw(e).unwrap(),
                Decoded::Unknown(raw, _) => raw.clone(),
            })
            .collect();
        let text = serde_json::to_string(&raws).unwrap();
        let ours = decode_json(&text, None).unwrap();
        let mut dec = Decoder::new();
        let theirs: Vec<Event> = raws
            .into_iter()
            .filter_map(|r| match dec.decode(r) {
                Decoded::Event(e) => Some(e),
                Decoded::Unknown(..) => None,
            })
            .collect();
        assert!(ours.events == theirs, "the SDK and the indexer disagree");
        // Without contract ids only the name shared by two contracts (`funded`) is kept raw.
        assert_eq!(ours.events.len() + ours.unknown.len(), events.len());
        assert!(ours.events.len() > events.len() / 2);
    }
}
