"""The accessibility statement's facts from site.toml [accessibility], for the content pages.

The statement follows the Dutch model (toegankelijkheidsverklaring, digitoegankelijk.nl):
compliance status A-E, who approved it and when, date and method of the research, what does
not comply yet and when it will, contact and the complaint route. The page's Markdown says
{{ accessibility.status }} and so on; the facts live once, in site.toml.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Mapping

# The model's compliance statuses, in its own words.
STATUSES = {
    "A": {"nl": "voldoet volledig", "en": "fully compliant"},
    "B": {"nl": "voldoet gedeeltelijk", "en": "partially compliant"},
    "C": {"nl": "eerste maatregelen genomen", "en": "first measures taken"},
    "D": {"nl": "voldoet niet", "en": "not compliant"},
    "E": {"nl": "geen inzicht", "en": "no insight"},
}
DATES = ("statement_date", "approved_on", "research_date", "full_research_by")
TEXTS = ("approved_by", "method", "complaints_body")
REQUIRED = ("status", *DATES, *TEXTS, "complaints_url", "response_days")
NO_ISSUES = {"nl": "Wij kennen op dit moment geen onderdelen die niet voldoen.",
             "en": "We currently know of no parts that do not comply."}
FIXED_BY = {"nl": "Klaar vóór {date}.", "en": "Done before {date}."}


def check(config: Mapping[str, Any]) -> list[str]:
    """What is missing or wrong in [accessibility], as messages naming the key."""
    problems = [f"[accessibility] needs {key!r}" for key in REQUIRED if key not in config]
    if config.get("status") not in STATUSES:
        problems.append(f"[accessibility] status must be one of {', '.join(STATUSES)} (got {config.get('status')!r})")
    problems += [f"[accessibility] {key} must be a date like 2026-12-06 (got {config[key]!r})"
                 for key in DATES if key in config and not isinstance(config[key], dt.date)]
    for index, issue in enumerate(config.get("known_issues") or []):
        if not isinstance(issue.get("by"), dt.date) or not issue.get("what"):
            problems.append(f"[[accessibility.known_issues]] number {index + 1} needs 'what' and a date 'by'")
    return problems


def fields(config: Mapping[str, Any], lang: str, translated: Callable[[Any, str], str],
           long_date: Callable[[dt.date], str]) -> dict[str, str]:
    """{{ accessibility.<name> }} -> text in `lang`; known_issues is a Markdown list."""
    words = lambda table: table.get(lang) or table["en"]  # noqa: E731 - the statement exists in nl and en
    issues = [f"- {translated(issue['what'], lang)} {words(FIXED_BY).format(date=long_date(issue['by']))}"
              for issue in config.get("known_issues") or []]
    return {
        "status": f"{config['status']}: {words(STATUSES[config['status']])}",
        **{key: long_date(config[key]) for key in DATES},
        **{key: translated(config[key], lang) for key in TEXTS},
        "complaints_url": str(config["complaints_url"]),
        "response_days": str(config["response_days"]),
        "known_issues": "\n".join(issues) if issues else words(NO_ISSUES),
    }
