import numpy as np
import skops.io as sio
from scipy.special import softmax

from odoo.tests import BaseCase, tagged

from ..tools import classifier

TEXTS = {
    "refund": [
        "I want my money back",
        "please refund my order",
        "refund the charge",
        "money back for the broken item",
        "I was charged, refund me",
    ],
    "password": [
        "I forgot my password",
        "reset my password please",
        "cannot log in",
        "password reset link expired",
        "locked out of my account",
    ],
}

# five intents, each worded many ways: enough for folds and open-set drop-out
WORDINGS = {
    "refund": ["refund my order", "give my money back", "reimburse the purchase"],
    "password": ["reset my password", "cannot sign in", "login code never arrives"],
    "delivery": ["where is my parcel", "package not delivered", "courier lost it"],
    "invoice": ["send me the invoice", "need a VAT receipt", "billing document"],
    "outage": ["the site is down", "API returns errors", "servers unreachable"],
}
FILLERS = ["hello", "hi team", "please", "thanks", "today", "again", "asap", "regards"]


def catalogue(count=24, seed=3):
    rng = np.random.default_rng(seed)
    texts, labels = [], []
    for label, wordings in WORDINGS.items():
        for _n in range(count):
            texts.append(
                f"{FILLERS[rng.integers(len(FILLERS))]} "
                f"{wordings[rng.integers(len(wordings))]} "
                f"{FILLERS[rng.integers(len(FILLERS))]} order {rng.integers(1000)}"
            )
            labels.append(label)
    return texts, labels


class Smuggled:
    """A type no model ever holds."""


@tagged("post_install", "-at_install")
class TestClassifier(BaseCase):
    """The classifier's pure logic, without a database."""

    def _data(self):
        texts = [t for label in TEXTS for t in TEXTS[label]] * 2
        labels = [label for label in TEXTS for _t in TEXTS[label]] * 2
        return texts, labels

    def test_train_predict_and_safe_round_trip(self):
        texts, labels = self._data()
        model, metrics, seconds = classifier.train(texts, labels)
        self.assertEqual(metrics["size"], 20)
        self.assertGreater(seconds, 0)
        restored = classifier.loads(classifier.dumps(model))
        label, confidence, _known = classifier.predict(
            restored, "please reset my password"
        )
        self.assertEqual(label, "password")
        self.assertGreater(confidence, 0.5)
        self.assertEqual(
            classifier.predict(restored, "cannot log in"),
            classifier.predict(model, "cannot log in"),
        )

    def test_single_prediction_matches_the_batch_path(self):
        # predict() scores each feature block apart; it must give what the
        # pipeline's own scores give, with three classes and with two
        two = self._data()
        orders = ["where is my parcel", "order not delivered", "track my order"] * 2
        three = (two[0] + orders, two[1] + ["order"] * len(orders))
        probes = ["refund my password order", "parcel money", "zzz", ""]
        for count, (texts, labels) in ((3, three), (2, two)):
            model, _metrics, _seconds = classifier.train(texts, labels)
            pipeline = classifier.pipeline_of(model)
            self.assertEqual(len(pipeline.classes_), count)
            proba, _novelty = classifier._batch(model, probes)
            for text, row in zip(probes, proba, strict=True):
                label, confidence, _known = classifier.predict(model, text)
                self.assertEqual(label, pipeline.classes_[row.argmax()])
                self.assertAlmostEqual(confidence, row.max(), places=10)
            raw = pipeline.decision_function(probes)
            if raw.ndim == 1:
                raw = np.column_stack([-raw / 2, raw / 2])
            self.assertTrue(
                np.allclose(softmax(raw / model["temperature"], axis=1), proba)
            )

    def test_tampered_model_with_other_types_is_refused(self):
        texts, labels = self._data()
        model, _metrics, _seconds = classifier.train(texts, labels)
        smuggled = sio.dumps({"model": model, "payload": Smuggled()})
        with self.assertRaisesRegex(classifier.UntrustedModel, "Smuggled"):
            classifier.loads(smuggled)

    def test_threshold_holds_at_the_lower_bound_of_precision(self):
        # a small perfect hold-out proves nothing: no threshold is safe
        self.assertEqual(
            classifier.threshold_for_precision([0.99] * 20, [True] * 20), (1.0, 0.0)
        )
        # a large precise one never falls under the floor: predictions more
        # often wrong than right stay with people
        confidence = np.r_[np.linspace(0.99, 0.6, 900), np.linspace(0.45, 0.2, 100)]
        threshold, coverage = classifier.threshold_for_precision(
            confidence, [True] * 1000
        )
        self.assertGreaterEqual(threshold, classifier.FLOOR)
        self.assertAlmostEqual(coverage, 0.9)
        # the point estimate says 97% over the 100 most confident; the bound
        # of 100 cases does not: the cut stays above them
        confidence = np.linspace(0.99, 0.5, 1000)
        correct = np.r_[[True] * 97, [False] * 3, [True] * 900]
        _threshold, coverage = classifier.threshold_for_precision(confidence, correct)
        lower = classifier.wilson_lower_bound(np.cumsum(correct), np.arange(1, 1001))[
            int(coverage * 1000) - 1
        ]
        self.assertGreaterEqual(lower, 0.97)
        self.assertEqual(classifier.threshold_for_precision([0.5], [False]), (1.0, 0.0))
        self.assertEqual(classifier.threshold_for_precision([], []), (1.0, 0.0))

    def test_calibration_error_and_reliability(self):
        self.assertAlmostEqual(
            classifier.expected_calibration_error([1.0, 1.0], [True, True]), 0
        )
        self.assertAlmostEqual(
            classifier.expected_calibration_error([0.9], [False]), 0.9
        )
        rows = classifier.reliability(
            [0.95, 0.92, 0.55, 0.0], [True, False, True, False]
        )
        self.assertEqual(
            rows,
            [
                {"bin": "0.0-0.1", "count": 1, "confidence": 0.0, "accuracy": 0.0},
                {"bin": "0.5-0.6", "count": 1, "confidence": 0.55, "accuracy": 1.0},
                {"bin": "0.9-1.0", "count": 2, "confidence": 0.935, "accuracy": 0.5},
            ],
        )

    def test_temperature_is_fitted_to_the_scores(self):
        rng = np.random.default_rng(0)
        truth = rng.integers(3, size=2000)
        scores = rng.normal(size=(2000, 3))
        scores[np.arange(2000), truth] += 1.0
        # the same scores ten times sharper need a temperature ten times higher
        base = classifier.fit_temperature(scores, truth)
        self.assertAlmostEqual(
            classifier.fit_temperature(scores * 10, truth), base * 10, delta=base * 0.1
        )

    def test_near_duplicates_share_a_fold(self):
        texts = [
            "My card has not arrived!",
            "my card has NOT arrived",
            "arrived has not my card",
            "Card 1234 not arrived",
            "card 99 not arrived",
            "where is my refund",
        ] * 3
        labels = ["card", "card", "card", "card", "card", "refund"] * 3
        groups = [classifier.near_duplicate_key(text) for text in texts]
        self.assertEqual(len({groups[0], groups[1], groups[2]}), 1)
        self.assertEqual(groups[3], groups[4], "numbers do not make a new text")
        folds = classifier.assign_folds(labels, groups, 3)
        for group in set(groups):
            self.assertEqual(
                len({f for f, g in zip(folds, groups, strict=True) if g == group}), 1
            )

    def test_odd_input_trains_and_predicts_without_a_crash(self):
        texts, labels = catalogue()
        texts += [None, "", "   ", "lone \ud800 surrogate", "\udfff", "😀 emoji", 42]
        labels += ["refund", "refund", "password", "password", "invoice", "outage", "b"]
        model, metrics, _seconds = classifier.train(texts, labels)
        self.assertEqual(metrics["size"], len(texts))
        for text in (None, "", "\ud800", "a\udc00b", "x" * 20000, "\x00\x01"):
            label, confidence, _known = classifier.predict(model, text)
            self.assertIn(label, set(labels))
            self.assertTrue(0 <= confidence <= 1)

    def test_small_and_lopsided_sets_train(self):
        texts, labels = catalogue(count=6)
        # a label with one example; two labels; more intents than a 20%
        # hold-out could hold one case of (120 cases over 30 intents)
        for case_texts, case_labels in (
            (texts + ["a lonely request"], labels + ["lonely"]),
            (texts[:12], labels[:12]),
            (
                [f"request {n} about topic {n % 30} item" for n in range(120)],
                [f"intent{n % 30}" for n in range(120)],
            ),
        ):
            model, metrics, _seconds = classifier.train(case_texts, case_labels)
            self.assertTrue(classifier.predict(model, case_texts[0]).label)
            self.assertLessEqual(metrics["threshold"], 1.0)

    def test_one_label_or_no_words_is_a_clear_error(self):
        with self.assertRaisesRegex(classifier.TrainingError, "two labels"):
            classifier.train(["a text", "another"], ["refund", "refund"])
        with self.assertRaisesRegex(classifier.TrainingError, "two labels"):
            classifier.train(["a text", "another"], [None, ""])
        with self.assertRaisesRegex(classifier.TrainingError, "no words"):
            classifier.train(["", None], ["a", "b"])

    def test_email_about_no_known_intent_goes_to_review(self):
        texts, labels = catalogue(count=40)
        model, metrics, _seconds = classifier.train(texts, labels)
        self.assertLessEqual(metrics["unknown_routed"], classifier.UNKNOWN_ROUTED)
        known = classifier.predict(model, "hello reset my password thanks")
        self.assertEqual(known.label, "password")
        self.assertTrue(known.known)
        self.assertGreaterEqual(known.confidence, model["threshold"])
        stranger = classifier.predict(
            model, "We would like to propose a partnership for the trade fair"
        )
        self.assertFalse(
            stranger.known and stranger.confidence >= model["threshold"],
            "an unrelated email is not applied",
        )

    def test_cases_agents_marked_as_none_of_these_are_never_applied(self):
        texts, labels = catalogue(count=30)
        others = [
            "partnership proposal for your marketing",
            "invitation to our trade fair booth",
            "job application for the sales position",
            "newsletter sponsorship offer",
        ] * 6
        model, _metrics, _seconds = classifier.train(
            texts + others, labels + [classifier.OTHER] * len(others)
        )
        prediction = classifier.predict(model, "a partnership proposal for your team")
        self.assertEqual(prediction.label, classifier.OTHER)
        self.assertFalse(prediction.known)
