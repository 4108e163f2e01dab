"""What an attacker makes the rollout do: an own-cases agent owning a wave,
a manager of another company and a portal user, over call_kw as the web
client does. Each test performs the attack and asserts it fails, and that
the legitimate path still works."""

from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.service.model import call_kw
from odoo.tests import TransactionCase, new_test_user, tagged

from .common import RolloutMixin

MEMBER = "hybrid.support.rollout.member"
LOG = "hybrid.support.rollout.log"


@tagged("post_install", "-at_install")
class TestRolloutAttacks(RolloutMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_rollout()
        cls.owner = new_test_user(
            cls.env,
            login="hs_attack_owner",
            groups="helpdesk_mgmt.group_helpdesk_user_own",
        )
        cls.wave.owner_id = cls.owner
        cls.other_company = cls.env["res.company"].create({"name": "Other Co"})
        cls.other_manager = new_test_user(
            cls.env,
            login="hs_attack_other_manager",
            groups="helpdesk_mgmt.group_helpdesk_manager",
            company_id=cls.other_company.id,
            company_ids=[Command.set(cls.other_company.ids)],
        )
        cls.foreign_contact = cls.env["res.partner"].create(
            {
                "name": "Fiona Foreign",
                "email": "fiona@other-co.example",
                "company_id": cls.other_company.id,
            }
        )
        cls.wave.with_user(cls.owner).action_start_pilot()
        cls.env[MEMBER]._invite_batch()

    def rpc(self, user, model, method, *args, **kwargs):
        """As the web client's /web/dataset/call_kw runs it for ``user``."""
        return call_kw(self.env[model].with_user(user), method, list(args), kwargs)

    # 1. signup and case links -------------------------------------------

    def test_link_fields_are_read_by_nobody_over_rpc_but_reach_the_email(self):
        case = self.env["helpdesk.ticket"].create(
            {"name": "Toner", "description": "x", "partner_id": self.newcomer.id}
        )
        member = self.member(self.newcomer)
        for user in (self.owner, self.manager, self.other_manager):
            for name in ("portal_url", "open_case_url", "open_case_name"):
                with self.assertRaises(AccessError, msg=f"{user.login} {name}"):
                    self.rpc(
                        user, MEMBER, "search_read", [("id", "=", member.id)], [name]
                    )
                with self.assertRaises(AccessError, msg=f"{user.login} {name}"):
                    self.rpc(user, MEMBER, "read", member.ids, [name])
        # the portal user over call_kw: no access to the model at all
        with self.assertRaises(AccessError):
            self.rpc(self.portal_user, MEMBER, "search_read", [], ["portal_url"])
        # the nudge job still mails the links
        Nudge = self.env["hybrid.support.rollout.nudge"]
        Nudge._nudge_batch(now=fields.Datetime.now() + timedelta(minutes=1))
        Nudge._nudge_batch(now=fields.Datetime.now() + timedelta(days=3, minutes=1))
        mails = Nudge.search([("partner_id", "=", self.newcomer.id)]).mail_id
        bodies = " ".join(str(body) for body in mails.mapped("body_html"))
        self.assertIn("/web/signup", bodies)
        self.assertIn(f"/my/ticket/{case.id}", bodies)
        self.assertIn("access_token=", bodies)

    def test_open_case_link_stays_in_the_waves_company(self):
        self.env["helpdesk.ticket"].create(
            {
                "name": "Elsewhere",
                "description": "x",
                "partner_id": self.newcomer.id,
                "company_id": self.other_company.id,
            }
        )
        member = self.member(self.newcomer).sudo()
        self.assertFalse(member.open_case_url)

    # 2. forged rollback log ---------------------------------------------

    def test_nobody_writes_a_rollback_log_and_undo_restores_only_the_waves_revoked_contacts(
        self,
    ):
        ex_employee = new_test_user(
            self.env, login="hs_attack_ex", groups="base.group_portal"
        )
        ex_employee.active = False
        public = self.env.ref("base.public_user")
        forged = {
            "wave_id": self.wave.id,
            "company_id": self.wave.company_id.id,
            "action": "rollback",
            "reason": "forged",
            "revoked_user_ids": [Command.set((ex_employee | public).ids)],
        }
        for user in (self.owner, self.manager):
            with self.assertRaises(AccessError):
                self.rpc(user, LOG, "create", forged)
        # the manager's real rollback revokes the wave's portal contact
        self.env["hybrid.support.rollout.rollback.wizard"].with_user(
            self.manager
        ).create(
            {
                "scope": "wave",
                "wave_id": self.wave.id,
                "reason": "Too early",
                "revoke_access": True,
            }
        ).action_confirm()
        self.assertFalse(self.portal_user.active)
        log = self.wave.log_ids
        with self.assertRaises(AccessError):
            self.rpc(
                self.owner,
                LOG,
                "write",
                log.ids,
                {"revoked_user_ids": [Command.link(ex_employee.id)]},
            )
        # a log naming users outside the wave (as a forged one would)
        log.sudo().revoked_user_ids = [
            Command.link(ex_employee.id),
            Command.link(public.id),
        ]
        self.wave.with_user(self.owner).action_undo_rollback()
        self.assertTrue(self.portal_user.active)
        self.assertFalse(ex_employee.active)
        self.assertFalse(public.active)
        restored = self.wave.log_ids.sorted("id")[-1].revoked_user_ids
        self.assertIn(self.portal_user, restored)
        self.assertLessEqual(restored.partner_id, self.wave.member_ids.partner_id)

    # 3. customers, invitation message, revoke ---------------------------

    def test_owner_changes_neither_customers_nor_message(self):
        for vals in (
            {"partner_ids": [Command.link(self.foreign_contact.id)]},
            {"welcome_message": "Click http://evil.example"},
            {"criteria_min_cases": 1},
            {"company_id": self.other_company.id},
        ):
            with self.assertRaises(AccessError, msg=str(vals)):
                self.rpc(
                    self.owner,
                    "hybrid.support.rollout.wave",
                    "write",
                    self.wave.ids,
                    vals,
                )
        with self.assertRaises(AccessError):
            self.rpc(
                self.owner,
                "hybrid.support.rollout.wave",
                "action_add_matching_customers",
                self.wave.ids,
            )
        # the owner still runs the wave
        self.rpc(
            self.owner,
            "hybrid.support.rollout.wave",
            "write",
            self.wave.ids,
            {"name": "Renamed"},
        )
        self.assertEqual(self.wave.name, "Renamed")

    def test_customers_belong_to_the_waves_company(self):
        with self.assertRaises(ValidationError):
            self.rpc(
                self.manager,
                "hybrid.support.rollout.wave",
                "write",
                self.wave.ids,
                {"partner_ids": [Command.link(self.foreign_contact.id)]},
            )
        # a manager of another company does not reach the wave
        with self.assertRaises(AccessError):
            self.rpc(
                self.other_manager,
                "hybrid.support.rollout.wave",
                "write",
                self.wave.ids,
                {"welcome_message": "Hi"},
            )

    # 4. hypercare tag ---------------------------------------------------

    def test_only_a_dedicated_tag_is_a_hypercare_tag_and_only_it_is_synced(self):
        vip = self.env["helpdesk.ticket.tag"].create({"name": "VIP"})
        vip_case = self.env["helpdesk.ticket"].create(
            {
                "name": "VIP case",
                "description": "x",
                "partner_id": self.foreign_contact.id,
                "company_id": self.other_company.id,
                "tag_ids": [Command.link(vip.id)],
            }
        )
        with self.assertRaises(AccessError):
            self.rpc(
                self.owner,
                "hybrid.support.rollout.wave",
                "write",
                self.wave.ids,
                {"hypercare_tag_id": vip.id},
            )
        with self.assertRaises(ValidationError):
            self.wave.with_user(self.manager).hypercare_tag_id = vip
        # even a wave pointing at it (set in SQL) never strips it
        self.env.cr.execute(
            "UPDATE hybrid_support_rollout_wave SET hypercare_tag_id = %s WHERE id = %s",
            (vip.id, self.wave.id),
        )
        self.wave.invalidate_recordset()
        Wave = self.env["hybrid.support.rollout.wave"]
        Wave._hypercare_sync()
        Wave._hypercare_sync(vip)
        self.assertIn(vip, vip_case.tag_ids)
        # the shipped tag is dedicated to hypercare
        self.assertTrue(
            self.env.ref(
                "hybrid_support_rollout.helpdesk_ticket_tag_hypercare"
            ).hs_hypercare
        )

    # 5. nudge templates -------------------------------------------------

    def test_nudge_steps_are_managers_and_render_on_the_contact_row_only(self):
        leak = self.env["mail.template"].create(
            {
                "name": "Leak",
                "model_id": self.env["ir.model"]._get_id("helpdesk.ticket"),
                "email_to": "attacker@evil.example",
                "body_html": "<p><t t-out='object.description'/></p>",
            }
        )
        step = {
            "wave_id": self.wave.id,
            "name": "Leak",
            "day_offset": 0,
            "condition": "always",
            "template_id": leak.id,
        }
        with self.assertRaises(AccessError):
            self.rpc(self.owner, "hybrid.support.rollout.nudge.step", "create", step)
        with self.assertRaises(AccessError):
            self.rpc(
                self.owner,
                "hybrid.support.rollout.nudge.step",
                "write",
                self.wave.nudge_step_ids[:1].ids,
                {"template_id": leak.id},
            )
        with self.assertRaises(ValidationError):
            self.rpc(self.manager, "hybrid.support.rollout.nudge.step", "create", step)

    # 6. rolled back in another wave -------------------------------------

    def test_contact_rolled_back_elsewhere_gets_no_invitation_nor_nudge(self):
        second = (
            self.env["hybrid.support.rollout.wave"]
            .with_user(self.manager)
            .create(
                {
                    "name": "Second Acme wave",
                    "partner_ids": [Command.set(self.account.ids)],
                }
            )
        )
        second.action_start_pilot()
        pending = self.member(self.newcomer, second)
        self.assertEqual(pending.invite_state, "pending")
        invited = self.member(self.newcomer)
        self.assertIn(
            invited.id, self.env["hybrid.support.rollout.nudge"]._nudgeable_ids(1000)
        )
        self.assertIn(pending.id, self.env[MEMBER]._invitable_ids(1000))
        self.env["hybrid.support.rollout.rollback.wizard"].with_user(
            self.manager
        ).create(
            {"scope": "wave", "wave_id": second.id, "reason": "Confusing"}
        ).action_confirm()
        # rolled back in the second wave: the first one stops nudging them
        self.assertNotIn(
            invited.id, self.env["hybrid.support.rollout.nudge"]._nudgeable_ids(1000)
        )
        second.action_undo_rollback()
        self.env["hybrid.support.rollout.rollback.wizard"].with_user(
            self.manager
        ).create(
            {"scope": "wave", "wave_id": self.wave.id, "reason": "Confusing"}
        ).action_confirm()
        # rolled back in the first wave: the second invites them not
        self.assertNotIn(pending.id, self.env[MEMBER]._invitable_ids(1000))

    # 7. the company's rollback reason -----------------------------------

    def test_portal_user_reads_no_email_only_reason(self):
        self.env.company.sudo().write(
            {"hs_email_only": True, "hs_email_only_reason": "Internal: outage"}
        )
        for name in ("hs_email_only_reason", "hs_email_only"):
            with self.assertRaises(AccessError):
                self.rpc(
                    self.portal_user,
                    "res.company",
                    "read",
                    self.env.company.ids,
                    [name],
                )
        self.assertEqual(
            self.rpc(
                self.manager,
                "res.company",
                "read",
                self.env.company.ids,
                ["hs_email_only"],
            )[0]["hs_email_only"],
            True,
        )
