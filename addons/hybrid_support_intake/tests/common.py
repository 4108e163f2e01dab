import imaplib
import socket
import subprocess
import sys
import time
from email.message import EmailMessage
from email.utils import make_msgid

from odoo.tests import TransactionCase, new_test_user

ALIAS_DOMAIN = "support-test.example"
ALIAS = "hs-help"


def make_email(
    sender,
    subject,
    body="Hello, I need help.",
    to=f"{ALIAS}@{ALIAS_DOMAIN}",
    html=None,
    headers=None,
    message_id=True,
    charset="utf-8",
):
    """A raw RFC 822 email as bytes."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    if message_id:
        msg["Message-ID"] = make_msgid(domain="customer.example")
    for name, value in (headers or {}).items():
        msg[name] = value
    if html is not None:
        msg.set_content(html, subtype="html", charset=charset)
    else:
        msg.set_content(body, charset=charset)
    return msg


def intent(env, code, company=None):
    """The intent of ``code`` in the catalogue of ``company`` (the current
    one by default), made when missing."""
    company = company or env.company
    return env["hybrid.support.intent"]._ensure(company, [{"code": code}])[code]


class SupportTeamMixin:
    """A support team with an email alias and one agent."""

    @classmethod
    def _setup_support_team(cls):
        cls.alias_domain = cls.env["mail.alias.domain"].create({"name": ALIAS_DOMAIN})
        cls.agent = new_test_user(
            cls.env,
            login="hs_agent",
            groups="helpdesk_mgmt.group_helpdesk_user",
            email="agent@ourdesk.example",
        )
        cls.team = cls.env["helpdesk.ticket.team"].create(
            {
                "name": "Help Team",
                "alias_name": ALIAS,
                "alias_domain_id": cls.alias_domain.id,
                "user_ids": [(4, cls.agent.id)],
            }
        )


class IntakeCase(SupportTeamMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_support_team()
        cls.customer_company = cls.env["res.partner"].create(
            {
                "name": "Globex",
                "is_company": True,
                "email": "contact@globex.example",
            }
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Hank Scorpio",
                "email": "hank@globex.example",
                "parent_id": cls.customer_company.id,
            }
        )
        cls.Ticket = cls.env["helpdesk.ticket"]

    @classmethod
    def _archive_existing_cases(cls):
        """Start from an empty case history: tests that learn from the
        database's closed or reviewed cases (model training, calibration)
        assert figures of their own fixtures, which demo histories of other
        addons (imported mailboxes, dashboard weeks) would dilute. Archived
        cases are out of every default search; the test's rollback restores
        them."""
        cls.env["helpdesk.ticket"].search([]).action_archive()

    def process(self, message):
        raw = message if isinstance(message, bytes) else bytes(message)
        result = self.env["mail.thread"].message_process(False, raw)
        # what the triggered cron does seconds later
        self.Ticket._hs_send_pending_acknowledgements()
        return result

    def email_case(self, *args, **kwargs):
        """The case made by the gateway from ``make_email(*args, **kwargs)``."""
        return self.Ticket.browse(self.process(make_email(*args, **kwargs)))

    def new_tickets(self, before):
        return self.Ticket.search([("id", ">", before)])

    def last_ticket_id(self):
        return self.Ticket.search([], order="id desc", limit=1).id or 0

    def acks(self, ticket):
        return ticket.message_ids.filtered(lambda m: m.message_type == "auto_comment")


def start_imap_server(test_class, messages, user="hs", password="secret"):
    """A real IMAP server (pymap, a test requirement) on a free loopback
    port holding ``messages`` in INBOX, stopped when ``test_class`` ends.
    Returns its port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from pymap.main import main; main()",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-tls",
            "dict",
            "--demo-user",
            user,
            "--demo-password",
            password,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )

    def stop():
        server.kill()
        server.wait(timeout=10)  # reaped: no zombie left for Odoo to find
        server.stderr.close()

    test_class.addClassCleanup(stop)
    client = None
    for _attempt in range(100):
        try:
            client = imaplib.IMAP4("127.0.0.1", port, timeout=5)
            break
        except OSError:
            if server.poll() is not None:
                raise AssertionError(
                    "the pymap IMAP server did not start: "
                    + server.stderr.read().decode(errors="replace")
                ) from None
            time.sleep(0.1)
    assert client, "the pymap IMAP server did not answer"
    client.login(user, password)
    for msg in messages:
        client.append("INBOX", None, None, bytes(msg))
    client.logout()
    return port
