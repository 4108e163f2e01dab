from odoo import models


class HelpdeskTicketMerge(models.TransientModel):
    _inherit = "helpdesk.ticket.merge"

    def _merge_followers(self, merged_tickets):
        """The requesters of merged cases follow the remaining one, so that
        whoever wrote in still hears about it."""
        result = super()._merge_followers(merged_tickets)
        requesters = merged_tickets.partner_id - self.dst_ticket_id.partner_id
        if requesters:
            self.dst_ticket_id.message_subscribe(partner_ids=requesters.ids)
        return result
