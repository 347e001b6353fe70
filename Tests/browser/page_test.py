"""The page at / in a real browser: headless Chromium (Debian's chromium and chromium-driver) opens
it, pastes examples/yingjiang.yaml, evaluates, and reads the rendered results from the DOM; then
switches to English. On the 政策比较 tab it pastes examples/cohorts/village-2024.csv, picks three
policies, compares, and reads the totals chart and the gains and losses from the DOM, checking them
against POST /v1/compare. In 规则编辑 it types a broken draft of yingjiang, finds the diagnostic at its
line, fixes it, runs the policy's tests on the draft and downloads it. In 批量核对 it checks a batch CSV
with bad rows and reads the balance, the rejects' Chinese reasons and the payouts. Screenshots are
kept (argv[3], and beside it `-compare`, `-batch` and `-editor`). Usage: page_test.py URL CASE_FILE SCREENSHOT.
Prints `N passed, M failed` and exits non-zero on a failure."""
import json
import os
import shutil
import sys
import tempfile
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

url, case_file, screenshot = sys.argv[1], sys.argv[2], sys.argv[3]
options = Options()
options.binary_location = "/usr/bin/chromium"
for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,2400", "--lang=zh-CN"):
    options.add_argument(flag)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
passed, failed = 0, 0


def check(condition, what):
    global passed, failed
    if condition:
        passed += 1
    else:
        failed += 1
        print("FAILED:", what, file=sys.stderr)


def type_draft(driver, text):
    """Puts all but the last character in the editor, then types the last one as a person would
    (a real key press, so the page's input handler and its debounced check run)."""
    area = driver.find_element(By.ID, "editor-text")
    driver.execute_script("arguments[0].value = arguments[1];", area, text[:-1])
    area.send_keys(text[-1])


def editor_checks(driver, screenshot):
    downloads = tempfile.mkdtemp(prefix="subsidy-page-downloads-")
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
    if driver.find_element(By.ID, "lang").text == "中文":
        driver.find_element(By.ID, "lang").click()  # back to Chinese
    driver.find_element(By.ID, "tab-editor").click()
    check(driver.find_element(By.ID, "editor-view").is_displayed(), "the 规则编辑 tab shows")
    check(not driver.find_element(By.ID, "eval-view").is_displayed(), "the 案例评估 view is hidden")
    WebDriverWait(driver, 20).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#editor-policy option")) > 1)
    Select(driver.find_element(By.ID, "editor-policy")).select_by_value("yingjiang")
    area = driver.find_element(By.ID, "editor-text")
    WebDriverWait(driver, 20).until(lambda d: "id: yingjiang" in area.get_attribute("value"))
    WebDriverWait(driver, 20).until(lambda d: d.find_element(By.ID, "editor-status").get_attribute("data-ok") == "true")
    original = area.get_attribute("value")
    lines = original.split("\n")
    check(len(driver.find_elements(By.CSS_SELECTOR, "#editor-gutter div")) == len(lines), "a line number for every line")

    broken = original.replace("person.poverty_status == alleviated", "person.povrty_status == alleviated", 1)
    line = next(i + 1 for i, text in enumerate(broken.split("\n")) if "povrty_status" in text)
    type_draft(driver, broken)
    item_selector = '#editor-diagnostics li.error[data-code="unknown-field"]'
    WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, item_selector))
    item = driver.find_element(By.CSS_SELECTOR, item_selector)
    check(item.get_attribute("data-line") == str(line), f"the diagnostic is at line {line}: {item.get_attribute('data-line')}")
    check(f"第 {line} 行" in item.text and "未知的事实字段" in item.text, "listed in Chinese: " + item.text)
    check("povrty_status" in item.text and "poverty_status" in item.text, "with its suggestion: " + item.text)
    gutter = driver.find_elements(By.CSS_SELECTOR, f'#editor-gutter div.marked.error[data-line="{line}"]')
    check(len(gutter) == 1, "the gutter marks the line")
    mark = driver.find_elements(By.CSS_SELECTOR, f'#editor-marks mark.error[data-line="{line}"]')
    check(len(mark) == 1 and "povrty" in mark[0].get_attribute("textContent"), "the text is marked at the column")
    if mark:
        column = int(mark[0].get_attribute("data-column"))
        check(broken.split("\n")[line - 1][column - 1:].startswith("person.povrty") or
              broken.split("\n")[line - 1][column - 1:].startswith("povrty"), f"the mark starts at the field (column {column})")
    check(driver.find_element(By.ID, "editor-status").get_attribute("data-ok") == "false", "the check fails")
    item.click()  # the caret goes to the diagnostic's place, and the text scrolls to it
    caret = driver.execute_script("const a = arguments[0]; return a.value.slice(0, a.selectionStart).split('\\n').length;", area)
    check(caret == line, f"clicking the diagnostic puts the caret on line {line} ({caret})")
    driver.save_screenshot(screenshot.replace(".png", "-editor.png"))
    driver.find_element(By.ID, "lang").click()
    WebDriverWait(driver, 20).until(lambda d: "unknown fact field" in d.find_element(By.CSS_SELECTOR, item_selector).text)
    check(f"line {line}" in driver.find_element(By.CSS_SELECTOR, item_selector).text, "and in English")
    driver.find_element(By.ID, "lang").click()

    type_draft(driver, original)
    WebDriverWait(driver, 20).until(lambda d: d.find_element(By.ID, "editor-status").get_attribute("data-ok") == "true")
    check(not driver.find_elements(By.CSS_SELECTOR, "#editor-diagnostics li.error"), "fixed: no error listed")
    check(not driver.find_elements(By.CSS_SELECTOR, "#editor-gutter div.marked.error"), "fixed: no line marked")

    driver.find_element(By.ID, "editor-run-tests").click()
    WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.ID, "editor-test-summary"))
    summary = driver.find_element(By.ID, "editor-test-summary")
    check(summary.get_attribute("data-ok") == "true" and summary.get_attribute("data-failed") == "0", "the tests pass: " + summary.text)
    check(int(summary.get_attribute("data-passed") or 0) > 10 and "通过" in summary.text, "cases counted: " + summary.text)

    raised = original.replace("      2023-08-24: 100\n", "      2023-08-24: 150\n", 1)
    check(raised != original, "the draft's amount changes")
    type_draft(driver, raised)
    WebDriverWait(driver, 20).until(lambda d: d.find_element(By.ID, "editor-status").get_attribute("data-ok") == "true")
    driver.find_element(By.ID, "editor-run-tests").click()
    WebDriverWait(driver, 30).until(lambda d: d.find_element(By.ID, "editor-test-summary").get_attribute("data-ok") == "false")
    failures = driver.find_elements(By.CSS_SELECTOR, "#editor-tests article.test-failure")
    check(len(failures) > 0, "failed cases are listed")
    check(any("amount: expected `100.00`, got `150.00`" in f.text for f in failures), "with the test's message")

    driver.find_element(By.ID, "editor-download").click()
    saved = os.path.join(downloads, "yingjiang.yaml")
    for _ in range(40):
        if os.path.exists(saved):
            break
        time.sleep(0.25)
    check(os.path.exists(saved), "the draft is downloaded as yingjiang.yaml")
    if os.path.exists(saved):
        with open(saved, encoding="utf-8") as f:
            check(f.read() == raised, "the download is the draft as edited")
    shutil.rmtree(downloads, ignore_errors=True)


def batch_checks(driver, screenshot):
    """批量核对: the mixed fixture (good rows of 盈江 and 三都 and seven bad ones) is checked as a clerk
    would: its balance, its statuses, each rejected row with a Chinese reason, the payouts as
    POST /v1/batch gives them, why a payout pays (its checks in words), the files to download; then
    the reasons and the words in English."""
    if driver.find_element(By.ID, "lang").text == "中文":
        driver.find_element(By.ID, "lang").click()  # back to Chinese
    driver.find_element(By.ID, "tab-batch").click()
    check(driver.find_element(By.ID, "batch-view").is_displayed(), "the 批量核对 tab shows")
    check(not driver.find_element(By.ID, "compare-view").is_displayed(), "the compare section is hidden")
    here = os.path.dirname(os.path.abspath(__file__))
    mixed = os.path.join(here, "..", "SubsidyTests", "Fixtures", "batch", "mixed.csv")
    driver.find_element(By.ID, "batch-run").click()
    check("CSV" in driver.find_element(By.ID, "batch-problem").text, "nothing chosen is refused on the page")
    driver.find_element(By.ID, "batch-file").send_keys(os.path.abspath(mixed))
    driver.find_element(By.ID, "batch-run").click()
    check("评估日" in driver.find_element(By.ID, "batch-problem").text, "a batch without a date is refused on the page")
    driver.execute_script("arguments[0].value = '2024-12-31';", driver.find_element(By.ID, "batch-as-of"))
    driver.find_element(By.ID, "batch-run").click()
    WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.ID, "batch-balance"))
    balance = driver.find_element(By.ID, "batch-balance").text
    check("读取 14 行 = 已评估 7 + 已拒收 7" in balance, "the balance: " + balance)
    rejects = driver.find_elements(By.CSS_SELECTOR, "#batch-rejects tbody tr")
    check(len(rejects) == 7, f"seven rejected rows ({len(rejects)})")
    reasons = [r.find_element(By.CSS_SELECTOR, 'td[data-field="reason"]').text for r in rejects]
    check(all(any("\u4e00" <= c <= "\u9fff" for c in reason) for reason in reasons), "every reason is in Chinese: " + " | ".join(reasons))
    check(any("须为日期" in reason for reason in reasons), "line 4's impossible date: " + " | ".join(reasons))
    with open(mixed, "rb") as f:
        body = f.read()
    request = urllib.request.Request(url.rstrip("/") + "/v1/batch?as_of=2024-12-31", data=body, headers={"Content-Type": "text/csv"})
    with urllib.request.urlopen(request) as response:
        answer = response.read().decode("utf-8")
    payout_part = answer.split('name="payouts"', 1)[1].split("\r\n\r\n", 1)[1].split("\r\n--", 1)[0]
    expected = [line for line in payout_part.split("\n")[1:] if line]
    shown = driver.find_elements(By.CSS_SELECTOR, "#batch-payouts tbody tr")
    check(len(shown) == len(expected) and len(shown) > 0, f"every payout is a row ({len(shown)} of {len(expected)})")
    statuses = {r.get_attribute("data-status"): r.text for r in driver.find_elements(By.CSS_SELECTOR, "#batch-by-status tbody tr")}
    check("payable" in statuses and "可发放" in statuses["payable"], f"the payable status: {statuses}")
    links = driver.find_elements(By.CSS_SELECTOR, "#batch-result a.download")
    check(len(links) == 3 and all(a.get_attribute("href").startswith("blob:") for a in links), "the three files can be downloaded")
    # Why a payable row pays: its button opens the checks in words below it, and closes them again.
    payable = [r for r in shown if r.find_element(By.CSS_SELECTOR, 'td[data-field="status"]').get_attribute("data-value") == "payable"]
    check(payable and all(r.find_elements(By.CSS_SELECTOR, "button.why") for r in shown), "every payout has its 为什么 button")
    payable[0].find_element(By.CSS_SELECTOR, "button.why").click()
    opened = driver.find_elements(By.CSS_SELECTOR, "#batch-payouts tr.explanation")
    held = [li.text for li in driver.find_elements(By.CSS_SELECTOR, '#batch-payouts tr.explanation li[data-holds="true"]')]
    check(len(opened) == 1 and held and all(line.startswith("✔ 须") for line in held), "a payable row's checks, all held, in Chinese: " + " | ".join(held))
    check("依据：《" in opened[0].text, "the clause it pays under: " + opened[0].text[:120])
    payable[0].find_element(By.CSS_SELECTOR, "button.why").click()
    check(not driver.find_elements(By.CSS_SELECTOR, "#batch-payouts tr.explanation"), "the button closes the explanation")
    root, ext = os.path.splitext(screenshot)
    driver.save_screenshot(root + "-batch" + ext)
    driver.find_element(By.ID, "lang").click()
    WebDriverWait(driver, 30).until(lambda d: "rows read 14" in d.find_element(By.ID, "batch-result").text)
    english = [r.text for r in driver.find_elements(By.CSS_SELECTOR, '#batch-rejects td[data-field="reason"]')]
    check(any("must be a date" in reason for reason in english), "the reasons in English: " + " | ".join(english))
    driver.find_element(By.CSS_SELECTOR, "#batch-payouts button.why").click()
    words = driver.find_element(By.CSS_SELECTOR, "#batch-payouts tr.explanation").text
    check("needs" in words or "saw" in words, "the explanation in English: " + words[:160])
    # Back to Chinese on another tab: the batch is worded again when its tab is shown, from the
    # Chinese answer already had (the file is not sent again).
    posted = batch_posts()
    driver.find_element(By.ID, "tab-eval").click()
    driver.find_element(By.ID, "lang").click()
    driver.find_element(By.ID, "tab-batch").click()
    WebDriverWait(driver, 30).until(lambda d: "读取 14 行" in d.find_element(By.ID, "batch-result").text)
    chinese = [r.text for r in driver.find_elements(By.CSS_SELECTOR, '#batch-rejects td[data-field="reason"]')]
    check(any("须为日期" in reason for reason in chinese), "Chinese again after switching on another tab: " + " | ".join(chinese))
    check(batch_posts() == posted, f"switching back to Chinese sent the batch again ({posted} → {batch_posts()} posts)")


def batch_posts():
    """How many POST /v1/batch the server has answered 200, from /metrics."""
    with urllib.request.urlopen(url.rstrip("/") + "/metrics") as response:
        text = response.read().decode("utf-8")
    return sum(int(float(line.rsplit(" ", 1)[1])) for line in text.splitlines()
               if line.startswith('subsidy_http_requests_total{method="POST",route="/v1/batch",status="200"}'))


try:
    driver.get(url)
    check("案例评估" in driver.title + driver.page_source, "the page is in Chinese")
    with open(case_file, encoding="utf-8") as f:
        text = f.read()
    area = driver.find_element(By.ID, "facts")
    driver.execute_script("arguments[0].value = arguments[1];", area, text)
    driver.find_element(By.ID, "evaluate").click()
    WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "article.result"))
    cards = driver.find_elements(By.CSS_SELECTOR, "article.result")
    check(len(cards) > 5, f"results rendered ({len(cards)})")
    d1 = driver.find_element(By.CSS_SELECTOR, 'article.result[data-subject="D1"][data-rule="employment-service-subsidy"]')
    check("100.00 元" in d1.text, "D1 pays 100.00 元: " + d1.text[:120])
    check("可发放" in d1.text, "D1 is 可发放")
    check("七（一）" in d1.text and "依据" in d1.text, "D1 shows its clause")
    check("☑" in d1.text, "D1's evidence checklist")
    d2 = driver.find_element(By.CSS_SELECTOR, 'article.result[data-subject="D2"][data-rule="employment-service-subsidy"]')
    check("☐" in d2.text, "D2 misses a document (☐)")
    check("补交" in d2.text, "D2 says what would make it payable: " + d2.text[-200:])
    check("合计" in driver.find_element(By.ID, "summary").text, "the summary has the total")
    driver.save_screenshot(screenshot)
    driver.find_element(By.ID, "lang").click()
    WebDriverWait(driver, 20).until(lambda d: "Payable" in d.find_element(By.ID, "summary").text)
    d1 = driver.find_element(By.CSS_SELECTOR, 'article.result[data-subject="D1"][data-rule="employment-service-subsidy"]')
    check("CNY 100.00" in d1.text, "English: " + d1.text[:120])
    driver.find_element(By.ID, "facts").clear()
    driver.find_element(By.ID, "facts").send_keys("as_of: 2024-01-20\npeople:\n  - {id: P1, hukou: \"533123\", povrty: x}\n")
    driver.find_element(By.ID, "evaluate").click()
    WebDriverWait(driver, 20).until(lambda d: d.find_element(By.ID, "problem").is_displayed())
    check("request.yaml:3:" in driver.find_element(By.ID, "problem").text, "a bad case shows file:line:column")

    # 政策比较: back to Chinese, paste the village cohort (CSV), pick three policies, compare.
    driver.find_element(By.ID, "lang").click()
    driver.find_element(By.ID, "tab-compare").click()
    check(driver.find_element(By.ID, "compare-view").is_displayed(), "the compare tab shows its section")
    check(not driver.find_element(By.ID, "eval-view").is_displayed(), "the compare tab hides the case section")
    WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#compare-policies input[type=checkbox]"))
    cohort_file = os.path.join(os.path.dirname(os.path.abspath(case_file)), "cohorts", "village-2024.csv")
    with open(cohort_file, encoding="utf-8") as f:
        cohort = f.read()
    picked = ["yingjiang", "sandu", "xiangxi"]
    for box in driver.find_elements(By.CSS_SELECTOR, "#compare-policies input[type=checkbox]"):
        if box.is_selected() != (box.get_attribute("value") in picked):
            box.click()
    # The page sends the policies in the order they are listed (the first is the reference).
    picked = [box.get_attribute("value") for box in driver.find_elements(By.CSS_SELECTOR, "#compare-policies input[type=checkbox]") if box.is_selected()]
    check(len(picked) == 3, f"three policies picked: {picked}")
    # Uploaded through the file input, as a clerk picks the export: its text fills the box.
    driver.find_element(By.ID, "compare-file").send_keys(cohort_file)
    WebDriverWait(driver, 10).until(lambda d: d.find_element(By.ID, "compare-cohort").get_attribute("value").startswith("dispatch_id"))
    check(driver.find_element(By.ID, "compare-cohort").get_attribute("value") == cohort, "the uploaded file's text is in the box")
    driver.find_element(By.ID, "compare-run").click()
    WebDriverWait(driver, 20).until(lambda d: d.find_element(By.ID, "compare-problem").is_displayed())
    check("评估日" in driver.find_element(By.ID, "compare-problem").text or "as_of" in driver.find_element(By.ID, "compare-problem").text,
          "a CSV without a date is refused: " + driver.find_element(By.ID, "compare-problem").text[:200])
    driver.execute_script("arguments[0].value = '2024-06-30';", driver.find_element(By.ID, "compare-as-of"))
    driver.find_element(By.ID, "compare-run").click()
    WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#compare-chart rect[data-kind=payable]"))
    request = urllib.request.Request(url.rstrip("/") + "/v1/compare?as_of=2024-06-30&policies=" + ",".join(picked),
                                     data=cohort.encode("utf-8"), headers={"Content-Type": "text/csv"}, method="POST")
    with urllib.request.urlopen(request, timeout=30) as answer:
        report = json.load(answer)
    bars = driver.find_elements(By.CSS_SELECTOR, "#compare-chart rect[data-kind=payable]")
    shown = {bar.get_attribute("data-policy"): bar.get_attribute("data-amount") for bar in bars}
    expected = {total["policy"]: total["payable"] for total in report["totals"]}
    check(shown == expected, f"the chart's payable totals are the API's: {shown} vs {expected}")
    chart_text = driver.find_element(By.ID, "compare-chart").text
    check(all(f"可发放 {amount} 元" in chart_text for amount in expected.values()), "the chart labels its bars: " + chart_text[:200])
    rows = driver.find_elements(By.CSS_SELECTOR, "#compare-totals tbody tr")
    check([row.get_attribute("data-policy") for row in rows] == picked, "the totals table lists the policies in order")
    pairs = driver.find_elements(By.CSS_SELECTOR, "section.pair")
    check(len(pairs) == len(report["changes"]) and len(pairs) >= 2, f"a gains and losses section per pair ({len(pairs)})")
    first = report["changes"][0]
    check(f"增加 {first['gained']} 元" in pairs[0].text and f"减少 {first['lost'].lstrip('-')} 元" in pairs[0].text, "the first pair's sums: " + pairs[0].text[:160])
    people = pairs[0].find_elements(By.CSS_SELECTOR, "tr.gain, tr.loss")
    check(len(people) == len(first["gainers"]) + len(first["losers"]) and len(people) > 0, f"each gainer and loser is a row ({len(people)})")
    if first["gainers"]:
        row = pairs[0].find_element(By.CSS_SELECTOR, f'tr.gain[data-id="{first["gainers"][0]["id"]}"]')
        check(first["gainers"][0]["change"] in row.text, "a gainer's change: " + row.text)
    root, ext = os.path.splitext(screenshot)
    driver.save_screenshot(root + "-compare" + ext)
    driver.find_element(By.ID, "lang").click()
    # Read through the page's script: the section is redrawn when the English report arrives.
    text_of = lambda d, selector: d.execute_script("const n = document.querySelector(arguments[0]); return n ? n.textContent : '';", selector)
    WebDriverWait(driver, 20).until(lambda d: "gained" in text_of(d, "section.pair h3") and "payable CNY" in text_of(d, "#compare-chart"))
    check("payable CNY" in text_of(driver, "#compare-chart"), "the chart in English")
    # Picking one policy is refused on the page, before any request.
    for box in driver.find_elements(By.CSS_SELECTOR, "#compare-policies input[type=checkbox]:checked")[1:]:
        box.click()
    driver.find_element(By.ID, "compare-run").click()
    check("two or more" in driver.find_element(By.ID, "compare-problem").text, "one policy is not a comparison")
    # ── 批量核对: a batch CSV checked before payout, its rejects and payouts read from the page ──
    batch_checks(driver, screenshot)
    # ── 规则编辑: a broken draft is marked at its line as it is typed, fixed, tested and downloaded ──
    editor_checks(driver, screenshot)
finally:
    driver.quit()
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
