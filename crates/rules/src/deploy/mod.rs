//! Rules of the `deploy` family: what the engines of `outputs:` would refuse or
//! silently merge; the codes reported below the catalogue are declared in
//! `diag::codes::deploy` and re-exported here.

mod kubernetes_name_collision;
mod kubernetes_templates;
mod kubernetes_time_zone;

pub use kubernetes_name_collision::KUBERNETES_NAME_COLLISION;
pub use kubernetes_templates::KUBERNETES_TEMPLATES;
pub use kubernetes_time_zone::KUBERNETES_TIME_ZONE;

/// The checks of this family, each with its code.
pub static CHECKS: &[(&forge_spec_base::diag::Code, super::CheckFn)] = &[
    (&KUBERNETES_NAME_COLLISION, kubernetes_name_collision::check),
    (&KUBERNETES_TIME_ZONE, kubernetes_time_zone::check),
    (&KUBERNETES_TEMPLATES, kubernetes_templates::check),
];
