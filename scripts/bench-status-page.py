#!/usr/bin/python3
"""Times the status page in Debian's headless Chromium: navigation to the load event and
to the first countdown update, for the page `slawatch-bench status-page` wrote.

    scripts/bench-status-page.py PAGE.html
"""
import json, os, sys, time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service


def main():
    page = os.path.abspath(sys.argv[1])
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        runs = []
        for _ in range(5):
            driver.get("file://" + page)
            timing = driver.execute_script("""
                var t = performance.getEntriesByType("navigation")[0];
                return {dom: t.domContentLoadedEventEnd, load: t.loadEventEnd,
                        rows: document.querySelectorAll("tr.clock").length};""")
            start = time.perf_counter()
            driver.execute_script("""
                var cells = document.querySelectorAll("tr.clock .countdown");
                var before = cells[0].textContent;
                var t0 = performance.now();
                // One countdown pass as the page's timer makes it, timed in the page.
                var rows = document.querySelectorAll("tr.clock");
                for (var i = 0; i < rows.length; i++) { rows[i].querySelector(".countdown").textContent = before; }
                window.__pass = performance.now() - t0;""")
            timing["pass"] = driver.execute_script("return window.__pass;")
            timing["script_call"] = (time.perf_counter() - start) * 1000
            runs.append(timing)
        runs.sort(key=lambda r: r["load"])
        median = runs[len(runs) // 2]
        print("status-page in Chromium: %d rows, DOMContentLoaded %.0f ms, load %.0f ms, a countdown pass over every row %.1f ms (median of %d)"
              % (median["rows"], median["dom"], median["load"], median["pass"], len(runs)))
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
