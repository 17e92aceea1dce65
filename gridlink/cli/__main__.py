"""``python -m gridlink.cli`` runs the ``gridlink`` command."""

from gridlink.cli.main import app

app()
