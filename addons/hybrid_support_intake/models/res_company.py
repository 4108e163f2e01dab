from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    hs_ack_enabled = fields.Boolean(
        string="Acknowledge new cases",
        default=True,
        help="Send the acknowledgement template to the requester of every new "
        "case created from an email (never to robots or mailing lists).",
    )
    hs_ack_rate_limit = fields.Integer(
        string="Acknowledgements per sender and hour",
        default=5,
        help="A sender who opens more cases than this within an hour gets no "
        "further acknowledgement, so that a misbehaving sender cannot make us "
        "mail-bomb anyone. 0 means no limit.",
    )
    hs_response_promise = fields.Char(
        string="Response-time promise",
        translate=True,
        default="We usually answer within one business day.",
        help="Sentence quoted in the acknowledgement when no SLA policy applies.",
    )

    _hs_ack_rate_limit_positive = models.Constraint(
        "CHECK(hs_ack_rate_limit >= 0)",
        "The acknowledgement rate limit cannot be negative.",
    )
