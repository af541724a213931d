"""Reads of the key figures for pages, downloads and the API: plain dicts and lists.

Each selector runs a fixed number of queries whatever the number of members and years; the
numbers are computed once here (with indicators.analysis) and agree everywhere they are shown.
Selectors return data and never decide what a missing thing means to a visitor: a lookup that
finds nothing returns None, and the view answers 404.

One module per sub-domain; the public names are re-exported here, so callers write
`from indicators import selectors` and `selectors.member_trends(...)`:

- catalogue: the indicator catalogue, lookups by code and revision, summaries
- averages: SEKOM and county averages per year, recent latest values (cached by data version)
- member: the member page (member_trends) and target tracking
- pages: the start page, the indicator page, the compare page
- report: the yearly report for the council
- reporting: who may read and write, the year form, completeness, a value's history
- office: reminders, deleted values, the office's start page
- open_data: the rows the API and the downloads share
- own: members' own key figures
- kolada: the local copy of Kolada's KPI catalogue, the figures' last syncs
"""

from indicators.selectors.averages import (
    area_sizes,
    organisation_averages,
    yearly_averages,
)
from indicators.selectors.catalogue import (
    current_and_own_indicators,
    current_indicators,
    indicator_among,
    indicator_by_code,
    indicator_summary,
    reported_indicators,
    same_code,
)
from indicators.selectors.kolada import (
    kolada_kpi_object,
    kolada_kpi_search,
    kolada_last_syncs,
)
from indicators.selectors.member import (
    TARGET_LABELS,
    member_trends,
    target_statuses,
)
from indicators.selectors.office import (
    deleted_values,
    office_start,
    reminder_figure_set,
    reminders_due,
    reminders_last_sent,
    reporting_reminders,
)
from indicators.selectors.open_data import (
    OPEN_VALUE_FIELDS,
    compare_values_open_data,
    indicator_catalogue,
    values_open_data,
)
from indicators.selectors.own import (
    own_indicator_catalogue,
    own_indicator_detail,
    own_indicator_object,
)
from indicators.selectors.pages import (
    compare_series,
    home_overview,
    indicator_overview,
    member_choices,
    official_contacts,
)
from indicators.selectors.report import (
    member_report,
    organisation_heading,
    report_years,
)
from indicators.selectors.reporting import (
    COMPLETE,
    EMPTY,
    HISTORY_TYPES,
    INCOMPLETE,
    NOT_APPLICABLE,
    PRELIMINARY,
    completeness_overview,
    completeness_state,
    first_reported_year,
    organisations_access_ended,
    organisations_for_user,
    reporting_year,
    reporting_years,
    value_history,
)

__all__ = [
    "kolada_kpi_object",
    "kolada_kpi_search",
    "kolada_last_syncs",
    "current_indicators",
    "current_and_own_indicators",
    "same_code",
    "indicator_by_code",
    "indicator_among",
    "indicator_summary",
    "reported_indicators",
    "area_sizes",
    "organisation_averages",
    "yearly_averages",
    "member_trends",
    "TARGET_LABELS",
    "target_statuses",
    "indicator_overview",
    "official_contacts",
    "home_overview",
    "compare_series",
    "member_choices",
    "organisation_heading",
    "report_years",
    "member_report",
    "organisations_for_user",
    "COMPLETE",
    "PRELIMINARY",
    "INCOMPLETE",
    "EMPTY",
    "completeness_state",
    "reporting_year",
    "reporting_years",
    "first_reported_year",
    "value_history",
    "HISTORY_TYPES",
    "NOT_APPLICABLE",
    "completeness_overview",
    "organisations_access_ended",
    "reporting_reminders",
    "deleted_values",
    "reminder_figure_set",
    "reminders_last_sent",
    "reminders_due",
    "office_start",
    "compare_values_open_data",
    "indicator_catalogue",
    "OPEN_VALUE_FIELDS",
    "values_open_data",
    "own_indicator_catalogue",
    "own_indicator_object",
    "own_indicator_detail",
]
