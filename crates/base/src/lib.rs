//! forge-spec's bottom layer: the one `Diagnostic` type, the code table of the stages
//! below the rule catalogue, the renderers (`diag`); files, spans and `Spanned<T>`
//! (`source`); the secret scanner (`secrets`); ordered parallel maps (`par`). Every
//! other crate may use it; it uses none of them.

#![forbid(unsafe_code)]

pub mod diag;
pub mod par;
pub mod secrets;
pub mod source;
pub mod template;
pub mod yaml;
