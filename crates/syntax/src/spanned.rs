//! Stage 1, parse: `Map<V>` and `Quantity`, span-keeping building blocks of the spec
//! structs (`Spanned<T>` itself sits at the bottom layer, in `source::spanned`).

pub use forge_spec_base::source::spanned::{Spanned, span_of, with_file};
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// A YAML mapping from names to values, in source order, keys with their spans.
/// Duplicate keys are refused by the YAML reader (P004).
#[derive(Clone, Debug)]
pub struct Map<V>(pub Vec<(Spanned<String>, V)>);

impl<V> Default for Map<V> {
    fn default() -> Self {
        Map(Vec::new())
    }
}

impl<V> Map<V> {
    pub fn iter(&self) -> impl Iterator<Item = (&Spanned<String>, &V)> {
        self.0.iter().map(|(k, v)| (k, v))
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn get(&self, key: &str) -> Option<&V> {
        self.0.iter().find(|(k, _)| k.value == key).map(|(_, v)| v)
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Map<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V_<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for V_<V> {
            type Value = Map<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping of names to definitions")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Map<V>, A::Error> {
                let mut out = Vec::new();
                while let Some(k) = m.next_key::<Spanned<String>>()? {
                    let v = m.next_value::<V>()?;
                    out.push((k, v));
                }
                Ok(Map(out))
            }
            fn visit_unit<E>(self) -> Result<Map<V>, E> {
                Ok(Map(Vec::new()))
            }
        }
        d.deserialize_map(V_(std::marker::PhantomData))
    }
}

impl<V: JsonSchema> JsonSchema for Map<V> {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        format!("Map_of_{}", V::schema_name()).into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let v = g.subschema_for::<V>();
        schemars::json_schema!({
            "type": "object",
            "additionalProperties": v,
        })
    }
}

/// A number or a string with a unit (`99.9%`, `0.999`, `500ms`), kept as written.
#[derive(Clone, Debug, PartialEq, serde::Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Quantity {
    Number(f64),
    Text(String),
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Quantity::Number(n) => write!(f, "{n}"),
            Quantity::Text(s) => f.write_str(s),
        }
    }
}
