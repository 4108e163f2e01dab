"""One pipeline for every channel: a case opened through the portal form,
the API, a phone call an agent logs or the back-office form comes out of
intake as an email's does (clean text, requester and account, references,
phone numbers, routing logged with its channel, duplicates,
acknowledgement where it applies), each opened by the user who really
does it."""

import re
import xmlrpc.client

from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import SupportTeamMixin, make_email

# the addon that puts helpdesk_mgmt's portal form through the pipeline
PORTAL_FORM = "hybrid_support_portal"
SUBJECT = "Invoice INV/2026/00042 charged twice"
TEXT = (
    "Hello,\n\nOur card was charged twice for invoice INV/2026/00042 and "
    "order S00042. Please refund the second payment.\n\n"
    "Call me back on +44 20 7946 0958.\n\nThanks,\nHank"
)


@tagged("post_install", "-at_install")
class TestChannels(SupportTeamMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_support_team()
        cls.team.write({"hs_assign_method": "round_robin", "show_in_portal": True})
        cls.globex = cls.env["res.partner"].create(
            {"name": "Globex", "is_company": True, "email": "contact@globex.example"}
        )
        cls.hank = cls.env["res.partner"].create(
            {
                "name": "Hank Scorpio",
                "email": "hank@globex.example",
                "phone": "+32 2 541 17 11",
                "parent_id": cls.globex.id,
            }
        )
        cls.customer = new_test_user(
            cls.env,
            login="hs_portal_customer",
            groups="base.group_portal",
            partner_id=cls.env["res.partner"]
            .create(
                {
                    "name": "Mindy Globex",
                    "email": "mindy@globex.example",
                    "parent_id": cls.globex.id,
                }
            )
            .id,
        )
        cls.api_user = new_test_user(
            cls.env,
            login="hs_api_user",
            groups="helpdesk_mgmt.group_helpdesk_user",
        )
        cls.Ticket = cls.env["helpdesk.ticket"]
        # what a desk configures: cases of the other channels reach the team
        channels = cls.env["helpdesk.ticket.channel"].search(
            [
                (
                    "id",
                    "!=",
                    cls.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_email").id,
                )
            ]
        )
        cls.env["hybrid.support.routing.rule"].create(
            {
                "name": "Other channels to the help team",
                "channel_ids": [(6, 0, channels.ids)],
                "set_team_id": cls.team.id,
            }
        )
        # the same customer wrote by email first
        raw = make_email("hank@globex.example", SUBJECT, TEXT)
        cls.email_case = cls.Ticket.browse(
            cls.env["mail.thread"].message_process(False, bytes(raw))
        )
        cls.other_company = cls.env["res.company"].create({"name": "Other Co"})

    def assert_pipeline(self, case, origin, account=None, acknowledged=True):
        self.env.invalidate_all()
        self.assertEqual(case.hs_origin, origin)
        self.assertIn("charged twice for invoice", case.hs_clean_body)
        self.assertNotIn("<p>", case.hs_clean_body)
        self.assertEqual(case.commercial_partner_id, account or self.globex)
        self.assertIn(
            ("invoice", "INV/2026/00042"),
            {(r.kind, r.value) for r in case.hs_reference_ids},
        )
        self.assertIn("+442079460958", case.hs_phone_numbers or "")
        logs = case.hs_routing_log_ids
        self.assertTrue(logs, "routing ran and was logged")
        self.assertEqual(set(logs.mapped("origin")), {origin})
        self.assertEqual(case.user_id, self.agent, "the fallback assignment ran")
        self.assertEqual(case.hs_probable_duplicate_id, self.email_case)
        self.Ticket._hs_send_pending_acknowledgements()
        acks = case.message_ids.filtered(lambda m: m.message_type == "auto_comment")
        self.assertEqual(bool(acks), acknowledged)
        self.assertFalse(case.hs_ack_pending)

    def test_email_case_goes_through_the_same_pipeline(self):
        self.assertEqual(self.email_case.hs_origin, "gateway")
        self.assertEqual(
            set(self.email_case.hs_routing_log_ids.mapped("origin")), {"gateway"}
        )
        self.assertTrue(self.email_case.hs_reference_ids)
        self.assertEqual(self.email_case.commercial_partner_id, self.globex)

    # ------------------------------------------------------------------
    # Portal form, as a signed-in customer over HTTP
    # ------------------------------------------------------------------

    def _submit_form(self, **fields):
        if not self.env["ir.module.module"].search_count(
            [("name", "=", PORTAL_FORM), ("state", "=", "installed")]
        ):
            # installed alone (tests/check_install.py): helpdesk_mgmt's form
            # is its own, these tests run where hybrid_support_portal is
            self.skipTest(
                f"{PORTAL_FORM} puts helpdesk_mgmt's new-case form through the"
                " pipeline (controllers/new_ticket.py): not installed"
            )
        page = self.url_open("/new/ticket")
        self.assertEqual(page.status_code, 200)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        return self.url_open(
            "/submitted/ticket",
            data={"csrf_token": token, **fields},
            allow_redirects=False,
        )

    def test_portal_form_case_goes_through_the_pipeline(self):
        self.authenticate("hs_portal_customer", "hs_portal_customer")
        response = self._submit_form(subject=SUBJECT, description=TEXT)
        self.assertIn(response.status_code, (302, 303), response.text[:500])
        case = self.Ticket.search([("partner_id", "=", self.customer.partner_id.id)])
        self.assertEqual(len(case), 1)
        self.assertIn(f"/my/ticket/{case.id}", response.headers["Location"])
        self.assertEqual(
            case.channel_id, self.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_web")
        )
        self.assertTrue(case.hs_sender_authenticated, "the customer signed in")
        self.assertIn(self.customer.partner_id, case.message_partner_ids)
        self.assert_pipeline(case, "portal")

    @mute_logger("odoo.http")
    def test_portal_form_refuses_a_category_or_team_not_offered(self):
        hidden = self.env["helpdesk.ticket.category"].create(
            {"name": "Internal only", "show_in_portal": False}
        )
        foreign = self.env["helpdesk.ticket.category"].create(
            {
                "name": "Other company",
                "show_in_portal": True,
                "company_id": self.other_company.id,
            }
        )
        self.env.company.helpdesk_mgmt_portal_select_team = True
        internal_team = self.env["helpdesk.ticket.team"].create(
            {"name": "Back office", "show_in_portal": False}
        )
        self.authenticate("hs_portal_customer", "hs_portal_customer")
        for fields in (
            {"category": hidden.id},
            {"category": foreign.id},
            {"team": internal_team.id},
            {"category": "1 OR 1=1"},
        ):
            response = self._submit_form(subject="Sneaky", description="x", **fields)
            self.assertIn(response.status_code, (400, 403), fields)
        self.assertFalse(self.Ticket.search([("name", "=", "Sneaky")]))

    # ------------------------------------------------------------------
    # API: an integration's user over XML-RPC, a customer over call_kw
    # ------------------------------------------------------------------

    def test_api_case_over_xmlrpc_goes_through_the_pipeline(self):
        result = self.xmlrpc_object.execute_kw(
            self.env.cr.dbname,
            self.api_user.id,
            "hs_api_user",
            "helpdesk.ticket",
            "hs_submit_case",
            [
                {
                    "name": SUBJECT,
                    "description": TEXT,
                    "partner_email": "hank@globex.example",
                    "partner_name": "Hank",
                }
            ],
            {},
        )
        case = self.Ticket.browse(result["id"])
        self.assertEqual(case.number, result["number"])
        self.assertEqual(case.partner_id, self.hank, "the known contact, not a new one")
        self.assert_pipeline(case, "api")

    def test_api_user_without_helpdesk_rights_opens_nothing(self):
        clerk = new_test_user(self.env, login="hs_clerk", groups="base.group_user")
        with self.assertRaises(xmlrpc.client.Fault), mute_logger("odoo.http"):
            self.xmlrpc_object.execute_kw(
                self.env.cr.dbname,
                clerk.id,
                "hs_clerk",
                "helpdesk.ticket",
                "hs_submit_case",
                [{"name": "Not mine to open", "description": "x"}],
                {},
            )
        self.assertFalse(self.Ticket.search([("name", "=", "Not mine to open")]))

    def _call(self, method, *args):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/helpdesk.ticket/{method}",
            {
                "model": "helpdesk.ticket",
                "method": method,
                "args": list(args),
                "kwargs": {},
            },
        )

    def test_customer_over_the_api_opens_their_own_case_only(self):
        self.authenticate("hs_portal_customer", "hs_portal_customer")
        result = self._call("hs_submit_case", {"name": SUBJECT, "description": TEXT})
        case = self.Ticket.browse(result["id"])
        self.assertEqual(case.partner_id, self.customer.partner_id)
        self.assert_pipeline(case, "api")
        stranger = self.env["res.partner"].create(
            {"name": "Stranger", "company_id": self.other_company.id}
        )
        for forged in (
            {"team_id": self.team.id},
            {"user_id": self.agent.id},
            {"priority": "3"},
            {"partner_id": stranger.id},
            {"company_id": self.other_company.id},
            {"stage_id": self.env["helpdesk.ticket.stage"].search([], limit=1).id},
            {"hs_origin": "phone"},
        ):
            with (
                self.assertRaises(JsonRpcException, msg=forged),
                mute_logger("odoo.http"),
            ):
                self._call(
                    "hs_submit_case", {"name": "Forged", "description": "x", **forged}
                )
        self.assertFalse(self.Ticket.search([("name", "=", "Forged")]))
        # and plain create stays closed to customers
        with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
            self._call("create", {"name": "Forged", "description": "x"})

    # ------------------------------------------------------------------
    # Phone: an agent logs a call
    # ------------------------------------------------------------------

    def _log_call(self, user, **values):
        wizard = (
            self.env["hybrid.support.log.call"]
            .with_user(user)
            .create({"subject": SUBJECT, "notes": TEXT, **values})
        )
        action = wizard.action_log_call()
        return self.Ticket.browse(action["res_id"])

    def test_agent_logs_a_call_from_a_known_number(self):
        case = self._log_call(self.agent, phone="+32 (0)2 541-17-11")
        self.assertEqual(case.partner_id, self.hank, "found by the phone number")
        self.assertEqual(
            case.channel_id,
            self.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_phone"),
        )
        self.assertTrue(case.hs_phone_numbers.startswith("+3225411711, "))
        self.assert_pipeline(case, "phone", acknowledged=False)

    def test_agent_logs_a_call_from_a_new_caller(self):
        case = self._log_call(
            self.agent,
            caller_name="Marge Initech",
            phone="+33 1 42 68 53 00",
            email="marge@initech.example",
            acknowledge=True,
        )
        self.assertEqual(case.partner_id.email, "marge@initech.example")
        self.assertEqual(case.partner_id.phone, "+33142685300")
        self.assertEqual(case.hs_origin, "phone")
        self.Ticket._hs_send_pending_acknowledgements()
        self.assertTrue(
            case.message_ids.filtered(lambda m: m.message_type == "auto_comment"),
            "the agent asked for the acknowledgement",
        )

    def test_log_call_refuses_what_is_not_a_phone_number(self):
        with self.assertRaisesRegex(Exception, "is not a phone number"):
            self._log_call(self.agent, phone="call me maybe")

    # ------------------------------------------------------------------
    # Back-office: an agent's form
    # ------------------------------------------------------------------

    def test_agent_form_case_goes_through_the_pipeline(self):
        form = Form(self.Ticket.with_user(self.agent))
        form.name = SUBJECT
        form.description = TEXT.replace("\n", "<br/>")
        form.partner_id = self.hank
        form.team_id = self.team
        form.user_id = self.env["res.users"]  # for the fallback assignment
        case = form.save()
        self.assert_pipeline(case, "backoffice", acknowledged=False)

    def test_plain_create_stays_outside_the_pipeline(self):
        case = self.Ticket.create(
            {"name": SUBJECT, "description": TEXT, "partner_id": self.hank.id}
        )
        self.assertFalse(case.hs_origin)
        self.assertFalse(case.hs_routing_log_ids)
        self.assertFalse(case.hs_probable_duplicate_id)
