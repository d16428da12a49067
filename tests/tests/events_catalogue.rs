//! `contracts/EVENTS.md` must list exactly the events each built contract
//! declares, with the same topics and data fields: an event missing from the
//! catalogue, or a catalogue entry no contract emits, fails here.
use teachlink_tests::{events_doc, wasm, CONTRACTS};

const CATALOGUE: &str = include_str!("../../contracts/EVENTS.md");

#[test]
fn every_event_of_every_contract_is_documented_exactly() {
    let sections = events_doc::parse_markdown(CATALOGUE).expect("EVENTS.md parses");
    let common = sections
        .get(events_doc::COMMON_SECTION)
        .expect("EVENTS.md has a `## common` section");
    let mut problems = Vec::new();
    for contract in CONTRACTS {
        let declared = events_doc::from_wasm(&wasm(contract)).expect("spec parses");
        let documented = sections
            .get(contract)
            .unwrap_or_else(|| panic!("EVENTS.md has no `## {contract}` section"));
        for (name, shape) in &declared {
            match documented.get(name).or_else(|| common.get(name)) {
                None => problems.push(format!(
                    "{contract}: `{name}` is emitted but not in EVENTS.md"
                )),
                Some(doc) if doc != shape => problems.push(format!(
                    "{contract}: `{name}` differs\n  EVENTS.md: {doc:?}\n  contract:  {shape:?}"
                )),
                Some(_) => {}
            }
        }
        for name in documented.keys().chain(common.keys()) {
            if !declared.contains_key(name) {
                problems.push(format!(
                    "{contract}: EVENTS.md lists `{name}`, which the contract never emits"
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "EVENTS.md is out of date:\n{}",
        problems.join("\n")
    );
}
