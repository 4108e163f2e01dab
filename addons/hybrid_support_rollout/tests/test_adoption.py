"""Adoption figures from what customers really did: replies in the portal
and by email, cases opened in the portal, help center searches, helpful
articles, email/portal duplicates, ratings."""

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

from .common import RolloutMixin


@tagged("post_install", "-at_install")
class TestAdoptionMetrics(RolloutMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_rollout()
        cls.Member = cls.env["hybrid.support.rollout.member"]
        cls.wave.action_start_pilot()
        cls.Member._invite_batch()
        cls.outsider = cls.env["res.partner"].create(
            {"name": "Out Sider", "email": "out@elsewhere.example"}
        )

    def case(self, partner, origin="gateway", **values):
        return self.env["helpdesk.ticket"].create(
            dict(
                {
                    "name": f"Case of {partner.name}",
                    "description": "<p>Help</p>",
                    "partner_id": partner.id,
                    "hs_origin": origin,
                },
                **values,
            )
        )

    def rate(self, case, partner, value):
        rating = self.env["rating.rating"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("helpdesk.ticket"),
                "res_id": case.id,
                "partner_id": partner.id,
                "rated_partner_id": self.env.user.partner_id.id,
            }
        )
        rating.write({"rating": value, "consumed": True})

    def test_portal_use_versus_email(self):
        paul = self.portal_user
        case = self.case(
            self.portal_contact,
            name="Invoice address wrong",
            description="<p>Our invoice shows the old address in Lyon.</p>",
        )
        # two replies in the portal (what its reply form posts), one by email
        for text in ("From the portal", "Again"):
            case.message_post(
                body=text, message_type="comment", author_id=paul.partner_id.id
            )
        case.message_post(
            body="By email", message_type="email", author_id=self.portal_contact.id
        )
        portal_case = self.case(self.portal_contact, origin="portal")
        email_twin = self.case(
            self.portal_contact, hs_probable_duplicate_id=portal_case.id
        )
        self.assertTrue(email_twin)
        self.env["hybrid.support.kb.search"]._log(
            "reset password", 2, partner_id=self.portal_contact.id
        )
        self.env["hybrid.support.kb.search"]._log(
            "invoice", 0, partner_id=self.portal_contact.id
        )
        self.env["res.users.log"].with_user(paul).sudo().create({})
        self.rate(case, self.portal_contact, 5)
        self.rate(self.case(self.outsider), self.outsider, 3)
        self.Member._measure_batch()
        member = self.member(self.portal_contact)
        self.assertEqual(member.portal_reply_count, 2)
        self.assertEqual(member.email_reply_count, 1)
        self.assertEqual(member.help_search_count, 2)
        self.assertEqual(member.duplicate_count, 1)
        self.assertEqual(member.first_value_kind, "portal_reply")
        self.assertGreaterEqual(member.hours_to_first_value, 0.0)
        wave = self.wave
        wave.invalidate_recordset()
        self.assertEqual(wave.portal_reply_share, 66.7)
        self.assertEqual(wave.activated_count, 1)
        self.assertEqual(wave.searches_per_active, 2.0)
        self.assertEqual(wave.duplicate_count, 1)
        self.assertEqual(wave.first_value_count, 1)
        self.assertEqual(wave.csat_wave, 5.0)
        self.assertEqual(wave.csat_others, 3.0)

    def test_helpful_article_and_viewed_case_are_first_values(self):
        article = self.env["hybrid.support.kb.article"].search([], limit=1)
        self.env["hybrid.support.kb.event"].create(
            {
                "event_type": "helpful",
                "source": "search",
                "article_id": article.id,
                "partner_id": self.portal_contact.id,
            }
        )
        self.Member._record_first_value(self.newcomer, "viewed_case")
        self.Member._measure_batch()
        self.assertEqual(
            self.member(self.portal_contact).first_value_kind, "helpful_article"
        )
        self.assertEqual(self.member(self.newcomer).first_value_kind, "viewed_case")
        # recorded once: a later view does not move the first value
        first = self.member(self.newcomer).first_value_date
        self.Member._record_first_value(self.newcomer, "viewed_case")
        self.assertEqual(self.member(self.newcomer).first_value_date, first)

    def test_report_sums_per_wave(self):
        self.Member._measure_batch()
        groups = self.Member._read_group(
            [("wave_id", "=", self.wave.id)], ["invite_state"], ["invited_count:sum"]
        )
        self.assertEqual(dict(groups)["invited"], 1)

    def test_owner_measures_their_wave_now(self):
        owner = new_test_user(
            self.env,
            login="hs_rollout_measuring_owner",
            groups="helpdesk_mgmt.group_helpdesk_user",
        )
        self.wave.owner_id = owner
        self.env["res.users.log"].with_user(self.portal_user).sudo().create({})
        self.wave.with_user(owner).action_refresh_adoption()
        self.wave.invalidate_recordset()
        self.assertEqual(self.wave.with_user(owner).activated_count, 1)
        other = new_test_user(
            self.env,
            login="hs_rollout_other_agent",
            groups="helpdesk_mgmt.group_helpdesk_user",
        )
        with self.assertRaises(AccessError):
            self.wave.with_user(other).action_refresh_adoption()
