"""Emulators of the outside world on loopback: a BigCommerce store and a Trading Grid partner network."""
