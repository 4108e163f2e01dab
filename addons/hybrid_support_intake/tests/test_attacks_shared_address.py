"""A customer who gives their portal user another account's contact's
address must not receive that contact's emails: the gateway, delivering as
the Mail gateway user, keeps them with the address's own account."""

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import IntakeCase, make_email


@tagged("post_install", "-at_install")
class TestSharedAddressAuthor(IntakeCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.mailgate_user = new_test_user(
            cls.env,
            login="hs_mailgate_shared",
            groups="base.group_user,hybrid_support_intake.group_mail_gateway",
        )
        cls.victim_account = Partner.create(
            {
                "name": "Acme Victim",
                "is_company": True,
                "email": "info@acme-victim.example",
            }
        )
        cls.bob = Partner.create(
            {
                "name": "Bob Victim",
                "email": "bob@acme-victim.example",
                "parent_id": cls.victim_account.id,
            }
        )
        cls.attacker_account = Partner.create(
            {"name": "Northwind Attacker", "is_company": True}
        )
        cls.anna = new_test_user(
            cls.env,
            login="hs_shared_anna",
            groups="base.group_portal",
            email="anna@northwind-attacker.example",
        )
        cls.anna.partner_id.parent_id = cls.attacker_account
        # what the attack left before the portal refused it: a contact of
        # the attacker's account, with a portal user, at Bob's address
        cls.impostor = new_test_user(
            cls.env,
            login="hs_shared_impostor",
            groups="base.group_portal",
            email="BOB@Acme-Victim.example",
        )
        cls.impostor.partner_id.parent_id = cls.attacker_account

    def deliver(self, message):
        gateway = self.env["mail.thread"].with_user(self.mailgate_user)
        return self.Ticket.browse(gateway.message_process(False, bytes(message)))

    def assert_attacker_reads_nothing(self, case):
        for user in (self.anna, self.impostor):
            with self.assertRaises(AccessError, msg=user.login):
                case.with_user(user).check_access("read")
            self.assertFalse(
                self.Ticket.with_user(user).search([("id", "=", case.id)]), user.login
            )

    def test_victims_next_email_stays_a_case_of_the_victims_account(self):
        case = self.deliver(
            make_email("Bob <bob@acme-victim.example>", "Our payroll export fails")
        )
        self.assertEqual(case.partner_id, self.bob)
        self.assertEqual(case.commercial_partner_id, self.victim_account)
        self.assertEqual(case.message_ids[-1:].author_id, self.bob)
        self.assert_attacker_reads_nothing(case)

    def test_without_a_domain_owner_the_addresses_first_contact_keeps_it(self):
        self.victim_account.email = False
        case = self.deliver(
            make_email("bob@acme-victim.example", "Invoices are wrong again")
        )
        self.assertEqual(case.partner_id, self.bob)
        self.assert_attacker_reads_nothing(case)

    def test_a_reply_goes_to_the_contact_of_the_case(self):
        case = self.deliver(make_email("bob@acme-victim.example", "VPN down"))
        reply = make_email(
            "bob@acme-victim.example",
            "Re: VPN down",
            headers={"In-Reply-To": case.message_ids[-1:].message_id},
        )
        self.assertEqual(self.deliver(reply), case)
        self.assertEqual(case.message_ids[:1].author_id, self.bob)

    def test_one_account_sharing_an_address_keeps_core_behaviour(self):
        colleague = self.env["res.partner"].create(
            {
                "name": "Front desk",
                "email": "desk@acme-victim.example",
                "parent_id": self.victim_account.id,
            }
        )
        desk_user = new_test_user(
            self.env,
            login="hs_shared_desk",
            groups="base.group_portal",
            email="desk@acme-victim.example",
        )
        desk_user.partner_id.parent_id = self.victim_account
        case = self.deliver(make_email("desk@acme-victim.example", "Printer"))
        # core's preference (the contact with a user), inside one account
        self.assertEqual(case.partner_id, desk_user.partner_id)
        self.assertNotEqual(case.partner_id, colleague)
