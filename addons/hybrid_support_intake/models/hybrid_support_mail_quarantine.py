import base64
import email
import email.policy
import logging
from xmlrpc.client import Binary

from odoo import api, fields, models

_logger = logging.getLogger(__name__)


def _raw_bytes(message):
    if isinstance(message, Binary):
        return bytes(message.data)
    if isinstance(message, str):
        return message.encode("utf-8", errors="replace")
    if isinstance(message, bytes):
        return message
    try:
        return message.as_bytes(policy=email.policy.SMTP)
    except Exception:
        return str(message).encode("utf-8", errors="replace")


def _printable(value):
    """Text PostgreSQL accepts: NUL characters are refused in any string."""
    return str(value or "").replace("\x00", "")


class HybridSupportMailQuarantine(models.Model):
    _name = "hybrid.support.mail.quarantine"
    _description = "Quarantined incoming email"
    _order = "id desc"

    name = fields.Char(string="Subject", readonly=True)
    email_from = fields.Char(string="From", readonly=True)
    message_id = fields.Char(string="Message-ID", readonly=True, index=True)
    reason = fields.Selection(
        [("error", "Processing error"), ("loop", "Mail loop")],
        required=True,
        readonly=True,
    )
    error = fields.Text(readonly=True)
    raw = fields.Binary(string="Original email", attachment=True, readonly=True)
    raw_filename = fields.Char(compute="_compute_raw_filename")
    state = fields.Selection(
        [("new", "To check"), ("processed", "Processed"), ("dismissed", "Dismissed")],
        default="new",
        required=True,
    )
    thread_id = fields.Integer(string="Created or updated record", readonly=True)

    def _compute_raw_filename(self):
        for record in self:
            record.raw_filename = f"quarantine-{record.id}.eml"

    @api.model
    def _quarantine(self, message, reason, error):
        retried = self.browse(self.env.context.get("hs_quarantine_retry_id"))
        if retried:
            # sudo: same reason as the creation below
            retried.sudo().error = _printable(error)
            return retried
        raw = _raw_bytes(message)
        headers = email.message_from_bytes(raw[:65536], policy=email.policy.compat32)
        # sudo: the mail gateway user may lack rights on this technical model
        record = self.sudo().create(
            {
                "name": _printable(headers.get("Subject"))[:500],
                "email_from": _printable(headers.get("From"))[:500],
                "message_id": _printable(headers.get("Message-ID"))[:500],
                "reason": reason,
                "error": _printable(error),
                "raw": base64.b64encode(raw),
            }
        )
        _logger.warning(
            "Email %s from %s quarantined (%s) as %s",
            record.message_id,
            record.email_from,
            reason,
            record.id,
        )
        return record

    def action_retry(self):
        """Feed the original email to the gateway again."""
        for record in self.filtered(lambda r: r.state == "new" and r.raw):
            gateway = self.env["mail.thread"].with_context(
                hs_quarantine_retry_id=record.id
            )
            thread_id = gateway.message_process(False, base64.b64decode(record.raw))
            if thread_id:
                record.write({"state": "processed", "thread_id": thread_id})
        return True

    def action_dismiss(self):
        self.state = "dismissed"
