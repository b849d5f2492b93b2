"""Testing support: the pytest plugin (``plugin.py``) and the :class:`FakeNova` handle (``harness.py``).

Nothing is imported here, so loading the plugin through this package stays as light as the plugin itself.
"""
