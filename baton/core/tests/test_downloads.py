"""Every list page and report offers its rows as CSV and XLSX: the download (`?format=csv|xlsx` on the page's URL)
holds the page's rows, with the page's headers, for each role, and nothing the page hides from that role.

One demo agency (devdata's, at a fixed moment) is read by the owner, a finance lead, a project manager and a
member; each page is compared with its download: the header cells of the page's table each begin a column of the
file (units aside: the page's "Hours" is the file's "Hours (h)" and "Hours (min)"), the file has as many rows as the
page's table over all its pages (a list of cards or items: one row per card), the XLSX has the CSV's header and rows,
and the file costs no more queries than the page (no N+1 however many rows)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from lxml import html
from openpyxl import load_workbook

from baton.core import access
from baton.core.access import Actor
from baton.core.models import Membership
from baton.core.selectors import event_list
from baton.crm.models import Client
from baton.delivery.models import Project
from baton.devdata.demo.agency import DEMO_PASSWORD
from baton.devdata.demo.agency import generate as generate_demo
from baton.devdata.testing.finance import log, make_project
from baton.devdata.testing.personas import PASSWORD

pytestmark = pytest.mark.django_db
MOMENT = datetime(2026, 11, 18, 12, tzinfo=UTC)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ALL = "//main//table"
ALL_ITEMS = "//main//ul[contains(@class, 'handoff-list')]/li[not(contains(@class, 'empty'))]"  # a page of several tables (groups): the file holds the rows of all of them
# page URL -> which tables of the page the download is (an XPath), or None for the first table of <main>.
PAGES: dict[str, str | None] = {
    "/clients/": None,
    "/people/": None,
    "/projects/": None,
    "/projects/tasks/?status=blocked": None,
    "/projects/tasks/?status=in_progress": None,
    "/projects/my-tasks/": ALL,
    "/time/entries/?week=2026-11-09": None,
    "/time/approvals/": None,
    "/finance/": "//table[contains(@class, 'budgets')]",
    "/finance/invoices/": None,
    "/finance/profitability/?group_by=project": None,
    "/finance/profitability/?group_by=month&from=2026-01-01": None,
    "/finance/pnl/?part=account_manager": "(//main//table)[1]",
    "/finance/pnl/?part=client": "(//main//table)[2]",
    "/finance/rates/?part=bill": "//section[@aria-labelledby='bill-h']//table",
    "/finance/rates/?part=people": "//section[@aria-labelledby='people-h']//table",
    "/finance/rates/?part=cost": "//section[@aria-labelledby='cost-h']//table",
    "/finance/rates/?part=exchange": "//section[@aria-labelledby='fx-h']//table",
    "/schedule/time-off/": "//section[@aria-labelledby='list-h']//table",
    "/schedule/time-off/?part=pending": "//section[@aria-labelledby='pending-h']//table",
    "/schedule/utilization/": "//table[@id='utilization']",
    "/schedule/utilization/?group_by=month&to_date=0&from=2026-09-01&to=2026-12-31": "//table[@id='utilization']",
    "/schedule/utilization/?part=demand": "//table[contains(@class, 'demand')]",
    "/schedule/utilization/?part=forecast": "//table[@id='forecast']",
    "/schedule/?start=2026-11-16": "//main//a[contains(concat(' ', @class, ' '), ' bar ')]",
    "/schedule/?start=2026-09-07&scale=weeks": "//main//a[contains(concat(' ', @class, ' '), ' bar ')]",
    "/handoffs/all/": "//ul[contains(@class, 'handoff-list')]",
    "/handoffs/": ALL_ITEMS,
    "/notifications/": "//ul[@id='notification-list']",
    "/growth/team/": "//table[contains(@class, 'team-grid')]",
    "/automation/": None,
    "/relationships/deals/": "//article[contains(@class, 'deal')]",
    "/relationships/portfolio/": None,
    "/relationships/escalations/": "//main//section[contains(@class, 'card')]",
    "/relationships/escalations/?status=resolved": "//main//section[contains(@class, 'card')]",
    "/handoffs/dashboard/?part=by_kind": "//section[@aria-labelledby='kinds-h']//table",
    "/handoffs/dashboard/?part=by_team": "//section[@aria-labelledby='teams-h']//table",
    "/handoffs/dashboard/?part=by_month&date_from=2026-01-01&date_to=2026-11-18": "//section[@aria-labelledby='months-h']//table",
}
# The page heads these columns in words the file does not use: the demand's weeks are ISO dates in the file.
OWN_HEADERS = {"/schedule/utilization/?part=demand"}
FINANCE = [url for url in PAGES if url.startswith("/finance/")]
STAFF_PAGES = [
    "/clients/",
    "/projects/",
    "/projects/tasks/?status=in_progress",
    "/projects/my-tasks/",
    "/time/entries/?week=2026-11-09",
    "/schedule/time-off/",
    "/schedule/utilization/",
    "/handoffs/all/",
    "/handoffs/",
    "/schedule/?start=2026-11-16",
    "/notifications/",
]
# who reads them: role e-mail -> the pages that role may open
READERS = {
    "owner@demo.baton.test": list(PAGES),
    "finance@demo.baton.test": ["/people/", "/time/approvals/", *FINANCE],
    "pm@demo.baton.test": [*STAFF_PAGES, "/people/", "/time/approvals/", "/relationships/portfolio/"],
    "member@demo.baton.test": STAFF_PAGES,
}


def page_table(body: bytes, selector: str | None) -> tuple[list[str], int, int]:
    """The header cells and the number of data rows of the page's table (a row spanning all columns, "nothing
    matches", is not a data row), and how many pages the list has."""
    tree = html.fromstring(body)
    spans = [" ".join(span.text_content().split()) for span in tree.xpath("//nav[@class='pager']/span")]
    pager = next((text for text in spans if text.startswith("Page ")), "")  # not the schedule's range
    pages = int(pager.rsplit(" ", 1)[-1]) if pager else 1
    tables = tree.xpath(selector or "(//main//table)[1]")
    if not tables:
        return [], 0, pages
    for hidden in tables[0].xpath(".//*[contains(@class, 'visually-hidden')]"):  # "Actions", "Decision"
        hidden.drop_tree()
    header = [" ".join(th.text_content().split()) for th in tables[0].xpath("./thead//th")]
    if tables[0].tag in ("ul", "ol"):  # a list: its items, without the "nothing matches" one
        items = tables[0].xpath("./li[not(contains(@class, 'empty')) and not(contains(@class, 'muted'))]")
        return [], len(items), pages
    if tables[0].tag != "table":  # a page of cards (a board, escalations): one row per card
        return [], len(tables), pages
    rows = [
        tr for t in tables for tr in t.xpath("./tbody/tr|./tfoot/tr") if not tr.xpath("./td[@colspan][count(../*) = 1]")
    ]
    return [h for h in header if h], len(rows), pages


def words(header: str) -> list[str]:
    """A header's words, without the units the page writes as "h" and the file as "(h)" or "(min)"."""
    return [w.rstrip(":") for w in header.replace("(", " ").replace(")", " ").split() if w not in ("h", "min")]


def csv_rows(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def xlsx_rows(body: bytes) -> list[tuple[object, ...]]:
    return list(load_workbook(io.BytesIO(body), read_only=True).active.iter_rows(values_only=True))


def check(web: HttpClient, url: str, selector: str | None) -> list[str]:
    problems = []
    with CaptureQueriesContext(connection) as page_queries:
        page = web.get(url)
    if page.status_code != 200:
        return [f"{url}: page {page.status_code}"]
    if b"data-download=" not in page.content:
        problems.append(f"{url}: no download links on the page")
    header, count, pages = page_table(page.content, selector)
    join = "&" if "?" in url else "?"
    for number in range(2, pages + 1):  # a paginated list: the file holds every page
        count += page_table(web.get(f"{url}{join}page={number}").content, selector)[1]
    with CaptureQueriesContext(connection) as file_queries:
        got = web.get(f"{url}{join}format=csv")
    # every page's rows at once, in no more queries than one page costs (plus the paginated count): never N+1
    if len(file_queries) > len(page_queries) + 2:
        problems.append(f"{url}: {len(file_queries)} queries for the file, {len(page_queries)} for the page")
    if got.status_code != 200 or got["Content-Type"] != "text/csv; charset=utf-8":
        return [f"{url}: csv {got.status_code} {got.get('Content-Type')}"]
    rows = csv_rows(got.content)
    names = [words(name) for name in rows[0]]
    missing = [h for h in header if url not in OWN_HEADERS and not any(n[: len(words(h))] == words(h) for n in names)]
    if missing:
        problems.append(f"{url}: page columns {missing} not in {rows[0]}")
    if len(rows) - 1 != count:
        problems.append(f"{url}: {len(rows) - 1} rows in the file, {count} on the page")
    got = web.get(f"{url}{join}format=xlsx")
    if got.status_code != 200 or got["Content-Type"] != XLSX:
        return [*problems, f"{url}: xlsx {got.status_code}"]
    sheet = xlsx_rows(got.content)
    if [str(c) for c in sheet[0]] != rows[0] or len(sheet) != len(rows):
        problems.append(f"{url}: the xlsx and the csv differ")
    return problems


@time_machine.travel(MOMENT, tick=False)
def test_every_download_matches_its_page():
    workspace = generate_demo(size="demo")
    problems = []
    for email, urls in READERS.items():
        web = HttpClient()
        assert web.login(email=email, password=DEMO_PASSWORD)
        for url in urls:
            problems += [f"{email} {p}" for p in check(web, url, PAGES[url])]
    assert not problems, "\n".join(problems)

    # A client's contacts, on the client's page.
    client = Client.objects.filter(workspace=workspace, contacts__isnull=False).distinct().first()
    web = HttpClient()
    assert web.login(email="owner@demo.baton.test", password=DEMO_PASSWORD)
    problems += check(web, f"/clients/{client.pk}/", "//section[@id='contacts']//table")
    # A client's decisions (its knowledge page) and touchpoints (its account page): one row per item listed.
    client = Client.objects.filter(workspace=workspace, decisions__isnull=False, touchpoints__isnull=False).first()
    problems += check(web, f"/clients/{client.pk}/knowledge/", "//ol[contains(@class, 'decisions')]")
    problems += check(web, f"/relationships/accounts/{client.pk}/", "//section[@id='touchpoints']/ul")

    # A project's money page: its expenses and its change orders, each a download of its own.
    project = Project.objects.filter(workspace=workspace, expenses__isnull=False).distinct().first()
    assert project is not None
    web = HttpClient()
    assert web.login(email="finance@demo.baton.test", password=DEMO_PASSWORD)
    for part, section in (("expenses", "expenses-h"), ("change_orders", "scope-h")):
        url = f"/finance/projects/{project.pk}/?part={part}"
        problems += check(web, url, f"//section[@aria-labelledby='{section}']//table")
    assert not problems, "\n".join(problems)

    # The activity page folds Baton's repeated events into one line; its file lists every event the filter keeps.
    web = HttpClient()
    assert web.login(email="pm@demo.baton.test", password=DEMO_PASSWORD)
    actor = Actor.for_membership(Membership.objects.get(workspace=workspace, user__email="pm@demo.baton.test"))
    for query, events in (
        ("", event_list(actor=actor)),
        ("?who=people", event_list(actor=actor).filter(actor_id__isnull=False)),
    ):
        rows = csv_rows(web.get(f"/activity/{query}{'&' if query else '?'}format=csv").content)
        assert rows[0] == ["When", "Who", "What", "Target", "Event"]
        assert len(rows) - 1 == events.count() > 0, query


@pytest.mark.parametrize(
    "url",
    [
        "/finance/?format=csv",
        "/finance/profitability/?format=xlsx",
        "/finance/pnl/?format=csv&part=client",
        "/finance/invoices/?format=csv",
        "/time/approvals/?format=csv",
        "/relationships/portfolio/?format=csv",
    ],
)
def test_a_member_cannot_download_what_it_cannot_open(personas, url):
    web = HttpClient()
    assert web.login(email=personas["member"].email, password=PASSWORD)
    assert web.get(url.split("?")[0]).status_code == 403
    response = web.get(url)
    assert response.status_code == 403
    assert "attachment" not in response.get("Content-Disposition", "")


def test_a_download_hides_the_amounts_its_page_hides(personas):
    """A member's time entries come without bill rates, amounts and costs, as on the page; a finance lead's with."""
    project = make_project(personas)
    log(personas, "member", project, 90)
    for name, amounts in (("member", False), ("finance", True)):
        web = HttpClient()
        assert web.login(email=personas[name].email, password=PASSWORD)
        header = csv_rows(web.get("/time/entries/?format=csv").content)[0]
        assert ("Amount" in header) is amounts and ("Cost (USD)" in header) is amounts, (name, header)
        people = csv_rows(web.get("/people/?format=csv").content)[0]
        assert ("Cost rate (USD)" in people) is access.can_see_rates(personas[name].actor)


@pytest.mark.parametrize("url", ["/finance/invoices/", "/projects/", "/clients/"])
def test_a_client_user_gets_no_download(personas, url):
    """A client reads its pages (what it may see passes core.client_view); it gets neither the links nor a file."""
    web = HttpClient()
    assert web.login(email=personas["client_a"].email, password=PASSWORD)
    page = web.get(url)
    assert page.status_code == 200 and b'class="downloads"' not in page.content
    assert web.get(f"{url}?format=csv").status_code == 403
