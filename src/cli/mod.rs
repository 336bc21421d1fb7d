//! The command line: a thin user of the library. Exit codes: 0 ok, 1 error finding,
//! 2 could not run.

use crate::report::{self, Form};
use clap::{Parser, Subcommand, ValueEnum};
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
    /// 读取报告，输出规范模型（表格与单元格）
    Parse {
        /// 报告文件
        file: String,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// 指定来源形式（默认按内容识别）
        #[arg(long, value_enum)]
        form: Option<Form>,
    },
}

/// Run the CLI; errors are printed as miette diagnostics.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    match cli.command {
        Command::Parse { file, format, form } => parse(&file, format, form),
    }
}

fn parse(file: &str, format: Format, form: Option<Form>) -> ExitCode {
    let report = match report::read_file(file, form) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{:?}", miette::Report::new(e));
            return ExitCode::from(2);
        }
    };
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&crate::render::parse::json(&report)).unwrap_or_default()),
        Format::Human => print!("{}", crate::render::parse::human(&report)),
    }
    ExitCode::SUCCESS
}
