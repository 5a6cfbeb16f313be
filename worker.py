"""Worker entry point: `python worker.py`, the same as `hotline worker`."""
from hotline.cli.server import worker_main

if __name__ == "__main__":
    worker_main()
