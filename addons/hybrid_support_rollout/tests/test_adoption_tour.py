"""A helpdesk manager in real Chromium: opens a pilot wave, sees no figure
before the measure, presses *Measure now* on the Adoption tab and sees the
customer's first login and portal reply counted."""

from odoo.tests import HttpCase, tagged

from .common import RolloutMixin


@tagged("post_install", "-at_install")
class TestAdoptionTour(RolloutMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_rollout()
        cls.wave.action_start_pilot()
        cls.env["hybrid.support.rollout.member"]._invite_batch()
        paul = cls.portal_user
        # Paul (who already had access) logs in and replies in the portal
        # sudo: a login is logged by the user themselves, as
        # res.users._update_last_login does
        cls.env["res.users.log"].with_user(paul).sudo().create({})
        case = cls.env["helpdesk.ticket"].create(
            {
                "name": "Invoice address wrong",
                "description": "<p>Our invoice shows the old address.</p>",
                "partner_id": cls.portal_contact.id,
            }
        )
        case.message_post(
            body="Still the old address",
            message_type="comment",
            author_id=paul.partner_id.id,
        )

    def test_tour_manager_measures_a_wave_now(self):
        paul = self.member(self.portal_contact)
        newcomer = self.member(self.newcomer)
        self.assertEqual(
            (paul.invite_state, newcomer.invite_state), ("had_access", "invited")
        )
        self.assertFalse(paul.activated_date)
        action = self.env.ref(
            "hybrid_support_rollout.hybrid_support_rollout_wave_action"
        )
        self.start_tour(
            f"/odoo/action-{action.id}/{self.wave.id}",
            "hybrid_support_rollout_adoption",
            login=self.manager.login,
        )
        paul.invalidate_recordset()
        self.assertTrue(paul.activated_date)
        self.assertEqual((paul.portal_reply_count, paul.email_reply_count), (1, 0))
        self.assertEqual(paul.first_value_kind, "portal_reply")
        self.assertFalse(newcomer.activated_date, "never logged in")
