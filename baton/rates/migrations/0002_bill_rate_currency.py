# Bill rates name their currency (MONEY.md §2). Existing rows were numbers used in whatever currency the project had:
# a project-scoped row gets its project's currency, a client-scoped row its client's, every other row the
# workspace's base currency (where `Person.bill_rate` lives too).

from django.db import migrations, models


def fill_currency(apps, schema_editor):
    BillRate = apps.get_model("rates", "BillRate")
    Project = apps.get_model("delivery", "Project")
    Client = apps.get_model("crm", "Client")
    Workspace = apps.get_model("core", "Workspace")
    bases = dict(Workspace.objects.values_list("pk", "currency"))
    projects = dict(Project.objects.values_list("pk", "currency"))
    clients = dict(Client.objects.values_list("pk", "currency"))
    for row in BillRate.objects.all().only("pk", "workspace_id", "project_id", "client_id"):
        if row.project_id:
            code = projects.get(row.project_id)
        elif row.client_id:
            code = clients.get(row.client_id)
        else:
            code = None
        BillRate.objects.filter(pk=row.pk).update(currency=code or bases.get(row.workspace_id) or "USD")


class Migration(migrations.Migration):
    dependencies = [
        ("rates", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="billrate",
            name="currency",
            field=models.CharField(default="", help_text="The rate's currency (ISO 4217).", max_length=3),
            preserve_default=False,
        ),
        migrations.RunPython(fill_currency, migrations.RunPython.noop),
    ]
