"""Canonical story links: the key for recognising one story seen through several feeds.

Tracking parameters (utm_*, fbclid, gclid, …) are removed, the scheme and host are lower-cased,
default ports and fragments dropped, and the remaining query kept as written, in its order
(order and form can matter to the server: `?flag` is not `?flag=`). A link with another scheme
(file:, ftp:, mailto:, javascript:) is no story's page: None. One without a scheme (a relative
link no base resolved) is returned cleaned but otherwise untouched. Never raises: feed links are
untrusted input.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_plus, urlsplit, urlunsplit

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


def canonical_url(url: str | None) -> str | None:
    """Return the canonical form of a story link, or None when there is no usable link."""
    if not url:
        return None
    url = _UNPRINTABLE.sub("", url).strip()  # stripped after: "a \x1b" is "a", not "a "
    if not url:
        return None
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
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, query, ""))
