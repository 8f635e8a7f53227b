# The rate models (BillRate, CostRate, ExchangeRate) moved to the `rates` app, keeping their tables: they leave
# finance's migration state only; the database is untouched (rates 0001 takes them into its state).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('finance', '0001_initial'),
        ('rates', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name='BillRate'),
                migrations.DeleteModel(name='CostRate'),
                migrations.DeleteModel(name='ExchangeRate'),
            ],
        ),
    ]
