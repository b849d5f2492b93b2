"""The HTTP layer: translate requests into use-case calls and results into Nova-shaped responses."""
