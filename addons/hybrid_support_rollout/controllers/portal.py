from odoo.http import request

from odoo.addons.hybrid_support_portal.controllers.portal import (
    CustomerPortalHybridSupport,
)


class CustomerPortalRollout(CustomerPortalHybridSupport):
    def _ticket_get_page_view_values(self, ticket, access_token, **kwargs):
        values = super()._ticket_get_page_view_values(ticket, access_token, **kwargs)
        user = request.env.user
        # a signed-in customer viewing a case: a first value of the portal
        # (a visit by token from an email is not a portal use)
        if not user._is_public() and user._is_portal():
            request.env["hybrid.support.rollout.member"]._record_first_value(
                user.partner_id, "viewed_case"
            )
        return values
