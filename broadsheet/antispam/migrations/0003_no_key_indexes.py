"""The API key's own indexes go from the call log and the daily counts: (key, match) and the
unique (key, day, blog) serve every look-up by key.

Only the indexes are dropped: Django's AlterField would rebuild both tables on SQLite.
"""

import django.db.models.deletion
from django.db import migrations, models

DROPPED = {
    "antispam_checklog": "antispam_checklog_key_id_08cd2a82",
    "antispam_apiday": "antispam_apiday_key_id_423cd824",
}


class Migration(migrations.Migration):
    dependencies = [
        ("antispam", "0002_akismet_api"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{index}"',
                    reverse_sql=f'CREATE INDEX "{index}" ON "{table}" ("key_id")',
                )
                for table, index in DROPPED.items()
            ],
            state_operations=[
                migrations.AlterField(
                    model_name=model,
                    name="key",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name=related,
                        to="antispam.apikey",
                    ),
                )
                for model, related in (("apiday", "days"), ("checklog", "+"))
            ],
        )
    ]
