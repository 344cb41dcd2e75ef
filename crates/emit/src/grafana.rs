//! Backend: Grafana — one dashboard per spec dashboard plus a generated SLO dashboard,
//! valid against Grafana's own JSON Schemas; provisioning files for the datasource and
//! the dashboards.

use super::Output;
use forge_spec_expr::Unit;
use forge_spec_ir::{Dashboard, Model, Panel, Sli};
use serde::Serialize;
use serde_json::{Value, json};

/// The classic dashboard schema version the generated JSON follows.
pub const SCHEMA_VERSION: u32 = 41;
/// Panel id = position in the dashboard, from 1 (`Model::dashboard_url` relies on it).
const COLUMNS: u32 = 24;
/// SLOs shown with their own panels; more are shown through an `slo` variable.
pub const SLO_PANELS_MAX: usize = 24;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DashboardJson {
    uid: String,
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    tags: Vec<String>,
    timezone: String,
    editable: bool,
    graph_tooltip: u32,
    time: Value,
    refresh: String,
    schema_version: u32,
    version: u32,
    templating: Value,
    annotations: Value,
    links: Vec<Value>,
    panels: Vec<PanelJson>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PanelJson {
    id: usize,
    #[serde(rename = "type")]
    kind: String,
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    datasource: Value,
    grid_pos: GridPos,
    targets: Vec<Value>,
    field_config: Value,
    options: Value,
}

#[derive(Serialize, Clone, Copy)]
struct GridPos {
    h: u32,
    w: u32,
    x: u32,
    y: u32,
}

fn datasource() -> Value {
    json!({"type": "prometheus", "uid": "${datasource}"})
}

/// Grafana's unit id for a value's unit.
pub fn grafana_unit(u: &Unit) -> &'static str {
    match u {
        Unit::None => "short",
        Unit::Seconds => "s",
        Unit::Bytes => "bytes",
        Unit::Ratio => "percentunit",
        Unit::PerSecond => "ops",
        Unit::BytesPerSecond => "Bps",
        Unit::Other(o) => match o.as_str() {
            "celsius" => "celsius",
            "volts" => "volt",
            "amperes" => "amp",
            "joules" => "joule",
            "grams" => "massg",
            "meters" => "lengthm",
            _ => "short",
        },
    }
}

/// Flow layout on Grafana's 24 columns: single values are narrow, graphs wide.
struct Layout {
    x: u32,
    y: u32,
    row_h: u32,
}

impl Layout {
    fn place(&mut self, w: u32, h: u32) -> GridPos {
        if self.x + w > COLUMNS {
            self.x = 0;
            self.y += self.row_h;
            self.row_h = 0;
        }
        let pos = GridPos {
            h,
            w,
            x: self.x,
            y: self.y,
        };
        self.x += w;
        self.row_h = self.row_h.max(h);
        pos
    }
}

fn options(kind: &str, unit: &str) -> Value {
    let reduce = json!({"calcs": ["lastNotNull"], "fields": "", "values": false});
    match kind {
        "stat" => json!({
            "graphMode": "area", "colorMode": "value", "justifyMode": "auto", "textMode": "auto",
            "wideLayout": true, "showPercentChange": false, "percentChangeColorMode": "standard",
            "orientation": "auto", "reduceOptions": reduce,
        }),
        "gauge" => json!({
            "showThresholdLabels": false, "showThresholdMarkers": true, "sizing": "auto",
            "minVizWidth": 75, "minVizHeight": 75, "orientation": "auto", "reduceOptions": reduce,
        }),
        "bargauge" => json!({
            "displayMode": "gradient", "valueMode": "color", "namePlacement": "auto", "showUnfilled": true,
            "sizing": "auto", "minVizWidth": 8, "minVizHeight": 16, "maxVizHeight": 300,
            "orientation": "auto", "reduceOptions": reduce, "legend": legend(),
        }),
        "heatmap" => json!({
            "calculate": false,
            "color": {"mode": "scheme", "scheme": "Oranges", "fill": "dark-orange", "scale": "exponential", "exponent": 0.5, "steps": 64, "reverse": false},
            "showValue": "auto",
            "yAxis": {"axisPlacement": "left", "unit": unit, "reverse": false},
            "cellValues": {"unit": "short"},
            "rowsFrame": {"layout": "auto"},
            "legend": {"show": true},
            "tooltip": {"mode": "single", "yHistogram": false, "showColorScale": false},
            "exemplars": {"color": "rgba(255,0,255,0.7)"},
            "filterValues": {"le": 1e-9},
        }),
        "table" => {
            json!({"showHeader": true, "cellHeight": "sm", "footer": {"show": false, "reducer": ["sum"], "countRows": false}})
        }
        _ => json!({"legend": legend(), "tooltip": {"mode": "multi", "sort": "desc"}}),
    }
}

fn legend() -> Value {
    json!({"displayMode": "list", "placement": "bottom", "showLegend": true, "calcs": []})
}

fn custom(kind: &str) -> Option<Value> {
    match kind {
        "timeseries" => Some(json!({
            "drawStyle": "line", "lineInterpolation": "linear", "lineWidth": 1, "fillOpacity": 10,
            "gradientMode": "none", "showPoints": "never", "pointSize": 4, "spanNulls": false,
            "axisPlacement": "auto", "axisLabel": "", "axisBorderShow": false, "axisCenteredZero": false,
            "axisColorMode": "text", "barAlignment": 0, "insertNulls": false,
            "scaleDistribution": {"type": "linear"}, "stacking": {"mode": "none", "group": "A"},
            "thresholdsStyle": {"mode": "off"}, "hideFrom": {"legend": false, "tooltip": false, "viz": false},
        })),
        "heatmap" => Some(
            json!({"scaleDistribution": {"type": "linear"}, "hideFrom": {"legend": false, "tooltip": false, "viz": false}}),
        ),
        "histogram" => Some(
            json!({"lineWidth": 1, "fillOpacity": 80, "gradientMode": "none", "hideFrom": {"legend": false, "tooltip": false, "viz": false}}),
        ),
        _ => None,
    }
}

fn field_config(kind: &str, unit: &str) -> Value {
    let mut defaults = json!({
        "unit": unit,
        "color": if kind == "timeseries" { json!({"mode": "palette-classic"}) } else { json!({"mode": "fixed", "fixedColor": "green"}) },
        "mappings": [],
    });
    if let Some(c) = custom(kind) {
        defaults["custom"] = c;
    }
    json!({"defaults": defaults, "overrides": []})
}

fn target(i: usize, expr: &str, legend: &str, heatmap: bool) -> Value {
    let ref_id = char::from(b'A' + (i % 26) as u8).to_string();
    let mut t = json!({
        "refId": ref_id,
        "datasource": datasource(),
        "editorMode": "code",
        "expr": expr,
        "legendFormat": legend,
        "range": true,
        "instant": false,
    });
    if heatmap {
        t["format"] = json!("heatmap");
    }
    t
}

/// The panel type a panel gets: as written, or chosen from what it shows.
fn panel_kind(p: &Panel) -> String {
    if let Some(k) = &p.kind {
        return k.value.clone();
    }
    if p.queries.iter().any(|q| q.promql.contains("_bucket"))
        && !p
            .queries
            .iter()
            .any(|q| q.promql.contains("histogram_quantile"))
    {
        return "heatmap".into();
    }
    "timeseries".into()
}

fn legend_for(q: &forge_spec_ir::Query, many: bool, kind: &str) -> String {
    if kind == "heatmap" {
        return "{{le}}".into();
    }
    if !many {
        return "__auto".into();
    }
    match &q.expr {
        Some(e) => match &e.kind {
            forge_spec_expr::ast::ExprKind::Call(c)
                if c.func.starts_with('p') && c.func.len() == 3 =>
            {
                c.func.clone()
            }
            _ => q.text.value.trim().to_string(),
        },
        None => q.text.value.trim().to_string(),
    }
}

fn size(kind: &str) -> (u32, u32) {
    match kind {
        "stat" | "gauge" => (6, 6),
        _ => (12, 8),
    }
}

fn panel(m: &Model, id: usize, p: &Panel, layout: &mut Layout) -> PanelJson {
    let _ = m;
    let kind = panel_kind(p);
    let unit = p.unit.as_ref().map_or_else(
        || {
            let unit = p
                .queries
                .iter()
                .find_map(|q| q.ty.as_ref().map(|t| t.unit.clone()))
                .unwrap_or(Unit::None);
            // Histogram buckets on a heatmap: the axis is the metric's unit.
            if kind == "heatmap" {
                p.queries
                    .iter()
                    .flat_map(|q| &q.metrics)
                    .find_map(|n| {
                        m.catalog
                            .resolve(n)
                            .map(|(_, i, _)| grafana_unit(&i.unit).to_string())
                    })
                    .unwrap_or_else(|| "short".into())
            } else {
                grafana_unit(&unit).to_string()
            }
        },
        |u| u.value.clone(),
    );
    let many = p.queries.len() > 1;
    let (w, h) = size(&kind);
    PanelJson {
        id,
        title: p
            .title
            .as_ref()
            .map_or_else(|| format!("Panel {id}"), |t| t.value.clone()),
        description: p.description.as_ref().map(|d| d.value.clone()),
        datasource: datasource(),
        grid_pos: layout.place(w, h),
        targets: p
            .queries
            .iter()
            .enumerate()
            .map(|(i, q)| target(i, &q.promql, &legend_for(q, many, &kind), kind == "heatmap"))
            .collect(),
        field_config: field_config(&kind, &unit),
        options: options(&kind, &unit),
        kind,
    }
}

fn envelope(
    uid: &str,
    title: &str,
    description: Option<String>,
    tags: Vec<String>,
    panels: Vec<PanelJson>,
) -> DashboardJson {
    DashboardJson {
        uid: uid.to_string(),
        title: title.to_string(),
        description,
        tags,
        timezone: "browser".into(),
        editable: true,
        graph_tooltip: 1,
        time: json!({"from": "now-6h", "to": "now"}),
        refresh: "30s".into(),
        schema_version: SCHEMA_VERSION,
        version: 1,
        templating: json!({"list": [{
            "type": "datasource", "name": "datasource", "label": "Data source", "query": "prometheus",
            "hide": 0, "refresh": 1, "regex": "", "skipUrlSync": false, "multi": false, "includeAll": false,
            "current": {"selected": false, "text": "Prometheus", "value": "prometheus"},
            "options": [],
        }]}),
        annotations: json!({"list": []}),
        links: Vec::new(),
        panels,
    }
}

fn dashboard(m: &Model, d: &Dashboard) -> DashboardJson {
    let mut layout = Layout {
        x: 0,
        y: 0,
        row_h: 0,
    };
    let panels = d
        .panels
        .iter()
        .enumerate()
        .map(|(i, p)| panel(m, i + 1, p, &mut layout))
        .collect();
    envelope(
        &d.uid.value,
        &d.title.value,
        d.description.as_ref().map(|x| x.value.clone()),
        d.tags.iter().map(|t| t.value.clone()).collect(),
        panels,
    )
}

/// The generated SLO dashboard: per SLO its indicator over the period, the objective,
/// the error budget remaining and the burn rate over the alert windows.
fn slo_dashboard(m: &Model) -> DashboardJson {
    let svc = &m.service.name.value;
    let mut layout = Layout {
        x: 0,
        y: 0,
        row_h: 0,
    };
    let mut panels = Vec::new();
    // Up to SLO_PANELS_MAX SLOs get their own panels; beyond, one set of panels driven
    // by an `slo` template variable keeps the dashboard small at any scale.
    struct View {
        name: String,
        sel: String,
        /// The labels the SLO's rules are joined on (`slo, service`, or Sloth's ids).
        on: &'static str,
        /// `sel` narrowed to the dashboard's group variables (a grouped SLO's series).
        grouped: String,
        sli_over_period: (String, String),
        description: Option<String>,
    }
    let q = forge_spec_expr::ast::quote;
    let views: Vec<View> = if m.slos.len() <= SLO_PANELS_MAX {
        m.slos
            .iter()
            .map(|s| {
                let sel = forge_spec_ir::names::slo_selector(m, s);
                let period = forge_spec_ir::names::period_prose(s);
                let period_record = forge_spec_ir::names::period_record(s);
                // A grouped SLO's series by the dashboard's variables of its group labels.
                let grouped = if s.group_by.is_empty() {
                    sel.clone()
                } else {
                    let vars: Vec<String> = s
                        .group_by
                        .iter()
                        .map(|g| format!("{0}=~\"${0}\"", g.value))
                        .collect();
                    format!("{}, {}}}", sel.trim_end_matches('}'), vars.join(", "))
                };
                let on = if s.sloth {
                    "sloth_id, sloth_slo, sloth_service"
                } else {
                    "slo, service"
                };
                let what = match &s.sli {
                    Sli::Ratio { .. } => "good events",
                    Sli::Latency { .. } => "fast requests",
                    Sli::Uptime { .. } => "uptime",
                    Sli::Timeslice { .. } => "good slices",
                };
                View {
                    name: s.name.value.clone(),
                    sli_over_period: (
                        format!("{what} over {period}"),
                        format!("1 - {period_record}{grouped}"),
                    ),
                    sel,
                    on,
                    grouped,
                    description: s.description.as_ref().map(|d| d.value.clone()),
                }
            })
            .collect()
    } else {
        let sel = format!("{{slo=\"$slo\", service={}}}", q(svc));
        vec![View {
            name: "$slo".into(),
            sli_over_period: (
                "indicator over its period".into(),
                format!(
                    "1 - slo:period_burn_rate:ratio{sel} * on (slo, service) group_left () slo:error_budget:ratio{sel}"
                ),
            ),
            grouped: sel.clone(),
            sel,
            on: "slo, service",
            description: None,
        }]
    };
    for v in &views {
        let sel = &v.sel;
        let mut add = |title: String,
                       kind: &str,
                       unit: &str,
                       queries: Vec<(String, String)>,
                       description: Option<String>| {
            let id = panels.len() + 1;
            let (w, h) = size(kind);
            panels.push(PanelJson {
                id,
                kind: kind.to_string(),
                title,
                description,
                datasource: datasource(),
                grid_pos: layout.place(w, h),
                targets: queries
                    .iter()
                    .enumerate()
                    .map(|(i, (q, l))| target(i, q, l, false))
                    .collect(),
                field_config: field_config(kind, unit),
                options: options(kind, unit),
            });
        };
        add(
            format!("{}: {}", v.name, v.sli_over_period.0),
            "stat",
            "percentunit",
            vec![(v.sli_over_period.1.clone(), "__auto".into())],
            v.description.clone(),
        );
        add(
            format!("{}: objective", v.name),
            "stat",
            "percentunit",
            vec![(format!("slo:objective:ratio{sel}"), "__auto".into())],
            None,
        );
        add(
            format!("{}: error budget remaining", v.name),
            "gauge",
            "percentunit",
            vec![(
                format!("slo:period_error_budget_remaining:ratio{}", v.grouped),
                "__auto".into(),
            )],
            None,
        );
        let windows = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"];
        add(
            format!("{}: burn rate", v.name),
            "timeseries",
            "short",
            windows
                .iter()
                .map(|w| (format!("slo:sli_error:ratio_rate{w}{} / on ({}) group_left () slo:error_budget:ratio{sel}", v.grouped, v.on), w.to_string()))
                .collect(),
            Some("Error-budget burn rate per alert window: 1 spends the budget exactly over the period; the page fires above 14.4 (1h) and 6 (6h).".into()),
        );
    }
    let title = format!("{} SLOs", svc);
    let mut d = envelope(
        &forge_spec_ir::names::slo_dashboard_uid(m),
        &title,
        Some(format!(
            "Service level objectives of {svc}, generated by forge-spec."
        )),
        vec![svc.clone(), "slo".into()],
        panels,
    );
    // A variable for each group label of the grouped SLOs (all values by default).
    let mut groups: Vec<&str> = Vec::new();
    if m.slos.len() <= SLO_PANELS_MAX {
        for g in m.slos.iter().flat_map(|s| &s.group_by) {
            if !groups.contains(&g.value.as_str()) {
                groups.push(&g.value);
            }
        }
    }
    if let Some(list) = d.templating.get_mut("list").and_then(Value::as_array_mut) {
        for g in groups {
            let query = format!("label_values(slo:sli_error:ratio_rate5m, {g})");
            list.push(json!({
                "type": "query", "name": g, "label": g,
                "datasource": datasource(),
                "query": query, "definition": query,
                "refresh": 2, "sort": 1, "hide": 0, "multi": true, "includeAll": true,
                "allValue": ".*", "current": {"text": "All", "value": "$__all"}, "options": [],
                "skipUrlSync": false, "regex": "",
            }));
        }
    }
    if m.slos.len() > SLO_PANELS_MAX
        && let Some(list) = d.templating.get_mut("list").and_then(Value::as_array_mut)
    {
        list.push(json!({
            "type": "query", "name": "slo", "label": "SLO",
            "datasource": datasource(),
            "query": format!("label_values(slo:objective:ratio{{service={}}}, slo)", q(svc)),
            "definition": format!("label_values(slo:objective:ratio{{service={}}}, slo)", q(svc)),
            "refresh": 1, "sort": 1, "hide": 0, "multi": false, "includeAll": false, "options": [],
            "skipUrlSync": false, "regex": "",
        }));
    }
    d
}

pub fn emit(m: &Model, out: &mut Output) {
    let svc = super::file_stem(&m.service.name.value);
    let dir = forge_spec_ir::names::dashboards_dir(m);
    let mount = format!("/var/lib/{}", dir.trim_end_matches('/'));
    let texts = forge_spec_base::par::map(&m.dashboards, |d| super::json(&dashboard(m, d)));
    for (d, text) in m.dashboards.iter().zip(texts) {
        out.add_text(
            format!("{dir}{}.json", super::file_stem(&d.uid.value)),
            text,
        );
    }
    if !m.slos.is_empty() {
        out.add_text(
            format!("{dir}{}.json", forge_spec_ir::names::slo_dashboard_uid(m)),
            super::json(&slo_dashboard(m)),
        );
    }
    let dash = json!({
        "apiVersion": 1,
        "providers": [{
            "name": svc, "folder": m.service.name.value, "type": "file", "disableDeletion": true,
            "allowUiUpdates": false, "options": {"path": mount},
        }],
    });
    if !m.outputs.prometheus {
        return;
    }
    out.add_text(
        format!("grafana/provisioning/dashboards/{svc}.yml"),
        super::yaml(m, &dash),
    );
    if !m.in_org {
        provision_datasource(m, out);
    }
}

/// The Prometheus datasource (one per Grafana: the organisation's, or the service's).
pub fn provision_datasource(m: &Model, out: &mut Output) {
    let ds = json!({
        "apiVersion": 1,
        "datasources": [{
            "name": "Prometheus", "type": "prometheus", "uid": "prometheus", "access": "proxy",
            "url": "http://prometheus:9090", "isDefault": true, "editable": false,
        }],
    });
    out.add_text(
        "grafana/provisioning/datasources/prometheus.yml",
        super::yaml(m, &ds),
    );
}
