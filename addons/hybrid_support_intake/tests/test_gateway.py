from datetime import datetime

from freezegun import freeze_time

from odoo.tests import tagged

from .common import ALIAS, ALIAS_DOMAIN, IntakeCase, make_email


@tagged("post_install", "-at_install")
class TestGateway(IntakeCase):
    def test_email_becomes_ticket_for_known_contact(self):
        self.env.company.helpdesk_mgmt_ticket_auto_assign = True
        ticket = self.email_case(
            "Hank Scorpio <hank@globex.example>",
            "Printer on fire",
            "The printer is on fire.\n\n-- \nHank\nGlobex CEO",
        )
        self.assertEqual(ticket.name, "Printer on fire")
        self.assertEqual(ticket.partner_id, self.customer)
        self.assertEqual(ticket.commercial_partner_id, self.customer_company)
        self.assertEqual(ticket.team_id, self.team)
        self.assertFalse(ticket.user_id, "not assigned to the gateway's OdooBot")
        self.assertEqual(ticket.hs_clean_body, "The printer is on fire.")
        self.assertEqual(
            ticket.channel_id,
            self.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_email"),
        )
        original = ticket.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertEqual(len(original), 1)
        self.assertIn("Globex CEO", original.body)
        self.assertEqual(ticket.hs_source_message_id, original.message_id)

    def test_unknown_sender_linked_to_company_of_domain(self):
        ticket = self.email_case("New Guy <new.guy@globex.example>", "Hi")
        self.assertEqual(ticket.partner_id.email, "new.guy@globex.example")
        self.assertEqual(ticket.partner_id.name, "New Guy")
        self.assertEqual(ticket.partner_id.parent_id, self.customer_company)

    def test_webmail_and_own_company_domains_are_never_linked(self):
        self.env["res.partner"].create(
            {"name": "Gmail fan club", "is_company": True, "email": "x@gmail.com"}
        )
        self.env.company.partner_id.website = "https://ourdesk.example"
        gmail = self.email_case("a.b@gmail.com", "Hi")
        ours = self.email_case("c@ourdesk.example", "Hi")
        self.assertTrue(gmail.partner_id)
        self.assertFalse(gmail.partner_id.parent_id)
        self.assertFalse(ours.partner_id.parent_id)

    def test_html_only_email_gets_plain_clean_body(self):
        html = "<html><body><p>Dashboard is <b>empty</b>.</p><p>-- <br>Hank</p></body></html>"
        ticket = self.email_case("hank@globex.example", "Dashboard", html=html)
        self.assertIn("Dashboard is empty.", ticket.hs_clean_body)
        self.assertNotIn("<", ticket.hs_clean_body)

    def test_exactly_one_acknowledgement_with_reference_link_and_promise(self):
        self.env.company.hs_response_promise = "We answer within 4 working hours."
        ticket = self.email_case("hank@globex.example", "Need invoice copy")
        ack = self.acks(ticket)
        self.assertEqual(len(ack), 1)
        self.assertTrue(ticket.hs_ack_sent)
        self.assertEqual(ack.author_id, self.env.company.partner_id)
        self.assertIn(f"[{ticket.hs_keyed_reference}]", ack.subject)
        self.assertIn(ticket.number, ack.body)
        self.assertTrue(ticket.hs_response_promise)
        self.assertIn(ticket.hs_response_promise, ack.body)
        # Without an SLA deadline the promise is the company's sentence.
        self.assertEqual(
            self.Ticket.new({"company_id": self.env.company.id}).hs_response_promise,
            "We answer within 4 working hours.",
        )
        self.assertTrue(ticket.access_token)
        self.assertIn(
            f"/my/ticket/{ticket.id}?access_token={ticket.access_token}", ack.body
        )
        mails = self.env["mail.mail"].search([("mail_message_id", "=", ack.id)])
        self.assertEqual(mails.recipient_ids, self.customer)

    def test_gateway_queues_the_acknowledgement_and_triggers_its_job(self):
        cron = self.env.ref("hybrid_support_intake.ir_cron_send_acknowledgements")
        triggers_before = self.env["ir.cron.trigger"].search_count(
            [("cron_id", "=", cron.id)]
        )
        raw = make_email("hank@globex.example", "Queued")
        ticket = self.Ticket.browse(
            self.env["mail.thread"].message_process(False, bytes(raw))
        )
        self.assertTrue(ticket.hs_ack_pending)
        self.assertFalse(self.acks(ticket), "nothing rendered inside the gateway")
        self.assertGreater(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]),
            triggers_before,
        )
        self.assertEqual(self.Ticket._hs_send_pending_acknowledgements(), 1)
        self.assertFalse(ticket.hs_ack_pending)
        self.assertEqual(len(self.acks(ticket)), 1)
        # a second run finds nothing left and sends nothing twice
        self.assertEqual(self.Ticket._hs_send_pending_acknowledgements(), 0)
        self.assertEqual(len(self.acks(ticket)), 1)

    def test_acknowledgement_template_is_safe_to_edit_and_cheap_to_render(self):
        template = self.env.ref(
            "hybrid_support_intake.mail_template_ticket_acknowledgement"
        )
        # only whitelisted field paths: Odoo renders it without compiling
        # code per case, and editors need no right to write code
        self.assertFalse(
            template._has_unsafe_expression_template_qweb(
                template.body_html, "helpdesk.ticket"
            )
        )
        ticket = self.email_case("hank@globex.example", "<b>Bold</b> subject")
        body = self.acks(ticket).body
        self.assertIn("&lt;b&gt;Bold&lt;/b&gt; subject", body)
        self.assertIn(f"[{ticket.hs_keyed_reference}]", body)

    def test_followers_notifications_are_queued_not_sent_in_the_gateway(self):
        queue = self.env.ref("mail.ir_cron_mail_scheduler_action")
        Trigger = self.env["ir.cron.trigger"]
        with freeze_time("2026-11-02 09:00:03"):
            ticket = self.email_case("hank@globex.example", "Printer jam")
            # a colleague of the requester adds to the case by email
            colleague = make_email(
                "sue@globex.example",
                "Re: Printer jam",
                headers={"In-Reply-To": ticket.hs_source_message_id},
            )
            self.env["mail.thread"].message_process(False, bytes(colleague))
            posted = ticket.message_ids[:1]
            self.assertIn("sue@globex.example", posted.email_from)
            notification = self.env["mail.mail"].search(
                [("mail_message_id", "=", posted.id)]
            )
            self.assertIn(ticket.partner_id, notification.recipient_ids)
            self.assertEqual(notification.state, "outgoing")
            # the mail queue's job runs at the end of these ten seconds
            self.assertIn(
                datetime(2026, 11, 2, 9, 0, 10),
                Trigger.search([("cron_id", "=", queue.id)]).mapped("call_at"),
            )

    def test_emails_of_the_same_seconds_share_their_job_triggers(self):
        ack = self.env.ref("hybrid_support_intake.ir_cron_send_acknowledgements")
        Trigger = self.env["ir.cron.trigger"]
        earlier = Trigger.search([("cron_id", "=", ack.id)])  # demo data's

        def new_triggers():
            return (Trigger.search([("cron_id", "=", ack.id)]) - earlier).mapped(
                "call_at"
            )

        with freeze_time("2026-11-02 09:00:03"):
            for n in range(3):
                self.env["mail.thread"].message_process(
                    False, bytes(make_email("hank@globex.example", f"Burst {n}"))
                )
            # one trigger for the burst, at the end of its ten seconds: in
            # the future, so no run already under way can consume it
            self.assertEqual(new_triggers(), [datetime(2026, 11, 2, 9, 0, 10)])
        with freeze_time("2026-11-02 09:00:12"):
            self.env["mail.thread"].message_process(
                False, bytes(make_email("hank@globex.example", "Later"))
            )
            self.assertEqual(
                sorted(new_triggers()),
                [datetime(2026, 11, 2, 9, 0, 10), datetime(2026, 11, 2, 9, 0, 20)],
            )

    def test_reply_to_acknowledgement_threads_into_same_ticket(self):
        ticket = self.email_case("hank@globex.example", "Q")
        ack = self.acks(ticket)
        before = self.last_ticket_id()
        reply = make_email(
            "hank@globex.example",
            f"Re: [{ticket.number}] Q",
            "More details here.",
            headers={"In-Reply-To": ack.message_id, "References": ack.message_id},
        )
        self.assertEqual(self.process(reply), ticket.id)
        self.assertFalse(self.new_tickets(before))
        last = ticket.message_ids.sorted("id")[-1]
        self.assertIn("More details here.", last.body)
        self.assertFalse(last.subtype_id.internal, "a customer reply must stay public")
        self.assertEqual(len(self.acks(ticket)), 1, "no second acknowledgement")

    def test_subject_reference_threads_for_requester_only(self):
        ticket = self.email_case("hank@globex.example", "Q")
        before = self.last_ticket_id()
        requester = make_email("hank@globex.example", f"Re: [{ticket.number}] more")
        self.assertEqual(self.process(requester), ticket.id)
        # a colleague who does not follow the case needs the keyed reference
        # of our emails: the From header proves nothing
        colleague = make_email(
            "Smithers <smithers@globex.example>", f"[{ticket.number}] more"
        )
        apart = self.process(colleague)
        self.assertNotEqual(apart, ticket.id)
        self.assertEqual(self.Ticket.browse(apart).hs_mentioned_case_id, ticket)
        keyed = make_email(
            "Smithers <smithers@globex.example>",
            f"Re: [{ticket.hs_keyed_reference}] more",
        )
        self.assertEqual(self.process(keyed), ticket.id)
        stranger = make_email("mallory@evil.example", f"Re: [{ticket.number}] hi")
        other = self.process(stranger)
        self.assertNotEqual(other, ticket.id)
        self.assertEqual(sorted(self.new_tickets(before).ids), [apart, other])

    def test_auto_submitted_senders_get_no_acknowledgement(self):
        robots = [
            make_email(
                "hank@globex.example",
                "Out of office",
                headers={"Auto-Submitted": "auto-replied"},
            ),
            make_email("news@globex.example", "Digest", headers={"Precedence": "bulk"}),
            make_email("noreply@globex.example", "Your receipt"),
            make_email(
                "list@globex.example",
                "[list] x",
                headers={"List-Id": "<x.globex.example>"},
            ),
        ]
        for raw in robots:
            ticket = self.Ticket.browse(self.process(raw))
            self.assertTrue(ticket, "a robot's email is still kept as a case")
            self.assertTrue(ticket.hs_automated_reason)
            self.assertFalse(self.acks(ticket))
        mails = self.env["mail.mail"].search([("email_to", "ilike", "globex")])
        self.assertFalse(mails)

    def test_mailer_daemon_bounce_gets_no_reply(self):
        bounce = make_email(
            "MAILER-DAEMON@mx.globex.example",
            "Undelivered Mail Returned to Sender",
            headers={"Auto-Submitted": "auto-replied"},
        )
        before_mails = self.env["mail.mail"].search_count([])
        self.process(bounce)
        self.assertFalse(
            self.env["mail.mail"]
            .search([("id", ">", 0)])[before_mails:]
            .filtered(
                lambda m: (
                    "mx.globex.example" in (m.email_to or "")
                    or self.env.ref("base.partner_root") in m.recipient_ids
                )
            )
        )

    def test_one_email_to_two_aliases_makes_one_ticket(self):
        self.env["helpdesk.ticket.team"].create(
            {
                "name": "Billing",
                "alias_name": "hs-billing",
                "alias_domain_id": self.alias_domain.id,
            }
        )
        before = self.last_ticket_id()
        raw = make_email(
            "hank@globex.example",
            "Both",
            to=f"{ALIAS}@{ALIAS_DOMAIN}, hs-billing@{ALIAS_DOMAIN}",
        )
        self.process(raw)
        self.assertEqual(len(self.new_tickets(before)), 1)

    def test_same_message_twice_makes_one_ticket(self):
        raw = bytes(make_email("hank@globex.example", "Twice"))
        before = self.last_ticket_id()
        self.process(raw)
        self.process(raw)
        self.assertEqual(len(self.new_tickets(before)), 1)

    def test_acknowledgement_rate_limit_per_sender(self):
        self.env.company.hs_ack_rate_limit = 2
        tickets = self.Ticket.browse(
            [self.process(make_email("hank@globex.example", f"n{i}")) for i in range(3)]
        )
        self.assertEqual(tickets.mapped("hs_ack_sent"), [True, True, False])

    def test_mail_loop_is_stopped_and_quarantined(self):
        self.env["ir.config_parameter"].set_param("mail.gateway.loop.threshold", 3)
        results = [
            self.process(make_email("loopy@robot.example", f"Ticket {i}"))
            for i in range(5)
        ]
        self.assertEqual(len([r for r in results if r]), 3)
        quarantined = self.env["hybrid.support.mail.quarantine"].search(
            [("email_from", "=", "loopy@robot.example")]
        )
        self.assertEqual(quarantined.mapped("reason"), ["loop", "loop"])
