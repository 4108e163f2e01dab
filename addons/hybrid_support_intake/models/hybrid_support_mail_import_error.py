from odoo import fields, models


class HybridSupportMailImportError(models.Model):
    _name = "hybrid.support.mail.import.error"
    _description = "Message of a mailbox import that could not be imported"
    _order = "position"

    import_id = fields.Many2one(
        "hybrid.support.mail.import", required=True, ondelete="cascade", index=True
    )
    position = fields.Integer(help="Position of the message in the mailbox (from 1).")
    message_id = fields.Char(string="Message-ID")
    reason = fields.Char(required=True)
