//! The command line's words, all in Chinese: clap's own headings, usage lines, help and
//! version flags are replaced (clap has no Chinese of its own).

use clap::{ArgAction, Parser, Subcommand, ValueEnum};
use gouji::report::Form;
use std::path::PathBuf;

/// The help page of every command: no English headings.
pub const HELP: &str = "{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}";

#[derive(Parser)]
#[command(
    name = "gouji",
    version,
    about = "政府信息公开工作年度报告勾稽关系检查",
    help_template = HELP,
    override_usage = "gouji <命令> [选项]",
    subcommand_help_heading = "命令",
    subcommand_value_name = "命令",
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// 显示帮助
    #[arg(short = 'h', long = "help", action = ArgAction::Help, global = true, help_heading = "选项")]
    help: Option<bool>,
    /// 显示版本
    #[arg(short = 'V', long = "version", action = ArgAction::Version, help_heading = "选项")]
    version: Option<bool>,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
}

/// `gouji check`'s output formats.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq, Debug)]
pub enum CheckFormat {
    Human,
    Json,
    Jsonl,
    Csv,
    Short,
    Html,
}

#[derive(Subcommand)]
pub enum Command {
    /// 用规则包检查报告的勾稽关系（默认运行内置官方规则包）
    #[command(
        help_template = HELP,
        override_usage = "gouji check 报告或目录… [--rules 规则包]… [--format human|json|jsonl|csv|short|html] [--output 目录] [--verbose] [--prev 上年报告] [--aliases 别名表] [--review 复核记录] [--all] [选项]"
    )]
    Check {
        /// 报告文件或目录（可多个；目录读取其中所有文件，含子目录，按名称排序）
        #[arg(required = true, value_name = "报告", help_heading = "参数")]
        reports: Vec<PathBuf>,
        /// 追加规则包（目录或 .gouji 文件），可多次使用
        #[arg(long = "rules", value_name = "规则包", help_heading = "选项")]
        rules: Vec<PathBuf>,
        /// 不运行内置官方规则包，只运行 --rules 指定的
        #[arg(long, help_heading = "选项")]
        no_default_rules: bool,
        /// 输出格式：human（默认，供人阅读）、json、jsonl（每行一份报告）、csv（每行一个问题，供电子表格）、short（每条结果一行：文件:行: 级别 规则 说明）或 html（网页报告，写入 --output 目录）
        #[arg(long, value_enum, default_value = "human", value_name = "格式", hide_default_value = true, hide_possible_values = true, help_heading = "选项")]
        format: CheckFormat,
        /// 显示每条结果涉及的全部单元格（默认只显示说明问题的单元格，其余为 0 的只计数）
        #[arg(short = 'v', long, help_heading = "选项")]
        verbose: bool,
        /// 指定来源形式（默认按内容识别）：pipe、html、docx、pdf、markdown、text
        #[arg(long, value_parser = parse_form, value_name = "形式", help_heading = "选项")]
        form: Option<Form>,
        /// 单份报告的读取上限，单位 MiB（默认 64）
        #[arg(long = "max-size", value_name = "MiB", value_parser = parse_mib, help_heading = "选项")]
        max_report_size: Option<u64>,
        /// 指定上年报告（只检查一份报告时）；批量检查时按发布机关和年度自动配对
        #[arg(long = "prev", value_name = "上年报告", help_heading = "选项")]
        prev: Option<PathBuf>,
        /// 发布机关别名表（TOML：[aliases] 下每行 "别名" = "正式名称"）；目录中的 gouji.toml 自动读取
        #[arg(long = "aliases", value_name = "别名表", help_heading = "选项")]
        aliases: Vec<PathBuf>,
        /// 指定发布机关（只检查一份报告时，报告中没有写明或写错时使用）
        #[arg(long = "issuer", value_name = "发布机关", help_heading = "选项")]
        issuer: Option<String>,
        /// 指定报告年度（只检查一份报告时）
        #[arg(long = "year", value_name = "年度", value_parser = clap::value_parser!(u16).range(2000..2100), help_heading = "选项")]
        year: Option<u16>,
        /// 不显示进度条
        #[arg(short = 'q', long = "quiet", help_heading = "选项")]
        quiet: bool,
        /// 网页报告的输出目录（--format html 时必需）：汇总页 index.html 和每份报告一页
        #[arg(long = "output", value_name = "目录", help_heading = "选项")]
        output: Option<PathBuf>,
        /// 复核记录文件（默认为报告目录中的 gouji.review.toml，存在时读取）
        #[arg(long = "review", value_name = "复核记录", help_heading = "选项")]
        review: Option<PathBuf>,
        /// 也显示复核记录中已忽略的问题
        #[arg(long = "all", help_heading = "选项")]
        all: bool,
    },
    /// 复核问题：确认、忽略（须写明原因）、撤销，或列出复核记录
    #[command(help_template = HELP, override_usage = "gouji review dismiss|confirm|reset|list …", subcommand_help_heading = "命令", subcommand_value_name = "命令")]
    Review {
        #[command(subcommand)]
        action: ReviewAction,
    },
    /// 运行规则包的用例：规则内的 case 与 cases/ 下的报告快照
    #[command(help_template = HELP, override_usage = "gouji test 规则包 [--accept]")]
    Test {
        /// 规则包目录
        #[arg(value_name = "规则包", help_heading = "参数")]
        pack: PathBuf,
        /// 把当前结果写为新的快照（有规则用例未通过时不写）
        #[arg(long, help_heading = "选项")]
        accept: bool,
    },
    /// 读取报告，输出规范模型（表格与单元格）
    #[command(help_template = HELP, override_usage = "gouji parse 报告 [--format human|json] [--form 形式] [--rules 规则包] [--max-size MiB]")]
    Parse {
        /// 报告文件
        #[arg(value_name = "报告", help_heading = "参数")]
        file: PathBuf,
        /// 输出格式：human（默认，供人阅读）或 json
        #[arg(long, value_enum, default_value = "human", value_name = "格式", hide_default_value = true, hide_possible_values = true, help_heading = "选项")]
        format: Format,
        /// 指定来源形式（默认按内容识别）：pipe、html、docx、pdf、markdown、text
        #[arg(long, value_parser = parse_form, value_name = "形式", help_heading = "选项")]
        form: Option<Form>,
        /// 按规则包自带的模板读取（如部门自有的表五）：规则包目录，可多次使用
        #[arg(long = "rules", value_name = "规则包", help_heading = "选项")]
        rules: Vec<PathBuf>,
        /// 单份报告的读取上限，单位 MiB（默认 64）
        #[arg(long = "max-size", value_name = "MiB", value_parser = parse_mib, help_heading = "选项")]
        max_report_size: Option<u64>,
    },
}

/// What a reviewer does, each over the reports the findings are in.
#[derive(Subcommand)]
pub enum ReviewAction {
    /// 忽略一条问题（误报或已知原因），其单元格的值不变时以后不再显示
    #[command(help_template = HELP, override_usage = "gouji review dismiss 编号 [报告或目录…] --comment 原因 [--by 复核人] [--review 复核记录]")]
    Dismiss {
        #[command(flatten)]
        mark: MarkArgs,
        /// 忽略的原因（必填）
        #[arg(long = "comment", value_name = "原因", required = true, help_heading = "选项")]
        comment: String,
    },
    /// 确认一条问题属实
    #[command(help_template = HELP, override_usage = "gouji review confirm 编号 [报告或目录…] [--comment 说明] [--by 复核人] [--review 复核记录]")]
    Confirm {
        #[command(flatten)]
        mark: MarkArgs,
        /// 说明
        #[arg(long = "comment", value_name = "说明", default_value = "", hide_default_value = true, help_heading = "选项")]
        comment: String,
    },
    /// 撤销一条问题的复核（此后它标为“新”）
    #[command(help_template = HELP, override_usage = "gouji review reset 编号 [报告或目录] [--review 复核记录]")]
    Reset {
        /// 问题编号（检查结果中“编号”后的 16 位，或其前至少 6 位）
        #[arg(value_name = "编号", help_heading = "参数")]
        id: String,
        /// 复核记录所在的报告目录（默认当前目录）
        #[arg(value_name = "报告或目录", help_heading = "参数")]
        reports: Vec<PathBuf>,
        /// 复核记录文件（默认为报告目录中的 gouji.review.toml）
        #[arg(long = "review", value_name = "复核记录", help_heading = "选项")]
        review: Option<PathBuf>,
    },
    /// 列出复核记录，以及每条在本次检查中的情况（仍然有效、待复核或已不再出现）
    #[command(help_template = HELP, override_usage = "gouji review list [报告或目录…] [--review 复核记录] [--rules 规则包]…")]
    List {
        #[command(flatten)]
        run: RunArgs,
    },
}

/// The reports a review is over and how to check them.
#[derive(clap::Args)]
pub struct RunArgs {
    /// 报告文件或目录（默认当前目录）
    #[arg(value_name = "报告或目录", help_heading = "参数")]
    pub reports: Vec<PathBuf>,
    /// 复核记录文件（默认为报告目录中的 gouji.review.toml）
    #[arg(long = "review", value_name = "复核记录", help_heading = "选项")]
    pub review: Option<PathBuf>,
    /// 检查时追加的规则包（与 gouji check 的 --rules 相同）
    #[arg(long = "rules", value_name = "规则包", help_heading = "选项")]
    pub rules: Vec<PathBuf>,
    /// 不运行内置官方规则包
    #[arg(long, help_heading = "选项")]
    pub no_default_rules: bool,
    /// 发布机关别名表（与 gouji check 相同）
    #[arg(long = "aliases", value_name = "别名表", help_heading = "选项")]
    pub aliases: Vec<PathBuf>,
}

/// One finding to mark.
#[derive(clap::Args)]
pub struct MarkArgs {
    /// 问题编号（检查结果中“编号”后的 16 位，或其前至少 6 位）
    #[arg(value_name = "编号", help_heading = "参数")]
    pub id: String,
    #[command(flatten)]
    pub run: RunArgs,
    /// 复核人（默认为当前登录用户名）
    #[arg(long = "by", value_name = "复核人", help_heading = "选项")]
    pub by: Option<String>,
}

/// The option that raises the report byte limit, named in the too-large message.
pub const MAX_REPORT_SIZE: &str = "--max-size";

/// `--max-size 128` → bytes.
fn parse_mib(s: &str) -> Result<u64, String> {
    match s.trim().parse::<u64>() {
        Ok(n) if (1..=1 << 20).contains(&n) => Ok(n << 20),
        _ => Err("应为 1 到 1048576 之间的整数（MiB）".to_string()),
    }
}

fn parse_form(s: &str) -> Result<Form, String> {
    Form::from_name(s).ok_or_else(|| {
        let all: Vec<&str> = Form::ALL.iter().map(|f| f.name()).collect();
        format!("未知的来源形式“{s}”，可用：{}", all.join("、"))
    })
}

/// A command-line mistake in Chinese: clap's error kinds, its words left out.
/// `command`: the first word given (`review`), whose own commands a mistake may be about.
pub fn error_text(e: &clap::Error, command: Option<&str>) -> String {
    use clap::error::{ContextKind as C, ErrorKind as E};
    let ctx = |k: C| e.get(k).map(|v| v.to_string()).unwrap_or_default();
    let list = |k: C| match e.get(k) {
        Some(clap::error::ContextValue::Strings(v)) => v.join("、"),
        Some(v) => v.to_string(),
        None => String::new(),
    };
    let what = match e.kind() {
        E::MissingRequiredArgument => format!("缺少参数：{}", list(C::InvalidArg)),
        E::MissingSubcommand | E::DisplayHelpOnMissingArgumentOrSubcommand if command == Some("review") => {
            "缺少命令：gouji review dismiss、confirm、reset 或 list".to_string()
        }
        E::MissingSubcommand | E::DisplayHelpOnMissingArgumentOrSubcommand => "缺少命令：check、review、test 或 parse".to_string(),
        E::InvalidSubcommand if command == Some("review") => {
            format!("未知的命令“gouji review {}”，可用：dismiss、confirm、reset、list", ctx(C::InvalidSubcommand))
        }
        E::InvalidSubcommand => format!("未知的命令“{}”，可用：check、review、test、parse", ctx(C::InvalidSubcommand)),
        E::UnknownArgument if !ctx(C::InvalidArg).starts_with('-') => format!("多余的参数“{}”", ctx(C::InvalidArg)),
        E::UnknownArgument => format!("未知的选项“{}”", ctx(C::InvalidArg)),
        E::InvalidValue if ctx(C::InvalidValue).is_empty() => format!("{} 缺少值，可用：{}", ctx(C::InvalidArg), list(C::ValidValue)),
        E::InvalidValue => format!("{} 的值“{}”无效，可用：{}", ctx(C::InvalidArg), ctx(C::InvalidValue), list(C::ValidValue)),
        E::ValueValidation => {
            let why = std::error::Error::source(e).map(|s| s.to_string()).unwrap_or_default();
            format!("{} 的值“{}”无效：{why}", ctx(C::InvalidArg), ctx(C::InvalidValue))
        }
        E::ArgumentConflict => format!("选项 {} 重复或与其他选项冲突", ctx(C::InvalidArg)),
        E::TooManyValues | E::WrongNumberOfValues | E::TooFewValues => format!("{} 的值个数不对", ctx(C::InvalidArg)),
        E::NoEquals => format!("{} 的用法不对", ctx(C::InvalidArg)),
        _ => "命令行参数有误".to_string(),
    };
    // Placeholders like `<报告>` and `--format <格式>` read fine; say where to look.
    format!("错误：{what}\n用 gouji --help 或 gouji <命令> --help 查看用法\n")
}
