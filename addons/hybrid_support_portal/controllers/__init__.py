from . import portal
from . import new_ticket
