"""An operator turns a live chat into a case, over the same RPC the chat
window sends (``/case`` and the *Open a case* button both run
``discuss.channel.execute_command_case``)."""

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestLivechatCase(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.operator = new_test_user(
            cls.env,
            login="hs_chat_operator",
            groups="helpdesk_mgmt.group_helpdesk_user,im_livechat.im_livechat_group_user",
        )
        cls.team = cls.env["helpdesk.ticket.team"].create(
            {"name": "Chat desk", "user_ids": [Command.link(cls.operator.id)]}
        )
        cls.env["hybrid.support.routing.rule"].create(
            {
                "name": "Chats to the chat desk",
                "channel_ids": [
                    Command.link(
                        cls.env.ref(
                            "hybrid_support_livechat.helpdesk_ticket_channel_chat"
                        ).id
                    )
                ],
                "set_team_id": cls.team.id,
            }
        )
        cls.account = cls.env["res.partner"].create(
            {"name": "Initech", "is_company": True}
        )
        cls.customer = new_test_user(
            cls.env,
            login="hs_chat_customer",
            groups="base.group_portal",
            partner_id=cls.env["res.partner"]
            .create(
                {
                    "name": "Peter Gibbons",
                    "email": "peter@initech.example",
                    "parent_id": cls.account.id,
                }
            )
            .id,
        )
        cls.livechat = cls.env["im_livechat.channel"].create(
            {"name": "Support chat", "user_ids": [Command.link(cls.operator.id)]}
        )

    def _chat(self, visitor_partner=None, guest=None):
        visitor = (
            {"partner_id": visitor_partner.id}
            if visitor_partner
            else {"guest_id": guest.id}
        )
        chat = self.env["discuss.channel"].create(
            {
                "name": "Chat",
                "channel_type": "livechat",
                "livechat_channel_id": self.livechat.id,
                "livechat_operator_id": self.operator.partner_id.id,
                "channel_member_ids": [
                    Command.create(
                        {
                            "partner_id": self.operator.partner_id.id,
                            "livechat_member_type": "agent",
                        }
                    ),
                    Command.create({**visitor, "livechat_member_type": "visitor"}),
                ],
            }
        )
        operator = self.operator.partner_id
        for body, from_visitor in (
            ("Hi, invoice INV/2026/00042 was charged twice.", True),
            ("Sorry about that, let me check.", False),
            ("You can call me on +44 20 7946 0958.", True),
        ):
            author = visitor_partner if from_visitor and visitor_partner else operator
            message = chat.sudo().message_post(
                body=body, message_type="comment", author_id=author.id
            )
            if from_visitor and guest:
                message.write({"author_id": False, "author_guest_id": guest.id})
        return chat

    def _command(self, chat, body):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw/discuss.channel/execute_command_case",
            {
                "model": "discuss.channel",
                "method": "execute_command_case",
                "args": [[chat.id]],
                "kwargs": {"body": body},
            },
        )

    def _case(self, chat):
        return self.env["helpdesk.ticket"].search(
            [("hs_livechat_channel_id", "=", chat.id)]
        )

    def test_operator_turns_a_signed_in_customers_chat_into_a_case(self):
        chat = self._chat(visitor_partner=self.customer.partner_id)
        self.authenticate("hs_chat_operator", "hs_chat_operator")
        self._command(chat, "/case Charged twice")
        case = self._case(chat)
        self.assertEqual(len(case), 1)
        self.assertEqual(case.name, "Charged twice")
        self.assertEqual(case.hs_origin, "chat")
        self.assertEqual(
            case.channel_id,
            self.env.ref("hybrid_support_livechat.helpdesk_ticket_channel_chat"),
        )
        self.assertEqual(case.partner_id, self.customer.partner_id)
        self.assertEqual(case.commercial_partner_id, self.account)
        # the visitor's lines are the customer's text; the transcript is kept
        self.assertIn("charged twice", case.hs_clean_body)
        self.assertNotIn("let me check", case.hs_clean_body)
        self.assertIn("let me check", case.description)
        self.assertIn(
            ("invoice", "INV/2026/00042"),
            {(r.kind, r.value) for r in case.hs_reference_ids},
        )
        self.assertIn("+442079460958", case.hs_phone_numbers)
        self.assertEqual(case.team_id, self.team)
        self.assertEqual(set(case.hs_routing_log_ids.mapped("origin")), {"chat"})
        self.assertTrue(case.hs_ack_pending, "the customer is told by email")

    def test_a_guests_chat_makes_a_case_under_their_name(self):
        guest = self.env["mail.guest"].create({"name": "Anonymous Bob"})
        chat = self._chat(guest=guest)
        self.authenticate("hs_chat_operator", "hs_chat_operator")
        self._command(chat, "/case Charged twice")
        case = self._case(chat)
        self.assertFalse(case.partner_id)
        self.assertEqual(case.partner_name, "Anonymous Bob")
        self.assertIn("charged twice", case.hs_clean_body)

    def test_without_a_subject_only_the_help_is_shown(self):
        chat = self._chat(visitor_partner=self.customer.partner_id)
        self.authenticate("hs_chat_operator", "hs_chat_operator")
        self._command(chat, "/case")
        self.assertFalse(self._case(chat))

    @mute_logger("odoo.http")
    def test_the_visitor_or_another_operator_opens_nothing(self):
        chat = self._chat(visitor_partner=self.customer.partner_id)
        self.authenticate("hs_chat_customer", "hs_chat_customer")
        with self.assertRaises(JsonRpcException):
            self._command(chat, "/case Forged by the visitor")
        new_test_user(
            self.env,
            login="hs_other_operator",
            groups="helpdesk_mgmt.group_helpdesk_user,im_livechat.im_livechat_group_user",
        )
        self.authenticate("hs_other_operator", "hs_other_operator")
        with self.assertRaises(JsonRpcException):
            self._command(chat, "/case Someone else's chat")
        self.assertFalse(self._case(chat))

    def test_the_chat_window_offers_the_case_command(self):
        # the operator's web client loads this addon's assets without an
        # error and registers /case beside Odoo's own chat commands
        self.browser_js(
            "/odoo",
            """
            const { registry } = odoo.loader.modules.get("@web/core/registry");
            if (registry.category("discuss.channel_commands").contains("case")) {
                console.log("test successful");
            } else {
                console.error("the /case command is not registered");
            }
            """,
            "odoo.isReady",
            login="hs_chat_operator",
        )
