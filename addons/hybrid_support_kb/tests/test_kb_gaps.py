"""Knowledge gaps and stale articles (issue 14): the nightly job as the
cron runs it, the managers who read and act on them, and who must not."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import BaseCase, Form, TransactionCase, new_test_user, tagged

from ..tools import gaps

GAP = "hybrid.support.kb.gap"
ARTICLE = "hybrid.support.kb.article"

SMS = [
    "I never receive the SMS code for two-factor authentication when I log in.",
    "The two-factor authentication SMS code does not arrive on my phone.",
    "I am not getting the SMS verification code for two-factor login.",
    "Two-factor login is stuck, the SMS code never arrives.",
    "Where is my two-factor authentication code? No SMS received.",
    "The SMS with the two-factor authentication code is not received.",
]
PASSWORD = [
    "I forgot my password and cannot log in.",
    "How do I reset my password? I am locked out.",
    "Password reset link does not work, I forgot my password.",
    "Locked out of my account, need to reset the password.",
    "I cannot remember my password, how to reset it?",
    "Reset password please, I forgot it.",
]
PASSWORD_ARTICLE = (
    "How to reset your password",
    "Forgot your password? Click Forgot password on the login page.\n"
    "Follow the reset link we email you to choose a new password.\n"
    "Locked out of your account? The reset link unlocks it.",
)


@tagged("post_install", "-at_install")
class TestGapTools(BaseCase):
    """The pure gap finder on small, readable data."""

    def cases(self, texts, previous=False, start=0):
        return [
            gaps.RecentCase(key=start + i, text=t, previous=previous)
            for i, t in enumerate(texts)
        ]

    def test_a_topic_no_article_answers_is_a_gap_and_an_answered_one_is_not(self):
        found = gaps.find_gaps(
            self.cases(SMS + PASSWORD),
            [(1, "\n".join(PASSWORD_ARTICLE), [])],
        )
        self.assertEqual(len(found), 1)
        gap = found[0]
        self.assertEqual(set(gap.keys), set(range(len(SMS))))
        self.assertIn("sms", gap.top_words)
        self.assertIsNone(gap.trend)  # a new topic

    def test_trend_and_matching_searches(self):
        found = gaps.find_gaps(
            self.cases(SMS + PASSWORD) + self.cases(SMS[:3], previous=True, start=100),
            [(1, "\n".join(PASSWORD_ARTICLE), [])],
            searches=["sms code two-factor", "opening hours"],
        )
        self.assertEqual(found[0].previous_size, 3)
        self.assertEqual(found[0].trend, 100)
        self.assertEqual(found[0].searches, ["sms code two-factor"])

    def test_the_cases_an_article_was_drafted_from_count_as_answered(self):
        article = (2, "Two-factor codes", SMS)
        self.assertEqual(
            gaps.find_gaps(
                self.cases(SMS + PASSWORD),
                [article, (1, "\n".join(PASSWORD_ARTICLE), [])],
            ),
            [],
        )

    def test_too_few_cases_make_no_gap(self):
        self.assertEqual(gaps.find_gaps(self.cases(SMS[:4]), []), [])
        self.assertEqual(gaps.find_gaps([], []), [])
        self.assertEqual(gaps.find_gaps(self.cases(["!!", "??"] * 5), []), [])

    def test_stale_articles(self):
        reasons = gaps.stale_articles(
            [(1, "\n".join(PASSWORD_ARTICLE), [])],
            self.cases(PASSWORD),
            not_helpful={1: (6, 2), 2: (1, 9)},
            minimum=5,
        )
        self.assertEqual(list(reasons), [1])
        self.assertIn("6 of 8 readers: not helpful", reasons[1])
        self.assertIn("6 recent cases on its topic", reasons[1])


@tagged("post_install", "-at_install")
class TestKbGaps(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Initech"})
        cls.Gap = cls.env[GAP]
        # only this test's cases are recent: older ones are moved out of the period
        cls.env.cr.execute(
            "UPDATE helpdesk_ticket SET create_date = now() - interval '1 year'"
        )
        cls.env["helpdesk.ticket"].invalidate_model(["create_date"])
        cls.customer = cls.env["res.partner"].create({"name": "Zorro Quixote"})
        cls.sms_cases = cls.env["helpdesk.ticket"].create(
            [
                {
                    "name": "Two-factor",
                    "description": f"<p>{text} Zorro Quixote</p>",
                    "hs_clean_body": f"{text} Zorro Quixote",
                    "partner_id": cls.customer.id,
                }
                for text in SMS
            ]
        )
        cls.env["helpdesk.ticket"].create(
            [
                {"name": "Password", "description": f"<p>{t}</p>", "hs_clean_body": t}
                for t in PASSWORD
            ]
        )
        cls.article = cls.env[ARTICLE].create(
            {
                "name": PASSWORD_ARTICLE[0],
                "body": "<p>{}</p>".format(PASSWORD_ARTICLE[1].replace("\n", "<br/>")),
                "state": "published",
                "company_id": cls.company.id,
            }
        )
        cls.manager = new_test_user(
            cls.env,
            login="hs_kbg_manager",
            groups="helpdesk_mgmt.group_helpdesk_manager",
        )
        cls.manager_b = new_test_user(
            cls.env,
            login="hs_kbg_manager_b",
            groups="helpdesk_mgmt.group_helpdesk_manager",
            company_id=cls.company_b.id,
            company_ids=[(6, 0, cls.company_b.ids)],
        )

    def run_job(self):
        # the cron's body for one company (the cron commits between companies)
        return self.Gap._kb_find_gaps(self.company)

    def test_nightly_job_lists_the_unanswered_topic(self):
        found = self.run_job().filtered(lambda g: g.kind == "gap")
        self.assertEqual(len(found), 1)
        gap = found.with_user(self.manager)
        self.assertEqual(gap.size, 6)
        self.assertEqual(gap.ticket_ids, self.sms_cases)
        self.assertIn("sms", gap.top_words)
        self.assertEqual(gap.trend, "new")
        # a customer's name is never a topic word
        self.assertNotIn("zorro", gap.top_words)
        self.assertNotIn("quixote", gap.top_words)

    def test_next_run_replaces_open_gaps_and_keeps_handled_ones(self):
        first = self.run_job().filtered(lambda g: g.kind == "gap")
        second = self.run_job().filtered(lambda g: g.kind == "gap")
        self.assertFalse(first.exists(), "an open gap is replaced by the next run's")
        self.assertEqual(len(second), 1)
        second.with_user(self.manager).action_dismiss()
        third = self.run_job().filtered(lambda g: g.kind == "gap")
        self.assertTrue(second.exists())
        self.assertEqual(second.state, "dismissed")
        self.assertFalse(third, "a dismissed topic is not listed again")

    def test_manager_drafts_an_article_from_a_gap(self):
        gap = self.run_job().filtered(lambda g: g.kind == "gap").with_user(self.manager)
        action = gap.action_draft_article()
        form = Form(
            self.env[action["res_model"]]
            .with_user(self.manager)
            .with_context(**action["context"])
        )
        self.assertNotIn("Zorro", form.problem or "")
        article = self.env[ARTICLE].browse(
            form.save().action_create_article()["res_id"]
        )
        self.assertEqual(article.state, "draft")
        self.assertEqual(article.sudo().source_ticket_ids, self.sms_cases)
        self.assertEqual(gap.state, "drafted")
        self.assertEqual(gap.article_id, article)
        # once drafted (and published), the topic is answered
        article.sudo().state = "published"
        self.assertFalse(
            self.run_job().filtered(lambda g: g.kind == "gap" and g.state == "new")
        )

    def test_stale_article_by_review_date(self):
        self.article.review_date = fields.Date.today() - timedelta(days=1)
        stale = self.run_job().filtered(lambda g: g.kind == "stale")
        self.assertEqual(stale.article_id, self.article)
        self.assertIn("review date", stale.reasons)

    def test_other_company_managers_and_portal_users_see_no_gap(self):
        self.run_job()
        self.assertFalse(self.Gap.with_user(self.manager_b).search([]))
        agent = new_test_user(
            self.env, login="hs_kbg_agent", groups="helpdesk_mgmt.group_helpdesk_user"
        )
        portal = new_test_user(
            self.env, login="hs_kbg_portal", groups="base.group_portal"
        )
        for user in (agent, portal):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.Gap.with_user(user).search([])
