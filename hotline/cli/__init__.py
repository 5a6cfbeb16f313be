"""The `hotline` command: one group, each of its subcommands in a module of its own."""
from __future__ import annotations

import click
from dotenv import load_dotenv

from . import blocks, chat, db, doctor, needs, outbox, privacy, server, translations, users, voice, volunteers


@click.group()
def main() -> None:
    """An SMS and voice hotline for mutual-aid networks."""
    load_dotenv()


for command in (server.run, server.worker, db.db, needs.needs_command, outbox.outbox, chat.chat, translations.translations,
                users.users_group, voice.voice, volunteers.volunteers_group, privacy.forget,
                privacy.retention_command, blocks.block, blocks.unblock, doctor.doctor):
    main.add_command(command)
