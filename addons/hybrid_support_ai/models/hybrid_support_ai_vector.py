"""The sentence vectors of the texts a training encoded, kept for the next
trainings: encoding is most of a retraining with sentence vectors (15,000
texts, minutes on two cores), and the nightly job retrains the intent, team
and priority models on mostly the same cases. Keyed by the company, the
encoder's identity and a hash of the text (never the text itself); read and
written only by the training, in bulk SQL."""

import numpy as np

from odoo import api, fields, models

from ..tools import embeddings

# A vector no training has read for this many days (a case deleted, a text
# rewritten, another encoder) is dropped at the next training
KEEP_DAYS = 30


class HybridSupportAiVector(models.Model):
    _name = "hybrid.support.ai.vector"
    _description = "Sentence vector of a training text"
    _log_access = False

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, ondelete="cascade"
    )
    encoder = fields.Char(
        required=True,
        readonly=True,
        help="Digest of the encoder's files and settings that computed it.",
    )
    text_hash = fields.Char(required=True, readonly=True)
    # raw float32 bytes, written and read by SQL only
    vector = fields.Binary(attachment=False, readonly=True)
    used_on = fields.Date(required=True, readonly=True)

    _text_unique = models.Constraint(
        "UNIQUE(company_id, encoder, text_hash)",
        "A text has one vector per encoder and company.",
    )

    @api.model
    def _load_vectors(self, company, folder, texts):
        """``{(folder, text): vector}`` of the ``texts`` a training of
        ``company`` encoded before with the encoder in ``folder`` (what
        ``classifier.train(vectors=...)`` takes); marks them used today."""
        identity = embeddings.identity(folder)
        by_hash = {embeddings.text_hash(text): text for text in texts}
        where = (company.id, identity, list(by_hash))
        self.env.cr.execute(
            """
            SELECT text_hash, vector FROM hybrid_support_ai_vector
             WHERE company_id = %s AND encoder = %s AND text_hash = ANY(%s)
            """,
            where,
        )
        vectors = {
            (folder, embeddings.valid_text(by_hash[text_hash])): np.frombuffer(
                bytes(vector), dtype=np.float32
            )
            for text_hash, vector in self.env.cr.fetchall()
        }
        # once a day: the three targets of a night read the same rows
        self.env.cr.execute(
            """
            UPDATE hybrid_support_ai_vector SET used_on = CURRENT_DATE
             WHERE company_id = %s AND encoder = %s AND text_hash = ANY(%s)
               AND used_on < CURRENT_DATE
            """,
            where,
        )
        return vectors

    @api.model
    def _store_vectors(self, company, folder, vectors, known=()):
        """Keep the ``vectors`` a training of ``company`` encoded (all but
        the keys in ``known``, read from here), and drop the ones no
        training read for KEEP_DAYS. A vector another worker stored
        meanwhile is left as it is."""
        identity = embeddings.identity(folder)
        rows = [
            (
                company.id,
                identity,
                embeddings.text_hash(text),
                np.asarray(vector, dtype=np.float32).tobytes(),
            )
            for (model, text), vector in vectors.items()
            if model == folder and (model, text) not in known
        ]
        if rows:
            self.env.cr.execute_values(
                """
                INSERT INTO hybrid_support_ai_vector
                       (company_id, encoder, text_hash, vector, used_on)
                VALUES %s
                ON CONFLICT (company_id, encoder, text_hash) DO NOTHING
                """,
                rows,
                template="(%s, %s, %s, %s, CURRENT_DATE)",
                page_size=1000,
            )
        self.env.cr.execute(
            """
            DELETE FROM hybrid_support_ai_vector
             WHERE company_id = %s
               AND used_on < CURRENT_DATE - %s
            """,
            (company.id, KEEP_DAYS),
        )
        return len(rows)
