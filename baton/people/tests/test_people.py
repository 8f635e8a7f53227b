"""People: logins across workspaces, the owner rule, email uniqueness, working days, skills and money."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client as HttpClient

from baton.core.access import Actor
from baton.core.models import Membership, User
from baton.core.services import api_token_create
from baton.devdata.testing.personas import PASSWORD
from baton.people import services
from baton.people.models import Person


def post(api, url, data, **headers):
    return api.post(url, data, content_type="application/json", headers=headers)


def patch(api, url, data, version):
    return api.patch(url, data, content_type="application/json", headers={"If-Match": str(version)})


def fields(response) -> set[str]:
    return {e["field"] for e in response.json()["errors"]}


# --- One login, several workspaces ----------------------------------------------------------------------------


def test_person_create_reuses_the_user_of_another_workspace(personas):
    outsider_user = User.objects.get(email="outsider@elsewhere.test")
    users_before = User.objects.count()

    response = post(
        personas["owner"].api(),
        "/api/v1/people",
        {"name": "Otto Freelance", "email": "OUTSIDER@elsewhere.test", "role": "member", "password": "another-pw-1"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["email"] == "outsider@elsewhere.test"
    assert body["role"] == "member"

    assert User.objects.count() == users_before
    person = Person.objects.get(pk=body["id"])
    assert person.membership.user_id == outsider_user.id
    memberships = Membership.objects.filter(user=outsider_user).order_by("workspace__slug")
    assert [(m.workspace.slug, m.role) for m in memberships] == [("elsewhere", "owner"), ("studio", "member")]

    # The existing login keeps its password; a token for the new workspace acts as a member there.
    outsider_user.refresh_from_db()
    assert outsider_user.check_password(PASSWORD)
    assert not outsider_user.check_password("another-pw-1")
    _, raw = api_token_create(actor=Actor.system(personas.workspace), user=outsider_user)
    api = HttpClient(headers={"Authorization": f"Bearer {raw}"})
    me = api.get("/api/v1/me").json()
    assert me["workspace"]["slug"] == "studio"
    assert me["role"] == "member"
    assert {m["workspace_slug"] for m in me["memberships"]} == {"studio", "elsewhere"}
    assert api.post("/api/v1/clients", {"name": "X"}, content_type="application/json").status_code == 403
    # ...while the outsider's own token still acts as owner of the other workspace.
    assert personas["outsider"].api().get("/api/v1/me").json()["role"] == "owner"


def test_email_change_moves_the_login_only_when_no_other_workspace_uses_it(personas):
    owner = personas["owner"]
    member = personas["member"].person
    updated = services.person_update(
        actor=owner.actor, person=member, version=member.version, email="Designer@Studio.test"
    )
    assert updated.email == "designer@studio.test"
    assert User.objects.get(pk=member.membership.user_id).email == "designer@studio.test"

    shared = services.person_create(actor=owner.actor, name="Otto", email="outsider@elsewhere.test")
    services.person_update(actor=owner.actor, person=shared, version=shared.version, email="otto@studio.test")
    # The login is shared with another workspace: it keeps its email.
    assert User.objects.get(pk=shared.membership.user_id).email == "outsider@elsewhere.test"


# --- The last owner -------------------------------------------------------------------------------------------


def test_last_owner_cannot_be_demoted(personas):
    owner = personas["owner"]
    me = Person.objects.get(pk=owner.person.id)
    response = patch(owner.api(), f"/api/v1/people/{me.id}", {"role": "admin"}, me.version)
    assert response.status_code == 422
    assert fields(response) == {"role"}
    me.refresh_from_db()
    assert me.membership.role == "owner"
    assert me.version == owner.person.version


def test_last_owner_cannot_be_deactivated(personas):
    owner = personas["owner"]
    me = Person.objects.get(pk=owner.person.id)
    response = patch(owner.api(), f"/api/v1/people/{me.id}", {"active": False}, me.version)
    assert response.status_code == 422
    assert fields(response) == {"active"}
    archive = owner.api().post(f"/api/v1/people/{me.id}/archive")
    assert archive.status_code == 422
    me.refresh_from_db()
    assert me.active and me.membership.is_active


def test_an_owner_can_step_down_when_another_owner_exists(personas):
    owner = personas["owner"]
    second = services.person_create(actor=owner.actor, name="Second Owner", email="owner2@studio.test", role="owner")
    me = Person.objects.get(pk=owner.person.id)
    response = patch(owner.api(), f"/api/v1/people/{me.id}", {"role": "admin"}, me.version)
    assert response.status_code == 200, response.content
    assert response.json()["role"] == "admin"
    # Now the second owner is the last one and stays.
    second.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.person_update(actor=owner.actor, person=second, version=second.version, role="member")
    assert "role" in exc.value.message_dict


def test_only_an_owner_grants_or_removes_the_owner_role(personas):
    admin = personas["admin"]
    response = post(admin.api(), "/api/v1/people", {"name": "Wannabe", "email": "wannabe@studio.test", "role": "owner"})
    assert response.status_code == 422
    assert fields(response) == {"role"}
    assert not Person.objects.filter(email="wannabe@studio.test").exists()

    member = Person.objects.get(pk=personas["member"].person.id)
    response = patch(admin.api(), f"/api/v1/people/{member.id}", {"role": "owner"}, member.version)
    assert response.status_code == 422
    assert Membership.objects.get(pk=member.membership_id).role == "member"

    owner = Person.objects.get(pk=personas["owner"].person.id)
    response = patch(admin.api(), f"/api/v1/people/{owner.id}", {"role": "member"}, owner.version)
    assert response.status_code == 422
    assert Membership.objects.get(pk=owner.membership_id).role == "owner"


def test_role_change_is_saved_on_the_membership_and_takes_effect(personas):
    owner = personas["owner"]
    member = Person.objects.get(pk=personas["member"].person.id)
    response = patch(owner.api(), f"/api/v1/people/{member.id}", {"role": "account_manager"}, member.version)
    assert response.status_code == 200
    assert response.json()["role"] == "account_manager"
    # The member's own token now acts with the new role.
    created = post(personas["member"].api(), "/api/v1/clients", {"name": "Promoted Co"})
    assert created.status_code == 201
    assert created.json()["account_manager_id"] == member.id


def test_a_client_role_needs_its_client_and_only_it_has_one(personas):
    owner = personas["owner"]
    portal = Person.objects.get(pk=personas["client_a"].person.id)
    response = patch(owner.api(), f"/api/v1/people/{portal.id}", {"role": "member"}, portal.version)
    assert response.status_code == 422
    assert fields(response) == {"client_id"}
    response = patch(owner.api(), f"/api/v1/people/{portal.id}", {"role": "member", "client_id": None}, portal.version)
    assert response.status_code == 200
    assert response.json()["client_id"] is None

    response = post(owner.api(), "/api/v1/people", {"name": "P", "email": "p@a.test", "role": "client"})
    assert response.status_code == 422
    assert fields(response) == {"client_id"}


def test_deactivated_person_cannot_use_the_api(personas):
    owner = personas["owner"]
    response = owner.api().post(f"/api/v1/people/{personas['pm'].person.id}/archive")
    assert response.status_code == 200
    assert response.json()["active"] is False
    assert personas["pm"].api().get("/api/v1/me").status_code == 401


def test_service_refuses_roles_without_rights(personas):
    with pytest.raises(PermissionDenied):
        services.person_create(actor=personas["finance"].actor, name="X", email="x@studio.test")
    member = personas["member"].person
    with pytest.raises(PermissionDenied):
        services.person_update(actor=personas["am"].actor, person=member, version=member.version, title="x")
    assert Person.objects.get(pk=member.id).title == "Designer"


# --- Email uniqueness -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("email", ["member@studio.test", "MEMBER@Studio.TEST", "  Member@studio.test "])
def test_email_unique_per_workspace_case_insensitive(personas, email):
    before = Person.objects.count()
    response = post(personas["owner"].api(), "/api/v1/people", {"name": "Dup", "email": email})
    assert response.status_code == 422, response.content
    assert fields(response) == {"email"}
    assert Person.objects.count() == before


def test_email_change_to_a_colleagues_email_is_refused(personas):
    pm = Person.objects.get(pk=personas["pm"].person.id)
    response = patch(personas["owner"].api(), f"/api/v1/people/{pm.id}", {"email": "AM@studio.test"}, pm.version)
    assert response.status_code == 422
    assert fields(response) == {"email"}
    pm.refresh_from_db()
    assert pm.email == "pm@studio.test"


def test_same_email_allowed_in_another_workspace(personas):
    response = post(personas["outsider"].api(), "/api/v1/people", {"name": "Am Elsewhere", "email": "am@studio.test"})
    assert response.status_code == 201
    assert Person.objects.filter(email="am@studio.test").count() == 2


def test_email_uniqueness_is_enforced_by_the_database(personas):
    member = personas["member"].person
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(
            workspace=personas.workspace,
            membership=Membership.objects.create(
                workspace=personas.other_workspace, user=User.objects.create_user("z@z.test")
            ),
            name="Z",
            email=member.email.upper(),
        )


@pytest.mark.parametrize("email", ["not-an-email", "a@", "@b.test"])
def test_invalid_email_is_422(personas, email):
    response = post(personas["owner"].api(), "/api/v1/people", {"name": "Bad", "email": email})
    assert response.status_code == 422
    assert fields(response) == {"email"}


# --- Working days, capacity, skills ---------------------------------------------------------------------------


@pytest.mark.parametrize("days", [[0], [8], [1, 1], [1, 2, 3, 4, 5, 6, 7, 7], [-1, 2]])
def test_working_days_validation(personas, days):
    response = post(
        personas["owner"].api(), "/api/v1/people", {"name": "D", "email": "d@studio.test", "working_days": days}
    )
    assert response.status_code == 422, response.content
    assert fields(response) == {"working_days"}
    assert not Person.objects.filter(email="d@studio.test").exists()


def test_working_days_are_sorted_and_drive_daily_capacity(personas):
    response = post(
        personas["owner"].api(),
        "/api/v1/people",
        {
            "name": "Four Days",
            "email": "four@studio.test",
            "working_days": [4, 1, 3, 2],
            "weekly_capacity_minutes": 1920,
        },
    )
    assert response.status_code == 201
    assert response.json()["working_days"] == [1, 2, 3, 4]
    person = Person.objects.get(email="four@studio.test")
    assert person.daily_capacity_minutes == 480


def test_working_days_patch_validation(personas):
    member = Person.objects.get(pk=personas["member"].person.id)
    response = patch(personas["owner"].api(), f"/api/v1/people/{member.id}", {"working_days": [2, 9]}, member.version)
    assert response.status_code == 422
    assert fields(response) == {"working_days"}
    member.refresh_from_db()
    assert member.working_days == [1, 2, 3, 4, 5]


@pytest.mark.parametrize("minutes", [-1, 10081])
def test_weekly_capacity_bounds(personas, minutes):
    response = post(
        personas["owner"].api(),
        "/api/v1/people",
        {"name": "Cap", "email": "cap@studio.test", "weekly_capacity_minutes": minutes},
    )
    assert response.status_code == 422
    assert fields(response) == {"weekly_capacity_minutes"}


def test_skills_are_trimmed_deduplicated_and_sorted(personas):
    response = post(
        personas["owner"].api(),
        "/api/v1/people",
        {"name": "Sk", "email": "sk@studio.test", "skills": [" seo ", "Design", "seo", "animation"]},
    )
    assert response.status_code == 201
    assert response.json()["skills"] == ["animation", "Design", "seo"]
    bad = post(personas["owner"].api(), "/api/v1/people", {"name": "Sk2", "email": "sk2@studio.test", "skills": ["  "]})
    assert bad.status_code == 422
    assert fields(bad) == {"skills"}


# --- Money ----------------------------------------------------------------------------------------------------


def test_rates_are_decimal_strings_with_two_places(personas):
    api = personas["owner"].api()
    response = post(
        api, "/api/v1/people", {"name": "Rate", "email": "rate@studio.test", "cost_rate": "150", "bill_rate": 99.5}
    )
    assert response.status_code == 201
    body = response.json()
    assert body["cost_rate"] == "150.00"
    assert body["bill_rate"] == "99.50"
    person = Person.objects.get(pk=body["id"])
    assert person.cost_rate == Decimal("150.00") and isinstance(person.cost_rate, Decimal)
    assert api.get(f"/api/v1/people/{person.id}").json()["cost_rate"] == "150.00"

    response = patch(api, f"/api/v1/people/{person.id}", {"bill_rate": "175.5"}, person.version)
    assert response.status_code == 200
    assert response.json()["bill_rate"] == "175.50"
    assert response.json()["cost_rate"] == "150.00"
    person.refresh_from_db()
    assert person.bill_rate == Decimal("175.50")


@pytest.mark.parametrize("rate", ["-1", "1.005", "abc", "123456789.00"])
def test_bad_rates_are_422(personas, rate):
    response = post(
        personas["owner"].api(), "/api/v1/people", {"name": "R", "email": "r@studio.test", "cost_rate": rate}
    )
    assert response.status_code == 422
    assert fields(response) == {"cost_rate"}


def test_rates_hidden_from_member_but_never_lost(personas):
    member_api = personas["member"].api()
    body = member_api.get(f"/api/v1/people/{personas['am'].person.id}").json()
    assert body["cost_rate"] is None and body["bill_rate"] is None
    assert Person.objects.get(pk=personas["am"].person.id).cost_rate == Decimal("50.00")


# --- Service-level versions -----------------------------------------------------------------------------------


def test_person_update_version_rules(personas):
    from baton.core.errors import Conflict, PreconditionRequired

    owner = personas["owner"]
    member = personas["member"].person
    with pytest.raises(PreconditionRequired):
        services.person_update(actor=owner.actor, person=member, version=None, title="x")
    with pytest.raises(Conflict):
        services.person_update(actor=owner.actor, person=member, version=member.version + 1, title="x")
    with pytest.raises(ValidationError) as exc:
        services.person_update(actor=owner.actor, person=member, version=member.version, workspace_id=1)
    assert "workspace_id" in exc.value.message_dict
    updated = services.person_update(actor=owner.actor, person=member, version=member.version, title="Senior")
    assert updated.version == member.version + 1
    assert Person.objects.get(pk=member.id).title == "Senior"
