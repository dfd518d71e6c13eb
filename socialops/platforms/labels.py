"""Labels shown in the UI for the catalog's and the advisor's codes."""

from __future__ import annotations

from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from socialops.platforms.catalog import (
    AccountRole,
    AgeBand,
    CityTier,
    FacadeItem,
    Format,
    Gender,
    Goal,
    Industry,
    Model,
    Status,
    Strength,
)

_LABELS: list[tuple[StrEnum, Promise]] = [
    (Status.LIVE_API, _("Live API")),
    (Status.MANUAL_ONLY, _("Manual publishing")),
    (Status.RETIRED, _("Retired")),
    (Format.TEXT, _("Text")),
    (Format.IMAGE_SET, _("Image set")),
    (Format.VIDEO, _("Video")),
    (Format.ARTICLE, _("Article")),
    (Format.LINK, _("Link")),
    (FacadeItem.AVATAR, _("Avatar")),
    (FacadeItem.BANNER, _("Banner")),
    (FacadeItem.BIO, _("Bio")),
    (FacadeItem.CONTACT, _("Contact details")),
    (FacadeItem.LINK, _("Link")),
    (FacadeItem.VERIFICATION, _("Verification")),
    (FacadeItem.PINNED_POST, _("Pinned post")),
    (Model.B2B, _("B2B")),
    (Model.B2C, _("B2C")),
    (Model.BOTH, _("B2B and B2C")),
    (Gender.ANY, _("Any gender")),
    (Gender.FEMALE, _("Mostly women")),
    (Gender.MALE, _("Mostly men")),
    (AccountRole.BRAND, _("Brand account")),
    (AccountRole.PRODUCT, _("Product account")),
    (AccountRole.SUPPORT, _("Support account")),
    (Goal.BRAND, _("Brand communication")),
    (Goal.FANS, _("Gathering fans")),
    (Goal.CAMPAIGN, _("Marketing campaigns")),
    (Goal.CONVERSION, _("Traffic and sales conversion")),
    (Goal.CRISIS, _("Crisis PR")),
    (Goal.SERVICE, _("Customer service")),
    (Strength.SHORT_TEXT, _("Short text")),
    (Strength.IMAGES, _("Images")),
    (Strength.VIDEO, _("Video")),
    (Strength.LONG_ARTICLE, _("Long articles")),
    (Strength.LIVE, _("Live streaming")),
    (AgeBand.UNDER_18, _("Under 18")),
    (AgeBand.AGE_18_24, _("18–24")),
    (AgeBand.AGE_25_30, _("25–30")),
    (AgeBand.AGE_31_40, _("31–40")),
    (AgeBand.AGE_41_PLUS, _("41 and over")),
    (CityTier.TIER1, _("Tier-1 cities")),
    (CityTier.NEW_TIER1, _("New tier-1 cities")),
    (CityTier.TIER2, _("Tier-2 cities")),
    (CityTier.TIER3_BELOW, _("Tier-3 cities and below")),
    (CityTier.OVERSEAS, _("Overseas")),
    (Industry.BEAUTY, _("Beauty and personal care")),
    (Industry.FASHION, _("Fashion and apparel")),
    (Industry.FOOD_BEVERAGE, _("Food and beverage")),
    (Industry.CONSUMER_ELECTRONICS, _("Consumer electronics")),
    (Industry.AUTOMOTIVE, _("Automotive")),
    (Industry.TRAVEL_HOSPITALITY, _("Travel and hospitality")),
    (Industry.EDUCATION, _("Education and training")),
    (Industry.FINANCE, _("Finance")),
    (Industry.HEALTHCARE, _("Healthcare")),
    (Industry.GAMES_ENTERTAINMENT, _("Games and entertainment")),
    (Industry.CULTURE_MEDIA, _("Culture and media")),
    (Industry.RETAIL_ECOMMERCE, _("Retail and e-commerce")),
    (Industry.ENTERPRISE_SOFTWARE, _("Enterprise software")),
    (Industry.INDUSTRIAL, _("Industrial and manufacturing")),
    (Industry.OPEN_SOURCE, _("Open source and developers")),
    (Industry.PUBLIC_NONPROFIT, _("Public sector and non-profit")),
]
# Keyed by type too: Goal.BRAND and AccountRole.BRAND are both "brand", and equal as strings.
LABELS = {(type(code), code.value): text for code, text in _LABELS}


def label(value: StrEnum) -> str:
    found = LABELS.get((type(value), value.value))
    return str(found) if found is not None else value.value


def choices(enum: type[StrEnum]) -> list[tuple[str, str]]:
    """(value, label) pairs for a form."""
    return [(member.value, label(member)) for member in enum]


LIMIT_LABELS: dict[str, Promise] = {
    "post": _("Post"),
    "long_post": _("Long post"),
    "title": _("Title"),
    "author": _("Author"),
    "digest": _("Digest"),
    "caption": _("Media caption"),
}
