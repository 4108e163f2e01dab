"""Portal feedback on a rollout, decided without the ORM."""

SCORES = [
    ("1", "1 - Minor"),
    ("2", "2"),
    ("3", "3"),
    ("4", "4"),
    ("5", "5 - Blocks my work"),
]
REVIEW_STATES = [
    ("new", "New"),
    ("reviewed", "Reviewed"),
    ("planned", "Planned"),
    ("done", "Done"),
    ("wont_do", "Won't do"),
]
# waves whose customers may give feedback
FEEDBACK_STATES = ("pilot", "hypercare")
# characters kept of a feedback text
MAX_TEXT = 5000


def feedback_refusal(text, score):
    """Why a posted feedback is refused ('text', 'score') or None; ``score``
    as posted (a string)."""
    if not (text or "").strip():
        return "text"
    if score not in {key for key, _label in SCORES}:
        return "score"
    return None


def clean_text(text):
    return (text or "").replace("\x00", "").strip()[:MAX_TEXT]
