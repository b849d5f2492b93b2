"""Each service's default policies as data: one module per service, each a ``RULES`` table.

``compute.py``, ``identity.py``, ``image.py``, ``network.py`` and ``volume.py`` each define
``RULES: Dict[str, str]``, the service's default rule names mapped to their default check strings in
oslo.policy's language (the new defaults: reader, member, manager, admin and service roles, project and system
scope), read from the service's own policy defaults. A route names its rule (``Route.policy``); one evaluator
interprets the tables, and ``--policy FILE`` overrides rules per service.
"""
