//! Example AI Forge service: records every metric of the spec through the generated
//! `ai_forge_metrics` bindings, serves `/metrics`, and injects faults on request so the
//! end-to-end test can make each alert fire. Standard library only, besides the bindings.

use ai_forge_metrics::logs;
use ai_forge_metrics::prometheus_client::metrics::counter::Counter;
use ai_forge_metrics::prometheus_client::metrics::gauge::Gauge;
use ai_forge_metrics::prometheus_client::registry::Unit;
use ai_forge_metrics::{
    HttpRequestDurationSecondsMethod, HttpRequestsTotalCode, HttpRequestsTotalMethod, Metrics,
    Registry,
};
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Faults the end-to-end test can inject.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Faults {
    /// Share of requests answered 5xx (0..=1).
    pub error_rate: f64,
    /// Latency of every request, in seconds (default 0.02).
    pub latency: Option<f64>,
    /// Every training job fails.
    pub fail_jobs: bool,
    /// A training job stays running; its age starts at this many seconds.
    pub hold_job: Option<f64>,
    /// Resident memory to report, in bytes (default: the real RSS).
    pub memory_bytes: Option<f64>,
}

impl Faults {
    /// Applies `key=value&…` from a query string; `reset=1` clears everything first.
    pub fn apply(&mut self, query: &str) -> Result<(), String> {
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let num = || {
                v.parse::<f64>()
                    .map_err(|_| format!("`{v}` is not a number for `{k}`"))
            };
            match k {
                "reset" => *self = Faults::default(),
                "error_rate" => self.error_rate = num()?.clamp(0.0, 1.0),
                "latency" => self.latency = Some(num()?),
                "fail_jobs" => self.fail_jobs = v == "1" || v == "true",
                "hold_job" => self.hold_job = if v == "0" { None } else { Some(num()?) },
                "memory_bytes" => self.memory_bytes = Some(num()?),
                other => return Err(format!("unknown fault `{other}`")),
            }
        }
        Ok(())
    }
}

/// The metrics a client library's process collector would export, emulated here.
#[derive(Clone, Debug, Default)]
struct Process {
    resident_memory: Gauge<f64, AtomicU64>,
    cpu: Counter<f64, AtomicU64>,
    cpu_seen: Arc<Mutex<f64>>,
}

/// The service's state: its registry, its metrics and the injected faults.
pub struct App {
    pub registry: Registry,
    pub metrics: Metrics,
    process: Process,
    pub faults: Mutex<Faults>,
    held_since: Mutex<Option<Instant>>,
    step: Mutex<u64>,
}

impl Default for App {
    fn default() -> Self {
        Self::new()
    }
}

impl App {
    pub fn new() -> Self {
        let mut registry = Registry::default();
        let metrics = Metrics::register(&mut registry);
        let process = Process::default();
        registry.register_with_unit(
            "process_resident_memory",
            "Resident memory size in bytes",
            Unit::Bytes,
            process.resident_memory.clone(),
        );
        registry.register_with_unit(
            "process_cpu",
            "Total user and system CPU time spent in seconds",
            Unit::Seconds,
            process.cpu.clone(),
        );
        App {
            registry,
            metrics,
            process,
            faults: Mutex::new(Faults::default()),
            held_since: Mutex::new(None),
            step: Mutex::new(0),
        }
    }

    fn faults(&self) -> Faults {
        self.faults.lock().map(|f| f.clone()).unwrap_or_default()
    }

    /// One tick of simulated work (called every 100 ms): ten API requests, and every
    /// twentieth tick a training job.
    pub fn tick(&self) {
        let f = self.faults();
        let step = {
            let mut s = self.step.lock().unwrap_or_else(|e| e.into_inner());
            *s += 1;
            *s
        };
        let latency = f.latency.unwrap_or(0.02);
        self.metrics.http_requests_in_progress.set(3.0);
        for i in 0..10u64 {
            // Deterministic error pattern: request n fails when its slot is under the rate.
            let failed = ((step * 10 + i) % 100) as f64 / 100.0 < f.error_rate;
            let code = if failed {
                HttpRequestsTotalCode::V5xx
            } else {
                HttpRequestsTotalCode::V2xx
            };
            self.metrics
                .http_requests_total(HttpRequestsTotalMethod::Post, "/api/generate", code)
                .inc();
            self.metrics
                .http_request_duration_seconds(
                    HttpRequestDurationSecondsMethod::Post,
                    "/api/generate",
                )
                .observe(latency);
            logs::request_processed("user-1", (latency * 1000.0) as i64);
        }
        if step % 20 == 0 {
            self.run_training_job(&f, step);
        }
        self.update_process(&f);
    }

    fn run_training_job(&self, f: &Faults, step: u64) {
        let job = format!("job_{step}");
        logs::training_started(&job, "llama3.2", 3);
        self.metrics.ai_forge_training_jobs_total.inc();
        if f.fail_jobs {
            self.metrics.ai_forge_training_jobs_failed_total.inc();
            logs::training_failed(&job, "injected failure");
        }
        self.metrics
            .ai_forge_training_job_duration_seconds
            .observe(120.0);
        self.metrics
            .ai_forge_training_loss
            .set(1.0 / (1.0 + step as f64 / 100.0));
        let mut held = self.held_since.lock().unwrap_or_else(|e| e.into_inner());
        match f.hold_job {
            Some(age) => {
                let since =
                    *held.get_or_insert_with(|| Instant::now() - Duration::from_secs_f64(age));
                self.metrics.ai_forge_training_jobs_active.set(1.0);
                self.metrics
                    .ai_forge_training_longest_running_job_seconds
                    .set(since.elapsed().as_secs_f64());
            }
            None => {
                *held = None;
                self.metrics.ai_forge_training_jobs_active.set(0.0);
                self.metrics
                    .ai_forge_training_longest_running_job_seconds
                    .set(0.0);
            }
        }
    }

    fn update_process(&self, f: &Faults) {
        let rss = f.memory_bytes.unwrap_or_else(read_rss);
        self.process.resident_memory.set(rss);
        let cpu = read_cpu_seconds();
        let mut seen = self
            .process
            .cpu_seen
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if cpu > *seen {
            self.process.cpu.inc_by(cpu - *seen);
            *seen = cpu;
        }
    }

    /// The exposition: OpenMetrics, or the Prometheus text format 0.0.4.
    pub fn exposition(&self, openmetrics: bool) -> String {
        let encoded = if openmetrics {
            ai_forge_metrics::encode_openmetrics(&self.registry)
        } else {
            ai_forge_metrics::encode_text(&self.registry)
        };
        encoded.unwrap_or_default()
    }
}

fn read_rss() -> f64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| {
            s.split_whitespace()
                .nth(1)
                .and_then(|p| p.parse::<f64>().ok())
        })
        .map_or(0.0, |pages| pages * 4096.0)
}

fn read_cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            let rest = s.rsplit_once(") ")?.1.to_string();
            let f: Vec<&str> = rest.split_whitespace().collect();
            let (u, sys) = (
                f.get(11)?.parse::<f64>().ok()?,
                f.get(12)?.parse::<f64>().ok()?,
            );
            Some((u + sys) / 100.0)
        })
        .unwrap_or(0.0)
}
