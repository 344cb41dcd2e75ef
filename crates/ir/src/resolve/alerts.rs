//! Stage 2, resolve: Alerts and recording rules: conditions, labels, annotations, rule groups.

use super::*;

impl Resolver<'_> {
    pub(super) fn condition(
        &mut self,
        text: S,
        cat: &Catalog,
        raw: bool,
    ) -> (Option<AlertExpr>, Option<Duration>) {
        let map = SourceMap::new(self.sources, text.span, &text.value);
        if raw {
            let checked = expr::promql::check(&text.value, cat, map);
            self.out.extend(checked.diagnostics);
            let promql = text.value.trim().to_string();
            return (
                Some(AlertExpr {
                    text,
                    map,
                    condition: None,
                    ty: checked.ty,
                    promql,
                    metrics: checked.metrics.into_iter().map(|m| m.0).collect(),
                    targets: Vec::new(),
                    jobs: checked.jobs,
                }),
                None,
            );
        }
        match self.memo.as_ref().map_or_else(
            || expr::parse_condition(&text.value),
            |m| m.condition(&text.value),
        ) {
            Ok(cond) => {
                let checked = expr::check(&cond.expr, cat, map);
                self.out.extend(checked.diagnostics);
                let promql = expr::lower(
                    &cond.expr,
                    &expr::Lowering {
                        catalog: cat,
                        range: RangeMode::Fixed(cat.default_range),
                        scale: self.time_scale,
                    },
                );
                let for_ = cond.for_.map(|(d, _)| d);
                (
                    Some(AlertExpr {
                        text,
                        map,
                        ty: checked.ty,
                        promql,
                        metrics: checked.metrics.into_iter().map(|m| m.0).collect(),
                        targets: checked.targets.into_iter().map(|t| t.0).collect(),
                        jobs: checked.jobs,
                        condition: Some(cond),
                    }),
                    for_,
                )
            }
            Err(e) => {
                self.syntax(
                    map,
                    &e,
                    "a condition such as `p95(http_request_duration_seconds) > 1s for 5m`",
                );
                (None, None)
            }
        }
    }

    pub(super) fn alert(
        &mut self,
        name: S,
        a: syntax::Alert,
        cat: &Catalog,
        slos: &BTreeSet<&str>,
        dashboards: &[Dashboard],
        groups: &BTreeSet<&str>,
    ) -> Alert {
        self.allow(&name, &a.allow);
        let (when, mut for_) = match (a.condition, a.expr) {
            (Some(c), None) => {
                let (w, f) = self.condition(c.clone(), cat, false);
                (w, f.map(|d| Spanned::new(d, c.span)))
            }
            (None, Some(e)) => (self.condition(e, cat, true).0, None),
            (Some(c), Some(e)) => {
                self.out.push(
                    Diagnostic::new(&p::INVALID_VALUE, e.span, format!("alert `{}` has both `condition:` and `expr:`", name.value))
                        .label("second condition")
                        .secondary(c.span, "first condition")
                        .help("keep one: `condition:` in the condition language, or raw PromQL in `expr:`"),
                );
                let (w, f) = self.condition(c.clone(), cat, false);
                (w, f.map(|d| Spanned::new(d, c.span)))
            }
            (None, None) => {
                self.out.push(
                    Diagnostic::new(
                        &p::MISSING_KEY,
                        name.span,
                        format!("alert `{}` has no condition", name.value),
                    )
                    .label("no `condition:` or `expr:`")
                    .help("add `condition: <metric expression> > <threshold> for <duration>`"),
                );
                (None, None)
            }
        };
        if let Some(f) = &a.for_ {
            if for_.is_some() {
                self.invalid(
                    f.span,
                    "`for:` given twice (also in the condition)".into(),
                    "keep the `for` of the condition",
                );
            } else {
                // `for: 0m` is no `for`, as Prometheus reads it.
                for_ = self.duration_from(f, true).filter(|d| d.value.ms > 0);
            }
        }
        // In an organisation, `service/name` names another service's SLO or dashboard:
        // the organisation checks it.
        let foreign = |r: &S| self.org && r.value.contains('/');
        if let Some(slo) = &a.slo
            && !slos.contains(slo.value.as_str())
            && !foreign(slo)
        {
            let d = Diagnostic::new(
                &n::UNKNOWN_SLO,
                slo.span,
                format!("unknown SLO `{}`", slo.value),
            )
            .unresolved(&slo.value)
            .label("not in `slos:`");
            let d = d.suggest(
                &slo.value,
                slos.iter().copied(),
                "define the SLO under `slos:` or remove `slo:`",
            );
            self.out.push(d);
        }
        if let Some(dash) = a.dashboard.as_ref().filter(|d| !foreign(d)) {
            let (uid, panel) = dash
                .value
                .split_once('#')
                .map_or((dash.value.as_str(), None), |(u, p)| (u, Some(p)));
            match dashboards.iter().find(|d| d.uid.value == uid) {
                None => {
                    let d = Diagnostic::new(
                        &n::UNKNOWN_DASHBOARD,
                        dash.span,
                        format!("unknown dashboard `{uid}`"),
                    )
                    .unresolved(uid)
                    .label("not in `dashboards:`");
                    let d = match did_you_mean(uid, dashboards.iter().map(|d| d.uid.value.as_str()))
                    {
                        Some(s) => d.did_you_mean(s),
                        None => d.help("name a dashboard uid from `dashboards:`"),
                    };
                    self.out.push(d);
                }
                Some(db) => {
                    if let Some(p) = panel
                        && !db
                            .panels
                            .iter()
                            .any(|pn| pn.title.as_ref().is_some_and(|t| t.value == p))
                    {
                        let titles: Vec<&str> = db
                            .panels
                            .iter()
                            .filter_map(|pn| pn.title.as_ref().map(|t| t.value.as_str()))
                            .collect();
                        let d = Diagnostic::new(
                            &n::UNKNOWN_DASHBOARD,
                            dash.span,
                            format!("dashboard `{uid}` has no panel `{p}`"),
                        )
                        .label("no such panel");
                        let d = match did_you_mean(p, titles.iter().copied()) {
                            Some(s) => d.help(format!("did you mean `{uid}#{s}`?")),
                            None => d.help(format!("its panels: {}", titles.join(", "))),
                        };
                        self.out.push(d);
                    }
                }
            }
        }
        for (label, value) in &a.labels.0 {
            self.label_name(label, "alert label");
            let conflict = match label.value.as_str() {
                "severity" => (a.severity.value != value.value).then_some(&a.severity),
                "alertname" => Some(a.alertname.as_ref().unwrap_or(&name)),
                _ => None,
            };
            if let Some(other) = conflict {
                self.out.push(
                    Diagnostic::new(
                        &n::INVALID_LABEL_NAME,
                        label.span,
                        format!(
                            "label `{}` of alert `{}` conflicts with its `{}`",
                            label.value,
                            name.value,
                            if label.value == "severity" {
                                "severity:"
                            } else {
                                "name"
                            }
                        ),
                    )
                    .label("set twice")
                    .secondary(other.span, "already set here")
                    .help(format!(
                        "remove `{}` from `labels:`; forge-spec sets it",
                        label.value
                    )),
                );
            }
        }
        let keep_firing_for = a.keep_firing_for.as_ref().and_then(|k| self.duration(k));
        if let Some(g) = &a.group {
            self.group_ref(g, groups);
        }
        Alert {
            alertname: a.alertname.unwrap_or_else(|| name.clone()),
            name,
            severity: a.severity,
            when,
            for_,
            slo: a.slo,
            summary: a.summary,
            description: a.description,
            runbook: a.runbook,
            dashboard: a.dashboard,
            labels: a.labels.0,
            annotations: self.annotations(a.annotations),
            keep_firing_for,
            group: a.group,
        }
    }

    /// Free-form labels (of SLOs, SLO alerts, records): valid names, and never one
    /// forge-spec sets itself.
    pub(super) fn free_labels(&mut self, labels: Map<S>, what: &str) -> Vec<(S, S)> {
        for (label, _) in &labels.0 {
            self.label_name(label, what);
            if matches!(
                label.value.as_str(),
                "severity" | "slo" | "service" | "alertname"
            ) {
                self.invalid(
                    label.span,
                    format!("forge-spec sets the label `{}` itself", label.value),
                    "remove it from `labels:`",
                );
            }
        }
        labels.0
    }

    /// Free-form annotations: valid names, never one that has its own field.
    pub(super) fn annotations(&mut self, annotations: Map<S>) -> Vec<(S, S)> {
        for (key, _) in &annotations.0 {
            self.label_name(key, "annotation");
            let own = match key.value.as_str() {
                "summary" => Some("summary:"),
                "description" => Some("description:"),
                "runbook_url" => Some("runbook:"),
                "dashboard_url" => Some("dashboard:"),
                _ => None,
            };
            if let Some(field) = own {
                self.invalid(
                    key.span,
                    format!("the annotation `{}` comes from `{field}`", key.value),
                    &format!("write it as `{field}` instead"),
                );
            }
        }
        annotations.0
    }

    /// A `group:` reference: a group of `groups:`.
    pub(super) fn group_ref(&mut self, g: &S, groups: &BTreeSet<&str>) {
        if !groups.contains(g.value.as_str()) {
            let d = Diagnostic::new(
                &p::INVALID_VALUE,
                g.span,
                format!("no rule group `{}`", g.value),
            )
            .label("not in `groups:`");
            let d = d.suggest(
                &g.value,
                groups.iter().copied(),
                "declare it under `groups:` (with its `interval:`), or remove `group:`",
            );
            self.out.push(d);
        }
    }

    /// A recording rule of one's own: its name's shape, its expression (typed like a
    /// query), its labels and group.
    pub(super) fn record(
        &mut self,
        name: S,
        rec: syntax::Record,
        cat: &Catalog,
        groups: &BTreeSet<&str>,
    ) -> Record {
        self.allow(&name, &rec.allow);
        let expr = match (rec.query, rec.expr) {
            (Some(q), None) => self.record_expr(q, cat, false),
            (None, Some(e)) => self.record_expr(e, cat, true),
            (Some(q), Some(e)) => {
                self.out.push(
                    Diagnostic::new(
                        &p::INVALID_VALUE,
                        e.span,
                        format!("record `{}` has both `query:` and `expr:`", name.value),
                    )
                    .label("second expression")
                    .secondary(q.span, "first expression")
                    .help("keep one: `query:` in the condition language, or raw PromQL in `expr:`"),
                );
                self.record_expr(q, cat, false)
            }
            (None, None) => {
                self.out.push(
                    Diagnostic::new(
                        &p::MISSING_KEY,
                        name.span,
                        format!("record `{}` has no expression", name.value),
                    )
                    .label("no `query:` or `expr:`")
                    .help("add `query: sum by (job) (rate(requests_total))`"),
                );
                None
            }
        };
        if let Some(g) = &rec.group {
            self.group_ref(g, groups);
        }
        Record {
            labels: self.free_labels(rec.labels, "record label"),
            series: rec.record.unwrap_or_else(|| name.clone()),
            name,
            expr,
            group: rec.group,
        }
    }

    pub(super) fn record_expr(&mut self, text: S, cat: &Catalog, raw: bool) -> Option<AlertExpr> {
        let (e, for_) = self.condition(text, cat, raw);
        if let (Some(e), Some(_)) = (&e, for_) {
            self.invalid(
                e.text.span,
                "a recording rule has no `for`".into(),
                "remove `for ...`: a record is computed at every evaluation",
            );
        }
        e
    }
}
