"""The members admin (kansliet), one module per area; importing the package registers them all.

- register: counties, municipalities and regions, populations
- memberships: memberships, their decisions, resignation, replacing a contact person
- applications: applications and the board's decisions (approve, reject)
- contacts: contact persons (export, import through the contact service)
- access: logins' access to organisations
- fees: fee schedules and the fee list
- base: the one decision action and its intermediate page, shared by the areas above

The personal-data page and actions live in members/admin_gdpr.py (see its docstring).
"""

import ekokommun.admin_axes  # noqa: F401  (django-axes' admin section in Swedish)
from members.admin.access import OrganisationAccessAdmin
from members.admin.applications import MembershipApplicationAdmin
from members.admin.contacts import ContactPersonAdmin
from members.admin.fees import FeeScheduleAdmin
from members.admin.memberships import MembershipAdmin
from members.admin.register import CountyAdmin, MunicipalityAdmin, PopulationAdmin

__all__ = [
    "ContactPersonAdmin",
    "CountyAdmin",
    "FeeScheduleAdmin",
    "MembershipAdmin",
    "MembershipApplicationAdmin",
    "MunicipalityAdmin",
    "OrganisationAccessAdmin",
    "PopulationAdmin",
]
