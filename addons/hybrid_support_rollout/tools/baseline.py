"""The baseline of an email support desk, from its threads, without the ORM.

The ORM side (``hybrid.support.rollout.baseline.wizard``) reads the cases of
a period and their public messages in a few batched queries, turns them into
``Thread`` and ``Message`` values, and stores what ``analyse`` returns. The
same functions serve the imported mailbox history and the cases made in
Odoo: only the facts differ (an imported case was closed by the import, so
its resolution is its last agent reply).

Response times count working hours of a ``WorkingTime`` (the SLA calendar);
a message an agent wrote to open a thread starts no response clock.
"""

import html
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

from .status_chasers import is_status_chaser

CUSTOMER, AGENT = "customer", "agent"
NO_INTENT = "(none)"
# Recurring topics listed
TOP_TOPICS = 10
# Subject words that say nothing of the topic
STOPWORDS = frozenset(
    """
    about after again also because before being could does doing from have
    help here issue just need please problem question regarding should some
    still that their there these they this thanks thank urgent what when where
    which while with would your yours hello dear request support ticket case
    bitte frage hallo danke avec pour dans votre merci bonjour demande sans
    problème probleme sobre para favor hola gracias
    """.split()
)
_PREFIX = re.compile(r"^(?:\s*+(?:re|fw|fwd|aw|wg|tr|sv|vs|rv)\s*+:)++", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]{4,40}+")


@dataclass(frozen=True)
class Message:
    """A public message of a thread: when, whose side, which author (a
    partner id, or an address when no contact), and for customer messages
    the text the writer wrote (quoted history cut away)."""

    date: object
    side: str
    author: object = None
    text: str = ""


@dataclass(frozen=True)
class Thread:
    """A case and its public messages in date order. ``closed`` is when it
    was closed in Odoo (None while open); ``imported``: it came from the
    mailbox import, which closed it on the day of the import."""

    case_id: int
    start: object
    subject: str = ""
    intent: str = ""
    closed: object = None
    imported: bool = False
    messages: tuple = ()


@dataclass
class Baseline:
    """What ``analyse`` found; hours are working hours."""

    threads: int = 0
    answered: int = 0
    resolved: int = 0
    first_response_avg: float = 0.0
    first_response_median: float = 0.0
    resolution_avg: float = 0.0
    resolution_median: float = 0.0
    followups: int = 0
    status_chasers: int = 0
    threads_with_chaser: int = 0
    multi_agent_threads: int = 0
    weeks: Counter = field(default_factory=Counter)
    intents: Counter = field(default_factory=Counter)
    peaks: Counter = field(default_factory=Counter)
    topics: list = field(default_factory=list)

    @property
    def status_chaser_share(self):
        """Share (%) of customer follow-ups that only ask for the status."""
        return 100.0 * self.status_chasers / self.followups if self.followups else 0.0

    @property
    def multi_agent_share(self):
        """Share (%) of answered threads that more than one agent answered."""
        return (
            100.0 * self.multi_agent_threads / self.answered if self.answered else 0.0
        )

    @property
    def weekly_volume(self):
        return sum(self.weeks.values()) / len(self.weeks) if self.weeks else 0.0


def breakdown_lines(measured):
    """The breakdown lines of a ``Baseline`` (the values of
    hybrid.support.rollout.baseline.line): cases per week, intent and
    topic as a share of the threads, customer messages per weekday and
    hour as a share of all of them."""
    threads = measured.threads or 1
    customer_messages = sum(measured.peaks.values()) or 1
    lines = [
        {
            "kind": "week",
            "key": week,
            "count": count,
            "percent": 100.0 * count / threads,
        }
        for week, count in sorted(measured.weeks.items())
    ]
    lines += [
        {
            "kind": "intent",
            "key": intent,
            "count": count,
            "percent": 100.0 * count / threads,
        }
        for intent, count in measured.intents.most_common()
    ]
    lines += [
        {
            "kind": "topic",
            "key": topic,
            "count": count,
            "percent": 100.0 * count / threads,
        }
        for topic, count in measured.topics
    ]
    lines += [
        {
            "kind": "peak",
            "key": f"{weekday}-{hour:02d}",
            "weekday": str(weekday),
            "hour": hour,
            "count": count,
            "percent": 100.0 * count / customer_messages,
        }
        for (weekday, hour), count in sorted(measured.peaks.items())
    ]
    return lines


def agent_domains(text, shared=frozenset()):
    """The email domains that identify agents, from a comma-separated text;
    a domain in ``shared`` (free webmail: customers write from it too) says
    nothing and is dropped."""
    domains = {d.strip().lower().lstrip("@") for d in (text or "").split(",")}
    return {d for d in domains if d and d not in shared}


def first_response(thread):
    """(customer message, first agent reply after it) or None: the clock
    starts at the thread's first customer message."""
    asked = None
    for message in thread.messages:
        if message.side == CUSTOMER and asked is None:
            asked = message
        elif message.side == AGENT and asked is not None:
            return asked, message
    return None


def resolved_at(thread):
    """When the thread was resolved: its closing in Odoo, or for history the
    import closed, its last message when an agent wrote it (a thread whose
    customer wrote last was left unanswered)."""
    if not thread.imported:
        return thread.closed
    if thread.messages and thread.messages[-1].side == AGENT:
        return thread.messages[-1].date
    return None


def followups(thread):
    """The customer's messages after their first one."""
    customer = [m for m in thread.messages if m.side == CUSTOMER]
    return customer[1:]


def agents(thread):
    return {m.author for m in thread.messages if m.side == AGENT and m.author}


def subject_topics(subject):
    """Keywords of a subject: reply prefixes dropped, words of 4+ letters
    that are not filler, each once, in order."""
    subject = _PREFIX.sub("", (subject or "")[:500]).lower()
    seen = []
    for word in _WORD.findall(subject):
        if word not in STOPWORDS and word not in seen:
            seen.append(word)
    return seen


def topics(thread):
    return [thread.intent] if thread.intent else subject_topics(thread.subject)


def week_key(moment):
    year, week, _day = moment.isocalendar()
    return f"{year}-W{week:02d}"


def analyse(threads, working_time):
    """A ``Baseline`` of ``threads`` (an iterable, read once). Weeks, hours
    and weekdays are those of the calendar's time zone."""
    result = Baseline()
    response_hours, resolution_hours = [], []
    topic_counts = Counter()
    for thread in threads:
        result.threads += 1
        local_start = working_time.local(thread.start)
        result.weeks[week_key(local_start)] += 1
        result.intents[thread.intent or NO_INTENT] += 1
        topic_counts.update(topics(thread))
        for message in thread.messages:
            if message.side == CUSTOMER:
                local = working_time.local(message.date)
                result.peaks[(local.weekday(), local.hour)] += 1
        pair = first_response(thread)
        if pair:
            result.answered += 1
            response_hours.append(working_time.hours(pair[0].date, pair[1].date))
            if len(agents(thread)) > 1:
                result.multi_agent_threads += 1
        resolved = resolved_at(thread)
        if resolved:
            result.resolved += 1
            resolution_hours.append(working_time.hours(thread.start, resolved))
        chasers = [m for m in followups(thread) if is_status_chaser(m.text)]
        result.followups += len(followups(thread))
        result.status_chasers += len(chasers)
        result.threads_with_chaser += bool(chasers)
    if response_hours:
        result.first_response_avg = statistics.fmean(response_hours)
        result.first_response_median = statistics.median(response_hours)
    if resolution_hours:
        result.resolution_avg = statistics.fmean(resolution_hours)
        result.resolution_median = statistics.median(resolution_hours)
    result.topics = topic_counts.most_common(TOP_TOPICS)
    return result


_BLOCKQUOTE = re.compile(r"<blockquote\b", re.IGNORECASE)
_TAG = re.compile(r"<[^<>]{0,2000}+>")
_BREAK = re.compile(r"<(?:br|/p|/div|/li|/tr)\b[^<>]{0,2000}+>", re.IGNORECASE)


def written_text(body, split_reply=None):
    """What the writer of an email or portal message wrote, as plain text:
    the HTML before the first quoted block, tags dropped, then the quoted
    history and signature that ``split_reply`` (intake's) recognises in text.
    Only the start of a long body is read."""
    body = (body or "")[:20_000]
    quote = _BLOCKQUOTE.search(body)
    if quote:
        body = body[: quote.start()]
    text = html.unescape(_TAG.sub("", _BREAK.sub("\n", body)))
    if split_reply:
        text = split_reply(text)[0]
    return text
