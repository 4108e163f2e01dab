from odoo import models
from odoo.exceptions import UserError


class HelpdeskTicketMerge(models.TransientModel):
    _inherit = "helpdesk.ticket.merge"

    def merge_tickets(self):
        """The merged cases remember where they went (``hs_merged_into_id``):
        the portal shows the remaining case among their related cases.

        Any agent who may write every case involved can merge them; cases
        of different customer accounts only a helpdesk manager."""
        self._hs_check_merge_allowed()
        # read before the merge archives them: a many2many skips archived rows
        tickets = self.ticket_ids
        # sudo: upstream re-points the merged cases' messages, activities and
        # attachments (res_id), which only administrators may write; the
        # user's right to write every case involved was checked just above
        result = super(HelpdeskTicketMerge, self.sudo()).merge_tickets()
        (tickets - self.dst_ticket_id).write(
            {"hs_merged_into_id": self.dst_ticket_id.id}
        )
        return result

    def _hs_check_merge_allowed(self):
        tickets = self.ticket_ids | self.dst_ticket_id
        tickets.check_access("write")
        if self.create_new_ticket:
            tickets.check_access("create")
        if len(tickets.commercial_partner_id) > 1 and not self.env.user.has_group(
            "helpdesk_mgmt.group_helpdesk_manager"
        ):
            raise UserError(
                self.env._(
                    "These cases belong to different customer accounts "
                    "(%(accounts)s): only a helpdesk manager may merge them.",
                    accounts=", ".join(tickets.commercial_partner_id.mapped("name")),
                )
            )

    def _merge_followers(self, merged_tickets):
        """The requesters and followers of merged cases follow the remaining
        one, so that whoever wrote in still hears about it, but only
        colleagues and customers of its own account: following a case gives
        portal access to it. Replaces upstream, which subscribes them all."""
        account = self.dst_ticket_id.commercial_partner_id
        candidates = merged_tickets.message_partner_ids | merged_tickets.partner_id
        followers = candidates.filtered(
            lambda partner: (
                (account and partner.commercial_partner_id == account)
                or any(not user.share for user in partner.user_ids)
            )
        )
        if followers:
            self.dst_ticket_id.message_subscribe(partner_ids=followers.ids)
