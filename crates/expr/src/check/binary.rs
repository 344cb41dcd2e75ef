//! Type checking of binary operators: operand types, units and label matching.

use super::*;

impl Ctx<'_> {
    pub(super) fn binary(&mut self, op: BinOp, l: &Expr, r: &Expr, m: &BinMod) -> Ty {
        let lt = self.expr(l);
        let rt = self.expr(r);
        if op.is_set() && (!lt.vector || !rt.vector) {
            let scalar = if lt.vector { r } else { l };
            let d = Diagnostic::new(&x::SCALAR_OPERAND, self.span(scalar.pos), format!("`{}` combines series, not numbers", op.as_str()))
                .label("a number")
                .help("use a metric expression on both sides, e.g. `up(web) == 0 and rate(errors_total) > 1`");
            self.push(d);
        }
        if op.is_comparison() && !lt.vector && !rt.vector && !m.bool_ {
            let d = Diagnostic::new(
                &x::SCALAR_OPERAND,
                self.span(Pos {
                    start: l.pos.start,
                    end: r.pos.end,
                }),
                format!("`{}` compares two numbers", op.as_str()),
            )
            .label("always true or always false")
            .help("compare a metric with a threshold, e.g. `metric > 3`");
            self.push(d);
        }
        if m.matching.is_some() && (!lt.vector || !rt.vector) {
            let scalar = if lt.vector { r } else { l };
            self.wrong_arg(
                scalar,
                "`on`/`ignoring` match series with series, not with a number",
                "a number",
            );
        }
        let labels = self.result_labels(op, &lt, &rt, m);
        let vector = lt.vector || rt.vector;
        let mut ty = match op {
            BinOp::And | BinOp::Unless => Ty {
                le: lt.le.clone(),
                ..Ty::vector(lt.unit.clone())
            },
            BinOp::Or => Ty::vector(pick_unit(&lt, &rt)),
            BinOp::Add | BinOp::Sub => {
                self.compatible(op, l, &lt, r, &rt);
                Ty::vector(pick_unit(&lt, &rt))
            }
            BinOp::Mul => Ty::vector(pick_unit(&lt, &rt)),
            BinOp::Mod => Ty::vector(lt.unit.clone()),
            BinOp::Pow | BinOp::Atan2 => Ty::vector(Unit::None),
            BinOp::Div => {
                let unit = if lt.unit == rt.unit && lt.unit != Unit::None {
                    Unit::Ratio
                } else if rt.unit == Unit::None {
                    lt.unit.clone()
                } else {
                    Unit::None
                };
                Ty::vector(unit)
            }
            _ => {
                self.compatible(op, l, &lt, r, &rt);
                if m.bool_ {
                    Ty::vector(Unit::None)
                } else {
                    Ty {
                        raw: lt.raw,
                        ..Ty::vector(lt.unit.clone())
                    }
                }
            }
        };
        ty.vector = vector;
        ty.labels = labels;
        ty
    }

    /// The labels of a binary operation's result, PromQL's rules: a filter
    /// (comparison without `bool`, `and`, `unless`) keeps the left side's series;
    /// `or` returns either side's; arithmetic and `bool` keep the `on(...)` labels, or
    /// drop the `ignoring(...)` ones, and `group_left`/`group_right` keep the "many"
    /// side's labels plus those copied from the "one" side.
    pub(super) fn result_labels(
        &self,
        op: BinOp,
        lt: &Ty,
        rt: &Ty,
        m: &BinMod,
    ) -> Option<LabelSet> {
        match (lt.vector, rt.vector) {
            (false, false) => return Some(no_labels()),
            (true, false) => return lt.labels.clone(),
            (false, true) => return rt.labels.clone(),
            _ => {}
        }
        if matches!(op, BinOp::And | BinOp::Unless) || (op.is_comparison() && !m.bool_) {
            if let Some(g) = m.matching.as_ref().and_then(|mm| mm.group.as_ref())
                && !g.left
            {
                return rt.labels.clone();
            }
            return lt.labels.clone();
        }
        if op == BinOp::Or {
            return match (&lt.labels, &rt.labels) {
                (Some(a), Some(b)) => Some(Arc::new(a.union(b).cloned().collect())),
                _ => None,
            };
        }
        let Some(mm) = &m.matching else {
            return lt.labels.clone();
        };
        if let Some(g) = &mm.group {
            let many = if g.left { &lt.labels } else { &rt.labels };
            return many.as_ref().map(|l| {
                let mut out = l.clone();
                if !g.labels.is_empty() {
                    Arc::make_mut(&mut out).extend(g.labels.iter().map(|(l, _)| l.clone()));
                }
                out
            });
        }
        if mm.on {
            Some(Arc::new(mm.labels.iter().map(|(l, _)| l.clone()).collect()))
        } else {
            lt.labels.as_ref().map(|l| {
                let mut out = l.clone();
                for (x, _) in &mm.labels {
                    if out.contains(x) {
                        Arc::make_mut(&mut out).remove(x);
                    }
                }
                out
            })
        }
    }

    /// Both sides of a comparison or sum must be in the same unit; a bare number
    /// against a seconds or bytes value is allowed but warned about.
    pub(super) fn compatible(&mut self, op: BinOp, l: &Expr, lt: &Ty, r: &Expr, rt: &Ty) {
        let (vec_side, lit_side, vt, lit) = match (&lt.literal, &rt.literal) {
            (None, Some(u)) => (l, r, lt, *u),
            (Some(u), None) => (r, l, rt, *u),
            _ => {
                if lt.unit != rt.unit && lt.unit != Unit::None && rt.unit != Unit::None {
                    self.mismatch(op, l, lt, r, rt);
                }
                return;
            }
        };
        let lit_unit = match lit {
            LitUnit::None => None,
            LitUnit::Seconds => Some(Unit::Seconds),
            LitUnit::Bytes => Some(Unit::Bytes),
            LitUnit::Percent => Some(Unit::Ratio),
        };
        let zero = matches!(&lit_side.kind, ExprKind::Number(q) if q.value == 0.0);
        match lit_unit {
            // Raw PromQL has no units on numbers: nothing to compare; nor has zero.
            None if self.raw || zero => {}
            None => {
                if matches!(vt.unit, Unit::Seconds | Unit::Bytes) && op.is_comparison() {
                    let example = if vt.unit == Unit::Seconds {
                        "500ms or 2h"
                    } else {
                        "12GB or 512MiB"
                    };
                    let d = Diagnostic::new(
                        &x::BARE_NUMBER_COMPARISON,
                        self.span(lit_side.pos),
                        format!(
                            "a bare number is compared with a value in {}",
                            vt.unit.name()
                        ),
                    )
                    .label("no unit")
                    .secondary(self.span(vec_side.pos), format!("in {}", vt.unit.name()))
                    .help(format!(
                        "write the unit, e.g. {example}, so the threshold cannot be misread"
                    ));
                    self.push(d);
                }
            }
            Some(u) => {
                let vt_unit = if vt.unit == Unit::None && u == Unit::Ratio {
                    Unit::Ratio
                } else {
                    vt.unit.clone()
                };
                if u != vt_unit && !(vt.unit == Unit::None && vt.raw.is_none()) {
                    let (lt2, rt2) = if std::ptr::eq(vec_side, l) {
                        (vt, &Ty::vector(u.clone()))
                    } else {
                        (&Ty::vector(u.clone()), vt)
                    };
                    self.mismatch(op, l, lt2, r, rt2);
                }
            }
        }
    }

    pub(super) fn mismatch(&mut self, op: BinOp, l: &Expr, lt: &Ty, r: &Expr, rt: &Ty) {
        let d = Diagnostic::new(
            &x::UNIT_MISMATCH,
            self.span(r.pos),
            format!(
                "`{}` compares {} with {}",
                op.as_str(),
                lt.unit.name(),
                rt.unit.name()
            ),
        )
        .label(format!("in {}", rt.unit.name()))
        .secondary(self.span(l.pos), format!("in {}", lt.unit.name()))
        .help(format!("write the threshold in {}", lt.unit.name()));
        self.push(d);
    }
}
