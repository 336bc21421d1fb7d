// Drives Debian's chromium (playwright-core, no browser download) over gouji's HTML
// findings report and prints, as JSON, what a person would see: which cells are marked
// and how, where a click on a finding lands, what the summary's filter and sort leave.
// tests/html_browser.rs writes the plan, runs this, and asserts on the answer.
//
//   node drive.mjs PLAN.json   →  stdout: {"pages": [...], "index": {...}}
import { chromium } from "playwright-core";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const plan = JSON.parse(readFileSync(process.argv[2], "utf8"));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  // The closed network here refuses chromium's own background connections.
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
// A self-contained page fetches nothing: any request but the file itself is counted.
const fetched = [];
context.on("request", (r) => { if (!r.url().startsWith("file://")) { fetched.push(r.url()); } });

async function inViewport(page, id) {
  return page.evaluate((id) => {
    const e = document.getElementById(id);
    if (!e) { return false; }
    const r = e.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0;
  }, id);
}

const answer = { pages: [], index: null, fetched };
for (const p of plan.pages) {
  const page = await context.newPage();
  await page.goto(p.url);
  const marked = await page.$$eval("td.cell-failing, td.cell-involved", (tds) => tds.map((td) => {
    const s = getComputedStyle(td);
    return {
      id: td.id,
      failing: td.classList.contains("cell-failing"),
      severity: td.classList.contains("error") ? "error" : td.classList.contains("warning") ? "warning" : "",
      text: td.innerText.replace(/\s+/g, ""),
      marker: (td.querySelector(".marker") || {}).textContent || "",
      background: s.backgroundColor,
      outline: s.outlineStyle + " " + s.outlineColor,
      findings: (td.getAttribute("data-findings") || "").split(" ").filter(Boolean),
      visible: td.offsetParent !== null,
    };
  }));
  const findings = await page.$$eval("article.finding", (as) => as.map((a) => ({
    id: a.id,
    heading: a.querySelector("h3").innerText,
    cells: (a.getAttribute("data-cells") || "").split(" ").filter(Boolean),
    links: Array.from(a.querySelectorAll("a.cell-link")).map((l) => l.getAttribute("href").slice(1)),
    prose: Array.from(a.querySelectorAll("blockquote.prose")).map((b) => b.innerText),
  })));
  await page.screenshot({ path: join(plan.out, p.name + ".png"), fullPage: true });
  // A click on each finding's first cell link: the page scrolls to the cell, which is marked.
  const clicks = [];
  for (const f of findings) {
    if (f.links.length === 0) { continue; }
    await page.evaluate(() => window.scrollTo(0, 0));
    const before = await inViewport(page, f.links[0]);
    await page.locator(`[id="${f.id}"] a.cell-link`).first().click();
    await page.waitForTimeout(100);
    clicks.push({
      finding: f.id,
      cell: f.links[0],
      before,
      after: await inViewport(page, f.links[0]),
      focused: await page.evaluate((id) => document.getElementById(id).classList.contains("focus"), f.links[0]),
      hash: await page.evaluate(() => location.hash),
    });
  }
  if (clicks.length > 0) {
    await page.screenshot({ path: join(plan.out, p.name + "-clicked.png") });
  }
  // Printed as A4: the PDF a person gets from the print dialog.
  await page.emulateMedia({ media: "print" });
  const printHidden = await page.evaluate(() => { const n = document.querySelector("nav"); return !n || getComputedStyle(n).display === "none"; });
  await page.pdf({ path: join(plan.out, p.name + ".pdf"), format: "A4" });
  answer.pages.push({ name: p.name, title: await page.title(), marked, findings, clicks, printHidden });
  await page.close();
}

if (plan.index) {
  const page = await context.newPage();
  await page.goto(plan.index.url);
  const visible = () => page.$$eval("#reports tbody tr", (rs) => rs.filter((r) => !r.hidden).map((r) => r.cells[0].innerText));
  const all = await visible();
  const unreadable = await page.$$eval("#unreadable li", (ls) => ls.map((l) => l.innerText));
  await page.screenshot({ path: join(plan.out, "index.png"), fullPage: true });
  const filtered = {};
  for (const [select, value] of plan.index.filters) {
    await page.selectOption(select, value);
    filtered[`${select}=${value}`] = await visible();
    await page.selectOption(select, "");
  }
  await page.fill("#f-text", plan.index.search || "");
  const searched = await visible();
  await page.fill("#f-text", "");
  if (plan.index.filters.length > 0) {
    const [select, value] = plan.index.filters[0];
    await page.selectOption(select, value);
    await page.screenshot({ path: join(plan.out, "index-filtered.png"), fullPage: true });
    await page.selectOption(select, "");
  }
  // Sort by the 错误 column, twice (descending after ascending).
  const errorsCol = () => page.$$eval("#reports tbody tr", (rs) => rs.map((r) => r.cells[4].innerText));
  await page.click("#reports thead th:nth-child(5)");
  const ascending = await errorsCol();
  await page.click("#reports thead th:nth-child(5)");
  const descending = await errorsCol();
  const firstLink = await page.$eval("#reports tbody tr a", (a) => a.getAttribute("href")).catch(() => null);
  answer.index = { all, unreadable, filtered, searched, ascending, descending, firstLink, count: await page.innerText("#f-count") };
  await page.close();
}

await browser.close();
process.stdout.write(JSON.stringify(answer, null, 1) + "\n");
