//! Writes N generated annual reports (2019 template) into a folder, in one text form, for
//! measuring `gouji check` at scale (docs/performance.md):
//!
//! ```sh
//! cargo run --release --example generate -- --form pipe --n 100000 --out /tmp/gen-pipe
//! ```
//!
//! `--form` is `pipe` (the seed's one-cell-per-line layout, as `benches/throughput.rs`),
//! `markdown` or `html` (one table row per line). Numbers vary per report and keep every
//! identity, except in the planted share (`--planted-every K`, default 20: 5 %), where
//! 行政复议's printed 总计 is one more than its parts — exactly one `t4.block_total` error
//! finding per planted report. The planted count is printed, and the planted files are
//! the ones whose name ends in `-planted`. `--years K` (default 1) writes K consecutive years
//! (2020 − K + 1 … 2020) of each issuer, each year's 上年结转 its previous year's 结转下年度,
//! so a folder holds pairs the way a region's folder does.

mod generated;

use generated::Data;
use std::path::PathBuf;

fn main() {
    let mut form = "pipe".to_string();
    let (mut n, mut every, mut years, mut out) = (1000usize, 20usize, 1u64, PathBuf::from("gen"));
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage(&format!("{a} 缺少值")));
        match a.as_str() {
            "--form" => form = value(),
            "--n" => n = value().parse().unwrap_or_else(|_| usage("--n 应为整数")),
            "--planted-every" => every = value().parse().unwrap_or_else(|_| usage("--planted-every 应为整数")),
            "--out" => out = PathBuf::from(value()),
            "--years" => years = value().parse().ok().filter(|y| (1..=2).contains(y)).unwrap_or_else(|| usage("--years 应为 1 或 2")),
            _ => usage(&format!("未知的参数“{a}”")),
        }
    }
    let ext = match form.as_str() {
        "pipe" => "txt",
        "markdown" => "md",
        "html" => "html",
        _ => usage("--form 应为 pipe、markdown 或 html"),
    };
    std::fs::create_dir_all(&out).unwrap_or_else(|e| usage(&format!("无法创建 {}：{e}", out.display())));
    let (mut planted, mut bytes) = (0usize, 0usize);
    let mut before: Option<Data> = None;
    for i in 0..n {
        let plant = every > 0 && i % every == every / 2;
        planted += usize::from(plant);
        let (issuer, k) = (i as u64 / years, i as u64 % years);
        let year = (2020 + 1 + k - years) as u16;
        let data = if years == 1 { Data::new(i as u64, plant) } else { Data::of(i as u64, plant, issuer, year, before.as_ref().filter(|_| k > 0)) };
        let text = match ext {
            "txt" => data.pipe(),
            "md" => data.markdown(),
            _ => data.html(),
        };
        bytes += text.len();
        let name = format!("{i:06}{}.{ext}", if plant { "-planted" } else { "" });
        std::fs::write(out.join(name), text).unwrap_or_else(|e| usage(&format!("无法写入：{e}")));
        before = Some(data);
    }
    println!("{n} 份 {form} 报告写入 {}，共 {:.1} MiB，其中植入错误 {planted} 份", out.display(), bytes as f64 / (1 << 20) as f64);
}

fn usage(why: &str) -> ! {
    eprintln!("错误：{why}\n用法：generate --form pipe|markdown|html --n N --out 目录 [--planted-every K] [--years 1|2]");
    std::process::exit(2)
}
