# The sweep framework's bookkeeping moves from automation to core. State only: the tables automation made
# (automation_sweepmark, automation_sweeprun) stay where they are, named by Meta.db_table; no data moves.

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_workspace_member_project_visibility'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='SweepMark',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('sweep', models.CharField(max_length=60)),
                        ('target_type', models.CharField(max_length=60)),
                        ('target_id', models.BigIntegerField()),
                        ('period', models.CharField(max_length=20)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('event', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='core.event')),
                        ('workspace', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='core.workspace')),
                    ],
                    options={
                        'db_table': 'automation_sweepmark',
                        'constraints': [models.UniqueConstraint(fields=('workspace', 'sweep', 'target_type', 'target_id', 'period'), name='sweep_mark_once_per_object_and_period')],
                    },
                ),
                migrations.CreateModel(
                    name='SweepRun',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=60)),
                        ('started_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('emitted', models.PositiveIntegerField(default=0)),
                        ('error', models.TextField(blank=True)),
                        ('workspace', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='core.workspace')),
                    ],
                    options={
                        'db_table': 'automation_sweeprun',
                        'indexes': [models.Index(fields=['workspace', 'name', '-started_at'], name='sweep_run_log')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
