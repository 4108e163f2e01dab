from odoo import api, models


class OnboardingOnboardingStep(models.Model):
    """What each step of the Hybrid Support checklist opens (the onboarding
    module calls a step's ``panel_step_open_action_name``)."""

    _inherit = "onboarding.onboarding.step"

    def _hs_window(self, xmlid, **values):
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action.update(values)
        return action

    @api.model
    def action_open_step_hs_mailbox(self):
        return self._hs_window("mail.action_email_server_tree")

    @api.model
    def action_open_step_hs_alias_domain(self):
        return self._hs_window("mail.mail_alias_domain_action")

    @api.model
    def action_open_step_hs_acknowledgement(self):
        template = self.env.ref(
            "hybrid_support_intake.mail_template_ticket_acknowledgement"
        )
        return {
            "type": "ir.actions.act_window",
            "name": template.name,
            "res_model": "mail.template",
            "res_id": template.id,
            "views": [(False, "form")],
        }

    @api.model
    def action_open_step_hs_sla_policy(self):
        return self._hs_window(
            "hybrid_support_escalation.hybrid_support_sla_policy_action"
        )

    @api.model
    def action_open_step_hs_routing_rule(self):
        return self._hs_window(
            "hybrid_support_intake.hybrid_support_routing_rule_action"
        )

    @api.model
    def action_open_step_hs_pilot_customer(self):
        return self._hs_window(
            "base.action_partner_form",
            help="<p>Open a customer, then <b>Action &gt; Grant portal access</b>.</p>",
        )
