from __future__ import annotations

import json
from typing import Any

from django.utils.safestring import SafeString, mark_safe

# The same escapes Django's json_script uses, so no string can close the <script> element.
_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld_script(data: dict[str, Any]) -> SafeString:
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')
