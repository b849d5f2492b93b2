"""`make conformance`: run OpenStack's tempest (``tempest.api.compute``) against a live fakenova.

Modules: ``server`` starts, seeds and stops fakenova; ``workspace`` writes tempest.conf and accounts.yaml;
``results`` reads the subunit stream, prints the table and checks it against ``exclude.txt``; ``run`` ties
them together (``python -m conformance``, from the tempest venv). No tempest code lives here.
"""
