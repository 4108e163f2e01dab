"""Attacks of issue 12 on the AI addon, each performed as the attacker."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, JsonRpcException, new_test_user, tagged
from odoo.tools import mute_logger, plaintext2html

from odoo.addons.hybrid_support_intake.tests.common import IntakeCase
from odoo.addons.hybrid_support_intake.tests.common import intent as intent_of

from ..tools import llm

KEY = "sk-live-KEY-0f9e8d7c6b5a"

# what account A's agent wrote to Alice, and what Alice wrote
ALICE_REPLY = (
    "Hello Alice,\n\nYour temporary password is Tmp-9QzX!77. We refunded card "
    "4111 1111 1111 1111 and the new badge goes to 742 Evergreen Terrace, "
    "Springfield. Call Alice on +44 20 7946 0958 or write to "
    "alice.liddell@acme.example about order SO55123; your reset link is "
    "https://acme.example/reset?token=SECRETTOKEN123.\n\nSign in with the "
    "temporary password, then choose your own under Settings > Security."
)
ALICE_SUBJECT = "Locked out of my account after the reset"
ALICE_WORDS = "I am locked out of my account after the reset, please help me log in"
ALICE_PRIVATE = "My mother's maiden name is Gumblewhistle and my dog is Biscuit."
SECRETS = [
    "Tmp-9QzX!77",
    "4111",
    "Evergreen",
    "Springfield",
    "7946",
    "alice.liddell",
    "SO55123",
    "SECRETTOKEN123",
    "Alice",
    "Liddell",
    "Acme",
    "Gumblewhistle",
    "Biscuit",
]


class Endpoint(BaseHTTPRequestHandler):
    """An OpenAI-compatible endpoint on loopback, hostile on demand
    (``server.mode``); ``server.requests`` keeps what it was sent."""

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.requests.append(
            {"path": self.path, "auth": self.headers.get("Authorization"), "raw": raw}
        )
        mode = self.server.mode
        if mode == "redirect" and self.path.endswith("/chat/completions"):
            self.send_response(307)
            self.send_header("Location", "/stolen")
            self.end_headers()
            return
        if mode == "endless":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            try:
                for _chunk in range(2000):  # 128 MB: the client stops long before
                    self.wfile.write(b'{"choices": [' + b" " * 65536)
            # the client hanging up mid-answer is what this endpoint tests
            except OSError:  # pylint: disable=except-pass
                pass
            return
        if mode == "echo":
            payload = json.dumps(
                {
                    "error": f"invalid key {self.headers.get('Authorization')} "
                    f"for {self.server.url}{self.path}"
                }
            ).encode()
            self.send_response(401)
        else:
            content = json.loads(raw)["messages"][-1]["content"]
            payload = json.dumps(
                {"choices": [{"message": {"content": f"Rewritten: {content[-80:]}"}}]}
            ).encode()
            self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@tagged("post_install", "-at_install")
class TestAttacksAi(IntakeCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = ThreadingHTTPServer(("127.0.0.1", 0), Endpoint)
        cls.server.mode, cls.server.requests = "ok", []
        cls.url = cls.server.url = f"http://127.0.0.1:{cls.server.server_port}/v1"
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()
        cls.addClassCleanup(cls.server.server_close)
        cls.addClassCleanup(cls.server.shutdown)
        cls.closed = cls.env["helpdesk.ticket.stage"].search(
            [("closed", "=", True)], limit=1
        )
        cls.acme = cls.env["res.partner"].create(
            {"name": "Acme Corp", "is_company": True}
        )
        cls.alice = cls.env["res.partner"].create(
            {
                "name": "Alice Liddell",
                "email": "alice.liddell@acme.example",
                "parent_id": cls.acme.id,
            }
        )
        cls.portal = new_test_user(
            cls.env,
            login="hs_portal_hank",
            groups="base.group_portal",
            partner_id=cls.customer.id,
        )

    def setUp(self):
        super().setUp()
        self.server.mode, self.server.requests[:] = "ok", []

    def _configure_llm(self, **values):
        self.env.company.write(
            {
                "hs_llm_enabled": True,
                "hs_llm_url": self.url,
                "hs_llm_model": "local-test",
                "hs_llm_api_key": KEY,
                "hs_llm_timeout": 5,
                **values,
            }
        )

    def _sent_to_llm(self):
        return b"\n".join(r["raw"] for r in self.server.requests).decode()

    def _alice_resolved_case(self):
        case = self.Ticket.create(
            {
                "name": ALICE_SUBJECT,
                "description": plaintext2html(f"{ALICE_WORDS}\n{ALICE_PRIVATE}"),
                "partner_id": self.alice.id,
                "team_id": self.team.id,
            }
        )
        case.write(
            {
                "hs_intent_id": intent_of(self.env, "access").id,
                "hs_clean_body": f"{ALICE_WORDS}\n{ALICE_PRIVATE}",
            }
        )
        case.with_user(self.agent).message_post(
            body=plaintext2html(ALICE_REPLY),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        case.stage_id = self.closed
        return case

    def _earn_auto_send(self, case, intent="access"):
        """Agents sent five drafts of ``intent`` unchanged: auto-send earned."""
        self.env["hybrid.support.draft"].create(
            [
                {
                    "ticket_id": case.id,
                    "intent_id": intent_of(self.env, intent).id,
                    "body": "x",
                    "state": "sent",
                    "edit_distance": 0.0,
                }
                for _n in range(5)
            ]
        )
        self.env["hybrid.support.intent.automation"].create(
            {
                "intent_id": intent_of(self.env, intent).id,
                "tier": "auto",
                "sample_size": 5,
            }
        )

    def _call_kw(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    # -- 3. drafts never carry another customer's words -----------------------

    def test_drafts_never_carry_another_accounts_words(self):
        alice_case = self._alice_resolved_case()
        self._earn_auto_send(alice_case)
        self._configure_llm()
        self.env.company.hs_ai_lexicon_threshold = 0.01  # every intent is sure
        mails_before = self.env["mail.mail"].search([], order="id desc", limit=1).id
        # the attacker (another account) copies the wording of Alice's case
        stolen = self.email_case("hank@globex.example", ALICE_SUBJECT, ALICE_WORDS)
        self.assertEqual(stolen.hs_intent_id.code, "access")
        self.assertFalse(stolen.hs_intent_needs_review)
        self.Ticket._hs_make_pending_drafts()

        draft = stolen.hs_draft_ids
        self.assertEqual(draft.source_kind, "redacted", "a draft is still proposed")
        self.assertIn("choose your own under Settings", draft.body)
        self.assertEqual(draft.state, "proposed", "never sent automatically")
        outgoing = self.env["mail.mail"].search([("id", ">", mails_before)])
        texts = {
            "draft": f"{draft.body}\n{draft.sources}",
            "messages": "\n".join(stolen.message_ids.mapped("body")),
            "mails": "\n".join(outgoing.mapped(lambda m: m.body_html or "")),
            "language model": self._sent_to_llm(),
        }
        for where, text in texts.items():
            for secret in SECRETS:
                self.assertNotIn(secret, text, f"{secret!r} reached the {where}")
        self.assertNotIn(ALICE_PRIVATE[:20], self._sent_to_llm())

        # a colleague of Alice (same account) gets the answer, for review only
        self.env["res.partner"].create(
            {"name": "Bob", "email": "bob@acme.example", "parent_id": self.acme.id}
        )
        colleague = self.email_case("bob@acme.example", ALICE_SUBJECT, ALICE_WORDS)
        self.assertEqual(colleague.commercial_partner_id, self.acme)
        self.Ticket._hs_make_pending_drafts()
        same = colleague.hs_draft_ids.filtered(lambda d: d.source_kind == "case")
        self.assertTrue(same, "same account: the resolved case is used")
        self.assertEqual(same.state, "proposed", "a past case is never auto-sent")
        self.assertNotIn(ALICE_PRIVATE[:20], self._sent_to_llm())

    def test_auto_send_only_from_canned_responses_and_the_llm_reads_this_case(self):
        alice_case = self._alice_resolved_case()
        self._earn_auto_send(alice_case)
        self._configure_llm()
        self.env.company.hs_ai_lexicon_threshold = 0.01
        alice_case.stage_id = self.env["helpdesk.ticket.stage"].search(
            [("closed", "=", False)], limit=1
        )  # no past case to borrow from: the canned response wins
        self.env["mail.template"].create(
            {
                "name": "Locked out of my account",
                "model_id": self.env["ir.model"]._get_id("helpdesk.ticket"),
                "body_html": "<p>Locked out after a reset? Use 'Forgot password' "
                "on the login page to log in again.</p>",
                "hs_canned": True,
            }
        )
        case = self.email_case("hank@globex.example", ALICE_SUBJECT, ALICE_WORDS)
        self.Ticket._hs_make_pending_drafts()
        draft = case.hs_draft_ids
        self.assertEqual((draft.source_kind, draft.state), ("template", "auto_sent"))
        self.assertTrue(draft.body.startswith("Rewritten: "))
        sent = self._sent_to_llm()
        self.assertIn("Forgot password", sent)
        self.assertIn(ALICE_WORDS[:30], sent, "this case's own text")
        for secret in SECRETS:
            self.assertNotIn(secret, sent)

    # -- 8. "Train now" --------------------------------------------------------

    def test_train_now_refused_to_a_portal_user_over_rpc(self):
        self.authenticate("hs_portal_hank", "hs_portal_hank")
        with self.assertRaises(JsonRpcException) as caught, mute_logger("odoo.http"):
            self._call_kw("hybrid.support.ai.model", "action_train_now", [])
        self.assertEqual(str(caught.exception), "odoo.exceptions.AccessError")
        self.assertFalse(self.env.company.hs_ai_train_requested)

    def test_train_now_refused_to_an_agent(self):
        with self.assertRaises(AccessError):
            self.env["hybrid.support.ai.model"].with_user(self.agent).action_train_now()
        self.assertFalse(self.env.company.hs_ai_train_requested)

    def _labelled_cases(self, count=24):
        texts = ["reset my password please", "refund my order now"]
        self.Ticket.create(
            [
                {
                    "name": texts[n % 2],
                    "description": texts[n % 2],
                    "hs_clean_body": f"{texts[n % 2]} {n}",
                    "hs_intent_id": intent_of(self.env, ("access", "refund")[n % 2]).id,
                    "stage_id": self.closed.id,
                    "team_id": self.team.id,
                }
                for n in range(count)
            ]
        )

    def test_train_now_once_in_a_while(self):
        self.env.company.hs_ai_min_training = 10
        self._labelled_cases()
        manager = new_test_user(
            self.env, login="hs_ai_mgr", groups="helpdesk_mgmt.group_helpdesk_manager"
        )
        Model = self.env["hybrid.support.ai.model"].with_user(manager)
        Model.action_train_now()
        self.assertTrue(self.env.company.hs_ai_train_requested)
        with self.assertRaisesRegex(UserError, "one request per 30 minutes"):
            Model.action_train_now()

    def test_one_shadow_per_target(self):
        Model = self.env["hybrid.support.ai.model"]
        company = self.env.company
        texts = [f"reset my password {n}" for n in range(12)] + [
            f"refund my order {n}" for n in range(12)
        ]
        labels = ["access"] * 12 + ["refund"] * 12
        versions = [
            Model._train_version(company, "intent", texts, labels) for _n in range(3)
        ]
        shadows = Model.search(
            [
                ("company_id", "=", company.id),
                ("target", "=", "intent"),
                ("state", "=", "shadow"),
            ]
        )
        self.assertEqual(shadows, versions[-1])
        self.assertEqual({v.state for v in versions[:2]}, {"retired"})
        self.assertEqual(
            Model._shadows(company).filtered(lambda m: m.target == "intent"),
            versions[-1],
            "the gateway scores with one shadow",
        )

    # -- 12. language model connector -----------------------------------------

    def test_redirect_is_refused_and_the_key_does_not_follow(self):
        self.server.mode = "redirect"
        with self.assertRaisesRegex(llm.LlmError, "redirects are refused"):
            llm.chat(self.url, "m", [{"role": "user", "content": "x"}], api_key=KEY)
        self.assertEqual(
            [r["path"] for r in self.server.requests], ["/v1/chat/completions"]
        )

    def test_endless_answer_is_cut(self):
        self.server.mode = "endless"
        started = time.monotonic()
        with self.assertRaisesRegex(llm.LlmError, "longer than 1000 kB"):
            llm.chat(self.url, "m", [{"role": "user", "content": "x"}], timeout=10)
        self.assertLess(time.monotonic() - started, 5)

    def test_errors_shown_to_agents_hold_neither_url_nor_key(self):
        self._configure_llm()
        self.env["mail.template"].create(
            {
                "name": "Password",
                "model_id": self.env["ir.model"]._get_id("helpdesk.ticket"),
                "body_html": "<p>Use 'Forgot password' to log in.</p>",
                "hs_canned": True,
            }
        )
        for mode in ("echo", "refused"):
            if mode == "refused":
                self.server.mode = "ok"
                self.env.company.hs_llm_url = f"http://127.0.0.1:9/v1?key={KEY}"
            else:
                self.server.mode = mode
            with self.assertLogs(level="INFO") as logs:
                case = self.email_case("hank@globex.example", "Password", "I forgot")
                self.Ticket._hs_make_pending_drafts()
                with self.assertRaises(UserError) as summary_error:
                    case.with_user(self.agent).action_hs_llm_summary()
            shown = f"{case.hs_draft_ids.sources}\n{summary_error.exception}"
            self.assertIn("Language model unavailable", shown)
            for secret in (KEY, "127.0.0.1", "/v1", "invalid key"):
                self.assertNotIn(secret, shown, mode)
            self.assertNotIn(KEY, "\n".join(logs.output), mode)

    def test_daily_budget(self):
        self._configure_llm(hs_llm_daily_budget=2)
        company = self.env.company
        question = [{"role": "user", "content": "x"}]
        company._hs_llm_chat(question)
        company._hs_llm_chat(question)
        with (
            self.assertLogs("odoo.addons.hybrid_support_ai", "WARNING") as logs,
            self.assertRaisesRegex(llm.LlmError, "budget of 2 calls a day"),
        ):
            company._hs_llm_chat(question)
        self.assertIn("budget of 2 calls a day is spent", logs.output[0])
        self.assertEqual(len(self.server.requests), 2, "no call over budget")

    def test_summary_sends_only_this_cases_public_thread(self):
        self._configure_llm()
        other = self.email_case("hank@globex.example", "Invoice", "OTHER-CASE-WORDS")
        case = self.email_case("hank@globex.example", "Password", "CUSTOMER-WORDS")
        case.with_user(self.agent).message_post(
            body="AGENT-WORDS", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        case.with_user(self.agent).message_post(
            body="INTERNAL-NOTE", message_type="comment", subtype_xmlid="mail.mt_note"
        )
        stranger = self.env["res.partner"].create(
            {"name": "Cc'd stranger", "email": "eve@elsewhere.example"}
        )
        case.message_post(
            body="STRANGER-WORDS",
            author_id=stranger.id,
            message_type="email",
            subtype_xmlid="mail.mt_comment",
        )
        self.server.requests[:] = []
        case.with_user(self.agent).action_hs_llm_summary()
        sent = self._sent_to_llm()
        self.assertIn("CUSTOMER-WORDS", sent)
        self.assertIn("AGENT-WORDS", sent)
        for foreign in ("INTERNAL-NOTE", "STRANGER-WORDS", "OTHER-CASE-WORDS"):
            self.assertNotIn(foreign, sent)
        self.assertTrue(other)

    # -- item 6: analytics fields are for agents ------------------------------

    def test_portal_user_cannot_read_case_analytics_or_llm_settings(self):
        self._configure_llm()
        case = self.email_case("hank@globex.example", "Password", "I forgot it")
        case.sudo().hs_summary = "Customer is furious, VIP churn risk"
        self.authenticate("hs_portal_hank", "hs_portal_hank")
        rows = self._call_kw(
            "helpdesk.ticket",
            "search_read",
            [[("id", "=", case.id)]],
            {"fields": ["name"]},
        )
        self.assertEqual([row["id"] for row in rows], [case.id], "their own case")
        described = self._call_kw(
            "helpdesk.ticket", "fields_get", [], {"attributes": ["type"]}
        )
        analytics = [
            "hs_summary",
            "hs_unanswered_count",
            "hs_intent_source",
            "hs_intent_needs_review",
            "hs_intent_reviewed",
            "hs_team_suggestion_id",
            "hs_team_confidence",
            "hs_priority_suggestion",
            "hs_priority_confidence",
            "hs_draft_ids",
            "hs_draft_body",
            "hs_draft_sources",
            "hs_llm_enabled",
        ]
        for name in analytics:
            self.assertNotIn(name, described)
        for name in ("hs_summary", "hs_intent_source", "hs_draft_body"):
            with (
                self.subTest(field=name),
                self.assertRaises(JsonRpcException) as caught,
                mute_logger("odoo.http"),
            ):
                self._call_kw(
                    "helpdesk.ticket",
                    "search_read",
                    [[("id", "=", case.id)]],
                    {"fields": [name]},
                )
            self.assertEqual(str(caught.exception), "odoo.exceptions.AccessError")
        for model, record, names in (
            ("res.company", self.env.company, ["hs_llm_url", "hs_llm_model"]),
            ("res.partner", self.customer, ["hs_sentiment_recent"]),
        ):
            with (
                self.subTest(model=model),
                self.assertRaises(JsonRpcException) as caught,
                mute_logger("odoo.http"),
            ):
                self._call_kw(model, "read", [record.ids, names])
            self.assertEqual(str(caught.exception), "odoo.exceptions.AccessError")
        fields = self._call_kw("res.company", "fields_get", [], {"attributes": []})
        self.assertFalse([name for name in fields if name.startswith("hs_llm")])

    # -- item 5: drafts follow their case's access ------------------------------

    def test_own_cases_agent_reads_only_drafts_of_their_cases(self):
        own = new_test_user(
            self.env,
            login="hs_own_agent",
            groups="helpdesk_mgmt.group_helpdesk_user_own",
        )
        team = self.env["helpdesk.ticket.team"].create({"name": "Back office"})
        mine, theirs = self.Ticket.create(
            [
                {"name": "Mine", "description": "x", "team_id": team.id, "user_id": uid}
                for uid in (own.id, self.agent.id)
            ]
        )
        Draft = self.env["hybrid.support.draft"]
        drafts = Draft.create(
            [{"ticket_id": t.id, "body": f"draft of {t.name}"} for t in mine | theirs]
        )
        self.assertEqual(
            Draft.with_user(own).search([("id", "in", drafts.ids)]), drafts[0]
        )
        with self.assertRaises(AccessError):
            drafts[1].with_user(own).read(["body"])
        self.assertEqual(
            Draft.with_user(self.agent).search([("id", "in", drafts.ids)]), drafts
        )
