"""Keystone's revocation behaviour: the changes that make existing tokens stop working.

A password change, disabling or deleting a user revokes all of that user's tokens; disabling or deleting a
project (or domain) revokes the tokens scoped to it; deleting an application credential revokes the tokens it
issued; losing the last role on a scope revokes the tokens on that scope (Keystone recomputes a token's roles
at validation and refuses one that has none left). Every API validates tokens by ``expires_at``, so a revoked
token's lifetime also ends now, as :func:`..keystone.revoke` does.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping

from ..ports import Store

TokenMatch = Callable[[Mapping[str, Any]], bool]


def revoke_tokens(store: Store, now: float, match: TokenMatch) -> int:
    """Revoke every live token record for which ``match`` holds; return how many."""
    targets = [record["id"] for record in store.list("token")
               if record.get("revoked_at") is None and record["expires_at"] > now and match(record)]
    for key in targets:
        store.compute("token", key, lambda record: None if record is None else {
            **record, "revoked_at": now, "expires_at": min(record["expires_at"], now)})
    return len(targets)


def of_user(user_id: str) -> TokenMatch:
    return lambda record: record.get("user_id") == user_id


def on_project(project_id: str) -> TokenMatch:
    return lambda record: record.get("project_id") == project_id


def in_domain(domain_id: str) -> TokenMatch:
    """Tokens scoped to the domain, to a project of it, or held by one of its users."""
    return lambda record: domain_id in (record.get("scope_domain_id"), record.get("project_domain_id"),
                                        record.get("user_domain_id"))


def of_app_cred(app_cred_id: str) -> TokenMatch:
    return lambda record: record.get("application_credential_id") == app_cred_id
