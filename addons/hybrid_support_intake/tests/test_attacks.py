"""Attacks on the mail gateway and on what it stores, performed as the
attacker: forged emails through the real gateway delivered as the users that
really deliver mail, portal users over JSON-RPC with a real session, agents
who may read their own cases only."""

from datetime import timedelta

from odoo import SUPERUSER_ID, fields
from odoo.exceptions import AccessError
from odoo.tests import BaseCase, HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from ..tools.ack_text import quotable
from ..tools.domains import email_domain, normalize_domain, parent_domains
from ..tools.sender_trust import (
    case_key,
    dmarc_verdict,
    key_matches,
    keyed_reference,
    reference_readings,
)
from .common import ALIAS, ALIAS_DOMAIN, IntakeCase, make_email


@tagged("at_install")
class TestTrustTools(BaseCase):
    """The pure functions under the gateway's identity decisions."""

    def test_domains_compare_as_host_names(self):
        self.assertEqual(normalize_domain("Bücher.Example."), "xn--bcher-kva.example")
        self.assertEqual(email_domain("x@ACME.com"), "acme.com")
        for hostile in (
            "%",
            "_",
            "acme.%",
            "northwind",
            "a@b@%",
            "acme..com",
            "1.2.3.4",
        ):
            self.assertEqual(email_domain(f"x@{hostile}"), "", hostile)
        self.assertEqual(
            parent_domains("eu.mail.acme.com"),
            ["eu.mail.acme.com", "mail.acme.com", "acme.com"],
        )

    def test_case_key_is_keyed_and_read_back(self):
        reference = keyed_reference("secret", "HT00012")
        number, key = reference_readings(reference)[1]
        self.assertEqual(number, "HT00012")
        self.assertTrue(key_matches("secret", "HT00012", key))
        self.assertFalse(key_matches("other secret", "HT00012", key))
        self.assertNotEqual(case_key("secret", "HT00013"), key)
        # a number that itself ends like a key is read both ways
        self.assertIn(("HT-202601", ""), reference_readings("HT-202601"))

    def test_dmarc_verdict_only_for_the_from_domain(self):
        header = (
            "mx.ourdesk.example; spf=pass; dmarc=pass (p=reject) header.from=acme.com"
        )
        self.assertEqual(dmarc_verdict(header, "acme.com"), "pass")
        self.assertEqual(dmarc_verdict(header, "evil.example"), "")
        self.assertEqual(
            dmarc_verdict("mx; dmarc=fail header.from=a.com", "a.com"), "fail"
        )
        self.assertEqual(dmarc_verdict("dmarc" + " " * 200000, "a.com"), "")

    def test_quotable_text_carries_no_link(self):
        for hostile in (
            "Verify now at http://evil.example/login",
            "Go to paypal.com.evil.example quickly",
            "www.evil.example",
            "mail security@evil.example now",
            "x" * 5000,
        ):
            quoted = quotable(hostile)
            self.assertNotIn("evil", quoted)
            self.assertLessEqual(len(quoted), 80)
        self.assertEqual(
            quotable("Cannot log in, version 1.5"), "Cannot log in, version 1.5"
        )


@tagged("post_install", "-at_install")
class TestAttacksGateway(IntakeCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.hs_ack_enabled = True
        # who delivers mail in production: odoo-mailgate.py's -u user (an
        # internal user of the Mail gateway group) and fetchmail's scheduler
        cls.mailgate_user = new_test_user(
            cls.env,
            login="hs_mailgate",
            groups="base.group_user,hybrid_support_intake.group_mail_gateway",
        )
        cls.cron_user = cls.env["res.users"].browse(SUPERUSER_ID)
        cls.attacker = new_test_user(
            cls.env,
            login="hs_attacker",
            groups="base.group_portal",
            email="mallory@evil.example",
        )
        cls.case = cls.Ticket.create(
            {
                "name": "Refund for order 4411",
                "description": "My card 4111 1111 1111 1111 was charged twice.",
                "partner_id": cls.customer.id,
                "team_id": cls.team.id,
            }
        )
        cls.case.message_subscribe(partner_ids=cls.agent.partner_id.ids)
        cls.team.hs_assign_method = "round_robin"

    def deliver(self, message, user=None):
        """The gateway as ``user`` delivers it (the mailgate user by default)."""
        gateway = self.env["mail.thread"].with_user(user or self.mailgate_user)
        result = gateway.message_process(False, bytes(message))
        self.Ticket._hs_send_pending_acknowledgements()
        return result

    def assert_cannot_read(self, user, record):
        with self.assertRaises(AccessError):
            record.with_user(user).check_access("read")

    # 1. case takeover by subject reference --------------------------------

    def test_subject_reference_from_same_domain_stranger_opens_new_linked_case(self):
        before = len(self.case.message_ids)
        result = self.deliver(
            make_email(
                "Anyone <anything@globex.example>",
                f"Re: [{self.case.number}] please add my colleague",
                headers={"Cc": "mallory@evil.example"},
            )
        )
        self.assertNotEqual(result, self.case.id)
        self.assertEqual(len(self.case.message_ids), before)
        new_case = self.Ticket.browse(result)
        self.assertEqual(new_case.hs_mentioned_case_id, self.case)
        self.assertNotIn(self.attacker.partner_id, self.case.message_partner_ids)
        self.assertNotIn(self.attacker.partner_id, new_case.message_partner_ids)
        self.assert_cannot_read(self.attacker, self.case)

    def test_requester_reply_by_subject_threads_but_never_subscribes_cc(self):
        result = self.deliver(
            make_email(
                "Hank Scorpio <hank@globex.example>",
                f"Re: [{self.case.number}] more details",
                headers={"Cc": "Mallory <mallory@evil.example>"},
            )
        )
        self.assertEqual(result, self.case.id)
        self.assertNotIn(self.attacker.partner_id, self.case.message_partner_ids)
        self.assertIn("mallory@evil.example", self.case.email_cc)  # for the agent
        self.assert_cannot_read(self.attacker, self.case)

    def test_new_case_never_subscribes_cc_partners(self):
        case = self.Ticket.browse(
            self.deliver(
                make_email(
                    "Hank Scorpio <hank@globex.example>",
                    "New printer broken",
                    headers={"Cc": "mallory@evil.example"},
                )
            )
        )
        self.assertTrue(case)
        self.assertNotIn(self.attacker.partner_id, case.message_partner_ids)
        self.assert_cannot_read(self.attacker, case)

    def test_keyed_reference_threads_for_a_colleague_not_yet_following(self):
        colleague = self.env["res.partner"].create(
            {
                "name": "Karen",
                "email": "karen@globex.example",
                "parent_id": self.customer_company.id,
            }
        )
        result = self.deliver(
            make_email(
                "Karen <karen@globex.example>",
                f"Re: [{self.case.hs_keyed_reference}] I can confirm",
            )
        )
        self.assertEqual(result, self.case.id)
        self.assertNotIn(colleague, self.case.message_partner_ids)
        # a wrong key is no key
        forged = self.case.hs_keyed_reference[:-1] + (
            "a" if not self.case.hs_keyed_reference.endswith("a") else "b"
        )
        result = self.deliver(
            make_email("Karen <karen@globex.example>", f"Re: [{forged}] again")
        )
        self.assertNotEqual(result, self.case.id)

    def test_dmarc_pass_vouches_for_colleagues_only_when_trusted(self):
        self.env["res.partner"].create(
            {
                "name": "Karen",
                "email": "karen@globex.example",
                "parent_id": self.customer_company.id,
            }
        )
        headers = {
            "Authentication-Results": "mx.ourdesk.example; dmarc=pass "
            "header.from=globex.example"
        }
        subject = f"Re: [{self.case.number}] also affected"
        result = self.deliver(
            make_email("karen@globex.example", subject, headers=headers)
        )
        self.assertNotEqual(result, self.case.id)  # header not trusted: ignored
        self.company.hs_trust_authentication_results = True
        result = self.deliver(
            make_email("karen@globex.example", subject, headers=headers)
        )
        self.assertEqual(result, self.case.id)

    # 1. an agent's address in From --------------------------------------

    def test_forged_agent_address_never_posts_as_the_agent(self):
        result = self.deliver(
            make_email(
                "Help Agent <agent@ourdesk.example>",
                f"Re: [{self.case.number}] Please confirm your card number",
                body="Reply with your full card number and CVV.",
            )
        )
        self.assertEqual(result, self.case.id)  # the agent follows the case
        posted = self.case.message_ids.filtered(lambda m: "CVV" in (m.body or ""))
        self.assertTrue(posted)
        self.assertFalse(posted.author_id & self.agent.partner_id)
        self.assertIn("agent@ourdesk.example", posted.email_from)

    def test_agent_replying_to_our_message_still_posts_as_the_agent(self):
        ours = self.case.message_post(
            body="We are looking into it.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        result = self.deliver(
            make_email(
                "agent@ourdesk.example",
                "Re: looking into it",
                body="Found the double charge, refund on its way.",
                headers={"In-Reply-To": ours.message_id, "References": ours.message_id},
            )
        )
        self.assertEqual(result, self.case.id)
        posted = self.case.message_ids.filtered(lambda m: "refund on" in (m.body or ""))
        self.assertEqual(posted.author_id, self.agent.partner_id)

    # 2. look-alike domains ------------------------------------------------

    def test_lookalike_domains_never_join_the_real_company(self):
        acme = self.env["res.partner"].create(
            {
                "name": "Acme",
                "is_company": True,
                "email": "contact@acme.com",
                "website": "https://www.acme.com/contact",
            }
        )
        books = self.env["res.partner"].create(
            {"name": "Bücher", "is_company": True, "website": "bücher.example"}
        )
        Partner = self.env["res.partner"]
        for stranger in (
            "x@acme.co",
            "x@acme.com.au",
            "x@acme",
            "x@%",
            "x@_cme.com",
            "x@acme.co%",
            "x@notacme.com",
        ):
            self.assertFalse(
                Partner._hs_company_for_domain(stranger.rpartition("@")[2]), stranger
            )
        for member in ("acme.com", "ACME.com", "eu.acme.com"):
            self.assertEqual(Partner._hs_company_for_domain(member), acme, member)
        self.assertEqual(Partner._hs_company_for_domain("xn--bcher-kva.example"), books)
        self.assertEqual(Partner._hs_company_for_domain("bücher.example"), books)
        case = self.Ticket.browse(
            self.deliver(make_email("spoof@acme.co", "Invoice question"))
        )
        self.assertNotEqual(case.partner_id.commercial_partner_id, acme)
        case = self.Ticket.browse(self.deliver(make_email("new@acme.com", "Hello")))
        self.assertEqual(case.partner_id.commercial_partner_id, acme)

    # 10. the acknowledgement as a phishing relay ------------------------

    def test_acknowledgement_never_echoes_links(self):
        case = self.Ticket.browse(
            self.deliver(
                make_email(
                    '"Security team www.evil.example" <victim@victim.example>',
                    "Your account is locked: verify now at http://evil.example/login",
                )
            )
        )
        ack = self.acks(case)
        self.assertEqual(len(ack), 1)
        self.assertNotIn("evil", ack.subject)
        self.assertNotIn("evil", ack.body)
        self.assertIn(case.hs_keyed_reference, ack.subject)

    def test_acknowledgements_capped_per_hour_for_all_senders(self):
        already = self.Ticket.search_count(
            [
                ("hs_ack_sent", "=", True),
                ("company_id", "=", self.company.id),
                ("create_date", ">=", fields.Datetime.now() - timedelta(hours=1)),
            ]
        )
        self.company.hs_ack_global_rate_limit = already + 2
        cases = self.Ticket.browse(
            [
                self.deliver(make_email(f"victim{i}@victim{i}.example", f"Hello {i}"))
                for i in range(4)
            ]
        )
        self.assertEqual(sum(len(self.acks(c)) for c in cases), 2)

    def test_first_time_senders_acknowledged_only_when_authenticated(self):
        self.company.write(
            {
                "hs_ack_first_time_authenticated": True,
                "hs_trust_authentication_results": True,
            }
        )
        stranger = self.Ticket.browse(
            self.deliver(make_email("victim@victim.example", "Hello"))
        )
        self.assertFalse(self.acks(stranger))
        header = {"Authentication-Results": "mx; dmarc=pass header.from=real.example"}
        vouched = self.Ticket.browse(
            self.deliver(make_email("new@real.example", "Hello", headers=header))
        )
        self.assertEqual(len(self.acks(vouched)), 1)
        known = self.Ticket.browse(
            self.deliver(make_email("hank@globex.example", "Another question"))
        )
        self.assertEqual(len(self.acks(known)), 1)  # Hank has a case already

    # 13.1: each delivery path as its own user --------------------------

    def test_each_delivery_path_makes_a_routed_case(self):
        for user in (self.mailgate_user, self.cron_user):
            before = self.env["hybrid.support.mail.quarantine"].search_count([])
            case = self.Ticket.browse(
                self.deliver(
                    make_email("newcomer@initech.example", f"Via {user.login}"), user
                )
            )
            self.assertTrue(case, user.login)
            self.assertEqual(case.team_id, self.team)
            self.assertTrue(case.user_id, "the fallback assignment ran and was logged")
            self.assertTrue(case.sudo().hs_routing_log_ids)
            self.assertEqual(
                self.env["hybrid.support.mail.quarantine"].search_count([]), before
            )

    # 9. the quarantine ------------------------------------------------

    def test_failing_email_of_the_gateway_is_quarantined_with_its_deliverer(self):
        before = self.env["hybrid.support.mail.quarantine"].search([])
        bogus = make_email("a@b.example", "No route", to="nobody@nowhere.example")
        self.env["mail.thread"].with_user(self.mailgate_user).message_process(
            False, bytes(bogus)
        )
        quarantined = self.env["hybrid.support.mail.quarantine"].search([]) - before
        self.assertEqual(len(quarantined), 1)
        self.assertEqual(quarantined.submitted_by_id, self.mailgate_user)
        self.assertEqual(quarantined.company_id, self.env.company)

    def test_quarantine_refuses_payloads_of_other_users(self):
        helpdesk_user = new_test_user(
            self.env, login="hs_plain_agent", groups="helpdesk_mgmt.group_helpdesk_user"
        )
        before = self.env["hybrid.support.mail.quarantine"].search_count([])
        bogus = make_email("a@b.example", "Staged", to="nobody@nowhere.example")
        with self.assertRaises(Exception):  # noqa: B017 - the normal error, whatever it is
            self.env["mail.thread"].with_user(helpdesk_user).message_process(
                False, bytes(bogus)
            )
        self.assertEqual(
            self.env["hybrid.support.mail.quarantine"].search_count([]), before
        )

    def test_quarantine_is_for_managers_of_the_company(self):
        record = self.env["hybrid.support.mail.quarantine"]._quarantine(
            bytes(make_email("a@b.example", "x")), "error", "boom"
        )
        with self.assertRaises(AccessError):
            record.with_user(self.agent).read(["raw"])
        manager = new_test_user(
            self.env, login="hs_mgr", groups="helpdesk_mgmt.group_helpdesk_manager"
        )
        record.with_user(manager).read(["raw"])
        other = self.env["res.company"].create({"name": "Other Co"})
        foreign = record.copy({"company_id": other.id})
        self.assertNotIn(
            foreign,
            self.env["hybrid.support.mail.quarantine"].with_user(manager).search([]),
        )

    def test_quarantine_forgets_old_emails(self):
        Quarantine = self.env["hybrid.support.mail.quarantine"]
        fresh = Quarantine._quarantine(b"Subject: fresh\n\nx", "error", "e")
        handled = Quarantine._quarantine(b"Subject: handled\n\nx", "error", "e")
        handled.state = "dismissed"
        self.env.cr.execute(
            "UPDATE hybrid_support_mail_quarantine SET create_date = %s WHERE id = %s",
            (fields.Datetime.now() - timedelta(days=40), handled.id),
        )
        Quarantine._cron_vacuum()
        self.assertTrue(fresh.exists())
        self.assertFalse(handled.exists())

    # 5. internal access ----------------------------------------------

    def test_own_cases_agent_reads_only_the_logs_and_references_of_their_cases(self):
        own_agent = new_test_user(
            self.env, login="hs_own", groups="helpdesk_mgmt.group_helpdesk_user_own"
        )
        mine = self.Ticket.create(
            {"name": "Mine", "description": "x", "user_id": own_agent.id}
        )
        for ticket in (mine, self.case):
            self.env["hybrid.support.routing.log"].create(
                {
                    "ticket_id": ticket.id,
                    "source": "rule",
                    "company_id": ticket.company_id.id,
                }
            )
            self.env["hybrid.support.ticket.reference"].create(
                {"ticket_id": ticket.id, "kind": "order", "value": f"SO{ticket.id}"}
            )
        for model in ("hybrid.support.routing.log", "hybrid.support.ticket.reference"):
            seen = self.env[model].with_user(own_agent).search([])
            self.assertEqual(seen.ticket_id, mine, model)
            self.assertTrue(
                self.env[model]
                .with_user(self.agent)
                .search([("ticket_id", "=", self.case.id)])
            )


@tagged("post_install", "-at_install")
class TestAttacksPortalRpc(HttpCase):
    """A customer reads only what a customer should, whatever RPC they send."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal = new_test_user(
            cls.env, login="hs_portal_rpc", groups="base.group_portal"
        )
        cls.case = cls.env["helpdesk.ticket"].create(
            {
                "name": "My own case",
                "description": "x",
                "partner_id": cls.portal.partner_id.id,
            }
        )
        cls.env.company.hs_vip_domains = "bigclient.example"

    def call(self, model, method, *args, **kwargs):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def test_portal_customer_reads_no_internal_field_of_their_own_case(self):
        self.authenticate("hs_portal_rpc", "hs_portal_rpc")
        self.assertEqual(
            self.call("helpdesk.ticket", "read", [self.case.id], ["name"])[0]["name"],
            "My own case",
        )
        for field in (
            "hs_intent_id",
            "hs_urgency",
            "hs_sentiment",
            "hs_frustrated",
            "hs_is_vip",
            "hs_writer_text",
            "hs_probable_duplicate_id",
            "hs_routing_log_ids",
            "hs_sender_authenticated",
        ):
            with self.assertRaises(JsonRpcException, msg=field):
                self.call("helpdesk.ticket", "read", [self.case.id], [field])
        described = self.call("helpdesk.ticket", "fields_get", [], ["type"])
        self.assertIn("name", described)
        for field in (
            "hs_sentiment",
            "hs_is_vip",
            "hs_intent_id",
            "hs_routing_log_ids",
        ):
            self.assertNotIn(field, described)

    def test_portal_customer_neither_reads_nor_writes_the_intent_catalogue(self):
        refund = self.env["hybrid.support.intent"].create(
            {"name": "Chargeback", "description": "Internal: how we triage them"}
        )
        self.authenticate("hs_portal_rpc", "hs_portal_rpc")
        Intent = "hybrid.support.intent"
        for method, args, kwargs in (
            ("search_read", [[]], {"fields": ["name"]}),
            ("read", [[refund.id], ["description"]], {}),
            ("read", [[refund.id], ["name"]], {}),
            ("name_search", [], {"name": "Charge"}),
            ("write", [[refund.id], {"name": "Hijacked", "never_automate": False}], {}),
            ("create", [{"name": "Forged intent"}], {}),
            ("unlink", [[refund.id]], {}),
        ):
            with self.assertRaises(JsonRpcException, msg=method):
                self.call(Intent, method, *args, **kwargs)
        # nor through their own case
        with self.assertRaises(JsonRpcException):
            self.call(
                "helpdesk.ticket", "write", [self.case.id], {"hs_intent_id": refund.id}
            )
        self.assertEqual(refund.name, "Chargeback")
        self.assertFalse(self.case.hs_intent_id)
        self.assertFalse(
            self.env[Intent].search([("name", "in", ("Hijacked", "Forged intent"))])
        )

    def test_portal_customer_reads_no_company_setting(self):
        self.authenticate("hs_portal_rpc", "hs_portal_rpc")
        for field in (
            "hs_vip_domains",
            "hs_ack_rate_limit",
            "hs_trust_authentication_results",
        ):
            with self.assertRaises(JsonRpcException, msg=field):
                self.call("res.company", "read", [self.env.company.id], [field])

    def test_portal_customer_cannot_stage_an_email_in_the_quarantine(self):
        before = self.env["hybrid.support.mail.quarantine"].search_count([])
        self.authenticate("hs_portal_rpc", "hs_portal_rpc")
        staged = make_email(
            "agent@ourdesk.example", "staged", to=f"{ALIAS}@{ALIAS_DOMAIN}"
        ).as_string()
        with self.assertRaises(JsonRpcException):
            self.call("mail.thread", "message_process", False, staged + "\x00" * 10)
        self.assertEqual(
            self.env["hybrid.support.mail.quarantine"].search_count([]), before
        )
