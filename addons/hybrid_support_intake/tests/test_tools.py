import ast
from email.message import EmailMessage
from pathlib import Path

from odoo.tests import BaseCase, tagged

from ..tools.body_clean import html_to_text, plain_text_part, split_reply
from ..tools.mail_automation import automation_reason, is_robot_address
from ..tools.phones import WINDOW, find_phone_numbers, may_hold_phone_number
from ..tools.references import subject_references, tag_subject
from ..tools.signature import learn_signature, strip_signature


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

    def test_split_reply_is_not_fooled_by_sentences(self):
        for text in (
            "As I wrote: the app crashes on start.\n\nThanks",
            "Call me at 555 1234, I wrote that before:\nthe export fails",
            "Agenda:\n---\nnothing",
        ):
            self.assertIn(text.split("\n")[0], split_reply(text)[0])
        self.assertEqual(
            split_reply("As I wrote: it fails.")[0], "As I wrote: it fails."
        )

    def test_split_reply_reads_long_lines_in_one_pass(self):
        # a pasted log or an HTML paragraph is one long line; the reply-header
        # patterns took seconds on 10,000 characters (backtracking)
        log = "ERROR 500 at 12:04 on order S00042 while I wrote: " * 2000
        blob = "QUJD" * 25000  # base64 without spaces
        header = "On Mon, 2 Nov 2026, Ann <ann@acme.example> wrote:"
        # runs of spaces that a pattern could split many ways (8 s a line)
        spaced = (
            f"{' ' * 900}b\nOn 1 Jan wrote:{' ' * 900}x\nFrom{' ' * 900}*{' ' * 90}"
        )
        text = f"{spaced}\n{log}\n{blob}\n{'x ' * 450}done.\n\n{header}\n> old"
        kept, elided = split_reply(text)
        self.assertEqual(kept, text.split(f"\n\n{header}", maxsplit=1)[0])
        self.assertEqual(elided, f"{header}\n> old")

    def test_phone_numbers_of_a_long_text_from_its_opening_and_signature(self):
        log = "GET /api/orders 200 0.042s\n" * (WINDOW // 10)
        text = (
            f"Call me on +44 20 7946 0018.\n{log}"
            "Also +44 20 7946 0999 in the log\n"
            f"{log}Ann\nTel +33 1 42 68 53 00"
        )
        # the middle of a pasted log is not read; its opening and end are
        self.assertEqual(
            find_phone_numbers(text, "GB"), ["+442079460018", "+33142685300"]
        )
        self.assertEqual(
            find_phone_numbers("+44 20 7946 0999", "GB"), ["+442079460999"]
        )

    def test_a_text_without_two_digits_holds_no_phone_number(self):
        for text in ("", "Hi,\nI cannot log in.", "Call 1-FLOWERS", "Room 5"):
            self.assertFalse(may_hold_phone_number(text))
            for region in ("GB", "US", "FR", None):
                self.assertEqual(find_phone_numbers(text, region), [])
        for text in ("+44 20 7946 0018", "1-800-FLOWERS", "\uff10\uff12 x", "4 and 2"):
            self.assertTrue(may_hold_phone_number(text))
        # linear on hostile input: one digit then a megabyte without another
        self.assertFalse(may_hold_phone_number("1" + "x" * 1_000_000))

    def test_split_reply_languages_and_layouts(self):
        cases = {
            "Danke!\n\nAm 03.02.2016 3:35 nachm. schrieb Max <m@x.example>:\n> alt": "Danke!",
            "Merci\n\nLe 3 mai 2026 à 10:00, Ann <a@x.example> a écrit :\n> old": "Merci",
            'Tak\n\n23 mar 2017 21:25 "Neil" <n@x.example> napisał(a):\n> old': "Tak",
            "谢谢\n\n在 2016年12月12日，Ann <a@x.example> 写道：\n> old": "谢谢",
            "Fine\n\n-----Original Message-----\nFrom: Ann\nSent: Monday": "Fine",
            "See below\n\nFrom: Ann <a@x.example>\nDate: Mon, 2 Feb\nSubject: x\n\nold": "See below",
        }
        for text, expected in cases.items():
            self.assertEqual(split_reply(text)[0], expected, text)

    def test_split_reply_bottom_posting_and_interleaved(self):
        bottom = "On Mon, 2 Feb 2026 at 10:00, Ann <a@x.example> wrote:\n> question\n\nmy answer"
        self.assertEqual(split_reply(bottom)[0], "my answer")
        inline = (
            "Intro\nOn 2 Feb 2026, Ann <a@x.example> wrote:\n> first question\n\n"
            "first answer\n> second question\n\nsecond answer"
        )
        kept = split_reply(inline)[0]
        self.assertIn("> first question", kept)
        self.assertIn("second answer", kept)
        self.assertNotIn("wrote:", kept)

    def test_split_reply_keeps_text_around_rules_of_symbols(self):
        # a rule inside the message separates the customer's text (kilobytes
        # of it were lost); it ends the message before a header or a signature
        text = (
            "Here is the export you asked for:\n\nOrder  Qty\n----------\nS0042  3\n\n"
            "====\n\nThe second file is attached too, please check it.\n\n"
            "____\n\nIt failed again this morning at 9:12.\nAnn"
        )
        self.assertEqual(split_reply(text)[0], text)
        signed = "It works now.\n\n________\nAnn Smith\nAcme Ltd\n+44 20 7946 0018"
        self.assertEqual(split_reply(signed)[0], "It works now.")
        outlook = (
            "Fine.\n________________________________\nFrom: Bob <b@x.example>\n"
            "Sent: Monday\nTo: Ann\nSubject: x\n\nold"
        )
        self.assertEqual(split_reply(outlook)[0], "Fine.")

    def test_split_reply_keeps_the_lines_above_a_reply_header(self):
        for above in ("Call me on 070-123 45 67", "Order S00042", "12 Rue de la Paix"):
            text = (
                f"Hello,\nthe invoice is wrong.\n\nAnn\n{above}\n\n\n"
                "ons 4 dec. 2024 kl. 20:42 skrev Bob <bob@x.example>:\n\n> old"
            )
            self.assertEqual(
                split_reply(text)[0], f"Hello,\nthe invoice is wrong.\n\nAnn\n{above}"
            )
        wrapped = (
            "Thanks\n\nOn Nov 21, 2014,\nat 10:18,\nAnn <a@x.example> wrote:\n> old"
        )
        self.assertEqual(split_reply(wrapped)[0], "Thanks")

    def test_split_reply_keeps_sentences_about_sending(self):
        text = "Here is the log.\n\nSent from my desk, the mobile app cannot attach it."
        self.assertEqual(split_reply(text)[0], text)
        middle = "Sent from my iPhone\nthe photo does not upload.\n\nAnn"
        self.assertEqual(split_reply(middle)[0], middle)
        self.assertEqual(split_reply("Yes\n\nSent from my Galaxy")[0], "Yes")

    def test_split_reply_same_line_as_the_header(self):
        for text, expected in {
            "Thanks! On Mon, 2 Feb 2026 at 10:00, Ann <a@x.example> wrote:\n> q": "Thanks!",
            "reply--- On Wed, Apr 4, 2012 at 3:59 PM, a@x.example wrote:\n> Hi": "reply",
        }.items():
            self.assertEqual(split_reply(text)[0], expected)

    def test_split_reply_header_forms(self):
        cases = {
            "Ok\n\n---- Ann Smith wrote ----\n\n> old": "Ok",
            "Ok\n\n-----Reply Message-----\n\nold": "Ok",
            "Ok\n\n-----Antwort Nachricht-----\n\nalt": "Ok",
            "Ok\n\n-----Oprindelig meddelelse-----\nFra: Ann\n\ngammel": "Ok",
            "Ok\n\nThu, 26 Jun 2014 14:00:51 +0400 от Ann <a@x.example>:\n\n> old": "Ok",
            "Ok\n\n2022年1月1日(金) 9:00 田中太郎 <t@x.example>:\n> old": "Ok",
            "Ok\n\nOn 11-Apr-2011, at 6:54 PM, Ann <a@x.example> sent:\n\n> old": "Ok",
            "Ok\n\n----- Forwarded by Ann Smith/Acme on 01/02/2003 10:00 AM -----\nold": "Ok",
            # Lotus Notes reply block, Outlook with Sent: first
            "Ok\n\nTo: Bob\ncc: Carl\nSubject: Re: order\n\nold": "Ok",
            "Ok\n\nSent: Monday\nTo: Bob\nSubject: order\n\nold": "Ok",
        }
        for text, expected in cases.items():
            self.assertEqual(split_reply(text)[0], expected, text)

    def test_split_reply_wrapped_lines_inside_a_quote(self):
        text = (
            "Blah\n\nOn Monday, 24 September, 2012 at 3:46 PM, bob wrote:\n\n"
            "> [Ticket #50] test\n>\n> View ticket (http://example.com/action\n"
            "_nonce=3dd518)\n>\n"
        )
        self.assertEqual(split_reply(text)[0], "Blah")
        interleaved = "> Which order?\n\nS00042\n\n> When?\n\nYesterday"
        self.assertIn("Yesterday", split_reply(interleaved)[0])

    def test_html_and_plain_text_give_the_same_clean_text(self):
        plain = (
            "Hello, the export fails.\n\nAnn\n\n-----Original Message-----\n"
            "From: Bob\nSent: Monday\nTo: Ann\nSubject: x\n\nold"
        )
        html = (
            "<div>Hello, the export fails.</div><div><br></div><div>Ann</div>"
            "<div>-----Original Message-----<br>From: Bob<br>Sent: Monday<br>"
            "To: Ann<br>Subject: x</div><p>old</p>"
        )
        self.assertEqual(split_reply(html_to_text(html))[0], split_reply(plain)[0])
        gmail = (
            "<div>Thanks, it works.</div><br><div class=gmail_quote>On Mon, 2 Feb 2026 "
            'at 10:00, Ann &lt;<a href="mailto:a@x.example">a@x.example</a>&gt; wrote:'
            "<blockquote>old</blockquote></div>"
        )
        self.assertNotIn("](mailto:", html_to_text(gmail))
        self.assertEqual(split_reply(html_to_text(gmail))[0], "Thanks, it works.")
        hotmail = (
            "<p>Fine.</p><hr><p>Date: Mon<br>From: a@x.example<br>To: b</p><p>old</p>"
        )
        self.assertNotIn("* * *", html_to_text(hotmail))
        self.assertEqual(split_reply(html_to_text(hotmail))[0], "Fine.")

    def test_html_to_text(self):
        text = html_to_text("<p>Hello <b>there</b></p><ul><li>one</li></ul>")
        self.assertIn("Hello there", text)
        self.assertIn("one", text)

    def test_plain_text_part(self):
        msg = EmailMessage()
        msg.set_content("caf\u00e9", charset="iso-8859-1")
        msg.add_alternative("<p>html</p>", subtype="html")
        self.assertEqual(plain_text_part(msg), "caf\u00e9")


@tagged("at_install")
class TestSignature(BaseCase):
    SIGNATURE = "Hank Scorpio\nGlobex Corporation\nVP Operations"

    def test_learnt_from_the_shared_last_lines(self):
        texts = [
            f"Any news?\n{self.SIGNATURE}",
            f"Hello\nInvoice is wrong.\n{self.SIGNATURE}",
            f"Hi,\nmy printer is broken.\n\n{self.SIGNATURE}",
        ]
        self.assertEqual(learn_signature(texts), self.SIGNATURE)
        self.assertEqual(learn_signature(texts[:1]), "", "one message proves nothing")
        self.assertEqual(learn_signature(["one\ntwo", "three\nfour"]), "")
        self.assertEqual(
            learn_signature(["Any news?", "Any news?"]), "", "not a whole message"
        )

    def test_stripped_only_at_the_end_and_never_to_nothing(self):
        text = f"Login fails.\n\n{self.SIGNATURE}\n"
        self.assertEqual(strip_signature(text, self.SIGNATURE), "Login fails.")
        middle = "Hank Scorpio here.\nLogin fails.\nThanks"
        self.assertEqual(strip_signature(middle, self.SIGNATURE), middle)
        only = "Hank Scorpio\nGlobex Corporation"
        self.assertEqual(strip_signature(only, self.SIGNATURE), only)
        self.assertEqual(strip_signature(text, ""), text)


@tagged("at_install")
class TestNoScikitLearnAtImport(BaseCase):
    """Intake installs without scikit-learn: no module of the addon imports it
    when loaded (``tools/similarity.rank``, called by ai, imports it inside)."""

    def test_no_module_level_sklearn_import(self):
        root = Path(__file__).resolve().parent.parent
        offenders = []
        for path in root.rglob("*.py"):
            if "tests" in path.relative_to(root).parts:
                continue
            for node in ast.parse(path.read_text()).body:
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom):
                    names = [node.module or ""]
                else:
                    continue
                if any(name.split(".")[0] == "sklearn" for name in names):
                    offenders.append(str(path.relative_to(root)))
        self.assertEqual(offenders, [])
        manifest = ast.literal_eval((root / "__manifest__.py").read_text())
        self.assertNotIn("scikit-learn", manifest["external_dependencies"]["python"])
