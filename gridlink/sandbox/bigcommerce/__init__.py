"""A stateful BigCommerce store emulator, faithful to the API for everything the hub's client uses."""

from gridlink.sandbox.bigcommerce.app import create_app
from gridlink.sandbox.bigcommerce.state import SandboxStore

__all__ = ["SandboxStore", "create_app"]
