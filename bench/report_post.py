"""The report a benchmark's resident posts: data only, so the spam robots (bench/flood.py), which
import nothing else of the project's, start in a fraction of the time an app import takes."""

REPORT = {
    "lang": "nl", "name": "Anna de Vries", "email": "anna@voorbeeld.nl", "phone": "06 12345678",
    "street": "Lindelaan 12", "postcode": "7412ab", "place": "Lindenhoven", "contact_way": "telefoon",
    "contact_time": ["avond"], "b_street": "Lindelaan 14", "conflict_type": "geluidsoverlast",
    "description": "Harde muziek tot diep in de nacht.", "violence": "nee", "consent": "ja",
}


def report_data(i: int) -> dict:
    # No start token: like a post without JavaScript, so the fill-time guard does not apply.
    return {**REPORT, "name": f"Benchmark Melder {i}"}
