from odoo import api, fields, models, tools


class ResCompany(models.Model):
    _inherit = "res.company"

    hs_ack_enabled = fields.Boolean(
        groups="base.group_user",
        string="Acknowledge new cases",
        default=True,
        help="Send the acknowledgement template to the requester of every new "
        "case created from an email (never to robots or mailing lists).",
    )
    hs_ack_rate_limit = fields.Integer(
        groups="base.group_user",
        string="Acknowledgements per sender and hour",
        default=5,
        help="A sender who opens more cases than this within an hour gets no "
        "further acknowledgement, so that a misbehaving sender cannot make us "
        "mail-bomb anyone. 0 means no limit.",
    )
    hs_ack_global_rate_limit = fields.Integer(
        string="Acknowledgements per hour, all senders",
        default=300,
        groups="base.group_user",
        help="No more acknowledgements than this within an hour for the whole "
        "company, whoever the senders are: forged senders cannot turn the "
        "acknowledgement into a mass mailing in our name. 0 means no limit.",
    )
    hs_ack_first_time_authenticated = fields.Boolean(
        string="First-time senders: only when authenticated",
        groups="base.group_user",
        help="Acknowledge a sender's first case only when our mail server "
        "authenticated the sender's domain (DMARC pass, with the "
        "Authentication-Results header trusted below). Known customers are "
        "always acknowledged.",
    )
    hs_trust_authentication_results = fields.Boolean(
        string="Trust our mail server's Authentication-Results",
        groups="base.group_user",
        help="Our receiving mail server checks DMARC, writes the verdict in "
        "an Authentication-Results header and removes any such header that "
        "came from outside. A sender whose domain passed may then thread by "
        "the subject into the cases of their account and have the colleagues "
        "they copy follow their case. Off by default: the From header alone "
        "never proves who wrote an email.",
    )
    hs_response_promise = fields.Char(
        groups="base.group_user",
        string="Response-time promise",
        translate=True,
        default="We usually answer within one business day.",
        help="Sentence quoted in the acknowledgement when no SLA policy applies.",
    )

    hs_vip_category_ids = fields.Many2many(
        "res.partner.category",
        "res_company_hs_vip_category_rel",
        groups="base.group_user",
        string="VIP tags",
        help="Customers (or their company) with one of these tags are VIP.",
    )
    hs_vip_domains = fields.Char(
        groups="base.group_user",
        string="VIP email domains",
        help="Comma-separated email domains whose senders are VIP, e.g. "
        "bigclient.com, partner.org.",
    )
    hs_duplicate_window_hours = fields.Integer(
        groups="base.group_user",
        string="Duplicate window (hours)",
        default=72,
        help="A new email from the same customer account that is nearly "
        "identical to a case opened within this many hours is flagged as a "
        "probable duplicate. 0 switches the check off.",
    )
    hs_duplicate_threshold = fields.Float(
        groups="base.group_user",
        string="Duplicate similarity",
        default=0.8,
        help="Similarity (0 to 1) of subject and text from which a new case is "
        "flagged as a probable duplicate.",
    )

    @api.model
    @tools.ormcache("company_id")
    def _hs_vip_rules(self, company_id):
        """``(tag ids, email domains)`` that make a customer VIP, cached: the
        gateway asks for every email."""
        # sudo: VIP rules are read for whoever's email arrives
        company = self.sudo().browse(company_id)
        domains = {
            d.strip().lower().lstrip("@")
            for d in (company.hs_vip_domains or "").split(",")
            if d.strip()
        }
        return frozenset(company.hs_vip_category_ids.ids), frozenset(domains)

    def write(self, vals):
        if {"hs_vip_category_ids", "hs_vip_domains"} & set(vals):
            self.env.registry.clear_cache()
        return super().write(vals)

    _hs_ack_rate_limit_positive = models.Constraint(
        "CHECK(hs_ack_rate_limit >= 0)",
        "The acknowledgement rate limit cannot be negative.",
    )

    _hs_ack_global_rate_limit_positive = models.Constraint(
        "CHECK(hs_ack_global_rate_limit >= 0)",
        "The acknowledgement limit per hour cannot be negative.",
    )
    _hs_duplicate_window_positive = models.Constraint(
        "CHECK(hs_duplicate_window_hours >= 0)",
        "The duplicate window cannot be negative.",
    )
    _hs_duplicate_threshold_range = models.Constraint(
        "CHECK(hs_duplicate_threshold > 0 AND hs_duplicate_threshold <= 1)",
        "The duplicate similarity must be above 0 and at most 1.",
    )
