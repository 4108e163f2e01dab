"""The customer's one-click answers from our emails ("This solved my
problem", "I still need help"), a customer's reply to a case waiting on
them, and the reminders of silent customers (issue 17, "Actions without
logging in"). Links are followed over HTTP as an anonymous visitor and as
logged-in portal users of another account."""

import re
from datetime import datetime

from freezegun import freeze_time

from odoo import SUPERUSER_ID, api, http
from odoo.tests import BaseCase, HttpCase, TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.hybrid_support_escalation.tests.test_sla import brussels_office
from odoo.addons.hybrid_support_intake.tests.common import (
    SupportTeamMixin,
    make_email,
)

from ..tools import case_actions
from ..tools.case_actions import EXPIRED, INVALID, REOPEN, SOLVED, VALID

LINK = re.compile(r'href="([^"]*/support/case/(\d+)/(solved|reopen)\?token=[^"]+)"')
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class CaseActionsMixin(SupportTeamMixin):
    """A support team whose service level pauses in "Waiting for you", its
    agent, and Hank, a portal customer of Globex, with a case by email."""

    @classmethod
    def _setup_case_actions(cls):
        cls._setup_support_team()
        # demo policies (with --with-demo) would apply to the cases too
        cls.env["hybrid.support.sla.policy"].search([]).active = False
        Stage = cls.env["helpdesk.ticket.stage"]
        cls.in_progress = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_in_progress")
        cls.done = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        cls.waiting = Stage.create({"name": "Waiting for you", "sequence": 3})
        cls.calendar = brussels_office(cls.env)
        cls.policy = cls.env["hybrid.support.sla.policy"].create(
            {
                "name": "Four hours",
                "calendar_id": cls.calendar.id,
                "first_response_hours": 4,
                "resolution_hours": 16,
                "team_ids": [(4, cls.team.id)],
                "pause_stage_ids": [(4, cls.waiting.id)],
            }
        )
        cls.globex = cls.env["res.partner"].create(
            {"name": "Globex", "is_company": True, "email": "info@globex.example"}
        )
        cls.hank = new_test_user(
            cls.env,
            login="hs_act_hank",
            groups="base.group_portal",
            name="Hank Scorpio",
            email="hank@globex.example",
        )
        cls.hank.partner_id.parent_id = cls.globex
        cls.customer = cls.hank.partner_id
        cls.Ticket = cls.env["helpdesk.ticket"]

    @classmethod
    def email_case(cls, subject, body="It is broken."):
        raw = make_email("hank@globex.example", subject, body)
        ticket = cls.Ticket.browse(
            cls.env["mail.thread"].message_process(False, bytes(raw))
        )
        cls.Ticket._hs_send_pending_acknowledgements()
        return ticket

    def notes(self, ticket, text):
        return ticket.message_ids.filtered(lambda m: text in (m.body or ""))


@tagged("at_install")
class TestCaseActionTokens(BaseCase):
    """The token's arithmetic, without a database."""

    def sign(self, message):
        return "%064x" % (hash(("secret", message)) % (1 << 256))

    def test_a_token_holds_for_its_case_action_and_time_only(self):
        token = case_actions.make_token(7, SOLVED, 42, 1000, self.sign)
        self.assertEqual(
            case_actions.check_token(token, 7, SOLVED, 999, self.sign),
            case_actions.Verdict(VALID, 42),
        )
        self.assertEqual(
            case_actions.check_token(token, 7, SOLVED, 1000, self.sign).status,
            EXPIRED,
        )
        for case_id, action in ((8, SOLVED), (7, REOPEN), (7, "delete")):
            verdict = case_actions.check_token(token, case_id, action, 1, self.sign)
            self.assertEqual(verdict, case_actions.Verdict(INVALID))

    def test_altered_or_hostile_tokens_are_invalid(self):
        token = case_actions.make_token(7, SOLVED, 42, 1000, self.sign)
        partner, expires, digest = token.split(".")
        for forged in (
            f"43.{expires}.{digest}",  # another customer
            f"{partner}.99999999.{digest}",  # a later expiry
            # its last digit changed (never to the digit it already was)
            f"{partner}.{expires}.{digest[:-1]}{'1' if digest[-1] == '0' else '0'}",
            f"{partner}.{expires}.{digest.upper()}",
            token + "\n",
            "",
            None,
            "1." * 5000,
            "0.1000." + digest,
        ):
            verdict = case_actions.check_token(forged, 7, SOLVED, 1, self.sign)
            self.assertEqual(verdict.status, INVALID, forged)

    def test_reminders_then_closing(self):
        steps = [case_actions.next_reminder_step(sent, 2) for sent in range(4)]
        self.assertEqual(steps, ["remind", "remind", "close", "close"])
        self.assertEqual(case_actions.next_reminder_step(0, 0), "close")


@tagged("post_install", "-at_install")
class TestCaseActionLinks(CaseActionsMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_case_actions()
        cls.ticket = cls.email_case("Printer is on fire")
        cls.ticket.user_id = cls.agent

    def ack_links(self, ticket):
        ack = ticket.message_ids.filtered(lambda m: m.message_type == "auto_comment")
        return {action: url for url, _id, action in LINK.findall(ack.body)}

    def path(self, url):
        return url.removeprefix(self.ticket.get_base_url())

    def open_confirmation(self, url):
        """GET the link's page as the visitor; return (response, csrf token)."""
        page = self.url_open(self.path(url))
        match = CSRF.search(page.text)
        return page, match and match[1]

    def post(self, url, csrf, token_override=None):
        path, _sep, query = self.path(url).partition("?token=")
        return self.url_open(
            path,
            data={"csrf_token": csrf, "token": token_override or query},
        )

    def test_acknowledgement_carries_both_links_of_its_case(self):
        links = self.ack_links(self.ticket)
        self.assertEqual(set(links), {SOLVED, REOPEN})
        for url in links.values():
            self.assertIn(f"/support/case/{self.ticket.id}/", url)
        template = self.env.ref(
            "hybrid_support_intake.mail_template_ticket_acknowledgement"
        )
        self.assertFalse(
            template._has_unsafe_expression_template_qweb(
                template.body_html, "helpdesk.ticket"
            )
        )

    def test_solved_link_confirms_on_get_and_closes_on_post(self):
        url = self.ack_links(self.ticket)[SOLVED]
        page, csrf = self.open_confirmation(url)
        self.env.invalidate_all()
        messages_before = len(self.ticket.message_ids)
        # a mail scanner (or the customer) opens the link, again: nothing changes
        for _attempt in range(2):
            page, csrf = self.open_confirmation(url)
            self.assertEqual(page.status_code, 200)
            self.assertIn("Yes, this solved my problem", page.text)
            self.assertIn(self.ticket.number, page.text)
        self.assertTrue(csrf)
        self.env.invalidate_all()
        self.assertFalse(self.ticket.stage_id.closed)
        self.assertEqual(len(self.ticket.message_ids), messages_before)
        # a forged form without the page's CSRF token changes nothing
        with mute_logger("odoo.http"):
            refused = self.post(url, "forged")
        self.assertEqual(refused.status_code, 400)
        self.env.invalidate_all()
        self.assertFalse(self.ticket.stage_id.closed)
        # the customer confirms
        done = self.post(url, csrf)
        self.assertEqual(done.status_code, 200)
        self.assertIn("Your case is now closed", done.text)
        self.env.invalidate_all()
        self.assertEqual(self.ticket.stage_id, self.done)
        note = self.notes(self.ticket, "marked the case as solved")
        self.assertEqual(note.author_id, self.customer)
        self.assertTrue(note.subtype_id.internal)
        # the same link again: already closed, nothing more
        page, csrf = self.open_confirmation(url)
        again = self.post(url, csrf)
        self.assertIn("already closed", again.text)
        self.env.invalidate_all()
        self.assertEqual(len(self.notes(self.ticket, "marked the case as solved")), 1)

    def assert_refused(self, url, text="This link is not valid", status=403):
        # a valid page of another case gives this session a CSRF token
        _page, csrf = self.open_confirmation(self.ack_links(self.other)[SOLVED])
        stage, messages = self.ticket.stage_id, len(self.ticket.message_ids)
        for response in (self.url_open(self.path(url)), self.post(url, csrf)):
            self.assertEqual(response.status_code, status, url)
            self.assertIn(text, response.text)
            self.assertNotIn("Printer is on fire", response.text)
            self.assertNotIn('name="csrf_token"', response.text)
        self.env.invalidate_all()
        self.assertEqual(self.ticket.stage_id, stage)
        self.assertEqual(len(self.ticket.message_ids), messages)

    def test_tampered_expired_and_misdirected_links_change_nothing(self):
        self.other = self.email_case("Another question")
        url = self.ack_links(self.ticket)[SOLVED]
        base, token = url.split("?token=")
        partner, expires, digest = token.split(".")
        flipped = digest[:-1] + ("0" if digest[-1] != "0" else "1")
        case_path = f"/support/case/{self.ticket.id}"
        for forged in (
            f"{base}?token={partner}.{expires}.{flipped}",
            f"{base}?token={partner}.{int(expires) + 86400}.{digest}",
            f"{base}?token={self.agent.partner_id.id}.{expires}.{digest}",
            f"{base}?token=",
            base,
            f"{base}?token={'x' * 5000}",
            # the solved link's token on the other action
            f"{case_path}/reopen?token={token}",
            # the other case's link on this case
            f"{case_path}/solved?token="
            + self.ack_links(self.other)[SOLVED].split("?token=")[1],
        ):
            self.assert_refused(forged)
        expired = self.ticket._hs_action_url(
            SOLVED, self.customer, expires=datetime(2020, 1, 1)
        )
        self.assert_refused(expired, "This link has expired", status=410)
        # no other action exists behind the route
        self.assertEqual(
            self.url_open(f"{case_path}/delete?token={token}").status_code, 404
        )

    def test_another_accounts_customer_cannot_use_a_link_on_their_case(self):
        """A portal user of company B, logged in, with company A's link
        token, against B's own case: refused; their session gives nothing."""
        company_b = self.env["res.company"].create({"name": "Initech"})
        bob = new_test_user(
            self.env,
            login="hs_act_bob",
            groups="base.group_portal",
            company_id=company_b.id,
            email="bob@initech.example",
        )
        case_b = self.Ticket.with_company(company_b).create(
            {
                "name": "Initech case",
                "description": "b",
                "company_id": company_b.id,
                "partner_id": bob.partner_id.id,
            }
        )
        case_b._portal_ensure_token()
        token_a = self.ack_links(self.ticket)[SOLVED].split("?token=")[1]
        self.authenticate("hs_act_bob", "hs_act_bob")
        page = self.url_open(f"/support/case/{case_b.id}/solved?token={token_a}")
        self.assertEqual(page.status_code, 403)
        response = self.url_open(
            f"/support/case/{case_b.id}/solved",
            data={"csrf_token": http.Request.csrf_token(self), "token": token_a},
        )
        self.assertEqual(response.status_code, 403)
        self.env.invalidate_all()
        self.assertFalse(case_b.stage_id.closed)
        self.assertFalse(self.ticket.stage_id.closed)

    def test_a_link_acts_only_on_the_case_it_names(self):
        second = self.email_case("Scanner jams too")
        url = self.ack_links(self.ticket)[SOLVED]
        _page, csrf = self.open_confirmation(url)
        self.post(url, csrf)
        self.env.invalidate_all()
        self.assertTrue(self.ticket.stage_id.closed)
        self.assertFalse(second.stage_id.closed)
        self.assertFalse(self.notes(second, "marked the case as solved"))

    def test_still_need_help_reopens_a_closed_case_and_tells_the_agent(self):
        self.ticket.stage_id = self.done
        reopen_count = self.ticket.hs_reopen_count
        url = self.ack_links(self.ticket)[REOPEN]
        page, csrf = self.open_confirmation(url)
        self.assertIn("Yes, I still need help", page.text)
        self.env.invalidate_all()
        self.assertEqual(self.ticket.stage_id, self.done)
        done = self.post(url, csrf)
        self.assertIn("Your case is reopened", done.text)
        self.env.invalidate_all()
        self.assertEqual(self.ticket.stage_id, self.in_progress)
        self.assertEqual(self.ticket.hs_reopen_count, reopen_count + 1)
        note = self.notes(self.ticket, "still needs help")
        self.assertEqual(note.author_id, self.customer)
        self.assertIn(self.agent.partner_id, note.partner_ids)

    def test_still_need_help_puts_a_waiting_case_back_in_progress(self):
        self.ticket.stage_id = self.waiting
        self.assertTrue(self.ticket.hs_sla_ids.mapped("paused_since")[0])
        url = self.ack_links(self.ticket)[REOPEN]
        _page, csrf = self.open_confirmation(url)
        self.post(url, csrf)
        self.env.invalidate_all()
        self.assertEqual(self.ticket.stage_id, self.in_progress)
        self.assertFalse(any(self.ticket.hs_sla_ids.mapped("paused_since")))

    def test_agent_reply_email_carries_the_links_for_the_customer_only(self):
        colleague = new_test_user(
            self.env,
            login="hs_act_colleague",
            groups="helpdesk_mgmt.group_helpdesk_user",
            email="colleague@ourdesk.example",
        )
        self.ticket.message_subscribe(
            partner_ids=(colleague.partner_id | self.customer).ids
        )
        reply = self.ticket.with_user(self.agent).message_post(
            body="Please restart the printer.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        mails = self.env["mail.mail"].search([("mail_message_id", "=", reply.id)])
        to_customer = mails.filtered(lambda m: self.customer in m.recipient_ids)
        to_colleague = mails.filtered(lambda m: colleague.partner_id in m.recipient_ids)
        self.assertEqual(len(to_customer), 1)
        self.assertEqual(len(to_colleague), 1)
        links = {action for _u, _id, action in LINK.findall(to_customer.body_html)}
        self.assertEqual(links, {SOLVED, REOPEN})
        self.assertIn(f"/support/case/{self.ticket.id}/", to_customer.body_html)
        self.assertNotIn("/support/case/", to_colleague.body_html)
        # an internal note reaches no customer, with or without links
        note = self.ticket.with_user(self.agent).message_post(
            body="Internal: printer model is old.", subtype_xmlid="mail.mt_note"
        )
        self.assertFalse(
            self.env["mail.mail"].search(
                [
                    ("mail_message_id", "=", note.id),
                    ("recipient_ids", "in", self.customer.ids),
                ]
            )
        )

    def test_customer_reply_moves_a_waiting_case_back_in_progress(self):
        self.ticket.stage_id = self.waiting
        # an internal note and an agent's message leave it waiting
        self.ticket.with_user(self.agent).message_post(
            body="Internal: waiting for the logs.", subtype_xmlid="mail.mt_note"
        )
        self.ticket.with_user(self.agent).message_post(
            body="Did you send the logs?",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertEqual(self.ticket.stage_id, self.waiting)
        self.assertTrue(self.ticket.hs_sla_ids.filtered("paused_since"))
        # the customer answers by email
        reply = make_email(
            "hank@globex.example",
            f"Re: [{self.ticket.hs_keyed_reference}] Printer is on fire",
            "Here are the logs.",
            headers={"In-Reply-To": self.ticket.hs_source_message_id},
        )
        self.env["mail.thread"].message_process(False, bytes(reply))
        self.assertTrue(self.notes(self.ticket, "Here are the logs"))
        self.assertEqual(self.ticket.stage_id, self.in_progress)
        self.assertFalse(self.ticket.hs_sla_ids.filtered("paused_since"))

    def test_customer_reply_from_the_portal_moves_a_waiting_case_back(self):
        self.ticket.stage_id = self.waiting
        self.authenticate("hs_act_hank", "hs_act_hank")
        self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "helpdesk.ticket",
                "thread_id": self.ticket.id,
                "post_data": {
                    "body": "Logs attached in the portal.",
                    "message_type": "comment",
                    "subtype_xmlid": "mail.mt_comment",
                },
            },
        )
        self.env.invalidate_all()
        self.assertTrue(self.notes(self.ticket, "Logs attached in the portal"))
        self.assertEqual(self.ticket.stage_id, self.in_progress)
        self.assertFalse(self.ticket.hs_sla_ids.filtered("paused_since"))

    def test_solved_link_from_the_email_in_a_browser(self):
        url = self.ack_links(self.ticket)[SOLVED]
        self.start_tour(self.path(url), "hybrid_support_portal_solved_link")
        self.env.invalidate_all()
        self.assertEqual(self.ticket.stage_id, self.done)
        self.assertEqual(
            self.notes(self.ticket, "marked the case as solved").author_id,
            self.customer,
        )


@tagged("post_install", "-at_install")
class TestWaitingReminders(CaseActionsMixin, TransactionCase):
    """Brussels office hours; the team reminds after 2 working days, twice,
    then closes. Cases start waiting on Monday 2026-11-23, 10:00 Brussels."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_case_actions()
        cls.team.write(
            {"hs_reminder_enabled": True, "hs_reminder_days": 2, "hs_reminder_max": 2}
        )

    def waiting_case(self, subject):
        with freeze_time("2026-11-23 08:30:00"):
            ticket = self.email_case(subject)
        with freeze_time("2026-11-23 09:00:00"):
            ticket.stage_id = self.waiting
            self.env.flush_all()
        return ticket

    def run_reminders(self, when):
        with freeze_time(when):
            self.Ticket._hs_remind_waiting_customers()
            self.env.flush_all()

    def reminders(self, ticket):
        return ticket.message_ids.filtered(
            lambda m: "waiting for your reply" in (m.subject or "")
        )

    def closings(self, ticket):
        return ticket.message_ids.filtered(
            lambda m: (m.subject or "").startswith(
                f"[{ticket.hs_keyed_reference}] Case closed"
            )
        )

    def test_reminders_after_n_working_days_at_most_m_then_closed(self):
        ticket = self.waiting_case("Waiting on Hank")
        self.run_reminders("2026-11-24 15:00:00")  # Tuesday: 14 working hours
        self.assertFalse(self.reminders(ticket))
        self.run_reminders("2026-11-25 09:30:00")  # Wednesday 10:30: 16.5 hours
        self.assertEqual(len(self.reminders(ticket)), 1)
        self.run_reminders("2026-11-25 15:30:00")  # the same day: no second one
        self.assertEqual(len(self.reminders(ticket)), 1)
        self.run_reminders("2026-11-27 10:00:00")  # Friday, 2 days after the first
        self.assertEqual(len(self.reminders(ticket)), 2)
        self.assertEqual(ticket.hs_reminder_count, 2)
        self.run_reminders("2026-11-30 10:00:00")  # Monday: the weekend does not count
        self.assertFalse(ticket.stage_id.closed)
        self.run_reminders("2026-12-01 10:30:00")  # Tuesday: closed
        self.assertEqual(len(self.reminders(ticket)), 2)
        self.assertEqual(ticket.stage_id, self.done)
        closing = self.closings(ticket)
        self.assertEqual(len(closing), 1)
        # every email to the customer carries the links; once closed, only
        # "I still need help"
        for reminder in self.reminders(ticket):
            links = {a for _u, case_id, a in LINK.findall(reminder.body)}
            self.assertEqual(links, {SOLVED, REOPEN})
            self.assertEqual(reminder.partner_ids, self.customer)
            self.assertTrue(
                self.env["mail.mail"].search(
                    [
                        ("mail_message_id", "=", reminder.id),
                        ("recipient_ids", "in", self.customer.ids),
                    ]
                )
            )
        self.assertEqual({a for _u, _id, a in LINK.findall(closing.body)}, {REOPEN})
        self.run_reminders("2026-12-10 10:30:00")
        self.assertEqual(len(self.closings(ticket)), 1)

    def test_reminder_templates_are_safe_to_edit(self):
        for xmlid in ("mail_template_waiting_reminder", "mail_template_waiting_closed"):
            template = self.env.ref(f"hybrid_support_portal.{xmlid}")
            self.assertFalse(
                template._has_unsafe_expression_template_qweb(
                    template.body_html, "helpdesk.ticket"
                ),
                xmlid,
            )

    def test_reminders_stop_when_the_customer_answers(self):
        ticket = self.waiting_case("Hank will answer")
        self.run_reminders("2026-11-25 09:30:00")
        self.assertEqual(len(self.reminders(ticket)), 1)
        with freeze_time("2026-11-25 12:00:00"):
            reply = make_email(
                "hank@globex.example",
                f"Re: [{ticket.hs_keyed_reference}] Hank will answer",
                "Sorry, here it is.",
                headers={"In-Reply-To": ticket.hs_source_message_id},
            )
            self.env["mail.thread"].message_process(False, bytes(reply))
        self.assertEqual(ticket.stage_id, self.in_progress)
        self.assertEqual(ticket.hs_reminder_count, 0)
        for when in ("2026-11-27 10:00:00", "2026-12-10 10:00:00"):
            self.run_reminders(when)
        self.assertEqual(len(self.reminders(ticket)), 1)
        self.assertFalse(ticket.stage_id.closed)

    def test_no_reminder_to_robots_blacklisted_addresses_or_quiet_teams(self):
        quiet_team = self.env["helpdesk.ticket.team"].create({"name": "Quiet"})
        self.assertFalse(quiet_team.hs_reminder_enabled, "off by default")
        self.policy.team_ids |= quiet_team
        robot = self.waiting_case("Out of office")
        robot.hs_automated_reason = "auto-reply"
        blacklisted = self.waiting_case("Blacklisted")
        quiet = self.waiting_case("Quiet team")
        quiet.team_id = quiet_team
        self.assertEqual(quiet.stage_id, self.waiting)
        self.env["mail.blacklist"]._add("hank@globex.example")
        self.run_reminders("2026-12-10 10:00:00")
        for ticket in (robot, blacklisted, quiet):
            self.assertFalse(self.reminders(ticket))
            self.assertFalse(ticket.stage_id.closed)
        self.env["mail.blacklist"]._remove("hank@globex.example")
        self.run_reminders("2026-12-10 10:00:00")
        self.assertEqual(len(self.reminders(blacklisted)), 1)
        self.assertFalse(self.reminders(robot) or self.reminders(quiet))


@tagged("post_install", "-at_install")
class TestWaitingRemindersConcurrency(TransactionCase):
    """Two cron workers run the reminders at once: each case gets its
    reminder once. Real concurrency needs committed rows and separate
    connections, so this test commits its own data and removes it after."""

    def _cursor(self):
        cr = self.registry.cursor()
        cr.execute("SET lock_timeout = '5s'")  # a regression fails, never hangs
        return cr

    def setUp(self):
        super().setUp()
        with self._cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            calendar = brussels_office(env)
            stage = env["helpdesk.ticket.stage"].create(
                {"name": "Concurrency: waiting", "sequence": 3}
            )
            team = env["helpdesk.ticket.team"].create(
                {
                    "name": "Concurrency reminders",
                    "hs_reminder_enabled": True,
                    "hs_reminder_days": 1,
                    "hs_reminder_max": 3,
                }
            )
            policy = env["hybrid.support.sla.policy"].create(
                {
                    "name": "Concurrency reminders",
                    "calendar_id": calendar.id,
                    "team_ids": [(4, team.id)],
                    "pause_stage_ids": [(4, stage.id)],
                }
            )
            # one customer per case: two workers notifying the same customer
            # at once wait for each other (portal's notification writes the
            # customer's signup data), which one test thread cannot show
            partners = env["res.partner"].create(
                [
                    {
                        "name": f"Concurrent {n}",
                        "email": f"concurrent{n}@customer.example",
                    }
                    for n in range(3)
                ]
            )
            tickets = env["helpdesk.ticket"].create(
                [
                    {
                        "name": f"Concurrent reminder {n}",
                        "description": "x",
                        "team_id": team.id,
                        "partner_id": partner.id,
                    }
                    for n, partner in enumerate(partners)
                ]
            )
            tickets.stage_id = stage
            tickets.last_stage_update = datetime(2026, 1, 5, 9, 0)
            self.team_id, self.case_ids = team.id, tickets.ids
            self.addCleanup(
                self._remove,
                tickets.ids,
                policy.id,
                team.id,
                stage.id,
                calendar.id,
                partners.ids,
            )

    def _remove(
        self, ticket_ids, policy_id, team_id, stage_id, calendar_id, partner_ids
    ):
        with self._cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["mail.message"].search(
                [("model", "=", "helpdesk.ticket"), ("res_id", "in", ticket_ids)]
            ).unlink()
            env["helpdesk.ticket"].browse(ticket_ids).exists().unlink()
            env["hybrid.support.sla.policy"].browse(policy_id).unlink()
            env["helpdesk.ticket.team"].browse(team_id).unlink()
            env["helpdesk.ticket.stage"].browse(stage_id).unlink()
            env["resource.calendar"].browse(calendar_id).unlink()
            env["res.partner"].browse(partner_ids).unlink()

    def _run(self, cr, limit):
        env = api.Environment(cr, SUPERUSER_ID, {})
        team = env["helpdesk.ticket.team"].browse(self.team_id)
        done = env["helpdesk.ticket"]._hs_remind_waiting_customers(
            limit=limit, teams=team
        )
        env.flush_all()
        return done

    def _reminders(self, cr):
        env = api.Environment(cr, SUPERUSER_ID, {})
        return dict(
            env["mail.message"]._read_group(
                [
                    ("model", "=", "helpdesk.ticket"),
                    ("res_id", "in", self.case_ids),
                    ("subject", "ilike", "waiting for your reply"),
                ],
                ["res_id"],
                ["__count"],
            )
        )

    def test_two_workers_send_each_reminder_once(self):
        with self._cursor() as first, self._cursor() as second:
            # the first worker holds two cases mid-way through its batch ...
            self.assertEqual(self._run(first, limit=2), 2)
            # ... the second one skips them without waiting, takes the third
            self.assertEqual(self._run(second, limit=100), 1)
            first.commit()
            second.commit()
        # once both committed, nothing is due any more: no second reminder
        with self._cursor() as third:
            self.assertEqual(self._run(third, limit=100), 0)
            third.rollback()
        with self._cursor() as cr:
            self.assertEqual(self._reminders(cr), dict.fromkeys(self.case_ids, 1))
