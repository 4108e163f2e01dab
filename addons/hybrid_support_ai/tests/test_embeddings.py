import random
import shutil
from unittest.mock import patch

import numpy as np

from odoo.tests import BaseCase, tagged

from odoo.addons.hybrid_support_intake.tests.common import IntakeCase
from odoo.addons.hybrid_support_intake.tests.common import intent as intent_of

from ..tools import classifier, embeddings
from .minilm import minilm_directory
from .test_classifier import TEXTS
from .test_review_loop import phrases
from .test_routing_models import BILLING, OUTAGE


@tagged("post_install", "-at_install")
class TestSentenceEmbeddings(BaseCase):
    """A real sentence encoder (all-MiniLM-L6-v2 on onnxruntime)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.folder = minilm_directory()
        cls.addClassCleanup(shutil.rmtree, cls.folder)

    def test_paraphrases_are_closer_than_other_requests(self):
        vectors = embeddings.SentenceEmbedding(model=self.folder).transform(
            ["I lost my card", "my card is missing", "how do I change my address"]
        )
        self.assertEqual(vectors.shape, (3, 384))
        np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
        self.assertGreater(vectors[0] @ vectors[1], vectors[0] @ vectors[2] + 0.2)
        # one text alone (the gateway's case) gives the same vector as in a batch
        alone = embeddings.SentenceEmbedding(model=self.folder).transform(
            ["my card is missing"]
        )
        np.testing.assert_allclose(alone[0], vectors[1], atol=1e-5)

    def test_encoder_reads_the_opening_of_long_texts(self):
        # its cost grows with the text; the words past MAX_TOKENS change
        # nothing, the opening does
        opening = "my card was charged twice for the same order " * 10
        vectors = embeddings.SentenceEmbedding(model=self.folder).transform(
            [opening + "refund please", opening + "cancel my account", "hello"]
        )
        np.testing.assert_allclose(vectors[0], vectors[1], atol=1e-6)
        self.assertLess(vectors[0] @ vectors[2], 0.9)

    def test_training_encodes_each_text_once_with_the_same_vectors(self):
        texts = ["I lost my card", "where is my parcel", "I lost my card"]
        plain = embeddings.SentenceEmbedding(model=self.folder).transform(texts)
        with embeddings.reusing():
            reused = embeddings.SentenceEmbedding(model=self.folder).transform(texts)
            self.assertEqual(len(embeddings._training.vectors), 2)
        np.testing.assert_allclose(reused, plain, atol=1e-6)
        self.assertFalse(hasattr(embeddings._training, "vectors"))

    def test_pipeline_with_sentence_vectors_round_trips_safely(self):
        texts = [t for label in TEXTS for t in TEXTS[label]] * 2
        labels = [label for label in TEXTS for _t in TEXTS[label]] * 2
        texts += ["where is my parcel", "my order never arrived"] * 3
        labels += ["order"] * 6
        model, _metrics, _seconds = classifier.train(
            texts, labels, embedding=self.folder
        )
        restored = classifier.loads(classifier.dumps(model))
        self.assertIn(
            "sentences",
            dict(restored["pipeline"].named_steps["features"].transformer_list),
        )
        text = "I cannot get into my account anymore"
        self.assertEqual(
            classifier.predict(restored, text), classifier.predict(model, text)
        )
        self.assertEqual(classifier.predict(restored, text).label, "password")
        # one email's prediction scores words and sentence vectors apart:
        # the same as the batch path on the stacked features
        proba, novelty = classifier._batch(model, [text, "lone \ud800 surrogate"])
        self.assertAlmostEqual(
            classifier.predict(model, text).confidence, proba[0].max()
        )
        self.assertEqual(
            classifier.predict(model, text).known, bool(novelty[0] >= model["novelty"])
        )

    def test_missing_encoder_is_reported_not_crashed(self):
        self.assertIn("no model directory", embeddings.available("/nonexistent/x"))
        self.assertIsNone(embeddings.available(self.folder))
        pipeline = classifier.build_pipeline(embedding="/nonexistent/x")
        with self.assertRaises(embeddings.EmbeddingUnavailable):
            pipeline.fit(["refund my order", "reset my password"], ["x", "y"])


@tagged("post_install", "-at_install")
class TestEmbeddingSetting(IntakeCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._archive_existing_cases()
        cls.folder = minilm_directory()
        cls.addClassCleanup(shutil.rmtree, cls.folder, ignore_errors=True)
        cls.env.company.hs_ai_min_training = 40
        rng = random.Random(5)
        history = [(t, "billing") for t in phrases(rng, BILLING, 25)]
        history += [(t, "outage") for t in phrases(rng, OUTAGE, 25)]
        closed = cls.env["helpdesk.ticket.stage"].search(
            [("closed", "=", True)], limit=1
        )
        cls.Ticket.create(
            [
                {
                    "name": text,
                    "description": text,
                    "hs_clean_body": text,
                    "hs_intent_id": intent_of(cls.env, intent).id,
                    "stage_id": closed.id,
                }
                for text, intent in history
            ]
        )
        cls.Param = cls.env["ir.config_parameter"].sudo()
        cls.Model = cls.env["hybrid.support.ai.model"]

    def test_training_uses_the_configured_encoder_and_survives_its_loss(self):
        self.Param.set_param("hybrid_support_ai.embedding_model", self.folder)
        model = self.Model._train()
        self.assertEqual(model.features, f"words and sentence vectors ({self.folder})")
        model.action_promote()
        label, confidence, _known = model._predict("the invoice was charged twice")
        self.assertEqual(label, "billing")
        self.assertGreater(confidence, 0.5)
        # the encoder disappears from the server: predictions stop, nothing
        # fails, and the gateway sends the case to review
        shutil.rmtree(self.folder)
        embeddings.encoder.cache_clear()
        embeddings._embed_one.cache_clear()
        self.assertEqual(model._predict("our API is down again"), ("", 0.0, False))
        case = self.email_case("hank@globex.example", "API down", "Nothing works.")
        self.assertTrue(case.hs_intent_needs_review)
        # and the next training goes on without sentence vectors
        retrained = self.Model._train()
        self.assertNotIn("sentence vectors", retrained.features)

    def _own_encoder(self):
        # another test removes the class's folder to see the encoder vanish
        folder = minilm_directory()
        self.addCleanup(shutil.rmtree, folder, ignore_errors=True)
        self.Param.set_param("hybrid_support_ai.embedding_model", folder)
        return folder

    def test_retraining_reads_back_the_vectors_instead_of_encoding(self):
        self._own_encoder()
        Vector = self.env["hybrid.support.ai.vector"]
        cr = self.env.cr
        stale = (self.env.company.id, "another encoder", "0" * 64, b"", 40)
        cr.execute(
            "INSERT INTO hybrid_support_ai_vector "
            "(company_id, encoder, text_hash, vector, used_on) "
            "VALUES (%s, %s, %s, %s, CURRENT_DATE - %s)",
            stale,
        )
        first = self.Model._train()
        texts = {
            case._hs_training_text()
            for case in self.Model._training_cases(self.env.company)[0]
        }
        stored = Vector.search([("company_id", "=", self.env.company.id)])
        self.assertEqual(len(stored), len(texts))
        self.assertEqual(
            set(stored.mapped("text_hash")), {embeddings.text_hash(t) for t in texts}
        )
        self.assertNotIn("another encoder", stored.mapped("encoder"))
        # the next training encodes nothing, and predicts as the first one
        with patch.object(
            embeddings.SentenceEmbedding,
            "_encode",
            side_effect=AssertionError("encoded again"),
        ):
            second = self.Model._train()
        self.assertEqual(second.features, first.features)
        self.assertEqual(second.accuracy, first.accuracy)
        self.assertEqual(second.threshold, first.threshold)
        self.assertEqual(
            Vector.search_count([("company_id", "=", self.env.company.id)]),
            len(texts),
        )

    def test_vectors_are_not_shared_between_companies(self):
        folder = self._own_encoder()
        Vector = self.env["hybrid.support.ai.vector"]
        texts = ["where is my parcel", "reset my password"]
        other = self.env["res.company"].create({"name": "Vector Other Co"})
        vectors = {}
        with embeddings.reusing(vectors):
            embeddings.SentenceEmbedding(model=folder).transform(texts)
        self.assertEqual(Vector._store_vectors(self.env.company, folder, vectors), 2)
        self.assertEqual(len(Vector._load_vectors(self.env.company, folder, texts)), 2)
        self.assertEqual(Vector._load_vectors(other, folder, texts), {})
        # a second store of the same texts (another worker) adds nothing
        self.assertEqual(Vector._store_vectors(self.env.company, folder, vectors), 2)
        self.assertEqual(
            Vector.search_count([("company_id", "=", self.env.company.id)]), 2
        )
        loaded = Vector._load_vectors(self.env.company, folder, texts)
        for key, vector in loaded.items():
            np.testing.assert_allclose(vector, vectors[key], atol=1e-6)

    def test_settings_say_whether_the_encoder_loads(self):
        settings = self.env["res.config.settings"].create(
            {"hs_ai_embedding_model": self.folder}
        )
        self.assertTrue(settings.hs_ai_embedding_status.startswith("Ready"))
        settings.hs_ai_embedding_model = "/nonexistent/minilm"
        self.assertEqual(
            settings.hs_ai_embedding_status,
            "Not usable: no model directory at '/nonexistent/minilm'",
        )
        settings.hs_ai_embedding_model = False
        self.assertFalse(settings.hs_ai_embedding_status)

    def test_no_setting_means_words_and_characters(self):
        self.Param.set_param("hybrid_support_ai.embedding_model", "")
        self.assertEqual(self.Model._train().features, "words and characters")
