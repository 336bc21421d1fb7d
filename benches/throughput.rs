//! `cargo bench`: how long compiling the official pack takes, and how many seed-form
//! reports a second go through parse + check, on one thread and on all cores.
//!
//! The reports are generated in memory in the pipe-per-cell form of the seed (2019
//! template, 滨湖区民政局 2020 layout) with numbers that vary but keep every identity, so
//! each report is checked in full and gives no error finding.
//!
//! Targets (issue 4): compiling the official pack < 1 ms; ≥ 20,000 reports/s.

use gouji::{Checker, Pack};

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
    let reports: Vec<(String, String)> = (0..n).map(|i| (format!("gen/{i:05}.txt"), generate(i as u64))).collect();
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

// ---------------------------------------------------------------- the generator

/// xorshift64*: small, deterministic.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) % n.max(1)
    }
}

/// 2019 t3 rows in order: (group heading before the row, label, is a result leaf).
const T3: &[(&str, &str, bool)] = &[
    ("", "一、本年新收政府信息公开申请数量", false),
    ("", "二、上年结转政府信息公开申请数量", false),
    ("三、本年度办理结果", "(一)予以公开", true),
    ("", "(二)部分公开(区分处理的,只计这一情形,不计其他情形)", true),
    ("(三)不予公开", "1.属于国家秘密", true),
    ("", "2.其他法律行政法规禁止公开", true),
    ("", "3.危及“三安全一稳定”", true),
    ("", "4.保护第三方合法权益", true),
    ("", "5.属于三类内部事务信息", true),
    ("", "6.属于四类过程性信息", true),
    ("", "7.属于行政执法案卷", true),
    ("", "8.属于行政查询事项", true),
    ("(四)无法提供", "1.本机关不掌握相关政府信息", true),
    ("", "2.没有现成信息需要另行制作", true),
    ("", "3.补正后申请内容仍不明确", true),
    ("(五)不予处理", "1.信访举报投诉类申请", true),
    ("", "2.重复申请", true),
    ("", "3.要求提供公开出版物", true),
    ("", "4.无正当理由大量反复申请", true),
    ("", "5.要求行政机关确认或重新出具已获取信息", true),
    ("", "(六)其他处理", true),
    ("", "(七)总计", false),
    ("", "四、结转下年度继续办理", false),
];

/// One report in the seed's form whose identities all hold.
#[allow(clippy::needless_range_loop)] // columns are filled one at a time, across rows
fn generate(seed: u64) -> String {
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    // t3 by row then the six applicant columns; totals are added when printing.
    let mut t3 = vec![[0u64; 6]; T3.len()];
    for col in 0..6 {
        let busy = if col == 0 { 40 } else { 3 };
        for (r, (_, _, leaf)) in T3.iter().enumerate() {
            if *leaf && rng.below(3) == 0 {
                t3[r][col] = rng.below(busy);
            }
        }
        let processed: u64 = T3.iter().enumerate().filter(|(_, x)| x.2).map(|(r, _)| t3[r][col]).sum();
        let carried_over = rng.below(3);
        let carried_forward = rng.below(3);
        t3[21][col] = processed;
        t3[1][col] = carried_over;
        t3[22][col] = carried_forward;
        t3[0][col] = (processed + carried_forward).saturating_sub(carried_over);
        t3[1][col] = processed + carried_forward - t3[0][col];
    }
    let mut s = String::with_capacity(12 * 1024);
    let line = |s: &mut String, t: &str| {
        s.push_str(t);
        s.push('\n');
    };
    line(&mut s, &format!("无锡市某某区第{}局{}年政府信息公开工作年度报告", seed % 97, 2020));
    line(&mut s, "发布时间:2021-01-29 13:17");
    line(&mut s, "一、总体情况");
    line(&mut s, &format!("2020年,本局依法做好政府信息公开工作,全年收到依申请公开信息{}件。", t3[0].iter().sum::<u64>()));
    line(&mut s, "二、主动公开政府信息情况");
    t2(&mut s, &mut rng);
    line(&mut s, "三、收到和处理政府信息公开申请情况");
    for h in [
        "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和) |",
        "申请人情况 |",
        "||||||||",
        "自然人 |",
        "法人或其他组织 |",
        "总计 |",
        "|||||||",
        "商业企业 |",
        "科研机构 |",
        "社会公益组织 |",
        "法律服务机构 |",
        "其他 |",
        "|||||",
    ] {
        line(&mut s, h);
    }
    for (r, (group, label, _)) in T3.iter().enumerate() {
        if !group.is_empty() {
            line(&mut s, &format!("{group} |"));
        }
        line(&mut s, &format!("{label} |"));
        for v in t3[r] {
            line(&mut s, &format!("{v} |"));
        }
        line(&mut s, &format!("{} |", t3[r].iter().sum::<u64>()));
        if r + 1 < T3.len() {
            line(&mut s, if group.is_empty() { "||" } else { "|" });
        }
    }
    line(&mut s, "四、政府信息公开行政复议、行政诉讼情况");
    let names = ["结果维持 |", "结果纠正 |", "其他结果 |", "尚未审结 |", "总计 |"];
    for h in ["行政复议 |", "行政诉讼 |", "|||||||||||||"].iter().chain(&names).chain(&["未经复议直接起诉 |", "复议后起诉 |", "||||||||"])
    {
        line(&mut s, h);
    }
    for h in names.iter().chain(&names).chain(&["|||||"]) {
        line(&mut s, h);
    }
    for _ in 0..3 {
        let parts: Vec<u64> = (0..4).map(|_| rng.below(3)).collect();
        for p in &parts {
            line(&mut s, &format!("{p} |"));
        }
        line(&mut s, &format!("{} |", parts.iter().sum::<u64>()));
    }
    line(&mut s, "五、存在的主要问题及改进情况");
    line(&mut s, "公开内容还不够完善全面,下一步将增强主动公开意识。");
    line(&mut s, "六、其他需要报告的事项");
    line(&mut s, "无。");
    s
}

/// The 2019 t2 in the seed's layout (`本年新` twice: the header text after `<br>` is lost).
fn t2(s: &mut String, rng: &mut Rng) {
    let mut out = |t: String| {
        s.push_str(&t);
        s.push('\n');
    };
    out("第二十条第(一)项 |\n||||\n信息内容 |\n本年新 |\n本年新 |\n对外公开总数量 |\n|".into());
    for label in ["规章", "规范性文件"] {
        out(format!("{label} |\n{} |\n{} |\n{} |\n|", rng.below(5), rng.below(5), rng.below(50)));
    }
    for (cap, rows) in [("(五)", ["行政许可", "其他对外管理服务事项"]), ("(六)", ["行政处罚", "行政强制"])] {
        out(format!("第二十条第{cap}项 |\n||||\n信息内容 |\n上一年项目数量 |\n本年增/减 |\n处理决定数量 |\n|"));
        for label in rows {
            let change = rng.below(7) as i64 - 3;
            out(format!("{label} |\n{} |\n{change} |\n{} |\n|", rng.below(80), rng.below(6000)));
        }
    }
    out(format!("第二十条第(八)项 |\n||||\n信息内容 |\n上一年项目数量 |\n本年增/减 |\n||\n行政事业性收费 |\n{} |\n0 |\n||", rng.below(3)));
    out(format!(
        "第二十条第(九)项 |\n||||\n信息内容 |\n采购项目数量 |\n采购总金额 |\n||\n政府集中采购 |\n{} |\n{}.{:04}万元 |\n||",
        rng.below(60),
        rng.below(3000),
        rng.below(10000)
    ));
}
