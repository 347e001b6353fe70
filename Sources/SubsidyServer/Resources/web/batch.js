// 批量核对: a finance clerk uploads a batch CSV (an export of dispatches) and a date, and sees before
// any payout what `subsidy batch` would pay: rows read = evaluated + rejected, the results by status
// and funding source, every rejected row with its line, column and reason (in the page's language),
// and the payouts, each with why it is paid (its checks in words, the clause, the evidence: the
// `explanations` part of `explain=true`), with the files to download whole. It posts the file to
// POST /v1/batch (a dry run: nothing is recorded; committing takes the API's bearer token) and splits
// the multipart answer.
// Uses app.js's `lang`, `t`, `$`, `element` and `problemText`; it keeps to its own section and tab.
"use strict";

// `byLang`: the answers for the input checked last (`source`, its date), by language, so switching
// back to a language already asked for shows its answer again instead of sending the file once more.
const batchState = { answer: null, urls: [], runs: 0, source: null, byLang: {} };
/// Rows shown in each table; the downloads hold them all.
const batchShown = 200;

/// The CSV text's records as arrays of cells (RFC 4180: quoted cells may hold commas, quotes and line breaks).
function batchCSV(text) {
  const rows = [];
  let row = [], cell = "", quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { row.push(cell); cell = ""; }
    else if (c === "\n") { row.push(cell.replace(/\r$/, "")); rows.push(row); row = []; cell = ""; }
    else cell += c;
  }
  if (cell !== "" || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

/// The named parts of a `multipart/mixed` answer (RFC 2046): name → its text.
function batchParts(contentType, body) {
  const match = /boundary=([^;]+)/.exec(contentType || "");
  if (!match) throw new Error(t("服务器的回答不是分段的", "the server's answer is not multipart"));
  const delimiter = "--" + match[1].trim();
  const parts = {};
  for (const chunk of body.split(delimiter).slice(1)) {
    if (chunk.startsWith("--")) break;
    const split = chunk.indexOf("\r\n\r\n");
    const name = /name="([^"]+)"/.exec(chunk.slice(0, split));
    // The CRLF before the next delimiter belongs to the delimiter.
    if (name) parts[name[1]] = chunk.slice(split + 4).replace(/\r\n$/, "");
  }
  return parts;
}

/// What the page would check now: the file chosen (or the text pasted) and the date. An answer had for
/// another source is not shown again when the language is switched.
function batchSource() {
  const file = $("batch-file").files[0];
  return (file ? `file:${file.name}|${file.size}|${file.lastModified}` : `text:${$("batch-text").value}`) + `|${$("batch-as-of").value}`;
}

async function batchRun() {
  const file = $("batch-file").files[0];
  const text = $("batch-text").value;
  const asOf = $("batch-as-of").value;
  $("batch-problem").hidden = true;
  if (!file && !text.trim()) { batchClear(); batchShowProblem(t("请先选择或粘贴批量 CSV。", "Choose or paste a batch CSV first.")); return; }
  if (!asOf) { batchClear(); batchShowProblem(t("请填写评估日。", "Give the date to judge on.")); return; }
  $("batch-status").textContent = t("核对中…", "Checking…");
  $("batch-run").disabled = true;
  const asked = lang, run = ++batchState.runs;
  const source = batchSource();
  try {
    const response = await fetch(`/v1/batch?as_of=${encodeURIComponent(asOf)}&lang=${asked}&explain=true`, {
      method: "POST", headers: { "Content-Type": "text/csv" }, body: file || text,
    });
    const body = await response.text();
    if (run !== batchState.runs) return;  // a later check was started meanwhile: its answer is the one shown
    $("batch-status").textContent = "";
    if (!response.ok) {
      let problem;
      try { problem = problemText(JSON.parse(body)); } catch { problem = `${response.status} ${body.slice(0, 300)}`; }
      batchShowProblem(problem);
      batchClear();
      return;
    }
    const parts = batchParts(response.headers.get("Content-Type"), body);
    const answer = { asOf, lang: asked, summary: JSON.parse(parts.summary), payouts: parts.payouts, rejects: parts.rejects,
      explanations: parts.explanations || "" };
    if (batchState.source !== source) batchState.byLang = {};
    batchState.source = source;
    batchState.byLang[asked] = answer;
    // The language may have been switched back meanwhile (to an answer already had): keep this one
    // for later, but show the page's language.
    if (asked !== lang) return;
    batchState.answer = answer;
    batchRender();
  } catch (error) {
    if (run !== batchState.runs) return;
    $("batch-status").textContent = "";
    batchShowProblem(t("无法完成核对：", "Could not check the batch: ") + error);
  } finally {
    if (run === batchState.runs) $("batch-run").disabled = false;
  }
}

function batchShowProblem(text) { $("batch-problem").textContent = text; $("batch-problem").hidden = false; }

function batchClear() {
  batchState.answer = null;
  batchState.source = null;
  batchState.byLang = {};
  for (const url of batchState.urls) URL.revokeObjectURL(url);
  batchState.urls = [];
  $("batch-result").replaceChildren();
}

/// A link that saves `text` as `name`: a CSV with a BOM, so Excel reads the Chinese as UTF-8; JSON
/// Lines without (a BOM would be part of its first value).
function batchDownload(text, name, label) {
  const csv = name.endsWith(".csv");
  const url = URL.createObjectURL(new Blob([(csv ? "\uFEFF" : "") + text], { type: csv ? "text/csv;charset=utf-8" : "application/jsonl;charset=utf-8" }));
  batchState.urls.push(url);
  return element("a", { href: url, download: name, class: "download", "data-file": name }, label);
}

/// A table of the CSV's first rows (its header as the head), the row count said above it. `why`, when
/// given, makes a last cell for row `n` (0 for the first after the header): a button that opens the
/// row's explanation below it.
function batchTable(id, text, heads, emptyText, why) {
  const rows = batchCSV(text);
  const header = rows.shift() || [];
  if (!rows.length) return element("p", { class: "meta", id }, emptyText);
  const head = element("tr", {}, ...header.map((h) => element("th", {}, heads[h] || h)), ...(why ? [element("th", {}, t("依据", "Why"))] : []));
  const body = rows.slice(0, batchShown).map((cells, n) => element("tr", {},
    ...cells.map((cell, i) => element("td", { "data-field": header[i], "data-value": cell, class: header[i] === "amount" || header[i] === "line" ? "num" : "" },
      header[i] === "status" ? batchStatus(cell) : cell)), ...(why ? [element("td", {}, why(n, header.length + 1))] : [])));
  const note = rows.length > batchShown
    ? element("p", { class: "meta" }, t(`共 ${rows.length} 行，这里显示前 ${batchShown} 行；下载可得全部。`,
      `${rows.length} rows; the first ${batchShown} are shown here, the download holds them all.`))
    : element("p", { class: "meta" }, t(`共 ${rows.length} 行。`, `${rows.length} rows.`));
  return element("div", {}, note, element("table", { class: "grid", id }, element("thead", {}, head), element("tbody", {}, ...body)));
}

/// The statuses' words as the engine says them (`Status.label` in Result.swift, which the CLI's
/// summary and the eval page use); a status it does not know is shown as its contract name.
const batchStatusWords = {
  payable: ["可发放", "payable"], pending: ["待生效", "pending"], missing_evidence: ["缺少材料", "missing evidence"],
  undetermined: ["金额未定", "undetermined"], ineligible: ["不符合条件", "ineligible"], already_paid: ["已发放", "already paid"],
  met: ["符合", "met"], not_met: ["不符合", "not met"], due: ["待履行", "due"], overdue: ["已逾期", "overdue"], not_applicable: ["不适用", "not applicable"],
};
const batchStatus = (s) => (batchStatusWords[s] ? t(...batchStatusWords[s]) : s);

/// The explanations of the first `batchShown` payouts rows (one JSON line per row, in order: `subsidy
/// batch --explain`); the download holds them all, unparsed.
function batchExplanations(text) {
  const lines = [];
  let start = 0;
  while (lines.length < batchShown && start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    if (end > start) lines.push(JSON.parse(text.slice(start, end)));
    start = end + 1;
  }
  return lines;
}

/// The button of payouts row `n`: it opens (and closes) a row below with the result's words, as the
/// eval tab says them: the clause, each check (✔ held, ✘ not), the evidence, why the amount is not known.
function batchWhy(explanations) {
  return (n, width) => {
    const explanation = explanations[n];
    if (!explanation || !explanation.result || !explanation.result.words) return "";
    const button = element("button", { type: "button", class: "why", "data-row": String(n + 1) }, t("为什么", "why"));
    button.addEventListener("click", () => {
      const row = button.closest("tr");
      const open = row.nextElementSibling;
      if (open && open.classList.contains("explanation")) { open.remove(); return; }
      row.after(element("tr", { class: "explanation" }, element("td", { colspan: String(width) }, batchWords(explanation.result))));
    });
    return button;
  };
}

function batchWords(r) {
  const w = r.words;
  const parts = [];
  if (w.clause_text) parts.push(element("p", { class: "clause" }, `${t("依据", "Clause")}：《${w.title || ""}》${r.clause} “${w.clause_text}”`));
  if (w.checks.length) parts.push(element("ul", { class: "checks" }, ...w.checks.map((c) => element("li", { "data-holds": String(c.holds) }, `${c.holds ? "✔" : "✘"} ${c.text}`))));
  if (w.evidence.length) {
    parts.push(element("p", { class: "evidence" }, t("材料：", "Evidence: "),
      ...w.evidence.map((e) => element("span", { "data-provided": String(e.provided) }, `${e.mark} ${e.label} `))));
  }
  if (w.undetermined) parts.push(element("p", { class: "meta" }, t("未定原因：", "Undetermined: ") + w.undetermined));
  return element("div", {}, ...parts);
}

function batchRender() {
  const answer = batchState.answer;
  if (!answer) return;
  for (const url of batchState.urls) URL.revokeObjectURL(url);
  batchState.urls = [];
  const s = answer.summary;
  const balance = t(`读取 ${s.rows_read} 行 = 已评估 ${s.rows_evaluated} + 已拒收 ${s.rows_rejected}`,
    `rows read ${s.rows_read} = evaluated ${s.rows_evaluated} + rejected ${s.rows_rejected}`)
    + (s.balances ? "" : t("（不平！）", " (DOES NOT ADD UP)"));
  const payments = (s.by_kind.find((k) => k.kind === "payments") || { statuses: [] }).statuses;
  const statusRows = payments.map((p) => element("tr", { "data-status": p.status },
    element("td", {}, batchStatus(p.status)), element("td", { class: "num" }, String(p.count)), element("td", { class: "num" }, p.amount || "")));
  const fundingRows = s.payable_by_funding.map((f) => element("tr", {},
    element("td", {}, f.funding || t("（未注明）", "(not stated)")), element("td", { class: "num" }, String(f.count)), element("td", { class: "num" }, f.amount)));
  const grid = (id, heads, rows) => element("table", { class: "grid", id },
    element("thead", {}, element("tr", {}, ...heads.map((h) => element("th", {}, h)))), element("tbody", {}, ...rows));
  const payoutHeads = { policy: t("政策", "policy"), rule: t("规则", "rule"), clause: t("条款", "clause"), subject: t("事项", "subject"),
    beneficiary: t("受益人", "beneficiary"), payee: t("付款对象", "payee"), amount: t("金额（元）", "amount (CNY)"), status: t("状态", "status"),
    eligible_from: t("可发放日", "eligible from"), expires: t("失效日", "expires"), missing_evidence: t("缺少材料", "missing evidence"),
    funding: t("资金来源", "funding") };
  const rejectHeads = { line: t("行号", "line"), column: t("列", "column"), value: t("值", "value"), reason: t("原因", "reason") };
  $("batch-result").replaceChildren(
    element("p", { id: "batch-balance", class: s.balances ? "meta" : "problem" }, balance),
    element("p", { class: "row" },
      batchDownload(answer.payouts, `payouts-${answer.asOf}.csv`, t("下载发放清单（payouts.csv）", "Download the payouts (payouts.csv)")), " ",
      batchDownload(answer.rejects, `rejects-${answer.asOf}.csv`, t("下载拒收清单（rejects.csv）", "Download the rejects (rejects.csv)")), " ",
      batchDownload(answer.explanations, `explanations-${answer.asOf}.jsonl`, t("下载发放依据（explanations.jsonl）", "Download the explanations (explanations.jsonl)"))),
    element("h3", {}, t("补贴按状态", "Subsidies by status")),
    grid("batch-by-status", [t("状态", "Status"), t("项数", "Count"), t("金额（元）", "Amount (CNY)")], statusRows),
    element("h3", {}, t("可发放按资金来源", "Payable by funding source")),
    grid("batch-by-funding", [t("资金来源", "Funding"), t("项数", "Count"), t("金额（元）", "Amount (CNY)")], fundingRows),
    element("h3", {}, t(`拒收的行（${s.rows_rejected}）`, `Rejected rows (${s.rows_rejected})`)),
    batchTable("batch-rejects", answer.rejects, rejectHeads, t("没有拒收的行。", "No row was rejected.")),
    element("h3", {}, t("发放清单（不含不符合的结果）", "Payouts (results that are not ineligible)")),
    batchTable("batch-payouts", answer.payouts, payoutHeads, t("没有结果。", "No result."), batchWhy(batchExplanations(answer.explanations))));
}

function batchShow() {
  for (const section of document.querySelectorAll("main > section")) section.hidden = section.id !== "batch-view";
  for (const tab of document.querySelectorAll("nav .tab")) tab.classList.toggle("active", tab.id === "tab-batch");
  // The language was switched on another tab: the reasons come worded from the server, so check again.
  if (batchState.answer && batchState.answer.lang !== lang) batchRelanguage();
}

$("tab-batch").addEventListener("click", batchShow);
// The other tabs show their own section; this one hides itself when they are chosen.
for (const tab of document.querySelectorAll("nav .tab")) {
  if (tab.id !== "tab-batch") tab.addEventListener("click", () => { $("batch-view").hidden = true; $("tab-batch").classList.remove("active"); });
}
$("batch-run").addEventListener("click", batchRun);
// One source at a time: pasting drops the file chosen, choosing a file empties the pasted text.
$("batch-text").addEventListener("input", () => { $("batch-file").value = ""; });
$("batch-file").addEventListener("change", () => { $("batch-text").value = ""; });
// app.js switches `lang` first; the reasons are worded by the server, so the batch is checked again.
$("lang").addEventListener("click", () => { if (batchState.answer && !$("batch-view").hidden) batchRelanguage(); });

/// The batch in the page's new language: the answer already had in it for the input on the page, else
/// a check. A check still running is for the other language: it is no longer the one shown.
function batchRelanguage() {
  const had = batchSource() === batchState.source ? batchState.byLang[lang] : null;
  if (!had) { batchRun(); return; }
  batchState.runs++;
  $("batch-status").textContent = "";
  $("batch-run").disabled = false;
  batchState.answer = had;
  batchRender();
}
