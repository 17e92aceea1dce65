"""The scenarios: what happens when an order is placed, an acknowledgment or a ship notice arrives."""
