"""Which roles may call which admin API routes."""

from __future__ import annotations

from dataclasses import dataclass, field

ROLE_PERMISSIONS: dict[str, set[str]] = {
    "viewer": {"invoices:read", "customers:read"},
    "accountant": {"invoices:read", "invoices:write", "customers:read"},
    "support": {"customers:read", "customers:write", "invoices:read"},
    "owner": {"*"},
}

ROUTE_PERMISSIONS: dict[tuple[str, str], str] = {
    ("GET", "/invoices"): "invoices:read",
    ("POST", "/invoices"): "invoices:write",
    ("GET", "/customers"): "customers:read",
    ("PATCH", "/customers"): "customers:write",
    ("POST", "/invoices/refund"): "payments:write",
}


@dataclass
class User:
    name: str
    roles: list[str] = field(default_factory=list)
    extra_permissions: set[str] = field(default_factory=set)


def effective_permissions(user: User) -> set[str]:
    granted = set(user.extra_permissions)
    for role in user.roles:
        granted |= ROLE_PERMISSIONS.get(role, set())
    return granted


def is_allowed(user: User, method: str, route: str) -> bool:
    """Unknown routes are denied."""
    required = ROUTE_PERMISSIONS.get((method.upper(), route))
    if required is None:
        return False
    granted = effective_permissions(user)
    return "*" in granted or required in granted
