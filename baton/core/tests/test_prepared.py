"""`core.prepared`: a read whose SQL is written once per connection gives what the ORM gives, reads afresh each time
(the bearer token: revoked, deactivated or removed takes effect on the next request), and refuses a sample it cannot
place."""

from __future__ import annotations

import pytest
from django.utils import timezone

from baton.core.models import ApiToken, Membership, User, hash_token
from baton.core.prepared import PreparedRead
from baton.core.selectors import TOKEN_READ, actor_for_token
from baton.core.services import api_token_create, api_token_revoke
from baton.people.models import Person

pytestmark = pytest.mark.django_db


def test_the_token_read_builds_the_actor_the_orm_would(personas):
    member = personas["member"]
    found = actor_for_token(member.token)
    assert found is not None
    actor, token = found
    membership = Membership.objects.select_related("workspace", "user", "person").get(
        user__email=member.email, workspace=personas.workspace
    )
    assert actor.membership is not None
    for field in Membership._meta.concrete_fields:
        assert getattr(actor.membership, field.attname) == getattr(membership, field.attname), field.name
    for relation, model in (("workspace", type(membership.workspace)), ("user", User), ("person", Person)):
        ours, theirs = getattr(actor.membership, relation), getattr(membership, relation)
        assert type(ours) is model
        for field in model._meta.concrete_fields:
            assert getattr(ours, field.attname) == getattr(theirs, field.attname), (relation, field.name)
    assert actor.membership.person.membership is actor.membership  # both sides cached: no query either way
    assert (actor.workspace.pk, actor.role, actor.person_id) == (personas.workspace.pk, "member", membership.person.pk)
    stored = ApiToken.objects.get(token_hash=hash_token(member.token))
    assert (token.pk, token.last_used_at) == (stored.pk, stored.last_used_at)


def test_a_membership_without_a_person_reads_as_none(personas, django_assert_num_queries):
    user = User.objects.create_user("no-person@example.com", "pw-unused-123")
    Membership.objects.create(workspace=personas.workspace, user=user, role="admin")
    _, raw = api_token_create(actor=personas["owner"].actor, user=user, name="no person")
    found = actor_for_token(raw)
    assert found is not None
    actor, _ = found
    assert Membership.person.is_cached(actor.membership)  # as select_related leaves it: "none", known without a query
    with django_assert_num_queries(0):
        assert getattr(actor.membership, "person", None) is None
    assert (actor.person_id, actor.person_name, actor.role) == (None, "no-person@example.com", "admin")


def test_revoking_a_token_or_deactivating_takes_effect_on_the_next_read(personas):
    member, pm, am = personas["member"], personas["pm"], personas["am"]
    for persona in (member, pm, am):
        assert actor_for_token(persona.token) is not None  # the statement is prepared on this connection
    token = ApiToken.objects.get(token_hash=hash_token(member.token))
    api_token_revoke(actor=personas["owner"].actor, token=token)
    assert actor_for_token(member.token) is None
    assert member.api().get("/api/v1/me").status_code == 401

    Membership.objects.filter(user__email=pm.email, workspace=personas.workspace).update(is_active=False)
    assert actor_for_token(pm.token) is None
    User.objects.filter(email=am.email).update(is_active=False)
    assert actor_for_token(am.token) is None
    assert actor_for_token("btn_" + "x" * 40) is None


def test_a_new_token_and_a_changed_person_are_read_at_once(personas):
    owner = personas["owner"]
    user = User.objects.get(email=personas["finance"].email)
    _, raw = api_token_create(actor=owner.actor, user=user, name="fresh")
    found = actor_for_token(raw)
    assert found is not None and found[0].user.pk == user.pk
    if found[0].person_id is not None:
        Person.objects.filter(pk=found[0].person_id).update(name="Renamed Person")
        again = actor_for_token(raw)
        assert again is not None and again[0].person_name == "Renamed Person"


def test_the_last_use_is_an_aware_datetime(personas):
    member = personas["member"]
    now = timezone.now().replace(microsecond=0)
    ApiToken.objects.filter(token_hash=hash_token(member.token)).update(last_used_at=now)
    found = actor_for_token(member.token)
    assert found is not None and found[1].last_used_at == now


def test_a_sample_must_land_once_among_the_parameters(personas):
    twice = PreparedRead(
        "test.twice", lambda email: User.objects.filter(email=email).exclude(email=email).values_list("pk"), email="z@z"
    )
    with pytest.raises(ValueError, match="2 times"):
        twice.rows(email="a@b")
    absent = PreparedRead("test.absent", lambda email: User.objects.filter(pk=1).values_list("pk"), email="z@z")
    with pytest.raises(ValueError, match="0 times"):
        absent.rows(email="a@b")
    once = PreparedRead("test.once", lambda email: User.objects.filter(email=email).values_list("email"), email="z@z")
    assert once.rows(email=personas["pm"].email) == [(personas["pm"].email,)]
    assert once.rows(email="nobody@example.com") == []
    assert TOKEN_READ.rows(token_hash="0" * 64) == []
