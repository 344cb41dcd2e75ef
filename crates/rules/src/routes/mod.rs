//! Rules of the `routes` family: one file per rule, the doc comment is its documentation.

mod alert_misrouted;
mod incomplete_receiver;
mod inhibit_across_subjects;
mod inhibit_cycle;
mod inhibit_without_equal;
mod route_timing;
mod routing_test_failed;
mod shadowed_route;
mod unknown_group_by_label;
mod unused_receiver;

pub use alert_misrouted::ALERT_MISROUTED;
pub use incomplete_receiver::INCOMPLETE_RECEIVER;
pub use inhibit_across_subjects::INHIBIT_ACROSS_SUBJECTS;
pub use inhibit_cycle::INHIBIT_CYCLE;
pub use inhibit_without_equal::INHIBIT_WITHOUT_EQUAL;
pub use route_timing::ROUTE_TIMING;
pub use routing_test_failed::ROUTING_TEST_FAILED;
pub use shadowed_route::SHADOWED_ROUTE;
pub use unknown_group_by_label::UNKNOWN_GROUP_BY_LABEL;
pub use unused_receiver::UNUSED_RECEIVER;

/// The checks of this family, each with its code.
pub static CHECKS: &[(&forge_spec_base::diag::Code, super::CheckFn)] = &[
    (&ALERT_MISROUTED, alert_misrouted::check),
    (&INCOMPLETE_RECEIVER, incomplete_receiver::check),
    (&INHIBIT_ACROSS_SUBJECTS, inhibit_across_subjects::check),
    (&INHIBIT_CYCLE, inhibit_cycle::check),
    (&INHIBIT_WITHOUT_EQUAL, inhibit_without_equal::check),
    (&ROUTE_TIMING, route_timing::check),
    (&ROUTING_TEST_FAILED, routing_test_failed::check),
    (&SHADOWED_ROUTE, shadowed_route::check),
    (&UNKNOWN_GROUP_BY_LABEL, unknown_group_by_label::check),
    (&UNUSED_RECEIVER, unused_receiver::check),
];
