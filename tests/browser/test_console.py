"""The console as its users meet it, in Chromium: logging in and out, every page with
data, a chart and its table, a search, the enterprise's own view, the regulators'
actions, the languages, and a form posted without its CSRF token."""

import re
from datetime import UTC, datetime, timedelta

import httpx
from playwright.sync_api import BrowserContext, Page

from app.console.session import COOKIE
from tests.browser.world import (
    BYSTANDER,
    CLEARED,
    DECLARED,
    PLATFORM,
    STRANGER,
    ConsoleWorld,
    log_in,
    screenshot,
)
from tests.support.service import ADMIN


def _cookie(context: BrowserContext) -> dict[str, object]:
    (found,) = [c for c in context.cookies() if c["name"] == COOKIE]
    return dict(found)


def test_a_regulator_logs_in_with_a_key_and_gets_a_safe_session_cookie(
    console_world: ConsoleWorld, page: Page, context: BrowserContext
) -> None:
    page.goto(f"{console_world.url}/console")
    assert page.url.endswith("/console/login")
    screenshot(page, "login")
    page.fill("#key", "not-a-key-of-ours")
    page.click("#login")
    assert "not valid" in page.inner_text(".problem")
    log_in(page, console_world, console_world.regulator_key)
    assert page.url.endswith("/console/overview")
    cookie = _cookie(context)
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Strict"
    assert cookie["path"] == "/console"
    # The key itself is not in the cookie.
    assert console_world.regulator_key not in str(cookie["value"])
    assert console_world.regulator_key[-12:] not in str(cookie["value"])


def test_every_page_renders_with_data(console_world: ConsoleWorld, page: Page) -> None:
    log_in(page, console_world, console_world.regulator_key)

    answer = page.goto(f"{console_world.url}/console/overview")
    assert answer is not None
    assert answer.status == 200
    assert answer.headers["cache-control"] == "no-store"
    assert page.inner_text("#card-declarations .big") == str(DECLARED)
    # Three cleared of the three decided.
    assert page.inner_text("#card-clearance-rate .big") == "100.0%"
    assert page.locator("#chart-refusals tbody tr").count() >= 1
    assert page.locator("#dead-letters tbody tr").count() == 1
    assert "127.0.0.1:9/hooks" in page.inner_text("#webhooks")
    assert "secret-token" not in page.content()
    # The agency whose message died has a dead letter; the others are well.
    dead = console_world.dead_letter_destination
    assert page.inner_text(f"#agency-{dead} .health") == "dead letters"
    assert page.locator(".health-healthy").count() == 3
    screenshot(page, "overview")

    page.goto(f"{console_world.url}/console/declarations")
    assert page.locator("#results tbody tr").count() == DECLARED
    screenshot(page, "declarations")

    cleared = console_world.cleared[0]
    page.goto(f"{console_world.url}/console/declarations/{cleared}")
    assert console_world.order_nos[cleared] in page.inner_text("h1")
    assert page.locator("#agencies tbody tr").count() == 4
    assert page.locator("#timeline li").count() >= 2
    # A regulator sees the buyer's ID number in full; amounts have two decimals.
    documents = page.inner_text("#document-order")
    assert re.search(r"\b[0-9]{17}[0-9X]\b", documents)
    assert "268.00" in documents or re.search(r"\b[0-9]+\.[0-9]{2}\b", documents)
    screenshot(page, "declaration")

    page.goto(f"{console_world.url}/console/enterprises")
    assert page.locator("#results tbody tr").count() == 6
    screenshot(page, "enterprises")

    page.goto(f"{console_world.url}/console/enterprises/{PLATFORM}")
    assert page.inner_text("#filing-status") == "active"
    assert page.locator("#grade-form").count() == 1
    screenshot(page, "enterprise")

    page.goto(f"{console_world.url}/console/index")
    month = console_world.declared_at.strftime("%Y-%m")
    row = page.locator(f'#index-table tr[data-month="{month}"] td')
    assert row.nth(0).inner_text() == str(DECLARED)
    assert row.nth(4).inner_text() == "1"  # the refused submission
    screenshot(page, "index")

    with page.expect_download() as download:
        page.click("#download")
    text = download.value.path().read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0].startswith("month,declarations,declaredValue,taxTotal")
    (current,) = [line for line in lines if line.startswith(month)]
    assert current.split(",")[1] == str(DECLARED)


def test_a_chart_has_its_numbers_in_the_table_beside_it(
    console_world: ConsoleWorld, page: Page
) -> None:
    log_in(page, console_world, console_world.regulator_key)
    page.goto(f"{console_world.url}/console/overview")
    for chart in ("#chart-by-day", "#chart-by-hour", "#chart-by-status"):
        bars = page.locator(f"{chart} svg rect.bar")
        rows = page.locator(f"{chart} table tbody tr")
        assert bars.count() == rows.count() > 0
        total = 0
        for i in range(bars.count()):
            bar, row = bars.nth(i), rows.nth(i)
            assert bar.get_attribute("data-label") == row.get_attribute("data-label")
            assert bar.get_attribute("data-value") == row.get_attribute("data-value")
            assert row.locator("td").nth(1).inner_text() == row.get_attribute("data-value")
            total += int(row.get_attribute("data-value") or 0)
        assert total == DECLARED, chart
    day = console_world.declared_at.date().isoformat()
    assert page.locator(f'#chart-by-day tr[data-label="{day}"] td').nth(1).inner_text() == str(
        DECLARED
    )
    # The tallest bar is that day's, the only one with declarations (the last, or the one
    # before it just after midnight).
    heights = [
        float(h or 0)
        for h in page.locator("#chart-by-day svg rect.bar").evaluate_all(
            "bars => bars.map(b => b.getAttribute('height'))"
        )
    ]
    labels = page.locator("#chart-by-day svg rect.bar").evaluate_all(
        "bars => bars.map(b => b.getAttribute('data-label'))"
    )
    assert heights[labels.index(day)] == max(heights) > 0


def test_the_date_range_picker_narrows_the_overview(
    console_world: ConsoleWorld, page: Page
) -> None:
    log_in(page, console_world, console_world.regulator_key)
    page.goto(f"{console_world.url}/console/overview")
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    page.fill('#range input[name="createdFrom"]', yesterday)
    page.fill('#range input[name="createdTo"]', yesterday)
    page.click('#range button[type="submit"]')
    page.wait_for_url(f"**createdTo={yesterday}")
    assert page.inner_text("#card-declarations .big") == "0"
    assert page.locator("#chart-by-day svg rect.bar").count() == 1
    assert page.locator("#chart-by-day tbody tr").first.get_attribute("data-label") == yesterday
    # Dates it cannot use: the last 30 days, and a word saying so.
    page.goto(f"{console_world.url}/console/overview?createdFrom=someday")
    assert page.locator(".notice").count() == 1
    assert page.locator("#chart-by-day svg rect.bar").count() == 30
    assert page.inner_text("#card-declarations .big") == str(DECLARED)


def test_a_search_finds_a_declaration(console_world: ConsoleWorld, page: Page) -> None:
    log_in(page, console_world, console_world.regulator_key)
    wanted = console_world.declaration_ids[5]
    page.goto(f"{console_world.url}/console/declarations")
    page.fill('#search input[name="orderNo"]', console_world.order_nos[wanted])
    page.click('#search button[type="submit"]')
    rows = page.locator("#results tbody tr")
    assert rows.count() == 1
    assert rows.first.get_attribute("data-id") == wanted
    rows.first.locator("a").click()
    page.wait_for_url(f"**/console/declarations/{wanted}")
    assert console_world.order_nos[wanted] in page.inner_text("h1")

    page.goto(f"{console_world.url}/console/declarations")
    page.fill('#search input[name="logisticsNo"]', console_world.waybills[wanted])
    page.select_option('#search select[name="status"]', "accepted")
    page.click('#search button[type="submit"]')
    assert page.locator("#results tbody tr").count() == 1

    page.goto(f"{console_world.url}/console/declarations")
    page.select_option('#search select[name="status"]', "cleared")
    page.click('#search button[type="submit"]')
    assert page.locator("#results tbody tr").count() == CLEARED

    page.goto(f"{console_world.url}/console/declarations?orderNo=NO-SUCH-ORDER")
    assert page.locator("#no-results").count() == 1


def test_an_enterprise_key_sees_its_own_view_and_never_the_regulators(
    console_world: ConsoleWorld, page: Page
) -> None:
    log_in(page, console_world, console_world.keys[PLATFORM])
    assert page.url.endswith("/console/declarations")
    assert page.locator("#results tbody tr").count() == DECLARED
    nav = page.inner_text("nav.main")
    assert "Overview" not in nav
    assert "Enterprises" not in nav
    screenshot(page, "enterprise-declarations")
    # Masked as the API masks them for everyone but regulators.
    page.goto(f"{console_world.url}/console/declarations/{console_world.declaration_ids[0]}")
    assert "*" in page.inner_text("#document-order")
    for regulators_page in ("overview", "enterprises", "index", "index.csv"):
        answer = page.goto(f"{console_world.url}/console/{regulators_page}")
        assert answer is not None
        assert answer.status == 403, regulators_page
    answer = page.goto(f"{console_world.url}/console/enterprises/{STRANGER.customs_code}")
    assert answer is not None
    assert answer.status == 404
    answer = page.goto(f"{console_world.url}/console/enterprises/{PLATFORM}")
    assert answer is not None
    assert answer.status == 200
    assert page.locator("#actions").count() == 0

    # A platform that is party to none of them sees none, and reads none.
    page.context.clear_cookies()
    log_in(page, console_world, console_world.keys[STRANGER.customs_code])
    assert page.locator("#results tbody tr").count() == 0
    answer = page.goto(
        f"{console_world.url}/console/declarations/{console_world.declaration_ids[0]}"
    )
    assert answer is not None
    assert answer.status == 404
    answer = page.goto(f"{console_world.url}/console/declarations?party={PLATFORM}")
    assert page.locator("#results tbody tr").count() == 0


def test_a_form_posted_without_its_csrf_token_is_refused(
    console_world: ConsoleWorld, page: Page, context: BrowserContext
) -> None:
    log_in(page, console_world, console_world.regulator_key)
    page.goto(f"{console_world.url}/console/enterprises/{BYSTANDER.customs_code}")
    token = page.input_value('#grade-form input[name="csrf"]')
    cookies = {COOKIE: str(_cookie(context)["value"])}
    action = f"{console_world.url}/console/enterprises/{BYSTANDER.customs_code}/credit-grade"
    filing = f"{console_world.url}/v1/enterprises/{BYSTANDER.customs_code}"
    before = httpx.get(filing, headers=ADMIN).json()["creditGrade"]
    wanted = "advanced" if before == "discredited" else "discredited"
    form = {"creditGrade": wanted, "reason": "forged"}
    with httpx.Client(cookies=cookies) as raw:
        assert raw.post(action, data=form).status_code == 403
        assert raw.post(action, data=form | {"csrf": token[:-2] + "xx"}).status_code == 403
        assert raw.post(action, json=form | {"csrf": token}).status_code == 403
        assert httpx.get(filing, headers=ADMIN).json()["creditGrade"] == before
        # The same form with the session's token goes through.
        done = raw.post(action, data=form | {"csrf": token, "reason": "checked"})
        assert done.status_code == 303
    assert httpx.get(filing, headers=ADMIN).json()["creditGrade"] == wanted
    # The logout form is protected the same way.
    with httpx.Client(cookies=cookies) as raw:
        assert raw.post(f"{console_world.url}/console/logout").status_code == 403


def test_a_regulator_grades_suspends_and_reinstates_a_filing(
    console_world: ConsoleWorld, page: Page
) -> None:
    log_in(page, console_world, console_world.regulator_key)
    code = BYSTANDER.customs_code
    page.goto(f"{console_world.url}/console/enterprises/{code}")
    page.select_option('#grade-form select[name="creditGrade"]', "advanced")
    page.fill('#grade-form input[name="reason"]', "AEO certification granted")
    page.click('#grade-form button[type="submit"]')
    assert page.inner_text("#done") == "The credit grade was set."
    assert page.inner_text("#credit-grade") == "advanced"

    page.fill('#status-form input[name="reason"]', "false declarations under review")
    page.click('#status-form button[type="submit"]')
    assert page.inner_text("#filing-status") == "suspended"
    screenshot(page, "enterprise-suspended")
    page.fill('#status-form input[name="reason"]', "review closed")
    page.click('#status-form button[type="submit"]')
    assert page.inner_text("#filing-status") == "active"

    # Each action is in the audit trail, by this regulator, with its reason.
    feed = httpx.get(
        f"{console_world.url}/v1/regulator/feed", params={"limit": 200}, headers=ADMIN
    ).json()["items"]
    mine = [i for i in feed if i["subjectId"] == code and i["kind"].startswith("filing.")]
    kinds = [i["kind"] for i in mine]
    assert kinds[-3:] == ["filing.graded", "filing.suspended", "filing.reinstated"]
    assert all(i["actor"].startswith("regulator:customs:") for i in mine[-3:])
    assert mine[-3]["data"]["reason"] == "AEO certification granted"


def test_the_language_follows_the_browser_and_switches(
    console_world: ConsoleWorld, context: BrowserContext
) -> None:
    browser = context.browser
    assert browser is not None
    chinese = browser.new_context(locale="zh-CN")
    try:
        page = chinese.new_page()
        page.goto(f"{console_world.url}/console/login")
        assert page.inner_text("h1") == "登录"
        log_in(page, console_world, console_world.regulator_key)
        assert page.inner_text("h1") == "概览"
        screenshot(page, "overview-zh")
        page.click('a[hreflang="en"]')
        assert page.inner_text("h1") == "Overview"
        # Remembered: the next page is English too.
        page.goto(f"{console_world.url}/console/declarations")
        assert page.inner_text("h1") == "Declarations"
        page.click('a[hreflang="zh-CN"]')
        assert page.inner_text("h1") == "申报单"
    finally:
        chinese.close()


def test_logging_out_ends_the_session(
    console_world: ConsoleWorld, page: Page, context: BrowserContext
) -> None:
    log_in(page, console_world, console_world.regulator_key)
    sealed = str(_cookie(context)["value"])
    page.click("#logout")
    page.wait_for_url("**/console/login?out=1")
    assert page.inner_text(".notice") == "You have logged out."
    assert [c for c in context.cookies() if c["name"] == COOKIE and c["value"] == sealed] == []
    page.goto(f"{console_world.url}/console/overview")
    assert "/console/login" in page.url
