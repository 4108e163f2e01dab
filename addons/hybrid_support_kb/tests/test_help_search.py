"""The search index: customers' words, typos, audiences, and an index that
follows every change of the articles, whoever made it."""

from odoo import SUPERUSER_ID, api, sql_db
from odoo.tests import TransactionCase, tagged

from ..tools.search_index import Document, SearchIndex

DOCS = [
    Document(
        1,
        "How to reset your password",
        "login locked sign in",
        "Forgot password link.",
        1,
        "public",
    ),
    Document(
        2,
        "Refunds and duplicate charges",
        "refund charged twice money back",
        "Refunded in 5 days.",
        2,
        "customers",
    ),
    Document(
        3,
        "Tracking your order",
        "parcel delivery shipped",
        "Your tracking link.",
        3,
        "internal",
    ),
    Document(
        4,
        "Change the delivery address",
        "parcel shipping address moved",
        "Reply with the address.",
        3,
        "public",
    ),
]


@tagged("post_install", "-at_install")
class TestSearchIndexTool(TransactionCase):
    """Pure: no database needed, run with the others for convenience."""

    def setUp(self):
        super().setUp()
        self.index = SearchIndex(DOCS)

    def keys(self, query, **kwargs):
        return [key for key, _score in self.index.search(query, **kwargs)]

    def test_customers_words_find_the_article(self):
        self.assertEqual(self.keys("I want my money back")[:1], [2])
        self.assertEqual(set(self.keys("where is my parcle")), {3, 4})

    def test_typos_are_tolerated(self):
        self.assertEqual(self.keys("pasword lokced")[:1], [1])
        self.assertEqual(self.keys("refnd")[:1], [2])

    def test_unrelated_text_finds_nothing(self):
        self.assertEqual(self.keys("sunny weather today"), [])
        self.assertEqual(self.keys(""), [])
        self.assertEqual(self.keys("!!! ??"), [])

    def test_audiences_and_category_filter(self):
        self.assertNotIn(3, self.keys("parcel", audiences=("public",)))
        self.assertIn(3, self.keys("parcel", audiences=("public", "internal")))
        self.assertEqual(self.keys("parcel", category=3, audiences=("public",)), [4])

    def test_related_prefers_the_same_category_and_never_itself(self):
        related = [
            key for key, _ in self.index.related(4, audiences=("public", "internal"))
        ]
        self.assertEqual(related[0], 3)
        self.assertNotIn(4, related)

    def test_hostile_queries_stay_fast(self):
        index = SearchIndex(
            [
                Document(i, f"article {i} topic{i}", body="word " * 200)
                for i in range(300)
            ]
        )
        for query in ("a" * 100_000, "é" * 5000 + "x", " ".join(["zzzzzz"] * 5000)):
            index.search(query)

    def test_empty_index(self):
        self.assertEqual(SearchIndex([]).search("password"), [])
        self.assertEqual(SearchIndex([]).related(1), [])


@tagged("post_install", "-at_install")
class TestSearchIndexFollowsTheDatabase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Article = cls.env["hybrid.support.kb.article"]
        cls.company = cls.env.company
        cls.article = cls.Article.create(
            {
                "name": "Quokka feeding schedule",
                "keywords": "quokka",
                "state": "published",
                "audience": "public",
            }
        )

    def found(self, text):
        return self.Article._suggest(text, company=self.company)

    def test_same_signature_reuses_the_index(self):
        first = self.Article._search_index(self.company)
        self.assertIs(self.Article._search_index(self.company), first)

    def test_orm_changes_rebuild_the_index(self):
        self.assertEqual(self.found("quokka"), self.article)
        self.article.name = "Wombat feeding schedule"
        self.assertEqual(self.found("wombat"), self.article)
        self.article.action_unpublish()
        self.assertFalse(self.found("wombat"))
        self.article.state = "published"
        self.article.audience = "internal"
        self.assertFalse(self.found("wombat"))
        self.assertEqual(
            self.Article._suggest("wombat", audiences=("internal",)), self.article
        )
        self.article.unlink()
        self.assertFalse(self.Article._suggest("wombat", audiences=("internal",)))

    def test_change_committed_by_another_worker_is_seen(self):
        """Two workers, two real connections: the index this process built
        is not trusted once another connection committed a change, even a
        raw UPDATE that leaves write_date alone."""
        db = sql_db.db_connect(self.env.cr.dbname)

        def in_own_transaction(function):
            with db.cursor() as cr:
                result = function(api.Environment(cr, SUPERUSER_ID, {"lang": "en_US"}))
                # a cursor of its own: what another worker commits
                cr.commit()  # pylint: disable=invalid-commit
                return result

        article_id = in_own_transaction(
            lambda env: (
                env["hybrid.support.kb.article"]
                .create(
                    {
                        "name": "Narwhal tusk care",
                        "keywords": "narwhal",
                        "state": "published",
                        "audience": "public",
                        "company_id": False,
                    }
                )
                .id
            )
        )
        self.addCleanup(
            in_own_transaction,
            lambda env: env.cr.execute(
                "DELETE FROM hybrid_support_kb_article WHERE id = %s", [article_id]
            ),
        )

        def suggest(text):
            return in_own_transaction(
                lambda env: env["hybrid.support.kb.article"]._suggest(text).ids
            )

        self.assertEqual(suggest("narwhal"), [article_id])
        in_own_transaction(
            lambda env: env.cr.execute(
                "UPDATE hybrid_support_kb_article SET keywords = 'axolotl' "
                "WHERE id = %s",
                [article_id],
            )
        )
        self.assertEqual(suggest("axolotl"), [article_id])
        in_own_transaction(
            lambda env: env.cr.execute(
                "UPDATE hybrid_support_kb_article SET state = 'draft' WHERE id = %s",
                [article_id],
            )
        )
        self.assertEqual(suggest("axolotl"), [])

    def test_translations_are_indexed_per_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.article.with_context(lang="fr_FR").name = "Horaire des repas du quokka"
        french = self.Article.with_context(lang="fr_FR")._suggest("horaire repas")
        self.assertEqual(french, self.article)
        self.assertFalse(
            self.Article.with_context(lang="en_US")._suggest("horaire repas")
        )
