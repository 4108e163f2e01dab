"""Language of a message with ``langid`` (a naive Bayes model over byte
n-grams, about a millisecond per email), restricted to the languages a
support desk can expect so that near neighbours (Galician for Portuguese)
are not picked from a single word."""

from functools import lru_cache

from langid.langid import LanguageIdentifier, model

DEFAULT_LANGUAGES = ("en", "fr", "de", "es", "it", "pt", "nl")


@lru_cache(maxsize=8)
def _identifier(languages):
    identifier = LanguageIdentifier.from_modelstring(model, norm_probs=True)
    known = set(identifier.nb_classes)
    identifier.set_languages([code for code in languages if code in known])
    return identifier


def detect(text, languages=()):
    """(ISO 639-1 code, probability); ("", 0.0) when there is too little text."""
    text = (text or "").strip()
    if len(text) < 3:
        return "", 0.0
    codes = tuple(sorted({*DEFAULT_LANGUAGES, *languages}))
    code, probability = _identifier(codes).classify(text[:2000])
    return code, round(float(probability), 2)
