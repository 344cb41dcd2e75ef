//! Stage 2, resolve: receivers as the model holds them — each integration with its
//! fields and their spans, as [`forge_spec_syntax::integrations`] declares them.
//! Secrets only as `*_file` paths; literal secret fields are kept, spanned, for the
//! `literal-secret` rule to report, and no writer has a place for them.

use super::S;
use forge_spec_syntax as syntax;
pub use syntax::integrations::{
    ALL as INTEGRATIONS, Field, FieldKind, Integration, Kind, Out, Require, Setting, Value,
};

/// One receiver with its integrations.
#[derive(Debug, Clone)]
pub struct Receiver {
    pub name: S,
    /// In the order written; [`Receiver::in_table_order`] gives the writers' order.
    pub integrations: Vec<Integration>,
}

impl Receiver {
    /// The model's receiver from the spec's.
    pub fn resolve(name: S, r: syntax::Receiver) -> Receiver {
        Receiver {
            name,
            integrations: r.integrations,
        }
    }
    /// The integration of kind `key` (`slack`), if the receiver has one.
    pub fn integration(&self, key: &str) -> Option<&Integration> {
        self.integrations.iter().find(|i| i.kind.key == key)
    }
    /// The integrations in the table's order (the order the writers emit).
    pub fn in_table_order(&self) -> impl Iterator<Item = &Integration> {
        INTEGRATIONS.iter().filter_map(|k| self.integration(k.key))
    }
    /// Every setting of every integration, with its integration.
    pub fn settings(&self) -> impl Iterator<Item = (&Integration, &Setting)> {
        self.integrations
            .iter()
            .flat_map(|i| i.settings.iter().map(move |s| (i, s)))
    }
}
