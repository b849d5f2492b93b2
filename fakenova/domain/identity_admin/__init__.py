"""Keystone's admin API, sans-IO: one module per resource family (domains and projects, users and groups, roles,
grants and role assignments, application credentials), with the policy checks and token revocation they share.

:mod:`..keystone` authenticates and mints tokens; these modules create, change and delete what tokens are
made from, and revoke the tokens a change invalidates, as Keystone does.
"""
