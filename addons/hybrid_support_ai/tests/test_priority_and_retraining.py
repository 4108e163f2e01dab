import json
import random
from unittest.mock import patch

from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.hybrid_support_intake.tests.common import IntakeCase
from odoo.addons.hybrid_support_intake.tests.common import intent as intent_of

from ..tools import classifier, priority
from .test_review_loop import INTENTS, phrases


@tagged("post_install", "-at_install")
class TestPriorityFromUrgency(IntakeCase):
    """Until a priority model is trained, the urgency read in the email sets
    the priority through the company's mapping, logged like any decision."""

    def _priority_logs(self, ticket):
        return ticket.hs_routing_log_ids.filtered(
            lambda log: log.field_name == "Priority"
        )

    def test_critical_email_gets_the_top_priority_and_a_log_line(self):
        ticket = self.email_case(
            "hank@globex.example",
            "URGENT: API down for all users",
            "The API is down for all our users since this morning.",
        )
        self.assertEqual(ticket.hs_urgency, "critical")
        self.assertEqual(ticket.priority, "3")
        log = self._priority_logs(ticket)
        self.assertEqual(
            (log.source, log.old_value, log.new_value),
            ("model", "Medium", "Very High"),
        )
        self.assertEqual(log.model_name, "urgency to priority (settings)")
        self.assertIn("urgency critical", log.inputs)

    def test_the_mapping_is_a_setting_and_vip_raises_one_step(self):
        company = self.env.company
        settings = self.env["res.config.settings"].create(
            {"hs_priority_critical": "2", "hs_priority_normal": "0"}
        )
        settings.execute()
        self.assertEqual(company.hs_priority_critical, "2")
        ticket = self.email_case(
            "hank@globex.example", "URGENT: API down", "The API is down for all."
        )
        self.assertEqual(ticket.priority, "2")
        # a VIP account: one step up
        company.hs_vip_domains = "globex.example"
        company.hs_priority_high = "1"
        ticket = self.email_case(
            "hank@globex.example",
            "Payment page broken",
            "Please fix this as soon as possible, it is important.",
        )
        self.assertTrue(ticket.hs_is_vip)
        if ticket.hs_urgency == "high":
            self.assertEqual(ticket.priority, "2")
            self.assertIn("VIP", self._priority_logs(ticket).inputs)

    def test_pure_mapping(self):
        mapping = priority.PriorityMapping(by_urgency=priority.DEFAULT_MAPPING)
        self.assertEqual(priority.priority_from_triage(mapping, "normal")[0], "1")
        self.assertEqual(
            priority.priority_from_triage(mapping, "high", is_vip=True)[0], "3"
        )
        self.assertEqual(
            priority.priority_from_triage(
                mapping, "critical", is_vip=True, frustrated=True
            )[0],
            "3",
            "never beyond the top",
        )
        self.assertEqual(priority.priority_from_triage(mapping, False), (None, []))
        quiet = priority.PriorityMapping(
            by_urgency={**priority.DEFAULT_MAPPING, "normal": False}
        )
        self.assertEqual(priority.priority_from_triage(quiet, "normal")[0], None)

    def test_a_routing_rule_that_sets_the_priority_wins(self):
        self.env["hybrid.support.routing.rule"].create(
            {
                "name": "Globex is low",
                "senders": "globex.example",
                "set_priority": "0",
            }
        )
        ticket = self.email_case(
            "hank@globex.example", "URGENT: API down", "The API is down for all."
        )
        self.assertEqual(ticket.priority, "0")
        self.assertEqual(self._priority_logs(ticket).source, "rule")

    def test_demo_cases_with_urgency_have_the_matching_priority(self):
        mapping = self.env.company._hs_priority_mapping()
        cases = self.Ticket.search(
            [
                ("company_id", "=", self.env.company.id),
                ("hs_urgency", "!=", False),
                ("hs_source_message_id", "!=", False),
                ("stage_id.closed", "=", False),
            ]
        )
        if not cases:
            self.skipTest("no demo cases in this database")
        # what the installation of this addon did on the demo cases
        cases._hs_enrich(None)
        for case in cases:
            if self._priority_logs(case).filtered(lambda log: log.source != "model"):
                continue  # a rule or an agent decided
            expected, _reasons = priority.priority_from_triage(
                mapping, case.hs_urgency, case.hs_is_vip, case.hs_frustrated
            )
            self.assertEqual(case.priority, expected, case.name)


@tagged("post_install", "-at_install")
class TestRetraining(IntakeCase):
    """Calibration shown per version, and a retraining job where one failing
    company or target does not stop the others."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._archive_existing_cases()
        cls.Model = cls.env["hybrid.support.ai.model"]
        cls.closed = cls.env["helpdesk.ticket.stage"].search(
            [("closed", "=", True)], limit=1
        )
        cls.env.company.hs_ai_min_training = 40
        cls.other_company = cls.env["res.company"].create({"name": "Initech"})
        cls.other_company.hs_ai_min_training = 10
        rng = random.Random(11)
        # two teams, so that the team target has something to learn too
        teams = [cls.team, cls.env["helpdesk.ticket.team"].create({"name": "Second"})]
        cls.Ticket.create(
            [
                {
                    "name": text,
                    "description": text,
                    "hs_clean_body": text,
                    "hs_intent_id": intent_of(cls.env, intent).id,
                    "team_id": teams[number % 2].id,
                    "stage_id": cls.closed.id,
                }
                for intent, (old, new) in INTENTS.items()
                for number, text in enumerate(phrases(rng, old + new, 30))
            ]
        )

    def test_a_version_shows_its_calibration(self):
        model = self.Model._train()
        self.assertTrue(model.ece < 0.2)
        rows = json.loads(model.reliability)
        # every case, but those of the intents a fold was trained without
        self.assertTrue(
            0.7 * model.training_size
            <= sum(row["count"] for row in rows)
            < model.training_size
        )
        self.assertIn("<table", model.reliability_table)
        self.assertTrue(0 < model.threshold <= 1)
        self.assertLessEqual(model.unknown_routed, classifier.UNKNOWN_ROUTED)
        self.assertGreaterEqual(model.precision, 0.97)
        # an email about something no intent covers is not applied
        model.action_promote()
        stranger = self.email_case(
            "hank@globex.example",
            "Sponsorship of the trade fair",
            "We would like to propose a sponsorship of our annual trade fair.",
        )
        self.assertEqual(stranger.hs_intent_source, model.name)
        self.assertTrue(stranger.hs_intent_needs_review)

    def test_one_failing_company_does_not_stop_the_others(self):
        # Initech's cases hold no words at all: its training fails clearly
        self.Ticket.with_company(self.other_company).create(
            [
                {
                    "name": "?",
                    "description": "",
                    "hs_clean_body": "",
                    "hs_intent_id": intent_of(self.env, intent, self.other_company).id,
                    "stage_id": self.closed.id,
                    "company_id": self.other_company.id,
                }
                for intent in ["refund", "password"] * 6
            ]
        )
        companies = self.env.company | self.other_company
        companies.hs_ai_train_requested = True
        original = type(self.Model)._train_version

        def team_model_breaks(model, company, target, texts, labels):
            if target == "team":
                raise MemoryError("out of memory")
            return original(model, company, target, texts, labels)

        with (
            patch.object(type(self.Model), "_train_version", team_model_breaks),
            mute_logger(
                "odoo.addons.hybrid_support_ai.models.hybrid_support_ai_model_training"
            ),
        ):
            # the job's loop, without its commits (a test may not commit)
            self.Model._retrain_due(companies, commit_progress=lambda done: None)
        ours = self.Model.search([("company_id", "=", self.env.company.id)])
        intent = ours.filtered(lambda m: m.target == "intent")
        self.assertEqual(intent.state, "active", "trained and promoted")
        failed = ours.filtered(lambda m: m.state == "failed")
        self.assertIn("team", failed.mapped("target"))
        self.assertIn(
            "MemoryError: out of memory",
            failed.filtered(lambda m: m.target == "team").error,
        )
        theirs = self.Model.search([("company_id", "=", self.other_company.id)])
        self.assertEqual(
            theirs.filtered(lambda m: m.target == "intent").state, "failed"
        )
        self.assertIn("no words", theirs.filtered(lambda m: m.target == "intent").error)
        self.assertFalse(any(companies.mapped("hs_ai_train_requested")))

    def test_none_of_these_gives_the_catch_all_and_logs_it(self):
        reviewer = new_test_user(
            self.env,
            login="hs_other_reviewer",
            groups="helpdesk_mgmt.group_helpdesk_user",
        )
        ticket = self.email_case(
            "hank@globex.example", "Partnership", "We propose a partnership."
        )
        ticket.with_user(reviewer).action_hs_intent_none_of_these()
        other = self.env["hybrid.support.intent"]._other(self.env.company)
        self.assertEqual(ticket.hs_intent_id, other)
        self.assertTrue(ticket.hs_intent_reviewed)
        self.assertFalse(ticket.hs_intent_needs_review)
        self.assertTrue(
            ticket.hs_routing_log_ids.filtered(
                lambda log: log.source == "override" and log.new_value == other.name
            )
        )
        self.assertEqual(
            self.env["hybrid.support.ai.model"]._label(ticket, "intent"),
            classifier.OTHER,
        )
