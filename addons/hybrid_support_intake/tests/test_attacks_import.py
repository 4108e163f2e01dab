"""Issue 12, item 11: the mailbox import as an attack vector.

IMAPS without certificate verification (the password to a man in the middle),
zip members read whole into memory (zip bomb), host and port free (a helpdesk
manager scanning the server's internal network or reading cloud metadata),
and the dry run inside the web request.
"""

import base64
import io
import socket
import ssl
import struct
import tracemalloc
import zipfile

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from ..tools.mailbox_reader import ZipReader
from .common import SupportTeamMixin, make_email


def declare_size(data, name, size):
    """The zip ``data`` with the uncompressed size of member ``name``
    forged in its central directory, as a hostile archive does."""
    data = bytearray(data)
    position = 0
    while (position := data.find(b"PK\x01\x02", position)) >= 0:
        length = struct.unpack_from("<H", data, position + 28)[0]
        if data[position + 46 : position + 46 + length] == name.encode():
            struct.pack_into("<I", data, position + 24, size)
        position += 4
    return bytes(data)


def zeros_member(archive, name, megabytes):
    with archive.open(name, "w") as handle:
        for _index in range(megabytes):
            handle.write(b"\0" * (1024 * 1024))


@tagged("post_install", "-at_install")
class TestAttacksImport(SupportTeamMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_support_team()
        cls.manager = new_test_user(
            cls.env,
            login="hs_import_manager",
            groups="helpdesk_mgmt.group_helpdesk_manager",
        )
        cls.Import = cls.env["hybrid.support.mail.import"]
        cls.mail = bytes(make_email("hank@globex.example", "Old question", "Hello?"))

    def _zip_job(self, data):
        return self.Import.with_user(self.manager).create(
            {
                "source_type": "zip",
                "file": base64.b64encode(data),
                "filename": "history.zip",
                "team_id": self.team.id,
            }
        )

    def _imap_job(self, host, port=993, user=None):
        return self.Import.with_user(user or self.manager).create(
            {
                "source_type": "imap",
                "imap_host": host,
                "imap_port": port,
                "imap_user": "hs",
                "imap_password": "secret",
                "team_id": self.team.id,
            }
        )

    def _peak_megabytes(self, function):
        tracemalloc.start()
        try:
            function()
        finally:
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        return peak / 1024 / 1024

    # ------------------------------------------------------------------
    # Zip bombs
    # ------------------------------------------------------------------

    def test_zip_bomb_declaring_more_than_the_cap_is_refused(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("mail/0001.eml", self.mail)
            archive.writestr("mail/0002.eml", b"x" * 1000)
        data = declare_size(buffer.getvalue(), "mail/0002.eml", 0xFFFFFFF0)
        job = self._zip_job(data)

        def analyse():
            with self.assertRaisesRegex(UserError, "expands to 4,096 MB, more than"):
                job.action_analyse()

        self.assertLess(self._peak_megabytes(analyse), 20)
        self.assertEqual(job.state, "draft")

    def test_zip_bomb_member_is_listed_never_expanded(self):
        """A real bomb (64 MB of zeros in 64 KB) and a member that lies
        about its size (declares 1,000 bytes, holds 64 MB): both refused
        with a reason, the archive's honest message imported."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("0001.eml", self.mail)
            zeros_member(archive, "0002.eml", 64)
            zeros_member(archive, "0003.eml", 64)
        data = declare_size(buffer.getvalue(), "0003.eml", 1000)
        self.assertLess(len(data), 200_000)
        job = self._zip_job(data)
        peak = self._peak_megabytes(job.action_analyse)
        self.assertLess(peak, 20, f"{peak:.0f} MB used to read a zip bomb")
        self.assertEqual((job.state, job.message_count), ("analysed", 3))
        reasons = job.error_ids.sorted("position").mapped("reason")
        self.assertEqual(len(reasons), 2)
        self.assertIn("0002.eml: 64 MB uncompressed, more than the 50 MB", reasons[0])
        self.assertIn("0003.eml: Bad CRC-32", reasons[1])

    def test_too_many_members_are_refused(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
            for index in range(ZipReader.MAX_MEMBERS + 1):
                archive.writestr(f"{index}.eml", b"")
        job = self._zip_job(buffer.getvalue())
        with self.assertRaisesRegex(UserError, "50,001 entries, more than the 50,000"):
            job.action_analyse()

    # ------------------------------------------------------------------
    # IMAP server: address, port, certificate
    # ------------------------------------------------------------------

    def _listener(self, port):
        """A socket listening on 127.0.0.1:``port``, to prove that nothing
        connects to it; None when the port cannot be bound here."""
        listener = socket.socket()
        try:
            listener.bind(("127.0.0.1", port))
        except OSError:
            listener.close()
            return None
        listener.listen()
        listener.setblocking(False)
        self.addCleanup(listener.close)
        return listener

    def assertNoConnection(self, listener):
        if listener is not None:
            with self.assertRaises(BlockingIOError, msg="something connected"):
                listener.accept()

    def test_internal_addresses_are_refused_without_connecting(self):
        listener = self._listener(993)
        for host in ("127.0.0.1", "10.0.0.1", "169.254.169.254", "localhost", "::1"):
            with self.assertRaisesRegex(
                ValidationError, "IMAP server refused: .* loopback, private"
            ):
                self._imap_job(host)
        self.assertNoConnection(listener)

    def test_internal_address_at_connection_time_is_refused(self):
        """The name resolved to a public address when saved and to an
        internal one when the job runs (DNS rebinding): the job checks again
        and connects to the address it checked."""
        listener = self._listener(993)
        job = self._imap_job("93.184.215.14")
        self.env.cr.execute(
            "UPDATE hybrid_support_mail_import SET imap_host = %s WHERE id = %s",
            ["127.0.0.1", job.id],
        )
        job.invalidate_recordset()
        with self.assertRaisesRegex(UserError, "127.0.0.1 is at 127.0.0.1, a loopback"):
            job.action_analyse()
        self.assertNoConnection(listener)

    def test_only_imap_ports_unless_a_system_administrator_allows(self):
        with self.assertRaisesRegex(ValidationError, "port 22 is not an IMAP port"):
            self._imap_job("93.184.215.14", port=22)
        self._imap_job("93.184.215.14", port=143)
        self.env["ir.config_parameter"].set_param(
            "hybrid_support_intake.imap_allowed_ports", "1143"
        )
        self._imap_job("93.184.215.14", port=1143)
        with self.assertRaisesRegex(ValidationError, "port 6379"):
            self._imap_job("93.184.215.14", port=6379)
        # an internal network a system administrator allowed
        self.env["ir.config_parameter"].set_param(
            "hybrid_support_intake.imap_allowed_networks", "10.1.2.0/24"
        )
        self._imap_job("10.1.2.3")
        with self.assertRaises(ValidationError):
            self._imap_job("10.1.3.3")

    def test_manager_cannot_move_an_administrators_server_inside(self):
        admin = self.env.user  # a system administrator
        job = self._imap_job("127.0.0.1", port=1143, user=admin)
        self.assertTrue(job.imap_set_by_admin)
        with self.assertRaisesRegex(ValidationError, "IMAP server refused"):
            job.with_user(self.manager).write({"imap_host": "10.0.0.1"})
        with self.assertRaises(AccessError):
            job.with_user(self.manager).write({"imap_allow_unverified": True})

    def test_tls_verifies_the_certificate_by_default(self):
        job = self._imap_job("93.184.215.14")
        context = job._imap_settings()["ssl_context"]
        self.assertTrue(context.check_hostname)
        self.assertEqual(context.verify_mode, ssl.CERT_REQUIRED)
        settings = job._imap_settings()
        self.assertEqual(settings["address"], "93.184.215.14")
        self.assertTrue(settings["require_tls"], "no password in clear")
        job.sudo().imap_allow_unverified = True  # a system administrator's choice
        self.assertEqual(job._imap_settings()["ssl_context"].verify_mode, ssl.CERT_NONE)

    # ------------------------------------------------------------------
    # Dry run in the job, not in the web request
    # ------------------------------------------------------------------

    def test_dry_run_button_queues_the_job_which_does_it(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("0001.eml", self.mail)
            archive.writestr("0002.eml", b"not an email")
        job = self._zip_job(buffer.getvalue())
        cron = self.env.ref("hybrid_support_intake.ir_cron_mail_import")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        self.authenticate("hs_import_manager", "hs_import_manager")
        self.make_jsonrpc_request(
            "/web/dataset/call_button/hybrid.support.mail.import/action_analyse",
            {
                "model": "hybrid.support.mail.import",
                "method": "action_analyse",
                "args": [[job.id]],
                "kwargs": {},
            },
        )
        job.invalidate_recordset()
        self.assertEqual(job.state, "queued", "nothing read in the web request")
        self.assertEqual(job.message_count, 0)
        self.assertGreater(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]),
            triggers,
        )
        # the job, as the scheduler runs it (its own cursor, committing)
        self.env.flush_all()
        with self.registry.cursor() as cr:
            self.Import.with_env(self.env(cr=cr))._cron_import()
        job.invalidate_recordset()
        self.assertEqual((job.state, job.message_count), ("analysed", 2))
        self.assertEqual(len(job.error_ids), 1)

    def test_queued_dry_run_that_fails_shows_why(self):
        job = self._zip_job(b"PK\x03\x04 not a zip")
        job.with_user(self.manager)._queue_dry_run()
        self.env.flush_all()
        with self.registry.cursor() as cr:
            self.Import.with_env(self.env(cr=cr))._cron_import()
        job.invalidate_recordset()
        self.assertEqual(job.state, "draft")
        self.assertIn("cannot be read as zip", job.last_error)
