from odoo.tests import new_test_user, tagged

from ..tools.routing import CaseFacts, RuleSpec, evaluate, matches
from .common import IntakeCase, make_email


@tagged("post_install", "-at_install")
class TestRoutingRules(IntakeCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.legal_team = cls.env["helpdesk.ticket.team"].create({"name": "Legal"})
        cls.lawyer = new_test_user(
            cls.env, login="hs_lawyer", groups="helpdesk_mgmt.group_helpdesk_user"
        )
        cls.legal_team.user_ids = cls.lawyer
        cls.tag = cls.env["helpdesk.ticket.tag"].create({"name": "legal"})
        cls.Rule = cls.env["hybrid.support.routing.rule"]

    def test_pure_rule_semantics(self):
        facts = CaseFacts(
            sender="ann@eu.bigco.com", subject="GDPR request", body="Delete my data"
        )
        self.assertTrue(matches(RuleSpec(1, senders=("bigco.com",)), facts)[0])
        self.assertFalse(matches(RuleSpec(1, senders=("bob@bigco.com",)), facts)[0])
        self.assertFalse(
            matches(RuleSpec(1, keywords=("gdpr",), match_in="body"), facts)[0]
        )
        ok, reasons = matches(
            RuleSpec(1, keywords=("gdpr",), match_in="subject"), facts
        )
        self.assertEqual((ok, reasons), (True, ["keyword gdpr"]))
        # an unset condition holds; every set condition must hold
        self.assertFalse(
            matches(RuleSpec(1, keywords=("gdpr",), vip_only=True), facts)[0]
        )
        low = CaseFacts(intent_id=7, intent="Refund", intent_confidence=0.4)
        self.assertFalse(matches(RuleSpec(1, intent_id=7, min_confidence=0.6), low)[0])
        sure = CaseFacts(intent_id=7, intent="Refund", intent_confidence=0.9)
        self.assertEqual(
            matches(RuleSpec(1, intent_id=7, min_confidence=0.6), sure),
            (True, ["intent Refund (90%)"]),
        )
        # another intent, even of the same name, is another intent
        self.assertFalse(matches(RuleSpec(1, intent_id=8), sure)[0])
        first = RuleSpec(1, keywords=("gdpr",), continue_after=True)
        second = RuleSpec(2, senders=("bigco.com",))
        third = RuleSpec(3)
        self.assertEqual(
            [r.rule_id for r, _ in evaluate([first, second, third], facts)], [1, 2]
        )

    def test_rules_route_and_every_decision_is_logged(self):
        follower = self.env["res.partner"].create(
            {"name": "Counsel", "email": "c@firm.example"}
        )
        legal = self.Rule.create(
            {
                "name": "Legal words",
                "sequence": 1,
                "keywords": "lawsuit, attorney",
                "set_team_id": self.legal_team.id,
                "set_priority": "3",
                "add_tag_ids": [(4, self.tag.id)],
                "add_follower_ids": [(4, follower.id)],
                "continue_after": True,
            }
        )
        globex = self.Rule.create(
            {
                "name": "Globex to the lawyer",
                "sequence": 2,
                "senders": "globex.example",
                "set_user_id": self.lawyer.id,
            }
        )
        never = self.Rule.create(
            {"name": "After a stop", "sequence": 3, "set_priority": "0"}
        )
        ticket = self.email_case(
            "hank@globex.example", "Contract", "Our attorney will call."
        )
        self.assertEqual(ticket.team_id, self.legal_team)
        self.assertEqual(ticket.priority, "3")
        self.assertIn(self.tag, ticket.tag_ids)
        self.assertIn(follower, ticket.message_partner_ids)
        self.assertEqual(ticket.user_id, self.lawyer)
        logs = ticket.hs_routing_log_ids
        self.assertEqual(set(logs.rule_id), {legal, globex})
        self.assertNotIn(never, logs.rule_id, "the rule after a stop never runs")
        team_log = logs.filtered(lambda log: log.field_name == "Team")
        self.assertEqual(team_log.new_value, "Legal")
        self.assertEqual(team_log.old_value, "Help Team")
        self.assertEqual(team_log.inputs, "keyword attorney")
        self.assertEqual(
            (team_log.field_id.model, team_log.field_id.name),
            ("helpdesk.ticket", "team_id"),
        )
        self.assertEqual(legal.match_count, 1)

    def test_fallback_gives_returning_customer_their_last_agent(self):
        earlier = self.Ticket.create(
            {
                "name": "Old",
                "description": "x",
                "partner_id": self.customer.id,
                "team_id": self.team.id,
                "user_id": self.agent.id,
            }
        )
        self.assertTrue(earlier.user_id)
        ticket = self.email_case("hank@globex.example", "Again")
        self.assertEqual(ticket.user_id, self.agent)
        # other addons may log decisions of their own (the ai addon's
        # priority from urgency): the assignment is the fallback's
        log = ticket.hs_routing_log_ids.filtered(lambda log: log.source == "fallback")
        self.assertEqual(log.new_value, self.agent.name)

    def test_fallback_least_loaded_member(self):
        busy, free = (
            self.agent,
            new_test_user(
                self.env, login="hs_free", groups="helpdesk_mgmt.group_helpdesk_user"
            ),
        )
        self.team.write(
            {"user_ids": [(4, free.id)], "hs_assign_method": "least_loaded"}
        )
        self.Ticket.create(
            {
                "name": "Busy",
                "description": "x",
                "team_id": self.team.id,
                "user_id": busy.id,
            }
        )
        ticket = self.email_case("new@initech.example", "Hi")
        self.assertEqual(ticket.user_id, free)

    def assignment_notices(self, ticket, user):
        # "You have been assigned": a user notification, not in message_ids
        return self.env["mail.message"].search(
            [
                ("model", "=", ticket._name),
                ("res_id", "=", ticket.id),
                ("message_type", "=", "user_notification"),
                ("partner_ids", "in", user.partner_id.ids),
            ]
        )

    def test_automatic_assignment_sends_no_assignment_email_unless_asked(self):
        self.team.hs_assign_method = "round_robin"
        ticket = self.email_case("new@initech.example", "Printer on fire")
        self.assertEqual(ticket.user_id, self.agent)
        self.assertFalse(self.assignment_notices(ticket, self.agent))
        self.assertIn(self.agent.partner_id, ticket.message_partner_ids)

        self.team.hs_notify_auto_assignment = True
        ticket = self.email_case("other@initech.example", "Scanner on fire")
        self.assertEqual(ticket.user_id, self.agent)
        self.assertEqual(len(self.assignment_notices(ticket, self.agent)), 1)

    def test_assignment_by_hand_is_still_notified(self):
        ticket = self.email_case("new@initech.example", "Printer on fire")
        colleague = new_test_user(
            self.env, login="hs_colleague", groups="helpdesk_mgmt.group_helpdesk_user"
        )
        self.team.user_ids = [(4, colleague.id)]
        ticket.with_user(self.agent).user_id = colleague
        self.assertEqual(len(self.assignment_notices(ticket, colleague)), 1)

    def test_agent_change_is_logged_as_override(self):
        ticket = self.email_case("hank@globex.example", "Hi")
        ticket.with_user(self.agent).write({"priority": "2"})
        override = ticket.hs_routing_log_ids.filtered(
            lambda log: log.source == "override"
        )
        self.assertEqual(len(override), 1)
        self.assertEqual((override.old_value, override.new_value), ("Medium", "High"))
        self.assertEqual(override.field_name, "Priority")
        self.assertEqual(override.user_id, self.agent)


@tagged("post_install", "-at_install")
class TestClosedCaseReplies(IntakeCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.closed_stage = cls.env["helpdesk.ticket.stage"].search(
            [("closed", "=", True)], limit=1
        )

    def _closed_case(self):
        ticket = self.email_case("hank@globex.example", "Broken printer")
        ticket.stage_id = self.closed_stage
        return ticket

    def _reply(self, ticket, sender="hank@globex.example", headers=None):
        return self.process(
            make_email(
                sender,
                f"Re: [{ticket.number}] Broken printer",
                "Broken again.",
                headers=headers,
            )
        )

    def test_customer_reply_reopens_closed_case(self):
        ticket = self._closed_case()
        self.assertEqual(self._reply(ticket), ticket.id)
        self.assertFalse(ticket.stage_id.closed)
        self.assertEqual(ticket.hs_reopen_count, 1)

    def test_auto_reply_does_not_reopen(self):
        ticket = self._closed_case()
        self._reply(ticket, headers={"Auto-Submitted": "auto-replied"})
        self.assertTrue(ticket.stage_id.closed)
        self.assertEqual(ticket.hs_reopen_count, 0)

    def test_team_can_open_a_linked_follow_up_instead(self):
        self.team.hs_closed_reply = "followup"
        ticket = self._closed_case()
        followup = self.Ticket.browse(self._reply(ticket))
        self.assertNotEqual(followup, ticket)
        self.assertEqual(followup.hs_followup_of_id, ticket)
        self.assertEqual(followup.team_id, self.team)
        self.assertEqual(followup.partner_id, self.customer)
        self.assertTrue(ticket.stage_id.closed, "the closed case stays closed")
        self.assertEqual(len(self.acks(followup)), 1)
        # a reply to the follow-up's acknowledgement stays in the follow-up
        self.assertEqual(
            self.process(
                make_email("hank@globex.example", f"Re: [{followup.number}] x", "more")
            ),
            followup.id,
        )
