"""Bulk loading of values from a file: `manage.py import_values FILE --format ...`."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from indicators import importers
from indicators.models import ImportRun
from indicators.selectors import indicator_by_code

SUFFIX_FORMATS = {".xlsx": "xlsx", ".json": "kolada", ".csv": "csv", ".txt": "csv"}
MAX_ERRORS_SHOWN = 200


class Command(BaseCommand):
    help = (
        "Läser in värden från en fil (CSV, XLSX, Miljöbarometerns tabell eller Koladas JSON) "
        "i en transaktion: allt eller inget."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--format",
            choices=importers.FORMATS,
            help="Filens format; utan det gissas det av filändelsen (.csv, .xlsx, .json).",
        )
        parser.add_argument(
            "--indicator", help="Nyckeltalets kod för Miljöbarometerns tabell, t.ex. GN.1b."
        )
        parser.add_argument(
            "--revision", help="Revisionen som koderna avser (annars den gällande), t.ex. 2012."
        )
        parser.add_argument(
            "--kpi",
            action="append",
            default=[],
            metavar="KPI=KOD",
            help="Koppling från Koladas KPI till ett nyckeltal, t.ex. N00401=GN.1a (upprepas).",
        )
        parser.add_argument(
            "--mapping", type=Path, help="Fil med kopplingar KPI;kod per rad, eller JSON."
        )
        parser.add_argument(
            "--sheet-format",
            choices=["csv", "xlsx"],
            help="Miljöbarometerns tabell som csv eller xlsx (annars efter filändelsen).",
        )
        parser.add_argument(
            "--round",
            action="store_true",
            help="Avrunda värden till nyckeltalets antal decimaler i stället för att vägra.",
        )
        parser.add_argument("--user", help="Användarnamn som står i värdenas historik.")
        parser.add_argument("--reason", help="Orsak i historiken (annars filens namn).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Kontrollera allt men skriv ingenting."
        )

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Filen {path} finns inte.")
        fmt = options["format"] or SUFFIX_FORMATS.get(path.suffix.lower(), "csv")
        user = self._user(options["user"])
        indicator = self._indicator(fmt, options["indicator"], options["revision"])
        mapping = self._mapping(fmt, options["kpi"], options["mapping"])
        sheet_format = options["sheet_format"] or ("xlsx" if path.suffix == ".xlsx" else "csv")

        read = importers.read_file(
            path.read_bytes(),
            fmt=fmt,
            indicator=indicator,
            mapping=mapping,
            sheet_format=sheet_format,
        )
        interactive = self.stdout.isatty()
        with tqdm(
            total=len(read.rows),
            desc="Kontrollerar",
            unit=" rader",
            disable=not interactive,
            file=self.stderr._out,
        ) as bar:
            report = importers.values_import(
                read=read,
                user=user,
                change_reason=options["reason"] or f"Import från {path.name}",
                dry_run=options["dry_run"],
                revision=options["revision"],
                round_values=options["round"],
                round_hint="Lägg till --round för att avrunda till nyckeltalets decimaler.",
                progress=bar.update,
            )
        if not options["dry_run"]:
            importers.import_run_record(
                report=report,
                user=user,
                door=ImportRun.Door.COMMAND,
                fmt=fmt,
                file_name=path.name,
            )
        self._summary(report)
        if not report.ok:
            raise CommandError(
                f"{len(report.errors)} fel i filen; ingenting skrevs. Rätta raderna och försök "
                "igen."
            )

    def _user(self, username):
        if not username:
            return None
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"Användaren {username} finns inte.") from None

    def _indicator(self, fmt, code, revision):
        if fmt != "miljobarometern":
            return None
        if not code:
            raise CommandError("Ange nyckeltalet med --indicator, t.ex. --indicator GN.1b.")
        indicator = indicator_by_code(code=code, revision=revision or None)
        if indicator is None:
            raise CommandError(f"Nyckeltalet {code} finns inte i revisionen.")
        return indicator

    def _mapping(self, fmt, pairs, mapping_file):
        if fmt != "kolada":
            return None
        mapping = {}
        if mapping_file:
            mapping = importers.read_mapping(mapping_file.read_text("utf-8-sig"))
        for pair in pairs:
            kpi, sep, code = pair.partition("=")
            if not sep or not kpi.strip() or not code.strip():
                raise CommandError(f"Skriv kopplingen som KPI=KOD, t.ex. N00401=GN.1a: {pair}")
            mapping[kpi.strip()] = code.strip()
        if not mapping:
            raise CommandError(
                "Ange vilka KPI:er som hör till vilka nyckeltal: --kpi N00401=GN.1a eller "
                "--mapping FIL."
            )
        return mapping

    def _summary(self, report: importers.ImportReport) -> None:
        write = self.stdout.write
        for warning in report.warnings:
            write(self.style.WARNING(f"Varning: {warning}"))
        if report.errors:
            for message in report.errors[:MAX_ERRORS_SHOWN]:
                write(self.style.ERROR(message))
            if len(report.errors) > MAX_ERRORS_SHOWN:
                write(f"... och {len(report.errors) - MAX_ERRORS_SHOWN} fel till.")
        place = "poster" if report.place == "post" else "rader"
        write(f"Läste {report.read} {place}.")
        if report.ok:
            verb = "Skulle ge" if report.dry_run else "Resultat:"
            write(
                f"{verb} {report.created} nya, {report.updated} ändrade, "
                f"{report.unchanged} oförändrade, {len(report.skipped)} hoppades över."
            )
        for reason, count, lines in report.skipped_by_reason():
            numbers = ", ".join(str(n) for n in lines) + (" …" if count > len(lines) else "")
            write(f"Hoppade över {count} ({place} {numbers}): {reason}.")
        if report.dry_run and report.ok:
            write(self.style.SUCCESS("Provkörning: filen är felfri, ingenting skrevs."))
        elif report.ok:
            seconds = sum(report.timings.values())
            write(self.style.SUCCESS(f"Klart på {seconds:.1f} s."))
