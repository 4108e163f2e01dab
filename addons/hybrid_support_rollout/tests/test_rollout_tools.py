"""Invitation decisions, nudge series and adoption figures, in plain Python."""

from datetime import datetime, timedelta

from odoo.tests import BaseCase, tagged

from ..tools import adoption
from ..tools.nudges import ContactFacts, StepSpec, due_step, effective
from ..tools.waves import invitation_decision

NOW = datetime(2026, 3, 10, 12, 0)
STEPS = [
    StepSpec(1, 0, "always"),
    StepSpec(2, 3, "not_activated"),
    StepSpec(3, 10, "inactive", inactive_days=7),
]


def decide(**overrides):
    facts = dict(
        portal_access=False,
        email="a@b.example",
        blacklisted=False,
        opted_out=False,
        support_role="member",
    )
    facts.update(overrides)
    return invitation_decision(**facts)


@tagged("post_install", "-at_install")
class TestInvitationDecision(BaseCase):
    def test_a_contact_without_access_is_invited(self):
        self.assertEqual(decide(), ("invite", None))

    def test_existing_access_is_kept_and_internal_users_skipped(self):
        self.assertEqual(decide(portal_access="portal"), ("had_access", None))
        self.assertEqual(decide(portal_access="internal"), ("skipped", "internal"))

    def test_refusals(self):
        self.assertEqual(decide(email=False), ("skipped", "no_email"))
        self.assertEqual(decide(blacklisted=True), ("skipped", "blacklisted"))
        self.assertEqual(decide(opted_out=True), ("skipped", "opted_out"))
        self.assertEqual(decide(support_role="none"), ("skipped", "no_case_access"))
        self.assertEqual(
            decide(support_role="none", portal_access="portal"),
            ("skipped", "no_case_access"),
        )


@tagged("post_install", "-at_install")
class TestNudgeSeries(BaseCase):
    def facts(self, **values):
        values.setdefault("invited_at", NOW - timedelta(days=4))
        return ContactFacts(**values)

    def test_the_latest_due_step_is_sent_once(self):
        step, reason = due_step(STEPS, self.facts(), NOW, 48)
        self.assertEqual((step.id, reason), (2, "due"))
        step, reason = due_step(STEPS, self.facts(sent_step_ids={2}), NOW, 48)
        self.assertEqual((step, reason), (None, "already sent"))

    def test_announcement_on_the_invitation_day(self):
        step, _reason = due_step(STEPS, self.facts(invited_at=NOW), NOW, 48)
        self.assertEqual(step.id, 1)

    def test_activation_stops_the_reminders(self):
        facts = self.facts(activated_at=NOW - timedelta(days=1))
        self.assertEqual(due_step(STEPS, facts, NOW, 48), (None, "condition not met"))

    def test_inactive_contacts_get_the_tips(self):
        invited = NOW - timedelta(days=11)
        recent = self.facts(invited_at=invited, last_seen_at=NOW - timedelta(days=2))
        self.assertEqual(due_step(STEPS, recent, NOW, 48)[0], None)
        idle = self.facts(invited_at=invited, last_seen_at=NOW - timedelta(days=8))
        self.assertEqual(due_step(STEPS, idle, NOW, 48)[0].id, 3)

    def test_rate_limit_per_contact(self):
        facts = self.facts(last_nudge_at=NOW - timedelta(hours=47))
        self.assertEqual(due_step(STEPS, facts, NOW, 48), (None, "rate limited"))
        facts = self.facts(last_nudge_at=NOW - timedelta(hours=49))
        self.assertEqual(due_step(STEPS, facts, NOW, 48)[0].id, 2)

    def test_not_invited_gets_nothing(self):
        facts = ContactFacts(invited_at=None)
        self.assertEqual(due_step(STEPS, facts, NOW, 48), (None, "not invited"))

    def test_effect_window(self):
        sent = NOW
        self.assertTrue(effective(sent, NOW + timedelta(days=2), 3))
        self.assertFalse(effective(sent, NOW + timedelta(days=4), 3))
        self.assertFalse(effective(sent, NOW - timedelta(hours=1), 3))
        self.assertFalse(effective(sent, None, 3))


@tagged("post_install", "-at_install")
class TestAdoptionFigures(BaseCase):
    def test_rates_and_medians(self):
        self.assertEqual(adoption.rate(1, 3), 33.3)
        self.assertEqual(adoption.rate(5, 0), 0.0)
        self.assertEqual(adoption.median_hours([1.0, None, 5.0, 3.0]), 3.0)
        self.assertEqual(adoption.median_hours([]), 0.0)
        self.assertEqual(adoption.per_head(7, 2), 3.5)
        self.assertEqual(adoption.csat(13, 3), 4.3)
        self.assertEqual(adoption.hours_between(NOW, NOW + timedelta(hours=5)), 5.0)
        self.assertIsNone(adoption.hours_between(None, NOW))

    def test_first_value_is_the_earliest_action(self):
        when, kind = adoption.first_value(
            {
                "portal_reply": NOW,
                "viewed_case": NOW - timedelta(hours=2),
                "helpful_article": None,
            }
        )
        self.assertEqual((when, kind), (NOW - timedelta(hours=2), "viewed_case"))
        self.assertEqual(adoption.first_value({}), (None, None))
