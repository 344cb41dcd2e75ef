//! Codes of an organisation (a spec repository of many services and teams: root files
//! beside `services/<name>/`); detection lives in `ir::org`. Their examples are
//! several files, each after a `# file: PATH` line.

mod foreign_route;
mod misplaced_section;
mod name_collision;
mod unknown_team;

pub use foreign_route::FOREIGN_ROUTE;
pub use misplaced_section::MISPLACED_SECTION;
pub use name_collision::NAME_COLLISION;
pub use unknown_team::UNKNOWN_TEAM;

pub static CODES: &[&crate::diag::Code] = &[
    &MISPLACED_SECTION,
    &UNKNOWN_TEAM,
    &FOREIGN_ROUTE,
    &NAME_COLLISION,
];
