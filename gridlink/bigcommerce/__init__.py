"""The hub's side of a BigCommerce store: a paced, retrying API client and webhook verification."""

from gridlink.bigcommerce.budget import StoreBudget, budget_for
from gridlink.bigcommerce.client import BigCommerceClient, RetryPolicy
from gridlink.bigcommerce.errors import BigCommerceError, NotFound, RateLimited, Unavailable, Unprocessable
from gridlink.bigcommerce.webhooks import Delivery, Rejected, reconcile_hooks, verify

__all__ = [
    "BigCommerceClient",
    "BigCommerceError",
    "Delivery",
    "NotFound",
    "RateLimited",
    "Rejected",
    "RetryPolicy",
    "StoreBudget",
    "Unavailable",
    "Unprocessable",
    "budget_for",
    "reconcile_hooks",
    "verify",
]
