"""Author strings and e-mail addresses of ``@moduleinfo``: who a module credits.

A module's ``author`` is free text: an organisation's account name (``paddlepaddle``,
``baidu-nlp``), a person's GitHub login (``jm12138``), a person's name, or several people in one
string (``郑博培、彭兆帅``, ``Arrow, 七年期限，Mr.郑先生_``). It is normalised (:func:`normalize`),
then mapped to publishers by the curated annotation (build/annotations/paddlehub/authors.csv);
a string the annotation does not know is split at its separators and each part taken as a
publisher (:func:`default_publishers`), and an anomaly says so.

``author_email`` is personal data: only its class is kept (:func:`email_class`), never the
address or its domain.
"""

from __future__ import annotations

import re
import unicodedata

# Separators between the people one author string names. NFKC has already made full-width
# commas and semicolons ASCII; the ideographic comma '、' has no ASCII form.
SEPARATORS = re.compile(r"\s*(?:[,;、&/|]|\band\b)\s*", re.IGNORECASE)
SPACES = re.compile(r"\s+")
MAX_AUTHOR = 200  # characters of an author string read
MAX_PARTS = 20  # people credited by one string

# E-mail classes (models.email_class). The hub's owner is Baidu: PaddlePaddle is its framework.
EMAIL_CLASSES = {
    "owner": "an address at the hub owner's domain (baidu.com or a subdomain of it)",
    "organization": "an address at another organisation's domain (a university, a company)",
    "free-mail": "an address at a free-mail provider (qq.com, gmail.com, 163.com, ...)",
    "invalid": "a value that is not an e-mail address (no '@', or no known top-level domain)",
    "none": "no address (author_email absent or empty)",
}
OWNER_DOMAINS = ("baidu.com",)
FREE_MAIL = frozenset({
    "qq.com", "foxmail.com", "163.com", "126.com", "yeah.net", "188.com", "139.com", "189.cn",
    "sina.com", "sina.cn", "sohu.com", "aliyun.com", "tom.com", "gmail.com", "googlemail.com",
    "outlook.com", "hotmail.com", "live.com", "msn.com", "yahoo.com", "icloud.com", "me.com",
    "protonmail.com", "proton.me", "yandex.ru", "mail.ru", "gmx.de", "web.de",
})  # fmt: skip
# Top-level domains beyond the two-letter country codes that an organisation's address may use.
GENERIC_TLDS = frozenset({
    "com", "org", "net", "edu", "gov", "mil", "int", "info", "biz", "name", "pro", "app", "dev",
    "tech", "site", "online", "xyz", "top", "cloud", "ltd", "vip", "club", "shop", "work", "ai",
})  # fmt: skip
ADDRESS = re.compile(r"[^@\s]{1,64}@([A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8})")
# An e-mail address in free text (an author string, a README): withheld wherever it appears.
# Linear: each start scans at most 64 characters before its '@'.
IN_TEXT = re.compile(
    r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,20}"
)
WITHHELD = "[e-mail withheld]"


def withhold(text: str | None) -> str | None:
    """The text with every e-mail address in it replaced by WITHHELD (personal data)."""
    if text is None or "@" not in text:
        return text
    return IN_TEXT.sub(WITHHELD, text)


def normalize(author: str) -> str:
    """An author string as compared: NFKC (full-width forms made ASCII), white space collapsed,
    stripped, any e-mail address withheld; at most MAX_AUTHOR characters."""
    text = SPACES.sub(" ", unicodedata.normalize("NFKC", author[: MAX_AUTHOR * 2])).strip()
    return (withhold(text) or "")[:MAX_AUTHOR]


def split_author(author: str) -> list[str]:
    """The people a normalised author string names, in order (empty parts dropped)."""
    parts = [p.strip() for p in SEPARATORS.split(author)]
    return [p for p in parts if p][:MAX_PARTS]


def handle_of(part: str) -> str:
    """The publisher handle of one credited name by default: case-folded, white space as '-'."""
    return SPACES.sub("-", part.casefold()).strip("-")


def default_publishers(author: str) -> list[str]:
    """Publishers of an author string no annotation maps: each part's handle, once, in order."""
    return list(dict.fromkeys(h for h in map(handle_of, split_author(author)) if h))


def email_class(value: str | None) -> str:
    """The class of an author_email value (see EMAIL_CLASSES); the first address when a value
    holds several."""
    if value is None or not value.strip():
        return "none"
    m = ADDRESS.search(value[:500])
    if m is None:
        return "invalid"
    domain = m.group(1).lower().rstrip(".")
    tld = domain.rsplit(".", 1)[-1]
    if not (tld in GENERIC_TLDS or (len(tld) == 2 and tld.isalpha())):
        return "invalid"
    if any(domain == d or domain.endswith("." + d) for d in OWNER_DOMAINS):
        return "owner"
    return "free-mail" if domain in FREE_MAIL else "organization"
