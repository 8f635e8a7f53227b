# SweepMark and SweepRun now belong to core (core 0004). State only: their tables stay, core's models name them.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('automation', '0001_initial'),
        ('core', '0004_sweepmark_sweeprun'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='SweepMark'),
                migrations.DeleteModel(name='SweepRun'),
            ],
            database_operations=[],
        ),
    ]
