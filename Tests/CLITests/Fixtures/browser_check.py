#!/usr/bin/python3
"""Renders pages in Debian's headless Chromium through chromedriver and reports, as one
JSON object on standard output, what the DOM and the console say.

    browser_check.py --shots DIR [--report FILE] [--status URL]

--report FILE: the HTML report: its rows, its charts, console errors, a screenshot.
--status URL:  the status page: its rows, the countdown text read twice a second and a
               half apart, a refresh of the board fetched the way the page does, console
               errors, a screenshot.
"""
import argparse, json, os, sys, time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900",
                 "--no-first-run", "--disable-extensions"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def console_errors(driver):
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] in ("SEVERE", "ERROR")]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--shots", required=True)
    parser.add_argument("--report")
    parser.add_argument("--status")
    args = parser.parse_args()
    os.makedirs(args.shots, exist_ok=True)
    result = {}
    driver = browser()
    try:
        if args.report:
            driver.get("file://" + os.path.abspath(args.report))
            rows = driver.find_elements("css selector", "#rows tbody tr.row")
            result["report"] = {
                "title": driver.title,
                "rows": [[cell.text for cell in row.find_elements("css selector", "td")] for row in rows],
                "total": [cell.text for cell in driver.find_elements("css selector", "#rows tfoot td")],
                "credits": len(driver.find_elements("css selector", "#credits tbody tr")),
                "week_bars": len(driver.find_elements("css selector", "#chart-weeks rect.bar")),
                "priority_bars": len(driver.find_elements("css selector", "#chart-priorities rect.bar")),
                "errors": console_errors(driver),
            }
            driver.save_screenshot(os.path.join(args.shots, "report.png"))
        if args.status:
            driver.get(args.status)
            rows = driver.find_elements("css selector", "tr.clock")
            first = driver.find_element("css selector", "tr.clock .countdown").text if rows else ""
            time.sleep(1.5)
            second = driver.find_element("css selector", "tr.clock .countdown").text if rows else ""
            refreshed = driver.execute_async_script("""
                var done = arguments[arguments.length - 1];
                fetch("status?part=board", {credentials: "same-origin", cache: "no-store"})
                  .then(function (r) { return r.text().then(function (t) { done({status: r.status, rows: (t.match(/<tr class="clock/g) || []).length}); }); })
                  .catch(function (e) { done({status: 0, error: String(e)}); });
            """)
            result["status"] = {
                "title": driver.title,
                "teams": [h.text for h in driver.find_elements("css selector", "section.team h2")],
                "rows": [row.get_attribute("data-ticket") for row in rows],
                "classes": [row.get_attribute("class") for row in rows],
                "countdowns": [first, second],
                "refresh": refreshed,
                "errors": console_errors(driver),
            }
            driver.save_screenshot(os.path.join(args.shots, "status.png"))
    finally:
        driver.quit()
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
