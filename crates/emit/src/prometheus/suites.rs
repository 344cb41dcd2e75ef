//! Backend: the generated test suites, scoped. promtool evaluates every rule of a test
//! file's rule files at every step of every test, so a suite of a thousand tests over
//! the service's whole rule file costs a thousand times the rules at every step. Here
//! each item — an explicit alert, a recording rule, an SLO, an absent-data alert —
//! brings its tests and the deployed rules they read (the alert and the recording rules
//! it reads, transitively; an SLO's groups), and items are packed into suites
//! (`prometheus/tests/<service>-<n>.test.yml` with `<service>-<n>.rules.yml`), whose rule
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

/// Metric names read, normalised ([`base`]); `None`: cannot be known (a raw selector
/// without a plain name), so the item never shares a test group.
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

/// A suite's rule-file body (groups, without the file header) and test-file body
/// (test groups, without the head), and its evaluation interval.
pub struct Suite {
    pub every: String,
    pub rules: String,
    pub tests: String,
}

/// promtool's own start, in rule evaluations (30 ms against ~0.13 ms an evaluation).
const START: u64 = 230;
/// Items at most in a suite (a readable file; the cost rule decides before).
const MAX_ITEMS: usize = 64;

/// A metric name without a histogram's or summary's series suffix: `x_bucket`,
/// `x_count`, `x_sum` and `x` are read together.
pub fn base(name: &str) -> &str {
    ["_bucket", "_count", "_sum"]
        .iter()
        .find_map(|s| name.strip_suffix(s))
        .unwrap_or(name)
}

/// The metric names a PromQL expression reads (`None` when one cannot be told).
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
                into.insert(base(&n).to_string());
            }
            _ => return false,
        }
    }
    true
}

fn metric_of(series: &str) -> &str {
    base(series.split('{').next().unwrap_or(series).trim())
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

/// Test groups merged: their series (each once) and their judgements.
struct Merged {
    interval: String,
    evaluations: u64,
    /// Series → values.
    series: BTreeMap<String, String>,
    /// Members' reads (never `None`: such items are not merged).
    readers: Vec<Arc<HashSet<String>>>,
    owners: Vec<usize>,
    parts: Vec<TestGroup>,
}

impl Merged {
    /// Whether test group `t` of item `owner` (reading `reads`) can join.
    fn admits(&self, owner: usize, t: &TestGroup, reads: &Reads) -> bool {
        let Some(reads) = reads else {
            return false;
        };
        if self.owners.contains(&owner)
            || self.interval != t.interval
            || t.has_expr_tests()
            || self.parts.iter().any(TestGroup::has_expr_tests)
        {
            return false;
        }
        let own: HashMap<&str, &str> = t.series().collect();
        for (s, v) in &own {
            match self.series.get(*s) {
                Some(w) if w != v => return false,
                Some(_) => {}
                None => {
                    let m = metric_of(s);
                    if self.readers.iter().any(|r| r.contains(m)) {
                        return false;
                    }
                }
            }
        }
        self.series
            .keys()
            .all(|s| own.contains_key(s.as_str()) || !reads.contains(metric_of(s)))
    }
}

/// A suite being filled.
struct Open {
    every: String,
    every_ms: u64,
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
    fn new(every: &str, every_ms: u64) -> Open {
        Open {
            every: every.to_string(),
            every_ms,
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
    fn plan(&self, it: &Item, id: usize) -> Option<Vec<Option<usize>>> {
        if self.items >= MAX_ITEMS
            || self.every_ms != it.every_ms
            || it.names.iter().any(|n| self.names.contains(n))
        {
            return None;
        }
        let inputs: HashSet<&str> = it
            .tests
            .iter()
            .flat_map(|t| t.series().map(|(s, _)| metric_of(s)))
            .collect();
        if inputs.iter().any(|n| writes(&self.writes, n))
            || self.inputs.iter().any(|n| writes(&it.writes, n))
        {
            return None;
        }
        let mut evals: Vec<u64> = self.groups.iter().map(|g| g.evaluations).collect();
        let mut plan = Vec::with_capacity(it.tests.len());
        let mut taken = HashSet::new();
        for t in &it.tests {
            let e = evaluations(t, self.every_ms);
            // The admitting group it lengthens least.
            let best = self
                .groups
                .iter()
                .enumerate()
                .filter(|(i, g)| !taken.contains(i) && g.admits(id, t, &it.reads))
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
        (self.items == 0 || together <= self.alone + alone(it)).then_some(plan)
    }

    fn add(&mut self, it: Item, id: usize, plan: Vec<Option<usize>>) {
        self.items += 1;
        self.alone += alone(&it);
        for c in it.cuts {
            if let std::collections::btree_map::Entry::Vacant(v) = self.cuts.entry(c.key) {
                v.insert(c.text);
                self.rules += c.rules;
            }
        }
        self.names.extend(it.names);
        self.writes.extend(it.writes);
        for (t, at) in it.tests.into_iter().zip(plan) {
            self.inputs
                .extend(t.series().map(|(s, _)| metric_of(s).to_string()));
            let e = evaluations(&t, self.every_ms);
            let i = at.unwrap_or_else(|| {
                self.groups.push(Merged {
                    interval: t.interval.clone(),
                    evaluations: 0,
                    series: BTreeMap::new(),
                    readers: Vec::new(),
                    owners: Vec::new(),
                    parts: Vec::new(),
                });
                self.groups.len() - 1
            });
            let g = &mut self.groups[i];
            g.evaluations = g.evaluations.max(e);
            for (s, v) in t.series() {
                g.series.insert(s.to_string(), v.to_string());
            }
            if let Some(r) = &it.reads {
                g.readers.push(r.clone());
            }
            g.owners.push(id);
            g.parts.push(t);
        }
    }

    fn finish(self, heads: &dyn Fn(u32) -> Option<String>) -> Suite {
        let mut rules = String::new();
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

/// What an item costs in a file of its own.
fn alone(it: &Item) -> u64 {
    let rules = it.cuts.iter().map(|c| c.rules).sum();
    Open::cost(rules, it.tests.iter().map(|t| evaluations(t, it.every_ms)))
}

/// Packs items, in order, into suites: each joins the first suite that takes it, or
/// opens one. `heads` gives a group ordinal's head as the deployed file writes it
/// (`None` for an SLO's groups, whose cuts carry their heads).
pub fn pack(items: Vec<Item>, heads: &dyn Fn(u32) -> Option<String>) -> Vec<Suite> {
    let mut open: Vec<Open> = Vec::new();
    for (id, it) in items.into_iter().enumerate() {
        if it.tests.is_empty() {
            continue;
        }
        let found = open
            .iter()
            .enumerate()
            .find_map(|(i, o)| o.plan(&it, id).map(|p| (i, p)));
        match found {
            Some((i, plan)) => open[i].add(it, id, plan),
            None => {
                let mut o = Open::new(&it.every, it.every_ms);
                let plan = vec![None; it.tests.len()];
                o.add(it, id, plan);
                open.push(o);
            }
        }
    }
    open.into_iter().map(|o| o.finish(heads)).collect()
}
