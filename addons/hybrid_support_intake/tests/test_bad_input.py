import base64
from email.message import EmailMessage

from odoo.tests import tagged

from .common import ALIAS, ALIAS_DOMAIN, IntakeCase, make_email


@tagged("post_install", "-at_install")
class TestBadInput(IntakeCase):
    def assertTicket(self, raw):
        ticket = self.Ticket.browse(self.process(raw))
        self.assertTrue(ticket.exists(), "the email must become a case")
        return ticket

    def test_empty_body(self):
        ticket = self.assertTicket(make_email("hank@globex.example", "Empty", body=""))
        self.assertTrue(ticket.description)

    def test_no_subject_and_no_message_id(self):
        msg = make_email("hank@globex.example", "", message_id=False)
        del msg["Subject"]
        ticket = self.assertTicket(msg)
        self.assertTrue(ticket.name)

    def test_legacy_charsets(self):
        latin = self.assertTicket(
            make_email(
                "hank@globex.example",
                "Caf\u00e9",
                "Cr\u00e8me br\u00fbl\u00e9e",
                charset="iso-8859-1",
            )
        )
        self.assertIn("Cr\u00e8me br\u00fbl\u00e9e", latin.hs_clean_body)
        japanese = self.assertTicket(
            make_email(
                "hank@globex.example",
                "\u6ce8\u6587",
                "\u6ce8\u6587\u304c\u5c4a\u304d\u307e\u305b\u3093",
                charset="shift_jis",
            )
        )
        self.assertIn(
            "\u6ce8\u6587\u304c\u5c4a\u304d\u307e\u305b\u3093", japanese.hs_clean_body
        )
        self.assertEqual(japanese.name, "\u6ce8\u6587")

    def test_wrongly_declared_charset(self):
        raw = (
            f"From: hank@globex.example\r\nTo: {ALIAS}@{ALIAS_DOMAIN}" + "\r\n"
            "Subject: wrong charset\r\nMessage-ID: <wrong-cs@globex.example>\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\nna\xefve caf\xe9\r\n"
        ).encode("latin-1")
        ticket = self.assertTicket(raw)
        self.assertIn("caf", ticket.hs_clean_body)

    def test_large_attachment(self):
        msg = make_email("hank@globex.example", "Big file")
        payload = b"\0" * (10 * 1024 * 1024)
        msg.add_attachment(
            payload, maintype="application", subtype="octet-stream", filename="dump.bin"
        )
        ticket = self.assertTicket(msg)
        attachment = self.env["ir.attachment"].search(
            [
                ("res_model", "=", "helpdesk.ticket"),
                ("res_id", "=", ticket.id),
                ("name", "=", "dump.bin"),
            ]
        )
        self.assertEqual(attachment.file_size, len(payload))

    def test_unroutable_email_is_quarantined_not_lost(self):
        raw = bytes(
            make_email("hank@globex.example", "Lost?", to="nobody@elsewhere.example")
        )
        self.assertFalse(self.process(raw))
        record = self.env["hybrid.support.mail.quarantine"].search(
            [("name", "=", "Lost?")]
        )
        self.assertEqual(record.reason, "error")
        self.assertIn("No possible route", record.error)
        self.assertEqual(base64.b64decode(record.raw), raw)
        # Once an alias exists, the quarantined email can be processed again.
        self.team.alias_name = "nobody"
        self.env["mail.alias.domain"].create({"name": "elsewhere.example"})
        self.team.alias_domain_id = self.env["mail.alias.domain"].search(
            [("name", "=", "elsewhere.example")]
        )
        record.action_retry()
        self.assertEqual(record.state, "processed")
        self.assertEqual(self.Ticket.browse(record.thread_id).name, "Lost?")

    def test_garbage_bytes_never_raise(self):
        msg = EmailMessage()
        garbage = b"\xff\xfe\x00not an email at all\r\n\r\n\x00\x01"
        self.assertFalse(self.process(garbage + bytes(msg)))
