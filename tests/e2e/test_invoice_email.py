"""An invoice reaches the client: finance issues and sends a draft in the page; a local SMTP sink (aiosmtpd, started
here) receives one message per billing contact with the PDF attached; the client's portal user then sees the
invoice with its balance and downloads its PDF."""

from __future__ import annotations

import email
import socket
from email import policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from baton.core.access import Actor
from baton.crm.services import contact_create
from baton.devdata.testing.personas import PASSWORD
from baton.finance import services
from baton.finance.models import Invoice

from .conftest import ARTIFACTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


class Sink:
    """An aiosmtpd handler keeping every message it receives, with the recipients it was sent to."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # aiosmtpd calls this hook
        message = email.message_from_bytes(envelope.content, policy=policy.default)  # type: ignore[attr-defined]
        self.received.append((list(envelope.rcpt_tos), message))  # type: ignore[attr-defined, arg-type]
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_sink(settings):
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    try:
        yield sink
    finally:
        controller.stop()


def login(page, base: str, who: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Email").fill(who)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/")


def test_issue_and_send_reaches_the_billing_contacts_and_the_portal(live_server, personas, browser, smtp_sink):
    base = live_server.url
    system = Actor.system(personas.workspace)
    for name, address in (("Ada Payables", "ap@client-a.test"), ("Cy Controller", "cfo@client-a.test")):
        contact_create(actor=system, client=personas.client_a, name=name, email=address, is_billing=True)
    lines = [{"description": "Website redesign, phase 1", "quantity": "1", "unit_price": "2400.00"}]
    draft = services.invoice_create(actor=system, client_id=personas.client_a.id, lines=lines, tax_rate="10")

    finance = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    login(finance, base, personas["finance"].email)
    finance.goto(f"{base}/finance/invoices/{draft.pk}/")
    finance.get_by_text("Issue and send", exact=True).click()
    finance.get_by_role("button", name="Issue and e-mail it").click()
    finance.get_by_text("was issued and e-mailed to").wait_for()
    invoice = Invoice.objects.get(pk=draft.pk)
    assert invoice.status == "sent" and invoice.number and invoice.emailed_at is not None
    ARTIFACTS.mkdir(exist_ok=True)
    finance.screenshot(path=str(ARTIFACTS / "invoice-sent.png"), full_page=True)

    # One message per billing contact (not to the primary contact, Cara), each with the PDF attached.
    assert sorted(rcpt for rcpts, _ in smtp_sink.received for rcpt in rcpts) == [
        "ap@client-a.test",
        "cfo@client-a.test",
    ]
    assert all(len(rcpts) == 1 for rcpts, _ in smtp_sink.received)
    for _, message in smtp_sink.received:
        assert invoice.number in message["Subject"]
        body = message.get_body(preferencelist=("plain",))
        assert body is not None and "2,640.00" in body.get_content() and "/relationships/portal/" in body.get_content()
        attachments = list(message.iter_attachments())
        assert [a.get_filename() for a in attachments] == [f"{invoice.number}.pdf"]
        assert attachments[0].get_content_type() == "application/pdf"
        assert attachments[0].get_content().startswith(b"%PDF")

    # The client's portal user sees it with its balance and downloads the PDF.
    client = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    login(client, base, personas["client_a"].email)
    client.goto(f"{base}/relationships/portal/")
    row = client.locator(f"#portal-invoice-{invoice.pk}")
    row.wait_for()
    assert invoice.number in row.inner_text() and "2,640.00" in row.inner_text()
    width = client.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the portal scrolls sideways at 390 px ({width})"
    with client.expect_download() as download:
        row.get_by_role("link", name="PDF").click()
    path = download.value.path()
    assert download.value.suggested_filename == f"{invoice.number}.pdf"
    with open(path, "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
    client.screenshot(path=str(ARTIFACTS / "portal-invoices.png"), full_page=True)
