"""On PostgreSQL, the call log's ``_like`` indexes go: guid and email_hash are only compared
whole, and the log is written on every Akismet check."""

from django.db import migrations

from broadsheet.lib import like_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("antispam", "0003_no_key_indexes"),
    ]

    operations = [
        like_indexes.drop(
            ("antispam_checklog", "guid", "antispam_checklog_guid_fb868da0_like"),
            ("antispam_checklog", "email_hash", "antispam_checklog_email_hash_056b2b4a_like"),
        )
    ]
