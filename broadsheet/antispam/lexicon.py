"""Small curated word lists that the signals look things up in.

Kept short and general on purpose: the learned model carries most of the vocabulary, these
lists only cover fields (names, e-mail, URLs, agents) that the text model never sees.
"""

from __future__ import annotations

import re

# Words that keyword-stuffed author names, e-mail addresses and URL hosts use to sell something.
COMMERCIAL_WORDS: frozenset[str] = frozenset(
    [
        "casino",
        "casinos",
        "slot",
        "slots",
        "poker",
        "bet",
        "bets",
        "betting",
        "bookmaker",
        "jackpot",
        "roulette",
        "lottery",
        "viagra",
        "cialis",
        "levitra",
        "pharmacy",
        "pharma",
        "pills",
        "pill",
        "meds",
        "rx",
        "tramadol",
        "xanax",
        "valium",
        "diet",
        "weightloss",
        "loan",
        "loans",
        "payday",
        "credit",
        "mortgage",
        "insurance",
        "debt",
        "cash",
        "money",
        "forex",
        "crypto",
        "bitcoin",
        "btc",
        "trading",
        "invest",
        "investment",
        "profit",
        "binary",
        "seo",
        "backlink",
        "backlinks",
        "traffic",
        "ranking",
        "marketing",
        "agency",
        "essay",
        "essays",
        "homework",
        "dissertation",
        "writing",
        "replica",
        "replicas",
        "cheap",
        "discount",
        "sale",
        "deal",
        "deals",
        "outlet",
        "wholesale",
        "bestbuy",
        "buy",
        "order",
        "shop",
        "store",
        "online",
        "free",
        "bonus",
        "promo",
        "coupon",
        "porn",
        "sex",
        "xxx",
        "dating",
        "hookup",
        "escort",
        "escorts",
        "adult",
        "webcam",
        "cam",
        "girls",
        "followers",
        "likes",
        "subscribers",
        "vpn",
        "download",
        "crack",
        "keygen",
        "hack",
        "cheats",
        "generator",
    ]
)

# Words too common in real names or sites to count alone; they only add to other hits.
WEAK_COMMERCIAL_WORDS: frozenset[str] = frozenset(
    {"online", "free", "buy", "shop", "store", "sale"}
)

SHORTENER_DOMAINS: frozenset[str] = frozenset(
    [
        "bit.ly",
        "bitly.com",
        "goo.gl",
        "tinyurl.com",
        "t.co",
        "ow.ly",
        "is.gd",
        "buff.ly",
        "adf.ly",
        "bit.do",
        "cutt.ly",
        "rebrand.ly",
        "shorturl.at",
        "tiny.cc",
        "rb.gy",
        "t.ly",
        "v.gd",
        "s.id",
        "lnkd.in",
        "qr.ae",
        "shorte.st",
        "bc.vc",
        "ouo.io",
        "clck.ru",
        "u.to",
        "x.co",
        "soo.gd",
        "tr.im",
        "linktr.ee",
    ]
)

# Disposable ("throwaway") mailbox providers.
THROWAWAY_EMAIL_DOMAINS: frozenset[str] = frozenset(
    [
        "mailinator.com",
        "guerrillamail.com",
        "guerrillamail.net",
        "sharklasers.com",
        "grr.la",
        "10minutemail.com",
        "10minutemail.net",
        "yopmail.com",
        "yopmail.net",
        "trashmail.com",
        "trashmail.de",
        "tempmail.com",
        "temp-mail.org",
        "tempmail.net",
        "tempmailo.com",
        "throwawaymail.com",
        "getnada.com",
        "nada.email",
        "dispostable.com",
        "maildrop.cc",
        "mailnesia.com",
        "fakeinbox.com",
        "mintemail.com",
        "spamgourmet.com",
        "mohmal.com",
        "emailondeck.com",
        "tempr.email",
        "discard.email",
        "mailcatch.com",
        "moakt.com",
        "emailfake.com",
        "burnermail.io",
        "mytemp.email",
        "tmpmail.org",
        "tmail.ws",
        "inboxkitten.com",
        "33mail.com",
    ]
)

# Programmatic HTTP clients: real browsers never send these agents.
SCRIPT_AGENT = re.compile(
    r"curl/|wget/|python-requests|python-urllib|aiohttp|go-http-client|java/|libwww|"
    r"httpclient|scrapy|phantomjs|headlesschrome|node-fetch|axios/|guzzle|^php|perl|ruby|"
    r"mechanize|httpie|postmanruntime|powershell",
    re.IGNORECASE,
)
BOT_AGENT = re.compile(r"bot\b|spider|crawler|slurp", re.IGNORECASE)

# Browser families and the first major version still current enough not to be suspicious.
STALE_BROWSER = (
    (re.compile(r"MSIE (\d+)"), 99),
    (re.compile(r"Chrome/(\d+)"), 70),
    (re.compile(r"Firefox/(\d+)"), 60),
)
