"""fakenova: a fake OpenStack Compute (Nova) API that real clients cannot tell from Nova."""
from .app import create_app
from .settings import Settings

__all__ = ["Settings", "create_app"]
