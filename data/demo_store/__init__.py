"""The Nordet demo store: a deterministic, realistic helpdesk history for Comptoir.

``seed_demo(db)`` fills an empty database with a fictional Québec winter-clothing store
(products, customers, orders), five agents and thousands of bilingual tickets with their
messages and events, including the recurring incidents listed in ``PLANTED_INCIDENTS``.
"""

from data.demo_store.generator import SeedSummary, seed_demo
from data.demo_store.incidents import PLANTED_INCIDENTS, PlantedIncident
from data.demo_store.people import DEMO_AGENTS, DEMO_PASSWORD, DemoAgent

__all__ = (
    "DEMO_AGENTS",
    "DEMO_PASSWORD",
    "PLANTED_INCIDENTS",
    "DemoAgent",
    "PlantedIncident",
    "SeedSummary",
    "seed_demo",
)
