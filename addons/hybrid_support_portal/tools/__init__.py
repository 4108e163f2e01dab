from . import support_roles
