"""`hotline doctor`: check the setup before going live; the exit status is 1 when something must be fixed."""
from __future__ import annotations

import click

from ..config import Settings, UnsafeSettings
from ..monitoring import doctor as checks

MARK = {checks.OK: "ok  ", checks.WARN: "note", checks.FIX: "FIX "}


@click.command("doctor")
def doctor() -> None:
    """Check what must be right before going live: Twilio, PUBLIC_URL, database, workers, people, budget."""
    try:
        settings = Settings.from_env()
    except UnsafeSettings as refused:
        click.echo(str(refused))
        click.echo("\n1 thing to fix first: the settings above (then run `hotline doctor` again).")
        raise SystemExit(1) from None
    to_fix = 0
    for topic, findings in checks.examine(settings):
        click.echo(topic)
        for finding in findings:
            click.echo(f"  {MARK[finding.state]} {finding.what}")
            if finding.fix:
                click.echo(f"       -> {finding.fix}")
            to_fix += finding.state == checks.FIX
    if to_fix:
        click.echo(f"\n{to_fix} thing{'s' if to_fix > 1 else ''} to fix before going live.")
        raise SystemExit(1)
    click.echo("\nReady: nothing to fix.")
