"""Waves: who sees and works them, and their state machine on real records."""

from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestWaveAccess(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login="hs_wave_manager",
            groups="helpdesk_mgmt.group_helpdesk_manager",
        )
        cls.owner = new_test_user(
            cls.env, login="hs_wave_owner", groups="helpdesk_mgmt.group_helpdesk_user"
        )
        cls.agent = new_test_user(
            cls.env, login="hs_wave_agent", groups="helpdesk_mgmt.group_helpdesk_user"
        )
        cls.account = cls.env["res.partner"].create(
            {"name": "Wave Customer Ltd", "is_company": True}
        )
        cls.contact = cls.env["res.partner"].create(
            {
                "name": "Wave Contact",
                "email": "wave.contact@example.com",
                "parent_id": cls.account.id,
            }
        )
        cls.portal_user = new_test_user(
            cls.env,
            login="hs_wave_portal",
            groups="base.group_portal",
            partner_id=cls.contact.id,
            email=cls.contact.email,
            name=cls.contact.name,
        )
        Wave = cls.env["hybrid.support.rollout.wave"]
        cls.wave = Wave.with_user(cls.manager).create(
            {
                "name": "Pilot: key accounts",
                "owner_id": cls.owner.id,
                "partner_ids": [(6, 0, cls.account.ids)],
            }
        )

    def test_manager_creates_and_runs_a_wave(self):
        wave = self.wave.with_user(self.manager)
        wave.action_start_pilot()
        self.assertEqual(wave.state, "pilot")
        wave.action_activate()
        wave.action_start_hypercare()
        wave.action_done()
        self.assertEqual(wave.state, "done")

    def test_owner_works_their_wave_but_creates_none(self):
        wave = self.wave.with_user(self.owner)
        self.assertEqual(wave.name, "Pilot: key accounts")
        wave.action_start_pilot()
        self.assertEqual(wave.state, "pilot")
        with self.assertRaises(AccessError):
            self.env["hybrid.support.rollout.wave"].with_user(self.owner).create(
                {"name": "Mine"}
            )

    def test_other_agent_sees_no_wave(self):
        Wave = self.env["hybrid.support.rollout.wave"].with_user(self.agent)
        self.assertFalse(Wave.search([("id", "=", self.wave.id)]))
        with self.assertRaises(AccessError):
            self.wave.with_user(self.agent).read(["name"])
        with self.assertRaises(AccessError):
            self.wave.with_user(self.agent).action_start_pilot()

    def test_portal_user_reads_nothing_of_a_wave_covering_them(self):
        Wave = self.env["hybrid.support.rollout.wave"].with_user(self.portal_user)
        with self.assertRaises(AccessError):
            Wave.search_read([], ["name"])
        with self.assertRaises(AccessError):
            self.wave.with_user(self.portal_user).read(["name", "partner_ids"])

    def test_wrong_transition_is_refused_with_a_reason(self):
        with self.assertRaisesRegex(UserError, "cannot go from Planned to Done"):
            self.wave.action_done()

    def test_wave_covers_the_people_of_its_companies(self):
        self.assertIn(self.contact, self.wave._customer_contacts())
        self.assertNotIn(self.account, self.wave._customer_contacts())
        Wave = self.env["hybrid.support.rollout.wave"]
        self.assertEqual(Wave._waves_of_partners(self.contact), self.wave)
        self.assertFalse(Wave._waves_of_partners(self.contact, states=("pilot",)))
