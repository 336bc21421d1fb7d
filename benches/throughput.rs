//! `cargo bench`: how long compiling the official pack takes, and how many seed-form
//! reports a second go through parse + check, on one thread and on all cores.
//!
//! The reports are generated in memory in the pipe-per-cell form of the seed (2019
//! template, 滨湖区民政局 2020 layout) with numbers that vary but keep every identity, so
//! each report is checked in full and gives no error finding.
//!
//! Targets (issue 4): compiling the official pack < 1 ms; ≥ 20,000 reports/s.

use gouji::{Checker, Pack};

// The generator of `tools/generate.rs`: seed-form reports whose identities all hold.
#[path = "../tools/generated/mod.rs"]
#[allow(dead_code)] // the bench reads the pipe form only
mod generated;

// The same allocator as the `gouji` binary.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::time::{Duration, Instant};

/// Reports per throughput run.
const N: usize = 4_000;

fn main() {
    // `cargo bench` passes `--bench`; a filter or `--test` (from `cargo test --benches`)
    // runs a short smoke version.
    let quick = std::env::args().any(|a| a == "--test");
    let (runs, n) = if quick { (5, 50) } else { (301, N) };
    compile(runs);
    throughput(n, if quick { 1 } else { 5 });
}

fn compile(runs: usize) {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            let pack = Pack::compile_official().expect("official pack compiles");
            let e = t.elapsed();
            assert!(!pack.rules.is_empty());
            e
        })
        .collect();
    times.sort();
    let median = times[times.len() / 2];
    println!("compile official pack: median {:.1} µs, min {:.1} µs ({runs} runs)", us(median), us(times[0]));
}

fn throughput(n: usize, rounds: usize) {
    let reports: Vec<(String, String)> = (0..n).map(|i| (format!("gen/{i:05}.txt"), generated::Data::new(i as u64, false).pipe())).collect();
    let bytes: usize = reports.iter().map(|(_, t)| t.len()).sum();
    let checker = Checker::official();
    // Sanity: every generated report reads as 2019 and passes.
    for (name, text) in reports.iter().take(50) {
        let r = gouji::read(name, text.as_bytes(), None).expect("generated report reads");
        assert_eq!(r.template.as_deref(), Some("2019"), "{name}");
        let f = checker.check(&r);
        assert!(f.is_empty(), "{name}: {:?}", f.iter().map(|f| &f.message).collect::<Vec<_>>());
    }
    println!("{n} generated reports, {:.1} KiB each", bytes as f64 / n as f64 / 1024.0);

    let best = |f: &dyn Fn() -> usize| (0..rounds).map(|_| timed(f)).min().expect("one round");
    let parse_only = best(&|| reports.iter().map(|(p, t)| gouji::read(p, t.as_bytes(), None).map_or(0, |r| r.tables.len())).sum());
    let parsed: Vec<gouji::Report> = reports.iter().map(|(p, t)| gouji::read(p, t.as_bytes(), None).expect("reads")).collect();
    let check_only = best(&|| parsed.iter().map(|r| checker.check(r).len() + 1).sum());
    let single = best(&|| run(&checker, &reports));
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let multi = best(&|| {
        let chunk = reports.len().div_ceil(threads);
        std::thread::scope(|s| {
            let handles: Vec<_> = reports.chunks(chunk).map(|c| s.spawn(|| run(&checker, c))).collect();
            handles.into_iter().map(|h| h.join().expect("worker")).sum()
        })
    });
    let rate = |d: Duration| n as f64 / d.as_secs_f64();
    println!("parse only:            {:>9.0} reports/s ({:.1} µs each)", rate(parse_only), us(parse_only) / n as f64);
    println!("check only:            {:>9.0} reports/s ({:.1} µs each)", rate(check_only), us(check_only) / n as f64);
    println!("parse + check, 1 thread: {:>7.0} reports/s", rate(single));
    println!("parse + check, {threads} threads: {:>6.0} reports/s", rate(multi));
}

/// Parse and check each report; the count keeps the work from being optimised away.
fn run(checker: &Checker, reports: &[(String, String)]) -> usize {
    reports
        .iter()
        .map(|(path, text)| match gouji::read(path, text.as_bytes(), None) {
            Ok(r) => checker.check(&r).len() + 1,
            Err(_) => 0,
        })
        .sum()
}

fn timed(f: &dyn Fn() -> usize) -> Duration {
    let t = Instant::now();
    std::hint::black_box(f());
    t.elapsed()
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}
