from __future__ import annotations

from datetime import timedelta

from socialops.connectors.sandbox.demo import DEMO_SEED
from socialops.connectors.sandbox.models import Account
from socialops.connectors.sandbox.simulation import create_world
from socialops.contacts.demo import DEMO_CONTACTS, load_demo_contacts
from socialops.contacts.models import Contact, Identity
from socialops.core.clock import now


def test_it_loads_contacts_that_are_personas_of_the_demo_world_once(team):
    create_world(workspace=team.workspace, seed=DEMO_SEED, start=now() - timedelta(days=1))

    made = load_demo_contacts(team.workspace)
    load_demo_contacts(team.workspace)

    assert len(made) == len(DEMO_CONTACTS)
    assert Contact.objects.filter(workspace=team.workspace).count() == len(DEMO_CONTACTS)
    assert {c.kind for c in made} >= {"media", "expert", "competitor", "fan", "kol"}
    for identity in Identity.objects.filter(workspace=team.workspace):
        persona = Account.objects.get(world__workspace=team.workspace, handle=identity.handle)
        assert identity.remote_id == str(persona.number)
        assert persona.kind == "persona"
