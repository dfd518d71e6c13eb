"""Forms of the Platform section: catalog filters and the advisor's brief (both GET)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from socialops.platforms.advisor import Brief
from socialops.platforms.catalog import (
    AgeBand,
    CityTier,
    Format,
    Gender,
    Goal,
    Industry,
    Model,
    Status,
    Strength,
)
from socialops.platforms.labels import choices

CHECK = {"class": "form-check-input"}


class CatalogFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    format = forms.ChoiceField(label=_("Format"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["status"]).choices = [
            ("", _("Any status")),
            *choices(Status),
        ]
        cast(forms.ChoiceField, self.fields["format"]).choices = [
            ("", _("Any format")),
            *choices(Format),
        ]


class BriefForm(forms.Form):
    """The advisor's brief; field names match the API's."""

    industry = forms.ChoiceField(label=_("Industry"))
    model = forms.ChoiceField(label=_("Business model"), widget=forms.RadioSelect(attrs=CHECK))
    age_bands = forms.MultipleChoiceField(
        label=_("Audience age"), widget=forms.CheckboxSelectMultiple(attrs=CHECK)
    )
    gender = forms.ChoiceField(label=_("Audience gender"), widget=forms.RadioSelect(attrs=CHECK))
    city_tiers = forms.MultipleChoiceField(
        label=_("Where the audience lives"), widget=forms.CheckboxSelectMultiple(attrs=CHECK)
    )
    goals = forms.MultipleChoiceField(
        label=_("Goals"), widget=forms.CheckboxSelectMultiple(attrs=CHECK)
    )
    team_hours_per_week = forms.IntegerField(
        label=_("Team hours per week"),
        min_value=1,
        max_value=400,
        help_text=_("Hours the team can spend on social accounts each week, all people together."),
    )
    content_strengths = forms.MultipleChoiceField(
        label=_("What the team makes well"), widget=forms.CheckboxSelectMultiple(attrs=CHECK)
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, enum in [
            ("industry", Industry),
            ("model", Model),
            ("age_bands", AgeBand),
            ("gender", Gender),
            ("city_tiers", CityTier),
            ("goals", Goal),
            ("content_strengths", Strength),
        ]:
            cast(forms.ChoiceField, self.fields[name]).choices = choices(enum)

    def brief(self) -> Brief:
        data = self.cleaned_data
        return Brief(
            industry=Industry(data["industry"]),
            model=Model(data["model"]),
            age_bands=frozenset(AgeBand(value) for value in data["age_bands"]),
            gender=Gender(data["gender"]),
            city_tiers=frozenset(CityTier(value) for value in data["city_tiers"]),
            goals=frozenset(Goal(value) for value in data["goals"]),
            team_hours=data["team_hours_per_week"],
            strengths=frozenset(Strength(value) for value in data["content_strengths"]),
        )


EXAMPLE_BRIEF = {
    "industry": Industry.BEAUTY.value,
    "model": Model.B2C.value,
    "age_bands": [AgeBand.AGE_18_24.value, AgeBand.AGE_25_30.value],
    "gender": Gender.FEMALE.value,
    "city_tiers": [CityTier.TIER1.value, CityTier.NEW_TIER1.value],
    "goals": [Goal.BRAND.value, Goal.FANS.value, Goal.CONVERSION.value],
    "team_hours_per_week": 30,
    "content_strengths": [Strength.IMAGES.value, Strength.VIDEO.value],
}
