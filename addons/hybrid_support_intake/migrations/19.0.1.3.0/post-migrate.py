"""Routing-log rows name the field they changed by reference (field_id), no
longer only by its label: fill it for the rows logged before."""

# the fields routing decisions change (rules, fallback, models, overrides)
ROUTED = ("team_id", "user_id", "priority", "category_id", "tag_ids", "hs_intent_id")


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE hybrid_support_routing_log AS log
           SET field_id = f.id
          FROM ir_model_fields AS f
         WHERE log.field_id IS NULL
           AND log.field_name IS NOT NULL AND log.field_name != ''
           AND f.model = 'helpdesk.ticket'
           AND f.name IN %s
           AND f.field_description->>'en_US' = log.field_name
        """,
        (ROUTED,),
    )
