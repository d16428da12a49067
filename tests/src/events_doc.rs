//! The event catalogue `contracts/EVENTS.md` and the events a built contract
//! declares in its Wasm spec, in one comparable shape.
use std::collections::BTreeMap;

use soroban_sdk::xdr::{ScSpecEntry, ScSpecEventParamLocationV0, ScSpecTypeDef};

/// One event: its name (the first topic), the fields after it in the topic
/// list, and the fields of the data map, each as `name: Type`.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct EventShape {
    pub topics: Vec<String>,
    pub data: Vec<String>,
}

/// Events by name.
pub type Catalogue = BTreeMap<String, EventShape>;

/// The section of EVENTS.md whose events every contract emits.
pub const COMMON_SECTION: &str = "common";

/// Parses EVENTS.md into catalogues by section (`## name` headings).
pub fn parse_markdown(markdown: &str) -> Result<BTreeMap<String, Catalogue>, String> {
    let mut sections: BTreeMap<String, Catalogue> = BTreeMap::new();
    let mut current: Option<String> = None;
    for (number, line) in markdown.lines().enumerate() {
        if let Some(heading) = line.strip_prefix("## ") {
            let name = heading.trim().to_string();
            sections.entry(name.clone()).or_default();
            current = Some(name);
            continue;
        }
        let line = line.trim();
        if !line.starts_with("| `") {
            continue;
        }
        let section = current
            .as_ref()
            .ok_or_else(|| format!("line {}: event row before any ## section", number + 1))?;
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        if cells.len() != 3 {
            return Err(format!(
                "line {}: expected | event | topics | data |",
                number + 1
            ));
        }
        let name = cells[0].trim_matches('`').to_string();
        let shape = EventShape {
            topics: backticked(cells[1]),
            data: backticked(cells[2]),
        };
        let catalogue = sections.entry(section.clone()).or_default();
        if catalogue.insert(name.clone(), shape).is_some() {
            return Err(format!("line {}: {name} listed twice", number + 1));
        }
    }
    Ok(sections)
}

fn backticked(cell: &str) -> Vec<String> {
    cell.split('`')
        .skip(1)
        .step_by(2)
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

/// The events a contract's Wasm declares in its `contractspecv0` section.
pub fn from_wasm(wasm: &[u8]) -> Result<Catalogue, String> {
    let entries = soroban_spec::read::from_wasm(wasm).map_err(|e| e.to_string())?;
    let mut catalogue = Catalogue::new();
    for entry in entries {
        let ScSpecEntry::EventV0(event) = entry else {
            continue;
        };
        let name = event
            .prefix_topics
            .first()
            .map(|t| t.to_utf8_string_lossy())
            .ok_or_else(|| {
                format!(
                    "event {} has no name topic",
                    event.name.to_utf8_string_lossy()
                )
            })?;
        let mut shape = EventShape {
            topics: event
                .prefix_topics
                .iter()
                .skip(1)
                .map(|t| format!("{}: Symbol", t.to_utf8_string_lossy()))
                .collect(),
            data: Vec::new(),
        };
        for param in event.params.iter() {
            let field = format!(
                "{}: {}",
                param.name.to_utf8_string_lossy(),
                type_name(&param.type_)
            );
            match param.location {
                ScSpecEventParamLocationV0::TopicList => shape.topics.push(field),
                ScSpecEventParamLocationV0::Data => shape.data.push(field),
            }
        }
        catalogue.insert(name, shape);
    }
    Ok(catalogue)
}

/// The Rust spelling of a spec type, as EVENTS.md writes it.
pub fn type_name(t: &ScSpecTypeDef) -> String {
    match t {
        ScSpecTypeDef::Val => "Val".into(),
        ScSpecTypeDef::Bool => "bool".into(),
        ScSpecTypeDef::Void => "()".into(),
        ScSpecTypeDef::Error => "Error".into(),
        ScSpecTypeDef::U32 => "u32".into(),
        ScSpecTypeDef::I32 => "i32".into(),
        ScSpecTypeDef::U64 => "u64".into(),
        ScSpecTypeDef::I64 => "i64".into(),
        ScSpecTypeDef::Timepoint => "Timepoint".into(),
        ScSpecTypeDef::Duration => "Duration".into(),
        ScSpecTypeDef::U128 => "u128".into(),
        ScSpecTypeDef::I128 => "i128".into(),
        ScSpecTypeDef::U256 => "U256".into(),
        ScSpecTypeDef::I256 => "I256".into(),
        ScSpecTypeDef::Bytes => "Bytes".into(),
        ScSpecTypeDef::String => "String".into(),
        ScSpecTypeDef::Symbol => "Symbol".into(),
        ScSpecTypeDef::Address => "Address".into(),
        ScSpecTypeDef::MuxedAddress => "MuxedAddress".into(),
        ScSpecTypeDef::Option(o) => format!("Option<{}>", type_name(&o.value_type)),
        ScSpecTypeDef::Result(r) => format!(
            "Result<{}, {}>",
            type_name(&r.ok_type),
            type_name(&r.error_type)
        ),
        ScSpecTypeDef::Vec(v) => format!("Vec<{}>", type_name(&v.element_type)),
        ScSpecTypeDef::Map(m) => format!(
            "Map<{}, {}>",
            type_name(&m.key_type),
            type_name(&m.value_type)
        ),
        ScSpecTypeDef::Tuple(t) => format!(
            "({})",
            t.value_types
                .iter()
                .map(type_name)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        ScSpecTypeDef::BytesN(b) => format!("BytesN<{}>", b.n),
        ScSpecTypeDef::Udt(u) => u.name.to_utf8_string_lossy(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sections_rows_and_empty_cells() {
        let md = "# Events\n\n## escrow\n\n| event | topics | data |\n|---|---|---|\n\
                  | `escrow_created` | `escrow_id: u64`, `depositor: Address` | `amount: i128` |\n\
                  | `paused_thing` | `by: Address` | — |\n";
        let sections = parse_markdown(md).unwrap();
        let escrow = &sections["escrow"];
        assert_eq!(
            escrow["escrow_created"].topics,
            ["escrow_id: u64", "depositor: Address"]
        );
        assert_eq!(escrow["escrow_created"].data, ["amount: i128"]);
        assert!(escrow["paused_thing"].data.is_empty());
    }

    #[test]
    fn refuses_duplicate_rows_and_rows_outside_sections() {
        assert!(parse_markdown("| `a` | — | — |\n").is_err());
        let twice = "## x\n| `a` | — | — |\n| `a` | — | — |\n";
        assert!(parse_markdown(twice).unwrap_err().contains("twice"));
    }
}
