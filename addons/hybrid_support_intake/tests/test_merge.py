from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import IntakeCase


@tagged("post_install", "-at_install")
class TestMergeRights(IntakeCase):
    """Intake's merge buttons as the people who press them: agents who may
    write both cases, own-cases agents, managers for other accounts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.own_agent = new_test_user(
            cls.env,
            login="hs_own_agent",
            groups="helpdesk_mgmt.group_helpdesk_user_own",
        )
        cls.team_agent = new_test_user(
            cls.env,
            login="hs_team_agent",
            groups="helpdesk_mgmt.group_helpdesk_user_team",
        )
        cls.manager = new_test_user(
            cls.env, login="hs_manager", groups="helpdesk_mgmt.group_helpdesk_manager"
        )
        cls.team.user_ids = [(4, cls.own_agent.id), (4, cls.team_agent.id)]
        cls.other_team = cls.env["helpdesk.ticket.team"].create({"name": "Billing"})
        Partner = cls.env["res.partner"]
        cls.colleague = Partner.create(
            {
                "name": "Marge",
                "email": "marge@globex.example",
                "parent_id": cls.customer_company.id,
            }
        )
        cls.initech = Partner.create({"name": "Initech", "is_company": True})
        cls.stranger = Partner.create(
            {"name": "Zed", "email": "zed@initech.example", "parent_id": cls.initech.id}
        )

    def case(self, partner, **values):
        ticket = self.Ticket.create(
            {
                "name": f"Printer of {partner.name}",
                "description": "Printer E42",
                "partner_id": partner.id,
                "team_id": self.team.id,
                **values,
            }
        )
        ticket.message_subscribe(partner_ids=partner.ids)
        ticket.message_post(body="Still broken.", message_type="comment")
        return ticket

    def merge(self, user, source, target):
        action = source.with_user(user)._merge_into(target)
        wizard = Form(
            self.env[action["res_model"]]
            .with_user(user)
            .with_context(**action["context"])
        ).save()
        self.assertEqual(wizard.dst_ticket_id, target)
        return wizard.merge_tickets()

    def comments(self, ticket):
        return ticket.message_ids.filtered(lambda m: m.message_type == "comment")

    def test_agent_merges_cases_of_one_account(self):
        target = self.case(self.customer)
        source = self.case(self.colleague)
        source.message_subscribe(partner_ids=self.stranger.ids)
        moved = self.comments(source)
        self.merge(self.agent, source, target)
        self.assertFalse(source.active)
        self.assertEqual(source.hs_merged_into_id, target)
        self.assertLessEqual(moved, target.message_ids, "messages moved")
        self.assertIn(self.colleague, target.message_partner_ids)
        self.assertNotIn(
            self.stranger,
            target.message_partner_ids,
            "a follower of another account gains no access to the case",
        )
        merge_note = target.message_ids.filtered(lambda m: "merged from" in m.body)
        self.assertEqual(merge_note.author_id, self.agent.partner_id)

    def test_agent_who_cannot_write_the_target_is_refused(self):
        target = self.case(self.customer, team_id=self.other_team.id)
        source = self.case(self.colleague)
        with self.assertRaises(AccessError):
            self.merge(self.team_agent, source, target)
        own_target = self.case(self.customer, user_id=self.agent.id)
        own_source = self.case(self.colleague, user_id=self.own_agent.id)
        with self.assertRaises(AccessError):
            self.merge(self.own_agent, own_source, own_target)
        for ticket in (source, own_source):
            self.assertTrue(ticket.active)
            self.assertFalse(ticket.hs_merged_into_id)

    def test_other_account_merge_needs_a_manager_and_keeps_followers_apart(self):
        target = self.case(self.customer)
        source = self.case(self.stranger)
        moved = self.comments(source)
        with self.assertRaisesRegex(UserError, "different customer accounts"):
            self.merge(self.agent, source, target)
        self.assertTrue(source.active)
        self.assertLessEqual(moved, source.message_ids)
        self.merge(self.manager, source, target)
        self.assertFalse(source.active)
        self.assertLessEqual(moved, target.message_ids, "messages moved")
        self.assertNotIn(self.stranger, target.message_partner_ids)
        self.assertIn(self.customer, target.message_partner_ids)
