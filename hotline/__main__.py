"""`python -m hotline` is the `hotline` command."""
from .cli import main

main()
