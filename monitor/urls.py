"""Canonical story links: the key for recognising one story seen through several feeds.

Tracking parameters (utm_*, fbclid, gclid, …) are removed, the scheme and host are lower-cased,
default ports and fragments dropped, and the remaining query kept as written, in its order
(order and form can matter to the server: `?flag` is not `?flag=`). A link with another scheme
(file:, ftp:, mailto:, javascript:) is no story's page: None. One without a scheme (a relative
link no base resolved) is returned cleaned but otherwise untouched. Never raises: feed links are
untrusted input.

A news search's click-through redirect that carries the article's address in the open (Bing
News: `bing.com/news/apiclick.aspx?…&url=<article>`) stands for that address: the same article
through the search and through the outlet's own feed is then one story. Google News encodes its
articles' addresses, so its links stay as they are (`store` matches those by outlet and
headline).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, unquote_plus, urlsplit, urlunsplit

# C0 and C1 controls, DEL, and the bidi and direction marks a link could use to look like
# another address on screen.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\ufeff]")

_TRACKING_EXACT = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid",
        "mc_cid", "mc_eid", "_hsenc", "_hsmi", "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id",
        "vero_conv", "rb_clickid", "s_cid", "ncid", "cmpid", "icid", "ocid", "sr_share", "ref_src",
        "guccounter", "guce_referrer", "guce_referrer_sig", "__twitter_impression", "spm",
        "ito", "wt_mc", "at_medium", "at_campaign", "smid", "smtyp",
    }
)  # fmt: skip
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "itm_", "at_")


def is_tracking_param(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING_EXACT or lowered.startswith(_TRACKING_PREFIXES)


SCRIPT_SCHEMES = frozenset({"javascript", "vbscript", "data"})


def canonical_url(url: str | None, *, legacy: bool = False) -> str | None:
    """Return the canonical form of a story link, or None when there is no usable link.
    `legacy`: the form monitor stored until 2026-11-24, without percent-encoding and with news
    search redirects as they are (stories stored then are found under it)."""
    if not url:
        return None
    url = _UNPRINTABLE.sub("", url).strip()  # stripped after: "a \x1b" is "a", not "a "
    if not url:
        return None
    if not legacy:
        url = _past_redirects(url)
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme in SCRIPT_SCHEMES:
            return None  # runs in a browser; never a story's page (an export made it a link)
        if scheme and scheme not in ("http", "https"):
            return None  # file:///etc/passwd in an item was stored (and exported) as a link
        if not scheme or not parts.hostname:
            return url
        host = parts.hostname.lower().rstrip(".")
        port = parts.port
    except ValueError:
        return url
    netloc = host if ":" not in host else f"[{host}]"
    if port is not None and not (
        (scheme == "http" and port == 80) or (scheme == "https" and port == 443)
    ):
        netloc = f"{netloc}:{port}"
    if parts.username or parts.password:
        userinfo = parts.username or ""
        if parts.password:
            userinfo += f":{parts.password}"
        netloc = f"{userinfo}@{netloc}"
    query = parts.query
    if query:
        pieces = query.split("&")
        kept = [p for p in pieces if not p or not is_tracking_param(unquote_plus(p.split("=")[0]))]
        query = "&".join(p for p in kept if p) if len(kept) != len(pieces) else query
    if legacy:
        return urlunsplit((scheme, netloc, parts.path or "/", query, ""))
    path = quote(parts.path, safe=_PATH_SAFE, errors="replace") or "/"
    if query:
        query = quote(query, safe=_QUERY_SAFE, errors="replace")
    return urlunsplit((scheme, netloc, path, query, ""))


_PLAIN_LINK = re.compile(r"[A-Za-z0-9/%:@!$&'()*+,;=._~?#-]*")


def legacy_url(link: str, url: str | None) -> str | None:
    """The form monitor stored `link` in until 2026-11-24 (`canonical_url(legacy=True)`), when
    it differs from `url`, its canonical form now; else None."""
    if url is None or (_PLAIN_LINK.fullmatch(link.strip()) and "apiclick" not in link):
        return None  # (the usual case: nothing to encode, no redirect, the same)
    old = canonical_url(link, legacy=True)
    return old if old and old != url else None


# What a path or query may hold as written (RFC 3986; "%" keeps escapes already made): spaces,
# letters of other scripts, brackets and the like are percent-encoded as a browser sends them,
# so that the link opens, prints whole in a mail, and one page has one address.
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?"


_REDIRECTS = {("bing.com", "/news/apiclick.aspx"): "url"}
"""(host without www., path) of a news search's redirect → the query parameter naming the article."""


def _past_redirects(url: str) -> str:
    """The article a news search's redirect leads to (http or https only), else `url`."""
    while True:  # (a redirect to a redirect: each address is shorter than the last)
        try:
            parts = urlsplit(url)
            host = (parts.hostname or "").lower().removeprefix("www.")
        except ValueError:
            return url
        name = _REDIRECTS.get((host, parts.path.lower()))
        if name is None:
            return url
        target = next((v for k, v in parse_qsl(parts.query) if k.lower() == name), "")
        target = _UNPRINTABLE.sub("", target).strip()
        if not target.lower().startswith(("http://", "https://")):
            return url
        url = target
