"""Request JSON schemas per operation, as :class:`~fakenova.microversions.Versioned` tables built from ``types``."""
