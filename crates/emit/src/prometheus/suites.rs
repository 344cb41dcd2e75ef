//! Backend: the generated test suites, scoped. promtool evaluates every rule of a test
//! file's rule files at every step of every test, so a suite of a thousand tests over
//! the service's whole rule file costs a thousand times the rules at every step. Here
//! each item — an explicit alert, an SLO's page and ticket, an absent-data alert —
//! brings its tests and the deployed rules they read (the alert and the recording rules
//! it reads, transitively; an SLO's alerts and the records they read), and items are
//! packed into suites (`prometheus/tests/<service>-<kind>-<k>-<n>.test.yml` with its
//! `.rules.yml`), whose rule
//! file is the deployed groups cut to the rules its items need: each group's head and
//! those rules, byte for byte and in the deployed order.
//!
//! Within a suite, the test groups of different items are merged into one test group
//! when they cannot see each other: no item reads a metric another item's series feed
//! (unless it is the very same series with the same values, like the `up` of one
//! target), and no two items test an alert of one name. One evaluation pass then
//! serves them all. An item joins a suite while the suite costs no more than running
//! its items alone would (promtool's start counted), so a suite never makes a test
//! slower than its own file would.

use super::promtool_tests::{TestGroup, render_groups};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

/// A piece of the deployed rule file: one rule of a group, or an SLO's groups whole.
/// `key` is its place — (group ordinal, index in the group) — which orders a suite's
/// rule file as the deployed file is ordered.
#[derive(Clone)]
pub struct Cut {
    pub key: (u32, u32),
    pub text: Arc<str>,
    /// Rules in it.
    pub rules: u64,
}

/// What an item reads ([`add_read`]: metrics, whole or one job's); `None`: cannot be
/// known (a raw selector without a plain name), so the item never shares a test group.
pub type Reads = Option<Arc<HashSet<String>>>;

/// One item's tests and the rules they need.
pub struct Item {
    pub cuts: Vec<Cut>,
    pub tests: Vec<TestGroup>,
    pub reads: Reads,
    /// Series names its rules record (`slo:` for an SLO's: any of that prefix).
    pub writes: Vec<String>,
    /// Alert names its tests judge.
    pub names: Vec<String>,
    /// The suite's evaluation interval it needs, and its length in milliseconds.
    pub every: String,
    pub every_ms: u64,
}

/// A suite's rule file and test-file body (its test groups, without the head), and its
/// evaluation interval.
pub struct Suite {
    pub every: String,
    pub rules: String,
    pub tests: String,
}

/// promtool's own start, in rule evaluations (30 ms against ~0.13 ms an evaluation).
const START: u64 = 230;
/// Items at most in a suite (a readable file; the cost rule decides before).
const MAX_ITEMS: usize = 64;
/// Suites an item may join: the last ones with room.
const OPEN: usize = 8;

/// A metric name without a histogram's or summary's series suffix: `x_bucket`,
/// `x_count`, `x_sum` and `x` are read together.
pub fn base(name: &str) -> &str {
    ["_bucket", "_count", "_sum"]
        .iter()
        .find_map(|s| name.strip_suffix(s))
        .unwrap_or(name)
}

/// Adds a read to a set of reads: `metric` (any of its series), or `metric\0job` (the
/// series of one job) with the mark `metric\0` (some job's).
pub fn add_read(metric: &str, job: Option<&str>, into: &mut HashSet<String>) {
    let m = base(metric);
    match job {
        Some(j) => {
            into.insert(format!("{m}\0{j}"));
            into.insert(format!("{m}\0"));
        }
        None => {
            into.insert(m.to_string());
        }
    }
}

/// The reads of a PromQL expression ([`add_read`]); false when one cannot be told.
pub fn reads_of(promql: &str, into: &mut HashSet<String>) -> bool {
    let Ok(e) = forge_spec_expr::promql::parse(promql) else {
        return false;
    };
    for s in forge_spec_expr::promql::selectors(&e) {
        match s.metric {
            Some(n)
                if n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':') =>
            {
                add_read(&n, s.job.as_deref(), into);
            }
            _ => return false,
        }
    }
    true
}

fn metric_of(series: &str) -> &str {
    base(series.split('{').next().unwrap_or(series).trim())
}

/// The `job` label of a series' text (`name{job="x", …}`), as the generator writes it.
fn job_of(series: &str) -> Option<&str> {
    let (_, labels) = series.split_once('{')?;
    let at = if labels.starts_with("job=\"") {
        0
    } else {
        labels.find(", job=\"")? + 2
    };
    let rest = &labels[at + 5..];
    rest.find('"').map(|end| &rest[..end])
}

fn writes(w: &[String], name: &str) -> bool {
    w.iter().any(|x| match x.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => x == name,
    })
}

/// Evaluations a test group costs at one every `every_ms`: up to its last judgement.
fn evaluations(t: &TestGroup, every_ms: u64) -> u64 {
    let last = t
        .judged_at()
        .filter_map(forge_spec_expr::units::parse_duration)
        .map(|d| d.ms)
        .max()
        .unwrap_or(0);
    last / every_ms.max(1) + 1
}

/// The reads of a merged group's members ([`add_read`]), looked up without building
/// keys: metrics read whole, and per metric the jobs read.
#[derive(Default)]
struct Readers {
    whole: HashSet<String>,
    jobs: HashMap<String, HashSet<String>>,
}

impl Readers {
    fn add(&mut self, read: &str) {
        match read.split_once('\0') {
            Some((_, "")) => {}
            Some((m, j)) => {
                self.jobs
                    .entry(m.to_string())
                    .or_default()
                    .insert(j.to_string());
            }
            None => {
                self.whole.insert(read.to_string());
            }
        }
    }

    /// Whether a member reads the series: its metric whole, or its job's (a series
    /// without a job is read by every job-narrowed read of its metric).
    fn reads(&self, series: &str) -> bool {
        let m = metric_of(series);
        self.whole.contains(m)
            || self
                .jobs
                .get(m)
                .is_some_and(|jobs| job_of(series).is_none_or(|j| jobs.contains(j)))
    }
}

/// Test groups merged: their series (each once) and their judgements.
struct Merged {
    interval: String,
    evaluations: u64,
    /// Series → values.
    series: HashMap<String, String>,
    /// Metric → its series here.
    by_metric: HashMap<String, Vec<String>>,
    /// What its members read (never `None`: such items are not merged).
    read: Readers,
    owners: Vec<usize>,
    expr_tests: bool,
    parts: Vec<TestGroup>,
}

impl Merged {
    /// Whether test group `t` of item `owner` (reading `reads`) can join: every series
    /// either member reads that the other feeds is one both feed with the same values.
    fn admits(
        &self,
        owner: usize,
        t: &TestGroup,
        own: &HashMap<&str, &str>,
        reads: &Reads,
    ) -> bool {
        let Some(reads) = reads else {
            return false;
        };
        if self.owners.contains(&owner)
            || self.interval != t.interval
            || t.has_expr_tests()
            || self.expr_tests
        {
            return false;
        }
        for (s, v) in own {
            match self.series.get(*s) {
                Some(w) if w != v => return false,
                Some(_) => {}
                None if self.read.reads(s) => return false,
                None => {}
            }
        }
        reads.iter().all(|r| {
            let (m, job) = match r.split_once('\0') {
                Some((_, "")) => return true,
                Some((m, j)) => (m, Some(j)),
                None => (r.as_str(), None),
            };
            self.by_metric.get(m).is_none_or(|here| {
                here.iter()
                    .filter(|s| job.is_none() || job_of(s).is_none_or(|j| Some(j) == job))
                    .all(|s| own.contains_key(s.as_str()))
            })
        })
    }

    fn add(&mut self, owner: usize, t: TestGroup, reads: &Reads, evaluations: u64) {
        self.evaluations = self.evaluations.max(evaluations);
        for (s, v) in t.series() {
            if self.series.insert(s.to_string(), v.to_string()).is_none() {
                self.by_metric
                    .entry(metric_of(s).to_string())
                    .or_default()
                    .push(s.to_string());
            }
        }
        for r in reads.iter().flat_map(|r| r.iter()) {
            self.read.add(r);
        }
        self.expr_tests |= t.has_expr_tests();
        self.owners.push(owner);
        self.parts.push(t);
    }
}

/// What packing reads of an item, worked out once: the metrics its series feed, each
/// test group's evaluations, its cost alone and its span class ([`Open::span`]).
struct Facts {
    inputs: HashSet<String>,
    evals: Vec<u64>,
    alone: u64,
    span: u64,
}

impl Facts {
    fn of(it: &Item) -> Facts {
        let evals: Vec<u64> = it
            .tests
            .iter()
            .map(|t| evaluations(t, it.every_ms))
            .collect();
        let rules = it.cuts.iter().map(|c| c.rules).sum();
        Facts {
            inputs: it
                .tests
                .iter()
                .flat_map(|t| t.series().map(|(s, _)| metric_of(s).to_string()))
                .collect(),
            alone: Open::cost(rules, evals.iter().copied()),
            span: evals.iter().copied().max().unwrap_or(1).next_power_of_two(),
            evals,
        }
    }
}

/// A suite being filled.
struct Open {
    every: String,
    every_ms: u64,
    /// Its items' longest test, in evaluations, to the next power of two: a test of six
    /// hours merged with quarter-hour ones would make them all six hours long.
    span: u64,
    items: usize,
    cuts: BTreeMap<(u32, u32), Arc<str>>,
    rules: u64,
    names: HashSet<String>,
    inputs: HashSet<String>,
    writes: Vec<String>,
    groups: Vec<Merged>,
    /// What its items would cost alone, each in a file of its own.
    alone: u64,
}

impl Open {
    fn new(every: &str, every_ms: u64, span: u64) -> Open {
        Open {
            every: every.to_string(),
            every_ms,
            span,
            items: 0,
            cuts: BTreeMap::new(),
            rules: 0,
            names: HashSet::new(),
            inputs: HashSet::new(),
            writes: Vec::new(),
            groups: Vec::new(),
            alone: 0,
        }
    }

    fn cost(rules: u64, groups: impl Iterator<Item = u64>) -> u64 {
        START + rules * groups.sum::<u64>()
    }

    /// Where each of the item's test groups would go (`None`: a group of its own), if
    /// the item may join at all and the suite stays no dearer than its items alone.
    /// `owns`: each test group's series.
    fn plan(
        &self,
        it: &Item,
        id: usize,
        facts: &Facts,
        owns: &[HashMap<&str, &str>],
    ) -> Option<Vec<Option<usize>>> {
        let Facts {
            inputs,
            evals: item_evals,
            alone,
            span,
        } = facts;
        if self.items >= MAX_ITEMS
            || self.every_ms != it.every_ms
            || self.span != *span
            || it.names.iter().any(|n| self.names.contains(n))
        {
            return None;
        }
        if inputs.iter().any(|n| writes(&self.writes, n))
            || self.inputs.iter().any(|n| writes(&it.writes, n))
        {
            return None;
        }
        let mut evals: Vec<u64> = self.groups.iter().map(|g| g.evaluations).collect();
        let mut plan = Vec::with_capacity(it.tests.len());
        let mut taken = HashSet::new();
        for ((t, own), &e) in it.tests.iter().zip(owns).zip(item_evals) {
            // The admitting group it lengthens least.
            let best = self
                .groups
                .iter()
                .enumerate()
                .filter(|(i, g)| !taken.contains(i) && g.admits(id, t, own, &it.reads))
                .min_by_key(|(i, _)| (e.saturating_sub(evals[*i]), *i))
                .map(|(i, _)| i);
            match best {
                Some(i) => {
                    taken.insert(i);
                    evals[i] = evals[i].max(e);
                }
                None => evals.push(e),
            }
            plan.push(best);
        }
        let added: u64 = it
            .cuts
            .iter()
            .filter(|c| !self.cuts.contains_key(&c.key))
            .map(|c| c.rules)
            .sum();
        let together = Open::cost(self.rules + added, evals.into_iter());
        (self.items == 0 || together <= self.alone + alone).then_some(plan)
    }

    fn add(&mut self, it: Item, id: usize, plan: Vec<Option<usize>>, facts: Facts) {
        self.items += 1;
        self.alone += facts.alone;
        self.inputs.extend(facts.inputs);
        for c in it.cuts {
            if let std::collections::btree_map::Entry::Vacant(v) = self.cuts.entry(c.key) {
                v.insert(c.text);
                self.rules += c.rules;
            }
        }
        self.names.extend(it.names);
        for w in it.writes {
            if !self.writes.contains(&w) {
                self.writes.push(w);
            }
        }
        for ((t, at), e) in it.tests.into_iter().zip(plan).zip(facts.evals) {
            let i = at.unwrap_or_else(|| {
                self.groups.push(Merged {
                    interval: t.interval.clone(),
                    evaluations: 0,
                    series: HashMap::new(),
                    by_metric: HashMap::new(),
                    read: Readers::default(),
                    owners: Vec::new(),
                    expr_tests: false,
                    parts: Vec::new(),
                });
                self.groups.len() - 1
            });
            self.groups[i].add(id, t, &it.reads, e);
        }
    }

    fn finish(self, head: &str, heads: &dyn Fn(u32) -> Option<String>) -> Suite {
        let mut rules = String::from(head);
        let mut group = None;
        for ((ordinal, _), text) in &self.cuts {
            if group != Some(*ordinal) {
                group = Some(*ordinal);
                if let Some(h) = heads(*ordinal) {
                    rules.push_str(&h);
                }
            }
            rules.push_str(text);
        }
        let groups: Vec<TestGroup> = self
            .groups
            .into_iter()
            .map(|g| TestGroup::merge(g.parts))
            .collect();
        let mut tests = String::new();
        render_groups(&groups, &mut tests);
        Suite {
            every: self.every,
            rules,
            tests,
        }
    }
}

/// Packs items, in order, into suites: each joins the first suite that takes it, or
/// opens one. `head` begins every rule file (up to `groups:`); `heads` gives a group
/// ordinal's head as the deployed file writes it (`None` for an SLO's groups, whose
/// cuts carry their heads).
pub fn pack(items: Vec<Item>, head: &str, heads: &dyn Fn(u32) -> Option<String>) -> Vec<Suite> {
    let mut open: Vec<Open> = Vec::new();
    for (id, it) in items.into_iter().enumerate() {
        if it.tests.is_empty() {
            continue;
        }
        let facts = Facts::of(&it);
        let owns: Vec<HashMap<&str, &str>> =
            it.tests.iter().map(|t| t.series().collect()).collect();
        // The last few suites with room: items that conflict with all of them start one
        // (looking further back costs time quadratic in the items for little).
        let found = open
            .iter()
            .enumerate()
            .rev()
            .filter(|(_, o)| o.items < MAX_ITEMS)
            .take(OPEN)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .find_map(|(i, o)| o.plan(&it, id, &facts, &owns).map(|p| (i, p)));
        drop(owns);
        match found {
            Some((i, plan)) => open[i].add(it, id, plan, facts),
            None => {
                let mut o = Open::new(&it.every, it.every_ms, facts.span);
                let plan = vec![None; it.tests.len()];
                o.add(it, id, plan, facts);
                open.push(o);
            }
        }
    }
    open.into_iter().map(|o| o.finish(head, heads)).collect()
}

/// Rendered groups (an SLO's, as the rule file has them) cut to their alerts and the
/// recording rules those read, transitively: each group that keeps a rule with its head,
/// the rules byte for byte and in order. Returns the text and the rules kept.
pub fn cut_to_alerts(groups: &str) -> (String, u64) {
    // Each group: its head (from `- name:` through `rules:`) and its rules (the series
    // a recording rule records, or `None` for an alert; the rule's text).
    let mut parsed: Parsed = Vec::new();
    let (mut at, mut head_from, mut rule_from) = (0, None, None::<usize>);
    type Parsed<'a> = Vec<(&'a str, Vec<(Option<&'a str>, &'a str)>)>;
    fn close<'a>(groups: &'a str, parsed: &mut Parsed<'a>, from: Option<usize>, to: usize) {
        if let (Some(from), Some((_, rules))) = (from, parsed.last_mut()) {
            let text = &groups[from..to];
            let record = text
                .lines()
                .next()
                .and_then(|l| l.strip_prefix("  - record: "))
                .map(|r| r.trim_matches('\''));
            rules.push((record, text));
        }
    }
    for line in groups.split_inclusive('\n') {
        let end = at + line.len();
        if line.starts_with("- name: ") {
            close(groups, &mut parsed, rule_from.take(), at);
            parsed.push(("", Vec::new()));
            head_from = Some(at);
        }
        if let Some(from) = head_from {
            if line == "  rules:\n" {
                if let Some((head, _)) = parsed.last_mut() {
                    *head = &groups[from..end];
                }
                head_from = None;
            }
        } else if line.starts_with("  - ") {
            close(groups, &mut parsed, rule_from.take(), at);
            rule_from = Some(at);
        }
        at = end;
    }
    close(groups, &mut parsed, rule_from.take(), groups.len());
    // Alerts, then what they read: the names each rule's text holds, read once.
    let part = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == ':';
    let mut recorded: HashMap<&str, Vec<(usize, usize)>> = HashMap::new();
    for (g, (_, rules)) in parsed.iter().enumerate() {
        for (r, (record, _)) in rules.iter().enumerate() {
            if let Some(name) = record {
                recorded.entry(name).or_default().push((g, r));
            }
        }
    }
    let mut keep: HashSet<(usize, usize)> = HashSet::new();
    let mut todo: Vec<&str> = Vec::new();
    for (g, (_, rules)) in parsed.iter().enumerate() {
        for (r, (record, text)) in rules.iter().enumerate() {
            if record.is_none() {
                keep.insert((g, r));
                todo.push(text);
            }
        }
    }
    while let Some(text) = todo.pop() {
        // Its name and expression (labels and annotations follow them, and read nothing).
        let text = text
            .find("\n    labels:")
            .or_else(|| text.find("\n    annotations:"))
            .map_or(text, |end| &text[..end]);
        for token in text.split(|c: char| !part(c)) {
            for &(g, r) in recorded.get(token).into_iter().flatten() {
                if keep.insert((g, r)) {
                    todo.push(parsed[g].1[r].1);
                }
            }
        }
    }
    let mut out = String::with_capacity(groups.len());
    for (g, (head, rules)) in parsed.iter().enumerate() {
        let kept: Vec<&str> = rules
            .iter()
            .enumerate()
            .filter(|(r, _)| keep.contains(&(g, *r)))
            .map(|(_, (_, text))| *text)
            .collect();
        if !kept.is_empty() {
            out.push_str(head);
            kept.iter().for_each(|t| out.push_str(t));
        }
    }
    (out, keep.len() as u64)
}
