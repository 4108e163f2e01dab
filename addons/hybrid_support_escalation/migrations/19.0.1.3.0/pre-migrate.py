def migrate(cr, version):
    """The case's free-text intent is gone (now ``hs_intent_id``): this
    addon's extension views that still name it would fail the validation of
    the views loaded before them; they are emptied, and their files, loaded
    next, write them again."""
    cr.execute(
        """
        UPDATE ir_ui_view AS view
           SET arch_db = jsonb_build_object('en_US', '<data/>')
          FROM ir_model_data AS xmlid
         WHERE xmlid.model = 'ir.ui.view'
           AND xmlid.res_id = view.id
           AND xmlid.module = 'hybrid_support_escalation'
           AND view.inherit_id IS NOT NULL
           AND view.model = 'helpdesk.ticket'
           AND view.arch_db->>'en_US' ~ 'name="intent"'
        """
    )
