// The page's 规则编辑 tab: edit a policy file in the browser, with the diagnostics of POST /v1/check
// marked at their line and column as you type, run the policy's officer tests on the draft
// (POST /v1/test), and download the draft. Nothing is written on the server.
// Uses app.js's `lang`, `t`, `$` and `element` (loaded before this file); no framework, no build step.
"use strict";

const editor = {
  file: "draft.yaml",   // the name the draft is checked, tested and downloaded under
  tests: null,          // the served test files of the policy loaded ({name: text}), or null
  testsFor: null,       // the policy id those tests are for
  diagnostics: [],      // the last check's diagnostics
  checkReport: null,    // the last check's answer (for its summary line)
  testReport: null,     // the last test run's document (or problem), re-rendered on a language switch
  sequence: 0,          // answers of older checks are ignored
  timer: null,
  listed: false,
};

/// The check runs this long after the last key stroke, so typing is not a request per character.
const EDITOR_DEBOUNCE_MS = 350;

function showEditor() {
  for (const section of document.querySelectorAll("main > section")) section.hidden = section.id !== "editor-view";
  for (const tab of document.querySelectorAll("nav .tab")) tab.classList.toggle("active", tab.id === "tab-editor");
  if (!editor.listed) listEditorPolicies();
  renderGutter();
}

function hideEditor() {
  $("editor-view").hidden = true;
  $("tab-editor").classList.remove("active");
}

async function listEditorPolicies() {
  try {
    const response = await fetch("/v1/policies");
    const body = await response.json();
    if (!response.ok) { editorStatus(problemText(body)); return; }
    const select = $("editor-policy");
    for (const p of body.policies) select.append(element("option", { value: p.id }, `${p.id} 《${p.title}》`));
    editor.listed = true;
  } catch (error) {
    editorStatus(t("无法连接服务器：", "Cannot reach the server: ") + error);
  }
}

async function loadEditorPolicy(id) {
  editor.testReport = null;
  $("editor-tests").replaceChildren();
  if (!id) {
    editor.file = "draft.yaml";
    editor.tests = null;
    editor.testsFor = null;
    setEditorText("");
    return;
  }
  editorStatus(t("读取中…", "Loading…"));
  const response = await fetch(`/v1/policies/${encodeURIComponent(id)}/source`);
  const body = await response.json();
  if (!response.ok) { editorStatus(problemText(body)); return; }
  editor.file = body.file;
  editor.tests = body.tests;
  editor.testsFor = body.id;
  setEditorText(body.text);
}

function setEditorText(text) {
  $("editor-text").value = text;
  draftChanged();
}

function editorStatus(text) { $("editor-status").textContent = text; }

/// Every edit: the gutter and marks follow at once; the check runs when typing pauses.
function draftChanged() {
  renderGutter();
  renderMarks();
  clearTimeout(editor.timer);
  editor.timer = setTimeout(checkDraft, EDITOR_DEBOUNCE_MS);
}

async function checkDraft() {
  const text = $("editor-text").value;
  const sequence = ++editor.sequence;
  if (!text.trim()) { editor.diagnostics = []; editor.checkReport = null; renderDiagnostics(); editorStatus(""); return; }
  editorStatus(t("检查中…", "Checking…"));
  try {
    const response = await fetch("/v1/check", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ [editor.file]: text }) });
    const body = await response.json();
    if (sequence !== editor.sequence) return;  // a newer check is under way
    editor.diagnostics = body.diagnostics || [];
    editor.checkReport = response.ok ? body : null;
    renderDiagnostics();
    if (!response.ok) editorStatus(problemText(body));
  } catch (error) {
    if (sequence === editor.sequence) editorStatus(t("无法连接服务器：", "Cannot reach the server: ") + error);
  }
}

/// The diagnostics of the draft's own file, by line; others (a served base) are only listed.
function draftDiagnostics() {
  return editor.diagnostics.filter((d) => d.span && d.span.file === editor.file);
}

function severityWord(severity) {
  return { error: t("错误", "error"), warning: t("警告", "warning"), note: t("注", "note") }[severity] || severity;
}

function renderDiagnostics() {
  const report = editor.checkReport;
  const list = editor.diagnostics.map((d) => {
    const where = d.span ? t(`第 ${d.span.start.line} 行第 ${d.span.start.column} 列`, `line ${d.span.start.line}, column ${d.span.start.column}`)
      + (d.span.file === editor.file ? "" : ` (${d.span.file})`) : "";
    const message = lang === "zh" ? d.message_zh || d.message : d.message;
    const help = lang === "zh" ? d.help_zh || d.help : d.help;
    const item = element("li", { class: `diagnostic ${d.severity}`, "data-code": d.code,
      "data-line": d.span ? String(d.span.start.line) : "", "data-column": d.span ? String(d.span.start.column) : "" },
      element("span", { class: "where" }, where), ` ${severityWord(d.severity)}[${d.code}] ${message}`,
      help ? element("span", { class: "help" }, ` ${t("提示", "help")}：${help}`) : null);
    if (d.span && d.span.file === editor.file) item.addEventListener("click", () => jumpTo(d.span.start.line, d.span.start.column));
    return item;
  });
  $("editor-diagnostics").replaceChildren(...list);
  if (report) {
    editorStatus(report.ok
      ? t(`检查通过：${report.rules} 条规则，${report.warnings} 个警告`, `Check passed: ${report.rules} rules, ${report.warnings} warnings`)
      : t(`检查未通过：${report.errors} 个错误，${report.warnings} 个警告`, `Check failed: ${report.errors} errors, ${report.warnings} warnings`));
    $("editor-status").dataset.ok = String(report.ok);
  }
  renderGutter();
  renderMarks();
}

/// Line numbers beside the text, those with a diagnostic marked by its severity.
function renderGutter() {
  const count = $("editor-text").value.split("\n").length;
  const worst = {};
  for (const d of draftDiagnostics()) {
    const line = d.span.start.line;
    if (!worst[line] || d.severity === "error") worst[line] = d.severity;
  }
  const lines = [];
  for (let n = 1; n <= count; n++) {
    lines.push(element("div", worst[n] ? { "data-line": String(n), class: `marked ${worst[n]}` } : { "data-line": String(n) }, String(n)));
  }
  $("editor-gutter").replaceChildren(...lines);
  syncScroll();
}

/// A copy of the text behind the (transparent) textarea, with each diagnostic's span wrapped in a
/// <mark>: the text's own characters, so the marks sit exactly under the columns they name.
/// Columns count Unicode scalars (as the checker's do), so a line is split into code points.
function renderMarks() {
  const lines = $("editor-text").value.split("\n");
  const byLine = {};
  for (const d of draftDiagnostics()) (byLine[d.span.start.line] ||= []).push(d);
  const nodes = [];
  lines.forEach((line, i) => {
    if (i > 0) nodes.push("\n");
    const marks = (byLine[i + 1] || []).sort((a, b) => a.span.start.column - b.span.start.column);
    if (!marks.length) { nodes.push(line); return; }
    const points = Array.from(line);
    let at = 0;
    for (const d of marks) {
      const start = Math.max(at, d.span.start.column - 1);
      const end = Math.max(start + 1, d.span.start.column - 1 + (d.span.length || 1));
      if (start > points.length) continue;
      nodes.push(points.slice(at, start).join(""));
      // Past the end of the line (a missing key): one marked space.
      const marked = start < points.length ? points.slice(start, end).join("") : " ";
      nodes.push(element("mark", { class: d.severity, "data-line": String(i + 1), "data-column": String(d.span.start.column) }, marked));
      at = Math.min(end, points.length);
    }
    nodes.push(points.slice(at).join(""));
  });
  $("editor-marks").replaceChildren(...nodes, "\n");
  syncScroll();
}

function syncScroll() {
  const area = $("editor-text");
  $("editor-marks").scrollTop = area.scrollTop;
  $("editor-marks").scrollLeft = area.scrollLeft;
  $("editor-gutter").scrollTop = area.scrollTop;
}

/// Puts the caret at a line and column (code points) and scrolls it into view.
function jumpTo(line, column) {
  const area = $("editor-text");
  const lines = area.value.split("\n");
  let offset = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) offset += lines[i].length + 1;
  offset += Array.from(lines[line - 1] || "").slice(0, column - 1).join("").length;
  area.focus();
  area.setSelectionRange(offset, offset);
  const lineHeight = parseFloat(getComputedStyle(area).lineHeight) || 18;
  area.scrollTop = Math.max(0, (line - 5) * lineHeight);
  syncScroll();
}

/// The policy id a draft declares (`id: yingjiang`), to find its tests when it was pasted.
function draftPolicyId(text) {
  const found = /^id:[ \t]*["']?([A-Za-z0-9_-]+)/m.exec(text);
  return found ? found[1] : null;
}

async function runDraftTests() {
  const text = $("editor-text").value;
  if (!text.trim()) { editorStatus(t("请先选择或粘贴政策。", "Pick or paste a policy first.")); return; }
  const id = draftPolicyId(text);
  if (id && id !== editor.testsFor) {
    // A pasted draft of a served policy is tested with that policy's tests.
    const response = await fetch(`/v1/policies/${encodeURIComponent(id)}/source`);
    const body = await response.json();
    editor.tests = response.ok ? body.tests : null;
    editor.testsFor = id;
  }
  if (!editor.tests || !Object.keys(editor.tests).length) {
    editor.testReport = { none: id || "?" };
    renderTestReport();
    return;
  }
  editorStatus(t("测试运行中…", "Running the tests…"));
  try {
    const response = await fetch(`/v1/test`, { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ policies: { [editor.file]: text }, tests: editor.tests }) });
    const body = await response.json();
    editorStatus("");
    editor.testReport = response.ok ? body : { problem: body };
    if (!response.ok && body.diagnostics) { editor.diagnostics = body.diagnostics; renderDiagnostics(); }
    renderTestReport();
  } catch (error) {
    editorStatus(t("无法连接服务器：", "Cannot reach the server: ") + error);
  }
}

function renderTestReport() {
  const r = editor.testReport;
  const out = $("editor-tests");
  if (!r) { out.replaceChildren(); return; }
  if (r.none) {
    out.replaceChildren(element("p", { id: "editor-test-summary", class: "problem" },
      t(`政策 ${r.none} 没有测试用例（policies/tests/*.yaml）。`, `Policy ${r.none} has no test cases (policies/tests/*.yaml).`)));
    return;
  }
  if (r.problem) {
    out.replaceChildren(element("p", { id: "editor-test-summary", class: "problem", "data-ok": "false" },
      t("草稿未通过检查，测试无法运行：", "The draft fails check; its tests cannot run: ") + problemText(r.problem)));
    return;
  }
  const summary = element("p", { id: "editor-test-summary", "data-ok": String(r.ok), "data-passed": String(r.passed), "data-failed": String(r.failed),
    class: r.ok ? "tests-ok" : "problem" },
    t(`测试：${r.passed} 个用例通过，${r.failed} 个失败`, `Tests: ${r.passed} passed, ${r.failed} failed`)
    + t(`；覆盖 ${r.coverage.rules_tested}/${r.coverage.rules} 条规则`, `; ${r.coverage.rules_tested}/${r.coverage.rules} rules tested`));
  const failures = r.failures.map((f) => element("article", { class: "result ineligible test-failure", "data-case": f.case },
    element("h3", {}, element("span", { class: "badge" }, t("失败", "FAIL")), f.case, element("span", { class: "meta" }, `${f.file}:${f.line}:${f.column}`)),
    element("p", {}, f.message),
    f.explanation.length ? element("ul", { class: "checks" },
      ...f.explanation.map((c) => element("li", {}, `${c.holds ? "✔" : "✘"} ${c.check} — ${t("实际值", "saw")} ${c.value}`))) : null));
  const problems = r.diagnostics.map((d) => element("p", { class: "problem" },
    `${d.span ? `${d.span.file}:${d.span.start.line}:${d.span.start.column} ` : ""}${severityWord(d.severity)}[${d.code}] ${lang === "zh" ? d.message_zh || d.message : d.message}`));
  out.replaceChildren(summary, ...problems, ...failures);
}

/// The draft as a file, saved by the browser: the server never stores it.
function downloadDraft() {
  const blob = new Blob([$("editor-text").value], { type: "application/yaml" });
  const url = URL.createObjectURL(blob);
  const link = element("a", { href: url, download: editor.file });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

$("tab-editor").addEventListener("click", showEditor);
// Any other tab hides this one (app.js switches its own views).
document.querySelector("nav").addEventListener("click", (event) => {
  const tab = event.target.closest(".tab");
  if (tab && tab.id !== "tab-editor") hideEditor();
});
$("editor-policy").addEventListener("change", (event) => loadEditorPolicy(event.target.value));
$("editor-text").addEventListener("input", draftChanged);
$("editor-text").addEventListener("scroll", syncScroll);
$("editor-text").addEventListener("keydown", (event) => {
  // Tab indents by two spaces (YAML has no tabs) instead of leaving the text box.
  if (event.key !== "Tab" || event.shiftKey || event.ctrlKey || event.altKey || event.metaKey) return;
  event.preventDefault();
  const area = event.target;
  area.setRangeText("  ", area.selectionStart, area.selectionEnd, "end");
  draftChanged();
});
$("editor-run-tests").addEventListener("click", runDraftTests);
$("editor-download").addEventListener("click", downloadDraft);
// After app.js has switched `lang`: the lists this tab wrote are written again in the new language.
$("lang").addEventListener("click", () => {
  renderDiagnostics();
  renderTestReport();
});
