"""`python bot.py staff add USERNAME --role agent|supervisor|admin --name "Display" [--department ID]`.

The password is asked twice on a terminal (never echoed), or read from the first line of
standard input with `--password-stdin` (for scripts: `printf '%s\\n' "$PW" | python bot.py ...`).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import UTC, datetime

from storage.data.dispatch import default_departments
from storage.models import StaffRole
from storage.mongo import connect_mongo
from storage.repositories import Repositories, StaffExists


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="staff_command", required=True)
    add = sub.add_parser("add", help="create a staff console account")
    add.add_argument("username")
    add.add_argument("--role", choices=[r.value for r in StaffRole], default=StaffRole.AGENT.value)
    add.add_argument("--name", default="", help="display name shown to citizens (default: the username)")
    add.add_argument(
        "--department", default=None, help="the department whose complaints queue they work (e.g. signals, parking)"
    )
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")


def read_password(from_stdin: bool) -> str:
    if from_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Repeat the password: "):
        raise ValueError("the passwords differ")
    return first


async def add_account(mongo_url: str, db: str, args: argparse.Namespace, password: str) -> str:
    """Create the account; returns a one-line report (raises ValueError / StaffExists)."""
    from actions.staff_accounts import add_staff

    client = connect_mongo(mongo_url)
    try:
        repos = Repositories.from_db(client[db])
        await repos.departments.ensure(default_departments(datetime.now(UTC)))
        user = await add_staff(
            repos,
            username=args.username,
            password=password,
            role=StaffRole(args.role),
            display_name=args.name,
            now=datetime.now(UTC),
            department=args.department,
        )
    finally:
        await client.close()
    where = f", department {user.department}" if user.department else ""
    return f"created {user.role.value} account {user.username!r} ({user.display_name}{where})"


__all__ = ["StaffExists", "add_account", "add_arguments", "read_password"]
