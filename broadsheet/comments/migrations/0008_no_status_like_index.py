"""On PostgreSQL, the status column's ``_like`` index goes: status is only compared whole."""

from django.db import migrations

from broadsheet.lib import like_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0007_no_root_index"),
    ]

    operations = [
        like_indexes.drop(
            ("comments_comment", "status", "comments_comment_status_2ed23eb9_like"),
        )
    ]
