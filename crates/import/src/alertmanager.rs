//! `import alertmanager`: an Alertmanager configuration → the spec's `routing:` and
//! `receivers:`. Routes keep their matchers (`matchers:`, and the older `match:` /
//! `match_re:`), receivers, timers, `continue` and children; inhibit rules their
//! matchers and `equal`. Every literal secret (Slack URL, PagerDuty keys, Opsgenie key,
//! SMTP password, a webhook URL with credentials) becomes a `*_file` reference under
//! `/etc/alertmanager/secrets/` with an I002 report — never copied. Time intervals,
//! templates and integrations a spec has no field for are reported (I001).

use crate::Scalar;
use crate::text::{comment, flow_list, flow_map, q};
use forge_spec_base::diag::Diagnostic;
use forge_spec_base::diag::codes::import as i;
use forge_spec_base::source::{FileId, SourceSet, Span, Spanned};
use forge_spec_syntax::Map;

type S = Spanned<String>;
type Any = Spanned<Field>;

/// A field's value: a scalar, or something nested (reported where it is not read).
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum Field {
    Scalar(Scalar),
    Nested(serde::de::IgnoredAny),
}

/// The parts of `alertmanager.yml` an import reads; the rest is reported.
#[derive(serde::Deserialize)]
struct Config {
    route: Option<RouteIn>,
    #[serde(default)]
    receivers: Vec<ReceiverIn>,
    #[serde(default)]
    inhibit_rules: Vec<InhibitIn>,
    #[serde(default)]
    time_intervals: Vec<Named>,
    #[serde(default)]
    mute_time_intervals: Vec<Named>,
    #[serde(default)]
    templates: Vec<S>,
    global: Option<Global>,
    /// Every other section (`tracing`, …), reported.
    #[serde(flatten)]
    other: std::collections::BTreeMap<String, serde::de::IgnoredAny>,
}

#[derive(serde::Deserialize)]
struct Named {
    name: S,
}

#[derive(serde::Deserialize)]
struct Global {
    slack_api_url: Option<S>,
    slack_api_url_file: Option<S>,
    smtp_smarthost: Option<S>,
    smtp_from: Option<S>,
    smtp_auth_username: Option<S>,
    smtp_auth_password: Option<S>,
    smtp_auth_password_file: Option<S>,
    smtp_require_tls: Option<Spanned<bool>>,
    resolve_timeout: Option<S>,
    #[serde(flatten)]
    other: std::collections::BTreeMap<String, serde::de::IgnoredAny>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RouteIn {
    receiver: Option<S>,
    #[serde(default)]
    group_by: Vec<S>,
    group_wait: Option<S>,
    group_interval: Option<S>,
    repeat_interval: Option<S>,
    #[serde(default, rename = "continue")]
    continue_: Option<Spanned<bool>>,
    #[serde(default, rename = "match")]
    match_: Map<Any>,
    #[serde(default)]
    match_re: Map<Any>,
    #[serde(default)]
    matchers: Vec<S>,
    #[serde(default)]
    routes: Vec<RouteIn>,
    #[serde(default)]
    mute_time_intervals: Vec<S>,
    #[serde(default)]
    active_time_intervals: Vec<S>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct InhibitIn {
    #[serde(default)]
    source_match: Map<Any>,
    #[serde(default)]
    target_match: Map<Any>,
    #[serde(default)]
    source_match_re: Map<Any>,
    #[serde(default)]
    target_match_re: Map<Any>,
    #[serde(default)]
    source_matchers: Vec<S>,
    #[serde(default)]
    target_matchers: Vec<S>,
    #[serde(default)]
    equal: Vec<S>,
}

#[derive(serde::Deserialize)]
struct ReceiverIn {
    name: S,
    #[serde(default)]
    slack_configs: Vec<Map<Any>>,
    #[serde(default)]
    pagerduty_configs: Vec<Map<Any>>,
    #[serde(default)]
    email_configs: Vec<Map<Any>>,
    #[serde(default)]
    webhook_configs: Vec<Map<Any>>,
    #[serde(default)]
    opsgenie_configs: Vec<Map<Any>>,
    // Every other integration (`*_configs`) is reported, not imported.
    #[serde(flatten)]
    other: std::collections::BTreeMap<String, serde::de::IgnoredAny>,
}

/// A matcher `label op "value"` of the `matchers:` syntax, or why it is not one.
fn parse_matcher(text: &str) -> Option<(String, &'static str, String)> {
    let t = text.trim();
    let ops = ["=~", "!~", "!=", "="];
    let (at, op) = ops
        .iter()
        .filter_map(|op| t.find(op).map(|i| (i, *op)))
        .min_by_key(|(i, op)| (*i, std::cmp::Reverse(op.len())))?;
    let label = t[..at].trim().trim_matches('"').to_string();
    let raw = t[at + op.len()..].trim();
    let value = if raw.len() >= 2 && raw.starts_with('"') && raw.ends_with('"') {
        raw[1..raw.len() - 1]
            .replace("\\\"", "\"")
            .replace("\\\\", "\\")
    } else {
        raw.to_string()
    };
    Some((label, op, value))
}

struct Out<'a> {
    diags: &'a mut Vec<Diagnostic>,
    /// Secret files the spec refers to, for the notes.
    secrets: Vec<String>,
}

impl Out<'_> {
    fn not(&mut self, span: Span, what: String, help: &str) {
        self.diags.push(
            Diagnostic::new(&i::NOT_IMPORTED, span, what)
                .label("no equivalent in a spec")
                .help(help.to_string()),
        );
    }

    /// A literal secret: reported (never shown), and the file it is to be kept in.
    fn secret(&mut self, span: Span, what: &str, receiver: &str, file: &str) -> String {
        let path = format!(
            "/etc/alertmanager/secrets/{}-{file}",
            receiver.replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "-")
        );
        self.diags.push(
            Diagnostic::new(
                &i::SECRET_REPLACED,
                span,
                format!(
                    "a literal {what} of receiver `{receiver}` is replaced by a file reference"
                ),
            )
            .secret()
            .label("secret: not copied")
            .help(format!(
                "put the secret in {path} (outside the repository) and mount it there"
            )),
        );
        self.secrets.push(path.clone());
        path
    }
}

fn text(v: &Any) -> String {
    match &v.value {
        Field::Scalar(s) => s.to_string(),
        Field::Nested(_) => String::new(),
    }
}

/// The route's matchers as the spec writes them: `match:` (equality) and `match_re:`.
/// Label-value pairs.
type Pairs = Vec<(String, String)>;

/// `None` when a matcher cannot be written in a spec (a negation, a negative regex):
/// the route is then not imported at all, since without that matcher it would take
/// alerts the original does not (a catch-all in place of `service!="api"`).
fn matchers(r: &RouteIn, out: &mut Out) -> Option<(Pairs, Pairs)> {
    let mut eq: Vec<(String, String)> = r
        .match_
        .iter()
        .map(|(k, v)| (k.value.clone(), text(v)))
        .collect();
    let mut re: Vec<(String, String)> = r
        .match_re
        .iter()
        .map(|(k, v)| (k.value.clone(), text(v)))
        .collect();
    let mut whole = true;
    for m in &r.matchers {
        match parse_matcher(&m.value) {
            Some((l, "=", v)) => eq.push((l, v)),
            Some((l, "=~", v)) => re.push((l, v)),
            Some((l, "!=", v)) if v.is_empty() => re.push((l, ".+".into())),
            Some((_, op, _)) => {
                whole = false;
                out.not(m.span, format!("the route with matcher `{}` ({op}) is not imported, nor the routes under it", m.value), "a spec's routes match by equality (`match:`) and regex (`match_re:`); without this matcher the route would take alerts it does not take: write the negation as a regex of the values to accept, then add the route by hand");
            }
            None => {
                whole = false;
                out.not(m.span, format!("the route with `{}`, not a matcher, is not imported, nor the routes under it", m.value), "write it as `label=\"value\"`");
            }
        }
    }
    whole.then_some((eq, re))
}

fn route_yaml(r: &RouteIn, indent: usize, root: bool, out: &mut Out, s: &mut String) {
    let pad = " ".repeat(indent);
    let mut first = true;
    let mut line = |s: &mut String, text: String| {
        if root {
            s.push_str(&format!("{pad}{text}\n"));
        } else if first {
            s.push_str(&format!("{}- {text}\n", &pad[..indent - 2]));
            first = false;
        } else {
            s.push_str(&format!("{pad}{text}\n"));
        }
    };
    if !root {
        let Some((eq, re)) = matchers(r, out) else {
            return;
        };
        if !eq.is_empty() {
            line(
                s,
                format!(
                    "match: {}",
                    flow_map(eq.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                ),
            );
        }
        if !re.is_empty() {
            line(
                s,
                format!(
                    "match_re: {}",
                    flow_map(re.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                ),
            );
        }
    }
    if let Some(x) = &r.receiver {
        line(s, format!("receiver: {}", q(&x.value)));
    }
    if !r.group_by.is_empty() {
        line(
            s,
            format!(
                "group_by: {}",
                flow_list(r.group_by.iter().map(|x| x.value.as_str()))
            ),
        );
    }
    for (k, v) in [
        ("group_wait", &r.group_wait),
        ("group_interval", &r.group_interval),
        ("repeat_interval", &r.repeat_interval),
    ] {
        if let Some(v) = v {
            line(s, format!("{k}: {}", q(&v.value)));
        }
    }
    if let Some(c) = &r.continue_
        && c.value
    {
        line(s, "continue: true".into());
    }
    for t in r.mute_time_intervals.iter().chain(&r.active_time_intervals) {
        out.not(
            t.span,
            format!("time interval `{}` of a route is not imported", t.value),
            "a spec has no time intervals: the route notifies at all times",
        );
    }
    if first && !root {
        // A route with nothing of its own still needs an item.
        s.push_str(&format!("{}- {{}}\n", &pad[..indent - 2]));
    }
    // Children refused whole (a matcher a spec cannot hold) leave no empty `routes:`.
    let mut children = String::new();
    for c in &r.routes {
        route_yaml(c, indent + 4, false, out, &mut children);
    }
    if !children.is_empty() {
        s.push_str(&format!("{pad}routes:\n"));
        s.push_str(&children);
    }
}

/// An inhibit rule whose matchers are not all equalities is not imported: dropping a
/// regex or a negation would widen what it silences (kube-prometheus' `severity =~
/// warning|info` target, dropped, would silence `Watchdog`).
fn inhibit_yaml(rule: &InhibitIn, out: &mut Out, s: &mut String) {
    let mut whole = true;
    let mut side = |m: &Map<Any>, re: &Map<Any>, ms: &[S]| -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> =
            m.iter().map(|(k, x)| (k.value.clone(), text(x))).collect();
        for (k, _) in re.iter() {
            whole = false;
            out.not(
                k.span,
                format!(
                    "the inhibit rule with a regex matcher on `{}` is not imported",
                    k.value
                ),
                "a spec's inhibit rules match by equality; without the regex the rule would silence more: write one rule per value by hand",
            );
        }
        for x in ms {
            match parse_matcher(&x.value) {
                Some((l, "=", val)) => v.push((l, val)),
                _ => {
                    whole = false;
                    out.not(
                        x.span,
                        format!("the inhibit rule with matcher `{}` is not imported", x.value),
                        "a spec's inhibit rules match by equality; without this matcher the rule would silence more: write one rule per value by hand",
                    );
                }
            }
        }
        v
    };
    let source = side(
        &rule.source_match,
        &rule.source_match_re,
        &rule.source_matchers,
    );
    let target = side(
        &rule.target_match,
        &rule.target_match_re,
        &rule.target_matchers,
    );
    if !whole {
        return;
    }
    s.push_str(&format!(
        "    - source: {}\n      target: {}\n",
        flow_map(source.iter().map(|(k, v)| (k.as_str(), v.as_str()))),
        flow_map(target.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    ));
    if !rule.equal.is_empty() {
        s.push_str(&format!(
            "      equal: {}\n",
            flow_list(rule.equal.iter().map(|x| x.value.as_str()))
        ));
    }
}

/// The fields of one integration the spec has, each as `key: value` text; secrets
/// replaced. `fields` maps Alertmanager's key to the spec's; `secrets` are
/// (literal key, file key, spec key, what, file name).
fn integration(
    cfg: &Map<Any>,
    receiver: &str,
    kind: &str,
    fields: &[(&str, &str)],
    secrets: &[(&str, &str, &str, &str)],
    out: &mut Out,
) -> Vec<String> {
    let mut v = Vec::new();
    for (k, val) in cfg.iter() {
        let key = k.value.as_str();
        if matches!(val.value, Field::Nested(_)) {
            out.not(k.span, format!("`{key}` of the {kind} integration of receiver `{receiver}` is not imported"), "the spec writes this setting itself (e.g. the email Subject header) or has no such field");
        } else if let Some((_, spec)) = fields.iter().find(|(a, _)| *a == key) {
            let t = text(val);
            // Booleans stay booleans.
            let t = if matches!(&val.value, Field::Scalar(Scalar::Bool(_))) {
                t
            } else {
                q(&t)
            };
            v.push(format!("{spec}: {t}"));
        } else if let Some((_, spec, what, file)) = secrets.iter().find(|(a, ..)| *a == key) {
            let path = out.secret(val.span, what, receiver, file);
            v.push(format!("{spec}: {}", q(&path)));
        } else if let Some((_, spec, ..)) =
            secrets.iter().find(|(a, ..)| format!("{a}_file") == key)
        {
            v.push(format!("{spec}: {}", q(&text(val))));
        } else {
            out.not(
                k.span,
                format!(
                    "`{key}` of the {kind} integration of receiver `{receiver}` is not imported"
                ),
                "the spec writes this field itself (titles, texts) or has no such field",
            );
        }
    }
    v
}

fn receiver_yaml(r: &ReceiverIn, global: Option<&Global>, out: &mut Out, s: &mut String) {
    let name = r.name.value.as_str();
    s.push_str(&format!("  {}:\n", q(name)));
    let mut any = false;
    let one = |s: &mut String,
               kind: &str,
               list: &Vec<Map<Any>>,
               fields: &[(&str, &str)],
               secrets: &[(&str, &str, &str, &str)],
               out: &mut Out,
               extra: Vec<String>|
     -> bool {
        let mut wrote = false;
        for (n, cfg) in list.iter().enumerate() {
            if n > 0 {
                out.not(r.name.span, format!("the {} {kind} integration of receiver `{name}` is not imported", ordinal(n + 1)), "a spec's receiver has one integration of each kind: make another receiver and a `continue: true` route");
                continue;
            }
            let mut v = integration(cfg, name, kind, fields, secrets, out);
            v.extend(extra.iter().cloned());
            s.push_str(&format!("    {kind}: {{{}}}\n", v.join(", ")));
            wrote = true;
        }
        wrote
    };
    let send = ("send_resolved", "send_resolved");
    let slack_global = match global {
        Some(g)
            if r.slack_configs
                .first()
                .is_some_and(|c| c.get("api_url").is_none() && c.get("api_url_file").is_none()) =>
        {
            match (&g.slack_api_url, &g.slack_api_url_file) {
                (_, Some(f)) => vec![format!("api_url_file: {}", q(&f.value))],
                (Some(u), None) => {
                    let path = out.secret(u.span, "Slack webhook URL (global)", name, "slack-url");
                    vec![format!("api_url_file: {}", q(&path))]
                }
                _ => Vec::new(),
            }
        }
        _ => Vec::new(),
    };
    any |= one(
        s,
        "slack",
        &r.slack_configs,
        &[
            ("channel", "channel"),
            ("title", "title"),
            ("text", "text"),
            send,
        ],
        &[("api_url", "api_url_file", "Slack webhook URL", "slack-url")],
        out,
        slack_global,
    );
    any |= one(
        s,
        "pagerduty",
        &r.pagerduty_configs,
        &[("severity", "severity"), send],
        &[
            (
                "routing_key",
                "routing_key_file",
                "PagerDuty routing key",
                "routing-key",
            ),
            (
                "service_key",
                "service_key_file",
                "PagerDuty service key",
                "service-key",
            ),
        ],
        out,
        Vec::new(),
    );
    let mut smtp = Vec::new();
    if let (Some(g), Some(first)) = (global, r.email_configs.first()) {
        for (k, v) in [
            ("smarthost", &g.smtp_smarthost),
            ("from", &g.smtp_from),
            ("auth_username", &g.smtp_auth_username),
        ] {
            if let Some(v) = v
                && first.get(k).is_none()
            {
                smtp.push(format!("{k}: {}", q(&v.value)));
            }
        }
        if first.get("auth_password").is_none() && first.get("auth_password_file").is_none() {
            if let Some(f) = &g.smtp_auth_password_file {
                smtp.push(format!("auth_password_file: {}", q(&f.value)));
            } else if let Some(p) = &g.smtp_auth_password {
                let path = out.secret(p.span, "SMTP password (global)", name, "smtp-password");
                smtp.push(format!("auth_password_file: {}", q(&path)));
            }
        }
        if let Some(t) = &g.smtp_require_tls
            && first.get("require_tls").is_none()
        {
            smtp.push(format!("require_tls: {}", t.value));
        }
    }
    any |= one(
        s,
        "email",
        &r.email_configs,
        &[
            ("to", "to"),
            ("from", "from"),
            ("smarthost", "smarthost"),
            ("auth_username", "auth_username"),
            ("require_tls", "require_tls"),
            send,
        ],
        &[(
            "auth_password",
            "auth_password_file",
            "SMTP password",
            "smtp-password",
        )],
        out,
        smtp,
    );
    // A webhook URL with credentials in it is a secret; one without is not.
    for (n, cfg) in r.webhook_configs.iter().enumerate() {
        if n > 0 {
            out.not(
                r.name.span,
                format!(
                    "the {} webhook integration of receiver `{name}` is not imported",
                    ordinal(n + 1)
                ),
                "a spec's receiver has one integration of each kind",
            );
            continue;
        }
        let mut v = Vec::new();
        for (k, val) in cfg.iter() {
            match k.value.as_str() {
                "url" => {
                    let url = text(val);
                    if forge_spec_base::secrets::scan(&url).is_empty() && !url.contains('@') {
                        v.push(format!("url: {}", q(&url)));
                    } else {
                        let path = out.secret(
                            val.span,
                            "webhook URL with credentials",
                            name,
                            "webhook-url",
                        );
                        v.push(format!("url_file: {}", q(&path)));
                    }
                }
                "url_file" => v.push(format!("url_file: {}", q(&text(val)))),
                "send_resolved" => v.push(format!("send_resolved: {}", text(val))),
                other => out.not(
                    k.span,
                    format!(
                        "`{other}` of the webhook integration of receiver `{name}` is not imported"
                    ),
                    "the spec has no such field",
                ),
            }
        }
        s.push_str(&format!("    webhook: {{{}}}\n", v.join(", ")));
        any = true;
    }
    any |= one(
        s,
        "opsgenie",
        &r.opsgenie_configs,
        &[("api_url", "api_url"), ("priority", "priority"), send],
        &[(
            "api_key",
            "api_key_file",
            "Opsgenie API key",
            "opsgenie-key",
        )],
        out,
        Vec::new(),
    );
    for k in r.other.keys() {
        out.not(
            r.name.span,
            format!("`{k}` of receiver `{name}` is not imported"),
            "the spec's receivers are Slack, PagerDuty, email, webhook and Opsgenie",
        );
    }
    if !any {
        // A receiver that notifies no one (a "null" receiver) is kept as such.
        s.truncate(s.len() - format!("  {}:\n", q(name)).len());
        s.push_str(&format!("  {}: {{}}\n", q(name)));
    }
}

fn ordinal(n: usize) -> String {
    match n {
        2 => "second".into(),
        3 => "third".into(),
        n => format!("{n}th"),
    }
}

/// Reads one Alertmanager configuration and writes `alerting.yaml` (with a
/// `service.yaml` naming `service`).
pub fn import(
    sources: &SourceSet,
    ids: &[FileId],
    service: &str,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(String, String)> {
    let mut out = Out {
        diags,
        secrets: Vec::new(),
    };
    let mut s = crate::header("alertmanager");
    let mut routed = false;
    for id in ids {
        let Some(file) = sources.get(*id) else {
            continue;
        };
        let cfg: Config = match forge_spec_syntax::parse_as(*id, file) {
            Ok(c) => c,
            Err(d) => {
                out.diags.push(*d);
                continue;
            }
        };
        if routed {
            out.not(
                Span::new(*id, 0, 0),
                format!(
                    "{} is not imported: one Alertmanager configuration is",
                    file.name
                ),
                "import one configuration at a time",
            );
            continue;
        }
        routed = true;
        for t in cfg.time_intervals.iter().chain(&cfg.mute_time_intervals) {
            out.not(
                t.name.span,
                format!("time interval `{}` is not imported", t.name.value),
                "a spec has no time intervals: routes that used it notify at all times",
            );
        }
        for t in &cfg.templates {
            out.not(t.span, format!("template file `{}` is not imported", t.value), "forge-spec writes its own notification titles and texts; set `title:`/`text:` on a Slack receiver to override them");
        }
        let whole = Span::new(*id, 0, 0);
        for k in cfg.other.keys() {
            out.not(
                whole,
                format!("`{k}` of {} is not imported", file.name),
                "a spec has no such section",
            );
        }
        if let Some(g) = &cfg.global {
            if let Some(r) = g.resolve_timeout.as_ref().filter(|r| r.value != "5m") {
                out.not(
                    r.span,
                    "`global.resolve_timeout` is not imported".into(),
                    "forge-spec writes `resolve_timeout: 5m`",
                );
            }
            for k in g.other.keys() {
                out.not(
                    whole,
                    format!("`global.{k}` of {} is not imported", file.name),
                    "a spec's receivers carry their own settings",
                );
            }
        }
        let Some(route) = &cfg.route else {
            out.not(
                Span::new(*id, 0, 0),
                "the configuration has no `route:`".into(),
                "a spec's routing needs a root receiver",
            );
            continue;
        };
        s.push_str("routing:\n");
        route_yaml(route, 2, true, &mut out, &mut s);
        let mut rules = String::new();
        for rule in &cfg.inhibit_rules {
            inhibit_yaml(rule, &mut out, &mut rules);
        }
        if !rules.is_empty() {
            s.push_str("  inhibit:\n");
            s.push_str(&rules);
        }
        s.push_str("receivers:\n");
        for r in &cfg.receivers {
            receiver_yaml(r, cfg.global.as_ref(), &mut out, &mut s);
        }
    }
    if !out.secrets.is_empty() {
        comment(
            &mut s,
            0,
            "The receivers' secrets were replaced by these files; put each secret in its file, outside the repository:",
        );
        for f in &out.secrets {
            comment(&mut s, 0, &format!("  {f}"));
        }
    }
    let mut svc = crate::header("alertmanager");
    svc.push_str(&format!("version: 1\nservice: {{name: {}}}\n", q(service)));
    vec![("service.yaml".into(), svc), ("alerting.yaml".into(), s)]
}
