"""What a Kolada sync did: counts overall and per figure, skips with reasons, rounding
notes, where it stopped; `lines()` says it in the site's language."""

from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from indicators.models import Indicator


@dataclass
class FigureCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    rounded: int = 0


@dataclass
class KoladaSyncReport:
    dry_run: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: Counter = field(default_factory=Counter)  # reason -> how many
    figures: dict[int, FigureCounts] = field(default_factory=dict)
    labels: dict[int, str] = field(default_factory=dict)
    rounded: dict[int, int] = field(default_factory=dict)  # indicator pk -> values rounded
    pages: int = 0
    stopped_at: str = ""  # the URL of the page that failed, if one did
    error: str = ""
    catalogue: int | None = None  # KPIs stored in the local catalogue, when asked for
    run_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.error

    @property
    def skipped_count(self) -> int:
        return sum(self.skipped.values())

    def skip(self, reason: str, *, indicator: Indicator | None = None, count: int = 1) -> None:
        self.skipped[reason] += count
        if indicator is not None:
            self.figure(indicator).skipped += count

    def figure(self, indicator: Indicator) -> FigureCounts:
        counts = self.figures.get(indicator.pk)
        if counts is None:  # the label once per figure, not once per value
            counts = self.figures[indicator.pk] = FigureCounts()
            self.labels[indicator.pk] = indicator.label
        return counts

    def lines(self) -> list[str]:
        """The report in the site's language, as the command prints it and the run keeps it."""
        head = _("Provkörning: inget sparades.") if self.dry_run else _("Hämtat från Kolada.")
        lines = [
            head,
            _(
                "Sidor: %(pages)s. Nya: %(new)s, ändrade: %(changed)s, oförändrade: %(same)s, "
                "överhoppade: %(skipped)s."
            )
            % {
                "pages": self.pages,
                "new": self.created,
                "changed": self.updated,
                "same": self.unchanged,
                "skipped": self.skipped_count,
            },
        ]
        for pk, counts in self.figures.items():
            lines.append(
                _(
                    "  %(label)s: nya %(new)s, ändrade %(changed)s, oförändrade %(same)s, "
                    "överhoppade %(skipped)s"
                )
                % {
                    "label": self.labels[pk],
                    "new": counts.created,
                    "changed": counts.updated,
                    "same": counts.unchanged,
                    "skipped": counts.skipped,
                }
            )
        for reason, count in self.skipped.most_common():
            lines.append(
                _("Hoppade över %(count)s: %(reason)s") % {"count": count, "reason": reason}
            )
        for pk, count in self.rounded.items():
            lines.append(
                _("Avrundade %(count)s värden för %(label)s till nyckeltalets decimaler.")
                % {"count": count, "label": self.labels[pk]}
            )
        if self.catalogue is not None:
            lines.append(
                _("Koladas nyckeltalskatalog: %(count)s nyckeltal.") % {"count": self.catalogue}
            )
        if self.error:
            lines.append(
                _(
                    "Avbröt vid sidan %(url)s: %(error)s. Sidorna före den är sparade; kör igen "
                    "för att hämta resten."
                )
                % {"url": self.stopped_at, "error": self.error}
            )
        return lines
