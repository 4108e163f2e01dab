"""Every documented way mail reaches the gateway, as the user it runs as:
the call of Odoo's odoo-mailgate.py script (what an MTA pipes to) over
XML-RPC as the Mail gateway user, the JSON-2 API with that user's API key, and
fetchmail's scheduler reading a real IMAP server."""

import xmlrpc.client
from datetime import timedelta

from odoo import SUPERUSER_ID, fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common import ALIAS, ALIAS_DOMAIN, SupportTeamMixin, make_email, start_imap_server


@tagged("post_install", "-at_install")
class TestDeliveryPaths(SupportTeamMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_support_team()
        cls.team.hs_assign_method = "round_robin"
        # the README's recipe: an internal user of the Mail gateway group,
        # nothing else (no helpdesk rights, no administration)
        cls.gateway = new_test_user(
            cls.env,
            login="hs_gateway",
            groups="base.group_user,hybrid_support_intake.group_mail_gateway",
        )
        cls.fetched = make_email(
            "imap.customer@initech.example", "Fetched by fetchmail"
        )
        cls.imap_port = start_imap_server(cls, [cls.fetched])

    def _case(self, message):
        self.env.invalidate_all()
        return self.env["helpdesk.ticket"].search(
            [("hs_source_message_id", "=", message["Message-ID"])]
        )

    def assert_routed_case(self, message):
        case = self._case(message)
        self.assertEqual(len(case), 1)
        self.assertEqual(case.team_id, self.team)
        self.assertTrue(case.user_id, "routing ran")
        self.assertTrue(case.hs_routing_log_ids, "and was logged")
        self.assertTrue(case.hs_ack_pending or case.hs_ack_sent)
        self.assertFalse(
            self.env["hybrid.support.mail.quarantine"].search(
                [("message_id", "=", message["Message-ID"])]
            )
        )
        return case

    def test_mta_pipe_through_odoo_mailgate_as_the_gateway_user(self):
        message = make_email("piped.customer@initech.example", "Piped by Postfix")
        # odoo-mailgate.py's own call (mail/static/scripts, line 87), over
        # the test server's XML-RPC (the script itself cannot carry the test
        # cursor's cookie, without which the test server ignores requests)
        self.xmlrpc_object.execute_kw(
            self.env.cr.dbname,
            self.gateway.id,
            "hs_gateway",
            "mail.thread",
            "message_process",
            [False, xmlrpc.client.Binary(bytes(message))],
            {},
        )
        self.assert_routed_case(message)

    def test_json2_api_with_the_gateway_users_key(self):
        key = (
            self.env["res.users.apikeys"]
            .with_user(self.gateway)
            ._generate(None, "mail gateway", fields.Datetime.now() + timedelta(days=1))
        )
        message = make_email("api.customer@initech.example", "Sent through the API")
        response = self.url_open(
            "/json/2/mail.thread/message_process",
            json={"model": False, "message": message.as_string()},
            headers={"Authorization": f"bearer {key}"},
        )
        self.assertEqual(response.status_code, 200, response.text)
        self.assert_routed_case(message)

    def test_fetchmail_scheduler_reading_an_imap_mailbox(self):
        server = self.env["fetchmail.server"].create(
            {
                "name": "Support mailbox",
                "server_type": "imap",
                "server": "127.0.0.1",
                "port": self.imap_port,
                "is_ssl": False,
                "user": "hs",
                "password": "secret",
            }
        )
        server.state = "done"
        # what the scheduler's job runs, as the scheduler's user, in a
        # cursor of its own (it commits after each email)
        with self.registry.cursor() as cr:
            scheduler = self.env(cr=cr, user=SUPERUSER_ID)
            self.assertIsNone(
                scheduler["fetchmail.server"].browse(server.id)._fetch_mail()
            )
        self.assert_routed_case(self.fetched)

    def test_an_alias_other_than_the_team_address_still_reaches_the_team(self):
        # the gateway user's first email to a never-used alias: core marks
        # the alias valid with the caller's rights, which it must not need
        self.team.alias_id.alias_status = "not_tested"
        message = make_email(
            "first.customer@initech.example",
            "First email of a new alias",
            to=f"{ALIAS}@{ALIAS_DOMAIN}",
        )
        self.env["mail.thread"].with_user(self.gateway).message_process(
            False, bytes(message)
        )
        self.assert_routed_case(message)
        self.assertEqual(self.team.alias_id.alias_status, "valid")
