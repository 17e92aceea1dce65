"""Emulators that stand beside the hub on loopback: a BigCommerce store and a Trading Grid network."""
