"""Worker entry point: `python worker.py`, the same as `hotline worker`."""
from hotline.worker import main

if __name__ == "__main__":
    main()
