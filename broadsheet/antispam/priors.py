"""Starting weights (log-odds) for named signals.

The training corpora cannot teach most request-level signals (they carry no e-mail, agent or
moderation history), so these values are the model's prior: training pulls a weight away from
its prior only as far as the data supports, and each site's layer adjusts them further.
"""

from __future__ import annotations

PRIORS: dict[str, float] = {
    "link_shortener": 1.5,
    "link_anchor_commercial": 1.5,
    "link_domains_spam": 2.0,
    "link_domains_ham": -1.0,
    "hidden_html": 2.5,
    "obfuscated": 2.0,
    "author_url_keywords": 1.5,
    "author_url_shortener": 1.5,
    "name_keywords": 1.5,
    "name_long": 0.8,
    "name_url": 2.0,
    "email_throwaway": 1.5,
    "email_bad": 1.0,
    "email_keywords": 1.0,
    "ua_empty": 0.5,
    "ua_script": 3.0,
    "ua_bot": 2.0,
    "ua_stale": 0.6,
    "referrer_offsite": 0.3,
    "lang_mismatch": 1.5,
    "type_ping": 1.0,
    "honeypot": 9.0,
    "form_fast": 3.0,
    "form_stale": 0.5,
    "user_role": -3.0,
    "rep_email_spam": 2.0,
    "rep_email_ham": -2.0,
    "rep_ip_spam": 1.2,
    "rep_ip_ham": -0.8,
    "rep_net_spam": 0.5,
    "rep_net_ham": -0.3,
    "rep_urldom_spam": 1.5,
    "rep_urldom_ham": -1.0,
    "rep_author_spam": 0.8,
    "rep_author_ham": -0.8,
    "campaign_threads": 2.5,
    "campaign_posts": 0.3,
    "campaign_spam": 1.5,
}

# Signals the corpora can teach (they occur in the training rows): trained, lightly held to prior.
LEARNED = frozenset(
    {
        "length",
        "upper_ratio",
        "links",
        "link_shortener",
        "author_url",
        "author_url_only",
        "name_keywords",
        "name_long",
        "name_url",
        "lang_mismatch",
    }
)
