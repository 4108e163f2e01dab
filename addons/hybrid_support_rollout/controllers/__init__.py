from . import portal_feedback
