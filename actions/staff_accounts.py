"""Staff accounts: the one way one is created (`python bot.py staff add`, tests, benchmarks)."""

from __future__ import annotations

from datetime import datetime

from core.passwords import hash_password
from storage.models import StaffRole, StaffUser
from storage.repositories import Repositories


async def add_staff(
    repos: Repositories,
    *,
    username: str,
    password: str,
    role: StaffRole,
    display_name: str,
    now: datetime,
    department: str | None = None,
) -> StaffUser:
    """Create an account (raises `storage.repositories.StaffExists` when the username is taken)."""
    if not username or not username.replace("_", "").replace("-", "").replace(".", "").isalnum():
        raise ValueError("username: letters, digits, '.', '_' and '-' only")
    if len(password) < 8:
        raise ValueError("password: at least 8 characters")
    if department and await repos.departments.by_id(department) is None:
        known = ", ".join(d.id for d in await repos.departments.all())
        raise ValueError(f"department: one of {known}")
    user = StaffUser(
        username=username,
        password_hash=await hash_password(password),
        role=role,
        display_name=display_name or username,
        created_at=now,
        department=department or None,
    )
    await repos.staff.create(user)
    return user
