//! Generated annual reports (2019 template) with varying, consistent numbers, in the
//! seed's pipe form, markdown or HTML: shared by `tools/generate.rs` (files at scale)
//! and `benches/throughput.rs` (in memory).

use std::fmt::Write as _;

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

const COLS: [&str; 7] = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"];
const T4: [&str; 5] = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];

/// A printed 表二 part: its heading, column heads, rows of label and values.
type Part = (String, [&'static str; 3], Vec<(&'static str, Vec<String>)>);

/// One report's values.
pub struct Data {
    /// Which issuer (`无锡市某某区第N局`) and which report year (2019 template years).
    issuer: u64,
    year: u16,
    /// 表二 as printed: (heading, column heads, rows of label and values).
    t2: Vec<Part>,
    t3: Vec<[u64; 6]>,
    /// 行政复议, 直接起诉, 复议后起诉: four parts and the printed total.
    t4: [[u64; 5]; 3],
}

impl Data {
    #[allow(clippy::needless_range_loop)] // columns are filled one at a time, across rows
    /// Report `seed`; with `plant`, 行政复议's printed 总计 is one more than its parts.
    pub fn new(seed: u64, plant: bool) -> Data {
        Data::of(seed, plant, seed % 97, 2020, None)
    }

    /// Report `seed` of `issuer` for `year`; `before`: the issuer's previous year, so the pair
    /// keeps X1 (上年结转 = 上年的结转下年度) and X3 (上一年项目数量 = 上年的上一年项目数量 + 本年增/减).
    pub fn of(seed: u64, plant: bool, issuer: u64, year: u16, before: Option<&Data>) -> Data {
        let carried_over = before.map(Data::carried_forward);
        let next_items = |label: &str| {
            let row = before.and_then(|b| b.t2.iter().flat_map(|p| &p.2).find(|(l, _)| *l == label))?;
            Some((row.1[0].parse::<i64>().ok()? + row.1[1].parse::<i64>().ok()?).to_string())
        };
        let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
        let mut t3 = vec![[0u64; 6]; T3.len()];
        for col in 0..6 {
            let busy = if col == 0 { 40 } else { 3 };
            for (r, (_, _, leaf)) in T3.iter().enumerate() {
                if *leaf && rng.below(3) == 0 {
                    t3[r][col] = rng.below(busy);
                }
            }
            let processed: u64 = T3.iter().enumerate().filter(|(_, x)| x.2).map(|(r, _)| t3[r][col]).sum();
            let carried_over = carried_over.map_or_else(|| rng.below(3), |c| c[col]);
            // 本年新收 cannot be negative: enough is carried forward to cover what came in.
            let carried_forward = rng.below(3).max(carried_over.saturating_sub(processed));
            t3[21][col] = processed;
            t3[22][col] = carried_forward;
            t3[0][col] = (processed + carried_forward).saturating_sub(carried_over);
            t3[1][col] = processed + carried_forward - t3[0][col];
        }
        let new3 = ["本年新制作数量", "本年新公开数量", "对外公开总数量"];
        let item3 = ["上一年项目数量", "本年增/减", "处理决定数量"];
        let mut t2 = vec![("第二十条第(一)项".to_string(), new3, vec![])];
        for label in ["规章", "规范性文件"] {
            t2[0].2.push((label, vec![rng.below(5).to_string(), rng.below(5).to_string(), rng.below(50).to_string()]));
        }
        for (cap, rows) in [("(五)", ["行政许可", "其他对外管理服务事项"]), ("(六)", ["行政处罚", "行政强制"])] {
            let rows = rows
                .iter()
                .map(|l| {
                    let items = rng.below(80).to_string();
                    let items = next_items(l).unwrap_or(items);
                    // 本年增/减 never takes the count below 0.
                    let change = (rng.below(7) as i64 - 3).max(-items.parse::<i64>().unwrap_or(0));
                    (*l, vec![items, change.to_string(), rng.below(6000).to_string()])
                })
                .collect();
            t2.push((format!("第二十条第{cap}项"), item3, rows));
        }
        t2.push((
            "第二十条第(八)项".into(),
            ["上一年项目数量", "本年增/减", ""],
            vec![(
                "行政事业性收费",
                vec![
                    {
                        let fees = rng.below(3).to_string();
                        next_items("行政事业性收费").unwrap_or(fees)
                    },
                    "0".into(),
                ],
            )],
        ));
        let amount = format!("{}.{:04}万元", rng.below(3000), rng.below(10000));
        t2.push(("第二十条第(九)项".into(), ["采购项目数量", "采购总金额", ""], vec![("政府集中采购", vec![rng.below(60).to_string(), amount])]));
        let mut t4 = [[0u64; 5]; 3];
        for block in &mut t4 {
            for v in &mut block[..4] {
                *v = rng.below(3);
            }
            block[4] = block[..4].iter().sum();
        }
        if plant {
            t4[0][4] += 1;
        }
        Data { issuer, year, t2, t3, t4 }
    }

    /// 结转下年度 per applicant column: the next year's 上年结转.
    pub fn carried_forward(&self) -> [u64; 6] {
        self.t3[22]
    }

    fn title(&self) -> String {
        format!("无锡市某某区第{}局{}年政府信息公开工作年度报告", self.issuer, self.year)
    }

    fn intro(&self) -> String {
        format!("{}年,本局依法做好政府信息公开工作,全年收到依申请公开信息{}件。", self.year, self.t3[0].iter().sum::<u64>())
    }

    /// The seed's form: one cell per line, `|` separators (as `benches/throughput.rs`).
    pub fn pipe(&self) -> String {
        let mut s = String::with_capacity(12 * 1024);
        let mut line = |t: &str| {
            s.push_str(t);
            s.push('\n');
        };
        line(&self.title());
        // Published on time: by 1月31日 of the next year (a department).
        line(&format!("发布时间:{}-01-29 13:17", self.year + 1));
        line("一、总体情况");
        line(&self.intro());
        line("二、主动公开政府信息情况");
        for (i, (head, cols, rows)) in self.t2.iter().enumerate() {
            line(&format!("{head} |\n||||\n信息内容 |"));
            // The seed prints `本年新` twice (the header text after `<br>` is lost).
            let cols: Vec<&str> = if i == 0 { vec!["本年新", "本年新", cols[2]] } else { cols.iter().copied().filter(|c| !c.is_empty()).collect() };
            for c in &cols {
                line(&format!("{c} |"));
            }
            line(if cols.len() == 3 { "|" } else { "||" });
            for (label, values) in rows {
                line(&format!("{label} |"));
                for v in values {
                    line(&format!("{v} |"));
                }
                line(if values.len() == 3 { "|" } else { "||" });
            }
        }
        line("三、收到和处理政府信息公开申请情况");
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
            line(h);
        }
        for (r, (group, label, _)) in T3.iter().enumerate() {
            if !group.is_empty() {
                line(&format!("{group} |"));
            }
            line(&format!("{label} |"));
            for v in self.t3[r] {
                line(&format!("{v} |"));
            }
            line(&format!("{} |", self.t3[r].iter().sum::<u64>()));
            if r + 1 < T3.len() {
                line(if group.is_empty() { "||" } else { "|" });
            }
        }
        line("四、政府信息公开行政复议、行政诉讼情况");
        let names: Vec<String> = T4.iter().map(|n| format!("{n} |")).collect();
        for h in ["行政复议 |", "行政诉讼 |", "|||||||||||||"] {
            line(h);
        }
        for h in &names {
            line(h);
        }
        for h in ["未经复议直接起诉 |", "复议后起诉 |", "||||||||"] {
            line(h);
        }
        for h in names.iter().chain(&names) {
            line(h);
        }
        line("|||||");
        for block in &self.t4 {
            for v in block {
                line(&format!("{v} |"));
            }
        }
        line("五、存在的主要问题及改进情况");
        line("公开内容还不够完善全面,下一步将增强主动公开意识。");
        line("六、其他需要报告的事项");
        line("无。");
        s
    }

    /// The tables as grids of cells (表二, 表三, 表四), shared by markdown and HTML.
    fn grids(&self) -> [Vec<Vec<String>>; 3] {
        let mut t2 = Vec::new();
        for (head, cols, rows) in &self.t2 {
            t2.push(vec![head.clone(), String::new(), String::new(), String::new()]);
            t2.push(["信息内容"].iter().chain(cols).map(|c| c.to_string()).collect());
            for (label, values) in rows {
                let mut row = vec![label.to_string()];
                row.extend(values.iter().cloned());
                row.resize(4, String::new());
                t2.push(row);
            }
        }
        let mut t3 =
            vec![["(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)", "", ""].iter().chain(&COLS).map(|c| c.to_string()).collect::<Vec<_>>()];
        let mut group = "";
        for (r, (g, label, leaf)) in T3.iter().enumerate() {
            let mut row = if !*leaf && r != 21 {
                vec![label.to_string(), String::new(), String::new()]
            } else {
                if !g.is_empty() {
                    group = g;
                }
                let heading = if *g == "三、本年度办理结果" { g.to_string() } else { String::new() };
                match (group, label.starts_with(|c: char| c.is_ascii_digit())) {
                    (_, true) => vec![String::new(), if g.is_empty() { String::new() } else { g.to_string() }, label.to_string()],
                    _ => vec![heading, label.to_string(), String::new()],
                }
            };
            row.extend(self.t3[r].iter().map(u64::to_string));
            row.push(self.t3[r].iter().sum::<u64>().to_string());
            t3.push(row);
        }
        let mut head = vec![String::new(); 15];
        head[0] = "行政复议".into();
        head[5] = "行政诉讼".into();
        let t4 = vec![head, T4.iter().cycle().take(15).map(|c| c.to_string()).collect(), self.t4.iter().flatten().map(u64::to_string).collect()];
        [t2, t3, t4]
    }

    fn sections(&self, out: &mut String, para: &dyn Fn(&mut String, &str), table: &dyn Fn(&mut String, &[Vec<String>])) {
        let [t2, t3, t4] = self.grids();
        para(out, "一、总体情况");
        para(out, &self.intro());
        para(out, "二、主动公开政府信息情况");
        table(out, &t2);
        para(out, "三、收到和处理政府信息公开申请情况");
        table(out, &t3);
        para(out, "四、政府信息公开行政复议、行政诉讼情况");
        table(out, &t4);
        para(out, "五、存在的主要问题及改进情况");
        para(out, "公开内容还不够完善全面,下一步将增强主动公开意识。");
        para(out, "六、其他需要报告的事项");
        para(out, "无。");
    }

    pub fn markdown(&self) -> String {
        let mut s = String::with_capacity(12 * 1024);
        let _ = writeln!(s, "**{}**\n\n发布时间：{}-01-29\n", self.title(), self.year + 1);
        let para = |s: &mut String, t: &str| {
            let _ = writeln!(s, "{t}\n");
        };
        let table = |s: &mut String, rows: &[Vec<String>]| {
            for (i, row) in rows.iter().enumerate() {
                let _ = writeln!(s, "| {} |", row.join(" | "));
                if i == 0 {
                    let _ = writeln!(s, "|{}", " --- |".repeat(row.len()));
                }
            }
            s.push('\n');
        };
        self.sections(&mut s, &para, &table);
        s
    }

    pub fn html(&self) -> String {
        let mut s = String::with_capacity(16 * 1024);
        let _ = writeln!(
            s,
            "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{0}</title></head><body>\n<h1>{0}</h1>\n<p>发布时间：{1}-01-29</p>",
            self.title(),
            self.year + 1
        );
        let para = |s: &mut String, t: &str| {
            let _ = writeln!(s, "<p>{t}</p>");
        };
        let table = |s: &mut String, rows: &[Vec<String>]| {
            s.push_str("<table>\n");
            for row in rows {
                s.push_str("<tr>");
                for c in row {
                    let _ = write!(s, "<td>{c}</td>");
                }
                s.push_str("</tr>\n");
            }
            s.push_str("</table>\n");
        };
        self.sections(&mut s, &para, &table);
        s.push_str("</body></html>\n");
        s
    }
}
