"""gridlink: an integration hub between BigCommerce stores and OpenText Trading Grid partners."""

__version__ = "0.1.0"
