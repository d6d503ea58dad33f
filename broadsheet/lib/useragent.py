"""The browser family of a user agent: enough to spot a script, too little to single anyone out."""

from __future__ import annotations

# Order matters: Edge and Opera say "Chrome", Chrome says "Safari".
_FAMILIES = [
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Safari/", "Safari"),
    ("curl/", "curl"),
    ("python-requests", "python-requests"),
    ("Wget/", "Wget"),
    ("okhttp", "okhttp"),
]


def family(user_agent: str) -> str:
    if not user_agent.strip():
        return ""
    for marker, name in _FAMILIES:
        if marker in user_agent:
            return name
    return "other"
