from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.hybrid_support_intake.tests.common import IntakeCase, make_email

from .test_sla import brussels_office


@tagged("post_install", "-at_install")
class TestEscalation(IntakeCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env, login="hs_manager", groups="helpdesk_mgmt.group_helpdesk_manager"
        )
        cls.counsel = cls.env["res.partner"].create(
            {"name": "Counsel", "email": "c@law.example"}
        )
        Rule = cls.env["hybrid.support.escalation.rule"]
        cls.legal = Rule.create(
            {
                "name": "Legal words",
                "level": 1,
                "trigger": "keyword",
                "keywords": "lawsuit, GDPR",
                "set_priority": "2",
                "add_follower_ids": [(4, cls.counsel.id)],
                "activity_user_id": cls.manager.id,
                "note": "Check with counsel.",
            }
        )
        cls.breach = Rule.create(
            {
                "name": "Breached",
                "level": 2,
                "trigger": "sla_breached",
                "set_priority": "3",
            }
        )

    def test_cases_climb_levels_once_and_every_escalation_is_logged(self):
        legal = self.email_case("hank@globex.example", "GDPR request", "Delete my data")
        calm = self.email_case("hank@globex.example", "Question", "How are you")
        Rule = self.env["hybrid.support.escalation.rule"]
        Rule._escalate()
        self.assertEqual((legal.hs_escalation_level, legal.priority), (1, "2"))
        self.assertIn(self.counsel, legal.message_partner_ids)
        self.assertEqual(legal.activity_ids.user_id, self.manager)
        self.assertIn("Check with counsel.", legal.message_ids[0].body)
        self.assertFalse(calm.hs_escalation_level)
        log = legal.hs_escalation_log_ids
        self.assertEqual(
            (log.rule_id, log.level, log.trigger),
            (self.legal, 1, "Keywords in subject or text"),
        )
        self.assertIn("priority High", log.actions)
        # the same level never fires twice
        Rule._escalate()
        self.assertEqual(len(legal.hs_escalation_log_ids), 1)
        # a breach takes it one level higher
        legal.hs_sla_status = "breached"
        Rule._escalate()
        self.assertEqual((legal.hs_escalation_level, legal.priority), (2, "3"))
        own = legal.hs_escalation_log_ids
        self.assertEqual(own.rule_id, self.legal | self.breach)
        # the rules count every case they escalated (demo cases too, when installed)
        self.assertEqual(
            self.legal.log_count,
            self.env["hybrid.support.escalation.log"].search_count(
                [("rule_id", "=", self.legal.id)]
            ),
        )
        self.assertGreaterEqual(self.breach.log_count, 1)

    def test_frustrated_customer_escalates(self):
        rule = self.env["hybrid.support.escalation.rule"].create(
            {"name": "Frustration", "level": 1, "trigger": "frustration"}
        )
        calm, upset = (
            self.email_case("hank@globex.example", s, "Hi") for s in ("Calm", "Upset")
        )
        upset.hs_frustrated = True  # what the ai addon sets after unanswered follow-ups
        self.env["hybrid.support.escalation.rule"]._escalate()
        log = upset.hs_escalation_log_ids.filtered(lambda x: x.rule_id == rule)
        self.assertEqual(log.trigger, "Frustrated customer")
        self.assertFalse(
            calm.hs_escalation_log_ids.filtered(lambda x: x.rule_id == rule)
        )

    def test_only_a_manager_de_escalates(self):
        ticket = self.email_case(
            "hank@globex.example", "lawsuit coming", "See you in court"
        )
        self.env["hybrid.support.escalation.rule"]._escalate()
        self.assertEqual(ticket.hs_escalation_level, 1)
        with self.assertRaises(AccessError):
            ticket.with_user(self.agent).action_deescalate()
        ticket.with_user(self.manager).action_deescalate()
        self.assertEqual(ticket.hs_escalation_level, 0)
        self.assertEqual(ticket.hs_escalation_log_ids[0].user_id, self.manager)


@tagged("post_install", "-at_install")
class TestInactivity(IntakeCase):
    def test_silence_counts_working_hours_then_tags_and_emails_the_customer(self):
        tag = self.env["helpdesk.ticket.tag"].create({"name": "Stalled"})
        template = self.env["mail.template"].create(
            {
                "name": "Still on it",
                "model_id": self.env["ir.model"]._get_id("helpdesk.ticket"),
                "subject": "We have not forgotten {{ object.number }}",
                "body_html": "<p>We are still working on your case.</p>",
                "partner_to": "{{ object.partner_id.id }}",
            }
        )
        rule = self.env["hybrid.support.escalation.rule"].create(
            {
                "name": "Silent for a working day",
                "level": 1,
                "trigger": "inactivity",
                "inactivity_hours": 8,
                "calendar_id": brussels_office(self.env).id,
                "add_tag_ids": [(4, tag.id)],
                "mail_template_id": template.id,
            }
        )
        # opened Friday 15:00 Brussels: 2 working hours on Friday, 6 on Monday
        with freeze_time("2026-11-20 14:00:00"):
            ticket = self.email_case("hank@globex.example", "Help", "Broken")
        self.assertEqual(ticket.hs_last_activity_date, datetime(2026, 11, 20, 14, 0))
        Rule = self.env["hybrid.support.escalation.rule"]
        with freeze_time("2026-11-23 13:59:00"):  # three days, 7h59 of work
            Rule._escalate()
        self.assertFalse(
            ticket.hs_escalation_log_ids.filtered(lambda x: x.rule_id == rule)
        )
        with freeze_time("2026-11-23 14:01:00"):
            Rule._escalate()
        log = ticket.hs_escalation_log_ids.filtered(lambda x: x.rule_id == rule)
        self.assertEqual(len(log), 1)
        self.assertIn(tag, ticket.tag_ids)
        sent = ticket.message_ids.filtered(
            lambda m: m.subject == f"We have not forgotten {ticket.number}"
        )
        self.assertEqual(sent.partner_ids, self.customer)
        self.assertIn("tagged Stalled", log.actions)
        self.assertIn("customer emailed", log.actions)

    def test_a_message_from_either_side_is_activity(self):
        with freeze_time("2026-11-20 14:00:00"):
            ticket = self.email_case("hank@globex.example", "Help", "Broken")
        with freeze_time("2026-11-23 09:00:00"):
            ticket.with_user(self.agent).message_post(
                body="Looking", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        self.assertEqual(ticket.hs_last_activity_date, datetime(2026, 11, 23, 9, 0))


@tagged("post_install", "-at_install")
class TestCustomerHealth(IntakeCase):
    def test_troubled_account_scores_lower_explains_why_and_escalates(self):
        # no SLA clock (demo policies) on the calm account's case: it stays at 100
        self.env["hybrid.support.sla.policy"].search([]).active = False
        calm_company = self.env["res.partner"].create(
            {"name": "Calm Ltd", "is_company": True}
        )
        calm = self.env["res.partner"].create(
            {"name": "Zen", "email": "zen@calm.example", "parent_id": calm_company.id}
        )
        troubled = self.Ticket.browse(
            [
                self.process(
                    make_email(
                        f"user{n}@globex.example",
                        f"Broken {n}",
                        "This is terrible, unacceptable",
                    )
                )
                for n in range(4)
            ]
        )
        troubled[:2].write({"hs_sla_status": "breached"})
        troubled[:3].write(
            {"hs_sentiment": -0.6}
        )  # as the ai addon would, when installed
        self.Ticket.create({"name": "Hello", "description": "x", "partner_id": calm.id})
        accounts = self.customer_company | calm_company
        accounts._hs_compute_health()
        self.assertEqual(calm_company.hs_health_score, 100)
        self.assertLess(self.customer_company.hs_health_score, 70)
        self.assertIn(
            "2 of 4 recent cases breached their SLA",
            self.customer_company.hs_health_explanation,
        )
        self.assertIn("negative", self.customer_company.hs_health_explanation)
        self.assertEqual(
            troubled[0].hs_customer_health, self.customer_company.hs_health_score
        )
        rule = self.env["hybrid.support.escalation.rule"].create(
            {
                "name": "Unhealthy account",
                "level": 1,
                "trigger": "health",
                "health_below": 70,
            }
        )
        rule._escalate()
        self.assertEqual(set(troubled.mapped("hs_escalation_level")), {1})

    def test_customer_ratings_count_when_they_exist(self):
        self.env["hybrid.support.sla.policy"].search([]).active = False
        company = self.env["res.partner"].create(
            {"name": "Rated Ltd", "is_company": True}
        )
        unhappy = self.env["res.partner"].create(
            {"name": "Moe", "email": "moe@rated.example", "parent_id": company.id}
        )
        happy = self.env["res.partner"].create({"name": "Ned", "is_company": True})
        tickets = self.Ticket.create(
            [
                {"name": "Slow", "description": "x", "partner_id": unhappy.id},
                {"name": "Fine", "description": "x", "partner_id": happy.id},
            ]
        )
        model = self.env["ir.model"]._get_id("helpdesk.ticket")
        self.env["rating.rating"].create(
            [
                {
                    "res_model_id": model,
                    "res_id": ticket.id,
                    "partner_id": ticket.partner_id.id,
                    "rating": value,
                    "consumed": True,
                }
                for ticket, value in zip(tickets, (1, 5), strict=True)
            ]
        )
        (company | happy)._hs_compute_health()
        self.assertEqual(company.hs_health_score, 80)
        self.assertIn(
            "customers rated 1.0/5 on average (1 ratings", company.hs_health_explanation
        )
        self.assertEqual(happy.hs_health_score, 100)
