"""Pure views: a stored record and a :class:`~fakenova.views.fields.ViewContext` in, a JSON-able dict out.

Nothing here imports Flask or touches the store; which keys a body has at which microversion is data in the
field tables of each view module, walked by :func:`fakenova.views.fields.render`.
"""
