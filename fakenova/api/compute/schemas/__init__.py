"""Request JSON schemas per operation: :class:`~fakenova.microversions.Versioned` tables built from ``types``.
"""
