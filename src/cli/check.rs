//! `gouji check`: a batch of reports, files and folders, checked in parallel.
//!
//! Two passes. The first reads each file's identity (issuer and year; its tables are not
//! matched) so every report can be paired with the same issuer's previous year; the
//! second reads, checks and renders each report with its previous year beside it, a chunk
//! at a time, while a writer thread prints the chunk before in order. Memory stays flat:
//! the batch keeps one identity per file and a chunk of rendered reports.

use super::args::{CheckFormat, MAX_REPORT_SIZE};
use super::{color, load_packs, say};
use gouji::batch::{self, Aliases, Entry, Identity, IdentityFrom, Pairs, Sidecar};
use gouji::render::check::{Outcome, Prev};
use gouji::report::Form;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// What `gouji check` was asked.
pub struct Opts {
    pub reports: Vec<PathBuf>,
    pub rules: Vec<PathBuf>,
    pub no_default: bool,
    pub format: CheckFormat,
    pub form: Option<Form>,
    pub limits: gouji::Limits,
    pub prev: Option<PathBuf>,
    pub aliases: Vec<PathBuf>,
    pub issuer: Option<String>,
    pub year: Option<u16>,
    pub quiet: bool,
    pub verbose: bool,
    /// `--format html`: the folder the pages are written to.
    pub output: Option<PathBuf>,
    /// The review file given (else `gouji.review.toml` beside the reports, when there is one).
    pub review: Option<PathBuf>,
    /// Show the findings the review dismissed too.
    pub all: bool,
    /// Print nothing: hand every finding (dismissed ones too) back to `gouji review`.
    pub collect: bool,
}

/// A finding of a run, for `gouji review`: the report's path and the finding.
pub type Collected = (String, gouji::Finding);

/// A file's identity from the first pass (one per file of the batch, so kept small).
struct Ident {
    identity: Identity,
    form: &'static str,
    /// The document the first pass imported whole (a PDF, DOCX or HTML report), kept for
    /// the second while the batch's budget for them allows.
    doc: Option<(Form, Box<gouji::report::import::RawDocument>)>,
    /// Why the file could not be read (it is not read again).
    error: Option<Box<gouji::ImportError>>,
}

/// One report's part of the output, made on a worker: the text to print and what the
/// batch's summary needs.
struct Done {
    path: String,
    text: String,
    /// Human output in parts: each rule's definition is shown once per run, by the writer.
    human: Option<gouji::render::check::Human>,
    /// Why it could not be read, and whether it was named on the command line.
    unreadable: Option<(String, bool)>,
    error: bool,
    paired: bool,
    eval: Option<gouji::Evaluation>,
    /// `--format html`: the report's line on the summary page.
    row: Option<gouji::render::html::IndexRow>,
}

macro_rules! sayln {
    ($($t:tt)*) => { say(format_args!("{}\n", format_args!($($t)*))) };
}

pub fn run(o: Opts) -> std::io::Result<ExitCode> {
    run_with(o).map(|(code, _)| code)
}

/// The review file of a run: the one given (absent: an empty review), else the one beside
/// the reports when there is one; what is wrong with it.
pub fn review_of(given: Option<&Path>, reports: &[PathBuf]) -> Result<Option<(PathBuf, gouji::review::Reviews)>, String> {
    let path = gouji::review::file_of(given, reports);
    if given.is_none() && !path.is_file() {
        return Ok(None);
    }
    gouji::review::load(&path).map(|r| Some((path, r))).map_err(|e| e.to_string())
}

/// [`run`], and every finding when `o.collect`.
pub fn run_with(o: Opts) -> std::io::Result<(ExitCode, Vec<Collected>)> {
    let checker = match load_packs(&o.rules, o.no_default, true) {
        Ok(c) => c,
        Err(code) => return Ok((code, Vec::new())),
    };
    let fail = |why: String| {
        sayln!("错误：{why}");
        Ok((ExitCode::from(2), Vec::new()))
    };
    let reviews = match review_of(o.review.as_deref(), &o.reports) {
        Ok(r) => r.map(|(_, r)| r),
        Err(why) => return fail(why),
    };
    // A review file named but absent (a typo?): every finding is 新, and that is said.
    if let Some(p) = o.review.as_deref().filter(|p| !o.collect && !p.exists()) {
        sayln!("提示：复核记录 {} 不存在，所有问题标为“新”（gouji review dismiss 或 confirm 会新建它）", p.display());
    }
    match (&o.output, o.format) {
        (None, CheckFormat::Html) => return fail("--format html 需要 --output 目录（网页报告写入其中）".into()),
        (Some(_), f) if f != CheckFormat::Html => return fail("--output 只用于 --format html".into()),
        (Some(dir), _) => {
            if let Some(r) = holds_reports(dir, &o.reports) {
                return fail(format!("网页报告目录 {} 包含所检查的 {}：请另选一个目录（写入后，该目录会在以后的检查中被跳过）", dir.display(), r.display()));
            }
            if let Err(why) = gouji::render::html::prepare(dir) {
                return fail(format!("无法写入网页报告目录 {}：{why}", dir.display()));
            }
        }
        _ => {}
    }
    let entries = batch::expand(&o.reports);
    let single = entries.len() == 1;
    if !single && (o.prev.is_some() || o.issuer.is_some() || o.year.is_some()) {
        return fail("--prev、--issuer、--year 只能在检查一份报告时使用；批量检查时按报告内容自动配对，可用身份文件（报告名.toml）或别名表指定".into());
    }
    let mut aliases = Aliases::default();
    let folder_files = o.reports.iter().filter(|r| r.is_dir()).map(|d| d.join("gouji.toml")).filter(|f| f.is_file());
    for file in o.aliases.iter().cloned().chain(folder_files) {
        if let Err(why) = aliases.load(&file) {
            return fail(why);
        }
    }
    let pool = match rayon::ThreadPoolBuilder::new().stack_size(64 << 20).build() {
        Ok(p) => p,
        Err(e) => return fail(format!("无法启动工作线程：{e}")),
    };
    let bar = Bar::new(entries.len(), o.quiet || o.collect);
    let cli = (o.issuer.clone(), o.year);
    let run = Run { checker: &checker, o: &o, aliases: &aliases, color: color(), kept: Budget(KEPT_BYTES.into()) };
    // Pass 1: identities, for the pairing (one file alone needs none).
    let mut idents: Vec<Option<Ident>> = if single {
        vec![None]
    } else {
        bar.phase("识别报告");
        pool.install(|| entries.par_iter().map(|e| Some(run.identify(e, &bar))).collect())
    };
    let pairs = if single {
        Pairs::default()
    } else {
        let members: Vec<batch::Member> =
            idents.iter().flatten().map(|i| batch::Member { key: i.identity.key.as_deref(), year: i.identity.year, form: i.form }).collect();
        batch::pair(&members)
    };
    let name = |i: usize| entries[i].path.to_string_lossy().into_owned();
    let same_year = same_year_groups(&pairs);
    // Pass 2: check, a chunk at a time, written in order by the writer thread.
    bar.phase("检查报告");
    // 16 reports per core a chunk: measured on 100,000 paired reports, 64 took 4.2–5.1 s
    // (and 89 MB), 16 took 2.8–3.6 s (79 MB): a small chunk's reports stay in the caches.
    let chunk_len = 16 * pool.current_num_threads().max(1);
    let mut summary = gouji::render::summary::Summary::default();
    summary.set_pairing(&pairs, name);
    let marking = review_args(&o);
    let review_file = gouji::review::file_of(o.review.as_deref(), &o.reports);
    let to = Output { format: o.format, dir: o.output.as_deref(), collect: o.collect, review_args: &marking, review_file: &review_file };
    let result = std::thread::scope(|scope| {
        let (chunks, received) = std::sync::mpsc::sync_channel::<Vec<Done>>(1);
        let shown = &bar;
        let writer = scope.spawn(move || write_checked(received, to, summary, shown));
        // The chunk before, read: a previous year's report there is not read again.
        let mut before: (usize, Vec<Outcome>) = (0, Vec::new());
        for (n, (chunk, ids)) in entries.chunks(chunk_len).zip(idents.chunks_mut(chunk_len)).enumerate() {
            let base = n * chunk_len;
            let mut read: Vec<Outcome> = pool.install(|| chunk.par_iter().zip(ids.par_iter_mut()).map(|(e, id)| run.read(e, id.take(), &cli)).collect());
            let prev_of = |i: usize| match &o.prev {
                Some(p) => Some(p.clone()),
                None => pairs.prev(i).map(|j| entries[j].path.clone()),
            };
            // Evaluate each with its previous year, from this chunk, the one before, or read now.
            let (evals, prevs): (Vec<Option<gouji::Evaluation>>, Vec<Option<Shown>>) = pool.install(|| {
                (0..chunk.len())
                    .into_par_iter()
                    .map(|k| {
                        let i = base + k;
                        let j = if o.prev.is_some() { None } else { pairs.prev(i) };
                        let near = j.and_then(|j| match j {
                            j if (base..base + read.len()).contains(&j) => Some(&read[j - base]),
                            j if (before.0..before.0 + before.1.len()).contains(&j) => Some(&before.1[j - before.0]),
                            _ => None,
                        });
                        run.evaluate(&read[k], near, prev_of(i).as_deref())
                    })
                    .collect()
            });
            for (k, (out, eval)) in read.iter_mut().zip(evals).enumerate() {
                if let (Ok((_, slot)), Some(eval)) = (out, eval) {
                    *slot = eval;
                    slot.findings.extend(same_year.get(&(base + k)).map(|&g| same_year_finding(&pairs, g, base + k, &name)));
                    if let Some(r) = &reviews {
                        r.apply(slot, o.all || o.collect);
                    }
                }
            }
            let mut done: Vec<Done> = pool.install(|| {
                read.par_iter()
                    .zip(prevs.par_iter())
                    .zip(chunk.par_iter())
                    .enumerate()
                    .map(|(k, ((o, prev), e))| {
                        let d = run.done(e, o, prev.as_ref(), pairs.note(base + k).map(str::to_string));
                        bar.inc();
                        d
                    })
                    .collect()
            });
            // The evaluations go to the summary; the reports stay for the next chunk.
            for (d, o) in done.iter_mut().zip(read.iter_mut()) {
                if let (None, Ok((_, ev))) = (&d.unreadable, o) {
                    d.eval = Some(std::mem::take(ev));
                }
            }
            before = (base, read);
            if chunks.send(done).is_err() {
                break; // the writer stopped on an output error, which it returns
            }
        }
        drop(chunks);
        writer.join().unwrap_or_else(|_| Err(std::io::Error::other("写出结果时发生内部错误")))
    });
    bar.finish();
    let (given_unreadable, error, checked, collected) = result?;
    let code = if given_unreadable || checked == 0 {
        ExitCode::from(2)
    } else if error {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    Ok((code, collected))
}

/// Each member of an issuer-year with several reports: its group in `pairs.same_year`.
fn same_year_groups(pairs: &Pairs) -> std::collections::HashMap<usize, usize> {
    pairs.same_year.iter().enumerate().flat_map(|(g, (_, _, members))| members.iter().map(move |&m| (m, g))).collect()
}

/// The batch finding on a report whose issuer-year has several: the others named, the
/// first few of them (a folder of copies must not make every finding list them all).
fn same_year_finding(pairs: &Pairs, group: usize, me: usize, name: &dyn Fn(usize) -> String) -> gouji::Finding {
    const SHOWN: usize = 5;
    let (issuer, year, members) = &pairs.same_year[group];
    let others: Vec<usize> = members.iter().copied().filter(|&o| o != me).collect();
    let mut named: Vec<String> = others.iter().take(SHOWN).map(|&o| name(o)).collect();
    if others.len() > SHOWN {
        named.push(format!("等（共 {} 份）", others.len()));
    }
    batch::same_year_finding(issuer, *year, others.len(), &named)
}

/// The reports and review file of a run as `gouji review` takes them, quoted for a shell
/// where they need it.
fn review_args(o: &Opts) -> String {
    let quote = |p: &Path| {
        let t = p.display().to_string();
        if !t.is_empty() && t.chars().all(|c| c.is_alphanumeric() || "/._-+:\\".contains(c) || !c.is_ascii()) {
            t
        } else {
            format!("\"{}\"", t.replace('"', "\\\""))
        }
    };
    let mut words: Vec<String> = o.reports.iter().map(|r| quote(r)).collect();
    if let Some(r) = &o.review {
        words.push(format!("--review {}", quote(r)));
    }
    words.extend(o.rules.iter().map(|r| format!("--rules {}", quote(r))));
    words.extend(o.aliases.iter().map(|a| format!("--aliases {}", quote(a))));
    if o.no_default {
        words.push("--no-default-rules".into());
    }
    words.join(" ")
}

/// A report (or folder of them) the output directory `dir` is or holds: a run writing its
/// pages among the reports would hide them from later runs (marked folders are skipped).
fn holds_reports<'a>(dir: &std::path::Path, reports: &'a [PathBuf]) -> Option<&'a PathBuf> {
    let dir = std::fs::canonicalize(dir).ok()?;
    reports.iter().find(|r| std::fs::canonicalize(r).is_ok_and(|r| r.starts_with(&dir)))
}

/// The previous year's report as a report's output shows it, or why it could not be read.
type Shown = Result<Prev, String>;

/// What every worker shares.
struct Run<'a> {
    checker: &'a gouji::Checker,
    o: &'a Opts,
    aliases: &'a Aliases,
    color: bool,
    kept: Budget,
}

/// Bytes of documents the first pass may keep for the second (beyond it, a document is
/// imported again): PDF text extraction is the dearest step of a PDF, so a folder of a few
/// hundred PDFs extracts each once, and memory stays bounded whatever the folder.
const KEPT_BYTES: usize = 48 << 20;

/// What a kept document costs, roughly: its text and the fragments of its blocks.
fn weight(doc: &gouji::report::import::RawDocument) -> usize {
    doc.source.len() * 3 + doc.blocks.len() * 64
}

/// The budget of kept documents, shared by the workers.
struct Budget(std::sync::atomic::AtomicUsize);

impl Budget {
    /// Take `n` bytes when they are left.
    fn take(&self, n: usize) -> bool {
        use std::sync::atomic::Ordering::Relaxed;
        self.0.fetch_update(Relaxed, Relaxed, |left| left.checked_sub(n)).is_ok()
    }

    /// Give back what a kept document took, once it is used.
    fn give_back(&self, n: usize) {
        self.0.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
    }
}

impl Run<'_> {
    /// A file's sidecar identity (none: empty), or why it is wrong.
    fn sidecar(&self, e: &Entry) -> Result<Sidecar, String> {
        e.sidecar.as_deref().map_or(Ok(Sidecar::default()), Sidecar::load)
    }

    /// Pass 1: what a file says of its issuer and year.
    fn identify(&self, e: &Entry, bar: &Bar) -> Ident {
        let name = e.path.to_string_lossy();
        let read = match &e.error {
            Some(why) => Err(gouji::ImportError::Io { path: name.to_string(), why: why.clone() }),
            None => self.checker.identify_path(&e.path, self.o.form, &self.o.limits, Some(MAX_REPORT_SIZE)),
        };
        bar.inc();
        match (read, self.sidecar(e)) {
            (Ok(found), Ok(side)) => {
                let mut identity = Identity::new((found.issuer.as_deref(), found.year), &side, IdentityFrom::Sidecar, self.aliases);
                // The text's own issuer is read again with the report; only an override is kept.
                if identity.from == IdentityFrom::Report {
                    identity.issuer = None;
                }
                let doc = found.doc.filter(|d| self.kept.take(weight(d))).map(|d| (found.form, Box::new(d)));
                Ident { identity, form: found.form.name(), doc, error: None }
            }
            (Err(err), _) => Ident { identity: Identity::default(), form: "", doc: None, error: Some(Box::new(err)) },
            (Ok(_), Err(why)) => {
                Ident { identity: Identity::default(), form: "", doc: None, error: Some(Box::new(gouji::ImportError::Io { path: name.to_string(), why })) }
            }
        }
    }

    /// Pass 2, first step: read a report (its evaluation comes next), with the identity
    /// from its sidecar or the command line put in place of what its text says. A file
    /// the first pass could not read is not read again.
    fn read(&self, e: &Entry, ident: Option<Ident>, cli: &(Option<String>, Option<u16>)) -> Outcome {
        let mut ident = ident;
        if let Some(err) = ident.as_mut().and_then(|i| i.error.take()) {
            return Err(*err);
        }
        let kept = ident.as_mut().and_then(|i| i.doc.take());
        let mut r = match kept {
            Some((form, doc)) => {
                self.kept.give_back(weight(&doc));
                self.checker.assemble(&e.path, form, *doc)?
            }
            None => self.checker.read_path(&e.path, self.o.form, &self.o.limits, Some(MAX_REPORT_SIZE))?,
        };
        let identity = match ident {
            Some(i) => i.identity,
            None => {
                let side = match (&cli.0, cli.1) {
                    (None, None) => self.sidecar(e).map_err(|why| gouji::ImportError::Io { path: r.path.clone(), why })?,
                    (issuer, year) => Sidecar { issuer: issuer.clone(), year },
                };
                let from = if cli.0.is_some() || cli.1.is_some() { IdentityFrom::CommandLine } else { IdentityFrom::Sidecar };
                Identity::new((r.issuer.as_deref(), r.year), &side, from, self.aliases)
            }
        };
        if identity.from != IdentityFrom::Report {
            r.issuer = identity.issuer;
            r.year = identity.year;
        }
        Ok((r, gouji::Evaluation::default()))
    }

    /// Pass 2, second step: evaluate a report read, with its previous year (`near`: read
    /// already; else read from `prev`). The evaluation (`None` for a report not read), and
    /// the previous year's report as shown, or why it could not be read. A panic (a bug)
    /// is caught and said.
    fn evaluate(&self, o: &Outcome, near: Option<&Outcome>, prev: Option<&Path>) -> (Option<gouji::Evaluation>, Option<Shown>) {
        let Ok((r, _)) = o else { return (None, None) };
        let work = || {
            let fresh = match (near, prev) {
                (None, Some(p)) => {
                    Some(self.checker.read_path(p, self.o.form, &self.o.limits, Some(MAX_REPORT_SIZE)).map(|r| (r, gouji::Evaluation::default())))
                }
                _ => None,
            };
            let previous = near.or(fresh.as_ref());
            let before = previous.and_then(|p| p.as_ref().ok()).map(|(r, _)| r);
            let eval = self.checker.evaluate(gouji::Context { report: r, previous: before });
            let shown = prev.map(|p| match previous {
                Some(Err(err)) => Err(err.reason()),
                _ => Ok(Prev { path: p.to_string_lossy().into_owned(), year: before.and_then(|b| b.year) }),
            });
            (Some(eval), shown)
        };
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).unwrap_or_else(|panic| {
            let why = panic.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| panic.downcast_ref::<String>().cloned()).unwrap_or_default();
            (None, Some(Err(format!("检查时发生内部错误：{why}"))))
        })
    }

    /// Pass 2, last step: render a report checked (or why it could not be); a panic in
    /// the renderer (a bug) makes the file an unreadable one, with the reason.
    fn done(&self, e: &Entry, o: &Outcome, prev: Option<&Shown>, note: Option<String>) -> Done {
        let name = e.path.to_string_lossy().into_owned();
        let paired = prev.and_then(|p| p.as_ref().ok());
        let unreadable_prev = prev.and_then(|p| p.as_ref().err()).map(String::as_str);
        let work = || self.render(&name, o, paired, note.as_deref(), unreadable_prev);
        let mut done = match (o, std::panic::catch_unwind(std::panic::AssertUnwindSafe(work))) {
            (Ok((_, ev)), Ok((text, human))) => {
                let error = gouji::render::check::has_error_in(ev);
                Done { path: name, text, human, unreadable: None, error, paired: paired.is_some(), eval: None, row: None }
            }
            (Err(err), Ok((text, human))) => {
                Done { path: name, text, human, unreadable: Some((err.reason(), e.given)), error: false, paired: false, eval: None, row: None }
            }
            (_, Err(_)) => {
                let err = gouji::ImportError::Io { path: name.clone(), why: "显示检查结果时发生内部错误".into() };
                let why = err.reason();
                let (text, human) = self.render(&name, &Err(err), None, None, None);
                Done { path: name, text, human, unreadable: Some((why, e.given)), error: false, paired: false, eval: None, row: None }
            }
        };
        if self.o.format == CheckFormat::Html {
            done.row = Some(gouji::render::html::IndexRow::of(&done.path, o));
        }
        done
    }

    fn render(
        &self,
        name: &str,
        o: &Outcome,
        prev: Option<&Prev>,
        note: Option<&str>,
        unreadable_prev: Option<&str>,
    ) -> (String, Option<gouji::render::check::Human>) {
        use gouji::render::{check, csv};
        let show = check::Show { color: self.color, verbose: self.o.verbose };
        let text = match self.o.format {
            // Indented for its place in the batch's `"reports": [ … ]`.
            CheckFormat::Json => check::report_json_pretty_paired(name, o, prev, 2),
            CheckFormat::Jsonl => serde_json::to_string(&check::report_json_paired(name, o, prev)).unwrap_or_default() + "\n",
            CheckFormat::Csv => csv::to_text(&csv::rows(name, o, &[])),
            CheckFormat::Short => check::short(name, o, check::Show { color: false, ..show }),
            CheckFormat::Html => gouji::render::html::report_page(name, o, prev),
            CheckFormat::Human => {
                let mut h = check::human_parts(name, o, show);
                let mut lines = Vec::new();
                if let Some(p) = prev {
                    let year = p.year.map_or(String::new(), |y| format!("（{y} 年）"));
                    lines.push(format!("  上年报告：{}{year}", p.path));
                }
                if let Some(why) = unreadable_prev {
                    lines.push(format!("  上年报告无法读取：{why}"));
                }
                if let Some(n) = note {
                    lines.push(format!("  配对说明：{n}"));
                }
                h.after_heading(&lines);
                return (String::new(), Some(h));
            }
        };
        (text, None)
    }
}

/// Where a run's results go.
#[derive(Clone, Copy)]
struct Output<'a> {
    format: CheckFormat,
    /// `--format html`: the folder of the pages.
    dir: Option<&'a Path>,
    /// Nothing printed: every finding handed back.
    collect: bool,
    /// What `gouji review` is to be given to mark this run's findings (the same reports
    /// and review file, so the mark lands where the next check reads it).
    review_args: &'a str,
    /// The review file those marks go to.
    review_file: &'a Path,
}

/// Write the checked reports in order as their chunks arrive, then the batch's closing
/// part; whether a file named on the command line was unreadable, whether any report had
/// an error finding, how many reports were checked, and (collecting) the findings.
fn write_checked(
    chunks: std::sync::mpsc::Receiver<Vec<Done>>,
    to: Output<'_>,
    mut summary: gouji::render::summary::Summary,
    bar: &Bar,
) -> std::io::Result<(bool, bool, usize, Vec<Collected>)> {
    use std::io::Write;
    let format = to.format;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let (mut given_unreadable, mut error) = (false, false);
    let mut collected = Vec::new();
    let mut rows: Vec<gouji::render::html::IndexRow> = Vec::new();
    // Each rule's definition is shown once in the run, under its first finding.
    let mut seen = gouji::render::check::SeenRules::default();
    let human = |d: &Done, seen: &mut gouji::render::check::SeenRules| d.human.as_ref().map(|h| h.text(seen)).unwrap_or_default();
    match format {
        _ if to.collect => {}
        CheckFormat::Json => write!(out, "{{\n  \"reports\": [")?,
        CheckFormat::Csv => out.write_all(gouji::render::csv::header_text().as_bytes())?,
        _ => {}
    }
    for (n, done) in chunks.into_iter().enumerate() {
        for (i, mut d) in done.into_iter().enumerate() {
            error |= d.error;
            match (&d.unreadable, &d.eval) {
                (Some((why, given)), _) => {
                    given_unreadable |= given;
                    summary.add_unreadable(&d.path, why);
                }
                (None, Some(e)) => summary.add(e, d.paired),
                (None, None) => {}
            }
            if to.collect {
                if let Some(e) = d.eval.take() {
                    collected.extend(e.findings.into_iter().chain(e.dismissed).map(|f| (d.path.clone(), f)));
                }
                continue;
            }
            match format {
                CheckFormat::Json => {
                    let sep = if n == 0 && i == 0 { "\n" } else { ",\n" };
                    write!(out, "{sep}    {}", d.text)?;
                }
                CheckFormat::Html => {
                    let (Some(dir), Some(mut row)) = (to.dir, d.row.take()) else { continue };
                    if d.unreadable.is_none() {
                        row.page = Some(gouji::render::html::page_name(rows.len(), &row.path));
                        std::fs::write(dir.join(row.page.as_deref().unwrap_or_default()), d.text.as_bytes())?;
                    }
                    rows.push(row);
                }
                CheckFormat::Human if d.unreadable.is_some() => {
                    let text = human(&d, &mut seen);
                    bar.suspend(|| {
                        out.flush()?;
                        say(format_args!("{text}"));
                        std::io::Result::Ok(())
                    })?;
                }
                CheckFormat::Human => {
                    let text = human(&d, &mut seen);
                    // On the terminal the bar draws on, the bar steps aside for the text.
                    bar.suspend(|| {
                        out.write_all(text.as_bytes())?;
                        if bar.on_screen() {
                            out.flush()?;
                        }
                        std::io::Result::Ok(())
                    })?;
                }
                _ => out.write_all(d.text.as_bytes())?,
            }
        }
    }
    let never = summary.never_applied();
    let checked = summary.checked;
    match format {
        _ if to.collect => {}
        CheckFormat::Json => {
            let ids: Vec<&str> = never.iter().map(|(id, _)| *id).collect();
            let s = gouji::render::json::to_string_nested(&summary.json(), 1).unwrap_or_default();
            writeln!(out, "\n  ],\n  \"rules_never_applied\": {},\n  \"summary\": {s}\n}}", serde_json::to_string(&ids).unwrap_or_default())?;
        }
        CheckFormat::Human => {
            // One report: its own outcomes already say it; a batch names what never ran.
            if checked > 1 && !never.is_empty() {
                writeln!(out, "以下规则在这 {checked} 份报告中都不适用：")?;
                for (id, why) in &never {
                    writeln!(out, "  {id}：{why}")?;
                }
            }
            if checked + summary.unreadable.len() > 1 {
                out.write_all(summary.human().as_bytes())?;
            }
            if summary.with_errors + summary.warnings_only > 0 {
                let a = to.review_args;
                writeln!(out, "复核这些问题（记录在 {}）：", to.review_file.display())?;
                writeln!(out, "  确认：gouji review confirm 编号 {a}\n  忽略：gouji review dismiss 编号 {a} --comment \"原因\"")?;
            }
        }
        CheckFormat::Html => {
            if let Some(dir) = to.dir {
                let index = dir.join("index.html");
                std::fs::write(&index, gouji::render::html::index_page(&rows, &summary))?;
                writeln!(
                    out,
                    "网页报告：{}（{} 份报告，{} 个文件无法读取）",
                    index.display(),
                    rows.iter().filter(|r| r.page.is_some()).count(),
                    summary.unreadable.len()
                )?;
            }
        }
        CheckFormat::Jsonl | CheckFormat::Csv | CheckFormat::Short => {}
    }
    out.flush()?;
    Ok((given_unreadable, error, checked, collected))
}

/// The progress bar on stderr, when it is a terminal and `--quiet` was not given. When the
/// results go to the same terminal, the bar steps aside while they are written.
struct Bar(Option<indicatif::ProgressBar>, bool);

impl Bar {
    fn new(len: usize, quiet: bool) -> Bar {
        use std::io::IsTerminal;
        if quiet || len < 2 || !std::io::stderr().is_terminal() {
            return Bar(None, false);
        }
        let style = indicatif::ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} 份，已用 {elapsed}，约剩 {eta}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> ");
        let bar = indicatif::ProgressBar::with_draw_target(Some(len as u64), indicatif::ProgressDrawTarget::stderr()).with_style(style);
        Bar(Some(bar), std::io::stdout().is_terminal())
    }

    /// The results go to the terminal the bar is drawn on.
    fn on_screen(&self) -> bool {
        self.0.is_some() && self.1
    }

    /// Run `write` with the bar out of the way when it shares the terminal.
    fn suspend<T>(&self, write: impl FnOnce() -> T) -> T {
        match &self.0 {
            Some(b) if self.1 => b.suspend(write),
            _ => write(),
        }
    }

    fn phase(&self, what: &'static str) {
        if let Some(b) = &self.0 {
            b.set_prefix(what);
            b.set_position(0);
        }
    }

    fn inc(&self) {
        if let Some(b) = &self.0 {
            b.inc(1);
        }
    }

    fn finish(&self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}
