"""Events written before the deflection was stored on them: mark the
answers given before any case (tools/deflection.py's rule, the first of each
visitor and day) and the team of their article's category."""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        WITH keyed AS (
            SELECT e.id,
                   COALESCE('p' || e.partner_id::text, 's' || e.session_hash)
                       || ':' || to_char(e.create_date, 'YYYY-MM-DD') AS key,
                   e.ticket_id, e.event_type, e.source
              FROM hybrid_support_kb_event e
        ), candidates AS (
            SELECT e.id, e.key,
                   ROW_NUMBER() OVER (PARTITION BY e.key ORDER BY e.id) AS n
              FROM keyed e
             WHERE e.ticket_id IS NULL
               AND e.key IS NOT NULL
               AND ((e.event_type = 'deflected' AND e.source = 'new_case')
                 OR (e.event_type = 'helpful'
                     AND e.source IN ('search', 'new_case')))
        )
        UPDATE hybrid_support_kb_event e
           SET deflection = TRUE, deflection_key = c.key
          FROM candidates c
         WHERE c.id = e.id AND c.n = 1
        """
    )
    cr.execute(
        """
        UPDATE hybrid_support_kb_event e
           SET team_id = (
               SELECT t.id
                 FROM helpdesk_ticket_team t
                 JOIN helpdesk_ticket_category_helpdesk_ticket_team_rel r
                   ON r.helpdesk_ticket_team_id = t.id
                WHERE r.helpdesk_ticket_category_id = a.category_id
                  AND (t.company_id = e.company_id OR t.company_id IS NULL)
                ORDER BY t.sequence, t.id
                LIMIT 1)
          FROM hybrid_support_kb_article a
         WHERE a.id = e.article_id AND a.category_id IS NOT NULL
        """
    )
