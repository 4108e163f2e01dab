from odoo import models


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    def _hs_portal_links_allowed(self, partner):
        """No portal link for a customer of a rolled-back wave, nor for
        anyone while the company is back to email only."""
        if not super()._hs_portal_links_allowed(partner):
            return False
        company = self.company_id or self.env.company
        # sudo: an internal setting, asked for any sender (portal, gateway)
        if company.sudo().hs_email_only:
            return False
        if not partner:
            return True
        # the customers of the rolled-back waves, read once per transaction
        Wave = self.env["hybrid.support.rollout.wave"]
        rolled_back = Wave._rolled_back_partner_ids()
        return rolled_back.isdisjoint(partner.ids + partner.commercial_partner_id.ids)
