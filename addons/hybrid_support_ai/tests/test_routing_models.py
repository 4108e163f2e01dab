import random

from odoo.tests import tagged

from odoo.addons.hybrid_support_intake.tests.common import IntakeCase

from .test_review_loop import phrases

BILLING = ["invoice is wrong", "charged twice on my card", "need a VAT invoice"]
OUTAGE = ["the site is down", "API returns errors for everyone", "servers unreachable"]


@tagged("post_install", "-at_install")
class TestTeamAndPriorityModels(IntakeCase):
    """Team and priority models learn from closed cases and route new ones
    where no rule decided, from a front-desk team that lets them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._archive_existing_cases()
        cls.env.company.hs_ai_min_training = 40
        Team = cls.env["helpdesk.ticket.team"]
        cls.billing = Team.create({"name": "Billing"})
        cls.tech = Team.create({"name": "Tech"})
        closed = cls.env["helpdesk.ticket.stage"].search(
            [("closed", "=", True)], limit=1
        )
        rng = random.Random(3)
        # enough cases that a 97% precision is proven at the lower bound of
        # its confidence interval, not only observed
        history = [(t, cls.billing, "0") for t in phrases(rng, BILLING, 70)]
        history += [(t, cls.tech, "3") for t in phrases(rng, OUTAGE, 70)]
        cls.Ticket.create(
            [
                {
                    "name": text,
                    "description": text,
                    "hs_clean_body": text,
                    "team_id": team.id,
                    "priority": priority,
                    "stage_id": closed.id,
                }
                for text, team, priority in history
            ]
        )
        Model = cls.env["hybrid.support.ai.model"]
        cls.team_model = Model._train(target="team")
        cls.priority_model = Model._train(target="priority")
        (cls.team_model | cls.priority_model).action_promote()

    def _case(self, text):
        return self.email_case("hank@globex.example", text, f"Hello, {text}.")

    def test_models_are_trained_per_target_from_closed_cases(self):
        closed_with_team = self.Ticket.search_count(
            [
                ("company_id", "=", self.env.company.id),
                ("stage_id.closed", "=", True),
                ("team_id", "!=", False),
            ]
        )
        self.assertGreaterEqual(closed_with_team, 140, "ours, and demo cases if any")
        self.assertEqual(
            (self.team_model.target, self.team_model.training_size),
            ("team", closed_with_team),
        )
        self.assertEqual(self.priority_model.target, "priority")
        self.assertGreater(self.team_model.accuracy, 0.9)

    def test_front_desk_lets_the_model_dispatch_and_logs_it(self):
        self.team.hs_ai_dispatch = True
        ticket = self._case("the site is down since this morning")
        self.assertEqual(ticket.hs_team_suggestion_id, self.tech)
        self.assertEqual(ticket.team_id, self.tech)
        self.assertEqual(ticket.priority, "3")
        logs = ticket.hs_routing_log_ids.filtered(
            lambda x: x.model_name in ("Team", "Priority")
        )
        team_log = logs.filtered(lambda x: x.field_name == "Team")
        self.assertEqual(team_log.new_value, "Tech")
        self.assertEqual(team_log.model_version, str(self.team_model.version))
        # typed references: the field changed and the version that decided
        self.assertEqual(team_log.field_id.name, "team_id")
        self.assertEqual(team_log.ai_model_id, self.team_model)
        self.assertAlmostEqual(team_log.confidence, ticket.hs_team_confidence, places=2)
        self.assertTrue(logs.filtered(lambda x: x.field_name == "Priority"))

    def test_a_team_alias_keeps_its_cases_unless_it_dispatches(self):
        ticket = self._case("my invoice is wrong, I was charged twice")
        self.assertEqual(ticket.hs_team_suggestion_id, self.billing, "suggested only")
        self.assertEqual(ticket.team_id, self.team)

    def test_a_routing_rule_wins_over_the_model(self):
        self.team.hs_ai_dispatch = True
        self.env["hybrid.support.routing.rule"].create(
            {
                "name": "Globex to billing",
                "senders": "globex.example",
                "set_team_id": self.billing.id,
            }
        )
        ticket = self._case("the site is down since this morning")
        self.assertEqual(ticket.hs_team_suggestion_id, self.tech)
        self.assertEqual(ticket.team_id, self.billing)
