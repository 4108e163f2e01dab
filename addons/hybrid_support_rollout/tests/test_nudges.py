"""The nudge series: sent when due, stopped by activation, blacklist and
opt-out honoured, one nudge per contact per gap, effects measured."""

from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase, tagged

from .common import RolloutMixin


@tagged("post_install", "-at_install")
class TestNudges(RolloutMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_rollout()
        cls.Member = cls.env["hybrid.support.rollout.member"]
        cls.Nudge = cls.env["hybrid.support.rollout.nudge"]
        cls.wave.action_start_pilot()
        cls.Member._invite_batch()
        cls.newcomer_user = cls.newcomer.user_ids

    def nudges(self, partner):
        return self.Nudge.search([("partner_id", "=", partner.id)])

    def login(self, user, when=None):
        log = self.env["res.users.log"].with_user(user).sudo().create({})
        if when:
            self.env.cr.execute(
                "UPDATE res_users_log SET create_date = %s WHERE id = %s",
                (when, log.id),
            )

    def run_at(self, days):
        now = fields.Datetime.now() + timedelta(days=days, minutes=1)
        self.Nudge._nudge_batch(now=now)

    def test_default_series_of_a_new_wave(self):
        self.assertEqual(self.wave.nudge_step_ids.mapped("day_offset"), [0, 3, 10])
        self.assertEqual(
            self.wave.nudge_step_ids.mapped("condition"),
            ["always", "not_activated", "inactive"],
        )

    def test_announcement_then_reminder_then_nothing_after_activation(self):
        self.run_at(0)
        sent = self.nudges(self.newcomer)
        self.assertEqual(sent.step_id.name, "Announcement")
        self.assertIn("Follow your support cases online", sent.mail_id.subject)
        self.assertIn("/web/signup", sent.mail_id.body_html or "")
        # the contact who already had access is announced too
        self.assertEqual(self.nudges(self.portal_contact).step_id.name, "Announcement")
        # skipped contacts never get a nudge
        for partner in (self.blacklisted, self.opted_out, self.billing):
            self.assertFalse(self.nudges(partner))
        # day 3: the reminder to who has not logged in
        self.run_at(3)
        self.assertEqual(
            self.nudges(self.newcomer).step_id.mapped("name"),
            ["Reminder", "Announcement"],
        )
        # Paul logged in before day 3: no reminder for him
        # (checked in the next test); a run the same day sends nothing more
        self.run_at(3)
        self.assertEqual(len(self.nudges(self.newcomer)), 2)

    def test_activation_stops_the_reminder_and_counts_as_the_nudges_effect(self):
        self.run_at(0)
        announcement = self.nudges(self.newcomer)
        # the newcomer logs in the next day
        self.login(self.newcomer_user, fields.Datetime.now() + timedelta(days=1))
        self.run_at(3)
        self.assertEqual(self.nudges(self.newcomer), announcement, "no reminder")
        member = self.member(self.newcomer)
        self.assertTrue(member.activated_date)
        self.Member._measure_batch()
        self.assertTrue(announcement.effective)
        step = announcement.step_id
        step.invalidate_recordset()
        self.assertEqual(step.sent_count, 2)  # newcomer and Paul
        self.assertEqual(step.effective_count, 1)
        self.assertEqual(step.effect_rate, 50.0)
        self.wave.invalidate_recordset()
        self.assertEqual(self.wave.activated_count, 1)
        self.assertEqual(self.wave.activation_rate, 50.0)

    def test_blacklisting_after_the_invitation_stops_the_nudges(self):
        self.env["mail.blacklist"].create({"email": self.newcomer.email})
        self.run_at(0)
        self.assertFalse(self.nudges(self.newcomer))

    def test_one_nudge_per_contact_within_the_gap_across_waves(self):
        other = self.env["hybrid.support.rollout.wave"].create(
            {"name": "Second wave", "partner_ids": [(6, 0, self.newcomer.ids)]}
        )
        other.action_start_pilot()
        self.Member._invite_batch()
        self.run_at(0)
        self.assertEqual(len(self.nudges(self.newcomer)), 1)

    def test_rolled_back_wave_sends_no_nudge(self):
        self.wave._rollback("Too early")
        self.run_at(0)
        self.assertFalse(self.nudges(self.newcomer))

    def test_company_back_to_email_only_sends_no_nudge(self):
        self.env.company.hs_email_only = True
        self.run_at(0)
        self.assertFalse(self.nudges(self.newcomer))
        self.env.company.hs_email_only = False
        self.run_at(0)
        self.assertTrue(self.nudges(self.newcomer))
