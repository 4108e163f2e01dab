import base64
import io
import zipfile
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..tools.outlook_msg import MsgError, msg_to_rfc822
from .common import IntakeCase, make_email, start_imap_server

DATA = Path(__file__).parent / "data"


def _dated(msg, day, reply_to=None):
    msg["Date"] = format_datetime(datetime(2024, 3, day, 9, 30, tzinfo=UTC))
    if reply_to:
        msg["In-Reply-To"] = reply_to["Message-ID"]
        msg["References"] = reply_to["Message-ID"]
    return msg


def mbox_bytes(messages):
    """An mbox file: each message after a 'From ' separator, bodies escaped."""
    out = io.BytesIO()
    for msg in messages:
        raw = msg if isinstance(msg, bytes) else bytes(msg)
        out.write(b"From MAILER-DAEMON Thu Mar  7 09:30:00 2024\n")
        for line in raw.replace(b"\r\n", b"\n").split(b"\n"):
            out.write((b">" + line if line.startswith(b"From ") else line) + b"\n")
        out.write(b"\n")
    return out.getvalue()


@tagged("post_install", "-at_install")
class TestMailboxImport(IntakeCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        first = _dated(
            make_email("hank@globex.example", "Old question", "Is it on?"), 4
        )
        reply = _dated(
            make_email(
                "hank@globex.example", "Re: Old question", "Still off.\nFrom now on"
            ),
            5,
            reply_to=first,
        )
        other = _dated(make_email("new.person@initech.example", "Quote", "Price?"), 6)
        cls.messages = [first, reply, other]
        cls.garbage = b"this is not an email at all\n\n"
        cls.closed = cls.env["helpdesk.ticket.stage"].search(
            [("closed", "=", True)], limit=1
        )

    def _job(self, data, kind="mbox"):
        return self.env["hybrid.support.mail.import"].create(
            {
                "source_type": kind,
                "file": base64.b64encode(data),
                "filename": f"history.{kind}",
                "team_id": self.team.id,
                "stage_id": self.closed.id,
            }
        )

    def _run(self, job):
        while job.state == "running":
            job._import_batch(limit=2)

    def test_dry_run_then_import_with_original_dates_and_nothing_sent(self):
        data = mbox_bytes([*self.messages, self.garbage])
        job = self._job(data)
        job.action_analyse()
        self.assertEqual(
            (
                job.message_count,
                job.thread_count,
                job.known_contact_count,
                job.new_contact_count,
                job.duplicate_count,
            ),
            (4, 2, 1, 1, 0),
        )
        self.assertEqual(job.date_from, datetime(2024, 3, 4, 9, 30))
        self.assertEqual(job.date_to, datetime(2024, 3, 6, 9, 30))
        self.assertEqual(len(job.error_ids), 1, "the garbage message is listed")
        mails_before = self.env["mail.mail"].search_count([])
        before = self.last_ticket_id()
        job.action_start()
        self._run(job)
        self.assertEqual(job.state, "done")
        cases = self.new_tickets(before)
        self.assertEqual(len(cases), 2, "the reply threads into its case")
        old = cases.filtered(lambda t: t.name == "Old question")
        self.assertEqual(old.hs_received_date, datetime(2024, 3, 4, 9, 30))
        self.assertEqual(old.stage_id, self.closed)
        self.assertIn("Still off.", " ".join(old.message_ids.mapped("body")))
        incoming = old.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertEqual(
            sorted(incoming.mapped("date")),
            [datetime(2024, 3, 4, 9, 30), datetime(2024, 3, 5, 9, 30)],
        )
        self.assertEqual(
            self.env["mail.mail"].search_count([]),
            mails_before,
            "nothing is sent to anyone",
        )
        self.assertFalse(
            cases.filtered("hs_ack_pending") or cases.filtered("hs_ack_sent")
        )
        self.assertEqual(job.imported_count, 3)
        self.assertEqual(len(job.error_ids), 1, "the garbage is refused with a reason")
        self.assertTrue(job.error_ids.reason)

        # importing the same mailbox again adds nothing
        again = self._job(data)
        again.action_analyse()
        self.assertEqual(again.duplicate_count, 3)
        again.action_start()
        self._run(again)
        self.assertEqual(len(self.new_tickets(before)), 2)
        self.assertEqual((again.imported_count, again.skipped_count), (0, 3))

    def test_zip_of_eml_files(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for number, msg in enumerate(self.messages):
                archive.writestr(f"mail/{number:03d}.eml", bytes(msg))
            archive.writestr("readme.txt", "not a message")
        job = self._job(buffer.getvalue(), kind="zip")
        job.action_analyse()
        self.assertEqual((job.message_count, job.thread_count), (3, 2))
        before = self.last_ticket_id()
        job.action_start()
        self._run(job)
        self.assertEqual(len(self.new_tickets(before)), 2)

    def test_zip_of_outlook_msg_files(self):
        """Outlook files (made by tests/fixtures/make_outlook_msg.py): one
        received with its internet headers, one reply saved from Sent Items
        with MAPI properties only, and a damaged one."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for name in ("received.msg", "reply_without_headers.msg"):
                archive.writestr(name, (DATA / name).read_bytes())
            archive.writestr("damaged.msg", b"\xd0\xcf\x11\xe0 truncated")
        job = self._job(buffer.getvalue(), kind="zip")
        job.action_analyse()
        self.assertEqual((job.message_count, job.thread_count), (3, 1))
        self.assertEqual(job.date_to, datetime(2025, 3, 4, 10, 15))
        self.assertIn("damaged.msg", job.error_ids.reason)
        before = self.last_ticket_id()
        job.action_start()
        self._run(job)
        case = self.new_tickets(before)
        self.assertEqual(len(case), 1, "the reply threads by In-Reply-To")
        self.assertEqual(case.name, "Invoice INV/2025/00042 charged twice")
        self.assertEqual(case.partner_id.email, "hank@globex.example")
        self.assertEqual(case.hs_received_date, datetime(2025, 3, 3, 8, 30))
        emails = case.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertEqual(len(emails), 2)
        reply = emails.filtered(lambda m: "Zo" in (m.email_from or ""))
        self.assertIn("Any news about the double charge", reply.body)
        self.assertEqual(reply.date, datetime(2025, 3, 4, 10, 15))
        self.assertEqual(case.attachment_ids.mapped("name"), ["invoice.pdf"])
        self.assertIn(
            "INV/2025/00042",
            case.hs_reference_ids.mapped("value") or ["INV/2025/00042"],
        )

    def test_outlook_conversion(self):
        raw = msg_to_rfc822((DATA / "reply_without_headers.msg").read_bytes())
        self.assertIn(b"Cc: boss@globex.example", raw)
        self.assertIn(b"In-Reply-To: <first-1@globex.example>", raw)
        with self.assertRaisesRegex(MsgError, "not an Outlook"):
            msg_to_rfc822(b"plain text")

    def test_a_file_of_the_wrong_kind_is_refused_clearly(self):
        job = self._job(b"PK\x03\x04 not really", kind="mbox")
        with self.assertRaisesRegex(UserError, "cannot be read as mbox"):
            job.action_analyse()
        with self.assertRaisesRegex(UserError, "Run the dry run first"):
            job.action_start()


@tagged("post_install", "-at_install")
class TestImapImport(IntakeCase):
    """Against a real IMAP server (pymap, a test requirement) on loopback."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        first = _dated(make_email("hank@globex.example", "IMAP question", "Hello?"), 4)
        reply = _dated(
            make_email("hank@globex.example", "Re: IMAP question", "Anyone?"),
            5,
            reply_to=first,
        )
        cls.port = start_imap_server(cls, [first, reply])

    def _job(self, **values):
        return self.env["hybrid.support.mail.import"].create(
            {
                "source_type": "imap",
                "imap_host": "127.0.0.1",
                "imap_port": self.port,
                "imap_ssl": False,
                "imap_user": "hs",
                "imap_password": "secret",
                "team_id": self.team.id,
                **values,
            }
        )

    def test_imap_folder_is_imported_once(self):
        job = self._job()
        job.action_analyse()
        self.assertEqual((job.message_count, job.thread_count), (2, 1))
        before = self.last_ticket_id()
        job.action_start()
        while job.state == "running":
            job._import_batch(limit=1)
        cases = self.new_tickets(before)
        self.assertEqual(len(cases), 1)
        self.assertEqual(
            len(cases.message_ids.filtered(lambda m: m.message_type == "email")), 2
        )
        again = self._job()
        again.action_analyse()
        self.assertEqual(again.duplicate_count, 2)

    def test_wrong_password_or_folder_is_a_clear_error(self):
        with self.assertRaisesRegex(UserError, "Cannot read the IMAP folder"):
            self._job(imap_password="wrong").action_analyse()
        with self.assertRaisesRegex(UserError, "no folder"):
            self._job(imap_folder="Nope").action_analyse()
