from werkzeug.exceptions import BadRequest, NotFound

from odoo import http
from odoo.http import request
from odoo.tools.misc import get_lang

from ..tools.kpi import valid_effort


class HybridSupportRating(http.Controller):
    """The effort question (CES) on the page after a case's rating: the
    rating's token is the only credential, as for the rating itself."""

    @http.route(
        "/rate/<string:token>/effort",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def hs_submit_effort(self, token, effort=None, **kwargs):
        # sudo: the token identifies the rating; nothing else is read
        rating = (
            request.env["rating.rating"]
            .sudo()
            .search([("access_token", "=", token)], limit=1)
        )
        # only a case's rating that the customer gave already: the question
        # comes after the smiley, and never for other rated records
        if not rating or rating.res_model != "helpdesk.ticket" or not rating.consumed:
            raise NotFound()
        user = request.env.user
        if (
            not user._is_public()
            and user.partner_id.commercial_partner_id
            != rating.partner_id.commercial_partner_id
        ):
            raise NotFound()
        score = valid_effort(effort)
        if score is None:
            raise BadRequest(request.env._("The effort score goes from 1 to 7."))
        rating.write({"hs_effort_score": score})
        lang = rating.partner_id.lang or get_lang(request.env).code
        return (
            request.env["ir.ui.view"]
            .with_context(lang=lang)
            ._render_template(
                "rating.rating_external_page_view",
                {"web_base_url": rating.get_base_url(), "rating": rating},
            )
        )
