"""WSGI entry point: `gunicorn wsgi:app` (reads a .env file in the working directory, as the CLI does)."""
from dotenv import load_dotenv

from hotline import create_app, logs
from hotline.config import UnsafeSettings
from hotline.migrate import OutdatedSchema

load_dotenv()
# The hotline's own lines go to stderr beside gunicorn's, numbers masked on every handler.
logs.configure()
try:
    app = create_app()
except (UnsafeSettings, OutdatedSchema) as refused:
    # What to fix (the settings, or `hotline db upgrade`), without a traceback, and a non-zero exit.
    raise SystemExit(str(refused)) from None
