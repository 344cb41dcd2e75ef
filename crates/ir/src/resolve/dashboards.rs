//! Stage 2, resolve: Dashboards and logs: panel queries, dashboards, log events.

use super::*;

impl Resolver<'_> {
    pub(super) fn query(&mut self, text: S, raw: bool, cat: &Catalog) -> Query {
        let map = SourceMap::new(self.sources, text.span, &text.value);
        if raw {
            let checked = expr::promql::check(&text.value, cat, map);
            self.out.extend(checked.diagnostics);
            let promql = text.value.trim().to_string();
            return Query {
                text,
                raw,
                expr: None,
                ty: unlabelled(checked.ty),
                promql,
                metrics: checked.metrics.into_iter().map(|m| m.0).collect(),
            };
        }
        match self
            .memo
            .as_ref()
            .map_or_else(|| expr::parse_query(&text.value), |m| m.query(&text.value))
        {
            Ok(e) => {
                let checked = expr::check(&e, cat, map);
                self.out.extend(checked.diagnostics);
                let promql = expr::lower(
                    &e,
                    &expr::Lowering {
                        catalog: cat,
                        range: RangeMode::Grafana,
                        scale: 1,
                    },
                );
                Query {
                    text,
                    raw,
                    ty: unlabelled(checked.ty),
                    expr: Some(e),
                    promql,
                    metrics: checked.metrics.into_iter().map(|m| m.0).collect(),
                }
            }
            Err(e) => {
                self.syntax(map, &e, "a query such as `rate(http_requests_total)`");
                Query {
                    text,
                    raw,
                    expr: None,
                    ty: None,
                    promql: String::new(),
                    metrics: Vec::new(),
                }
            }
        }
    }

    pub(super) fn dashboard(&mut self, uid: S, d: syntax::Dashboard, cat: &Catalog) -> Dashboard {
        let panels = d
            .panels
            .into_iter()
            .map(|pn| {
                let span = pn.title.as_ref().map_or(uid.span, |t| t.span);
                if let Some(t) = &pn.title {
                    self.allow(t, &pn.allow);
                }
                let queries = self.about(span, |r| {
                    let mut queries: Vec<Query> = Vec::new();
                    for q in pn.query.into_iter().chain(pn.queries) {
                        queries.push(r.query(q, false, cat));
                    }
                    if let Some(e) = pn.expr {
                        queries.push(r.query(e, true, cat));
                    }
                    queries
                });
                Panel {
                    span,
                    title: pn.title,
                    description: pn.description,
                    queries,
                    unit: pn.unit,
                    kind: pn.kind,
                }
            })
            .collect();
        Dashboard {
            uid,
            title: d.title,
            description: d.description,
            tags: d.tags,
            panels,
        }
    }

    pub(super) fn logs(&mut self, l: syntax::Logs) -> Logs {
        let events = l
            .events
            .0
            .into_iter()
            .map(|(name, ev)| {
                self.allow(&name, &ev.allow);
                LogEvent {
                    fields: ev
                        .fields
                        .0
                        .into_iter()
                        .map(|(fname, spec)| LogField {
                            kind: spec.value.kind().to_string(),
                            kind_span: spec.span,
                            redacted: spec.value.redacted(),
                            name: fname,
                        })
                        .collect(),
                    name,
                    level: ev.level,
                    message: ev.message,
                }
            })
            .collect();
        Logs {
            level: l.level,
            format: l.format,
            handlers: l.handlers,
            events,
        }
    }
}
