"""Patterns of personal data shared by the suite's redaction: ai's
``tools/redact.py`` (another customer's reply made generic) and kb's
``tools/anonymise.py`` (a case made into a help-center draft) both build on
these, each with its own policy around them (which numbers count, which links
stay, the order of the passes).

No ORM here. Every pattern is linear on hostile input: repeats are bounded
or possessive, and a pattern that opens with a run of characters is guarded
by a lookbehind on the same characters, so that it is only tried where such a
run starts (kb's and ai's tests time them on hostile texts and check them with
``regex_safety.check_linear``).
"""

import re

NAME, EMAIL, PHONE, LINK = "[name]", "[email]", "[phone]", "[link]"
SECRET, ACCOUNT, CARD = "[secret]", "[account number]", "[card number]"
REFERENCE, NUMBER, ADDRESS = "[reference]", "[number]", "[address]"

# -- secrets, links, emails, accounts ------------------------------------------

# "password: X", "temporary password is X", "PIN = 1234", "API key: abc"
LABELLED_SECRET_RE = re.compile(
    r"\b(?P<label>(?:pass(?:word|code|phrase)s?|pwd|pins?|otp|(?:access |"
    r"auth |bearer |api |refresh )?tokens?|secrets?|client secret|"
    r"api[ _-]?keys?|(?:verification|security|access|login|reset|one[ -]time|"
    r"recovery|2fa|mfa) codes?)(?:[ \t]++(?:is|was|will be)(?:[ \t]*+:)?|"
    r"[ \t]*+[:=]))[ \t]*+[^\s,;]++",
    re.IGNORECASE,
)
LINK_RE = re.compile(r"(?<![\w/])(?:https?://|www\.)[^\s<>\"')\]]++", re.IGNORECASE)
EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}+@[\w-]{1,63}+(?:\.[\w-]{1,63}+)++")
IBAN_RE = re.compile(
    r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?"
    r"(?![A-Za-z0-9])"
)

# -- phones ------------------------------------------------------------------

# "+44 20 7946 0958", "+1 (415) 555-0133", "0044 20..."
INTERNATIONAL_PHONE_RE = re.compile(
    r"(?<![\w+])(?:\+|00)[ \t]?+\d(?:[ \t().-]{0,2}+\d){5,16}+"
)
# "(415) 555-0133", "415-555-0133", "415.555.0133"
US_PHONE_RE = re.compile(
    r"(?<![\w(])(?:\(\d{3}\)[ \t]?|\d{3}[ .-])\d{3}[ .-]\d{4}(?!\w)"
)

# -- addresses ---------------------------------------------------------------

STREET_WORDS = (
    r"street|st|road|rd|avenue|ave|lane|ln|drive|dr|boulevard|blvd|way|court|"
    r"ct|place|pl|square|sq|close|crescent|terrace|gardens|parkway|pkwy|"
    r"highway|hwy|row|mews|hill|strasse|straße|weg|gasse|laan|straat"
)
# "221B Baker Street", "1600 Pennsylvania Avenue NW", "12 rue de la Paix",
# "Hauptstraße 5"
STREET_RE = re.compile(
    r"(?<![\w-])\d{1,5}[A-Za-z]?,?[ \t]++(?:"
    r"(?:(?:[A-Z][\w'-]{0,30}+|of|the|de|la|du)[ \t]++){0,4}"
    rf"(?i:{STREET_WORDS})\b\.?(?:[ \t]++(?:N|S|E|W|NE|NW|SE|SW)\b)?"
    r"|(?i:rue|avenue|boulevard|place|via|calle|chemin|allée)\b[^\n,]{0,60}+)"
    r"(?:,[ \t]*+[A-Z][\w'-]{0,30}+(?:[ \t]++[A-Z][\w'-]{0,30}+)?){0,3}"
    r"|(?<![\w-])[A-Z][\w'-]{0,30}?(?i:strasse|straße|weg|gasse|laan|straat)"
    r"[ \t]++\d{1,5}[a-z]?\b"
)
# what follows "address:" / "ship to:" on its line
LABELLED_ADDRESS_RE = re.compile(
    r"\b(?P<label>(?:(?:postal|street|home|billing|shipping|delivery|mailing)"
    r"[ \t])?address|ship(?:ping)? to|deliver(?:y|ed)? to|I live (?:at|in)|"
    r"I moved to)(?P<sep>[ \t]*+:[ \t]*+|[ \t]++is[ \t]++|[ \t]++)[^\n]{1,200}+",
    re.IGNORECASE,
)
UNIT_RE = re.compile(
    r"\b(?:apt|apartment|flat|suite|unit|floor|po box)\.?[ \t]*+#?[ \t]*+"
    r"(?=[\w-]*\d)[\w-]{1,12}+",
    re.IGNORECASE,
)
# UK postcodes ("SW1A 1AA"), US state and ZIP ("IL 62704"), and a postcode
# before its town ("75002 Paris", "10115 Berlin")
POSTCODE_RE = re.compile(
    r"(?<![A-Za-z0-9])[A-Z]{1,2}\d[A-Z\d]?[ ]?\d[A-Z]{2}(?![A-Za-z0-9])"
    r"|(?<![A-Za-z0-9])[A-Z]{2}[ ]\d{5}(?:-\d{4})?(?!\d)"
    r"|(?<![\w-])\d{4,5}[ ][A-Z][a-zà-ÿ]{2,30}+(?:[ -][A-Z][a-zà-ÿ]{2,30}+)?"
)

# -- names -------------------------------------------------------------------

CAPITALISED = r"[A-Z][a-zà-ÿ'-]{1,30}+"
HONORIFIC_RE = re.compile(
    rf"\b(?P<title>Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Madam|Herr|Frau|Mme)\.?"
    rf"[ \t]++{CAPITALISED}(?:[ \t]++{CAPITALISED})?"
)
# "Hi John,", "Dear Anna Smith", "Hello Mr Lee" (the honorific is removed
# above) — the greeting keeps its place
GREETING_NAME_RE = re.compile(
    r"(?im)^(?P<greeting>[ \t]*+(?:hi|hello|hey|dear|greetings|good (?:morning|"
    r"afternoon|evening))[ \t,]++)(?-i:[A-Z][\w'-]{0,30}+)(?:[ \t]++(?-i:[A-Z]"
    r"[\w'-]{0,30}+)){0,2}"
)
NAME_SPLIT_RE = re.compile(r"[\s,.<>()\"'@;:/]++")
# words of a name that are also common words in a support message: removed
# only when written with a capital ("Will Smith", not "it will work")
COMMON_WORDS = frozenset(
    "will may june april august bill mark grace hope joy faith rose summer "
    "art chase frank pat sue dawn ray bob jack lane case page street hall "
    "long short young king brown white green black gray grey day night".split()
)


def names_pattern(names):
    """One alternation of every word (two letters or more) of ``names``, the
    longest first; a word that is also common English only capitalised."""
    plain, capitalised = set(), set()
    for name in names or ():
        for word in NAME_SPLIT_RE.split(name or ""):
            if len(word) < 2 or any(char.isdigit() for char in word):
                continue
            if word.lower() in COMMON_WORDS:
                capitalised.add(re.escape(word[:1].upper() + word[1:].lower()))
            else:
                plain.add(re.escape(word))
    branches = []
    if plain:
        alternation = "|".join(sorted(plain, key=len, reverse=True))
        branches.append(f"(?i:{alternation})")
    if capitalised:
        branches.append("|".join(sorted(capitalised, key=len, reverse=True)))
    if not branches:
        return None
    return re.compile(rf"(?<!\w)(?:{'|'.join(branches)})(?!\w)")
