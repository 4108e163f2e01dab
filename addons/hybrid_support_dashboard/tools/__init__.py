# Pure Python helpers: no ORM, importable and testable without a database.
from . import dashboards, onboarding
