//! The command line: a thin user of the library. Exit codes: 0 ok, 1 error finding,
//! 2 could not run.

mod args;

use args::{Cli, Command, Format};
use clap::Parser;
use gouji::render::check::Outcome;
use gouji::report::Form;
use std::process::ExitCode;

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
    // `gouji help [命令]` as `gouji [命令] --help` (clap's own help command speaks English).
    let mut argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if argv.get(1).is_some_and(|a| a == "help" || a == "帮助") {
        argv.remove(1);
        argv.push("--help".into());
    }
    let cli = match Cli::try_parse_from(argv) {
        Ok(c) => c,
        Err(e) if e.use_stderr() => {
            eprint!("{}", args::error_text(&e));
            return ExitCode::from(2);
        }
        Err(e) => {
            // The help or the version, which are ours and in Chinese.
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
    };
    match cli.command {
        Command::Parse { file, format, form, rules } => parse(&file, format, form, &rules),
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
/// `for_rules`: the packs are run (so some must be given); else only their templates
/// are wanted (`gouji parse`).
fn load_packs(rules: &[std::path::PathBuf], no_default: bool, for_rules: bool) -> Result<gouji::Checker, ExitCode> {
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
    if packs.is_empty() && for_rules {
        eprintln!("错误：没有可运行的规则：使用了 --no-default-rules 但没有给出 --rules");
        return Err(ExitCode::from(2));
    }
    let checker = gouji::Checker::new(packs).map_err(|errs| {
        for d in errs.diagnostics() {
            eprintln!("{}", gouji::diagnostics::render(&d, color()));
        }
        ExitCode::from(2)
    })?;
    for (pack, ids) in checker.uncovered().into_iter().filter(|_| for_rules) {
        eprintln!("提示：规则包 {pack} 不含 {} 年格式，该格式的报告不运行它的规则", ids.join("、"));
    }
    Ok(checker)
}

fn check(reports: &[String], rules: &[std::path::PathBuf], no_default: bool, format: Format, form: Option<Form>) -> ExitCode {
    let checker = match load_packs(rules, no_default, true) {
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
    let mut applied = gouji::render::check::Applied::default();
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
        for (_, e) in outcomes.iter().filter_map(|(_, o)| o.as_ref().ok()) {
            applied.add(e);
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
    let never = applied.never();
    let checked = applied.reports();
    match format {
        Format::Json => {
            let ids: Vec<&str> = never.iter().map(|(id, _)| *id).collect();
            let _ = writeln!(out, "\n  ],\n  \"rules_never_applied\": {}\n}}", serde_json::to_string(&ids).unwrap_or_default());
        }
        // One report: its own outcomes already say it; a batch names what never ran.
        Format::Human if checked > 1 && !never.is_empty() => {
            let _ = writeln!(out, "以下规则在这 {checked} 份报告中都不适用：");
            for (id, why) in never {
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

fn parse(file: &str, format: Format, form: Option<Form>, rules: &[std::path::PathBuf]) -> ExitCode {
    // The packs' templates, combined as `check` combines them.
    let checker = match load_packs(rules, true, false) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let report = match checker.read_file(file, form) {
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
