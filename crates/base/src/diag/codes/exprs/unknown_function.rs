//! Rule X003 `unknown-function` (condition-language stage; emitted by `expr`).

crate::declare_code! {
    /// ## What it does
    /// Reports a call to a function the condition language does not have, or one of a
    /// later Prometheus than the one the spec targets (2.42: `histogram_avg`,
    /// `histogram_stddev`, `histogram_stdvar`, `mad_over_time`, `sort_by_label`,
    /// `sort_by_label_desc`,
    /// `limitk`, `limit_ratio`, `double_exponential_smoothing` are refused by name).
    ///
    /// The functions (`series` an instant vector, `series[range]` a range — a selector,
    /// whose range may be left to `defaults.range`, or a subquery):
    /// - shorthands: `up(target)`, `p50`/`p75`/`p90`/`p95`/`p99(histogram)`,
    ///   `quantile(q, histogram)`, `ratio(errors, total)`;
    /// - over a range: `rate`, `irate`, `increase`, `resets` (counters), `delta`,
    ///   `idelta`, `deriv`, `predict_linear(series[range], seconds)`,
    ///   `holt_winters(series[range], sf, tf)` (gauges), `changes`, `absent_over_time`,
    ///   `avg_over_time`, `min_over_time`, `max_over_time`, `sum_over_time`,
    ///   `count_over_time`, `quantile_over_time(q, series[range])`, `stddev_over_time`,
    ///   `stdvar_over_time`, `last_over_time`, `present_over_time`;
    /// - on series: `abs`, `absent`, `ceil`, `floor`, `round(series, to?)`,
    ///   `clamp(series, min, max)`, `clamp_min`, `clamp_max`, `exp`, `ln`, `log2`,
    ///   `log10`, `sqrt`, `sgn`, `sort`, `sort_desc`, `timestamp`, `scalar`,
    ///   `histogram_quantile(q, buckets)`, `histogram_count`, `histogram_sum`,
    ///   `histogram_fraction(lower, upper, series)`,
    ///   `label_replace(series, "dst", "replacement", "src", "regex")`,
    ///   `label_join(series, "dst", "separator", "src", ...)`, trigonometry (`acos`,
    ///   `acosh`, `asin`, `asinh`, `atan`, `atanh`, `cos`, `cosh`, `sin`, `sinh`, `tan`,
    ///   `tanh`, `deg`, `rad`);
    /// - time: `time()`, `vector(number)`, `pi()`, and `day_of_month`, `day_of_week`,
    ///   `day_of_year`, `days_in_month`, `hour`, `minute`, `month`, `year` (of an
    ///   optional series of timestamps);
    /// - aggregations, with `by (...)` or `without (...)` before or after the
    ///   arguments: `sum`, `min`, `max`, `avg`, `group`, `stddev`, `stdvar`, `count`,
    ///   `count_values("label", series)`, `topk(k, series)`, `bottomk(k, series)`,
    ///   `quantile(q, series)`.
    ///
    /// ## Why is this bad?
    /// It cannot be compiled; the help line names the closest function.
    ///
    /// ## Example
    /// ```yaml
    /// service: {name: shop}
    /// metrics:
    ///   shop_orders_total: {type: counter, help: Orders placed.}
    /// dashboards:
    ///   orders: {title: Orders, panels: [{title: Rate, query: rat(shop_orders_total)}]}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: {name: shop}
    /// metrics:
    ///   shop_orders_total: {type: counter, help: Orders placed.}
    /// dashboards:
    ///   orders: {title: Orders, panels: [{title: Rate, query: rate(shop_orders_total)}]}
    /// ```
    pub UNKNOWN_FUNCTION = ("X003", "unknown-function", Error);
}
