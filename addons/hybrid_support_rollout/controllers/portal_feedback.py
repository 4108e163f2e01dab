from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

from ..tools.feedback import SCORES, clean_text, feedback_refusal


class CustomerPortalRolloutFeedback(CustomerPortal):
    """The Feedback page of the portal, for the customers of a wave in pilot
    or hypercare whose feedback is on.

    Portal users have no right on waves or feedback: every route finds the
    logged-in user's waves with sudo and answers 404 to anyone without one;
    the posted wave must be one of them (a forged id is refused), the
    feedback is written with sudo under the user's own contact, and the page
    lists only that contact's feedback."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "hs_rollout_feedback_count" in counters:
            values["hs_rollout_feedback_count"] = len(self._hs_feedback_waves())
        return values

    def _hs_feedback_waves(self):
        """The waves (sudo) asking the logged-in portal user for feedback."""
        user = request.env.user
        if user._is_public() or not user._is_portal():
            return request.env["hybrid.support.rollout.wave"]
        # sudo: portal users read no wave; only their own contact's waves
        # are looked up
        Wave = request.env["hybrid.support.rollout.wave"].sudo()
        return Wave._feedback_waves(user.partner_id)

    def _hs_feedback_values(self, waves, **extra):
        partner = request.env.user.partner_id
        # sudo: the contact's own feedback, filtered on the contact
        mine = (
            request.env["hybrid.support.rollout.feedback"]
            .sudo()
            .search([("partner_id", "=", partner.id)], limit=20)
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "hs_rollout_feedback",
                "hs_waves": waves,
                "hs_scores": SCORES,
                "hs_my_feedback": mine,
                **extra,
            }
        )
        return values

    @http.route("/my/feedback", type="http", auth="user", methods=["GET"], website=True)
    def portal_rollout_feedback(self, sent=None, **kw):
        waves = self._hs_feedback_waves()
        if not waves:
            raise NotFound()
        return request.render(
            "hybrid_support_rollout.portal_rollout_feedback",
            self._hs_feedback_values(waves, hs_sent=bool(sent)),
        )

    @http.route(
        "/my/feedback/submit",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_rollout_feedback_submit(self, text=None, score=None, wave_id=None, **kw):
        waves = self._hs_feedback_waves()
        if not waves:
            raise NotFound()
        try:
            wave = waves.filtered(lambda w: w.id == int(wave_id or waves[:1].id))
        except ValueError:
            wave = waves.browse()
        if not wave:
            raise NotFound()  # a wave that does not ask this customer
        refusal = feedback_refusal(text, score)
        if refusal:
            return request.render(
                "hybrid_support_rollout.portal_rollout_feedback",
                self._hs_feedback_values(
                    waves, hs_error=refusal, hs_text=text or "", hs_score=score
                ),
            )
        # sudo: portal users create no record themselves; the wave was
        # checked above and the contact is the logged-in user's
        request.env["hybrid.support.rollout.feedback"].sudo().create(
            {
                "wave_id": wave.id,
                "partner_id": request.env.user.partner_id.id,
                "text": clean_text(text),
                "score": score,
            }
        )
        return request.redirect("/my/feedback?sent=1")
