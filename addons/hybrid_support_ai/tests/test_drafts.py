from odoo.exceptions import ValidationError
from odoo.tests import BaseCase, tagged
from odoo.tools import plaintext2html

from odoo.addons.hybrid_support_intake.tests.common import IntakeCase
from odoo.addons.hybrid_support_intake.tests.common import intent as intent_of
from odoo.addons.hybrid_support_intake.tools.similarity import rank

from ..tools.drafts import auto_send_refusal, compose, edit_distance

ANSWER = (
    "Hello Marge,\n\nTo reset your password, open the login page and click "
    "'Forgot password': a link arrives by email within a minute."
)


@tagged("at_install")
class TestRank(BaseCase):
    def test_rank_orders_by_closeness_and_drops_unrelated(self):
        docs = [
            (1, "reset password login locked account"),
            (2, "refund invoice charged twice"),
            (3, "password expired, how to reset it"),
        ]
        ranked = rank("I forgot my password and cannot login", docs)
        self.assertEqual([key for key, _score in ranked], [1, 3])
        self.assertGreater(ranked[0][1], ranked[1][1])
        self.assertEqual(rank("nothing relevant here", docs), [])
        self.assertEqual(rank("", docs), [])
        self.assertEqual(rank("of the", [(1, "of the")]), [(1, 1.0)])
        self.assertEqual(rank("password", docs, minimum=0.9), [])


@tagged("at_install")
class TestDraftTools(BaseCase):
    def test_compose_greets_the_new_customer(self):
        self.assertEqual(
            compose(ANSWER, "Hank"),
            "Hello Hank,\n\nTo reset your password, open the login page and click "
            "'Forgot password': a link arrives by email within a minute.",
        )
        self.assertEqual(compose("", "Hank"), "")

    def test_edit_distance(self):
        self.assertEqual(edit_distance("Same  text\n", "Same text"), 0.0)
        self.assertEqual(edit_distance("abcd", "wxyz"), 1.0)
        self.assertAlmostEqual(
            edit_distance("Hello Hank, done.", "Hello Hank, done!"), 0.059, 3
        )

    def test_auto_send_rules(self):
        self.assertIn("never automate", auto_send_refusal(True, [0.0] * 30, 20))
        self.assertIn("3 drafts sent so far", auto_send_refusal(False, [0.0] * 3, 20))
        self.assertIn("35%", auto_send_refusal(False, [0.35] * 20, 20))
        self.assertIsNone(auto_send_refusal(False, [0.1] * 20 + [0.9] * 5, 20))


@tagged("post_install", "-at_install")
class TestDrafts(IntakeCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.closed = cls.env["helpdesk.ticket.stage"].search(
            [("closed", "=", True)], limit=1
        )
        # a colleague of the new cases' requester: same account (Globex)
        marge = cls.env["res.partner"].create(
            {
                "name": "Marge",
                "email": "marge@globex.example",
                "parent_id": cls.customer_company.id,
            }
        )
        cls.past = cls.env["helpdesk.ticket"].create(
            {
                "name": "Forgot my password",
                "description": "<p>I forgot my password and cannot log in.</p>",
                "partner_id": marge.id,
                "team_id": cls.team.id,
            }
        )
        cls.past.write(
            {
                "hs_intent_id": intent_of(cls.env, "access").id,
                "hs_clean_body": "I forgot my password, cannot log in.",
            }
        )
        cls.past.with_user(cls.agent).message_post(
            body=plaintext2html(ANSWER),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        cls.past.stage_id = cls.closed

    def _new_case(
        self, subject="Password", body="I forgot my password, I cannot log in anymore"
    ):
        ticket = self.email_case("hank@globex.example", subject, body)
        self.assertTrue(
            ticket.hs_draft_pending, "the gateway leaves the draft to a job"
        )
        self.Ticket._hs_make_pending_drafts()  # what the triggered job does
        return ticket

    def test_draft_from_a_resolved_case_is_shown_never_sent(self):
        ticket = self._new_case()
        self.assertEqual(ticket.hs_intent_id.code, "access")
        draft = ticket.hs_draft_id
        self.assertTrue(draft.body.startswith("Hello Hank,"))
        self.assertIn("click 'Forgot password'", draft.body)
        self.assertIn(f"Resolved case: {self.past.display_name}", draft.sources)
        self.assertFalse(ticket.hs_draft_pending)
        public = ticket.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertFalse(public, "shadow mode: nothing reaches the customer")
        # the agent sends it with a small change: the edit is measured
        action = ticket.with_user(self.agent).action_hs_use_draft()
        self.assertIn("Forgot password", action["context"]["default_body"])
        sent = draft.body.replace("within a minute", "within two minutes")
        ticket.with_user(self.agent).message_post(
            body=plaintext2html(sent),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertEqual(draft.state, "sent")
        self.assertEqual(draft.user_id, self.agent)
        self.assertGreater(draft.edit_distance, 0)
        self.assertLess(draft.edit_distance, 0.1)
        self.assertFalse(ticket.hs_draft_id)

    def test_closed_cases_get_no_draft(self):
        self.assertFalse(self.past._hs_make_drafts())
        self.assertFalse(self.past.hs_draft_ids)

    def test_canned_response_and_manual_tier(self):
        if "hybrid.support.kb.article" in self.env:
            # the help center's demo articles (order tracking...) would be
            # closer to this question than the canned response under test
            self.env["hybrid.support.kb.article"].search(
                [("state", "=", "published")]
            ).state = "draft"
        self.env["mail.template"].create(
            {
                "name": "Delivery times",
                "model_id": self.env["ir.model"]._get_id("helpdesk.ticket"),
                "body_html": '<p>Orders ship within 2 days; case <t t-out="object.number"/>.</p>',
                "hs_canned": True,
            }
        )
        ticket = self._new_case(
            "Where is my order", "When will my order ship? Delivery times?"
        )
        self.assertIn("Canned response: Delivery times", ticket.hs_draft_id.sources)
        self.assertIn(f"case {ticket.number}", ticket.hs_draft_id.body, "rendered")
        self.env["hybrid.support.intent.automation"].create(
            {"intent_id": intent_of(self.env, "access").id, "tier": "manual"}
        )
        manual = self._new_case()
        self.assertFalse(manual.hs_draft_ids, "manual tier: no draft")

    def test_auto_send_must_be_earned_and_never_for_legal(self):
        Automation = self.env["hybrid.support.intent.automation"]
        with (
            self.assertRaisesRegex(ValidationError, "0 drafts sent so far"),
            self.env.cr.savepoint(),
        ):
            Automation.create(
                {
                    "intent_id": intent_of(self.env, "access").id,
                    "tier": "auto",
                    "sample_size": 5,
                }
            )
        with (
            self.assertRaisesRegex(ValidationError, "always reviewed by a person"),
            self.env.cr.savepoint(),
        ):
            Automation.create(
                {
                    "intent_id": intent_of(self.env, "legal").id,
                    "tier": "auto",
                    "sample_size": 5,
                }
            )
        access = Automation.create(
            {"intent_id": intent_of(self.env, "access").id, "sample_size": 5}
        )
        for _n in range(5):  # agents send the drafts almost unchanged
            ticket = self._new_case()
            ticket.with_user(self.agent).message_post(
                body=plaintext2html(ticket.hs_draft_id.body + " Regards"),
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        access.invalidate_recordset()
        self.assertEqual(access.sent_count, 5)
        self.assertLess(access.edit_rate, 0.3)
        access.tier = "auto"
        company = self.env.company
        company.hs_ai_lexicon_threshold = 0.99  # every classification is unsure
        unsure = self._new_case()
        self.assertTrue(unsure.hs_intent_needs_review)
        self.assertEqual(unsure.hs_draft_ids.state, "proposed", "unsure: review first")
        company.hs_ai_lexicon_threshold = 0.01
        from_case = self._new_case()
        self.assertEqual(from_case.hs_draft_ids.source_kind, "case")
        self.assertEqual(
            from_case.hs_draft_ids.state,
            "proposed",
            "a past case's answer, even of the same account, waits for an agent",
        )
        # a canned response is written for every customer: it may go out
        self.past.stage_id = self.env["helpdesk.ticket.stage"].search(
            [("closed", "=", False)], limit=1
        )
        self.env["mail.template"].create(
            {
                "name": "Forgot password",
                "model_id": self.env["ir.model"]._get_id("helpdesk.ticket"),
                "body_html": "<p>I forgot my password and cannot log in: click "
                "'Forgot password' on the login page.</p>",
                "hs_canned": True,
            }
        )
        sure = self._new_case()
        draft = sure.hs_draft_ids
        self.assertEqual(draft.source_kind, "template")
        self.assertEqual(draft.state, "auto_sent")
        self.assertEqual(draft.message_id.partner_ids, self.customer)
        self.assertEqual(draft.message_id.author_id, company.partner_id)
