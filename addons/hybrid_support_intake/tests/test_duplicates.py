from odoo.tests import Form, tagged

from .common import IntakeCase, make_email


@tagged("post_install", "-at_install")
class TestProbableDuplicates(IntakeCase):
    BODY = "Our printer shows error E42 since this morning and prints nothing."

    def test_near_identical_email_from_same_account_is_flagged_then_merged(self):
        original = self.email_case("hank@globex.example", "Printer E42", self.BODY)
        colleague = self.env["res.partner"].create(
            {
                "name": "Marge",
                "email": "marge@globex.example",
                "parent_id": self.customer_company.id,
            }
        )
        copy = self.email_case(
            "marge@globex.example", "Printer E42", self.BODY + " Help!"
        )
        self.assertEqual(copy.hs_probable_duplicate_id, original)
        self.assertGreater(copy.hs_probable_duplicate_score, 0.8)
        note = copy.message_ids.filtered(lambda m: "Probable duplicate" in m.body)
        self.assertIn(original.number, note.body)
        # merging keeps every message and follower on the original
        watcher = self.env["res.partner"].create(
            {
                "name": "Watcher",
                "email": "w@globex.example",
                "parent_id": self.customer_company.id,
            }
        )
        copy.message_subscribe(partner_ids=watcher.ids)
        copy_messages = copy.message_ids.filtered(
            lambda m: m.message_type != "notification"
        )
        action = copy.action_merge_into_probable_duplicate()
        wizard = Form(
            self.env[action["res_model"]].with_context(**action["context"])
        ).save()
        self.assertEqual(wizard.dst_ticket_id, original)
        wizard.merge_tickets()
        self.assertFalse(copy.active)
        self.assertTrue(set(copy_messages.ids) <= set(original.message_ids.ids))
        self.assertIn(watcher, original.message_partner_ids)
        self.assertIn(colleague, original.message_partner_ids, "the requester follows")

    def test_other_account_or_different_text_is_not_flagged(self):
        self.process(make_email("hank@globex.example", "Printer E42", self.BODY))
        stranger = self.email_case("zed@initech.example", "Printer E42", self.BODY)
        different = self.email_case(
            "hank@globex.example", "Invoice", "Please send the May invoice."
        )
        self.assertFalse(stranger.hs_probable_duplicate_id)
        self.assertFalse(different.hs_probable_duplicate_id)

    def test_window_zero_switches_the_check_off(self):
        self.env.company.hs_duplicate_window_hours = 0
        self.process(make_email("hank@globex.example", "Printer E42", self.BODY))
        again = self.email_case("hank@globex.example", "Printer E42", self.BODY)
        self.assertFalse(again.hs_probable_duplicate_id)
