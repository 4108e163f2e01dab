def migrate(cr, version):
    """One shadow version per company and target: every email is scored by
    every shadow, and the older ones were never to be promoted."""
    cr.execute(
        """
        UPDATE hybrid_support_ai_model AS old
           SET state = 'retired'
         WHERE old.state = 'shadow'
           AND EXISTS (
                SELECT 1
                  FROM hybrid_support_ai_model AS new
                 WHERE new.state = 'shadow'
                   AND new.company_id = old.company_id
                   AND new.target = old.target
                   AND new.version > old.version
           )
        """
    )
