#!/usr/bin/env python3
"""The debtor portal in a real browser (headless Chromium driven by Selenium), end to end:

1. a fresh `kontor serve` (its own PostgreSQL) sending mail to a real SMTP server on loopback
   (Tests/Oracles/smtp_server.py, aiosmtpd);
2. three invoices for one customer; the invoice e-mails arrive, parse with Python's `email`
   package, and carry the customer's portal link;
3. the browser opens the link from the e-mail, sees the open items, disputes the first, pays
   the second with a sandbox card, and tries a bad IBAN on the third (the page names it);
4. the API then shows the dispute (source portal) and the second invoice paid; after the test
   clock moves 45 days on, dunning has reached the customer for the third item only — the
   disputed one waits.

Screenshots of every step go to SCREENSHOTS (default .build/browser-screenshots).
Usage: portal_browser.py KONTOR_BINARY"""
import email
import email.policy
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SHOTS = os.environ.get("SCREENSHOTS", os.path.join(ROOT, ".build", "browser-screenshots"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what, check, timeout=90, every=0.5):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")


def navigate_by(driver, element, timeout=30):
    """Clicks `element` (a link or a form's button) and returns once the next page has loaded.
    A click can return while the request is still being answered, so a check right after it
    may read the old page: wait until the old page is gone and the new one is complete."""
    old = driver.find_element(By.TAG_NAME, "html")
    element.click()

    def loaded():
        try:
            old.tag_name  # raises once the old page is gone
            return False
        except WebDriverException:
            # Stale, or (mid-navigation) "node does not belong to the document": gone either way.
            pass
        try:
            return driver.execute_script("return document.readyState") == "complete"
        except WebDriverException:  # the next page is still being committed
            return False
    wait_for("the page after the click", loaded, timeout=timeout, every=0.1)


class API:
    def __init__(self, base, key):
        self.base, self.key = base, key

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Authorization", f"Bearer {self.key}")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, json.loads(r.read() or b"{}")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"{}")

    def ok(self, method, path, body=None):
        status, answer = self.call(method, path, body)
        assert 200 <= status < 300, f"{method} {path}: {status} {answer}"
        return answer


def shot(driver, name):
    os.makedirs(SHOTS, exist_ok=True)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, max(900, min(height + 40, 4000)))
    path = os.path.join(SHOTS, name + ".png")
    driver.save_screenshot(path)
    print("screenshot", path)


def start_kontor(kontor, state, extra_env):
    """`kontor serve` on a free loopback port with its own PostgreSQL in `state`; waits until it
    answers /health and has written its API key. Returns (process, base URL, API)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, KONTOR_PUBLIC_URL=base, **extra_env)
    log = open(os.path.join(state, "serve.log"), "w")
    serve = subprocess.Popen([kontor, "serve", "--port", str(port), "--state-directory", state,
                              "--log-level", "warning"], env=env, stdout=log, stderr=subprocess.STDOUT)

    def healthy():
        try:
            urllib.request.urlopen(base + "/health", timeout=2)
            return os.path.exists(os.path.join(state, "api-key"))
        except Exception:
            assert serve.poll() is None, open(os.path.join(state, "serve.log")).read()
            return False
    try:
        wait_for("kontor serve", healthy, timeout=180)
    except BaseException:
        serve.kill()
        raise
    return serve, base, API(base, open(os.path.join(state, "api-key")).read().strip())


def stop_kontor(serve, state, log_name):
    serve.terminate()
    try:
        serve.wait(timeout=20)
    except subprocess.TimeoutExpired:
        serve.kill()
    shutil.copy(os.path.join(state, "serve.log"), os.path.join(ROOT, ".build", log_name))
    shutil.rmtree(state, ignore_errors=True)


def main():
    kontor = os.path.abspath(sys.argv[1])
    state = tempfile.mkdtemp(prefix="kontor-browser-")
    os.chmod(state, 0o755)
    mailbox = os.path.join(state, "mailbox")
    smtp = subprocess.Popen([sys.executable, os.path.join(ROOT, "Tests", "Oracles", "smtp_server.py"), mailbox],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    smtp_port = int(smtp.stdout.readline())
    serve, base, api = start_kontor(kontor, state, {"KONTOR_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}"})
    driver = None
    try:
        api.ok("PATCH", "/v1/tenant", {"legal_name": "Beispiel Software GmbH", "address": "Hafenstraße 1\n20457 Hamburg\nDE",
                                      "vat_id": "DE136695976", "contact_email": "buchhaltung@beispiel.example",
                                      "bank_iban": "DE89370400440532013000", "bank_bic": "COBADEFFXXX"})
        # The tenant's test clock, frozen at now before anything is issued, moves on at the end.
        now = datetime.now(timezone.utc).replace(microsecond=0)
        api.ok("POST", "/v1/test_clock", {"frozen_time": now.isoformat().replace("+00:00", "Z")})
        customer = api.ok("POST", "/v1/customers", {
            "name": "Erika Mustermann", "kind": "consumer", "email": "erika@kunde.example", "locale": "de",
            "address": {"line1": "Heidestraße 17", "postal_code": "51147", "city": "Köln", "country": "DE"}})["id"]
        invoices = []
        for n, (what, cents) in enumerate([("Einrichtung", 10000), ("Schulung", 12500), ("Support Q3", 4990)]):
            invoices.append(api.ok("POST", "/v1/invoices", {
                "customer": customer, "currency": "EUR",
                "lines": [{"description": what, "quantity": 1, "unit_amount": cents}]}))
        numbers = [i["number"] for i in invoices]

        # The e-mails: one per invoice, each with the PDF and the portal link.
        def received():
            files = sorted(f for f in os.listdir(mailbox) if f.endswith(".eml")) if os.path.isdir(mailbox) else []
            return files if len(files) >= 3 else None
        files = wait_for("three invoice e-mails", received, timeout=120)
        messages = [email.message_from_bytes(open(os.path.join(mailbox, f), "rb").read(), policy=email.policy.default)
                    for f in files]
        for m in messages:
            assert m["To"] == "erika@kunde.example", m["To"]
            assert not m.defects, m.defects
            assert any(p.get_content_type() == "application/pdf" for p in m.iter_attachments())
        first = next(m for m in messages if numbers[0] in m["Subject"])
        text = first.get_body(preferencelist=("plain",)).get_content()
        link = re.search(r"(http://127\.0\.0\.1:\d+/portal/pt_[A-Za-z0-9_-]{43})", text).group(1)
        print("portal link from the e-mail:", link.split("/portal/")[0] + "/portal/pt_…")

        options = webdriver.ChromeOptions()
        for arg in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900",
                    "--lang=de-DE", "--disable-gpu"]:
            options.add_argument(arg)
        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        if chromium:
            options.binary_location = chromium
        driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
        driver.set_page_load_timeout(30)

        driver.get(link)
        shot(driver, "1-account")
        assert driver.find_element(By.TAG_NAME, "h1").text == "Ihr Kundenkonto"
        rows = {r.get_attribute("data-item"): r for r in driver.find_elements(By.CSS_SELECTOR, "tbody tr")}
        assert set(numbers) <= set(rows), (numbers, list(rows))

        # Dispute the first.
        navigate_by(driver, rows[numbers[0]].find_element(By.CSS_SELECTOR, "a.dispute"))
        shot(driver, "2-dispute-form")
        navigate_by(driver, driver.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        shot(driver, "3-dispute-empty")
        assert "Bitte schreiben Sie" in driver.find_element(By.ID, "err-message").text
        driver.find_element(By.ID, "field-message").send_keys("Die Einrichtung wurde nie durchgeführt.")
        navigate_by(driver, driver.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        shot(driver, "4-disputed")
        assert "ruhen die Mahnungen" in driver.find_element(By.CSS_SELECTOR, ".notice").text
        assert "beanstandet" in driver.find_element(By.ID, "item-" + invoices[0]["id"]).text

        # Pay the second by card.
        navigate_by(driver, driver.find_element(By.ID, "item-" + invoices[1]["id"]).find_element(By.CSS_SELECTOR, "a.pay"))
        shot(driver, "5-pay-form")
        driver.find_element(By.ID, "card-tok_visa").click()
        navigate_by(driver, driver.find_element(By.CSS_SELECTOR, "#card-h ~ form button[type=submit]"))
        shot(driver, "6-paid")
        assert numbers[1] in driver.find_element(By.CSS_SELECTOR, ".notice").text
        assert not driver.find_elements(By.ID, "item-" + invoices[1]["id"]), "a paid item is no longer open"

        # A bad IBAN on the third is named on the page.
        navigate_by(driver, driver.find_element(By.ID, "item-" + invoices[2]["id"]).find_element(By.CSS_SELECTOR, "a.pay"))
        driver.find_element(By.ID, "field-account_holder").send_keys("Erika Mustermann")
        driver.find_element(By.ID, "field-iban").send_keys("DE89 3704 0044 0532 0130 01")
        driver.find_element(By.ID, "field-mandate").click()
        navigate_by(driver, driver.find_element(By.CSS_SELECTOR, "#sepa-h ~ form button[type=submit]"))
        shot(driver, "7-bad-iban")
        assert "keine gültige IBAN" in driver.find_element(By.ID, "err-iban").text

        # What finance sees.
        disputes = api.ok("GET", f"/v1/disputes?customer={customer}&status=open")["data"]
        assert [(d["invoice"], d["source"]) for d in disputes] == [(invoices[0]["id"], "portal")], disputes
        assert api.ok("GET", f"/v1/invoices/{invoices[1]['id']}")["status"] == "paid"
        assert api.ok("GET", f"/v1/invoices/{invoices[2]['id']}")["status"] == "open"
        # 45 days on: dunning reaches the customer for the third item; the disputed one waits.
        later = (now + timedelta(days=45)).isoformat().replace("+00:00", "Z")
        api.ok("POST", "/v1/test_clock/advance", {"to": later})
        dunning = api.ok("GET", f"/v1/customers/{customer}/dunning")
        dunned = {i["invoice"] for n in dunning["notices"] for i in n["items"] if i["overdue"]}
        assert invoices[2]["id"] in dunned, dunning
        assert invoices[0]["id"] not in dunned, "the disputed item is not dunned"
        driver.get(link)
        shot(driver, "8-after-45-days")
        print("portal browser test passed:", len(os.listdir(SHOTS)), "screenshots in", SHOTS)
    finally:
        if driver:
            driver.quit()
        smtp.stdin.close()
        try:
            smtp.wait(timeout=5)
        except subprocess.TimeoutExpired:
            smtp.kill()
        stop_kontor(serve, state, "browser-serve.log")


if __name__ == "__main__":
    main()
