//! Owns `decodeEvents`: raw Stellar RPC `getEvents` JSON into the typed TeachLink events,
//! by the indexer's own decoder (`teachlink_indexer::decode`), so the app, the light
//! indexer and the server read events one way. The output is the indexer's JSON form of
//! each event; events that do not decode are returned apart, with the reason.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use teachlink_indexer::decode::{ContractKind, Decoder, RawEvent};
use teachlink_indexer::{Address, Decoded, Deployment, Event};
#[cfg(feature = "js")]
use wasm_bindgen::prelude::*;

use crate::error::{Result, SdkError};
#[cfg(feature = "js")]
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
#[cfg(feature = "js")]
#[wasm_bindgen(js_name = decodeEvents, unchecked_return_type = "DecodedEvents")]
pub fn decode_events(
    #[wasm_bindgen(unchecked_param_type = "string | GetEventsResult | RawEvent[]")] events: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "string | Deployment | null")]
    deployment: JsValue,
) -> std::result::Result<JsValue, JsValue> {
    let events = js::to_json_bytes(&events, "events")?;
    let deployment = if js::is_missing(&deployment) {
        None
    } else {
        Some(js::to_json_text(&deployment, "deployment")?)
    };
    Ok(js::to_js(&decode_bytes(&events, deployment.as_deref())?)?)
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
