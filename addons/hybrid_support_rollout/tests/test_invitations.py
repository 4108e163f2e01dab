"""Starting a wave invites its contacts through Odoo's portal wizard, in the
batched job, skipping those who must not be invited."""

from odoo.tests import TransactionCase, new_test_user, tagged

from .common import RolloutMixin


@tagged("post_install", "-at_install")
class TestWaveInvitations(RolloutMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_rollout()
        cls.Member = cls.env["hybrid.support.rollout.member"]

    def start(self):
        self.wave.with_user(self.manager).action_start_pilot()
        # what the triggered job does (it runs as the scheduler's user)
        self.Member._invite_batch()
        self.wave.invalidate_recordset()

    def test_starting_a_wave_invites_its_contacts_once(self):
        self.assertFalse(self.newcomer.user_ids)
        self.start()
        member = self.member(self.newcomer)
        self.assertEqual(member.invite_state, "invited")
        user = self.newcomer.with_context(active_test=False).user_ids
        self.assertEqual(len(user), 1)
        self.assertTrue(user._is_portal())
        self.assertEqual(member.user_id, user)
        self.assertTrue(member.invited_date)
        # Odoo's own invitation email, with the wave's message
        invitation = self.env["mail.mail"].search(
            [("recipient_ids", "in", self.newcomer.ids)]
        )
        self.assertEqual(len(invitation), 1)
        self.assertIn("Acme moves to the portal first.", str(invitation.body_html))
        # logged on the account's support team log, as the team page does
        self.assertTrue(
            self.env["hybrid.support.portal.team.log"].search(
                [("contact_id", "=", self.newcomer.id), ("action", "=", "invite")]
            )
        )
        # a second run invites nobody again
        self.assertEqual(self.Member._invite_batch(), 0)
        self.assertEqual(
            len(
                self.env["mail.mail"].search(
                    [("recipient_ids", "in", self.newcomer.ids)]
                )
            ),
            1,
        )

    def test_skips_who_must_not_be_invited(self):
        self.start()
        expected = {
            self.portal_contact: ("had_access", False),
            self.employee_contact: ("skipped", "internal"),
            self.blacklisted: ("skipped", "blacklisted"),
            self.opted_out: ("skipped", "opted_out"),
            self.billing: ("skipped", "no_case_access"),
            self.no_email: ("skipped", "no_email"),
        }
        for partner, (state, reason) in expected.items():
            member = self.member(partner)
            self.assertEqual(
                (member.invite_state, member.skip_reason), (state, reason), partner.name
            )
        for partner in (self.blacklisted, self.opted_out, self.billing):
            self.assertFalse(partner.with_context(active_test=False).user_ids)
        self.assertEqual(self.member(self.portal_contact).user_id, self.portal_user)
        self.assertEqual(self.wave.invited_count, 1)
        self.assertEqual(self.wave.had_access_count, 1)
        self.assertEqual(self.wave.skipped_count, 5)
        self.assertEqual(self.wave.contact_count, 7)

    def test_an_email_another_user_logs_in_with_fails_visibly(self):
        new_test_user(self.env, login=self.newcomer.email, groups="base.group_portal")
        self.start()
        member = self.member(self.newcomer)
        self.assertEqual(member.invite_state, "failed")
        self.assertTrue(member.invite_error)
        self.assertEqual(self.wave.failed_count, 1)

    def test_planned_and_rolled_back_waves_invite_nobody(self):
        self.wave._sync_members()
        self.assertEqual(self.Member._invite_batch(), 0, "planned")
        self.wave.action_start_pilot()
        self.wave._rollback("Pilot paused")
        self.assertEqual(self.Member._invite_batch(), 0, "rolled back")
        self.assertEqual(self.member(self.newcomer).invite_state, "pending")
        self.wave.action_undo_rollback()
        self.assertEqual(self.wave.state, "pilot")
        self.Member._invite_batch()
        self.assertEqual(self.member(self.newcomer).invite_state, "invited")

    def test_criteria_add_accounts_by_tag_and_volume(self):
        tag = self.env["res.partner.category"].create({"name": "Key account"})
        busy = self.env["res.partner"].create(
            {"name": "Busy Corp", "is_company": True, "category_id": [(6, 0, tag.ids)]}
        )
        quiet = self.env["res.partner"].create(
            {"name": "Quiet Corp", "is_company": True, "category_id": [(6, 0, tag.ids)]}
        )
        person = self.env["res.partner"].create(
            {"name": "Bea Busy", "email": "bea@busy.example", "parent_id": busy.id}
        )
        for index in range(3):
            self.env["helpdesk.ticket"].create(
                {
                    "name": f"Question {index}",
                    "description": "<p>Help</p>",
                    "partner_id": person.id,
                }
            )
        wave = self.env["hybrid.support.rollout.wave"].create(
            {
                "name": "Key accounts",
                "criteria_category_ids": [(6, 0, tag.ids)],
                "criteria_min_cases": 2,
            }
        )
        wave.action_add_matching_customers()
        self.assertIn(busy, wave.partner_ids)
        self.assertNotIn(quiet, wave.partner_ids)
        self.assertEqual(wave._customer_contacts(), person)

    def test_owner_starts_their_wave_without_manager_rights(self):
        owner = new_test_user(
            self.env,
            login="hs_rollout_owner",
            groups="helpdesk_mgmt.group_helpdesk_user",
        )
        self.wave.owner_id = owner
        self.wave.with_user(owner).action_start_pilot()
        self.assertEqual(len(self.wave.member_ids), 7)
        self.assertEqual(
            len(
                self.env["hybrid.support.rollout.member"]
                .with_user(owner)
                .search([("wave_id", "=", self.wave.id)])
            ),
            7,
        )

    def test_company_back_to_email_only_invites_nobody(self):
        self.env.company.hs_email_only = True
        self.wave.action_start_pilot()
        self.assertEqual(self.Member._invite_batch(), 0)
        self.assertEqual(self.member(self.newcomer).invite_state, "pending")
        self.env.company.hs_email_only = False
        self.Member._invite_batch()
        self.assertEqual(self.member(self.newcomer).invite_state, "invited")
