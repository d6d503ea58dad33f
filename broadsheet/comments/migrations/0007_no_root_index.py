"""The root's own index goes: (root, status, created_at) serves every look-up by root.

Only the index is dropped: Django's AlterField would rebuild the whole table on SQLite.
"""

import django.db.models.deletion
from django.db import migrations, models

INDEX = "comments_comment_root_id_23b4c218"


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0006_same_text_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{INDEX}"',
                    reverse_sql=f'CREATE INDEX "{INDEX}" ON "comments_comment" ("root_id")',
                )
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="comment",
                    name="root",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="comments.comment",
                    ),
                )
            ],
        )
    ]
