//! `routes show|test|inhibits`: the route tree, where labels go, what inhibits what.

use crate::*;

pub(crate) fn routes(cmd: RoutesCommand) -> ExitCode {
    use forge_spec::ir::routing;
    let spec = match &cmd {
        RoutesCommand::Show { spec }
        | RoutesCommand::Test { spec, .. }
        | RoutesCommand::Inhibits { spec }
        | RoutesCommand::Alerts { spec } => spec.clone(),
    };
    let comp = match load_model(&spec) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let Some(model) = &comp.model else {
        return ExitCode::from(1);
    };
    let Some(r) = &model.routing else {
        eprintln!("error: the spec has no `routing:` section");
        return ExitCode::from(1);
    };
    match cmd {
        RoutesCommand::Show { .. } => stdout(&routing::show(&r.root)),
        RoutesCommand::Test { labels, .. } => {
            let mut set = routing::Labels::new();
            for kv in &labels {
                let Some((k, v)) = kv.split_once('=') else {
                    eprintln!("error: `{kv}` is not `name=value`");
                    return ExitCode::from(2);
                };
                set.insert(k.trim().to_string(), v.trim().trim_matches('"').to_string());
            }
            let mut s = String::new();
            for d in routing::simulate(&r.root, &set) {
                s.push_str(&format!("{}\n", d.receiver));
                let mut node = &r.root;
                s.push_str("  root\n");
                for (depth, i) in d.path.iter().enumerate() {
                    let Some(next) = node.routes.get(*i) else {
                        break;
                    };
                    node = next;
                    s.push_str(&format!(
                        "  {}└ route {} ({})\n",
                        "  ".repeat(depth),
                        i + 1,
                        routing::describe(node)
                    ));
                }
            }
            stdout(&s);
        }
        RoutesCommand::Inhibits { .. } => {
            let mut s = String::new();
            let all = match &comp.org {
                // An organisation's alerts are its services', named `service/alert`.
                Some(org) => {
                    let (alerts, about): (Vec<_>, Vec<std::collections::BTreeSet<String>>) = org
                        .services
                        .iter()
                        .flat_map(|u| {
                            u.summary.alerts.iter().map(|(name, l, about)| {
                                let alert =
                                    (format!("{}/{name}", u.name), Default::default(), l.clone());
                                (alert, about.iter().cloned().collect())
                            })
                        })
                        .unzip();
                    routing::inhibitions_among(&r.inhibit, &alerts, &about)
                }
                None => routing::inhibitions(model),
            };
            for (i, rule) in r.inhibit.iter().enumerate() {
                let side = |ms: &[forge_spec::ir::RouteMatcher]| {
                    ms.iter()
                        .map(|m| format!("{}{}{}", m.label.value, m.op(), m.value.value))
                        .collect::<Vec<_>>()
                        .join(",")
                };
                let equal: Vec<&str> = rule.equal.iter().map(|e| e.value.as_str()).collect();
                s.push_str(&format!(
                    "inhibit {} silences {} (equal: {})\n",
                    side(&rule.source),
                    side(&rule.target),
                    equal.join(", ")
                ));
                for x in all.iter().filter(|x| x.rule == i) {
                    let more = x.count.saturating_sub(x.by.len());
                    let more = if more > 0 {
                        format!(" and {more} more")
                    } else {
                        String::new()
                    };
                    let mark = match &x.across {
                        Some((src, a, b)) => format!(
                            "  ! {src} ({a}) is about something else than {} ({b})",
                            x.target
                        ),
                        None => String::new(),
                    };
                    s.push_str(&format!(
                        "  {} <- {}{more}{mark}\n",
                        x.target,
                        x.by.join(", ")
                    ));
                }
            }
            stdout(&forge_spec::secrets::redact(&s));
        }
        RoutesCommand::Alerts { .. } => {
            let mut s = String::new();
            let sim = routing::Simulator::new(&r.root);
            // An organisation's alerts are its services'; the tree is the merged one.
            let alerts: Vec<routing::Labels> = match &comp.org {
                Some(org) => org
                    .services
                    .iter()
                    .flat_map(|u| u.summary.alerts.iter().map(|(_, l, _)| l.clone()))
                    .collect(),
                None => routing::alert_labels(model)
                    .into_iter()
                    .map(|(_, _, l)| l)
                    .collect(),
            };
            for labels in alerts {
                let got: Vec<String> = sim
                    .simulate(&labels)
                    .into_iter()
                    .map(|d| d.receiver)
                    .collect();
                let kv: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
                s.push_str(&format!("{}\t{}\n", got.join(","), kv.join(" ")));
            }
            stdout(&s);
        }
    }
    ExitCode::SUCCESS
}
