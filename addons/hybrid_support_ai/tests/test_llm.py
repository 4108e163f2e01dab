import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.hybrid_support_intake.tests.common import IntakeCase

from ..tools import llm


class FakeEndpoint(BaseHTTPRequestHandler):
    """An OpenAI-compatible endpoint on loopback; ``server.mode`` picks its
    behaviour and ``server.requests`` keeps what it was sent."""

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append(
            {"path": self.path, "auth": self.headers.get("Authorization"), **body}
        )
        if self.server.mode == "slow":
            time.sleep(11)  # longer than any timeout the tests may set
            return  # the client gave up long ago: nothing to answer
        if self.server.mode == "error":
            self.send_response(500)
            self.end_headers()
            return
        if self.server.mode == "garbage":
            payload = b"<html>not json</html>"
        else:
            answer = f"Improved: {body['messages'][-1]['content'][-60:]}"
            payload = json.dumps(
                {"choices": [{"message": {"content": answer}}]}
            ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@tagged("post_install", "-at_install")
class TestLanguageModel(IntakeCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = ThreadingHTTPServer(("127.0.0.1", 0), FakeEndpoint)
        cls.server.mode, cls.server.requests = "ok", []
        thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
        thread.start()
        cls.addClassCleanup(cls.server.server_close)
        cls.addClassCleanup(cls.server.shutdown)
        cls.url = f"http://127.0.0.1:{cls.server.server_port}/v1"
        # drafts given to the language model are made from canned responses
        # and articles only (never from another case)
        cls.env["mail.template"].create(
            {
                "name": "Forgot my password",
                "model_id": cls.env["ir.model"]._get_id("helpdesk.ticket"),
                "body_html": "<p>Use the 'Forgot password' link on the login page.</p>",
                "hs_canned": True,
            }
        )

    def setUp(self):
        super().setUp()
        self.server.mode, self.server.requests[:] = "ok", []

    def _configure(self):
        self.env.company.write(
            {
                "hs_llm_enabled": True,
                "hs_llm_url": self.url,
                "hs_llm_model": "local-test",
                "hs_llm_api_key": "sk-test",
                "hs_llm_timeout": 3,
            }
        )

    def _case(self):
        ticket = self.email_case(
            "hank@globex.example", "Password", "I forgot my password"
        )
        self.Ticket._hs_make_pending_drafts()
        return ticket

    def test_off_by_default_nothing_leaves_the_server(self):
        self.assertFalse(self.env.company.hs_llm_enabled)
        ticket = self._case()
        self.assertTrue(ticket.hs_draft_id)
        self.assertEqual(self.server.requests, [])
        with self.assertRaisesRegex(UserError, "no language model is configured"):
            ticket.action_hs_llm_summary()

    def test_drafts_and_summaries_are_rewritten_when_configured(self):
        self._configure()
        ticket = self._case()
        draft = ticket.hs_draft_id
        self.assertTrue(draft.body.startswith("Improved: "))
        self.assertIn("Rewritten by local-test", draft.sources)
        sent = self.server.requests[0]
        self.assertEqual(sent["path"], "/v1/chat/completions")
        self.assertEqual(sent["auth"], "Bearer sk-test")
        self.assertEqual(sent["model"], "local-test")
        self.assertIn("Forgot password", sent["messages"][-1]["content"])
        ticket.with_user(self.agent).action_hs_llm_summary()
        self.assertTrue(ticket.hs_summary.startswith("Improved: "))
        self.assertIn(
            "Customer: I forgot my password",
            self.server.requests[-1]["messages"][-1]["content"],
        )

    def test_a_failing_endpoint_leaves_the_draft_as_made(self):
        self._configure()
        for mode, reason in (
            ("error", "HTTP 500"),
            ("garbage", "OpenAI chat format"),
        ):
            self.server.mode = mode
            with mute_logger(
                "odoo.addons.hybrid_support_ai.models.hybrid_support_draft"
            ):
                draft = self._case().hs_draft_id
            self.assertFalse(draft.body.startswith("Improved"))
            self.assertIn("Language model unavailable", draft.sources)
            self.assertIn(reason, draft.sources)

    def test_a_silent_endpoint_times_out(self):
        self.server.mode = "slow"
        started = time.monotonic()
        # Odoo's test harness raises any shorter timeout to 10 s
        with self.assertRaisesRegex(llm.LlmError, "no answer within 10 s"):
            llm.chat(self.url, "m", [{"role": "user", "content": "x"}], timeout=10)
        self.assertLess(time.monotonic() - started, 10.9, "it did not wait for more")

    def test_connection_refused_is_a_clear_error(self):
        with self.assertRaises(llm.LlmError):
            llm.chat(
                "http://127.0.0.1:9/v1",
                "m",
                [{"role": "user", "content": "x"}],
                timeout=2,
            )
