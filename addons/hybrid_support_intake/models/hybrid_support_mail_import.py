import tempfile

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools.mailbox_reader import (
    MailboxError,
    check_server,
    open_source,
    parse_networks,
    tls_context,
)

# System parameters (only system administrators edit them): other IMAP ports
# than 143 and 993, and internal networks an import may reach, comma
# separated ("1143", "10.1.2.0/24, mail.lan").
PARAM_PORTS = "hybrid_support_intake.imap_allowed_ports"
PARAM_NETWORKS = "hybrid_support_intake.imap_allowed_networks"
# fields naming the server: changing one makes a new decision on it
SERVER_FIELDS = ("source_type", "imap_host", "imap_port", "imap_ssl")


class HybridSupportMailImport(models.Model):
    """A historical mailbox imported into cases, in the background.

    This file: the source (file, server path, IMAP with its network policy);
    the dry run and the import batches in ``hybrid_support_mail_import_run.py``.
    """

    _name = "hybrid.support.mail.import"
    _description = "Import of a historical mailbox"
    _order = "id desc"

    name = fields.Char(required=True, default=lambda self: self.env._("Mailbox import"))
    source_type = fields.Selection(
        [
            ("mbox", "mbox file"),
            ("zip", "Zip of .eml or Outlook .msg files"),
            ("imap", "IMAP folder"),
        ],
        required=True,
        default="mbox",
    )
    file = fields.Binary(attachment=True, help="The mbox or zip file.")
    filename = fields.Char()
    server_path = fields.Char(
        help="For files too big to upload: a path on the Odoo server, readable "
        "by the Odoo process. Only administrators may set it.",
        groups="base.group_system",
    )
    imap_host = fields.Char(
        string="IMAP server",
        help="A public server: loopback, private and link-local addresses are "
        "refused unless a system administrator allows the network (system "
        "parameter hybrid_support_intake.imap_allowed_networks) or sets the "
        "server.",
    )
    imap_port = fields.Integer(
        string="IMAP port",
        default=993,
        help="143 (STARTTLS) or 993 (SSL/TLS); another port only when a system "
        "administrator allows it (system parameter "
        "hybrid_support_intake.imap_allowed_ports) or sets the server.",
    )
    imap_ssl = fields.Boolean(
        string="SSL/TLS",
        default=True,
        help="Off: the connection is upgraded with STARTTLS, and refused "
        "before the password is sent when the server does not offer it.",
    )
    imap_allow_unverified = fields.Boolean(
        string="Accept an unverified certificate",
        groups="base.group_system",
        copy=False,
        help="Only for a server with a self-signed certificate on a trusted "
        "network: anyone between Odoo and the server could read the password.",
    )
    imap_set_by_admin = fields.Boolean(
        string="Server set by a system administrator",
        groups="base.group_system",
        readonly=True,
        copy=False,
        help="Any port and address are allowed, and a server without TLS. "
        "Cleared when someone else changes the server.",
    )
    imap_user = fields.Char(string="IMAP user")
    imap_password = fields.Char(
        string="IMAP password", groups="helpdesk_mgmt.group_helpdesk_manager"
    )
    imap_folder = fields.Char(string="IMAP folder", default="INBOX")
    team_id = fields.Many2one("helpdesk.ticket.team", required=True)
    company_id = fields.Many2one(related="team_id.company_id", store=True)
    stage_id = fields.Many2one(
        "helpdesk.ticket.stage",
        string="Stage of imported cases",
        help="Usually a closed stage: history is not work to do. Empty: the "
        "team's first stage.",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("queued", "Dry run queued"),
            ("analysed", "Dry run done"),
            ("running", "Importing"),
            ("done", "Done"),
        ],
        default="draft",
        required=True,
        readonly=True,
    )
    last_error = fields.Char(
        readonly=True, help="Why the last dry run or import run stopped."
    )
    # dry run
    message_count = fields.Integer(readonly=True)
    thread_count = fields.Integer(readonly=True)
    new_contact_count = fields.Integer(string="New contacts", readonly=True)
    known_contact_count = fields.Integer(string="Known contacts", readonly=True)
    duplicate_count = fields.Integer(
        string="Already in Odoo",
        readonly=True,
        help="Messages whose Message-ID Odoo already has: they are skipped.",
    )
    date_from = fields.Datetime(readonly=True)
    date_to = fields.Datetime(readonly=True)
    # progress
    position = fields.Integer(readonly=True, help="Next message to import.")
    imported_count = fields.Integer(readonly=True)
    skipped_count = fields.Integer(readonly=True)
    error_ids = fields.One2many("hybrid.support.mail.import.error", "import_id")
    error_count = fields.Integer(compute="_compute_error_count")
    progress = fields.Float(compute="_compute_error_count")

    @api.depends("error_ids", "position", "message_count")
    def _compute_error_count(self):
        for job in self:
            job.error_count = len(job.error_ids)
            job.progress = (
                100.0 * job.position / job.message_count if job.message_count else 0
            )

    @api.constrains(*SERVER_FIELDS, "imap_set_by_admin")
    def _check_imap_server(self):
        for job in self.filtered(lambda j: j.source_type == "imap" and j.imap_host):
            try:
                job._check_imap()
            except MailboxError as error:
                raise ValidationError(
                    self.env._("IMAP server refused: %(error)s", error=error)
                ) from error

    @api.model_create_multi
    def create(self, vals_list):
        if self.env.user._is_system():
            for vals in vals_list:
                vals.setdefault("imap_set_by_admin", True)
        return super().create(vals_list)

    def write(self, vals):
        server_changed = any(name in vals for name in SERVER_FIELDS)
        if server_changed and self.env.user._is_system():
            vals = {**vals, "imap_set_by_admin": True}
        result = super().write(vals)
        if server_changed and not self.env.user._is_system():
            # sudo: the trust and the certificate exception granted by a
            # system administrator end when someone else changes the server
            self.sudo().write(
                {"imap_set_by_admin": False, "imap_allow_unverified": False}
            )
        return result

    def _imap_policy(self):
        """(allowed ports, allowed networks) beyond the standard ones."""
        # sudo: system parameters, read to apply them
        params = self.env["ir.config_parameter"].sudo()
        try:
            ports = tuple(
                int(port)
                for port in (params.get_param(PARAM_PORTS) or "")
                .replace(";", ",")
                .split(",")
                if port.strip()
            )
            networks = parse_networks(params.get_param(PARAM_NETWORKS))
        except ValueError as error:
            raise UserError(
                self.env._(
                    "The system parameters of the IMAP import are wrong: %(error)s",
                    error=error,
                )
            ) from error
        return ports, networks

    def _check_imap(self):
        """The addresses of the IMAP server that may be reached, or
        MailboxError: never an internal service, never a port scan."""
        self.ensure_one()
        # sudo: the flag is for system administrators; reading it decides
        if self.sudo().imap_set_by_admin:
            return check_server(
                self.imap_host,
                self.imap_port,
                allowed_ports=[self.imap_port],
                allowed_networks=parse_networks("0.0.0.0/0, ::/0"),
            )
        ports, networks = self._imap_policy()
        return check_server(
            self.imap_host,
            self.imap_port,
            allowed_ports=ports,
            allowed_networks=networks,
        )

    def _imap_settings(self):
        """The reader's arguments: the checked address to connect to, and a
        TLS context that verifies the certificate unless a system
        administrator said otherwise."""
        self.ensure_one()
        # sudo: the password is for managers, the flags for system
        # administrators; the cron reads them to connect
        job = self.sudo()
        return {
            "host": self.imap_host,
            "port": self.imap_port,
            "ssl": self.imap_ssl,
            "user": self.imap_user or "",
            "password": job.imap_password or "",
            "folder": self.imap_folder or "INBOX",
            "address": self._check_imap()[0],
            "ssl_context": tls_context(verify=not job.imap_allow_unverified),
            "require_tls": not job.imap_set_by_admin,
        }

    def _open(self):
        """A streaming reader on the file, from the filestore when it is there
        (never loaded into memory), and the temporary file to delete."""
        self.ensure_one()
        if self.source_type == "imap":
            return self._open_imap(), None
        # sudo: server_path is restricted to administrators, who set it
        path = self.sudo().server_path
        temporary = None
        if not path:
            attachment = (
                self.env["ir.attachment"]
                .sudo()  # the binary field's attachment, read to stream it
                .search(
                    [
                        ("res_model", "=", self._name),
                        ("res_id", "=", self.id),
                        ("res_field", "=", "file"),
                    ],
                    limit=1,
                )
            )
            if not attachment:
                raise UserError(self.env._("Upload the mailbox file first."))
            if attachment.store_fname:
                path = attachment._full_path(attachment.store_fname)
            else:
                handle = tempfile.NamedTemporaryFile(delete=False)
                handle.write(attachment.raw)
                handle.close()
                path = temporary = handle.name
        try:
            return open_source(self.source_type, path=path), temporary
        except (MailboxError, OSError) as error:
            raise UserError(
                self.env._(
                    "This file cannot be read as %(kind)s: %(error)s",
                    kind=self.source_type,
                    error=error,
                )
            ) from error

    def _open_imap(self):
        if not self.imap_host:
            raise UserError(self.env._("Set the IMAP server first."))
        try:
            return open_source("imap", imap=self._imap_settings())
        except MailboxError as error:
            raise UserError(
                self.env._("Cannot read the IMAP folder: %(error)s", error=error)
            ) from error
