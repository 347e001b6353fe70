"""The page at / in a real browser: headless Chromium (Debian's chromium and chromium-driver) opens
it, pastes examples/yingjiang.yaml, evaluates, and reads the rendered results from the DOM; then
switches to English. On the 政策比较 tab it pastes examples/cohorts/village-2024.csv, picks three
policies, compares, and reads the totals chart and the gains and losses from the DOM, checking them
against POST /v1/compare. Screenshots are kept (argv[3], and argv[3] with `-compare` before its
extension). Usage: page_test.py URL CASE_FILE SCREENSHOT.
Prints `N passed, M failed` and exits non-zero on a failure."""
import json
import os
import sys
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

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
finally:
    driver.quit()
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
