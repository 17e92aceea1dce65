"""A seeded catalog, customers and orders for demos and benchmarks: the same seed, the same store."""

from __future__ import annotations

import random

from gridlink.sandbox.bigcommerce.state import DEFAULT_LOCATION, SandboxStore

_NOUNS = ("Widget", "Bracket", "Valve", "Sprocket", "Gasket", "Hinge", "Spindle", "Coupling", "Lamp", "Panel")
_ADJECTIVES = ("Steel", "Brass", "Compact", "Heavy", "Outdoor", "Classic", "Mini", "Pro", "Eco", "Twin")
_CITIES = (("Springfield", "IL", "62701"), ("Dayton", "OH", "45402"), ("Austin", "TX", "78701"))


def seed(store: SandboxStore, products: int = 20, customers: int = 5, seed_value: int = 1) -> None:
    """Fill `store` with products in stock at the default location, a retail and a wholesale group
    and customers in them."""
    rng = random.Random(seed_value)
    for n in range(products):
        name = f"{rng.choice(_ADJECTIVES)} {rng.choice(_NOUNS)} {n + 1}"
        product = store.add_product(name, f"SKU-{n + 1:04d}", round(rng.uniform(2, 200), 2))
        store.adjust(
            "absolute",
            [{"location_id": DEFAULT_LOCATION, "sku": product["sku"], "quantity": rng.randint(20, 500)}],
        )
    groups = [store.add_group("Retail"), store.add_group("Wholesale")]
    for n in range(customers):
        group = groups[n % 2]
        store.add_customer(
            f"buyer{n + 1}@example.com", f"Buyer{n + 1}", "Example", f"Company {n + 1}", group["id"]
        )


def place_random_order(store: SandboxStore, rng: random.Random) -> dict[str, object]:
    """An order of one to four catalog lines for a random customer, as a checkout would place it."""
    variants = sorted(store.variants)
    customer = rng.choice(sorted(store.customers))
    lines = [(v, rng.randint(1, 5)) for v in rng.sample(variants, k=min(len(variants), rng.randint(1, 4)))]
    city, state, zip_code = rng.choice(_CITIES)
    address = {"street_1": f"{rng.randint(1, 999)} Main St", "city": city, "state": state, "zip": zip_code}
    return store.place_order(customer, lines, {**address, "country": "United States", "country_iso2": "US"})
