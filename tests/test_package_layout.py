"""What an installed hotline needs lives inside the package (.ci/wheel checks the built wheel)."""
from __future__ import annotations

from hotline import migrate
from hotline.config import PACKAGE_DIR, PROJECT_ROOT


def test_no_migration_is_left_outside_the_package_where_an_installed_hotline_would_miss_it():
    # A branch that still adds to the old top-level folder merges there unless git follows the move
    # (`git -c merge.directoryRenames=true merge`): an installed hotline would never run it.
    assert not (PROJECT_ROOT / "migrations").exists(), "move migrations/versions/* into hotline/migrations/versions/"
    assert migrate.MIGRATIONS == PACKAGE_DIR / "migrations"
    assert sorted(p.name for p in (migrate.MIGRATIONS / "versions").glob("*.py"))[0] == "0001_foundation.py"
