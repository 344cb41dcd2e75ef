//! Bottom layer: `Spanned<T>`, a value with the span of the YAML that made it — the type
//! every stage keeps spans in, from the parse to the IR and the checks. Spans come from
//! serde-saphyr's locations, tagged with the file being parsed.

use super::{FileId, Span};
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::{Deserialize, Deserializer};
use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;

thread_local! {
    static CURRENT_FILE: Cell<FileId> = const { Cell::new(FileId(0)) };
}

/// Runs `f` with `file` as the file that new spans belong to.
pub fn with_file<R>(file: FileId, f: impl FnOnce() -> R) -> R {
    let prev = CURRENT_FILE.with(|c| c.replace(file));
    let r = f();
    CURRENT_FILE.with(|c| c.set(prev));
    r
}

pub fn span_of(loc: &serde_saphyr::Location) -> Span {
    let file = CURRENT_FILE.with(Cell::get);
    let s = loc.span();
    match (s.byte_offset(), s.byte_len()) {
        (Some(o), Some(l)) => Span::new(file, o as usize, (o + l) as usize),
        _ => Span::new(file, 0, 0),
    }
}

/// A value with the span of the YAML node it came from.
#[derive(Clone, Debug)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

impl<T: PartialEq> PartialEq for Spanned<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T> std::ops::Deref for Spanned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: fmt::Display> fmt::Display for Spanned<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Spanned<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = serde_saphyr::Spanned::<T>::deserialize(d)?;
        Ok(Spanned {
            span: span_of(&s.referenced),
            value: s.value,
        })
    }
}

impl<T: JsonSchema> JsonSchema for Spanned<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }
    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }
    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        T::json_schema(g)
    }
}
