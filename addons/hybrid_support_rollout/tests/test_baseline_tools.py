"""The baseline's pure tools, without a database: working hours across a
weekend and a holiday, status chasers in several languages and on hostile
text, first responses, several agents, topics, goals."""

import time
from datetime import datetime

from odoo.tests import BaseCase, tagged

from odoo.addons.hybrid_support_intake.tools.body_clean import split_reply
from odoo.addons.hybrid_support_intake.tools.regex_safety import check_linear

from ..tools import baseline as tools
from ..tools import goals, status_chasers
from ..tools.working_time import WorkingTime

# Monday to Friday, 9:00-12:00 and 13:00-17:00 in Brussels (UTC+1 in March)
OFFICE = [(day, 9, 12) for day in range(5)] + [(day, 13, 17) for day in range(5)]


def utc(day, hour, minute=0):
    return datetime(2024, 3, day, hour, minute)


def message(day, hour, side, author=None, text="", minute=0):
    return tools.Message(utc(day, hour, minute), side, author, text)


@tagged("at_install")
class TestWorkingTime(BaseCase):
    def setUp(self):
        super().setUp()
        self.office = WorkingTime(OFFICE, "Europe/Brussels")

    def test_friday_evening_to_monday_morning_counts_working_hours_only(self):
        # Friday 8 March 16:00 → Monday 11 March 10:00, Brussels time
        self.assertEqual(self.office.hours(utc(8, 15), utc(11, 9)), 2.0)

    def test_out_of_hours_start_counts_from_the_opening(self):
        # Tuesday 7:00 (before opening) → 9:30 the same day
        self.assertEqual(self.office.hours(utc(12, 6), utc(12, 8, 30)), 0.5)

    def test_lunch_break_and_whole_weeks(self):
        self.assertEqual(self.office.hours(utc(13, 10), utc(13, 14)), 3.0)
        self.assertEqual(self.office.week_hours, 35.0)
        # Monday 4 March 9:00 → Monday 25 March 17:00: three weeks and a day
        self.assertEqual(self.office.hours(utc(4, 8), utc(25, 16)), 3 * 35 + 7)

    def test_a_holiday_is_not_worked(self):
        holiday = WorkingTime(
            OFFICE, "Europe/Brussels", leaves=[(utc(11, 0), utc(12, 0))]
        )
        # Friday 16:00 → Tuesday 10:00 with Monday off: 1 h + 1 h
        self.assertEqual(holiday.hours(utc(8, 15), utc(12, 9)), 2.0)
        # weeks with the holiday inside are counted day by day
        self.assertEqual(holiday.hours(utc(4, 8), utc(25, 8)), 3 * 35 - 7)

    def test_no_calendar_counts_the_wall_clock(self):
        self.assertEqual(WorkingTime().hours(utc(8, 15), utc(11, 9)), 66.0)
        self.assertEqual(self.office.hours(utc(11, 9), utc(8, 15)), 0.0)


@tagged("at_install")
class TestStatusChasers(BaseCase):
    def test_chasers_in_several_languages(self):
        for text in (
            "Hi, any news?",
            "Any update on this please",
            "Status?",
            "Still waiting for an answer...",
            "Des nouvelles ?",
            "Bonjour, où en est ma demande ?",
            "Gibt es   Neuigkeiten?",
            "Wie ist der Stand?",
            "¿Hay novedades?",
            "Ci sono novità?",
            "Is er al nieuws?",
            "Alguma novidade?",
        ):
            with self.subTest(text=text):
                self.assertTrue(status_chasers.is_status_chaser(text))

    def test_other_follow_ups_are_not_chasers(self):
        for text in (
            "Thanks, that works now.",
            "The newsletter is broken",
            "Here is the photo you asked for.",
            "Our status page shows an outage",
            "",
        ):
            with self.subTest(text=text):
                self.assertFalse(status_chasers.is_status_chaser(text))

    def test_quoted_history_is_not_read(self):
        body = (
            "<p>Thanks, that works.</p><blockquote>On Tuesday you wrote:"
            "<br>any update?</blockquote>"
        )
        text = tools.written_text(body, split_reply)
        self.assertEqual(text.strip(), "Thanks, that works.")
        self.assertFalse(status_chasers.is_status_chaser(text))
        plain = "Thanks, that works.\n\nOn Tue, 12 Mar 2024, Hank wrote:\n> any update?"
        self.assertFalse(
            status_chasers.is_status_chaser(tools.written_text(plain, split_reply))
        )

    def test_linear_on_hostile_text(self):
        check_linear(status_chasers._PATTERN)
        for compiled in (tools._PREFIX, tools._WORD, tools._TAG, tools._BREAK):
            check_linear(compiled)
        for hostile in (
            "any " * 200_000,
            " " * 1_000_000 + "x",
            "status" * 200_000,
            "<" * 500_000,
            "<blockquote" + "<a " * 300_000,
            "re:" * 300_000 + " subject",
        ):
            started = time.process_time()
            status_chasers.is_status_chaser(hostile)
            tools.written_text(hostile, split_reply)
            tools.subject_topics(hostile)
            # linear and cut to a head: far under a second even under
            # coverage tracing on a loaded machine
            self.assertLess(time.process_time() - started, 2.0)


@tagged("at_install")
class TestBaselineAnalysis(BaseCase):
    def setUp(self):
        super().setUp()
        C, A = tools.CUSTOMER, tools.AGENT
        self.threads = [
            # Friday 16:00 → Monday 10:00 (Brussels): 2 working hours; a
            # second agent answers the "any news?"; resolved Monday 12:00
            tools.Thread(
                1,
                utc(8, 15),
                "Printer broken",
                imported=True,
                messages=(
                    message(8, 15, C, 10),
                    message(11, 9, A, 1),
                    message(11, 10, C, 10, "Any news?"),
                    message(11, 11, A, 2),
                ),
            ),
            # written at 7:00 before opening, answered 9:30: half an hour;
            # the customer thanks last: not resolved
            tools.Thread(
                2,
                utc(12, 6),
                "RE: Invoice missing",
                intent="billing",
                imported=True,
                messages=(
                    message(12, 6, C, 11),
                    message(12, 8, A, 1, minute=30),
                    message(12, 9, C, 11, "Thanks, that works"),
                ),
            ),
            # the customer chases in French before the first answer: 5 hours
            tools.Thread(
                3,
                utc(13, 9),
                "Delivery late",
                imported=True,
                messages=(
                    message(13, 9, C, 12),
                    message(13, 13, C, 12, "Des nouvelles ?"),
                    message(13, 15, A, 1),
                ),
            ),
            # an outbound thread an agent opened: no response clock
            tools.Thread(
                4,
                utc(14, 9),
                "Printer maintenance",
                closed=utc(14, 10),
                messages=(message(14, 9, A, 1),),
            ),
        ]

    def test_figures_of_a_known_thread_set(self):
        result = tools.analyse(self.threads, WorkingTime(OFFICE, "Europe/Brussels"))
        self.assertEqual(result.threads, 4)
        self.assertEqual(result.answered, 3)
        self.assertEqual(result.first_response_avg, 2.5)  # (2 + 0.5 + 5) / 3
        self.assertEqual(result.first_response_median, 2.0)
        # thread 1: Fri 16:00 → Mon 12:00 = 4 h; 3: 5 h; 4: closed in Odoo, 1 h
        self.assertEqual(result.resolved, 3)
        self.assertEqual(result.resolution_median, 4.0)
        self.assertAlmostEqual(result.resolution_avg, 10 / 3)
        self.assertEqual((result.followups, result.status_chasers), (3, 2))
        self.assertAlmostEqual(result.status_chaser_share, 200 / 3)
        self.assertEqual(result.threads_with_chaser, 2)
        self.assertEqual(result.multi_agent_threads, 1)
        self.assertAlmostEqual(result.multi_agent_share, 100 / 3)
        self.assertEqual(result.weeks, {"2024-W10": 1, "2024-W11": 3})
        self.assertEqual(result.intents, {tools.NO_INTENT: 3, "billing": 1})
        # customer messages: Friday 16:00, Monday 11:00, Tuesday 7:00 and
        # 10:00, Wednesday 10:00 and 14:00 (Brussels)
        self.assertEqual(result.peaks[(4, 16)], 1)
        self.assertEqual(result.peaks[(2, 14)], 1)
        self.assertEqual(sum(result.peaks.values()), 6)
        self.assertEqual(result.topics[0], ("printer", 2))
        self.assertIn(("billing", 1), result.topics)

    def test_breakdown_lines_share_threads_and_messages(self):
        result = tools.analyse(self.threads, WorkingTime(OFFICE, "Europe/Brussels"))
        lines = tools.breakdown_lines(result)
        by_kind = {}
        for line in lines:
            by_kind.setdefault(line["kind"], []).append(line)
        self.assertEqual(
            [(line["key"], line["count"], line["percent"]) for line in by_kind["week"]],
            [("2024-W10", 1, 25.0), ("2024-W11", 3, 75.0)],
        )
        # the most frequent intent first
        self.assertEqual(
            [(line["key"], line["percent"]) for line in by_kind["intent"]],
            [(tools.NO_INTENT, 75.0), ("billing", 25.0)],
        )
        self.assertEqual(by_kind["topic"][0]["key"], "printer")
        friday = next(line for line in by_kind["peak"] if line["key"] == "4-16")
        self.assertEqual((friday["weekday"], friday["hour"]), ("4", 16))
        self.assertAlmostEqual(friday["percent"], 100 / 6)
        self.assertAlmostEqual(sum(line["percent"] for line in by_kind["peak"]), 100)
        # nothing measured: no line, no division by zero
        self.assertEqual(tools.breakdown_lines(tools.Baseline()), [])

    def test_agent_domains_ignore_shared_webmail(self):
        self.assertEqual(
            tools.agent_domains(" OurDesk.example, @gmail.com,,", {"gmail.com"}),
            {"ourdesk.example"},
        )
        self.assertEqual(tools.agent_domains(""), set())

    def test_subject_topics_drop_prefixes_and_filler(self):
        self.assertEqual(
            tools.subject_topics("RE: Fwd: AW: Please help, invoice missing for March"),
            ["invoice", "missing", "march"],
        )
        self.assertEqual(tools.subject_topics(""), [])

    def test_goal_progress_either_way(self):
        # first response 4 h → 0.5 h, now 2.25 h: half way
        self.assertEqual(goals.progress(4.0, 2.25, 0.5), 50.0)
        self.assertFalse(goals.reached(4.0, 2.25, 0.5))
        self.assertTrue(goals.reached(4.0, 0.4, 0.5))
        # CSAT 72 → 85, now 90: done, never over 100; worse than the baseline: 0
        self.assertEqual(goals.progress(72, 90, 85), 100.0)
        self.assertEqual(goals.progress(72, 60, 85), 0.0)
        self.assertEqual(goals.progress(72, None, 85), 0.0)
        self.assertEqual(goals.csat_percent([5, 5, 3, 1]), 50.0)
        self.assertIsNone(goals.csat_percent([]))
