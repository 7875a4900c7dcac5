"""person_per_service_point[office]: a staffed appointment-only service point has at least
one person."""

from __future__ import annotations

from allocator.engine.placement.rules.two_people_per_office import TwoPeoplePerOffice

NAME = "person_per_service_point"


class PersonPerServicePoint(TwoPeoplePerOffice):
    """At least one person at every staffed service point."""

    name = NAME
    text = "a staffed service point has at least one person"
    kind = "service_point"
    least = 1
    where = "service point"
