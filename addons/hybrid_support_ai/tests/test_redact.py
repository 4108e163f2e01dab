import time

from odoo.tests import BaseCase, tagged

from ..tools.redact import redact

REPLY = """Hello Alice,

Your temporary password is Tmp-9QzX!77 and your PIN: 4821. Password: hunter2
Reset it at https://acme.example/reset?token=Zk81xQ0pL9&uid=77 (or www.acme.example/r/9f8e7d).
We wrote to alice.liddell+billing@acme-corp.co.uk and will call +44 20 7946 0958,
(415) 555-0133 or 415-555-0199.
We refunded card 4111 1111 1111 1111 (the other one, 5500-0000-0000-0004, ends in 4242)
to IBAN GB82 WEST 1234 5698 7654 32; DE89370400440532013000 was closed.
The courier goes to 742 Evergreen Terrace, Springfield, then 221B Baker Street,
London NW1 6XE, and 1600 Pennsylvania Avenue NW, Washington, DC 20500.
Apt 4B. Shipping address: 10 Downing St, London SW1A 2AA
Order SO12345, invoice INV/2026/0001, case #98765, parcel 1Z999AA10123456784.
Mr. Burns and Dr Hibbert agreed with Alice Liddell of Acme Corp.
To reset your password, click 'Forgot password': a link arrives within 2 days.
"""
SECRETS = [
    "Tmp-9QzX!77",
    "4821",
    "hunter2",
    "Zk81xQ0pL9",
    "acme.example",
    "9f8e7d",
    "alice.liddell",
    "acme-corp",
    "7946",
    "0958",
    "555-0133",
    "555-0199",
    "4111",
    "5500",
    "4242",
    "GB82",
    "WEST 1234",
    "DE89",
    "Evergreen",
    "Springfield",
    "Baker",
    "NW1 6XE",
    "Pennsylvania",
    "20500",
    "Apt 4B",
    "Downing",
    "SW1A",
    "SO12345",
    "INV/2026",
    "98765",
    "1Z999",
    "Burns",
    "Hibbert",
    "Alice",
    "Liddell",
    "Acme",
]


@tagged("at_install")
class TestRedact(BaseCase):
    def test_every_identifying_detail_is_removed(self):
        text = redact(REPLY, names=["Alice Liddell", "Acme Corp"])
        for secret in SECRETS:
            self.assertNotIn(secret.lower(), text.lower(), f"{secret!r} left in")

    def test_the_advice_stays(self):
        text = redact(REPLY, names=["Alice Liddell", "Acme Corp"])
        self.assertIn("Your temporary password is [secret]", text)
        self.assertIn("call [phone]", text)
        self.assertIn("refunded card [number]", text)
        self.assertIn("IBAN [account number]", text)
        self.assertIn("Shipping address: [address]", text)
        self.assertIn("Order [reference], invoice [reference]", text)
        self.assertIn("Reset it at [link]", text)
        self.assertIn(
            "To reset your password, click 'Forgot password': a link arrives "
            "within 2 days.",
            text,
        )
        self.assertTrue(text.startswith("Hello [name],"))

    def test_secret_forms(self):
        for said, kept in (
            ("password: s3cr3t!", "password: [secret]"),
            ("Password = s3cr3t", "Password = [secret]"),
            ("your temporary password is Blue-Horse-7", "password is [secret]"),
            ("the new passcode was: 000111", "passcode was: [secret]"),
            ("API key: sk-live-abcdef", "API key: [secret]"),
            ("verification code is 552211", "code is [secret]"),
        ):
            with self.subTest(said=said):
                self.assertIn(kept, redact(said))
        self.assertEqual(redact("I forgot my password."), "I forgot my password.")

    def test_phone_and_card_forms(self):
        for number in (
            "+44 20 7946 0958",
            "+44 (0)20 7946 0958",
            "+1 415 555 0133",
            "+1-415-555-0133",
            "(415) 555-0133",
            "415.555.0133",
            "4111 1111 1111 1111",
            "4111-1111-1111-1111",
            "4111111111111111",
        ):
            with self.subTest(number=number):
                text = redact(f"call or pay with {number} today")
                self.assertFalse(any(c.isdigit() for c in text), text)

    def test_linear_on_hostile_text(self):
        for hostile in (
            "a" * 100000,
            "password is" + " " * 100000,
            "password:" + " \t" * 50000 + "\n",
            "1 " * 50000,
            "a@" * 50000,
            "a/" * 50000 + "1",
            "address:" + " " * 100000,
            "apt" + " " * 100000,
            "+4" * 50000,
            "12 " + "Abc " * 25000,
            "a1-" * 35000,
            "Mr " * 35000,
        ):
            started = time.monotonic()
            redact(hostile)
            self.assertLess(time.monotonic() - started, 0.5, hostile[:20])
