// 政策比较: upload or paste a cohort, pick policies, see the totals chart and the gains and losses.
// It sends the cohort's text to POST /v1/compare (the report of `subsidy compare --format json`) and
// draws it: plain SVG bars and tables, no library. Uses app.js's `lang`, `t`, `$`, `element`,
// `problemText`, `fen` and `yuan`; it keeps to its own section and tab otherwise.
"use strict";

const compareState = { report: null, policiesLoaded: false };

function compareFormat(name, text) {
  const lower = (name || "").toLowerCase();
  if (lower.endsWith(".csv")) return "csv";
  if (lower.endsWith(".json")) return "json";
  if (lower.endsWith(".yaml") || lower.endsWith(".yml")) return "yaml";
  const start = text.trimStart();
  if (start.startsWith("{")) return "json";
  // A batch CSV's header names its columns, `dispatch_id` among them; anything else is YAML.
  const first = start.split("\n", 1)[0].replace(/^\uFEFF/, "");
  return first.split(",").map((cell) => cell.trim().replace(/^"|"$/g, "")).includes("dispatch_id") ? "csv" : "yaml";
}

async function compareLoadPolicies() {
  if (compareState.policiesLoaded) return;
  const response = await fetch("/v1/policies");
  const body = await response.json();
  $("compare-policies").replaceChildren(...body.policies.map((p, i) => {
    const box = element("input", { type: "checkbox", value: p.id, "data-policy": p.id });
    if (i < 2) box.checked = true;
    return element("label", { class: "inline choice" }, box, ` ${p.id} 《${p.title}》`);
  }));
  compareState.policiesLoaded = true;
}

async function compareRun() {
  const text = $("compare-cohort").value;
  const policies = [...document.querySelectorAll("#compare-policies input:checked")].map((box) => box.value);
  const problem = $("compare-problem");
  problem.hidden = true;
  if (!text.trim()) { compareShowProblem(t("请先上传或粘贴人员名单。", "Upload or paste a cohort first.")); return; }
  if (policies.length < 2) { compareShowProblem(t("请至少选择两项政策。", "Pick two or more policies.")); return; }
  const request = { policies, cohort: text, format: compareFormat($("compare-file").dataset.name, text) };
  if ($("compare-as-of").value) request.as_of = $("compare-as-of").value;
  $("compare-status").textContent = t("比较中…", "Comparing…");
  try {
    const response = await fetch("/v1/compare?lang=" + lang, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(request),
    });
    const body = await response.json();
    $("compare-status").textContent = "";
    if (!response.ok) { compareShowProblem(problemText(body)); compareClear(); return; }
    compareState.report = body;
    compareRender();
  } catch (error) {
    $("compare-status").textContent = "";
    compareShowProblem(t("无法连接服务器：", "Cannot reach the server: ") + error);
  }
}

function compareShowProblem(text) { $("compare-problem").textContent = text; $("compare-problem").hidden = false; }
function compareClear() { compareState.report = null; $("compare-result").replaceChildren(); }

function compareRender() {
  const report = compareState.report;
  if (!report) return;
  $("compare-result").replaceChildren(
    element("p", { class: "meta", id: "compare-localisation" }, report.localisation),
    element("h3", {}, t(`合计（评估日 ${report.as_of}，${report.beneficiaries.length} 名受益人）`,
      `Totals (as of ${report.as_of}, ${report.beneficiaries.length} beneficiaries)`)),
    compareChart(report),
    compareTotalsTable(report),
    ...report.changes.map(compareChanges));
}

/// One group of bars per policy: payable (solid) and awaiting (pending or missing evidence, light),
/// scaled to the largest amount. Amounts are exact decimal strings; only the bar lengths are scaled.
function compareChart(report) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = (tag, attributes, text) => {
    const node = document.createElementNS(ns, tag);
    for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const rowHeight = 44, labelWidth = 170, barWidth = 460, width = labelWidth + barWidth + 150;
  const max = report.totals.reduce((m, total) => {
    const both = [fen(total.payable), fen(total.awaiting)];
    return both.reduce((a, b) => (b > a ? b : a), m);
  }, 1n);
  const chart = svg("svg", { id: "compare-chart", role: "img", width: String(width), height: String(rowHeight * report.totals.length + 30),
    "aria-label": t("各政策可发放与待发放金额", "Payable and awaiting amounts by policy") });
  report.totals.forEach((total, i) => {
    const y = 10 + i * rowHeight;
    chart.append(svg("text", { x: "0", y: String(y + 16), class: "chart-label" }, total.policy));
    [["payable", total.payable, "bar-payable"], ["awaiting", total.awaiting, "bar-awaiting"]].forEach(([kind, amount, cls], j) => {
      const length = Number((fen(amount) * BigInt(barWidth)) / max);
      const bar = svg("rect", { x: String(labelWidth), y: String(y + j * 18), width: String(Math.max(length, 1)), height: "15",
        class: cls, "data-policy": total.policy, "data-kind": kind, "data-amount": amount });
      bar.append(svg("title", {}, `${total.policy} ${kind === "payable" ? t("可发放", "payable") : t("待发放", "awaiting")} ${amount}`));
      chart.append(bar, svg("text", { x: String(labelWidth + Math.max(length, 1) + 6), y: String(y + j * 18 + 12), class: "chart-value" },
        kind === "payable" ? t(`可发放 ${amount} 元`, `payable CNY ${amount}`) : t(`待发放 ${amount} 元`, `awaiting CNY ${amount}`)));
    });
  });
  return element("figure", { class: "chart" }, chart);
}

function compareTotalsTable(report) {
  const head = element("tr", {}, ...[t("政策", "Policy"), t("可发放（元）", "Payable (CNY)"), t("笔数", "Count"),
    t("待发放（元）", "Awaiting (CNY)"), t("笔数", "Count"), t("金额未定", "Undetermined")].map((h) => element("th", {}, h)));
  const rows = report.totals.map((total) => element("tr", { "data-policy": total.policy },
    element("td", {}, total.policy), element("td", { class: "num", "data-field": "payable" }, total.payable),
    element("td", { class: "num" }, String(total.payable_count)), element("td", { class: "num", "data-field": "awaiting" }, total.awaiting),
    element("td", { class: "num" }, String(total.awaiting_count)), element("td", { class: "num" }, String(total.undetermined_count))));
  return element("table", { id: "compare-totals", class: "grid" }, element("thead", {}, head), element("tbody", {}, ...rows));
}

/// A pair's gains and losses: the sums, then each person who gains or loses with the amounts and
/// statuses under both policies and, where the report explains it, why.
function compareChanges(pair) {
  const head = element("tr", {}, ...[t("受益人", "Beneficiary"), t("姓名", "Name"), `${pair.from}（${t("元", "CNY")}）`,
    `${pair.to}（${t("元", "CNY")}）`, t("变化", "Change"), t("原因", "Why")].map((h) => element("th", {}, h)));
  const row = (change, kind) => element("tr", { class: kind, "data-id": change.id, "data-change": change.change },
    element("td", {}, change.id), element("td", {}, change.name || ""),
    element("td", { class: "num" }, `${change.from_payable}`), element("td", { class: "num" }, `${change.to_payable}`),
    element("td", { class: "num change" }, change.change),
    element("td", { class: "why" }, change.reason && change.reason.difference ? change.reason.difference : ""));
  const rows = [...pair.gainers.map((c) => row(c, "gain")), ...pair.losers.map((c) => row(c, "loss"))];
  const lost = pair.lost.replace(/^-/, "");  // the report signs losses; the words say "lost"
  const summary = t(`${pair.from} → ${pair.to}：增加 ${pair.gained} 元，减少 ${lost} 元，不变 ${pair.unchanged} 名受益人`,
    `${pair.from} → ${pair.to}: gained CNY ${pair.gained}, lost CNY ${lost}, ${pair.unchanged} beneficiaries unchanged`);
  return element("section", { class: "pair", "data-from": pair.from, "data-to": pair.to },
    element("h3", {}, summary),
    rows.length ? element("table", { class: "grid changes" }, element("thead", {}, head), element("tbody", {}, ...rows))
      : element("p", { class: "meta" }, t("没有人的金额变化。", "Nobody's amount changes.")));
}

function compareShow() {
  for (const section of document.querySelectorAll("main > section")) section.hidden = section.id !== "compare-view";
  for (const tab of document.querySelectorAll("nav .tab")) tab.classList.toggle("active", tab.id === "tab-compare");
  compareLoadPolicies();
}

$("tab-compare").addEventListener("click", compareShow);
// The other tabs (app.js) show their own section; this one hides itself when they are chosen.
for (const tab of document.querySelectorAll("nav .tab")) {
  if (tab.id !== "tab-compare") tab.addEventListener("click", () => { $("compare-view").hidden = true; $("tab-compare").classList.remove("active"); });
}
$("compare-run").addEventListener("click", compareRun);
$("compare-file").addEventListener("change", async (event) => {
  const file = event.target.files[0];
  if (!file) return;
  $("compare-file").dataset.name = file.name;
  $("compare-cohort").value = await file.text();
});
$("compare-cohort").addEventListener("input", () => { delete $("compare-file").dataset.name; });
// app.js switches `lang` first (its listener was added first); the report is asked for again in it.
$("lang").addEventListener("click", () => { if (compareState.report && !$("compare-view").hidden) compareRun(); });
