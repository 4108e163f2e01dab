from . import helpdesk_ticket, hybrid_support_kb_article
