"""Guessing a case key: one email tries at most a few keys, and the keys of
our new emails are 50 bits long; the 6-character keys of emails sent before
still thread."""

import random
import string

from odoo.tests import BaseCase, new_test_user, tagged

from ..tools.references import subject_references
from ..tools.sender_trust import (
    MAX_KEYED_TOKENS,
    case_key,
    key_matches,
    subject_readings,
)
from .common import IntakeCase, make_email

ALPHABET = string.ascii_lowercase + "234567"


def wrong_keys(real, count, length=10, seed=16):
    rng = random.Random(seed)
    keys = set()
    while len(keys) < count:
        key = "".join(rng.choice(ALPHABET) for _i in range(length))
        if key != real:
            keys.add(key)
    return sorted(keys)


@tagged("at_install")
class TestCaseKeyTools(BaseCase):
    def test_new_keys_are_fifty_bits_and_legacy_keys_still_verify(self):
        key = case_key("secret", "HT00016")
        self.assertEqual(len(key), 10)
        self.assertTrue(key_matches("secret", "HT00016", key))
        self.assertTrue(key_matches("secret", "HT00016", key[:6]))
        self.assertFalse(key_matches("secret", "HT00016", key[:8]))
        self.assertFalse(key_matches("secret", "HT00016", key[:6] + "aaaa"))

    def test_one_subject_tries_at_most_three_keys(self):
        tokens = [f"HT{n:05d}-{k}" for n, k in enumerate(wrong_keys("", 10))]
        keyed = [reading for reading in subject_readings(tokens) if reading[1]]
        self.assertEqual(len(keyed), MAX_KEYED_TOKENS)
        self.assertEqual([n for n, _k in keyed], ["HT00000", "HT00001", "HT00002"])

    def test_a_case_named_with_two_keys_gets_no_keyed_reading(self):
        real = case_key("secret", "HT00016")
        tokens = [f"HT00016-{real}", f"HT00016-{wrong_keys(real, 1)[0]}"]
        readings = subject_readings(tokens)
        self.assertFalse([r for r in readings if r[1]])
        self.assertIn(("HT00016", ""), readings)  # it still names the case
        # the same key twice, or in its legacy and new lengths, is one key
        tokens = [f"HT00016-{real}", f"HT00016-{real[:6]}", f"HT00016-{real}"]
        self.assertEqual(
            [r for r in subject_readings(tokens) if r[1]],
            [("HT00016", real), ("HT00016", real[:6])],
        )


@tagged("post_install", "-at_install")
class TestCaseKeyFlood(IntakeCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mailgate_user = new_test_user(
            cls.env,
            login="hs_mailgate_flood",
            groups="base.group_user,hybrid_support_intake.group_mail_gateway",
        )
        cls.case = cls.Ticket.create(
            {
                "name": "Contract renewal",
                "description": "<p>Our contract 5512.</p>",
                "partner_id": cls.customer.id,
                "team_id": cls.team.id,
            }
        )
        cls.real = case_key(cls.Ticket._hs_case_key_secret(), cls.case.number)

    def deliver(self, subject, sender="Mallory <mallory@evil.example>"):
        gateway = self.env["mail.thread"].with_user(self.mailgate_user)
        return self.Ticket.browse(
            gateway.message_process(False, bytes(make_email(sender, subject)))
        )

    def test_flood_of_guesses_with_the_real_key_is_not_trusted(self):
        number = self.case.number
        guesses = [f"[{number}-{k}]" for k in wrong_keys(self.real, 1000)]
        for position in (0, 2, 500, 1000):
            with self.subTest(position=position):
                tokens = list(guesses)
                tokens.insert(position, f"[{number}-{self.real}]")
                subject = "Re: " + " ".join(tokens)
                self.assertLessEqual(len(subject), 25000)
                self.assertGreater(len(subject_references(subject)), 900)
                before = len(self.case.message_ids)
                new_case = self.deliver(subject)
                self.assertNotEqual(new_case, self.case)
                self.assertEqual(new_case.sudo().hs_mentioned_case_id, self.case)
                self.assertEqual(len(self.case.message_ids), before)

    def test_our_reference_still_threads_with_new_and_legacy_keys(self):
        for key in (self.real, self.real[:6]):
            with self.subTest(key=key):
                reply = self.deliver(
                    f"Re: [{self.case.number}-{key}] renewal signed",
                    sender="Karen <karen@globex.example>",
                )
                self.assertEqual(reply, self.case)
        self.assertEqual(
            self.case.hs_keyed_reference, f"{self.case.number}-{self.real}"
        )
