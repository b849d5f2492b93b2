"""Cinder v3 at ``/volume``: version documents, volumes, volume actions, types, snapshots, quotas, limits, zones."""
