import base64
import logging
import random

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.hybrid_support_intake.tests.common import IntakeCase, make_email
from odoo.addons.hybrid_support_intake.tests.common import intent as intent_of

_logger = logging.getLogger(__name__)

# Old wording (the history) and new wording customers start using later.
INTENTS = {
    "refund": (
        ["refund my order", "give my money back"],
        ["reimburse the purchase", "credit my card for the return"],
    ),
    "password": (
        ["reset my password", "forgot my password"],
        ["cannot sign in", "login code never arrives"],
    ),
    "delivery": (
        ["where is my parcel", "package not delivered"],
        ["courier lost the shipment", "tracking stuck in transit"],
    ),
    "invoice": (
        ["send me the invoice", "invoice copy please"],
        ["need a VAT receipt", "billing document for accounting"],
    ),
}
FILLERS = [
    "hello",
    "hi team",
    "please",
    "thanks",
    "urgent",
    "today",
    "again",
    "asap",
    "kind regards",
    "order 1234",
    "as discussed",
    "quick question",
]


def phrases(rng, wording, count):
    return [
        f"{rng.choice(FILLERS)} {rng.choice(wording)} {rng.choice(FILLERS)}"
        for _ in range(count)
    ]


@tagged("post_install", "-at_install")
class TestReviewLoop(IntakeCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._archive_existing_cases()
        cls.env.company.hs_ai_min_training = 40
        cls.Model = cls.env["hybrid.support.ai.model"]
        cls.closed = cls.env["helpdesk.ticket.stage"].search(
            [("closed", "=", True)], limit=1
        )
        cls.reviewer = new_test_user(
            cls.env, login="hs_reviewer", groups="helpdesk_mgmt.group_helpdesk_user"
        )
        rng = random.Random(7)
        history, cls.pool, cls.evaluation = [], [], []
        for intent, (old, new) in INTENTS.items():
            history += [(text, intent) for text in phrases(rng, old, 15)]
            cls.pool += [(text, intent) for text in phrases(rng, new, 30)]
            cls.evaluation += [(text, intent) for text in phrases(rng, new, 20)]
        cls.Ticket.create(
            [
                {
                    "name": text,
                    "description": text,
                    "hs_clean_body": text,
                    "hs_intent_id": intent_of(cls.env, intent).id,
                    "stage_id": cls.closed.id,
                }
                for text, intent in history
            ]
        )

    def _accuracy(self, model):
        right = sum(
            model._predict(text)[0] == intent for text, intent in self.evaluation
        )
        return right / len(self.evaluation)

    def test_fifty_corrections_retrain_and_accuracy_rises(self):
        first = self.Model._train()
        self.assertEqual(
            (first.version, first.state, first.training_size), (1, "shadow", 60)
        )
        first._auto_promote()
        self.assertEqual(first.state, "active", "a trained model beats keywords alone")
        before = self._accuracy(first)

        # new emails arrive; the unsure ones wait in the review queue
        incoming = self.Ticket.browse(
            [
                self.process(
                    make_email(f"customer{number}@globex.example", text[:60], text)
                )
                for number, (text, _intent) in enumerate(self.pool)
            ]
        )
        truth = dict(
            zip(incoming.ids, [intent for _text, intent in self.pool], strict=True)
        )
        self.assertEqual(set(incoming.mapped("hs_intent_source")), {first.name})
        queue = incoming.filtered("hs_intent_needs_review").sorted(
            "hs_intent_confidence"
        )
        self.assertGreaterEqual(len(queue), 50)

        # agents answer the 50 least confident: accept or correct
        for ticket in queue[:50].with_user(self.reviewer):
            if ticket.hs_intent_id.code == truth[ticket.id]:
                ticket.action_hs_accept_intent()
            else:  # picked from the catalogue
                ticket.write({"hs_intent_id": intent_of(self.env, truth[ticket.id]).id})
        reviewed = queue[:50]
        self.assertTrue(all(reviewed.mapped("hs_intent_reviewed")))
        self.assertFalse(any(reviewed.mapped("hs_intent_needs_review")))
        overrides = reviewed.hs_routing_log_ids.filtered(
            lambda log: log.source == "override"
        )
        self.assertTrue(overrides, "corrections are logged as overrides")

        second = self.Model._train()
        self.assertEqual((second.version, second.training_size), (2, 110))
        after = self._accuracy(second)
        _logger.info("Review loop: accuracy on new wording %.2f -> %.2f", before, after)
        self.assertGreater(after, before + 0.1, f"accuracy {before:.2f} -> {after:.2f}")
        second._auto_promote()
        self.assertEqual(second.state, "active")
        self.assertEqual(first.state, "retired")

    def test_tampered_model_is_refused_with_a_clear_error(self):
        model = self.Model._train()
        data = base64.b64decode(model.sudo().payload)
        model.sudo().payload = base64.b64encode(data[:-10] + b"0123456789")
        with self.assertRaisesRegex(UserError, "modified outside Odoo"):
            model._predict("reset my password")

    def test_too_few_labels_train_nothing(self):
        self.env.company.hs_ai_min_training = 1000
        self.assertFalse(self.Model._train())
        with self.assertRaisesRegex(UserError, "Not enough labelled cases"):
            self.Model.action_train_now()

    def test_train_now_asks_the_retraining_job_in_the_background(self):
        company = self.env.company
        company.hs_ai_retrain_after = 10**6
        self.assertEqual(self.Model._due_targets(company), [])
        manager = new_test_user(
            self.env,
            login="hs_ai_manager",
            groups="helpdesk_mgmt.group_helpdesk_manager",
        )
        versions = self.Model.search_count([])
        action = self.Model.with_user(manager).action_train_now()
        self.assertEqual(action["tag"], "display_notification")
        # nothing trained in the request; the job will train all three
        self.assertEqual(self.Model.search_count([]), versions)
        self.assertTrue(company.hs_ai_train_requested)
        cron = self.env.ref("hybrid_support_ai.ir_cron_retrain")
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]))
        self.assertEqual(
            self.Model._due_targets(company), ["intent", "team", "priority"]
        )

    def test_old_retired_versions_drop_their_payload(self):
        versions = self.Model.browse()
        for _n in range(4):
            version = self.Model._train()
            version.action_promote()
            versions |= version
        first, second, third, fourth = versions.sorted("version")
        self.assertEqual(fourth.state, "active")
        self.assertEqual(set((first | second | third).mapped("state")), {"retired"})
        self.assertTrue(second.sudo().payload and third.sudo().payload)
        self.assertFalse(first.sudo().payload)
        self.assertTrue(first.accuracy, "metrics stay")
        with self.assertRaisesRegex(UserError, "retired long ago"):
            first._predict("reset my password")
        self.assertTrue(third._predict("reset my password")[0])
