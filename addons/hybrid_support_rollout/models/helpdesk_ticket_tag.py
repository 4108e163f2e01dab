from odoo import fields, models


class HelpdeskTicketTag(models.Model):
    _inherit = "helpdesk.ticket.tag"

    hs_hypercare = fields.Boolean(
        string="Hypercare tag",
        help="Dedicated to hypercare: a wave in hypercare adds it to its "
        "customers' open cases and the hourly job removes it from every other "
        "case. Only such tags can be a wave's hypercare tag.",
    )
