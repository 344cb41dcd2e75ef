//! `import alertmanager`: an Alertmanager configuration → the spec's `routing:` and
//! `receivers:`. Routes keep their matchers (`matchers:`, and the older `match:` /
//! `match_re:`), receivers, timers, `continue` and children; inhibit rules their
//! matchers and `equal`. Every literal secret (Slack URL, PagerDuty keys, Opsgenie key,
//! SMTP password, a webhook URL with credentials) becomes a `*_file` reference under
//! `/etc/alertmanager/secrets/` with an I002 report — never copied. Time intervals
//! and absolute template paths are kept; relative template paths and integrations a
//! spec has no field for are reported (I001).

use crate::Scalar;
use crate::text::{comment, flow_list, flow_map, q};
use forge_spec_base::diag::Diagnostic;
use forge_spec_base::diag::codes::import as i;
use forge_spec_base::source::{FileId, SourceSet, Span, Spanned};
use forge_spec_syntax::Map;
use forge_spec_syntax::integrations::{ALL as INTEGRATIONS, FieldKind, Kind};

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
#[serde(deny_unknown_fields)]
struct Named {
    name: S,
    #[serde(default)]
    time_intervals: Vec<PeriodIn>,
}

/// One period of a time interval, as Alertmanager reads it.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PeriodIn {
    #[serde(default)]
    times: Vec<TimesIn>,
    #[serde(default)]
    weekdays: Vec<Spanned<Scalar>>,
    #[serde(default)]
    days_of_month: Vec<Spanned<Scalar>>,
    #[serde(default)]
    months: Vec<Spanned<Scalar>>,
    #[serde(default)]
    years: Vec<Spanned<Scalar>>,
    location: Option<S>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct TimesIn {
    start_time: S,
    end_time: S,
}

/// A named time interval as the spec writes it: `name: [{times: […], weekdays: […]}]`.
fn time_interval_yaml(t: &Named, s: &mut String) {
    let periods: Vec<String> = t
        .time_intervals
        .iter()
        .map(|p| {
            let mut parts = Vec::new();
            if !p.times.is_empty() {
                let times: Vec<String> = p
                    .times
                    .iter()
                    .map(|x| {
                        format!(
                            "{{start_time: {}, end_time: {}}}",
                            q(&x.start_time.value),
                            q(&x.end_time.value)
                        )
                    })
                    .collect();
                parts.push(format!("times: [{}]", times.join(", ")));
            }
            for (k, v) in [
                ("weekdays", &p.weekdays),
                ("days_of_month", &p.days_of_month),
                ("months", &p.months),
                ("years", &p.years),
            ] {
                if !v.is_empty() {
                    let texts: Vec<String> = v.iter().map(|x| x.value.to_string()).collect();
                    parts.push(format!(
                        "{k}: {}",
                        flow_list(texts.iter().map(String::as_str))
                    ));
                }
            }
            if let Some(l) = &p.location {
                parts.push(format!("location: {}", q(&l.value)));
            }
            format!("{{{}}}", parts.join(", "))
        })
        .collect();
    s.push_str(&format!(
        "    {}: [{}]\n",
        q(&t.name.value),
        periods.join(", ")
    ));
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

/// A receiver: its name, the integrations the spec has (by Alertmanager's list name,
/// `slack_configs`, from the integrations table), and the names of the others.
struct ReceiverIn {
    name: S,
    configs: Vec<(&'static Kind, Vec<Map<Any>>)>,
    /// Every other key (`telegram_configs`, …), reported, not imported.
    other: Vec<String>,
}

impl<'de> serde::Deserialize<'de> for ReceiverIn {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = ReceiverIn;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a receiver")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> Result<ReceiverIn, A::Error> {
                let mut name = None;
                let mut configs = Vec::new();
                let mut other = Vec::new();
                while let Some(k) = m.next_key::<String>()? {
                    if k == "name" {
                        name = Some(m.next_value::<S>()?);
                    } else if let Some(kind) = INTEGRATIONS.iter().find(|x| x.alertmanager.0 == k) {
                        configs.push((kind, m.next_value::<Vec<Map<Any>>>()?));
                    } else {
                        m.next_value::<serde::de::IgnoredAny>()?;
                        other.push(k);
                    }
                }
                let name = name.ok_or_else(|| serde::de::Error::missing_field("name"))?;
                Ok(ReceiverIn {
                    name,
                    configs,
                    other,
                })
            }
        }
        d.deserialize_map(V)
    }
}

/// A matcher of the `matchers:` syntax (label, operator, value), if it reads as one.
fn parse_matcher(text: &str) -> Option<(String, &'static str, String)> {
    forge_spec_syntax::matcher::parse(text)
        .ok()
        .map(|(l, op, v)| (l.to_string(), op, v))
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

/// A matcher as Alertmanager's `matchers:` write it, its value quoted.
fn matcher_text(label: &str, op: &str, value: &str) -> String {
    let v = value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n");
    format!("{label}{op}\"{v}\"")
}

/// The route's matchers: equalities (`match:`), regexes (`match_re:`) and the others
/// (negations, `matchers:` as Alertmanager writes them). `None` when one does not read:
/// the route is then not imported at all, since without that matcher it would take
/// alerts the original does not.
fn matchers(r: &RouteIn, out: &mut Out) -> Option<(Pairs, Pairs, Vec<String>)> {
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
    let mut other = Vec::new();
    for m in &r.matchers {
        match parse_matcher(&m.value) {
            Some((l, "=", v)) => eq.push((l, v)),
            Some((l, "=~", v)) => re.push((l, v)),
            Some((l, op, v)) => other.push(matcher_text(&l, op, &v)),
            None => {
                whole = false;
                out.not(m.span, format!("the route with `{}`, not a matcher, is not imported, nor the routes under it", m.value), "write it as `label=\"value\"`");
            }
        }
    }
    whole.then_some((eq, re, other))
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
        let Some((eq, re, other)) = matchers(r, out) else {
            return;
        };
        if !other.is_empty() {
            line(
                s,
                format!("matchers: {}", flow_list(other.iter().map(String::as_str))),
            );
        }
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
    for (k, v) in [
        ("mute_time_intervals", &r.mute_time_intervals),
        ("active_time_intervals", &r.active_time_intervals),
    ] {
        if !v.is_empty() {
            line(
                s,
                format!("{k}: {}", flow_list(v.iter().map(|x| x.value.as_str()))),
            );
        }
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

/// Whether a route under the root matches on `severity`.
fn routes_by_severity(root: &RouteIn) -> bool {
    fn on_severity(r: &RouteIn) -> bool {
        r.match_.iter().any(|(k, _)| k.value == "severity")
            || r.match_re.iter().any(|(k, _)| k.value == "severity")
            || r.matchers
                .iter()
                .any(|m| parse_matcher(&m.value).is_some_and(|(l, _, _)| l == "severity"))
            || r.routes.iter().any(on_severity)
    }
    root.routes.iter().any(on_severity)
}

/// An inhibit rule: its equalities as `source:`/`target:`, its regexes and negations
/// as `source_matchers:`/`target_matchers:` — never dropped, which would widen what it
/// silences (kube-prometheus' `severity =~ warning|info` target, dropped, would silence
/// `Watchdog`). A matcher that does not read leaves the whole rule out, reported.
fn inhibit_yaml(rule: &InhibitIn, out: &mut Out, s: &mut String) {
    let mut whole = true;
    let mut side = |m: &Map<Any>, re: &Map<Any>, ms: &[S]| -> (Pairs, Vec<String>) {
        let eq: Pairs = m.iter().map(|(k, x)| (k.value.clone(), text(x))).collect();
        let mut other: Vec<String> = re
            .iter()
            .map(|(k, x)| matcher_text(&k.value, "=~", &text(x)))
            .collect();
        for x in ms {
            match parse_matcher(&x.value) {
                Some((l, op, val)) => other.push(matcher_text(&l, op, &val)),
                None => {
                    whole = false;
                    out.not(
                        x.span,
                        format!(
                            "the inhibit rule with `{}`, not a matcher, is not imported",
                            x.value
                        ),
                        "write it as `label=\"value\"`; without it the rule would silence more",
                    );
                }
            }
        }
        (eq, other)
    };
    let (source, source_more) = side(
        &rule.source_match,
        &rule.source_match_re,
        &rule.source_matchers,
    );
    let (target, target_more) = side(
        &rule.target_match,
        &rule.target_match_re,
        &rule.target_matchers,
    );
    if !whole {
        return;
    }
    let start = s.len();
    let line = |s: &mut String, text: String| {
        s.push_str(if s.len() == start { "    - " } else { "      " });
        s.push_str(&text);
        s.push('\n');
    };
    for (key, eq, more) in [
        ("source", &source, &source_more),
        ("target", &target, &target_more),
    ] {
        if !eq.is_empty() {
            line(
                s,
                format!(
                    "{key}: {}",
                    flow_map(eq.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                ),
            );
        }
        if !more.is_empty() {
            line(
                s,
                format!(
                    "{key}_matchers: {}",
                    flow_list(more.iter().map(String::as_str))
                ),
            );
        }
    }
    if s.len() == start {
        line(s, "source: {}".into());
    }
    if !rule.equal.is_empty() {
        line(
            s,
            format!(
                "equal: {}",
                flow_list(rule.equal.iter().map(|x| x.value.as_str()))
            ),
        );
    }
}

/// The fields of one integration the spec has, each as `key: value` text, read by the
/// integrations table (Alertmanager's keys are the spec's); secrets replaced.
fn integration(cfg: &Map<Any>, receiver: &str, kind: &Kind, out: &mut Out) -> Vec<String> {
    let mut v = Vec::new();
    for (k, val) in cfg.iter() {
        let key = k.value.as_str();
        let field = kind
            .field(key)
            .filter(|_| !matches!(val.value, Field::Nested(_)));
        let Some(field) = field else {
            out.not(
                k.span,
                format!("`{key}` of the {} integration of receiver `{receiver}` is not imported", kind.key),
                "the spec writes this field itself (titles, texts, the e-mail Subject header) or has no such field",
            );
            continue;
        };
        let t = text(val);
        match field.kind {
            // Booleans stay booleans.
            FieldKind::Flag => v.push(format!("{key}: {t}")),
            FieldKind::LiteralSecret { file, what, stem } => {
                let path = out.secret(val.span, what, receiver, stem);
                v.push(format!("{file}: {}", q(&path)));
            }
            FieldKind::SecretIfCredential { file, what, stem }
                if !forge_spec_base::secrets::scan(&t).is_empty() || t.contains('@') =>
            {
                let path = out.secret(val.span, what, receiver, stem);
                v.push(format!("{file}: {}", q(&path)));
            }
            _ => v.push(format!("{key}: {}", q(&t))),
        }
    }
    v
}

fn receiver_yaml(r: &ReceiverIn, global: Option<&Global>, out: &mut Out, s: &mut String) {
    let name = r.name.value.as_str();
    s.push_str(&format!("  {}:\n", q(name)));
    let mut any = false;
    for kind in INTEGRATIONS {
        let Some((_, list)) = r.configs.iter().find(|(k, _)| k.key == kind.key) else {
            continue;
        };
        for (n, cfg) in list.iter().enumerate() {
            if n > 0 {
                out.not(r.name.span, format!("the {} {} integration of receiver `{name}` is not imported", ordinal(n + 1), kind.key), "a spec's receiver has one integration of each kind: make another receiver and a `continue: true` route");
                continue;
            }
            let mut v = integration(cfg, name, kind, out);
            if let Some(g) = global {
                v.extend(from_global(g, kind, cfg, name, out));
            }
            s.push_str(&format!("    {}: {{{}}}\n", kind.key, v.join(", ")));
            any = true;
        }
    }
    let titles: Vec<&str> = INTEGRATIONS.iter().map(|k| k.title).collect();
    for k in &r.other {
        out.not(
            r.name.span,
            format!("`{k}` of receiver `{name}` is not imported"),
            &format!("the spec's receivers are {}", titles.join(", ")),
        );
    }
    if !any {
        // A receiver that notifies no one (a "null" receiver) is kept as such.
        s.truncate(s.len() - format!("  {}:\n", q(name)).len());
        s.push_str(&format!("  {}: {{}}\n", q(name)));
    }
}

/// The settings an integration takes from Alertmanager's `global:` section when it
/// does not set them itself: Slack's webhook URL, the SMTP server and account.
fn from_global(g: &Global, kind: &Kind, cfg: &Map<Any>, name: &str, out: &mut Out) -> Vec<String> {
    let mut v = Vec::new();
    match kind.key {
        "slack" if cfg.get("api_url").is_none() && cfg.get("api_url_file").is_none() => {
            match (&g.slack_api_url, &g.slack_api_url_file) {
                (_, Some(f)) => v.push(format!("api_url_file: {}", q(&f.value))),
                (Some(u), None) => {
                    let path = out.secret(u.span, "Slack webhook URL (global)", name, "slack-url");
                    v.push(format!("api_url_file: {}", q(&path)));
                }
                _ => {}
            }
        }
        "email" => {
            for (k, x) in [
                ("smarthost", &g.smtp_smarthost),
                ("from", &g.smtp_from),
                ("auth_username", &g.smtp_auth_username),
            ] {
                if let Some(x) = x
                    && cfg.get(k).is_none()
                {
                    v.push(format!("{k}: {}", q(&x.value)));
                }
            }
            if cfg.get("auth_password").is_none() && cfg.get("auth_password_file").is_none() {
                if let Some(f) = &g.smtp_auth_password_file {
                    v.push(format!("auth_password_file: {}", q(&f.value)));
                } else if let Some(p) = &g.smtp_auth_password {
                    let path = out.secret(p.span, "SMTP password (global)", name, "smtp-password");
                    v.push(format!("auth_password_file: {}", q(&path)));
                }
            }
            if let Some(t) = &g.smtp_require_tls
                && cfg.get("require_tls").is_none()
            {
                v.push(format!("require_tls: {}", t.value));
            }
        }
        _ => {}
    }
    v
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
        // `mute_time_intervals:` is the older name of `time_intervals:`.
        let intervals: Vec<&Named> = cfg
            .time_intervals
            .iter()
            .chain(&cfg.mute_time_intervals)
            .collect();
        if !intervals.is_empty() {
            s.push_str("  time_intervals:\n");
            for t in intervals {
                time_interval_yaml(t, &mut s);
            }
        }
        // Template files, where Alertmanager reads them; a relative path is relative to
        // the source configuration's directory, which the spec does not know.
        let mut templates = Vec::new();
        for t in &cfg.templates {
            if t.value.starts_with('/') {
                templates.push(t.value.as_str());
            } else {
                out.not(
                    t.span,
                    format!("template file `{}` is not imported: its path is relative", t.value),
                    "write it under `routing.templates:` as the absolute path Alertmanager reads it from",
                );
            }
        }
        if !templates.is_empty() {
            s.push_str(&format!(
                "  templates: {}\n",
                flow_list(templates.into_iter())
            ));
        }
        s.push_str("receivers:\n");
        for r in &cfg.receivers {
            receiver_yaml(r, cfg.global.as_ref(), &mut out, &mut s);
        }
        // A tree that routes some severities sends the others to its default receiver
        // on purpose: as the source ran, that is no error (R004 still says which).
        if routes_by_severity(route) {
            comment(
                &mut s,
                0,
                "The source routes some severities and sends the rest to its default receiver: forge-spec reports those alerts (alert-misrouted) as warnings, not errors.",
            );
            s.push_str("lints: {alert-misrouted: warning}\n");
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
