//! The commands of the binary, one module each; `main.rs` parses the command line
//! and dispatches here.

mod build;
mod diff;
mod explain;
mod import;
mod live_check;
mod routes;

pub(crate) use build::*;
pub(crate) use diff::*;
pub(crate) use explain::*;
pub(crate) use import::*;
pub(crate) use live_check::*;
pub(crate) use routes::*;
