"""WSGI entry point: `gunicorn wsgi:app` (reads a .env file in the working directory, as the CLI does)."""
from dotenv import load_dotenv

from hotline import create_app, logs

load_dotenv()
# The hotline's own lines go to stderr beside gunicorn's, numbers masked on every handler.
logs.configure()
app = create_app()
