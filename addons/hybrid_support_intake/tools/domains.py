"""Email and web domains compared as what they are: host names.

A sender's domain is matched to a company by equality of normalised host
names (lower case, IDNA, no trailing dot, no ``www.``), never by a pattern:
``acme.co`` is not ``acme.com``, ``acme.com.au`` is not ``acme.com``, and a
``%`` or ``_`` in an address is just an invalid host.
"""

import re
from urllib.parse import urlsplit

# A host name as DNS allows it once encoded (RFC 1035 labels, punycode).
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_MAX_HOST = 253


def normalize_domain(text):
    """``text`` as a lower-case ASCII host name, or ``""`` when it is none.

    International names are turned into their IDNA (punycode) form, so that
    ``bücher.example`` and ``xn--bcher-kva.example`` are the same domain.
    """
    host = (text or "").strip().rstrip(".").lower()
    if not host or len(host) > 4 * _MAX_HOST:
        return ""
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return ""
    if host.startswith("www."):
        host = host[4:]
    labels = host.split(".")
    if (
        len(host) > _MAX_HOST
        or len(labels) < 2
        or not all(_LABEL.fullmatch(label) for label in labels)
        or labels[-1].isdigit()  # an IP address is no domain
    ):
        return ""
    return host


def email_domain(email):
    """The normalised domain of an email address, ``""`` without one."""
    local, at, domain = (email or "").strip().rpartition("@")
    if not at or not local:
        return ""
    return normalize_domain(domain.rstrip(">"))


def website_domain(url):
    """The normalised host of a website as people type it
    (``acme.com``, ``https://www.acme.com/contact``, ``//acme.com``)."""
    url = (url or "").strip()
    if not url:
        return ""
    if "://" not in url:
        url = "http://" + url.lstrip("/")
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return ""
    return normalize_domain(host or "")


def parent_domains(domain, include_parents=True):
    """``domain`` then, with ``include_parents``, each parent of two labels
    or more: ``eu.mail.acme.com`` -> ``eu.mail.acme.com``, ``mail.acme.com``,
    ``acme.com``. A company owning ``acme.com`` owns its sub-domains."""
    domain = normalize_domain(domain)
    if not domain:
        return []
    if not include_parents:
        return [domain]
    labels = domain.split(".")
    return [".".join(labels[i:]) for i in range(len(labels) - 1)]
