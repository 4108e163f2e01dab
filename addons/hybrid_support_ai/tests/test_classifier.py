import skops.io as sio

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


class Smuggled:
    """A type no model ever holds."""


@tagged("post_install", "-at_install")
class TestClassifier(BaseCase):
    def _data(self):
        texts = [t for label in TEXTS for t in TEXTS[label]] * 2
        labels = [label for label in TEXTS for _t in TEXTS[label]] * 2
        return texts, labels

    def test_train_predict_and_safe_round_trip(self):
        texts, labels = self._data()
        pipeline, metrics, seconds = classifier.train(texts, labels)
        self.assertEqual(metrics["size"], 20)
        self.assertGreater(seconds, 0)
        restored = classifier.loads(classifier.dumps(pipeline))
        label, confidence = classifier.predict(restored, "please reset my password")
        self.assertEqual(label, "password")
        self.assertGreater(confidence, 0.5)

    def test_single_prediction_matches_scikit_learn(self):
        # predict() scores each feature block apart; it must give what the
        # pipeline's own predict_proba gives, with three classes and with two
        two = self._data()
        orders = ["where is my parcel", "order not delivered", "track my order"] * 2
        three = (two[0] + orders, two[1] + ["order"] * len(orders))
        probes = ["refund my password order", "parcel money", "zzz", ""]
        for count, (texts, labels) in ((3, three), (2, two)):
            pipeline = classifier.build_pipeline().fit(texts, labels)
            self.assertEqual(len(pipeline.classes_), count)
            for text in probes:
                proba = pipeline.predict_proba([text])[0]
                label, confidence = classifier.predict(pipeline, text)
                self.assertEqual(label, pipeline.classes_[proba.argmax()])
                self.assertAlmostEqual(confidence, proba.max(), places=12)

    def test_tampered_model_with_other_types_is_refused(self):
        texts, labels = self._data()
        pipeline, _metrics, _seconds = classifier.train(texts, labels)
        smuggled = sio.dumps({"model": pipeline, "payload": Smuggled()})
        with self.assertRaisesRegex(classifier.UntrustedModel, "Smuggled"):
            classifier.loads(smuggled)

    def test_threshold_and_calibration(self):
        confidence = [0.99, 0.95, 0.9, 0.6, 0.5]
        correct = [True, True, True, False, True]
        self.assertEqual(
            classifier.threshold_for_precision(confidence, correct, 1.0), (0.9, 0.6)
        )
        self.assertEqual(classifier.threshold_for_precision([0.5], [False]), (1.0, 0.0))
        self.assertAlmostEqual(
            classifier.expected_calibration_error([1.0, 1.0], [True, True]), 0
        )
        self.assertAlmostEqual(
            classifier.expected_calibration_error([0.9], [False]), 0.9
        )
