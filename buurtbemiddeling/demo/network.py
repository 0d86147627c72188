"""Demo network: Lindenhoven's partners, their people, a year of contacts and four agreements."""
from __future__ import annotations

import io
import random
from datetime import date, timedelta

from flask import has_app_context
from werkzeug.datastructures import FileStorage

from common import clock
from db import Store

from ..network import partners as rules
from .town import person_name

PARTNERS = (
    ("Politie Lindenhoven, basisteam", "politie", "0900-8844", (("Wijkagent Centrum", "wijkagent"), ("Wijkagent Havenkwartier", "wijkagent"))),
    ("Woonstichting De Linde", "woningcorporatie", "0570-612300", (("Consulent leefbaarheid", "consulent"), ("Wijkbeheerder Vogelbuurt", "wijkbeheerder"))),
    ("Gemeente Lindenhoven, team Veiligheid", "gemeente", "14 0570", (("Beleidsadviseur veiligheid", "beleid"), ("Accounthouder subsidies", "subsidie"))),
    ("Welzijn Lindenhoven", "welzijn", "0570-633900", (("Opbouwwerker", "opbouwwerk"),)),
    ("Wijkteam Havenkwartier", "wijkteam", "0570-640011", (("Wijkteamcoach", "coach"),)),
    ("GGD Regio IJsselvallei", "ggd", "088-4433000", (("Bemoeizorg", "bemoeizorg"),)),
    ("Huisartsenpraktijk De Molen", "huisarts", "0570-621212", (("Praktijkondersteuner GGZ", "poh"),)),
    ("Juridisch Loket", "overig", "0900-8020", ()),
)
TOPICS = (
    ("overleg", "Casusoverleg: twee nieuwe verwijzingen besproken; terugkoppeling over lopende zaken gegeven."),
    ("telefoon", "Gebeld over een verwijzing die niet geschikt bleek (huiselijk geweld); samen doorverwezen."),
    ("bezoek", "Kennismaking met het nieuwe team; folders en verwijsformulier achtergelaten."),
    ("presentatie", "Presentatie over buurtbemiddeling in het teamoverleg; veel vragen over wanneer te verwijzen."),
    ("email", "Afspraken over de kwartaalcijfers per verwijzer: alleen stap en uitkomst, geen inhoud."),
)


def tiny_pdf(title: str) -> bytes:
    """A one-page PDF with one line of text: enough to open and to pass the upload checks."""
    text = title.replace("(", "[").replace(")", "]").encode("latin-1", "replace")
    stream = b"BT /F1 14 Tf 72 760 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def stored_pdf(title: str, filename: str):
    """Upload meta for a demo PDF, or None outside the app (no upload folder to write to)."""
    if not has_app_context():
        return None
    from .. import uploads

    return uploads.save(FileStorage(io.BytesIO(tiny_pdf(title)), filename=filename))


def add(store: Store, rng: random.Random, today: date | None = None) -> None:
    today = today or clock.today()
    with store.transaction() as tx:
        ids = {}
        for name, kind, phone, people in PARTNERS:
            domain = name.split(",")[0].lower().replace(" ", "")
            pid = tx.table(rules.PARTNERS).insert({
                "name": name, "type": kind, "phone": phone, "email": f"info@{domain}.example",
                "website": "", "address": "", "notes": "", "created_at": f"{today.year - 2}-01-15T09:00:00+00:00"})
            ids[kind] = pid
            for role, slug in people:
                person = person_name(rng)
                tx.table(rules.CONTACTS).insert({"partner_id": pid, "name": person, "role": role, "phone": f"06-{rng.randint(10000000, 99999999)}",
                                                 "email": f"{slug}@{domain}.example"})
            for _ in range(rng.randint(1, 4)):
                kind_of_contact, summary = rng.choice(TOPICS)
                day = today - timedelta(days=rng.randint(3, 300))
                tx.table(rules.LOG).insert({"partner_id": pid, "date": day.isoformat(), "kind": kind_of_contact,
                                            "with": people[0][0] if people else "", "summary": summary,
                                            "by": "Carla de Coördinator", "created_at": f"{day.isoformat()}T12:00:00+00:00"})
        agreements = (
            ("woningcorporatie", "Doorverwijzing bij woonoverlast", 400, None, 30, True),
            ("politie", "Samenwerking bij burenruzies zonder strafbare feiten", 700, None, 200, True),
            ("gemeente", "Subsidie en verantwoording buurtbemiddeling", 330, 35, -10, True),
            ("welzijn", "Gezamenlijke inzet in het Havenkwartier", -20, None, 345, False),
        )
        for kind, subject, started_days_ago, ends_in, review_in, signed in agreements:
            tx.table(rules.AGREEMENTS).insert({
                "partner_id": ids[kind], "subject": subject,
                "parties": f"Buurtbemiddeling Lindenhoven, {PARTNERS[[p[1] for p in PARTNERS].index(kind)][0]}",
                "start": (today - timedelta(days=started_days_ago)).isoformat(),
                "end": (today + timedelta(days=ends_in)).isoformat() if ends_in else None,
                "review_date": (today + timedelta(days=review_in)).isoformat(),
                "notes": "", "document": stored_pdf(f"Convenant: {subject}", f"convenant-{kind}.pdf") if signed else None,
                "created_at": f"{today.year - 1}-01-10T09:00:00+00:00"})
