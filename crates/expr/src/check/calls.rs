//! Type checking of function calls, aggregations and the shorthands (`ratio`, `p95`, histograms).

use super::*;

impl Ctx<'_> {
    pub(super) fn call(&mut self, e: &Expr, c: &Call) -> Ty {
        let f = c.func.as_str();
        match f {
            _ if self.raw => {}
            "p50" | "p75" | "p90" | "p95" | "p99" => return self.histogram_quantile(e, c),
            "quantile" if histogram_shorthand(self.cat, c) => {
                return self.histogram_quantile(e, c);
            }
            "ratio" => return self.ratio(e, c),
            _ => {}
        }
        if let Some(a) = functions::aggregation(f) {
            return self.aggregate(e, c, a);
        }
        if let Some(g) = &c.grouping {
            let at = g.labels.first().map_or(c.func_pos, |(_, p)| *p);
            let d = Diagnostic::new(
                &x::WRONG_ARGUMENTS,
                self.span(at),
                format!("`by`/`without` applies to aggregations, not to `{f}`"),
            )
            .label("not an aggregation")
            .help("aggregate first, e.g. `sum by (job) (rate(x))`");
            self.push(d);
        }
        if let Some(func) = functions::function(f) {
            return self.function(e, c, func);
        }
        let later = functions::LATER.iter().find(|(name, _)| *name == f);
        let d = Diagnostic::new(
            &x::UNKNOWN_FUNCTION,
            self.span(c.func_pos),
            match later {
                Some((_, v)) => format!("`{f}` needs Prometheus {v}; the Prometheus this spec targets (2.42) does not have it"),
                None => format!("unknown function `{f}`"),
            },
        )
        .label("not a function of the condition language");
        let d = if later.is_some() {
            d.help("write it with the functions of Prometheus 2.42 (`forge-spec explain X003` lists them)")
        } else {
            let names: Vec<&str> = functions::all_names().collect();
            d.suggest(
                f,
                names.iter().copied(),
                "`forge-spec explain X003` lists the functions",
            )
        };
        self.push(d);
        for a in &c.args {
            self.expr(a);
        }
        Ty::unknown()
    }

    /// `p95(h)`, `quantile(0.95, h)`: a quantile of a classic histogram's buckets.
    pub(super) fn histogram_quantile(&mut self, e: &Expr, c: &Call) -> Ty {
        let f = c.func.as_str();
        let (n, hist_arg) = if f == "quantile" { (2, 1) } else { (1, 0) };
        if !self.arity(c, e, n) {
            return Ty::unknown();
        }
        if f == "quantile" {
            match &c.args[0].kind {
                ExprKind::Number(q) if (0.0..=1.0).contains(&q.value) => {}
                _ => {
                    let d = Diagnostic::new(
                        &x::WRONG_ARGUMENTS,
                        self.span(c.args[0].pos),
                        "`quantile` needs a number between 0 and 1 first",
                    )
                    .label("not a quantile")
                    .help("write `quantile(0.95, histogram)` or use `p95(histogram)`");
                    self.push(d);
                }
            }
        }
        let Some(sel) = self.selector_arg(f, &c.args[hist_arg]) else {
            return Ty::unknown();
        };
        let ty = self.selector(sel);
        if let Some(raw) = ty.raw
            && raw != MetricKind::Histogram
        {
            self.wrong_kind(
                sel,
                raw,
                MetricKind::Histogram,
                &format!("`{f}` needs a histogram"),
            );
        }
        let labels = grouped(c.grouping.as_ref(), ty.labels.as_ref());
        Ty::vector(ty.unit).with_labels(labels)
    }

    /// `ratio(errors, total)`: the ratio of two counters' rates.
    pub(super) fn ratio(&mut self, e: &Expr, c: &Call) -> Ty {
        if !self.arity(c, e, 2) {
            return Ty::unknown();
        }
        let mut labels = None;
        for arg in &c.args {
            if let Some(sel) = self.selector_arg("ratio", arg) {
                let ty = self.selector(sel);
                labels = labels.or(ty.labels);
                if let Some(raw) = ty.raw
                    && raw != MetricKind::Counter
                {
                    self.wrong_kind(
                        sel,
                        raw,
                        MetricKind::Counter,
                        "`ratio` divides rates of counters",
                    );
                }
            }
        }
        let labels = grouped(c.grouping.as_ref(), labels.as_ref());
        Ty::vector(Unit::Ratio).with_labels(labels)
    }

    /// An aggregation: `sum by (job) (x)`, `topk(5, x)`, `count_values("v", x)`.
    pub(super) fn aggregate(&mut self, e: &Expr, c: &Call, a: &Aggregation) -> Ty {
        let n = 1 + usize::from(a.param.is_some());
        if !self.arity(c, e, n) {
            for arg in &c.args {
                self.expr(arg);
            }
            return Ty::unknown();
        }
        let mut extra = None;
        if let Some(param) = a.param {
            let p = &c.args[0];
            match param {
                Arg::Str => match &p.kind {
                    ExprKind::Str(label) => extra = Some(label.clone()),
                    _ => self.wrong_arg(
                        p,
                        &format!("`{}` takes a label name first, as a string", a.name),
                        "not a string",
                    ),
                },
                _ => {
                    let ty = self.expr(p);
                    if ty.vector {
                        self.wrong_arg(
                            p,
                            &format!("`{}` takes a number first", a.name),
                            "not a number",
                        );
                    }
                }
            }
        }
        let arg = &c.args[n - 1];
        let inner = self.expr(arg);
        self.series_arg(&c.func, arg, &inner);
        let unit = match a.out {
            Out::Count => Unit::None,
            _ => inner.unit.clone(),
        };
        let raw = match a.name {
            "sum" => inner.raw,
            "avg" | "min" | "max" => inner.raw.filter(|k| *k == MetricKind::Gauge),
            _ if a.selects => inner.raw,
            _ => None,
        };
        let mut labels = if a.selects {
            inner.labels.clone()
        } else {
            grouped(c.grouping.as_ref(), inner.labels.as_ref())
        };
        if let (Some(l), Some(extra)) = (labels.as_mut(), extra) {
            Arc::make_mut(l).insert(extra);
        }
        let le = match a.name {
            "sum" | "avg" | "min" | "max" => inner.le.clone(),
            _ => None,
        };
        Ty {
            vector: true,
            raw,
            unit,
            literal: None,
            le,
            labels,
        }
    }

    /// A range argument: a selector (its range may be left to the default) or a
    /// subquery.
    pub(super) fn range_arg<'e>(
        &mut self,
        f: &str,
        arg: &'e Expr,
    ) -> Option<(Ty, Option<&'e Selector>)> {
        match &arg.kind {
            ExprKind::Selector(s) => Some((self.selector(s), Some(s))),
            ExprKind::Up { .. } => Some((self.expr(arg), None)),
            ExprKind::Subquery(sq) => {
                let ty = self.expr(&sq.expr);
                if !ty.vector {
                    self.wrong_arg(
                        &sq.expr,
                        "a subquery ranges over series, not a number",
                        "a number",
                    );
                }
                Some((ty, None))
            }
            _ => {
                let d = Diagnostic::new(
                    &x::WRONG_ARGUMENTS,
                    self.span(arg.pos),
                    format!("`{f}` takes a range: a metric selector or a subquery"),
                )
                .label("not a selector or a subquery")
                .help(format!(
                    "write `{f}(metric)`, `{f}(metric[10m])`, or over an expression a subquery `{f}((expr)[1h:1m])`"
                ));
                self.push(d);
                self.expr(arg);
                None
            }
        }
    }

    /// A function of the table: arguments checked against its signature, the result
    /// typed by it.
    pub(super) fn function(&mut self, e: &Expr, c: &Call, func: &Func) -> Ty {
        let max = func.args.len();
        let min = max - func.optional;
        let n = c.args.len();
        if n < min || (n > max && !func.variadic) {
            let want = if func.variadic {
                format!("at least {min}")
            } else if min == max {
                format!("{min}")
            } else {
                format!("{min} to {max}")
            };
            let d = Diagnostic::new(
                &x::WRONG_ARGUMENTS,
                self.span(e.pos),
                format!("`{}` takes {want} argument(s), found {n}", func.name),
            )
            .label("wrong number of arguments")
            .help(format!("`{}({})`", func.name, signature(func)));
            self.push(d);
            for a in &c.args {
                self.expr(a);
            }
            return Ty::unknown();
        }
        let mut tys: Vec<Option<Ty>> = Vec::with_capacity(n);
        let mut series: Option<Ty> = None;
        for (i, arg) in c.args.iter().enumerate() {
            let kind = func.args[i.min(max - 1)];
            let ty = match kind {
                Arg::Range => {
                    let Some((ty, sel)) = self.range_arg(func.name, arg) else {
                        tys.push(None);
                        continue;
                    };
                    if let (Some(want), Some(raw), Some(sel)) = (func.wants, ty.raw, sel)
                        && raw != want
                    {
                        let what = format!("a {want}");
                        self.wrong_kind(sel, raw, want, &format!("`{}` needs {what}", func.name));
                    }
                    Some(ty)
                }
                Arg::Instant => {
                    let ty = self.expr(arg);
                    if !ty.vector {
                        self.wrong_arg(
                            arg,
                            &format!("`{}` takes series here, not a number", func.name),
                            "a number",
                        );
                    } else if let (Some(want), Some(raw)) = (func.wants, ty.raw)
                        && raw != want
                        && let ExprKind::Selector(sel) = &arg.kind
                    {
                        self.wrong_kind(sel, raw, want, &format!("`{}` needs a {want}", func.name));
                    }
                    Some(ty)
                }
                Arg::Scalar => {
                    let ty = self.expr(arg);
                    if ty.vector {
                        self.wrong_arg(
                            arg,
                            &format!("`{}` takes a number here, not series", func.name),
                            "series",
                        );
                    }
                    Some(ty)
                }
                Arg::Str => {
                    if !matches!(arg.kind, ExprKind::Str(_)) {
                        self.wrong_arg(
                            arg,
                            &format!("`{}` takes a string here", func.name),
                            "not a string",
                        );
                    }
                    None
                }
            };
            if series.is_none()
                && matches!(kind, Arg::Instant | Arg::Range)
                && let Some(t) = &ty
            {
                series = Some(t.clone());
            }
            tys.push(ty);
        }
        let unit_of = |i: usize| tys.get(i).and_then(|t| t.as_ref()).map(|t| t.unit.clone());
        let unit = match func.out {
            Out::Same(i) => unit_of(i).unwrap_or(Unit::None),
            Out::PerSecond(i) => per_second(&unit_of(i).unwrap_or(Unit::None)),
            Out::Count => Unit::None,
            Out::Seconds => Unit::Seconds,
            Out::Ratio => Unit::Ratio,
            Out::Calendar(part) => Unit::Other(part.to_string()),
            Out::Bucket(i) => tys
                .get(i)
                .and_then(|t| t.as_ref())
                .map(|t| t.le.clone().unwrap_or_else(|| t.unit.clone()))
                .unwrap_or(Unit::None),
        };
        let input = series.as_ref().and_then(|t| t.labels.clone());
        let labels = match func.labels {
            Labels::Keep => input,
            Labels::DropLe => input.map(|mut l| {
                if l.contains("le") {
                    Arc::make_mut(&mut l).remove("le");
                }
                l
            }),
            Labels::Add(i) => match c.args.get(i).map(|a| &a.kind) {
                Some(ExprKind::Str(dst)) => input.map(|mut l| {
                    Arc::make_mut(&mut l).insert(dst.clone());
                    l
                }),
                _ => None,
            },
            Labels::Empty => Some(no_labels()),
        };
        let le = match func.name {
            "rate" | "increase" | "irate" | "label_replace" | "label_join" => {
                series.as_ref().and_then(|t| t.le.clone())
            }
            _ => None,
        };
        let raw = if func.passes_values {
            series.as_ref().and_then(|t| t.raw)
        } else {
            None
        };
        if func.scalar {
            return Ty::number(unit);
        }
        Ty {
            vector: true,
            raw,
            unit,
            literal: None,
            le,
            labels,
        }
    }
}
