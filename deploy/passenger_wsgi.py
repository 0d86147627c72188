"""Passenger entry (cPanel/DirectAdmin "Python app", Plesk, DreamHost).

Set the application root to the project folder, the startup file to deploy/passenger_wsgi.py
(or copy this file into the project folder) and the entry point to `application`.
The instance folder is the one `deploy/publish.py --instance` recorded (common/instance.py);
a panel's BUURTBEMIDDELING_INSTANCE variable, where set, takes precedence.
"""
import os
import sys
from pathlib import Path

PROJECT = next(p for p in Path(__file__).resolve().parents if (p / "app.py").is_file())
VENV = PROJECT / ".venv"

# Some hosts start Passenger with the system Python: switch to the project's virtualenv.
if (VENV / "bin" / "python").is_file() and Path(sys.prefix).resolve() != VENV.resolve():
    os.execl(VENV / "bin" / "python", VENV / "bin" / "python", *sys.argv)

sys.path.insert(0, str(PROJECT))

from app import create_app  # noqa: E402

application = create_app()
