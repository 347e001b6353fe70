// The page of `subsidy serve`: 案例评估 (paste a case, evaluate it, read each result) and 政策浏览.
// Plain JavaScript, no framework and no build step; it talks only to this server's /v1 API.
"use strict";

let lang = "zh";  // Chinese first, as the officers read it; the switch gives English
let lastFacts = null;
const $ = (id) => document.getElementById(id);
const t = (zh, en) => (lang === "zh" ? zh : en);

function element(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes || {})) node.setAttribute(key, value);
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

function applyLanguage() {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  for (const node of document.querySelectorAll("[data-zh]")) node.textContent = node.dataset[lang];
}

async function evaluate() {
  const text = $("facts").value;
  if (!text.trim()) { showProblem(t("请先填写或粘贴案例。", "Write or paste a case first.")); return; }
  lastFacts = text;
  $("status").textContent = t("评估中…", "Evaluating…");
  const query = new URLSearchParams({ lang });
  if ($("as-of").value) query.set("as_of", $("as-of").value);
  try {
    const response = await fetch("/v1/eval?" + query, { method: "POST", headers: { "Content-Type": "application/yaml" }, body: text });
    const body = await response.json();
    $("status").textContent = "";
    if (!response.ok) { showProblem(problemText(body)); clearResults(); return; }
    $("problem").hidden = true;
    render(body);
  } catch (error) {
    $("status").textContent = "";
    showProblem(t("无法连接服务器：", "Cannot reach the server: ") + error);
  }
}

/// A problem document's words: its `detail` is English, so a Chinese reader gets its first
/// diagnostic's Chinese when it has one (a file that cannot be read, facts that do not load).
function problemText(problem) {
  const where = problem.line ? `${problem.file}:${problem.line}:${problem.column}  ` : "";
  const first = (problem.diagnostics || [])[0];
  if (lang === "zh" && first && first.message_zh) {
    return `${where}[${problem.code}] ${first.message_zh}` + (first.help_zh ? `\n提示：${first.help_zh}` : "");
  }
  return `${where}[${problem.code}] ${problem.detail}` + (problem.help ? `\n${t("提示", "help")}: ${problem.help}` : "");
}

function showProblem(text) { $("problem").textContent = text; $("problem").hidden = false; }
function clearResults() { $("results").replaceChildren(); $("summary").textContent = ""; }

function render(document_) {
  const results = document_.results;
  const counts = {};
  for (const r of results) counts[r.words.status] = (counts[r.words.status] || 0) + 1;
  // Money is exact: amounts are decimal strings ("100.00"), summed as whole fen.
  const payable = results.filter((r) => r.status === "payable" && r.kind === "payment" && r.amount)
    .reduce((sum, r) => sum + fen(r.amount), 0n);
  $("summary").textContent = t(`评估日 ${document_.as_of}，共 ${results.length} 项结果：`, `As of ${document_.as_of}, ${results.length} results: `)
    + Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(t("，", ", "))
    + t(`。可发放补贴合计 ${yuan(payable)} 元`, `. Payable subsidies: CNY ${yuan(payable)}`);
  $("results").replaceChildren(...results.filter((r) => r.status !== "not_applicable").map(renderResult));
}

function fen(amount) {
  const [whole, fraction = ""] = amount.split(".");
  return BigInt(whole) * 100n + BigInt((fraction + "00").slice(0, 2));
}

function yuan(fen) {
  const cents = fen % 100n;
  return `${fen / 100n}.${cents < 10n ? "0" : ""}${cents}`;
}

function renderResult(r) {
  const w = r.words;
  const amount = r.amount ? t(`${r.amount} 元`, `CNY ${r.amount}`) : r.status === "undetermined" ? t("金额未定", "amount undetermined") : "";
  const head = element("h3", {}, element("span", { class: "badge" }, w.status), `${r.policy} ${r.clause} ${r.rule}`,
    element("span", { class: "amount" }, amount));
  const meta = [];
  if (r.beneficiary) meta.push(t("受益人 ", "beneficiary ") + r.beneficiary);
  if (r.subject !== r.beneficiary) meta.push(t("事项 ", "subject ") + r.subject);
  if (r.payee) meta.push(t("付给 ", "paid to ") + r.payee);
  if (r.eligible_from) meta.push(t("生效 ", "vests ") + r.eligible_from);
  if (r.expires) meta.push(t("截止 ", "expires ") + r.expires);
  if (r.due) meta.push(t("期限 ", "due ") + r.due);
  const card = element("article", { class: `result ${r.status}`, "data-rule": r.rule, "data-subject": r.subject, "data-status": r.status }, head,
    element("p", { class: "meta" }, meta.join(" · ")));
  if (w.clause_text) card.append(element("p", { class: "clause" }, `${t("依据", "Clause")}：《${w.title || ""}》${r.clause} “${w.clause_text}”`));
  if (w.evidence.length) {
    card.append(element("p", { class: "evidence" }, t("材料：", "Evidence: "),
      ...w.evidence.map((e) => element("span", { "data-provided": String(e.provided) }, `${e.mark} ${e.label}`))));
  }
  if (w.undetermined) card.append(element("p", { class: "meta" }, t("未定原因：", "Undetermined: ") + w.undetermined));
  if (w.failed_checks.length) card.append(element("ul", { class: "checks" }, ...w.failed_checks.map((c) => element("li", {}, "✘ " + c))));
  if (w.to_pay && w.to_pay.steps.length) {
    card.append(element("p", { class: "to-pay" }, "→ " + w.to_pay.heading),
      element("ul", { class: "to-pay" }, ...w.to_pay.steps.map((s) => element("li", {}, s))));
  }
  return card;
}

async function showPolicies() {
  const response = await fetch("/v1/policies");
  const body = await response.json();
  $("policy-list").replaceChildren(...body.policies.map((p) => {
    const button = element("button", { type: "button" }, `${p.id} 《${p.title}》`);
    button.addEventListener("click", () => showPolicy(p.id));
    return button;
  }));
}

async function showPolicy(id) {
  const response = await fetch(`/v1/policies/${encodeURIComponent(id)}?lang=${lang}`);
  const p = await response.json();
  if (!response.ok) { $("policy-detail").textContent = problemText(p); return; }
  const parameters = p.parameters.map((q) => `${q.name}${q.unit ? `（${q.unit}）` : ""}: ` +
    q.values.map((v) => `${v.from} → ${v.value === null ? t("停止", "ended") : typeof v.value === "object" ? JSON.stringify(v.value) : v.value}`).join("；"));
  $("policy-detail").textContent = `《${p.title}》 ${p.issuer} ${p.number || ""} ${p.date || ""}\n\n`
    + t("参数：\n", "Parameters:\n") + parameters.join("\n") + "\n\n" + p.rules.map((r) => r.plain).join("\n");
}

function switchTab(policies) {
  $("eval-view").hidden = policies;
  $("policies-view").hidden = !policies;
  $("tab-eval").classList.toggle("active", !policies);
  $("tab-policies").classList.toggle("active", policies);
  if (policies) showPolicies();
}

$("evaluate").addEventListener("click", evaluate);
$("tab-eval").addEventListener("click", () => switchTab(false));
$("tab-policies").addEventListener("click", () => switchTab(true));
$("lang").addEventListener("click", () => {
  lang = lang === "zh" ? "en" : "zh";
  applyLanguage();
  if (lastFacts !== null && !$("eval-view").hidden) evaluate();
  if (!$("policies-view").hidden) $("policy-detail").textContent = "";
});
applyLanguage();
