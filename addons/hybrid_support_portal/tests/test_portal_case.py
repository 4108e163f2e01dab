"""The case page and the lists as customers of two accounts read them, over
HTTP with real sessions: account A (Globex: Hank and his colleague Marge)
and account B (Initech: Bob)."""

import re
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.hybrid_support_escalation.tests.test_sla import brussels_office
from odoo.addons.hybrid_support_intake.tests.common import (
    SupportTeamMixin,
    make_email,
)

EMAIL_BODY = """Hello,

The label printer in hall 3 prints blank pages since this morning.

Best regards,
Hank Scorpio
Globex Corporation

On Mon, 2 Mar 2026 at 09:12, Support <help@ourdesk.example> wrote:
> Old answer quoted from an earlier thread QUOTED-HISTORY-7731.
"""


class PortalCaseCommon(SupportTeamMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_support_team()
        # only this test's promise applies (demo policies would add theirs)
        cls.env["hybrid.support.sla.policy"].search([]).active = False
        cls.stage_new = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_new")
        cls.stage_progress = cls.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_stage_in_progress"
        )
        cls.stage_waiting = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_awaiting")
        cls.stage_done = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        cls.policy = cls.env["hybrid.support.sla.policy"].create(
            {
                "name": "Business",
                "calendar_id": brussels_office(cls.env).id,
                "first_response_hours": 8,
                "resolution_hours": 40,
                "pause_stage_ids": [(4, cls.stage_waiting.id)],
            }
        )
        Partner = cls.env["res.partner"]
        cls.globex = Partner.create({"name": "Globex", "is_company": True})
        cls.initech = Partner.create({"name": "Initech", "is_company": True})

        def customer(login, name, email, account):
            user = new_test_user(
                cls.env,
                login=login,
                groups="base.group_portal",
                name=name,
                email=email,
                tz="America/New_York",
            )
            user.partner_id.parent_id = account
            return user

        cls.hank = customer(
            "hs_pc_hank", "Hank Scorpio", "hank@globex.example", cls.globex
        )
        cls.marge = customer(
            "hs_pc_marge", "Marge Simpson", "marge@globex.example", cls.globex
        )
        cls.bob = customer(
            "hs_pc_bob", "Bob Slydell", "bob@initech.example", cls.initech
        )
        cls.agent.name = "Alice Agent"

        raw = make_email(
            "hank@globex.example", "Label printer prints blank pages", EMAIL_BODY
        )
        Ticket = cls.env["helpdesk.ticket"]
        cls.case_a = Ticket.browse(
            cls.env["mail.thread"].message_process(False, bytes(raw))
        )
        cls.case_a.user_id = cls.agent
        cls.case_marge = Ticket.create(
            {
                "name": "Marge's badge reader",
                "description": "<p>Badge reader broken.</p>",
                "partner_id": cls.marge.partner_id.id,
            }
        )
        cls.case_b = Ticket.create(
            {
                "name": "Initech TPS reports INITECH-SECRET",
                "description": "<p>Bob's contract 778899.</p>",
                "partner_id": cls.bob.partner_id.id,
            }
        )
        for case in cls.case_a | cls.case_marge | cls.case_b:
            case._portal_ensure_token()

    def page(self, case, login=None, token=None):
        if login:
            self.authenticate(login, login)
        url = f"/my/ticket/{case.id}"
        if token:
            url += f"?access_token={token}"
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        return response.text

    def clock_states(self, html):
        return re.findall(r'o_hs_clock_item[^"]*"\s+data-state="(\w+)"', html)

    def answer(self, case, body="We are looking at it."):
        case.with_user(self.agent).message_post(
            body=body, message_type="comment", subtype_xmlid="mail.mt_comment"
        )


@tagged("post_install", "-at_install")
class TestPortalCase(PortalCaseCommon):
    def test_case_page_shows_clean_text_first_and_the_original_email_collapsed(self):
        self.assertIn("prints blank pages since", self.case_a.hs_clean_body)
        self.assertNotIn("QUOTED-HISTORY-7731", self.case_a.hs_clean_body)
        html = self.page(self.case_a, "hs_pc_hank")
        request = html.index("o_hs_request_text")
        original = html.index("o_hs_original_email")
        self.assertLess(request, original)
        self.assertIn("prints blank pages since this morning", html[request:original])
        # the quoted history is in the email, behind the <details> element
        self.assertNotIn("QUOTED-HISTORY-7731", html[:original])
        self.assertIn("QUOTED-HISTORY-7731", html[original:])
        self.assertNotRegex(html[original - 200 : original + 200], r"<details[^>]*open")

    def test_clock_first_answer_due_then_given_with_resolution_expected(self):
        html = self.page(self.case_a, "hs_pc_hank")
        self.assertEqual(self.clock_states(html), ["due", "due"])
        self.assertIn("First answer due", html)
        self.assertIn("Resolution expected", html)
        self.assertIn("of working time left", html)
        self.assertIn("Waiting on us", html)
        self.assertIn("will read your request and answer you by", html)
        self.assertIn("Alice Agent", html)
        self.answer(self.case_a)
        html = self.page(self.case_a)
        self.assertEqual(self.clock_states(html), ["met", "due"])
        self.assertIn("First answer given", html)
        self.assertNotIn("First answer due", html)
        self.assertIn("Alice Agent is working on your case", html)

    def test_clock_in_the_customers_time_zone(self):
        deadline = self.case_a.hs_sla_first_response_deadline
        html = self.page(self.case_a, "hs_pc_hank")
        # Hank reads New York time: the UTC hour is not what he reads
        local = fields.Datetime.context_timestamp(
            self.case_a.with_context(tz="America/New_York"), deadline
        )
        self.assertIn(local.strftime("%H:%M"), html)

    def test_clock_paused_while_waiting_for_the_customers_reply(self):
        self.answer(self.case_a)
        self.case_a.stage_id = self.stage_waiting
        html = self.page(self.case_a, "hs_pc_hank")
        self.assertEqual(self.clock_states(html), ["met", "paused"])
        self.assertIn("paused — waiting for your reply", html)
        self.assertIn("Waiting on you", html)
        self.assertIn("We need your answer to go on", html)

    def test_clock_late_then_breached_after_the_fact(self):
        self.answer(self.case_a)
        resolution = self.case_a.hs_sla_ids.filtered(lambda x: x.target == "resolution")
        past = fields.Datetime.now() - timedelta(hours=1)
        resolution.write({"deadline": past, "at_risk_date": past})
        self.env["helpdesk.ticket"]._hs_sla_transitions(fields.Datetime.now(), 100)
        self.assertEqual(resolution.status, "breached")
        html = self.page(self.case_a, "hs_pc_hank")
        self.assertEqual(self.clock_states(html), ["met", "late"])
        self.assertIn("Resolution late", html)
        self.case_a.stage_id = self.stage_done
        html = self.page(self.case_a)
        self.assertEqual(self.clock_states(html), ["met", "breached"])
        self.assertIn("Resolved later than our commitment", html)
        self.assertIn("This case is closed", html)
        self.assertNotIn("data-waiting-on", html)

    def test_visible_escalation_in_the_timeline_internal_one_never(self):
        Rule = self.env["hybrid.support.escalation.rule"]
        visible = Rule.create(
            {
                "name": "Senior team after breach",
                "level": 1,
                "trigger": "sla_breached",
                "customer_visible": True,
                "customer_message": "Your case has been escalated to our senior team.",
            }
        )
        internal = Rule.create(
            {
                "name": "Legal watch INTERNAL-RULE",
                "level": 2,
                "trigger": "keyword",
                "keywords": "printer",
                "note": "Watch this account",
            }
        )
        Log = self.env["hybrid.support.escalation.log"]
        Log.create(visible._apply(self.case_a))
        Log.create(internal._apply(self.case_a))
        html = self.page(self.case_a, "hs_pc_hank")
        timeline = html[html.index("o_hs_timeline") :]
        self.assertIn("Your case has been escalated to our senior team.", timeline)
        self.assertEqual(html.count("o_hs_timeline_escalation"), 1)
        self.assertNotIn("INTERNAL-RULE", html)
        self.assertNotIn("Watch this account", html)
        self.assertNotIn("Keywords in subject", html)

    def test_linked_records_and_related_cases_only_those_the_reader_may_open(self):
        Reference = self.env["hybrid.support.ticket.reference"]
        for value, target in (("S-A-1", self.case_marge), ("S-B-1", self.case_b)):
            Reference.create(
                {
                    "ticket_id": self.case_a.id,
                    "kind": "order",
                    "value": value,
                    "res_model": "helpdesk.ticket",
                    "res_id": target.id,
                }
            )
        followup = self.env["helpdesk.ticket"].create(
            {
                "name": "Label printer again",
                "description": "<p>again</p>",
                "partner_id": self.hank.partner_id.id,
                "hs_followup_of_id": self.case_a.id,
            }
        )
        self.case_b.hs_probable_duplicate_id = self.case_a
        html = self.page(self.case_a, "hs_pc_hank")
        links = html[html.index("o_hs_links") :]
        self.assertIn(f'href="/my/ticket/{self.case_marge.id}"', links)
        self.assertIn(f'href="/my/ticket/{followup.id}"', links)
        self.assertIn("Label printer again", links)
        self.assertNotIn(f"/my/ticket/{self.case_b.id}", html)
        self.assertNotIn("INITECH-SECRET", html)
        # the token visitor is nobody: no record of the account is linked
        self.authenticate(None, None)
        html = self.page(self.case_a, token=self.case_a.access_token)
        self.assertNotIn("o_hs_links", html)
        self.assertIn("prints blank pages", html)

    def test_suggested_articles_are_title_and_excerpt_not_the_whole_body(self):
        body = "<p>Open the tray and check the label roll. " + "More words. " * 100
        article = self.env["hybrid.support.kb.article"].create(
            {
                "name": "Label printer prints blank pages",
                "keywords": "label printer blank pages",
                "body": body + "END-OF-ARTICLE</p>",
                "state": "published",
            }
        )
        html = self.page(self.case_a, "hs_pc_hank")
        articles = html[html.index("o_hs_kb_suggestions") :]
        self.assertIn("Label printer prints blank pages", articles)
        self.assertIn("Open the tray and check the label roll.", articles)
        self.assertIn(f'href="{article.help_url}"', articles)
        self.assertNotIn("END-OF-ARTICLE", html)


@tagged("post_install", "-at_install")
class TestPortalCaseLists(PortalCaseCommon):
    def listing(self, login=None, **params):
        if login:
            self.authenticate(login, login)
        query = "&".join(f"{k}={v}" for k, v in params.items())
        response = self.url_open(f"/my/tickets?{query}")
        self.assertEqual(response.status_code, 200)
        return {
            int(i)
            for i in re.findall(
                r'o_hs_ticket_row"\s+data-ticket-id="(\d+)"', response.text
            )
        }, response.text

    def test_list_scopes_and_states(self):
        # the list shows what the record rules let the reader read (B2B roles
        # decide whether a member sees colleagues' cases); the filters narrow
        readable = set(self.env["helpdesk.ticket"].with_user(self.hank).search([]).ids)
        self.assertIn(self.case_a.id, readable)
        self.assertNotIn(self.case_b.id, readable)
        ids, html = self.listing("hs_pc_hank")
        self.assertEqual(ids, readable)
        for column in (
            "Reference",
            "Subject",
            "Status",
            "Waiting on",
            "Next deadline",
            "Last update",
        ):
            self.assertIn(column, html)
        self.assertEqual(self.listing(scope="mine")[0], {self.case_a.id})
        self.assertEqual(
            self.listing(scope="company")[0],
            readable & {self.case_a.id, self.case_marge.id},
        )
        self.case_marge.message_subscribe(partner_ids=self.hank.partner_id.ids)
        self.case_marge.stage_id = self.stage_waiting
        self.assertEqual(
            self.listing(scope="mine")[0], {self.case_a.id, self.case_marge.id}
        )
        ids, html = self.listing(filterby="waiting")
        self.assertEqual(ids, {self.case_marge.id})
        self.assertIn(
            f'data-ticket-id="{self.case_marge.id}" data-waiting-on="customer"', html
        )
        self.assertEqual(self.listing(filterby="closed")[0], set())
        self.case_a.stage_id = self.stage_done
        self.assertEqual(self.listing(filterby="closed")[0], {self.case_a.id})
        self.assertEqual(self.listing(filterby="open")[0], {self.case_marge.id})

    def test_search_by_number_text_or_reference(self):
        self.env["hybrid.support.ticket.reference"].create(
            {"ticket_id": self.case_a.id, "kind": "order", "value": "SO-55123"}
        )
        self.env["hybrid.support.ticket.reference"].create(
            {"ticket_id": self.case_b.id, "kind": "order", "value": "SO-55124"}
        )
        self.authenticate("hs_pc_hank", "hs_pc_hank")
        self.assertEqual(self.listing(search="SO-5512")[0], {self.case_a.id})
        self.assertEqual(self.listing(search="hall 3")[0], {self.case_a.id})
        self.assertEqual(self.listing(search=self.case_a.number)[0], {self.case_a.id})

    def test_no_leak_of_account_b_to_account_a(self):
        self.authenticate("hs_pc_hank", "hs_pc_hank")
        for search in ("INITECH", "778899", self.case_b.number):
            ids, html = self.listing(search=search)
            self.assertEqual(ids, set())
            self.assertNotIn("INITECH-SECRET", html)
        for scope in ("all", "company", "mine"):
            ids, html = self.listing(scope=scope)
            self.assertNotIn(self.case_b.id, ids)
            self.assertNotIn("INITECH-SECRET", html)
        for url in (
            f"/my/ticket/{self.case_b.id}",
            f"/my/ticket/{self.case_b.id}?access_token={self.case_a.access_token}",
            f"/my/ticket/{self.case_b.id}?access_token=forged",
        ):
            response = self.url_open(url)
            self.assertNotIn("INITECH-SECRET", response.text)
            self.assertNotIn("778899", response.text)
        # B's own token opens B's case, and only B's
        self.authenticate(None, None)
        html = self.page(self.case_b, token=self.case_b.access_token)
        self.assertIn("INITECH-SECRET", html)

    def test_home_counter_of_cases_waiting_for_the_customers_reply(self):
        self.case_a.stage_id = self.stage_waiting
        self.case_b.stage_id = self.stage_waiting  # another account's
        follow = self.case_marge
        follow.message_subscribe(partner_ids=self.hank.partner_id.ids)
        follow.stage_id = self.stage_waiting
        self.authenticate("hs_pc_hank", "hs_pc_hank")
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["hs_waiting_ticket_count"]}
        )
        self.assertEqual(counters["hs_waiting_ticket_count"], 2)
        self.authenticate("hs_pc_bob", "hs_pc_bob")
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["hs_waiting_ticket_count"]}
        )
        self.assertEqual(counters["hs_waiting_ticket_count"], 1)
        home = self.url_open("/my")
        self.assertIn("cases waiting for your reply", home.text)


@tagged("post_install", "-at_install")
class TestPortalMergedCases(PortalCaseCommon):
    """Cases merged by an agent (helpdesk_mgmt_merge's wizard: the merged
    case is archived, its messages move to the case that remains): the
    account's merged case stays among the remaining case's related cases;
    another account's merged case never reaches a customer through them."""

    def merge(self, remaining, merged):
        # as an administrator: helpdesk_mgmt_merge moves the messages by
        # writing their res_id, which mail refuses to agents
        wizard = (
            self.env["helpdesk.ticket.merge"]
            .with_context(
                active_model="helpdesk.ticket", active_ids=[remaining.id, merged.id]
            )
            .create({})
        )
        self.assertEqual(wizard.dst_ticket_id, remaining)
        wizard.merge_tickets()
        self.assertFalse(merged.active, "the merged case is archived")

    def test_merged_cases_in_related_cases_of_their_account_only(self):
        Ticket = self.env["helpdesk.ticket"]
        duplicate = Ticket.create(
            {
                "name": "Label printer blank pages again",
                "description": "<p>Still blank.</p>",
                "partner_id": self.hank.partner_id.id,
                "hs_probable_duplicate_id": self.case_a.id,
            }
        )
        # Initech's case, wrongly flagged as a duplicate of Globex's case,
        # merged into Initech's other case
        initech_other = Ticket.create(
            {
                "name": "Initech printer",
                "description": "<p>Initech's other case.</p>",
                "partner_id": self.bob.partner_id.id,
            }
        )
        self.case_b.hs_probable_duplicate_id = self.case_a
        self.merge(self.case_a, duplicate)
        self.merge(initech_other, self.case_b)
        html = self.page(self.case_a, "hs_pc_hank")
        links = html[html.index("o_hs_links") :]
        self.assertIn(f'href="/my/ticket/{duplicate.id}"', links)
        self.assertIn("Label printer blank pages again", links)
        self.assertIn("Still blank.", html, "its description moved over")
        self.assertNotIn(f"/my/ticket/{self.case_b.id}", html)
        self.assertNotIn("INITECH-SECRET", html)
        # the account's merged case opens; the other account's does not
        self.assertIn("Label printer blank pages again", self.page(duplicate))
        for url in (
            f"/my/ticket/{self.case_b.id}",
            f"/my/ticket/{initech_other.id}",
            f"/my/ticket/{self.case_b.id}?access_token={self.case_a.access_token}",
        ):
            response = self.url_open(url)
            self.assertNotIn("INITECH-SECRET", response.text, url)
            self.assertNotIn("778899", response.text, url)
        # Bob's merged case and his remaining case lead to each other, never
        # to Globex's cases
        html = self.page(initech_other, "hs_pc_bob")
        self.assertIn(f'href="/my/ticket/{self.case_b.id}"', html)
        self.assertNotIn(f"/my/ticket/{self.case_a.id}", html)
        self.assertNotIn(f"/my/ticket/{duplicate.id}", html)
        self.assertNotIn("blank pages", html)
        html = self.page(self.case_b)
        self.assertIn(f'href="/my/ticket/{initech_other.id}"', html)
        self.assertNotIn(f"/my/ticket/{self.case_a.id}", html)


@tagged("post_install", "-at_install")
class TestPortalCaseTours(PortalCaseCommon):
    def test_b2b_member_reads_and_answers_a_case_born_by_email(self):
        # Marge, a member of Globex, reads Hank's email case and answers it
        # she was copied on the email: she follows the case
        self.case_a.message_subscribe(partner_ids=self.marge.partner_id.ids)
        self.answer(self.case_a, "Can you send a photo of the label?")
        self.case_a.stage_id = self.stage_waiting
        self.start_tour(
            "/my/tickets", "hybrid_support_portal_case", login="hs_pc_marge"
        )
        reply = self.case_a.message_ids.filtered(
            lambda m: "Photo attached in a minute" in (m.body or "")
        )
        self.assertEqual(reply.author_id, self.marge.partner_id)

    def test_phone_width(self):
        self.browser_size = "375x667"
        self.touch_enabled = True
        self.case_a.stage_id = self.stage_waiting
        self.start_tour("/my", "hybrid_support_portal_phone", login="hs_pc_hank")
        reply = self.case_a.message_ids.filtered(
            lambda m: "Sent from my phone" in (m.body or "")
        )
        self.assertEqual(reply.author_id, self.hank.partner_id)
