from . import portal_feedback
from . import portal
