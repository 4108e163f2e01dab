from . import hybrid_support_kb_draft_wizard
