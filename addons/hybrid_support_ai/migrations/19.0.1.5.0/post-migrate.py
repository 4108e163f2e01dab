"""Routing-log rows of a trained model refer to its version (ai_model_id)
instead of a name and number to parse: fill it for the rows logged before
(named "Team v3", or "Intent v3 (shadow, not applied)", with version "3")."""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE hybrid_support_routing_log AS log
           SET ai_model_id = m.id
          FROM hybrid_support_ai_model AS m
         WHERE log.ai_model_id IS NULL
           AND log.source = 'model'
           AND m.company_id = log.company_id
           AND m.version::text = log.model_version
           AND (m.name = log.model_name || ' v' || log.model_version
                OR log.model_name = m.name || ' (shadow, not applied)')
        """
    )
