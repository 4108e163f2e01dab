"""Follow-ups that only ask where a case stands ("any news?"), in the
languages of our customers, without the ORM.

A status chaser is the cost the portal removes: the customer could read the
status instead of writing. The phrases are plain literals joined by single
spaces and matched on text whose whitespace was collapsed first, so the
pattern has no repeat at all: the engine tries each phrase at each position,
linear in the length of the text whatever it holds. Only the start of the
writer's own text is read (a chaser is short; quoted history is cut before).
"""

import re

# Characters of the writer's text read for a chaser.
HEAD = 600

PHRASES = (
    # English
    "any news",
    "any update",
    "any updates",
    "any progress",
    "any feedback",
    "status?",
    "status update",
    "what is the status",
    "what's the status",
    "whats the status",
    "status of my",
    "status of this",
    "status of the",
    "still waiting",
    "still no answer",
    "still no reply",
    "still no response",
    "haven't heard back",
    "have not heard back",
    "did not hear back",
    "didn't hear back",
    "following up",
    "follow up on",
    "chasing",
    "where are we",
    "where do we stand",
    "when can i expect",
    "when will this be",
    # French
    "des nouvelles",
    "du nouveau",
    "où en est",
    "ou en est",
    "où en sommes",
    "toujours en attente",
    "toujours pas de réponse",
    "je relance",
    "je me permets de relancer",
    # German
    "gibt es neuigkeiten",
    "neuigkeiten",
    "wie ist der stand",
    "was ist der stand",
    "aktueller stand",
    "sachstand",
    "warte immer noch",
    "noch keine antwort",
    # Spanish
    "alguna novedad",
    "hay novedades",
    "alguna actualización",
    "alguna actualizacion",
    "cuál es el estado",
    "cual es el estado",
    "sigo esperando",
    # Italian
    "ci sono novità",
    "aggiornamenti",
    "a che punto",
    "sto ancora aspettando",
    # Dutch
    "al nieuws",
    "enig nieuws",
    "stand van zaken",
    "wacht nog steeds",
    # Portuguese
    "alguma novidade",
    "alguma atualização",
    "qual o status",
    "ainda aguardo",
    "ainda estou aguardando",
)

_PATTERN = re.compile(
    r"(?<!\w)(?:"
    + "|".join(re.escape(p) for p in sorted(PHRASES, key=len, reverse=True))
    + r")(?!\w)"
)


def normalise(text):
    """Lower case, whitespace runs made one space, cut to ``HEAD``."""
    return " ".join((text or "")[: HEAD * 4].split()).lower()[:HEAD]


def is_status_chaser(text):
    """Whether the writer's text asks for the status of the case."""
    return bool(_PATTERN.search(normalise(text)))
