import base64
import email
import email.policy
import logging
from datetime import timedelta
from xmlrpc.client import Binary

from odoo import api, fields, models
from odoo.exceptions import AccessError

from .ir_cron import retry_soon_on_conflict

_logger = logging.getLogger(__name__)

# Larger than any mail server accepts (most refuse 25-50 MB): kept whole
# below it, headers only above it (and then it cannot be processed again).
MAX_RAW_BYTES = 50 * 1024 * 1024
RETENTION_DAYS_HANDLED = 30  # processed or dismissed
RETENTION_DAYS_ANY = 180


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
        [
            ("error", "Processing error"),
            ("loop", "Mail loop"),
            ("busy", "Delivered elsewhere at the same moment"),
        ],
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
    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        index=True,
        default=lambda self: self.env.company,
    )
    submitted_by_id = fields.Many2one(
        "res.users",
        string="Delivered by",
        readonly=True,
        help="The user the email was delivered as: the scheduler for "
        "fetchmail, the mail gateway user for odoo-mailgate.py or the API.",
    )
    raw_truncated = fields.Boolean(
        string="Original too large",
        readonly=True,
        help="The email was larger than the quarantine keeps: only its "
        "headers are stored and it cannot be processed again.",
    )
    raw_size = fields.Integer(string="Size (bytes)", readonly=True)

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
        truncated = len(raw) > MAX_RAW_BYTES
        kept = raw[: raw.find(b"\n\n", 0, 65536) + 1 or 65536] if truncated else raw
        # sudo: the mail gateway user may lack rights on this technical model
        # (only gateway callers get here: see mail.thread.message_process)
        record = self.sudo().create(
            {
                "name": _printable(headers.get("Subject"))[:500],
                "email_from": _printable(headers.get("From"))[:500],
                "message_id": _printable(headers.get("Message-ID"))[:500],
                "reason": reason,
                "error": _printable(error)[:10000],
                "raw": base64.b64encode(kept),
                "raw_truncated": truncated,
                "raw_size": len(raw),
                "company_id": self.env.company.id,
                "submitted_by_id": self.env.uid,
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
        if not self.env.user.has_group("helpdesk_mgmt.group_helpdesk_manager"):
            raise AccessError(
                self.env._("Only helpdesk managers may process quarantined emails.")
            )
        self.check_access("write")
        for record in self.filtered(
            lambda r: r.state == "new" and r.raw and not r.raw_truncated
        ):
            # sudo: the email came in through the mail gateway (only its
            # callers put emails here) and is processed again as it would
            # have been, whatever the rights of the manager who asks
            gateway = (
                self.env["mail.thread"]
                .sudo()
                .with_context(hs_quarantine_retry_id=record.id)
            )
            thread_id = gateway.message_process(False, base64.b64decode(record.raw))
            if thread_id:
                record.write({"state": "processed", "thread_id": thread_id})
        return True

    def action_dismiss(self):
        self.state = "dismissed"

    @api.model
    @retry_soon_on_conflict
    def _cron_retry_busy(self):
        """Process again the emails that met another worker's delivery of the
        same email or sender outside an RPC call (fetchmail, which cannot run
        them again itself): by now the other delivery is committed, and the
        email threads into its result or is recognised as a duplicate."""
        busy = self.sudo().search([("reason", "=", "busy"), ("state", "=", "new")])
        for record in busy:
            error = record.error
            # sudo: the email came in through the mail gateway (see action_retry)
            result = (
                self.env["mail.thread"]
                .sudo()
                .with_context(hs_quarantine_retry_id=record.id)
                .message_process(False, base64.b64decode(record.raw))
            )
            if result or record.error == error:  # done, or found done already
                record.write({"state": "processed", "thread_id": result or False})
        return len(busy)

    @api.model
    def _cron_vacuum(self):
        """Forget handled emails after a month and any after six months: the
        quarantine holds whole emails, personal data included."""
        now = fields.Datetime.now()
        # sudo: the retention job clears every company's quarantine
        old = self.sudo().search(
            [
                "|",
                "&",
                ("state", "!=", "new"),
                ("create_date", "<", now - timedelta(days=RETENTION_DAYS_HANDLED)),
                ("create_date", "<", now - timedelta(days=RETENTION_DAYS_ANY)),
            ]
        )
        old.unlink()
        return len(old)
