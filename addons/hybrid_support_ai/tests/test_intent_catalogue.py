from lxml import etree

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.hybrid_support_intake.tests.common import IntakeCase
from odoo.addons.hybrid_support_intake.tests.common import intent as intent_of

from ..tools import classifier


@tagged("post_install", "-at_install")
class TestIntentCatalogue(IntakeCase):
    """The triage, the review queue and the automation tiers act on records
    of the catalogue, never on spellings."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Intent = cls.env["hybrid.support.intent"]
        cls.reviewer = new_test_user(
            cls.env,
            login="hs_catalogue_agent",
            groups="helpdesk_mgmt.group_helpdesk_user",
        )
        cls.manager = new_test_user(
            cls.env,
            login="hs_catalogue_manager",
            groups="helpdesk_mgmt.group_helpdesk_manager",
        )

    def _password_case(self):
        return self.email_case(
            "hank@globex.example", "Password", "I forgot my password, cannot log in"
        )

    def test_every_company_has_the_lexicons_intents_and_a_catch_all(self):
        company = self.env["res.company"].create({"name": "Fresh Co"})
        codes = set(
            self.Intent.search([("company_id", "=", company.id)]).mapped("code")
        )
        self.assertLessEqual({"access", "refund", "legal", "security"}, codes)
        self.assertTrue(self.Intent._other(company).is_other)
        legal = self.Intent.search(
            [("company_id", "=", company.id), ("code", "in", ("legal", "security"))]
        )
        self.assertEqual(legal.mapped("never_automate"), [True, True])

    def test_the_lexicon_fills_the_catalogue_intent(self):
        ticket = self._password_case()
        self.assertEqual(ticket.hs_intent_id, intent_of(self.env, "access"))

    def test_an_archived_intent_is_never_given_the_case_goes_to_review(self):
        self.env.company.hs_ai_lexicon_threshold = 0.01
        intent_of(self.env, "access").active = False
        ticket = self._password_case()
        self.assertFalse(ticket.hs_intent_id)
        self.assertTrue(ticket.hs_intent_needs_review)

    def test_an_agent_corrects_from_the_catalogue_and_never_adds_to_it(self):
        ticket = self._password_case().with_user(self.reviewer)
        refund = intent_of(self.env, "refund")
        ticket.write({"hs_intent_id": refund.id})
        self.assertEqual(ticket.hs_intent_id, refund)
        self.assertTrue(ticket.hs_intent_reviewed)
        log = ticket.hs_routing_log_ids.filtered(lambda log: log.source == "override")
        self.assertEqual(
            (log.old_value, log.new_value),
            (intent_of(self.env, "access").name, refund.name),
        )
        Intent = self.Intent.with_user(self.reviewer)
        with self.assertRaises(AccessError):
            Intent.name_create("Pasword reset")  # a new spelling, a new class
        with self.assertRaises(AccessError):
            Intent.create({"name": "Pasword reset"})
        self.assertFalse(self.Intent.search([("name", "=", "Pasword reset")]))
        # the review queue offers no "create" to agents, and does to managers
        arch = (
            self.env["helpdesk.ticket"]
            .with_user(self.reviewer)
            .get_views(
                [
                    (
                        self.env.ref(
                            "hybrid_support_ai.helpdesk_ticket_view_list_review"
                        ).id,
                        "list",
                    )
                ]
            )["views"]["list"]["arch"]
        )
        field = etree.fromstring(arch).xpath("//field[@name='hs_intent_id']")
        self.assertEqual(len(field), 1)
        self.assertIn("'no_create': True", field[0].get("options"))

    def test_a_manager_adds_a_new_intent_from_the_review_queue(self):
        ticket = self._password_case().with_user(self.manager)
        arch = (
            self.env["helpdesk.ticket"]
            .with_user(self.manager)
            .get_views(
                [
                    (
                        self.env.ref(
                            "hybrid_support_ai.helpdesk_ticket_view_list_review"
                        ).id,
                        "list",
                    )
                ]
            )["views"]["list"]["arch"]
        )
        field = etree.fromstring(arch).xpath("//field[@name='hs_intent_id']")
        self.assertEqual(len(field), 1)
        self.assertNotIn("no_create", field[0].get("options"))
        new_id, _name = self.Intent.with_user(self.manager).name_create(
            "Two-factor lockout"
        )
        ticket.write({"hs_intent_id": new_id})
        self.assertEqual(ticket.hs_intent_id.code, "two_factor_lockout")
        self.assertTrue(ticket.hs_intent_reviewed)
        # and it is a label the next training learns
        self.assertEqual(
            self.env["hybrid.support.ai.model"]._label(ticket, "intent"),
            "two_factor_lockout",
        )

    def test_an_intent_named_other_is_not_the_catch_all(self):
        company = self.env.company
        named_other = self.Intent.create({"name": "Other"})
        catch_all = self.Intent._other(company)
        Ticket, Model = self.env["helpdesk.ticket"], self.env["hybrid.support.ai.model"]
        self.assertEqual(
            Ticket._hs_intent_of_label(company, "other"), (named_other, False)
        )
        self.assertEqual(
            Ticket._hs_intent_of_label(company, classifier.OTHER), (catch_all, True)
        )
        cases = Ticket.create(
            [
                {"name": "a", "description": "x", "hs_intent_id": named_other.id},
                {"name": "b", "description": "x", "hs_intent_id": catch_all.id},
            ]
        )
        self.assertEqual(
            [Model._label(case, "intent") for case in cases],
            ["other", classifier.OTHER],
        )
        # a model trained before the catalogue said "other" for the catch-all
        named_other.code = "other_things"
        self.assertEqual(
            Ticket._hs_intent_of_label(company, classifier.LEGACY_OTHER),
            (catch_all, True),
        )

    def test_an_automation_tier_follows_the_intent_record_and_its_flag(self):
        Automation = self.env["hybrid.support.intent.automation"]
        custom = self.Intent.create({"name": "Press enquiry", "never_automate": True})
        tier = Automation.create({"intent_id": custom.id, "tier": "manual"})
        self.assertEqual(Automation._tiers(self.env.company)[custom.id], "manual")
        self.assertIn("never automate", tier.auto_refusal)
        with self.assertRaisesRegex(ValidationError, "Press enquiry"):
            tier.tier = "auto"
        # a renamed intent keeps its tier
        custom.name = "Media enquiry"
        self.assertEqual(tier.intent_id.name, "Media enquiry")
        # never another company's intent
        other_company = self.env["res.company"].create({"name": "Other Co"})
        theirs = intent_of(self.env, "refund", other_company)
        with self.assertRaises(UserError), self.env.cr.savepoint():
            Automation.create({"intent_id": theirs.id, "tier": "manual"})

    def test_a_manual_tier_stops_drafts_of_that_intent_only(self):
        Automation = self.env["hybrid.support.intent.automation"]
        Automation.create(
            {"intent_id": intent_of(self.env, "access").id, "tier": "manual"}
        )
        ticket = self._password_case()
        self.env["helpdesk.ticket"]._hs_make_pending_drafts()
        self.assertFalse(ticket.hs_draft_ids)


@tagged("post_install", "-at_install")
class TestReviewQueueTour(HttpCase):
    """An agent in real Chromium corrects an unsure case from the catalogue,
    and is offered no way to add an intent."""

    def test_tour_agent_picks_the_intent_from_the_catalogue(self):
        agent = new_test_user(
            self.env,
            login="hs_review_tour_agent",
            groups="helpdesk_mgmt.group_helpdesk_user",
        )
        refund = self.env["hybrid.support.intent"].create({"name": "Tour refund"})
        case = self.env["helpdesk.ticket"].create(
            {
                "name": "Tour case: cannot get my money back",
                "description": "<p>I returned the parcel a month ago.</p>",
                "hs_intent_id": intent_of(self.env, "access").id,
                "hs_intent_needs_review": True,
            }
        )
        action = self.env.ref("hybrid_support_ai.helpdesk_ticket_review_action")
        self.start_tour(
            f"/odoo/action-{action.id}",
            "hybrid_support_ai_review_pick_intent",
            login=agent.login,
        )
        self.assertEqual(case.hs_intent_id, refund)
        self.assertTrue(case.hs_intent_reviewed)
        self.assertFalse(case.hs_intent_needs_review)
        self.assertFalse(
            self.env["hybrid.support.intent"].search([("name", "ilike", "Tour ref")])
            - refund
        )
