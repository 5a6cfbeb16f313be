"""WSGI entry point: `gunicorn wsgi:app` (reads a .env file in the working directory, as the CLI does)."""
from dotenv import load_dotenv

from hotline import create_app
from hotline.config import UnsafeSettings
from hotline.migrate import OutdatedSchema

load_dotenv()
# create_app sets up logging (LOG_LEVEL, to stderr beside gunicorn's lines, numbers masked) and the access log.
try:
    app = create_app()
except (UnsafeSettings, OutdatedSchema) as refused:
    # What to fix (the settings, or `hotline db upgrade`), without a traceback, and a non-zero exit.
    raise SystemExit(str(refused)) from None
