"""Draft articles from resolved cases (issue 14), as the users who do it:
the drafting job, an agent drafting by hand, an own-cases agent, and as an
attacker (another customer's data, portal users)."""

from odoo.exceptions import AccessError
from odoo.tests import Form, TransactionCase, new_test_user, tagged

from odoo.addons.hybrid_support_intake.tools.regex_safety import check_linear

from ..tools import drafts

ARTICLE = "hybrid.support.kb.article"


class KbDraftCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Ticket = cls.env["helpdesk.ticket"]
        cls.done = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        cls.agent = new_test_user(
            cls.env,
            login="hs_kbd_agent",
            name="Mitchell Carter",
            groups="helpdesk_mgmt.group_helpdesk_user",
        )
        cls.own_agent = new_test_user(
            cls.env,
            login="hs_kbd_own",
            groups="helpdesk_mgmt.group_helpdesk_user_own",
        )
        cls.hank = cls.env["res.partner"].create(
            {"name": "Hank Scorpio", "email": "hank.scorpio@globex.example"}
        )
        cls.olivia = cls.env["res.partner"].create(
            {"name": "Olivia Grant", "email": "olivia.grant@fabrikam.example"}
        )
        # the demo's resolved cases wait for the job too: not these tests'
        cls.env.cr.execute(
            "UPDATE helpdesk_ticket SET hs_kb_draft_state = 'skipped'"
            " WHERE hs_kb_draft_state = 'pending'"
        )
        cls.env["helpdesk.ticket"].invalidate_model(["hs_kb_draft_state"])

    def resolved(self, partner, subject, question, answer, close=True, note=False):
        """A case of ``partner`` answered by the agent, then closed."""
        ticket = self.Ticket.create(
            {
                "name": subject,
                "partner_id": partner.id,
                "description": f"<p>{question}</p>",
                "user_id": self.agent.id,
            }
        )
        ticket.with_user(self.agent).message_post(
            body=answer,
            message_type="comment",
            subtype_xmlid="mail.mt_note" if note else "mail.mt_comment",
        )
        if close:
            ticket.with_user(self.agent).stage_id = self.done
        return ticket

    def export_cases(self):
        first = self.resolved(
            self.hank,
            "Export invoices to a CSV file",
            "Hello, how do I export my invoices of last quarter to a CSV file? "
            "My account is ACC-20931, call me on +44 20 7946 0321. Hank Scorpio",
            "Hi Hank,\nGo to Invoices and filter on Last quarter.\n"
            "Click Actions, then Export.\nChoose the CSV format, then click "
            "Export.\nKind regards,\nMitchell Carter",
        )
        second = self.resolved(
            self.olivia,
            "Export invoices as a CSV file",
            "Hi, our accountant needs the invoices exported to a CSV file, where is "
            "the export button? Write to olivia.grant@fabrikam.example. Olivia",
            "Hello Olivia,\nOpen Invoices and select the invoices to export.\n"
            "Click Actions, then Export, and choose CSV.\nBest regards,\n"
            "Mitchell Carter",
        )
        return first | second


@tagged("post_install", "-at_install")
class TestKbDraftsJob(KbDraftCase):
    def run_job(self):
        # the cron's body: what _hs_kb_cron_draft does between commits
        return self.Ticket._hs_kb_draft_batch()

    def test_closing_only_marks_the_case(self):
        before = self.env[ARTICLE].search_count([])
        ticket = self.resolved(self.hank, "Export", "How do I export invoices?", "x")
        self.assertEqual(ticket.hs_kb_draft_state, "pending")
        self.assertEqual(self.env[ARTICLE].search_count([]), before)

    def test_similar_resolved_cases_make_one_anonymised_draft(self):
        # the demo's own draft (made at install) would take these cases in
        self.env[ARTICLE].search([("state", "=", "draft")]).unlink()
        cases = self.export_cases()
        self.assertEqual(self.run_job(), 2)
        article = self.env[ARTICLE].search([("source_ticket_ids", "in", cases.ids)])
        self.assertEqual(len(article), 1, "one draft for both cases")
        self.assertEqual(article.source_ticket_ids, cases)
        self.assertEqual(article.state, "draft")
        self.assertEqual(set(cases.mapped("hs_kb_draft_state")), {"drafted"})
        text = article._kb_text()
        self.assertIn("Export", text)
        self.assertIn("CSV", text)
        for private in (
            "Hank",
            "Scorpio",
            "Olivia",
            "Grant",
            "Mitchell",
            "Carter",
            "ACC-20931",
            "7946 0321",
            "olivia.grant@fabrikam.example",
            "globex",
        ):
            self.assertNotIn(private.lower(), text.lower())

    def test_unclear_cases_are_not_drafted_and_say_why(self):
        internal = self.resolved(
            self.hank,
            "Printer jams",
            "The printer jams on every page, what can I do?",
            "Escalated to the hardware team, who replaced the drum unit.",
            note=True,
        )
        reopened = self.resolved(
            self.olivia,
            "Printer offline",
            "The printer shows offline on every computer of the office.",
            "Restart the printer and then the print spooler on each computer.",
        )
        reopened.sudo().hs_reopen_count = 1
        self.run_job()
        self.assertEqual(internal.hs_kb_draft_state, "skipped")
        self.assertIn("no public answer", internal.hs_kb_draft_note)
        self.assertEqual(reopened.hs_kb_draft_state, "skipped")
        self.assertIn("reopened", reopened.hs_kb_draft_note)
        self.assertFalse(
            self.env[ARTICLE].search(
                [("source_ticket_ids", "in", (internal | reopened).ids)]
            )
        )

    def test_a_case_a_published_article_answers_makes_no_draft(self):
        self.env[ARTICLE].create(
            {
                "name": "Export your invoices to a CSV file",
                "keywords": "export invoices csv file spreadsheet accountant quarter",
                "body": "<p>How do I export my invoices to a CSV file? Open "
                "Invoices, click Actions, then Export, choose CSV.</p>",
                "state": "published",
            }
        )
        cases = self.export_cases()
        self.run_job()
        self.assertEqual(set(cases.mapped("hs_kb_draft_state")), {"skipped"})
        self.assertIn("Export your invoices to a CSV file", cases[0].hs_kb_draft_note)

    def test_a_later_case_joins_the_open_draft(self):
        cases = self.export_cases()
        self.run_job()
        article = self.env[ARTICLE].search([("source_ticket_ids", "in", cases.ids)])
        later = self.resolved(
            self.hank,
            "CSV export of invoices",
            "How can I export the invoices as CSV for the accountant?",
            "Open Invoices, click Actions, then Export and choose CSV.",
        )
        self.run_job()
        self.assertIn(later, article.source_ticket_ids)
        self.assertEqual(
            self.env[ARTICLE].search_count([("source_ticket_ids", "in", later.ids)]), 1
        )

    def test_cases_of_another_company_never_join_a_draft(self):
        cases = self.export_cases()
        self.run_job()
        other = self.env["res.company"].create({"name": "Initech"})
        stranger = self.env["res.partner"].create(
            {"name": "Peter Gibbons", "email": "peter@initech.example"}
        )
        case_b = (
            self.Ticket.with_company(other)
            .sudo()
            .create(
                {
                    "name": "Exporting invoices to CSV",
                    "partner_id": stranger.id,
                    "company_id": other.id,
                    "description": "<p>How do I export invoices to a CSV file? Peter</p>",
                }
            )
        )
        case_b.message_post(
            body="Open Invoices, click Actions, then Export and choose CSV.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            author_id=self.agent.partner_id.id,
        )
        case_b.stage_id = self.done
        self.run_job()
        draft_a = self.env[ARTICLE].search([("source_ticket_ids", "in", cases.ids)])
        self.assertNotIn(case_b, draft_a.source_ticket_ids)
        draft_b = self.env[ARTICLE].search([("source_ticket_ids", "in", case_b.ids)])
        self.assertEqual(draft_b.company_id, other)
        self.assertNotIn("Peter", draft_b._kb_text())


@tagged("post_install", "-at_install")
class TestKbDraftsByHand(KbDraftCase):
    def wizard(self, user, tickets):
        return Form(
            self.env["hybrid.support.kb.draft.wizard"]
            .with_user(user)
            .with_context(default_ticket_ids=tickets.ids)
        )

    def test_agent_drafts_an_article_from_a_case(self):
        ticket = self.export_cases()[:1]
        action = ticket.with_user(self.agent).action_hs_kb_draft_article()
        self.assertEqual(action["res_model"], "hybrid.support.kb.draft.wizard")
        form = self.wizard(self.agent, ticket)
        self.assertIn("Export", form.name)
        self.assertNotIn("Hank", form.problem)
        self.assertIn("Click Actions, then Export.", form.steps)
        self.assertNotIn("Mitchell", form.steps)
        form.name = "Export invoices to CSV"
        result = form.save().action_create_article()
        article = self.env[ARTICLE].browse(result["res_id"])
        self.assertEqual(article.name, "Export invoices to CSV")
        self.assertEqual(article.state, "draft")
        self.assertEqual(article.source_ticket_ids, ticket)
        self.assertIn("Click Actions, then Export.", article.body)

    def test_own_cases_agent_drafts_only_from_cases_they_read(self):
        theirs = self.resolved(
            self.hank, "Export", "How do I export invoices to CSV?", "Use Export."
        )
        theirs.user_id = self.own_agent
        other = self.export_cases()[:1]  # assigned to another agent
        with self.assertRaises(AccessError):
            other.with_user(self.own_agent).action_hs_kb_draft_article()
        with self.assertRaises(AccessError):
            self.wizard(self.own_agent, other)
        with self.assertRaises(AccessError):
            self.wizard(self.own_agent, theirs | other)
        form = self.wizard(self.own_agent, theirs)
        article = self.env[ARTICLE].browse(
            form.save().action_create_article()["res_id"]
        )
        self.assertEqual(article.sudo().source_ticket_ids, theirs)

    def test_agent_cannot_publish_the_draft(self):
        ticket = self.export_cases()[:1]
        form = self.wizard(self.agent, ticket)
        article = self.env[ARTICLE].browse(
            form.save().action_create_article()["res_id"]
        )
        with self.assertRaises(AccessError):
            article.with_user(self.agent).action_publish()

    def test_portal_users_never_read_drafts(self):
        self.export_cases()
        self.Ticket._hs_kb_draft_batch()
        portal = new_test_user(
            self.env, login="hs_kbd_portal", groups="base.group_portal"
        )
        drafts_seen = (
            self.env[ARTICLE].with_user(portal).search([("state", "!=", "published")])
        )
        self.assertFalse(drafts_seen)
        with self.assertRaises(AccessError):
            self.env["hybrid.support.kb.draft.wizard"].with_user(portal).create(
                {"name": "x"}
            )


@tagged("post_install", "-at_install")
class TestDraftTools(TransactionCase):
    """The pure drafting functions, without the ORM."""

    def test_steps_drop_courtesies_and_keep_the_solution(self):
        steps = drafts.solution_steps(
            "Hi [name],\nThanks for reaching out.\n1. Open Settings.\n"
            "2. Click Reset password.\nI hope this helps!\nKind regards,\n[name]"
        )
        self.assertEqual(steps, ["Open Settings.", "Click Reset password."])

    def test_clear_case(self):
        ok = drafts.ResolvedCase(
            1, "I cannot log in anymore", "Click the reset link we sent"
        )
        self.assertEqual(drafts.clear_case(ok), (True, ""))
        self.assertFalse(
            drafts.clear_case(drafts.ResolvedCase(2, "hi", "x y z w v"))[0]
        )
        unhappy = drafts.ResolvedCase(
            3, "I cannot log in", "Click the reset link", rating=1
        )
        self.assertEqual(drafts.clear_case(unhappy), (False, "rated unhappy"))

    def test_similar_cases_group_and_others_stay_apart(self):
        cases = [
            drafts.ResolvedCase(1, "How do I export my invoices to CSV?"),
            drafts.ResolvedCase(2, "Export invoices as a CSV file"),
            drafts.ResolvedCase(3, "My parcel never arrived at the warehouse"),
        ]
        groups = drafts.group_similar(cases)
        self.assertEqual(sorted(len(group) for group in groups), [1, 2])

    def test_drafting_patterns_are_linear(self):
        for name in ("_GREETING_PREFIX", "_SENTENCE", "_LIST_ITEM", "_WORD"):
            with self.subTest(pattern=name):
                check_linear(getattr(drafts, name), limit=4000)
        for name in ("_COURTESY", "_PLACEHOLDER", "_PLACEHOLDER_ONLY", "_GREETING"):
            with self.subTest(pattern=name):
                check_linear(getattr(drafts, name), limit=4000)
