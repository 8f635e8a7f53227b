"""Steps: people (logins in bulk), rates, clients."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password

from baton.core.models import Membership, User
from baton.crm.models import AccountManagerChange, Client
from baton.devdata.scale._common import FIRST, INDUSTRIES, LAST, TITLES, Progress, World
from baton.people.models import Person
from baton.rates.models import BillRate, CostRate, ExchangeRate


def step_people(w: World, advance: Progress) -> None:
    rng = w.rng
    owner = Person.objects.get(workspace=w.workspace, membership__role="owner")
    password = make_password("baton-bench")
    domain = f"{w.workspace.slug}.baton.test"
    n = w.size.people - 1
    ams = max(2, n // 10)
    pms = max(2, n // 10)
    roles = ["admin", "finance"] + ["account_manager"] * ams + ["project_manager"] * pms
    roles += ["member"] * (n - len(roles))
    specs = []
    for i, role in enumerate(roles):
        title, skills, bill, cost = TITLES[i % len(TITLES)]
        if role != "member":
            title = {"admin": "Operations", "finance": "Finance", "account_manager": "Account Manager"}.get(
                role, "Project Manager"
            )
        part_time = role == "member" and rng.random() < 0.2
        name = f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]} {i + 1}"
        email = f"{role.replace('_', '')}{i + 1}@{domain}"
        specs.append((role, title, skills, bill, cost, part_time, name, email))
    users = User.objects.bulk_create([User(email=s[7], name=s[6], password=password) for s in specs])
    members = Membership.objects.bulk_create(
        [Membership(workspace=w.workspace, user=u, role=s[0]) for u, s in zip(users, specs, strict=True)]
    )
    people = Person.objects.bulk_create(
        [
            Person(
                workspace=w.workspace,
                membership=m,
                name=s[6],
                email=s[7],
                title=s[1],
                skills=rng.sample(s[2], k=2),
                bill_rate=Decimal(s[3]),
                cost_rate=Decimal(s[4]),
                weekly_capacity_minutes=1440 if s[5] else 2400,
                working_days=[1, 2, 3] if s[5] else [1, 2, 3, 4, 5],
            )
            for m, s in zip(members, specs, strict=True)
        ]
    )
    # Who reports to whom: AMs and PMs to the owner, members to a PM.
    leads = [p for p in people if p.membership.role == "project_manager"] or [owner]
    for i, p in enumerate(people):
        p.lead_id = owner.pk if p.membership.role != "member" else leads[i % len(leads)].pk
    Person.objects.bulk_update(people, ["lead"], batch_size=1000)
    w.people = [owner, *people]
    w.staff = [p for p in people if p.membership.role in ("member", "project_manager", "account_manager")]
    w.counts["people"] = len(w.people)
    advance("people", len(w.people))


def step_rates(w: World, advance: Progress) -> None:
    """Dated cost rates (a raise every January), role bill rates, a client rate card for one client in ten."""
    rows = []
    for person in w.people:
        for k in range(w.size.years + 1):
            rows.append(
                CostRate(
                    workspace=w.workspace,
                    person=person,
                    rate=(person.cost_rate * Decimal("1.03") ** k).quantize(Decimal("0.01")),
                    effective_from=date(w.start.year + k, 1, 1),
                )
            )
    CostRate.objects.bulk_create(rows, batch_size=2000)
    base = w.workspace.currency
    bills = [
        BillRate(workspace=w.workspace, scope="workspace", rate=Decimal("120.00"), currency=base, effective_from=None)
    ]
    for title, _, bill, _ in TITLES:
        for k in range(w.size.years + 1):
            bills.append(
                BillRate(
                    workspace=w.workspace,
                    scope="role",
                    role=title.lower(),
                    currency=base,
                    rate=(Decimal(bill) * Decimal("1.04") ** k).quantize(Decimal("0.01")),
                    effective_from=date(w.start.year + k, 1, 1),
                )
            )
    BillRate.objects.bulk_create(bills)
    w.counts["rates"] = len(rows) + len(bills)
    advance("rates", len(rows) + len(bills))


def step_clients(w: World, advance: Progress) -> None:
    rng = w.rng
    ams = [p for p in w.people if p.membership.role == "account_manager"]
    clients = []
    history: list[tuple[int, Person, Person | None]] = []  # client index, its first AM, the AM it moved to
    for i in range(w.size.clients):
        status = "active" if i % 7 else "paused" if i % 2 else "churned"
        currency = "EUR" if i % 25 == 3 else "USD"
        clients.append(
            Client(
                workspace=w.workspace,
                name=f"{rng.choice(LAST)} {rng.choice(INDUSTRIES)} {i + 1}",
                status=status,
                account_manager=ams[(i + 1) % len(ams)] if i % 40 == 1 else ams[i % len(ams)],
                currency=currency,
                industry=INDUSTRIES[i % len(INDUSTRIES)],
            )
        )
        history.append((i, ams[i % len(ams)], ams[(i + 1) % len(ams)] if i % 40 == 1 else None))
    w.clients = Client.objects.bulk_create(clients, batch_size=1000)
    # AM history (MONEY.md §4): each client's first AM from the start; one client in forty moved to the next AM
    # some time in the middle of the period (the client's AM now).
    middle = w.start + (w.today - w.start) // 2
    changes = []
    for i, first, moved_to in history:
        changes.append(AccountManagerChange(client=w.clients[i], account_manager=first, on=w.start))
        if moved_to is not None:
            on = middle + timedelta(days=i % 60)
            changes.append(AccountManagerChange(client=w.clients[i], account_manager=moved_to, on=on))
    AccountManagerChange.objects.bulk_create(changes, batch_size=5000)
    BillRate.objects.bulk_create(
        [
            BillRate(
                workspace=w.workspace,
                scope="client",
                client=c,
                currency=c.currency,
                rate=Decimal(rng.choice([150, 165, 180])),
                effective_from=None,
            )
            for c in w.clients[::10]
        ]
    )
    ExchangeRate.objects.bulk_create(
        [
            ExchangeRate(
                workspace=w.workspace, currency="EUR", rate=Decimal("1.08"), effective_on=date(w.start.year, 1, 1)
            )
        ]
    )
    w.counts["clients"] = len(w.clients)
    advance("clients", len(w.clients))
