"""WSGI entry point: `gunicorn wsgi:app` (reads a .env file in the working directory, as the CLI does)."""
from dotenv import load_dotenv

from hotline import create_app

load_dotenv()
app = create_app()
