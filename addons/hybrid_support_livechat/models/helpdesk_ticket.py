from odoo import fields, models


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    hs_livechat_channel_id = fields.Many2one(
        "discuss.channel",
        string="Live chat",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
        help="The chat conversation this case was opened from.",
    )
