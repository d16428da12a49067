//! `contracts/EVENTS.md` against the decoder: every listed event must have a decoder with
//! the same topics and data fields (names and types), and an event built from the
//! catalogue's description alone — not from the decoder's own table — must decode, from
//! the contract of its section. Event names are unique per section, not across sections
//! (`funded` is a rewards and a bridge event), so events are keyed by (section, name).
// Native only: reads contracts/EVENTS.md from disk.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use stellar_xdr::{
    AccountId, Int128Parts, PublicKey, ScAddress, ScBytes, ScMap, ScMapEntry, ScString, ScSymbol,
    ScVal, ScVec, Uint256,
};
use teachlink_indexer::decode::{ContractKind, Decoded, Decoder, RawEvent, CATALOGUE};
use teachlink_indexer::encode::b64;

const EVENTS_MD: &str = include_str!("../../contracts/EVENTS.md");

/// One documented event: topics and data as (name, type).
#[derive(Debug, PartialEq, Eq)]
struct Documented {
    topics: Vec<(String, String)>,
    data: Vec<(String, String)>,
}

/// The backticked `name: Type` items of a table cell (`—` is none).
fn fields(cell: &str) -> Vec<(String, String)> {
    cell.split('`')
        .skip(1)
        .step_by(2)
        .map(|f| {
            let (n, t) = f
                .split_once(':')
                .unwrap_or_else(|| panic!("field without a type in EVENTS.md: {f:?}"));
            (n.trim().to_string(), t.trim().to_string())
        })
        .collect()
}

/// The documented events by (section, name).
fn parse_catalogue(md: &str) -> BTreeMap<(String, String), Documented> {
    let mut section = String::new();
    let mut out = BTreeMap::new();
    for line in md.lines() {
        if let Some(s) = line.strip_prefix("## ") {
            section = s.trim().to_string();
            continue;
        }
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // `| `name` | topics | data |` splits into ["", name, topics, data, ""].
        if cells.len() != 5 || !cells[1].starts_with('`') {
            continue;
        }
        let name = cells[1].trim_matches('`').to_string();
        let doc = Documented {
            topics: fields(cells[2]),
            data: fields(cells[3]),
        };
        assert!(
            out.insert((section.clone(), name.clone()), doc).is_none(),
            "{name} listed twice in section {section}"
        );
    }
    out
}

fn account(b: u8) -> ScVal {
    ScVal::Address(ScAddress::Account(AccountId(
        PublicKey::PublicKeyTypeEd25519(Uint256([b; 32])),
    )))
}

fn sym(s: &str) -> ScVal {
    ScVal::Symbol(ScSymbol(s.try_into().unwrap()))
}

fn map(mut entries: Vec<(String, ScVal)>) -> ScVal {
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let entries: Vec<ScMapEntry> = entries
        .into_iter()
        .map(|(k, val)| ScMapEntry { key: sym(&k), val })
        .collect();
    ScVal::Map(Some(ScMap(entries.try_into().unwrap())))
}

/// A value of a documented type, encoded as the Soroban host encodes it.
fn value_of(ty: &str) -> ScVal {
    match ty {
        "Address" => account(1),
        "u64" => ScVal::U64(7),
        "u32" => ScVal::U32(3),
        "i128" => ScVal::I128(Int128Parts { hi: 0, lo: 1_000 }),
        "bool" => ScVal::Bool(true),
        "String" => ScVal::String(ScString(b"text".to_vec().try_into().unwrap())),
        "Symbol" => sym("sym"),
        // Any value (a timelocked call's arguments): a u32, say.
        "Val" => ScVal::U32(9),
        "BytesN<32>" => ScVal::Bytes(ScBytes(vec![5u8; 32].try_into().unwrap())),
        // Variable length: an EVM address, say.
        "Bytes" => ScVal::Bytes(ScBytes(vec![6u8; 20].try_into().unwrap())),
        // A contracttype enum: a vector of the variant name and its values.
        "Resolution" => ScVal::Vec(Some(ScVec(
            vec![sym("Split"), ScVal::U32(2_500)].try_into().unwrap(),
        ))),
        // A contracttype struct: a map of its fields.
        "Signer" => map(vec![
            ("address".into(), account(2)),
            ("weight".into(), ScVal::U32(1)),
        ]),
        t if t.starts_with("Option<") && t.ends_with('>') => value_of(&t[7..t.len() - 1]),
        t if t.starts_with("Vec<") && t.ends_with('>') => ScVal::Vec(Some(ScVec(
            vec![value_of(&t[4..t.len() - 1])].try_into().unwrap(),
        ))),
        other => panic!("EVENTS.md uses type {other:?}, which this test cannot build"),
    }
}

#[test]
fn every_catalogued_event_has_a_decoder_with_the_same_fields() {
    let documented = parse_catalogue(EVENTS_MD);
    assert!(documented.len() >= 38, "EVENTS.md parsed to too few events");
    let mut problems = Vec::new();
    for ((section, name), doc) in &documented {
        let Some(spec) = CATALOGUE
            .iter()
            .find(|s| s.section == section && s.name == name)
        else {
            problems.push(format!("{name} ({section}) has no decoder"));
            continue;
        };
        let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
            v.iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect()
        };
        let ours = Documented {
            topics: pairs(spec.topics),
            data: pairs(spec.data),
        };
        if &ours != doc {
            problems.push(format!(
                "{name} differs\n  EVENTS.md: {doc:?}\n  decoder:   {ours:?}"
            ));
        }
    }
    for spec in CATALOGUE {
        if !documented.contains_key(&(spec.section.to_string(), spec.name.to_string())) {
            problems.push(format!(
                "the decoder knows {} ({}), EVENTS.md does not",
                spec.name, spec.section
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn contract_id(kind: ContractKind) -> [u8; 32] {
    let i = ContractKind::ALL.iter().position(|k| *k == kind).unwrap();
    [20 + i as u8; 32]
}

#[test]
fn an_event_built_from_the_catalogue_alone_decodes() {
    // One contract of each kind; the common events are tried from every one of them.
    let mut decoder = Decoder::with_contracts(
        ContractKind::ALL.map(|k| (teachlink_indexer::Address::Contract(contract_id(k)), k)),
    );
    let documented = parse_catalogue(EVENTS_MD);
    for section in documented.keys().map(|(s, _)| s) {
        assert!(
            section == "common" || ContractKind::from_name(section).is_some(),
            "EVENTS.md section {section} is not a contract the decoder knows"
        );
    }
    let cases = documented.iter().flat_map(|((section, name), doc)| {
        let kinds: Vec<ContractKind> = match ContractKind::from_name(section) {
            Some(k) => vec![k],
            None => ContractKind::ALL.to_vec(),
        };
        kinds.into_iter().map(move |k| (section, name, doc, k))
    });
    for (i, (section, name, doc, kind)) in cases.enumerate() {
        let mut topic = vec![b64(&sym(name)).unwrap()];
        topic.extend(doc.topics.iter().map(|(_, t)| b64(&value_of(t)).unwrap()));
        let data = map(doc
            .data
            .iter()
            .map(|(n, t)| (n.clone(), value_of(t)))
            .collect());
        let ledger = 100 + i as u32;
        let raw = RawEvent {
            kind: Some("contract".into()),
            id: format!("{:019}-{:010}", u64::from(ledger) << 32 | 1 << 12, 0),
            ledger,
            ledger_closed_at: "2026-01-01T00:00:00Z".into(),
            contract_id: ScAddress::Contract(stellar_xdr::ContractId(stellar_xdr::Hash(
                contract_id(kind),
            )))
            .to_string(),
            tx_hash: "ab".repeat(32),
            topic,
            value: b64(&data).unwrap(),
            in_successful_contract_call: None,
        };
        match decoder.decode(raw) {
            Decoded::Event(e) => {
                assert_eq!(e.body.name(), name);
                assert_eq!(
                    e.body.contract_kind().map_or("common", ContractKind::name),
                    section,
                    "{name} decoded as another section's event"
                );
            }
            Decoded::Unknown(_, reason) => {
                panic!("{name} ({section}) built from EVENTS.md, from {kind:?}: {reason}")
            }
        }
    }
}
