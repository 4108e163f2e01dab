def migrate(cr, version):
    """``source_ticket_id`` (one case) became ``source_ticket_ids`` (the
    cases merged into one draft): the case an article was drafted from is
    kept as its first source."""
    cr.execute(
        """
        SELECT 1 FROM information_schema.columns
         WHERE table_name = 'hybrid_support_kb_article'
           AND column_name = 'source_ticket_id'
        """
    )
    if not cr.fetchone():
        return
    cr.execute(
        """
        INSERT INTO hybrid_support_kb_article_ticket_rel (article_id, ticket_id)
        SELECT id, source_ticket_id
          FROM hybrid_support_kb_article
         WHERE source_ticket_id IS NOT NULL
        ON CONFLICT DO NOTHING
        """
    )
    cr.execute("ALTER TABLE hybrid_support_kb_article DROP COLUMN source_ticket_id")
