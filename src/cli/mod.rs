//! The command line: a thin user of the library. Exit codes: 0 ok, 1 error finding,
//! 2 could not run.

mod args;
mod check;
mod review;

use args::{Cli, Command, Format};
use clap::Parser;
use gouji::report::Form;
use std::path::{Path, PathBuf};
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
    let command = argv.get(1).and_then(|a| a.to_str()).map(str::to_string);
    let cli = match Cli::try_parse_from(argv) {
        Ok(c) => c,
        Err(e) if e.use_stderr() => {
            eprint!("{}", args::error_text(&e, command.as_deref()));
            return ExitCode::from(2);
        }
        Err(e) => {
            // The help or the version, which are ours and in Chinese.
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
    };
    let done = match cli.command {
        Command::Parse { file, format, form, rules, max_report_size } => parse(&file, format, form, &rules, limits(max_report_size)),
        Command::Check {
            reports,
            rules,
            no_default_rules,
            format,
            form,
            max_report_size,
            prev,
            aliases,
            issuer,
            year,
            quiet,
            verbose,
            output,
            review,
            all,
        } => check::run(check::Opts {
            reports,
            rules,
            no_default: no_default_rules,
            format,
            form,
            limits: limits(max_report_size),
            prev,
            aliases,
            issuer,
            year,
            quiet,
            verbose,
            output,
            review,
            all,
            collect: false,
        }),
        Command::Review { action } => review::run(action),
        Command::Test { pack, accept } => test(&pack, accept),
    };
    match done {
        Ok(code) => code,
        // The reader went away (`gouji check dir | head`): end quietly.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::from(2),
        Err(e) => {
            // ENOSPC, the usual one, in the user's words; any other as the system says it.
            let why = if e.raw_os_error() == Some(28) { "磁盘空间已满".to_string() } else { e.to_string() };
            say(format_args!("无法写出结果：{why}\n"));
            ExitCode::from(2)
        }
    }
}

/// The budgets of a run, with the report byte limit the command line gave.
fn limits(max_report_size: Option<u64>) -> gouji::Limits {
    let mut l = gouji::Limits::default();
    if let Some(n) = max_report_size {
        l.report_bytes = n;
    }
    l
}

/// Write to stderr; a failure there has nowhere to be told and is ignored (never a panic).
pub(crate) fn say(text: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let _ = std::io::stderr().lock().write_fmt(text);
}

macro_rules! sayln {
    ($($t:tt)*) => { say(format_args!("{}\n", format_args!($($t)*))) };
}

fn test(path: &Path, accept: bool) -> std::io::Result<ExitCode> {
    let pack = match gouji::Pack::load(path) {
        Ok(p) => p,
        Err(errs) => {
            for d in errs.diagnostics() {
                sayln!("{}", gouji::diagnostics::render(&d, color()));
            }
            return Ok(ExitCode::from(2));
        }
    };
    let result = match gouji::testing::run(&pack, accept) {
        Ok(r) => r,
        Err(e) => {
            sayln!("无法写入快照：{e}");
            return Ok(ExitCode::from(2));
        }
    };
    for d in pack.warning_diagnostics() {
        sayln!("{}", gouji::diagnostics::render(&d, color()));
    }
    write_all(gouji::render::test::human(&pack, &result, color()).as_bytes())?;
    Ok(if result.ok() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// Colour only on a terminal.
pub(crate) fn color() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Load the packs to run; rule-file mistakes are printed, pointed, and end the run.
/// `for_rules`: the packs are run (so some must be given); else only their templates
/// are wanted (`gouji parse`).
pub(crate) fn load_packs(rules: &[PathBuf], no_default: bool, for_rules: bool) -> Result<gouji::Checker, ExitCode> {
    let mut packs = Vec::new();
    if !no_default {
        packs.push(gouji::Pack::official().clone());
    }
    let mut failed = false;
    for path in rules {
        match gouji::Pack::load(path) {
            Ok(p) => {
                for d in p.warning_diagnostics() {
                    sayln!("{}", gouji::diagnostics::render(&d, color()));
                }
                packs.push(p)
            }
            Err(errs) => {
                failed = true;
                for d in errs.diagnostics() {
                    sayln!("{}", gouji::diagnostics::render(&d, color()));
                }
            }
        }
    }
    if failed {
        return Err(ExitCode::from(2));
    }
    if packs.is_empty() && for_rules {
        sayln!("错误：没有可运行的规则：使用了 --no-default-rules 但没有给出 --rules");
        return Err(ExitCode::from(2));
    }
    let checker = gouji::Checker::new(packs).map_err(|errs| {
        for d in errs.diagnostics() {
            sayln!("{}", gouji::diagnostics::render(&d, color()));
        }
        ExitCode::from(2)
    })?;
    for (pack, ids) in checker.uncovered().into_iter().filter(|_| for_rules) {
        sayln!("提示：规则包 {pack} 不含 {} 年格式，该格式的报告不运行它的规则", ids.join("、"));
    }
    Ok(checker)
}

/// Write to stdout, flushed; the error is the caller's to report.
fn write_all(bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()
}

fn parse(file: &Path, format: Format, form: Option<Form>, rules: &[PathBuf], limits: gouji::Limits) -> std::io::Result<ExitCode> {
    // The packs' templates, combined as `check` combines them.
    let checker = match load_packs(rules, true, false) {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let report = match checker.read_path(file, form, &limits, Some(args::MAX_REPORT_SIZE)) {
        Ok(r) => r,
        Err(e) => {
            sayln!("{}", e.one_line());
            return Ok(ExitCode::from(2));
        }
    };
    let text = match format {
        Format::Json => serde_json::to_string_pretty(&gouji::render::parse::json(&report)).unwrap_or_default() + "\n",
        Format::Human => gouji::render::parse::human(&report),
    };
    write_all(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
