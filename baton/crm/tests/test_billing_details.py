"""Billing details through the pages: the seller's (workspace settings), the buyer's (the client form) and billing
contacts (the contact form); bad input answers on the field that is wrong and saves nothing."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from baton.core.models import Workspace
from baton.crm.models import Client, Contact
from baton.devdata.testing.personas import PASSWORD

pytestmark = pytest.mark.django_db


def logged_in(personas, who: str) -> HttpClient:
    client = HttpClient()
    assert client.login(email=personas[who].email, password=PASSWORD)
    return client


def settings_post(workspace: Workspace, **changes: object) -> dict[str, object]:
    return {
        "name": workspace.name,
        "currency": workspace.currency,
        "locale": workspace.locale or "",
        "max_portfolio_size": workspace.max_portfolio_size,
        "version": workspace.version,
        **changes,
    }


def test_the_workspace_settings_page_edits_the_sellers_billing_details(personas):
    owner = logged_in(personas, "owner")
    page = owner.get("/workspace/settings/").content.decode()
    assert "<legend>Billing details</legend>" in page and 'name="iban"' in page and 'name="vat_id"' in page
    workspace = Workspace.objects.get(pk=personas.workspace.pk)

    bad = owner.post("/workspace/settings/", settings_post(workspace, country="Germany", payment_terms_days="-3"))
    assert bad.status_code == 400
    body = bad.content.decode()
    assert 'id="id_country_error"' in body and 'id="id_payment_terms_days_error"' in body
    assert Workspace.objects.get(pk=workspace.pk).country == ""  # nothing saved

    details = {
        "legal_name": "Studio GmbH",
        "address": "Torstrasse 1\r\n10119 Berlin",
        "country": "de",
        "vat_id": "de 123 456 789",
        "bank_name": "Sparkasse",
        "iban": "DE89 3704 0044 0532 0130 00",
        "bic": "COBADEFFXXX",
        "payment_terms_days": "21",
    }
    response = owner.post("/workspace/settings/", settings_post(workspace, **details))
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = Workspace.objects.get(pk=workspace.pk)
    assert (saved.legal_name, saved.country, saved.vat_id) == ("Studio GmbH", "DE", "DE123456789")
    assert (saved.iban, saved.bic, saved.payment_terms_days) == ("DE89370400440532013000", "COBADEFFXXX", 21)

    # A post without the billing fields (an older form) leaves them as they are.
    response = owner.post("/workspace/settings/", settings_post(saved, name="Studio Two"))
    assert response.status_code == 302
    kept = Workspace.objects.get(pk=workspace.pk)
    assert kept.name == "Studio Two" and kept.legal_name == "Studio GmbH" and kept.payment_terms_days == 21


def test_the_client_form_takes_the_buyers_legal_details(personas):
    owner = logged_in(personas, "owner")
    client = personas.client_a
    form = owner.get(f"/clients/{client.id}/edit/").content.decode()
    for name in ("legal_name", "address", "country", "vat_id", "number"):
        assert f'name="{name}"' in form, name
    post = {
        "name": client.name,
        "status": client.status,
        "account_manager_id": client.account_manager_id,
        "currency": client.currency,
        "version": Client.objects.get(pk=client.pk).version,
        "legal_name": "Client A SAS",
        "address": "1 rue de Rivoli\r\n75001 Paris",
        "country": "France",
        "vat_id": "FR 12345678901",
        "number": "C-0042",
    }
    bad = owner.post(f"/clients/{client.id}/edit/", post)
    assert bad.status_code == 400 and 'id="id_country_error"' in bad.content.decode()
    assert Client.objects.get(pk=client.pk).legal_name == ""

    assert owner.post(f"/clients/{client.id}/edit/", post | {"country": "fr"}).status_code == 302
    saved = Client.objects.get(pk=client.pk)
    assert (saved.legal_name, saved.country, saved.vat_id, saved.number) == (
        "Client A SAS",
        "FR",
        "FR12345678901",
        "C-0042",
    )
    page = owner.get(f"/clients/{client.id}/").content.decode()
    assert "Client A SAS" in page and "FR12345678901" in page and "C-0042" in page


def test_the_contact_form_marks_a_billing_contact(personas):
    owner = logged_in(personas, "owner")
    client = personas.client_a
    assert 'name="is_billing"' in owner.get(f"/clients/{client.id}/contacts/new/").content.decode()
    response = owner.post(
        f"/clients/{client.id}/contacts/new/", {"name": "Ada Payables", "email": "ap@a.test", "is_billing": "on"}
    )
    assert response.status_code == 302
    contact = Contact.objects.get(email="ap@a.test")
    assert contact.is_billing and not contact.is_primary
    assert "billing</span>" in owner.get(f"/clients/{client.id}/").content.decode()

    edit = {"name": contact.name, "email": contact.email, "version": contact.version}  # the box left unticked
    assert owner.post(f"/clients/contacts/{contact.id}/edit/", edit).status_code == 302
    assert not Contact.objects.get(pk=contact.pk).is_billing
