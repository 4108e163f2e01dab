from email.message import EmailMessage

from odoo.tests import BaseCase, tagged

from ..tools.body_clean import html_to_text, plain_text_part, split_reply
from ..tools.mail_automation import automation_reason, is_robot_address
from ..tools.references import subject_references, tag_subject


@tagged("post_install", "-at_install")
class TestTools(BaseCase):
    def test_automation_reason(self):
        self.assertIn(
            "auto-replied", automation_reason({"Auto-Submitted": "auto-replied"})
        )
        self.assertEqual(automation_reason({"Auto-Submitted": "no"}), "")
        self.assertIn("bulk", automation_reason({"Precedence": "bulk"}))
        self.assertIn("List-Id", automation_reason({"List-Id": "<l.example>"}))
        self.assertTrue(automation_reason({"From": "MAILER-DAEMON@mx.example"}))
        self.assertTrue(automation_reason({"From": "No-Reply <no-reply@shop.example>"}))
        self.assertEqual(automation_reason({"From": "Ann <ann@corp.example>"}), "")
        self.assertTrue(is_robot_address("postmaster@x.example"))
        self.assertFalse(is_robot_address("replyguy@x.example"))

    def test_subject_references(self):
        self.assertEqual(subject_references("Re: [HT00012] Login"), ["HT00012"])
        self.assertEqual(subject_references("[URGENT] help"), [])
        self.assertEqual(subject_references("[A1] [A1] [B2]"), ["A1", "B2"])
        self.assertEqual(tag_subject("HT1", "Re: [HT1] x"), "Re: [HT1] x")
        self.assertEqual(tag_subject("HT1", "x"), "[HT1] x")

    def test_split_reply(self):
        text = (
            "Thanks, it works.\n\nOn Mon, 1 Feb 2026, Ann <a@b.example> wrote:\n> old"
        )
        kept, elided = split_reply(text)
        self.assertEqual(kept, "Thanks, it works.")
        self.assertIn("> old", elided)
        kept, _elided = split_reply("Fixed.\n\n-- \nAnn\nCEO")
        self.assertEqual(kept, "Fixed.")
        kept, _elided = split_reply("Yes\n\nSent from my iPhone")
        self.assertEqual(kept, "Yes")
        outlook = (
            "See below.\n\nFrom: Ann\nSent: Monday\nTo: Bob\nSubject: x\n\nold text"
        )
        self.assertEqual(split_reply(outlook)[0], "See below.")
        # Nothing but a quote: keep it rather than show an empty case.
        self.assertEqual(split_reply("> only quoted")[0], "> only quoted")

    def test_html_to_text(self):
        text = html_to_text("<p>Hello <b>there</b></p><ul><li>one</li></ul>")
        self.assertIn("Hello there", text)
        self.assertIn("one", text)

    def test_plain_text_part(self):
        msg = EmailMessage()
        msg.set_content("caf\u00e9", charset="iso-8859-1")
        msg.add_alternative("<p>html</p>", subtype="html")
        self.assertEqual(plain_text_part(msg), "caf\u00e9")
