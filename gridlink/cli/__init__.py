"""The ``gridlink`` command line."""
