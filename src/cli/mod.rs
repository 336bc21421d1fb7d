//! The command line: a thin user of the library. Exit codes: 0 ok, 1 error finding,
//! 2 could not run.

use clap::{Parser, Subcommand, ValueEnum};
use gouji::render::check::Outcome;
use gouji::report::{self, Form};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "gouji", version, about = "政府信息公开工作年度报告勾稽关系检查")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    Human,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// 用规则包检查报告的勾稽关系（默认运行内置官方规则包）
    Check {
        /// 报告文件（可多个）
        #[arg(required = true)]
        reports: Vec<String>,
        /// 追加规则包（目录或 .gouji 文件），可多次使用
        #[arg(long = "rules")]
        rules: Vec<std::path::PathBuf>,
        /// 不运行内置官方规则包，只运行 --rules 指定的
        #[arg(long)]
        no_default_rules: bool,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// 指定来源形式（默认按内容识别）：pipe、html、docx、pdf、markdown、text
        #[arg(long, value_parser = parse_form)]
        form: Option<Form>,
    },
    /// 运行规则包的用例：规则内的 case 与 cases/ 下的报告快照
    Test {
        /// 规则包目录
        pack: std::path::PathBuf,
        /// 把当前结果写为新的快照
        #[arg(long)]
        accept: bool,
    },
    /// 读取报告，输出规范模型（表格与单元格）
    Parse {
        /// 报告文件
        file: String,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// 指定来源形式（默认按内容识别）：pipe、html、docx、pdf、markdown、text
        #[arg(long, value_parser = parse_form)]
        form: Option<Form>,
        /// 按规则包自带的模板读取（如部门自有的表五）：规则包目录
        #[arg(long = "rules")]
        rules: Option<std::path::PathBuf>,
    },
}

fn parse_form(s: &str) -> Result<Form, String> {
    Form::from_name(s).ok_or_else(|| {
        let all: Vec<&str> = Form::ALL.iter().map(|f| f.name()).collect();
        format!("未知的来源形式“{s}”，可用：{}", all.join("、"))
    })
}

/// Run the CLI; errors are printed as miette diagnostics.
pub fn run() -> ExitCode {
    // pdf-extract panics on some damaged PDFs; those panics are caught and reported as a
    // one-line import error, so the default "thread panicked" text is kept for real bugs.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !gouji::report::pdf_panic_is_caught() {
            default_hook(info);
        }
    }));
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    match cli.command {
        Command::Parse { file, format, form, rules } => parse(&file, format, form, rules.as_deref()),
        Command::Check { reports, rules, no_default_rules, format, form } => check(&reports, &rules, no_default_rules, format, form),
        Command::Test { pack, accept } => test(&pack, accept),
    }
}

fn test(path: &std::path::Path, accept: bool) -> ExitCode {
    let pack = match gouji::Pack::load(path) {
        Ok(p) => p,
        Err(errs) => {
            for d in errs.diagnostics() {
                eprintln!("{}", gouji::diagnostics::render(&d, color()));
            }
            return ExitCode::from(2);
        }
    };
    let result = match gouji::testing::run(&pack, accept) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("无法写入快照：{e}");
            return ExitCode::from(2);
        }
    };
    for d in pack.warning_diagnostics() {
        eprintln!("{}", gouji::diagnostics::render(&d, color()));
    }
    print!("{}", gouji::render::test::human(&pack, &result, color()));
    if result.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Colour only on a terminal.
fn color() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Load the packs to run; rule-file mistakes are printed, pointed, and end the run.
fn load_packs(rules: &[std::path::PathBuf], no_default: bool) -> Result<gouji::Checker, ExitCode> {
    let mut packs = Vec::new();
    if !no_default {
        packs.push(gouji::Pack::official().clone());
    }
    let mut failed = false;
    for path in rules {
        match gouji::Pack::load(path) {
            Ok(p) => {
                for d in p.warning_diagnostics() {
                    eprintln!("{}", gouji::diagnostics::render(&d, color()));
                }
                packs.push(p)
            }
            Err(errs) => {
                failed = true;
                for d in errs.diagnostics() {
                    eprintln!("{}", gouji::diagnostics::render(&d, color()));
                }
            }
        }
    }
    if failed {
        return Err(ExitCode::from(2));
    }
    if packs.is_empty() {
        eprintln!("没有可运行的规则：使用了 --no-default-rules 但没有给出 --rules");
        return Err(ExitCode::from(2));
    }
    gouji::Checker::new(packs).map_err(|errs| {
        for d in errs.diagnostics() {
            eprintln!("{}", gouji::diagnostics::render(&d, color()));
        }
        ExitCode::from(2)
    })
}

fn check(reports: &[String], rules: &[std::path::PathBuf], no_default: bool, format: Format, form: Option<Form>) -> ExitCode {
    let checker = match load_packs(rules, no_default) {
        Ok(c) => c,
        Err(code) => return code,
    };
    // Reports are read and checked in parallel (all cores), a chunk at a time, and written
    // as each chunk is done: memory stays bounded on batches of thousands, output keeps the
    // given order, and the JSON document is streamed.
    use rayon::prelude::*;
    use std::io::Write;
    let chunk_len = 4 * rayon::current_num_threads().max(1);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let (mut unreadable, mut error) = (false, false);
    // Per rule (in output order): its id, whether it applied to some report, and the first
    // reason it did not.
    let mut applied: Vec<(String, bool, String)> = Vec::new();
    let mut checked = 0usize;
    if format == Format::Json {
        let _ = write!(out, "{{\n  \"reports\": [");
    }
    for (n, chunk) in reports.chunks(chunk_len).enumerate() {
        let outcomes: Vec<(String, Outcome)> = chunk
            .par_iter()
            .map(|path| {
                (
                    path.clone(),
                    checker.read_file(path, form).map(|r| {
                        let e = checker.evaluate(gouji::Context::of(&r));
                        (r, e)
                    }),
                )
            })
            .collect();
        unreadable |= outcomes.iter().any(|(_, o)| o.is_err());
        error |= gouji::render::check::has_error(&outcomes);
        for (_, (_, e)) in outcomes.iter().filter_map(|(p, o)| o.as_ref().ok().map(|x| (p, x))) {
            checked += 1;
            if applied.is_empty() {
                applied = e.rules.iter().map(|r| (r.id.clone(), false, r.reason.clone().unwrap_or_default())).collect();
            }
            for (slot, r) in applied.iter_mut().zip(&e.rules) {
                slot.1 |= r.outcome != gouji::Outcome::NotApplicable;
            }
        }
        for (i, (path, o)) in outcomes.iter().enumerate() {
            match format {
                Format::Json => {
                    let sep = if n == 0 && i == 0 { "\n" } else { ",\n" };
                    let text = serde_json::to_string_pretty(&gouji::render::check::report_json(path, o)).unwrap_or_default();
                    let _ = write!(out, "{sep}    {}", text.replace('\n', "\n    "));
                }
                Format::Human => {
                    let text = gouji::render::check::human(path, o, color());
                    if o.is_err() {
                        let _ = out.flush();
                        eprint!("{text}");
                    } else {
                        let _ = write!(out, "{text}");
                    }
                }
            }
        }
    }
    let never: Vec<&(String, bool, String)> = applied.iter().filter(|(_, a, _)| !a).collect();
    match format {
        Format::Json => {
            let ids: Vec<&str> = never.iter().map(|(id, ..)| id.as_str()).collect();
            let _ = writeln!(out, "\n  ],\n  \"rules_never_applied\": {}\n}}", serde_json::to_string(&ids).unwrap_or_default());
        }
        // One report: its own outcomes already say it; a batch names what never ran.
        Format::Human if checked > 1 && !never.is_empty() => {
            let _ = writeln!(out, "以下规则在这 {checked} 份报告中都不适用：");
            for (id, _, why) in never {
                let _ = writeln!(out, "  {id}：{why}");
            }
        }
        Format::Human => {}
    }
    let _ = out.flush();
    if unreadable {
        ExitCode::from(2)
    } else if error {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn parse(file: &str, format: Format, form: Option<Form>, rules: Option<&std::path::Path>) -> ExitCode {
    let set = match rules.map(gouji::Pack::load) {
        None => std::sync::Arc::new(gouji::TemplateSet::builtin().clone()),
        Some(Ok(p)) => p.templates.clone(),
        Some(Err(errs)) => {
            for d in errs.diagnostics() {
                eprintln!("{}", gouji::diagnostics::render(&d, color()));
            }
            return ExitCode::from(2);
        }
    };
    let report = match report::read_file_with(file, form, &set) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{}", e.one_line());
            return ExitCode::from(2);
        }
    };
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&gouji::render::parse::json(&report)).unwrap_or_default()),
        Format::Human => print!("{}", gouji::render::parse::human(&report)),
    }
    ExitCode::SUCCESS
}
