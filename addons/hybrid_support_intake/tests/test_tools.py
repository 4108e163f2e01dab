from email.message import EmailMessage

from odoo.tests import BaseCase, tagged

from ..tools.body_clean import html_to_text, plain_text_part, split_reply
from ..tools.mail_automation import automation_reason, is_robot_address
from ..tools.phones import WINDOW, find_phone_numbers
from ..tools.references import subject_references, tag_subject
from ..tools.signature import learn_signature, strip_signature
from ..tools.similarity import rank


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

    def test_html_to_text(self):
        text = html_to_text("<p>Hello <b>there</b></p><ul><li>one</li></ul>")
        self.assertIn("Hello there", text)
        self.assertIn("one", text)

    def test_plain_text_part(self):
        msg = EmailMessage()
        msg.set_content("caf\u00e9", charset="iso-8859-1")
        msg.add_alternative("<p>html</p>", subtype="html")
        self.assertEqual(plain_text_part(msg), "caf\u00e9")


class TestRank(BaseCase):
    def test_rank_orders_by_closeness_and_drops_unrelated(self):
        docs = [
            (1, "reset password login locked account"),
            (2, "refund invoice charged twice"),
            (3, "password expired, how to reset it"),
        ]
        ranked = rank("I forgot my password and cannot login", docs)
        self.assertEqual([key for key, _score in ranked], [1, 3])
        self.assertGreater(ranked[0][1], ranked[1][1])
        self.assertEqual(rank("nothing relevant here", docs), [])
        self.assertEqual(rank("", docs), [])
        self.assertEqual(rank("of the", [(1, "of the")]), [(1, 1.0)])
        self.assertEqual(rank("password", docs, minimum=0.9), [])


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
