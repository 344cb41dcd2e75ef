//! An organisation: many services and teams in one spec repository
//! (`tests/fixtures/org`: 3 teams, 6 services), compiled into per-service outputs and
//! one Alertmanager tree routing by team, then service or severity. promtool and amtool
//! check the fixture's output in `ci/oracles` (amtool's routing agrees with ours there).

use forge_spec::ir::routing::{self, Labels};
use forge_spec::{Compilation, Options, compile, compile_str};
use std::path::PathBuf;

const ORG: &str = "tests/fixtures/org";

fn org() -> Compilation {
    compile(&[PathBuf::from(ORG)], "spec", &Options::default()).expect("fixture loads")
}

fn codes(c: &Compilation) -> Vec<String> {
    c.diagnostics
        .items
        .iter()
        .map(|d| format!("{} {}", d.code.code, d.message))
        .collect()
}

fn labels(kv: &[(&str, &str)]) -> Labels {
    kv.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn receivers(c: &Compilation, kv: &[(&str, &str)]) -> Vec<String> {
    let root = &c.model.as_ref().unwrap().routing.as_ref().unwrap().root;
    routing::simulate(root, &labels(kv))
        .into_iter()
        .map(|d| d.receiver)
        .collect()
}

/// The fixture is clean, and every service of it compiled with its owning team.
#[test]
fn fixture_organisation_compiles_clean() {
    let c = org();
    assert_eq!(codes(&c), Vec::<String>::new());
    let org = c.org.as_ref().unwrap();
    let owners: Vec<(String, String)> = org
        .services
        .iter()
        .map(|u| {
            let m = u.model.as_ref().unwrap();
            (
                u.name.clone(),
                m.service.team.as_ref().unwrap().value.clone(),
            )
        })
        .collect();
    assert_eq!(owners.len(), 6);
    assert_eq!(org.teams.len(), 3);
    assert!(owners.contains(&("checkout".into(), "payments".into())));
    assert!(owners.contains(&("nodes".into(), "platform".into())));
}

/// The organisation's tree routes by team, then by the service's own routes or by
/// the team's escalation; services without routing follow their team.
#[test]
fn the_tree_routes_by_team_then_service_or_severity() {
    let c = org();
    let r = |kv: &[(&str, &str)]| receivers(&c, kv);
    // ledger has no routing: its team's escalation decides.
    assert_eq!(
        r(&[
            ("team", "payments"),
            ("service", "ledger"),
            ("severity", "critical")
        ]),
        ["payments-pager"]
    );
    assert_eq!(
        r(&[
            ("team", "payments"),
            ("service", "ledger"),
            ("severity", "warning")
        ]),
        ["payments-slack"]
    );
    assert_eq!(
        r(&[
            ("team", "payments"),
            ("service", "ledger"),
            ("severity", "info")
        ]),
        ["payments-email"]
    );
    // checkout's own routes, its receivers qualified by the service.
    assert_eq!(
        r(&[
            ("team", "payments"),
            ("service", "checkout"),
            ("alertname", "FraudSpike"),
            ("severity", "warning")
        ]),
        ["checkout/fraud-desk", "payments-slack"]
    );
    // gateway (platform) sends its pages to checkout's receiver too: a cross-service
    // reference, explicit as `checkout/fraud-desk`.
    assert_eq!(
        r(&[
            ("team", "platform"),
            ("service", "gateway"),
            ("severity", "critical")
        ]),
        ["platform-pager", "checkout/fraud-desk"]
    );
    // Another team's service never reaches checkout's routes, whatever its labels.
    assert_eq!(
        r(&[
            ("team", "storefront"),
            ("service", "web"),
            ("alertname", "FraudSpike"),
            ("severity", "warning")
        ]),
        ["storefront-slack"]
    );
    // Without a team: the organisation's default.
    assert_eq!(r(&[("severity", "critical")]), ["org-email"]);
    // Every alert carries its team: the rules say so.
    for u in &c.org.as_ref().unwrap().services {
        let m = u.model.as_ref().unwrap();
        for (name, _, l) in routing::alert_labels(m) {
            assert_eq!(
                l.get("team"),
                m.service.team.as_ref().map(|t| &t.value),
                "{name}"
            );
        }
    }
}

/// The build writes each service's files under its own paths and one Alertmanager,
/// scrape and compose configuration; the output is the same on every run.
#[test]
fn outputs_per_service_and_one_for_the_organisation() {
    let mut c = org();
    let out = forge_spec::emit_checked(&mut c).unwrap().unwrap();
    let paths: Vec<&str> = out.files.keys().map(String::as_str).collect();
    for p in [
        "alertmanager/alertmanager.yml",
        "prometheus/prometheus.yml",
        "prometheus/checkout.rules.yml",
        "prometheus/tests/checkout.md",
        "grafana/dashboards/web/web-overview.json",
        "grafana/provisioning/dashboards/web.yml",
        "grafana/provisioning/datasources/prometheus.yml",
        "rust/checkout/Cargo.toml",
        "docs/services/nodes.md",
        "docs/index.md",
        "docker-compose.yml",
    ] {
        assert!(paths.contains(&p), "{p} missing from {paths:?}");
    }
    assert!(!paths.contains(&"rust/Cargo.toml"));
    let text = |p: &str| String::from_utf8(out.files[p].clone()).unwrap();
    let prom = text("prometheus/prometheus.yml");
    for svc in ["checkout", "gateway", "ledger", "nodes", "search", "web"] {
        assert!(prom.contains(&format!("- {svc}.rules.yml")), "{svc}");
    }
    // The probed target gets the blackbox job; the compose stack runs the exporter.
    assert!(prom.contains("job_name: elasticsearch") && prom.contains("/probe"));
    assert!(text("docker-compose.yml").contains("blackbox-exporter"));
    // Scoped alerts: checkout's memory alert is narrowed to its own target.
    assert!(
        text("prometheus/checkout.rules.yml")
            .contains(r#"process_resident_memory_bytes{job="checkout"}"#)
    );
    let am = text("alertmanager/alertmanager.yml");
    assert!(am.contains("- name: checkout/fraud-desk"));
    assert!(am.contains(r#"'team="payments"'"#));
    let provision = text("grafana/provisioning/dashboards/web.yml");
    assert!(provision.contains("/var/lib/grafana/dashboards/web"));
    let mut again = org();
    let second = forge_spec::emit_checked(&mut again).unwrap().unwrap();
    assert_eq!(out.files, second.files);
}

/// Per-team `lints:` apply to the team's services only; a service's own win.
#[test]
fn team_lints_apply_to_their_services() {
    // The fixture's payments team allows S007: checkout's FraudSpike is not reported.
    assert!(!codes(&org()).iter().any(|d| d.starts_with("S007")));
    let files = |checkout_lints: &str| {
        let svc = format!(
            "service: {{name: checkout, team: payments}}\ntargets: {{checkout: {{address: \"c:80\"}}}}\nmetrics:\n  checkout_orders_total: {{type: counter, help: Orders.}}\nslos:\n  orders: {{objective: 99%, sli: {{errors: checkout_orders_total, total: checkout_orders_total}}, alerting: {{disabled: true}}}}\nalerts:\n  Slow: {{severity: warning, condition: rate(checkout_orders_total) > 5 for 5m, summary: Many orders., runbook: r.md}}\n{checkout_lints}"
        );
        let web = "service: {name: web, team: shop}\ntargets: {web: {address: \"w:80\"}}\nmetrics:\n  web_orders_total: {type: counter, help: Orders.}\nslos:\n  orders: {objective: 99%, sli: {errors: web_orders_total, total: web_orders_total}, alerting: {disabled: true}}\nalerts:\n  Slow: {severity: warning, condition: rate(web_orders_total) > 5 for 5m, summary: Many orders., runbook: r.md}\n";
        let root = "teams:\n  payments: {lints: {S007: allow}}\n  shop: {}\nreceivers: {email: {email: {to: a@example.com, from: b@example.com, smarthost: \"smtp.example.com:587\"}}}\nrouting: {receiver: email}\n";
        let c = compile_str(
            &[
                ("org.yaml", root),
                ("services/checkout/s.yaml", &svc),
                ("services/web/s.yaml", web),
            ],
            &Options::default(),
        );
        c.diagnostics
            .items
            .iter()
            .filter(|d| d.code.code == "S007")
            .map(|d| c.sources.position(d.primary.span).to_string())
            .collect::<Vec<_>>()
    };
    // The team's services are quiet, the other team's are not.
    let found = files("");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("services/web/"), "{found:?}");
    // The service overrides its team.
    assert_eq!(files("lints: {S007: warning}\n").len(), 2);
}

const ROOT: &str = "teams: {shop: {receiver: email}, pay: {receiver: email}}\nreceivers: {email: {email: {to: a@example.com, from: b@example.com, smarthost: \"smtp.example.com:587\"}}}\nrouting: {receiver: email}\n";

fn org_of(services: &[(&str, &str)]) -> Compilation {
    let mut files = vec![("org.yaml", ROOT)];
    files.extend_from_slice(services);
    compile_str(&files, &Options::default())
}

/// The findings of one code, each with where it points and its secondary spans.
fn found(c: &Compilation, code: &str) -> Vec<(String, Vec<String>)> {
    c.diagnostics
        .items
        .iter()
        .filter(|d| d.code.code == code)
        .map(|d| {
            (
                format!(
                    "{} {}",
                    c.sources.position(d.primary.span),
                    c.sources.slice(d.primary.span)
                ),
                d.secondary
                    .iter()
                    .map(|l| format!("{} {}", c.sources.position(l.span), c.sources.slice(l.span)))
                    .collect(),
            )
        })
        .collect()
}

/// A route in team shop's service that would catch team pay's alerts is refused,
/// pointing at the matcher and at the other team — whether by `team`, by `service`,
/// or by a regex that accepts another's name but not its own.
#[test]
fn a_route_catching_another_teams_alerts_is_refused() {
    let billing = (
        "services/billing/s.yaml",
        "service: {name: billing, team: pay}\ntargets: {billing: {address: \"b:80\"}}\n",
    );
    for (route, other) in [
        ("{match: {team: pay}, receiver: hook}", "pay"),
        ("{match: {service: billing}, receiver: hook}", "billing"),
        ("{match_re: {team: 'pa.*'}, receiver: hook}", "pay"),
        (
            "{match_re: {service: 'bill.*|other'}, receiver: hook}",
            "billing",
        ),
    ] {
        let web = format!(
            "service: {{name: web, team: shop}}\ntargets: {{web: {{address: \"w:80\"}}}}\nreceivers: {{hook: {{webhook: {{url: \"http://h.example.com/\"}}}}}}\nrouting:\n  receiver: hook\n  routes: [{route}]\n"
        );
        let c = org_of(&[("services/web/s.yaml", &web), billing]);
        let f = found(&c, "O003");
        assert_eq!(f.len(), 1, "{route}: {:?}", codes(&c));
        assert!(f[0].0.starts_with("services/web/s.yaml:6:"), "{f:?}");
        assert!(f[0].1[0].ends_with(other), "{f:?}");
        assert!(c.diagnostics.has_errors());
    }
    // Its own team or service, or a regex that also accepts its own, is fine.
    for route in [
        "{match: {team: shop}, receiver: hook}",
        "{match: {service: web}, receiver: hook}",
        "{match_re: {team: 'shop|pay'}, receiver: hook}",
    ] {
        let web = format!(
            "service: {{name: web, team: shop}}\ntargets: {{web: {{address: \"w:80\"}}}}\nreceivers: {{hook: {{webhook: {{url: \"http://h.example.com/\"}}}}}}\nrouting:\n  receiver: hook\n  routes: [{route}]\n"
        );
        let c = org_of(&[("services/web/s.yaml", &web), billing]);
        assert!(found(&c, "O003").is_empty(), "{route}: {:?}", codes(&c));
    }
}

/// Names the running stack has one namespace for collide across services: the
/// service name, a target (scrape job), a dashboard uid.
#[test]
fn names_shared_by_two_services_collide() {
    let svc = |name: &str, target: &str, uid: &str| {
        format!(
            "service: {{name: {name}, team: shop}}\ntargets: {{{target}: {{address: \"x:80\"}}}}\ndashboards:\n  {uid}: {{title: T, panels: [{{title: Up, query: 'up({target})'}}]}}\n"
        )
    };
    let (a, b) = (svc("web", "api", "main"), svc("cart", "api", "main"));
    let c = org_of(&[("services/web/s.yaml", &a), ("services/cart/s.yaml", &b)]);
    let f = found(&c, "O004");
    assert_eq!(f.len(), 2, "{:?}", codes(&c));
    assert!(
        f.iter().all(|(at, second)| at.starts_with("services/web/")
            && second[0].starts_with("services/cart/")),
        "{f:?}"
    );
    // Two directories, one `service.name`.
    let (a, b) = (svc("web", "a", "x"), svc("web", "b", "y"));
    let c = org_of(&[("services/web/s.yaml", &a), ("services/web2/s.yaml", &b)]);
    assert_eq!(found(&c, "O004").len(), 1, "{:?}", codes(&c));
}

/// The owning team must exist; sections stay where they belong; `service/receiver`
/// names a receiver that exists.
#[test]
fn teams_sections_and_cross_service_references_are_checked() {
    let c = org_of(&[(
        "services/web/s.yaml",
        "service: {name: web, team: sho}\ntargets: {web: {address: \"w:80\"}}\n",
    )]);
    let d = c
        .diagnostics
        .items
        .iter()
        .find(|d| d.code.code == "O002")
        .expect("O002");
    assert_eq!(d.help.as_deref(), Some("did you mean `shop`?"));
    let c = org_of(&[(
        "services/web/s.yaml",
        "service: {name: web}\ntargets: {web: {address: \"w:80\"}}\n",
    )]);
    assert_eq!(found(&c, "O002").len(), 1);
    // `teams:` in a service, `alerts:` in the root.
    let c = org_of(&[(
        "services/web/s.yaml",
        "service: {name: web, team: shop}\ntargets: {web: {address: \"w:80\"}}\nteams: {other: {}}\n",
    )]);
    assert_eq!(found(&c, "O001").len(), 1, "{:?}", codes(&c));
    let c = compile_str(
        &[
            (
                "org.yaml",
                &format!("{ROOT}metrics: {{x_total: {{type: counter, help: X.}}}}\n"),
            ),
            (
                "services/web/s.yaml",
                "service: {name: web, team: shop}\ntargets: {web: {address: \"w:80\"}}\n",
            ),
        ],
        &Options::default(),
    );
    assert_eq!(found(&c, "O001").len(), 1, "{:?}", codes(&c));
    // `teams:` in a spec of one service.
    let c = compile_str(
        &[(
            "s.yaml",
            "service: {name: web}\ntargets: {web: {address: \"w:80\"}}\nteams: {a: {}}\n",
        )],
        &Options::default(),
    );
    assert_eq!(found(&c, "O001").len(), 1, "{:?}", codes(&c));
    // Cross-service references: unknown service, unknown receiver of a known one.
    let billing = (
        "services/billing/s.yaml",
        "service: {name: billing, team: pay}\ntargets: {billing: {address: \"b:80\"}}\nreceivers: {desk: {webhook: {url: \"http://d.example.com/\"}}}\nrouting: {receiver: desk}\n",
    );
    for (to, help) in [
        ("billing/desk", None),
        ("billing/dsk", Some("did you mean `billing/desk`?")),
        ("biling/desk", Some("did you mean `billing/desk`?")),
    ] {
        let web = format!(
            "service: {{name: web, team: shop}}\ntargets: {{web: {{address: \"w:80\"}}}}\nrouting: {{receiver: email, routes: [{{match: {{severity: critical}}, receiver: {to}}}]}}\n"
        );
        let c = org_of(&[("services/web/s.yaml", &web), billing]);
        let d: Vec<_> = c
            .diagnostics
            .items
            .iter()
            .filter(|d| d.code.code == "N002")
            .collect();
        match help {
            None => assert!(d.is_empty(), "{to}: {:?}", codes(&c)),
            Some(h) => {
                assert_eq!(d.len(), 1, "{to}: {:?}", codes(&c));
                assert_eq!(d[0].help.as_deref(), Some(h));
            }
        }
    }
    // A spec of one service has no `service/receiver`.
    let c = compile_str(
        &[(
            "s.yaml",
            "service: {name: web}\ntargets: {web: {address: \"w:80\"}}\nrouting: {receiver: billing/desk}\n",
        )],
        &Options::default(),
    );
    assert_eq!(found(&c, "N002").len(), 1, "{:?}", codes(&c));
}

/// The organisation's routing tests run on the merged tree: a team's escalation
/// decides (the root alone would send everything to `email`).
#[test]
fn organisation_routing_tests_run_on_the_merged_tree() {
    let root = |expect: &str| {
        format!(
            "teams: {{shop: {{escalation: {{critical: pager}}}}}}\nreceivers:\n  email: {{email: {{to: a@example.com, from: b@example.com, smarthost: \"smtp.example.com:587\"}}}}\n  pager: {{pagerduty: {{routing_key_file: /etc/am/pd}}}}\nrouting: {{receiver: email, tests: [{{labels: {{team: shop, severity: critical}}, expect: [{expect}]}}]}}\n"
        )
    };
    let web = "service: {name: web, team: shop}\ntargets: {web: {address: \"w:80\"}}\n";
    let c = compile_str(
        &[("org.yaml", &root("pager")), ("services/web/s.yaml", web)],
        &Options::default(),
    );
    assert_eq!(codes(&c), Vec::<String>::new());
    let c = compile_str(
        &[("org.yaml", &root("email")), ("services/web/s.yaml", web)],
        &Options::default(),
    );
    assert_eq!(found(&c, "R009").len(), 1, "{:?}", codes(&c));
}

/// `services/<name>` alone: the organisation is compiled, only that service's
/// findings (and the root's) are reported.
#[test]
fn one_service_of_the_organisation() {
    let c = compile(
        &[PathBuf::from(ORG).join("services/checkout")],
        "spec",
        &Options::default(),
    )
    .unwrap();
    assert_eq!(c.selected.as_deref(), Some("checkout"));
    assert!(c.org.is_some());
    assert_eq!(codes(&c), Vec::<String>::new());
}

// ---- The build cache --------------------------------------------------------------

use forge_spec::cache::Cache;

/// A copy of the fixture organisation in a temporary directory.
fn copy_org() -> tempfile::TempDir {
    fn copy(from: &std::path::Path, to: &std::path::Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                copy(&e.path(), &to.join(e.file_name()));
            } else {
                std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    copy(std::path::Path::new(ORG), &dir.path().join("org"));
    dir
}

/// One build as `forge-spec build` does it: compile (with the cache when given), emit,
/// write, record. Returns the findings (code and position) and the cache's notes.
fn build(
    spec: &std::path::Path,
    out: &std::path::Path,
    cache: Option<&std::path::Path>,
) -> (Vec<String>, Vec<String>, usize) {
    let cache = cache.map(|dir| Cache::new(dir, out));
    let mut c = forge_spec::compile_cached(
        &[spec.to_path_buf()],
        "spec",
        &Options::default(),
        cache.as_ref(),
    )
    .unwrap();
    let found: Vec<String> = c
        .diagnostics
        .items
        .iter()
        .map(|d| {
            format!(
                "{} {} {}",
                d.code.code,
                c.sources.position(d.primary.span),
                d.message
            )
        })
        .collect();
    let reused = c
        .org
        .as_ref()
        .map_or(0, |o| o.services.iter().filter(|u| u.cached).count());
    if let Some(output) = forge_spec::emit_checked(&mut c).unwrap() {
        let mut target = forge_spec::write::Target::new(out);
        // As `forge-spec build` does with a cache: the previous output is kept beside.
        target.keep_previous = cache.is_some();
        forge_spec::write::write_atomic(&output, &target).unwrap();
        if let Some(cache) = &cache {
            forge_spec::save_cache(&c, cache);
        }
    }
    let notes = cache.map(|c| c.notes()).unwrap_or_default();
    (found, notes, reused)
}

/// Every file under `dir`, by relative path, with its bytes.
fn tree(dir: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    fn walk(
        root: &std::path::Path,
        dir: &std::path::Path,
        out: &mut std::collections::BTreeMap<String, Vec<u8>>,
    ) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.insert(
                    p.strip_prefix(root).unwrap().display().to_string(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    let mut m = std::collections::BTreeMap::new();
    walk(dir, dir, &mut m);
    m
}

fn edit(path: &std::path::Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from} not in {}", path.display());
    std::fs::write(path, text.replace(from, to)).unwrap();
}

/// A rebuild after one service changed takes the others from the cache, and its
/// output and findings are exactly a clean build's.
#[test]
fn incremental_build_equals_a_clean_build() {
    let dir = copy_org();
    let (spec, out, cache) = (
        dir.path().join("org"),
        dir.path().join("out"),
        dir.path().join("cache"),
    );
    let (first, notes, reused) = build(&spec, &out, Some(&cache));
    assert_eq!(
        (first.len(), notes.len(), reused),
        (0, 0, 0),
        "{first:?} {notes:?}"
    );
    // Unchanged: every service from the cache.
    let (_, notes, reused) = build(&spec, &out, Some(&cache));
    assert_eq!((notes.len(), reused), (0, 6), "{notes:?}");
    // One service changes (a warning appears in it): only it is rebuilt.
    edit(
        &spec.join("services/ledger/service.yaml"),
        "    runbook: ledger/down.md\n",
        "",
    );
    let (found, notes, reused) = build(&spec, &out, Some(&cache));
    assert_eq!((notes.len(), reused), (0, 5), "{notes:?}");
    let clean = dir.path().join("clean");
    let (found_clean, _, _) = build(&spec, &clean, None);
    assert_eq!(found, found_clean);
    assert!(found.iter().any(|f| f.starts_with("A004 ")), "{found:?}");
    assert_eq!(tree(&out), tree(&clean));
    // The warning of a cached service is reported again, at the same place.
    let (again, _, reused) = build(&spec, &out, Some(&cache));
    assert_eq!((again, reused), (found_clean, 6));
}

/// What spans services runs on every build: a cached service whose reference another
/// service's change breaks is reported; a change to the root files rebuilds all.
#[test]
fn organisation_checks_run_over_cached_services() {
    let dir = copy_org();
    let (spec, out, cache) = (
        dir.path().join("org"),
        dir.path().join("out"),
        dir.path().join("cache"),
    );
    build(&spec, &out, Some(&cache));
    // checkout's receiver renamed: gateway (cached) still names `checkout/fraud-desk`.
    let checkout = spec.join("services/checkout/service.yaml");
    let text = std::fs::read_to_string(&checkout)
        .unwrap()
        .replace("fraud-desk", "fraud-team");
    std::fs::write(&checkout, text).unwrap();
    let (found, _, reused) = build(&spec, &out, Some(&cache));
    assert_eq!(reused, 5);
    assert!(
        found
            .iter()
            .any(|f| f.starts_with("N002 ") && f.contains("services/gateway/")),
        "{found:?}"
    );
    // A root file changes: nothing comes from the cache.
    std::fs::write(
        &checkout,
        std::fs::read_to_string(&checkout)
            .unwrap()
            .replace("fraud-team", "fraud-desk"),
    )
    .unwrap();
    edit(
        &spec.join("org.yaml"),
        "repeat_interval: 4h",
        "repeat_interval: 3h",
    );
    let (found, _, reused) = build(&spec, &out, Some(&cache));
    assert_eq!((found.len(), reused), (0, 0), "{found:?}");
}

/// A corrupt or foreign entry, or an output file changed by hand, is not trusted: the
/// service is rebuilt, a note says why, and the output is a clean build's.
#[test]
fn a_corrupt_or_foreign_cache_is_ignored_with_a_note() {
    let dir = copy_org();
    let (spec, out, cache) = (
        dir.path().join("org"),
        dir.path().join("out"),
        dir.path().join("cache"),
    );
    build(&spec, &out, Some(&cache));
    let clean = dir.path().join("clean");
    build(&spec, &clean, None);
    let entry = |svc: &str| cache.join("services").join(format!("{svc}.json"));
    // Corrupt: truncated JSON; garbage.
    let text = std::fs::read_to_string(entry("web")).unwrap();
    std::fs::write(entry("web"), &text[..text.len() / 2]).unwrap();
    std::fs::write(entry("search"), "\u{0}\u{1}not json").unwrap();
    // Foreign: another compiler wrote it.
    let ledger = std::fs::read_to_string(entry("ledger")).unwrap();
    let foreign = ledger.replacen("\"compiler\":\"", "\"compiler\":\"9.9.9 ", 1);
    assert_ne!(foreign, ledger);
    std::fs::write(entry("ledger"), foreign).unwrap();
    // A file of the output edited by hand.
    std::fs::write(out.join("prometheus/nodes.rules.yml"), "groups: []\n").unwrap();
    let (found, notes, reused) = build(&spec, &out, Some(&cache));
    assert!(found.is_empty(), "{found:?}");
    assert_eq!(reused, 2, "{notes:?}");
    let all = notes.join("\n");
    assert!(
        all.contains("unreadable (corrupt), ignored; rebuilt: search, web"),
        "{all}"
    );
    assert!(
        all.contains(
            "another forge-spec or for another output directory, ignored; rebuilt: ledger"
        ),
        "{all}"
    );
    assert!(
        all.contains("a file of the output changed since it was written; rebuilt: nodes"),
        "{all}"
    );
    assert_eq!(tree(&out), tree(&clean));
    // The entries are whole again.
    let (_, notes, reused) = build(&spec, &out, Some(&cache));
    assert_eq!((notes.len(), reused), (0, 6), "{notes:?}");
    // Built for another output directory: not used for this one.
    let elsewhere = dir.path().join("elsewhere");
    let (_, notes, reused) = build(&spec, &elsewhere, Some(&cache));
    assert_eq!(reused, 0);
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(tree(&elsewhere), tree(&clean));
}

/// A service removed from the organisation is gone from the output and its entry
/// from the cache; one added is built.
#[test]
fn services_come_and_go() {
    let dir = copy_org();
    let (spec, out, cache) = (
        dir.path().join("org"),
        dir.path().join("out"),
        dir.path().join("cache"),
    );
    build(&spec, &out, Some(&cache));
    std::fs::remove_dir_all(spec.join("services/search")).unwrap();
    std::fs::create_dir_all(spec.join("services/cart")).unwrap();
    std::fs::write(
        spec.join("services/cart/service.yaml"),
        "service: {name: cart, team: storefront, runbook_base_url: https://runbooks.example.com/}\ntargets: {cart: {address: \"cart:80\"}}\nalerts:\n  CartDown: {severity: critical, condition: up(cart) == 0 for 1m, summary: The cart is unreachable., runbook: cart/down.md}\n",
    )
    .unwrap();
    let (found, _, reused) = build(&spec, &out, Some(&cache));
    assert!(found.is_empty(), "{found:?}");
    assert_eq!(reused, 5);
    let files = tree(&out);
    assert!(files.contains_key("prometheus/cart.rules.yml"));
    assert!(
        !files.keys().any(|p| p.contains("search")),
        "search left behind"
    );
    assert!(!cache.join("services/search.json").exists());
    assert!(cache.join("services/cart.json").exists());
    let clean = dir.path().join("clean");
    build(&spec, &clean, None);
    assert_eq!(files, tree(&clean));
}

/// The previous output kept beside the new one is brought up to date, whatever was
/// done to it: a file changed in place of a link, a stray file, a directory where a
/// file belongs, a symbolic link. The output is always the clean build's.
#[test]
fn the_kept_previous_output_is_never_trusted() {
    let dir = copy_org();
    let (spec, out, cache) = (
        dir.path().join("org"),
        dir.path().join("out"),
        dir.path().join("cache"),
    );
    let prev = dir.path().join(".out.forge-prev");
    build(&spec, &out, Some(&cache));
    edit(
        &spec.join("services/ledger/service.yaml"),
        "for 1m",
        "for 2m",
    );
    build(&spec, &out, Some(&cache));
    assert!(prev.is_dir(), "the previous output is kept");
    // Tamper with it.
    let rules = prev.join("prometheus/web.rules.yml");
    std::fs::remove_file(&rules).unwrap();
    std::fs::write(&rules, "groups: []\n").unwrap();
    std::fs::write(prev.join("stray.yml"), "x").unwrap();
    std::fs::remove_file(prev.join("docs/index.md")).unwrap();
    std::fs::create_dir_all(prev.join("docs/index.md/inside")).unwrap();
    #[cfg(unix)]
    {
        std::fs::remove_file(prev.join("docs/rules.md")).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", prev.join("docs/rules.md")).unwrap();
    }
    std::fs::create_dir_all(prev.join("rust/gone/src")).unwrap();
    edit(
        &spec.join("services/ledger/service.yaml"),
        "for 2m",
        "for 3m",
    );
    let (found, _, reused) = build(&spec, &out, Some(&cache));
    assert!(found.is_empty(), "{found:?}");
    assert_eq!(reused, 5);
    let clean = dir.path().join("clean");
    build(&spec, &clean, None);
    assert_eq!(tree(&out), tree(&clean));
    // And again from what that build left.
    edit(
        &spec.join("services/ledger/service.yaml"),
        "for 3m",
        "for 1m",
    );
    build(&spec, &out, Some(&cache));
    std::fs::remove_dir_all(&clean).unwrap();
    build(&spec, &clean, None);
    assert_eq!(tree(&out), tree(&clean));
}

/// An alert may name another service's SLO or dashboard as `service/name`; what does
/// not exist there is reported with a did-you-mean, like a name of its own.
#[test]
fn cross_service_slo_and_dashboard_references() {
    let billing = (
        "services/billing/s.yaml",
        "service: {name: billing, team: pay}\ntargets: {billing: {address: \"b:80\"}}\nmetrics:\n  billing_orders_total: {type: counter, help: Orders., labels: {ok: {values: [\"yes\", \"no\"]}}}\nslos:\n  orders: {objective: 99%, sli: {errors: 'billing_orders_total{ok=\"no\"}', total: billing_orders_total}, alerting: {disabled: true}}\ndashboards:\n  billing-main: {title: Billing, panels: [{title: Orders, query: 'sum(rate(billing_orders_total))'}]}\n",
    );
    let web = |slo: &str, dash: &str| {
        format!(
            "service: {{name: web, team: shop}}\ntargets: {{web: {{address: \"w:80\"}}}}\nalerts:\n  WebDown: {{severity: critical, condition: up(web) == 0 for 1m, summary: Web is down., runbook: r.md, slo: {slo}, dashboard: {dash}}}\n"
        )
    };
    let case = |slo: &str, dash: &str| {
        let text = web(slo, dash);
        let c = org_of(&[("services/web/s.yaml", &text), billing]);
        c.diagnostics
            .items
            .iter()
            .filter(|d| d.is_error())
            .map(|d| format!("{} {}", d.code.code, d.help.clone().unwrap_or_default()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        case("billing/orders", "billing/billing-main"),
        Vec::<String>::new()
    );
    assert_eq!(
        case("billing/order", "billing/billing-main"),
        ["N003 did you mean `billing/orders`?"]
    );
    assert_eq!(
        case("biling/orders", "billing/billing-main"),
        ["N003 did you mean `billing/orders`?"]
    );
    assert_eq!(
        case("billing/orders", "billing/billing-man"),
        ["N005 did you mean `billing/billing-main`?"]
    );
    // The label names the other service's SLO; the link opens its dashboard.
    let text = web("billing/orders", "billing/billing-main");
    let mut c = org_of(&[("services/web/s.yaml", &text), billing]);
    let out = forge_spec::emit_checked(&mut c).unwrap().unwrap();
    let rules = String::from_utf8(out.files["prometheus/web.rules.yml"].clone()).unwrap();
    assert!(rules.contains("slo: billing/orders"), "{rules}");
    assert!(rules.contains("dashboard_url: /d/billing-main"), "{rules}");
    // A spec of one service has no `service/name`.
    let c = compile_str(
        &[(
            "s.yaml",
            "service: {name: web}\ntargets: {web: {address: \"w:80\"}}\nalerts:\n  WebDown: {severity: critical, condition: up(web) == 0 for 1m, summary: Web is down., runbook: r.md, slo: billing/orders}\n",
        )],
        &Options::default(),
    );
    assert_eq!(found(&c, "N003").len(), 1, "{:?}", codes(&c));
}

/// The organisation's inhibit rules act on every service's alerts: R010 warns, in the
/// service, when one lets an alert silence another about something else; the
/// service's `allow:` silences the warning; `instance` in `equal:` keeps targets apart.
#[test]
fn organisation_inhibit_rules_are_judged_per_service() {
    let root = |equal: &str| {
        format!(
            "teams: {{shop: {{receiver: email}}}}\nreceivers: {{email: {{email: {{to: a@example.com, from: b@example.com, smarthost: \"smtp.example.com:587\"}}}}}}\nrouting:\n  receiver: email\n  inhibit: [{{source: {{severity: critical}}, target: {{severity: warning}}, equal: [{equal}]}}]\n"
        )
    };
    let svc = |allow: &str| {
        format!(
            "service: {{name: web, team: shop}}\ntargets:\n  web: {{address: \"w:80\", uses: [own, process]}}\n  db: {{address: \"d:80\", uses: [process]}}\nalerts:\n  WebDown: {{severity: critical, condition: up(web) == 0 for 1m, summary: Web is down., runbook: r.md}}\n  DbMemory:\n    severity: warning\n    condition: 'process_resident_memory_bytes{{job=\"db\"}} > 1GB for 5m'\n    summary: The database uses more than 1GB.\n    runbook: r.md\n{allow}"
        )
    };
    let r010 = |root: &str, svc: &str| {
        let c = compile_str(
            &[("org.yaml", root), ("services/web/s.yaml", svc)],
            &Options::default(),
        );
        found(&c, "R010")
    };
    let f = r010(&root("service"), &svc(""));
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(
        f[0].0.starts_with("services/web/s.yaml:") && f[0].0.ends_with("DbMemory"),
        "{f:?}"
    );
    assert!(
        f[0].1[0].starts_with("org.yaml:"),
        "the rule is the organisation's: {f:?}"
    );
    let allowed = "    allow: [{rule: R010, reason: the database is web's own}]\n";
    assert!(r010(&root("service"), &svc(allowed)).is_empty());
    assert!(r010(&root("service, instance"), &svc("")).is_empty());
}

/// The cache removes only its own entries: a README, an OWNERS file, a JSON file that
/// is not an entry, a link and a directory in `services/` stay after a build that
/// prunes (a service gone), and a planted link in place of an entry is never written
/// through. A cache directory inside the spec is refused when named (exit 2), and the
/// default one is not used there.
#[test]
fn the_cache_prunes_only_its_own_entries() {
    let dir = copy_org();
    let (spec, out, cache) = (
        dir.path().join("org"),
        dir.path().join("out"),
        dir.path().join("cache"),
    );
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_forge-spec"))
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let o = run(&["build", "org", "--out", "out", "--cache", "cache"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let services = cache.join("services");
    let entries: Vec<String> = std::fs::read_dir(&services)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(entries.iter().any(|e| e == "ledger.json"), "{entries:?}");
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "not the cache's\n").unwrap();
    let theirs = [
        ("README", "what this directory is\n"),
        ("OWNERS", "team-sre\n"),
        ("notes.json", "{\"mine\": true}\n"),
        ("old-service.json", "[1, 2, 3]\n"),
    ];
    for (name, text) in theirs {
        std::fs::write(services.join(name), text).unwrap();
    }
    std::fs::create_dir(services.join("keep")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&victim, services.join("gone.json")).unwrap();
    // A service removed: its entry is pruned, nothing else.
    std::fs::remove_dir_all(spec.join("services/ledger")).unwrap();
    let o = run(&["build", "org", "--out", "out", "--cache", "cache"]);
    let said = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.code().is_some(), "{said}");
    assert!(!services.join("ledger.json").exists(), "{said}");
    for (name, text) in theirs {
        assert_eq!(
            std::fs::read_to_string(services.join(name)).unwrap(),
            text,
            "{name}"
        );
    }
    assert!(services.join("keep").is_dir());
    #[cfg(unix)]
    assert!(
        std::fs::symlink_metadata(services.join("gone.json"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        std::fs::read_to_string(&victim).unwrap(),
        "not the cache's\n"
    );
    // Inside the spec: refused when named, the spec untouched.
    let before = std::fs::read_dir(&spec).unwrap().count();
    let o = run(&["build", "org", "--out", "out2", "--cache", "org/.cache"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("inside the spec directory"));
    assert!(!spec.join(".cache").exists());
    assert_eq!(std::fs::read_dir(&spec).unwrap().count(), before);
    assert!(!dir.path().join("out2").exists());
    // Run inside the spec directory, the default cache (`.forge-spec-cache` here) is
    // not used: the build succeeds and the spec gains nothing.
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_forge-spec"))
        .args(["build", ".", "--out", out.join("../out3").to_str().unwrap()])
        .current_dir(&spec)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!spec.join(".forge-spec-cache").exists());
    assert_eq!(std::fs::read_dir(&spec).unwrap().count(), before);
}
