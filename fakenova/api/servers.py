"""placeholder"""
ROUTES = ()
