from . import hybrid_support_kb_article
