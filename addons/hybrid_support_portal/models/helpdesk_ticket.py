import logging

from odoo import api, models

_logger = logging.getLogger(__name__)


class HelpdeskTicket(models.Model):
    """The portal's side of a case: the customer's answers from our emails
    (hybrid.support.case.action.mixin) and the reminders of cases waiting on
    them (hybrid.support.waiting.reminder.mixin) are composed here; this
    class keeps the overrides of the ticket itself, so that they resolve
    where they always did among the addons' overrides."""

    _name = "helpdesk.ticket"
    _inherit = [
        "helpdesk.ticket",
        "hybrid.support.case.action.mixin",
        "hybrid.support.waiting.reminder.mixin",
    ]

    @api.depends("stage_id", "partner_id", "team_id")
    def _compute_ack_case_actions_html(self):
        for ticket in self:
            if ticket.partner_id and ticket.id:
                ticket.hs_ack_case_actions_html = ticket._hs_case_actions_html(
                    ticket.partner_id
                )
            else:
                ticket.hs_ack_case_actions_html = False

    def write(self, vals):
        result = super().write(vals)
        if "stage_id" in vals:
            # a new wait starts a new series of reminders; sudo: whoever
            # moves the case (an agent, a customer's answer) restarts it
            reminded = self.sudo().filtered(
                lambda t: t.hs_reminder_count or t.hs_last_reminder_date
            )
            if reminded:
                reminded.write({"hs_reminder_count": 0, "hs_last_reminder_date": False})
        return result

    def _notify_get_recipients_groups(self, message, model_description, msg_vals=False):
        """The case's customer gets the answer buttons under every public
        message of the case (an agent's reply); internal users never, and
        neither do other recipients: a link acts in its customer's name."""
        groups = super()._notify_get_recipients_groups(
            message, model_description, msg_vals=msg_vals
        )
        if len(self) != 1 or not self.partner_id:
            return groups
        customer_group = next(
            (data for name, _func, data in groups if name == "portal_customer"), None
        )
        if not self._hs_portal_links_allowed(self.partner_id):
            # back to email only: no "View case" button to the portal, for
            # the customer nor their portal colleagues following the case
            for name, _func, data in groups:
                if name in ("portal_customer", "portal"):
                    data["has_button_access"] = False
        if customer_group is None or not self._hs_actions_for_message(
            message, msg_vals
        ):
            return groups
        # sudo: whether the customer is one of our users decides, not who posts
        if not self.partner_id.sudo().partner_share:
            return groups  # an internal user as customer: no customer buttons
        customer_group["hs_case_actions"] = self._hs_case_actions_html(self.partner_id)
        return groups

    # -- a customer's reply to a case waiting on them -----------------------

    def _message_post_after_hook(self, message, msg_values):
        """A customer's reply (email or portal) to a case waiting on them
        puts it back in progress; the stage change resumes the service-level
        clocks (escalation). Notes, agents' messages, auto-replies and
        imported history move nothing."""
        result = super()._message_post_after_hook(message, msg_values)
        gateway = self.env.context.get("hs_gateway") or {}
        if (
            self.env.context.get("hs_import")
            or gateway.get("automation_reason")
            or message.message_type not in ("email", "comment")
            or message.is_internal
        ):
            return result
        # the email that makes a case answers nothing: no query for it
        replied = self.filtered(lambda t: t.hs_source_message_id != message.message_id)
        if not replied:
            return result
        # sudo: whether the author is one of our users is not the poster's business
        author = message.author_id.sudo()
        if author and not author.partner_share:
            return result
        if not self._hs_public_message(message):
            return result
        # sudo: a customer may not write the case's stage; their reply may
        replied.sudo()._hs_waiting_on_customer()._hs_back_in_progress()
        return result

    def _hs_back_in_progress(self):
        for ticket in self:
            stage = ticket._hs_stage_for("in_progress")
            if stage and stage != ticket.stage_id:
                ticket.stage_id = stage
