from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import IntakeCase


@tagged("post_install", "-at_install")
class TestStructuredFields(IntakeCase):
    def test_phone_numbers_from_signature_in_e164_with_contact_country(self):
        self.customer_company.country_id = self.env.ref("base.uk")
        body = (
            "My parcel has not arrived.\n\n-- \nHank Scorpio\nTel. 020 7946 0018\n"
            "\nOn Mon, 2 Nov 2026 at 09:30, Support <help@ourdesk.example> wrote:\n"
            "> Call us on +1 650-253-0000"
        )
        ticket = self.email_case("hank@globex.example", "Parcel", body)
        # the number quoted from our own earlier answer is not the customer's
        self.assertEqual(ticket.hs_phone_numbers, "+442079460018")

    def test_references_are_recorded_and_linked_to_the_customer_case(self):
        earlier = self.Ticket.create(
            {
                "name": "Earlier",
                "description": "x",
                "partner_id": self.customer.id,
            }
        )
        stranger = self.env["res.partner"].create({"name": "Stranger"})
        foreign = self.Ticket.create(
            {"name": "Not theirs", "description": "x", "partner_id": stranger.id}
        )
        body = (
            f"See invoice INV/2026/00042 and order S00042, like in {earlier.number} "
            f"and {foreign.number}. My account number: AC-99812."
        )
        ticket = self.email_case("hank@globex.example", "Charged twice", body)
        found = {(r.kind, r.value): r for r in ticket.hs_reference_ids}
        self.assertEqual(
            set(found),
            {
                ("invoice", "INV/2026/00042"),
                ("order", "S00042"),
                ("case", earlier.number),
                ("case", foreign.number),
                ("account", "AC-99812"),
            },
        )
        self.assertEqual(found[("case", earlier.number)].record_ref, earlier)
        self.assertFalse(
            found[("case", foreign.number)].res_id,
            "another customer's case is recorded but never linked",
        )
        # running the enrichment again adds nothing twice
        ticket._hs_enrich(None)
        self.assertEqual(len(ticket.hs_reference_ids), 5)

    def test_invalid_reference_pattern_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "not a valid regular expression"):
            self.env["hybrid.support.reference.pattern"].create(
                {"name": "Broken", "kind": "other", "pattern": "S(\\d+"}
            )
        with self.assertRaisesRegex(ValidationError, "empty"):
            self.env["hybrid.support.reference.pattern"].create(
                {"name": "Everything", "kind": "other", "pattern": "\\d*"}
            )

    def test_vip_by_company_tag_or_domain(self):
        tag = self.env["res.partner.category"].create({"name": "Key account"})
        self.env.company.hs_vip_category_ids = tag
        self.env.company.hs_vip_domains = "initech.example, @bigco.example"
        self.customer_company.category_id = tag
        by_tag = self.email_case("hank@globex.example", "VIP by tag")
        by_domain = self.email_case("ann@bigco.example", "VIP by domain")
        plain = self.email_case("joe@elsewhere.example", "Not VIP")
        self.assertEqual(
            [by_tag.hs_is_vip, by_domain.hs_is_vip, plain.hs_is_vip],
            [True, True, False],
        )

    def test_a_learnt_signature_leaves_the_clean_text(self):
        signature = "Hank Scorpio\nGlobex Corporation\nVP Operations"
        for subject, text in (
            ("Printer", "My printer jams."),
            ("Invoice", "Wrong VAT."),
        ):
            self.email_case(
                "hank@globex.example", subject, f"Hello,\n{text}\n\n{signature}"
            )
        self.customer._hs_learn_signatures()  # what the nightly job does
        self.assertEqual(self.customer.hs_signature, signature)
        ticket = self.email_case(
            "hank@globex.example", "Login", f"Login fails since today.\n\n{signature}"
        )
        self.assertEqual(ticket.hs_clean_body.strip(), "Login fails since today.")
        self.assertIn(
            "VP Operations", ticket.hs_writer_text, "kept where phones are read"
        )
