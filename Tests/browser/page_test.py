"""The page at / in a real browser: headless Chromium (Debian's chromium and chromium-driver) opens
it, pastes examples/yingjiang.yaml, evaluates, and reads the rendered results from the DOM; then
switches to English. A screenshot is kept (argv[3]). Usage: page_test.py URL CASE_FILE SCREENSHOT.
Prints `N passed, M failed` and exits non-zero on a failure."""
import sys
import time

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
finally:
    driver.quit()
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
