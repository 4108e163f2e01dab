from odoo import models


class HelpdeskTicketMerge(models.TransientModel):
    _inherit = "helpdesk.ticket.merge"

    def merge_tickets(self):
        """The merged cases remember where they went (``hs_merged_into_id``):
        the portal shows the remaining case among their related cases."""
        # read before the merge archives them: a many2many skips archived rows
        tickets = self.ticket_ids
        result = super().merge_tickets()
        (tickets - self.dst_ticket_id).write(
            {"hs_merged_into_id": self.dst_ticket_id.id}
        )
        return result

    def _merge_followers(self, merged_tickets):
        """The requesters of merged cases follow the remaining one, so that
        whoever wrote in still hears about it."""
        result = super()._merge_followers(merged_tickets)
        requesters = merged_tickets.partner_id - self.dst_ticket_id.partner_id
        if requesters:
            self.dst_ticket_id.message_subscribe(partner_ids=requesters.ids)
        return result
