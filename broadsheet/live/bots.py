"""Which User-Agents are not people reading: crawlers, headless browsers, scripts."""

from __future__ import annotations

import re

# Words crawlers, previewers, monitors and HTTP libraries put in their User-Agent; browsers
# never carry them. Plain substring tests on the lower-cased string: a case-insensitive
# regular expression with these alternatives cost 29 µs a beat, these cost about 2.
_WORDS = (
    "crawl", "spider", "slurp", "scrap", "fetch", "preview", "monitor", "check", "scan",
    "archiv", "headless", "phantomjs", "electron", "lighthouse", "pagespeed", "pingdom",
    "uptime", "curl", "wget", "python", "java/", "go-http", "okhttp", "httpclient", "axios",
    "node-fetch", "libwww", "facebookexternalhit", "embedly", "whatsapp", "telegram",
    "discord", "slack", "feed", "rss", "mediapartners",
)  # fmt: skip
_BOT = re.compile(r"bot\b|bot/")  # "Googlebot/2.1", "bingbot;", not "Cubot" phones' "CUBOT_X"


def is_bot(user_agent: str) -> bool:
    """True for an empty User-Agent, one without "Mozilla/", or one naming a robot."""
    if "Mozilla/" not in user_agent:
        return True  # also the empty one
    agent = user_agent.lower()
    return any(word in agent for word in _WORDS) or _BOT.search(agent) is not None
