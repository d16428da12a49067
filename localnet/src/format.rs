//! Owns `xdrFormat`: how an answer carries each XDR value — base64 under stellar-rpc's `…Xdr`
//! name, or, for `"json"`, stellar-xdr's own serde JSON (the encoding stellar-rpc's xdr2json
//! produces, from the same Rust crate) under its `…Json` name.

use serde::Serialize;
use serde_json::{Map, Value};
use soroban_env_host::xdr::{ReadXdr, WriteXdr};

use crate::error::{LocalnetError, Result};
use crate::xdr_util::{from_b64, to_b64};

/// The `xdrFormat` request option.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum XdrFormat {
    #[default]
    Base64,
    Json,
}

impl XdrFormat {
    /// Parses the option as stellar-rpc does: absent or empty is base64.
    pub fn parse(format: Option<&str>) -> std::result::Result<Self, String> {
        match format {
            None | Some("") | Some("base64") => Ok(XdrFormat::Base64),
            Some("json") => Ok(XdrFormat::Json),
            Some(other) => Err(format!(
                "expected 'base64' or 'json' for 'xdrFormat', got '{other}'"
            )),
        }
    }

    /// Puts `value` into `out`: base64 under `xdr_key`, or JSON under `json_key`.
    pub fn put<T: WriteXdr + Serialize>(
        self,
        out: &mut Map<String, Value>,
        xdr_key: &str,
        json_key: &str,
        value: &T,
    ) -> Result<()> {
        match self {
            XdrFormat::Base64 => out.insert(xdr_key.into(), Value::String(to_b64(value)?)),
            XdrFormat::Json => out.insert(json_key.into(), to_json(value)?),
        };
        Ok(())
    }

    /// Puts a list of values, each encoded as [`XdrFormat::put`] would.
    pub fn put_all<'a, T: WriteXdr + Serialize + 'a>(
        self,
        out: &mut Map<String, Value>,
        xdr_key: &str,
        json_key: &str,
        values: impl IntoIterator<Item = &'a T>,
    ) -> Result<()> {
        let list = values
            .into_iter()
            .map(|v| self.encode(v))
            .collect::<Result<Vec<_>>>()?;
        out.insert(self.key(xdr_key, json_key).into(), Value::Array(list));
        Ok(())
    }

    /// One value in this format (a base64 string or a JSON value).
    pub fn encode<T: WriteXdr + Serialize>(self, value: &T) -> Result<Value> {
        match self {
            XdrFormat::Base64 => Ok(Value::String(to_b64(value)?)),
            XdrFormat::Json => to_json(value),
        }
    }

    /// The field name this format uses.
    pub fn key<'a>(self, xdr_key: &'a str, json_key: &'a str) -> &'a str {
        match self {
            XdrFormat::Base64 => xdr_key,
            XdrFormat::Json => json_key,
        }
    }
}

/// stellar-xdr's JSON for one value.
pub fn to_json<T: Serialize>(value: &T) -> Result<Value> {
    serde_json::to_value(value).map_err(|e| LocalnetError::Invalid(format!("xdr to json: {e}")))
}

/// Rewrites a base64 field of `obj` (a string, or a list of strings) as JSON of type `T`
/// under `json_key`; absent fields stay absent. For answers built in base64 first (the
/// simulator's).
pub fn rewrite<T: ReadXdr + Serialize>(
    obj: &mut Map<String, Value>,
    xdr_key: &str,
    json_key: &str,
) -> Result<()> {
    let Some(v) = obj.remove(xdr_key) else {
        return Ok(());
    };
    let one = |s: &Value| -> Result<Value> {
        let s = s
            .as_str()
            .ok_or_else(|| LocalnetError::Invalid(format!("{xdr_key} is not base64 XDR")))?;
        to_json(&from_b64::<T>(s)?)
    };
    let json = match &v {
        Value::Array(items) => Value::Array(items.iter().map(one).collect::<Result<_>>()?),
        Value::Null => Value::Null,
        other => one(other)?,
    };
    obj.insert(json_key.into(), json);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use soroban_env_host::xdr::{ScSymbol, ScVal};

    #[test]
    fn parses_like_stellar_rpc() {
        assert_eq!(XdrFormat::parse(None), Ok(XdrFormat::Base64));
        assert_eq!(XdrFormat::parse(Some("")), Ok(XdrFormat::Base64));
        assert_eq!(XdrFormat::parse(Some("json")), Ok(XdrFormat::Json));
        assert!(XdrFormat::parse(Some("xml")).is_err());
    }

    #[test]
    fn json_is_stellar_xdrs_serde_encoding() {
        let v = ScVal::Symbol(ScSymbol("fee".try_into().unwrap()));
        assert_eq!(
            XdrFormat::Json.encode(&v).unwrap(),
            serde_json::json!({ "symbol": "fee" })
        );
        let mut m = Map::new();
        m.insert("v".into(), XdrFormat::Base64.encode(&v).unwrap());
        rewrite::<ScVal>(&mut m, "v", "vJson").unwrap();
        assert_eq!(m["vJson"], serde_json::json!({ "symbol": "fee" }));
        assert!(!m.contains_key("v"));
    }
}
