//! Bottom layer: the codes that stages below the rule catalogue report — the parse
//! stage (`syntax`), the condition language (`expr`), the resolver (`ir`) and the
//! pipeline — each declared once, with its documentation, in a file of its own. Any
//! stage may name one of these without importing the catalogue; `rules` adds the codes
//! of its model checks and keeps the one registry of them all.

pub mod change;
pub mod deploy;
pub mod exprs;
pub mod import;
pub mod live;
pub mod logs;
pub mod names;
pub mod org;
pub mod parse;
pub mod slos;

/// Every code declared in this layer.
pub fn all() -> impl Iterator<Item = &'static super::Code> {
    [
        parse::CODES,
        names::CODES,
        exprs::CODES,
        slos::CODES,
        logs::CODES,
        org::CODES,
        deploy::CODES,
        import::CODES,
        change::CODES,
        live::CODES,
    ]
    .into_iter()
    .flat_map(|c| c.iter().copied())
}
