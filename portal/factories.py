"""Test factories for people (factory-boy). Tests make the users they need; none reads a demo account.

An LA finance lead belongs to an authority, so its factory is authorities.factories.FinanceLeadFactory.
"""

import factory
from factory.django import DjangoModelFactory

from .models import User
from .roles import DeliveryPartner, Role

TEST_PASSWORD = "a-test-password-1"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person.{n}")
    first_name = "Alex"
    last_name = factory.Sequence(lambda n: f"Tester {n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.gov.uk")
    role = Role.DFE_OFFICIAL
    password = factory.django.Password(TEST_PASSWORD)


class DfeOfficialFactory(UserFactory):
    username = factory.Sequence(lambda n: f"official.{n}")
    role = Role.DFE_OFFICIAL


class DeliveryPartnerFactory(UserFactory):
    username = factory.Sequence(lambda n: f"partner.{n}")
    role = Role.DELIVERY_PARTNER
    organisation = DeliveryPartner.NEWTON


class SteeringMemberFactory(UserFactory):
    username = factory.Sequence(lambda n: f"member.{n}")
    role = Role.STEERING_MEMBER
