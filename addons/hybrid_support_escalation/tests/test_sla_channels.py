from odoo.tests import tagged

from .test_sla import SlaCase


@tagged("post_install", "-at_install")
class TestSlaOnEveryChannel(SlaCase):
    """A case of any channel gets its SLA targets once routed, as an email's
    does: the intake pipeline's _hs_after_route, not create."""

    def test_phone_call_logged_by_an_agent_gets_the_team_policy(self):
        wizard = (
            self.env["hybrid.support.log.call"]
            .with_user(self.agent)
            .create(
                {
                    "partner_id": self.customer.id,
                    "subject": "Printer on fire",
                    "notes": "The printer in room 4 is on fire again.",
                    "team_id": self.team.id,
                }
            )
        )
        case = self.Ticket.browse(wizard.action_log_call()["res_id"])
        self.assertEqual(case.hs_origin, "phone")
        self.assertEqual(case.hs_sla_policy_id, self.policy)
        self.assertEqual(len(self.target(case, "first_response")), 1)

    def test_api_case_routed_into_the_team_gets_its_policy_once(self):
        self.env["hybrid.support.routing.rule"].create(
            {"name": "Printers", "keywords": "printer", "set_team_id": self.team.id}
        )
        result = self.Ticket.with_user(self.agent).hs_submit_case(
            {
                "name": "Printer jammed",
                "description": "Paper stuck again",
                "partner_email": "hank@globex.example",
            }
        )
        case = self.Ticket.browse(result["id"])
        self.assertEqual(case.team_id, self.team, "routed by the rule")
        self.assertEqual(case.hs_sla_policy_id, self.policy)
        self.assertEqual(len(self.target(case, "first_response")), 1)
