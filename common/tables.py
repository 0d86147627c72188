"""Every table of the programme's store, by name: the one place a table name is written.

Each name becomes a file, ``data/tables/<name>.json`` (db/storage.py). Area modules import the
name from here (``CASES = tables.CASES`` keeps their own short spelling), and so does the site
builder, which reads the settings table raw; no other module writes a table name as a string. ``tests/test_table_names.py`` holds every path to it, and fails on a table
in a demo instance that is not listed here.
"""
from __future__ import annotations

# Cases and their history
CASES = "cases"
CASE_EVENTS = "case_events"  # the timeline of every case
APPOINTMENTS = "appointments"
REPORTS = "reports"  # conflict reports and referrals from the public forms and the phone
HANDOVERS = "handovers"
DUO_PROPOSALS = "duo_proposals"

# Volunteers
APPLICATIONS = "applications"
VOLUNTEERS = "volunteers"
TRAININGS = "trainings"  # the catalogue
TRAINING_RECORDS = "training_records"  # who followed what, when
EVENTS = "events"  # trainings, intervision and other meetings with invitees
VOLUNTEER_FEEDS = "volunteer_feeds"  # each volunteer's calendar feed token
VOLUNTEER_SIGNALS = "volunteer_signals"
POPULATION = "population"  # the town's make-up, for the pool's diversity

# Quality and coaching
DEBRIEFS = "debriefs"
NAZORG = "nazorg"
COACHING_NOTES = "coaching_notes"

# Programme
PROTOCOLS = "protocols"
PROTOCOL_VERSIONS = "protocol_versions"
PROTOCOL_ACKNOWLEDGEMENTS = "protocol_acknowledgements"
PARTNERS = "partners"
PARTNER_CONTACTS = "partner_contacts"
PARTNER_LOG = "partner_log"
PARTNER_AGREEMENTS = "partner_agreements"
BUDGET_LINES = "budget_lines"
BUDGET_EXPENSES = "budget_expenses"
EXPENSE_CLAIMS = "expense_claims"
PLANNING_PROJECTS = "planning_projects"
PLANNING_TASKS = "planning_tasks"
DEVELOPMENT_LOG = "development_log"
PUBLICITY = "publicity"
REPORT_NARRATIVES = "report_narratives"

# Accounts, messages and settings
USERS = "users"
INVITATIONS = "invitations"
OUTBOX = "outbox"
MESSAGE_TEMPLATES = "message_templates"
LISTS = "lists"  # the configurable lists (conflict types, wijken, referrers...)
SETTINGS = "settings"

ALL = frozenset(value for name, value in dict(globals()).items() if name.isupper() and isinstance(value, str))
