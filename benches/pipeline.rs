//! Benchmark of every pipeline stage at N = 10, 100, 1,000, 10,000 and at the size of
//! kubernetes-mixin (synthetic specs from `forge_spec::synth`), printing the median of
//! several runs per stage and size. Stages run as in a build (on all cores for specs
//! over `par::PARALLEL_FROM_BYTES`); `build` is the whole library path, checks included.
//!
//! Run: `cargo bench --bench pipeline` (set `FORGE_BENCH_SIZES=10,mixin` to choose sizes).

use forge_spec::diag::Diagnostics;
use forge_spec::emit::{self, Output};
use forge_spec::{ir, rules, source};
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let r = f();
        times.push(t.elapsed());
        last = Some(r);
    }
    (median(times), last.expect("at least one run"))
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

fn main() {
    // N of everything, or `mixin`: the size of kubernetes-mixin (see `synth::Shape`).
    let sizes: Vec<String> = std::env::var("FORGE_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').map(|x| x.trim().to_string()).collect())
        .unwrap_or_else(|| {
            ["10", "100", "mixin", "1000", "10000"]
                .map(String::from)
                .to_vec()
        });
    let stages = [
        "load",
        "parse",
        "resolve",
        "check",
        "prometheus",
        "alertmanager",
        "grafana",
        "rust",
        "docs",
        "compose",
        "schema",
        "write",
        "build",
    ];
    println!("median milliseconds per stage (runs: 15 for N <= 1000, 3 for N = 10000)");
    print!("{:>7}", "N");
    for s in stages {
        print!(" {s:>12}");
    }
    println!();
    let work = tempfile_dir();
    for n in sizes {
        let shape = match n.parse::<usize>() {
            Ok(size) => forge_spec::synth::Shape::uniform(size),
            Err(_) => forge_spec::synth::Shape::mixin(),
        };
        let runs = if shape.metrics >= 10_000 { 3 } else { 15 };
        let dir = work.join(format!("spec{n}"));
        std::fs::create_dir_all(&dir).expect("temp dir");
        for (name, text) in forge_spec::synth::generate_shape(shape, 42) {
            std::fs::write(dir.join(name), text).expect("write spec");
        }
        let paths = vec![dir.clone()];
        let mut row = Vec::new();
        let (t, (sources, _)) = time(runs, || source::load(&paths).expect("load"));
        row.push(t);
        // As `compile` does: small specs run on one thread.
        forge_spec::par::set_input_size(sources.files.iter().map(|f| f.text.len()).sum());
        let parse = || {
            forge_spec::parse_all(&sources)
                .into_iter()
                .filter_map(|p| p.file)
                .collect::<Vec<_>>()
        };
        let (t, files) = time(runs, parse);
        row.push(t);
        drop(files);
        // resolve consumes the parsed files: time it on fresh parses.
        let mut resolve_times = Vec::new();
        let mut model = None;
        for _ in 0..runs {
            let files = parse();
            let mut d = Diagnostics::default();
            let t = Instant::now();
            model = ir::resolve(
                "spec",
                &sources,
                files,
                &ir::Scope {
                    time_scale: 1,
                    org_receivers: None,
                    org_inhibit: Vec::new(),
                    expressions: None,
                },
                &mut d,
            );
            resolve_times.push(t.elapsed());
        }
        row.push(median(resolve_times));
        let model = model.expect("the synthetic spec resolves");
        let (t, _) = time(runs, || {
            let mut d = Diagnostics::default();
            rules::run(&model, &sources, None, &mut d);
            rules::apply_config(&model, &mut d);
            d.items.len()
        });
        row.push(t);
        // In the order of the table's columns.
        let backends = [
            "prometheus",
            "alertmanager",
            "grafana",
            "rust",
            "docs",
            "compose",
        ]
        .map(|name| {
            emit::BACKENDS
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, b)| *b)
        });
        for b in backends.into_iter().flatten() {
            let (t, _) = time(runs, || {
                let mut o = Output::default();
                b(&model, &mut o);
                o.files.len()
            });
            row.push(t);
        }
        let (t, _) = time(runs, || {
            let mut o = Output::default();
            let schema = forge_spec::syntax::json_schema().expect("the schema serialises");
            emit::emit_schema(&schema, &mut o).expect("the schema serialises");
            o.files.len()
        });
        row.push(t);
        let mut output = emit::emit(&model).expect("every file serialises");
        output.seal("bench");
        let out_dir = work.join(format!("out{n}"));
        let (t, _) = time(runs, || {
            forge_spec::write::write_atomic(&output, &forge_spec::write::Target::new(&out_dir))
                .expect("write")
        });
        row.push(t);
        let (t, _) = time(runs, || {
            let mut c = forge_spec::compile(&paths, "spec", &Default::default()).expect("compile");
            let out = forge_spec::emit_checked(&mut c)
                .expect("every file serialises")
                .expect("no secret in the output");
            forge_spec::write::write_atomic(&out, &forge_spec::write::Target::new(&out_dir))
                .expect("write");
        });
        row.push(t);
        print!("{n:>7}");
        for t in row {
            print!(" {:>12}", ms(t));
        }
        println!();
    }
    let _ = std::fs::remove_dir_all(&work);
}

fn tempfile_dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("forge-bench-{}", std::process::id()));
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}
