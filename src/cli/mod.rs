//! The command line: a thin user of the library. Exit codes: 0 ok, 1 error finding,
//! 2 could not run.

mod args;

use args::{CheckFormat, Cli, Command, Format};
use clap::Parser;
use gouji::render::check::Outcome;
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
    let done = match cli.command {
        Command::Parse { file, format, form, rules, max_report_size } => parse(&file, format, form, &rules, limits(max_report_size)),
        Command::Check { reports, rules, no_default_rules, format, verbose, form, max_report_size } => {
            check(&reports, &rules, no_default_rules, Output { format, verbose }, form, limits(max_report_size))
        }
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
fn say(text: std::fmt::Arguments<'_>) {
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
fn color() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Load the packs to run; rule-file mistakes are printed, pointed, and end the run.
/// `for_rules`: the packs are run (so some must be given); else only their templates
/// are wanted (`gouji parse`).
fn load_packs(rules: &[PathBuf], no_default: bool, for_rules: bool) -> Result<gouji::Checker, ExitCode> {
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

/// The files to check, in the order given; a folder stands for the files under it (its
/// subfolders too), by name, hidden ones (`.…`) left out. An unreadable or empty folder is
/// kept as given, so it is reported like any unreadable report (never a silent exit 0). A
/// folder reached twice through symlinks is walked once (a link to its parent cannot loop).
fn expand(args: &[PathBuf]) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>, seen: &mut std::collections::HashSet<PathBuf>) -> bool {
        match std::fs::canonicalize(dir) {
            Ok(real) => {
                if !seen.insert(real) {
                    return true;
                }
            }
            Err(_) => return false,
        }
        let Ok(rd) = std::fs::read_dir(dir) else { return false };
        let mut entries: Vec<(std::ffi::OsString, bool)> = rd
            .filter_map(Result::ok)
            .filter_map(|e| {
                let name = e.file_name();
                if name.as_encoded_bytes().starts_with(b".") {
                    return None;
                }
                // The entry's own type (no extra stat); a symlink is followed.
                let is_dir = e.file_type().map(|t| t.is_dir() || (t.is_symlink() && e.path().is_dir())).unwrap_or(false);
                Some((name, is_dir))
            })
            .collect();
        entries.sort_unstable();
        for (name, is_dir) in entries {
            let path = dir.join(name);
            if !is_dir || !walk(&path, out, seen) {
                out.push(path);
            }
        }
        true
    }
    let mut out = Vec::with_capacity(args.len());
    let mut seen = std::collections::HashSet::new();
    for a in args {
        let before = out.len();
        if !(a.is_dir() && walk(a, &mut out, &mut seen)) || out.len() == before {
            out.push(a.clone());
        }
    }
    out
}

/// One report's part of the output, made on a worker: the text to print (JSON entry, short
/// lines, or human text in parts: its rules' definitions are shown once per run by the
/// writer), and what the batch's summary needs.
struct Done {
    text: String,
    human: Option<gouji::render::check::Human>,
    unreadable: bool,
    error: bool,
    eval: Option<gouji::Evaluation>,
}

/// What `gouji check` writes.
#[derive(Clone, Copy)]
struct Output {
    format: CheckFormat,
    verbose: bool,
}

/// A report's human text in parts (the writer puts them together).
fn human_parts(name: &str, o: &Outcome, output: Output, color: bool) -> Option<gouji::render::check::Human> {
    let show = gouji::render::check::Show { color, verbose: output.verbose };
    (output.format == CheckFormat::Human).then(|| gouji::render::check::human_parts(name, o, show))
}

/// Read, check and render one report. A panic anywhere in it (a bug in an importer or
/// the checker) is caught and becomes an unreadable-report entry naming the file.
fn one(checker: &gouji::Checker, path: &Path, form: Option<Form>, limits: &gouji::Limits, output: Output, color: bool) -> Done {
    let name = path.to_string_lossy();
    let work = || {
        let o: Outcome = checker.read_path(path, form, limits, Some(args::MAX_REPORT_SIZE)).map(|r| {
            let e = checker.evaluate(gouji::Context::of(&r));
            (r, e)
        });
        let text = match output.format {
            // Indented for its place in the batch's `"reports": [ … ]`.
            CheckFormat::Json => gouji::render::check::report_json_pretty(&name, &o, 2),
            CheckFormat::Short => gouji::render::check::short(&name, &o, gouji::render::check::Show { color: false, verbose: output.verbose }),
            CheckFormat::Human => String::new(),
        };
        let human = human_parts(&name, &o, output, color);
        let one = [(String::new(), o)];
        let error = gouji::render::check::has_error(&one);
        let [(_, o)] = one;
        (text, human, error, o)
    };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)) {
        Ok((text, human, error, o)) => {
            let unreadable = o.is_err();
            Done { text, human, unreadable, error, eval: o.ok().map(|(_, e)| e) }
        }
        Err(panic) => {
            let why = panic.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| panic.downcast_ref::<String>().cloned()).unwrap_or_default();
            let o: Outcome = Err(gouji::ImportError::Io { path: name.to_string(), why: format!("读取或检查时发生内部错误：{why}") });
            let text = match output.format {
                CheckFormat::Json => gouji::render::json::to_string_nested(&gouji::render::check::report_json(&name, &o), 2).unwrap_or_default(),
                CheckFormat::Short => gouji::render::check::short(&name, &o, gouji::render::check::Show { color: false, verbose: output.verbose }),
                CheckFormat::Human => String::new(),
            };
            let human = human_parts(&name, &o, output, color);
            Done { text, human, unreadable: true, error: false, eval: None }
        }
    }
}

fn check(reports: &[PathBuf], rules: &[PathBuf], no_default: bool, output: Output, form: Option<Form>, limits: gouji::Limits) -> std::io::Result<ExitCode> {
    let checker = match load_packs(rules, no_default, true) {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    // Reports are read, checked and rendered in parallel (all cores), a chunk at a time,
    // and written in the given order by a writer thread while the next chunk is checked:
    // memory stays bounded (two chunks wait at most) whatever the batch size, the JSON
    // document is streamed, and the workers never wait for the output. Workers have a
    // large stack, so deep-but-bounded recursion in an importer cannot overflow it.
    use rayon::prelude::*;
    let pool = match rayon::ThreadPoolBuilder::new().stack_size(64 << 20).build() {
        Ok(p) => p,
        Err(e) => {
            sayln!("错误：无法启动工作线程：{e}");
            return Ok(ExitCode::from(2));
        }
    };
    let reports = expand(reports);
    let chunk_len = 64 * pool.current_num_threads().max(1);
    let color = color();
    let (unreadable, error) = std::thread::scope(|scope| {
        let (chunks, received) = std::sync::mpsc::sync_channel::<Vec<Done>>(1);
        let writer = scope.spawn(move || write_checked(received, output.format));
        for chunk in reports.chunks(chunk_len) {
            let done: Vec<Done> = pool.install(|| chunk.par_iter().map(|path| one(&checker, path, form, &limits, output, color)).collect());
            if chunks.send(done).is_err() {
                break; // the writer stopped on an output error, which it returns
            }
        }
        drop(chunks);
        writer.join().unwrap_or_else(|_| Err(std::io::Error::other("写出结果时发生内部错误")))
    })?;
    Ok(if unreadable {
        ExitCode::from(2)
    } else if error {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Write the checked reports in order as their chunks arrive, then the batch's closing
/// part; whether any report was unreadable, and whether any had an error finding.
fn write_checked(chunks: std::sync::mpsc::Receiver<Vec<Done>>, format: CheckFormat) -> std::io::Result<(bool, bool)> {
    use std::io::Write;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let (mut unreadable, mut error) = (false, false);
    let mut applied = gouji::render::check::Applied::default();
    // Each rule's definition is shown once in the run, under its first finding.
    let mut seen = gouji::render::check::SeenRules::default();
    let text = |d: &Done, seen: &mut gouji::render::check::SeenRules| d.human.as_ref().map(|h| h.text(seen)).unwrap_or_default();
    if format == CheckFormat::Json {
        write!(out, "{{\n  \"reports\": [")?;
    }
    for (n, done) in chunks.iter().enumerate() {
        for (i, d) in done.iter().enumerate() {
            unreadable |= d.unreadable;
            error |= d.error;
            if let Some(e) = &d.eval {
                applied.add(e);
            }
            match format {
                CheckFormat::Json => {
                    let sep = if n == 0 && i == 0 { "\n" } else { ",\n" };
                    write!(out, "{sep}    {}", d.text)?;
                }
                CheckFormat::Short => out.write_all(d.text.as_bytes())?,
                CheckFormat::Human if d.unreadable => {
                    out.flush()?;
                    say(format_args!("{}", text(d, &mut seen)));
                }
                CheckFormat::Human => out.write_all(text(d, &mut seen).as_bytes())?,
            }
        }
    }
    let never = applied.never();
    let checked = applied.reports();
    match format {
        CheckFormat::Json => {
            let ids: Vec<&str> = never.iter().map(|(id, _)| *id).collect();
            writeln!(out, "\n  ],\n  \"rules_never_applied\": {}\n}}", serde_json::to_string(&ids).unwrap_or_default())?;
        }
        // One report: its own outcomes already say it; a batch names what never ran.
        CheckFormat::Human if checked > 1 && !never.is_empty() => {
            writeln!(out, "以下规则在这 {checked} 份报告中都不适用：")?;
            for (id, why) in never {
                writeln!(out, "  {id}：{why}")?;
            }
        }
        CheckFormat::Human | CheckFormat::Short => {}
    }
    out.flush()?;
    Ok((unreadable, error))
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
