"""The e-mails a public form submission sends: a confirmation to the person who sent it
(when they gave an address) and a notification to the coordinator. Pure of Flask.

Neither mail repeats what was typed in the form: mail is not a safe place for a
neighbour conflict. The coordinator reads the details in the admin. A report's and a
referral's confirmation promise the programme's intake term (`common.intake_term`).
"""
from __future__ import annotations

from typing import Any, Mapping

from common import intake_term

from ..mail import Mail, is_address

# Which field holds the submitter's own e-mail address.
SUBMITTER_EMAIL = {"report": "email", "referral": "referrer_email", "application": "email"}
SUBMITTER_NAME = {"report": "name", "referral": "referrer_name", "application": "name"}

_CONFIRMATION = {
    "report": {
        "nl": ("Wij hebben uw melding ontvangen",
               "Wij hebben uw melding bij {name} goed ontvangen.\n\n"
               "Wat gebeurt er nu?\n"
               "- Binnen {term} neemt de coördinator contact met u op.\n"
               "- U bespreekt samen wat er aan de hand is en wat u al heeft geprobeerd.\n"
               "- Daarna hoort u of buurtbemiddeling u kan helpen."),
        "en": ("We have received your report",
               "We have received your report to {name}.\n\n"
               "What happens next?\n"
               "- The coordinator will contact you within {term}.\n"
               "- Together you talk about what is going on and what you have tried already.\n"
               "- After that, you will hear if neighbourhood mediation can help you."),
        # Residents also report in Turkish, Arabic and Polish (forms/report.py).
        "tr": ("Bildiriminizi aldık",
               "{name} için yaptığınız bildirimi aldık.\n\n"
               "Şimdi ne olacak?\n"
               "- Koordinatör {term} içinde sizinle iletişime geçer.\n"
               "- Birlikte ne olduğunu ve neler denediğinizi konuşursunuz.\n"
               "- Sonra komşu arabuluculuğunun size yardım edip edemeyeceğini öğrenirsiniz."),
        "ar": ("وصلنا بلاغك",
               "وصلنا بلاغك إلى {name}.\n\n"
               "ماذا سيحدث الآن؟\n"
               "- يتواصل معك المنسّق خلال {term}.\n"
               "- تتحدثان معًا عن ما يحدث وما الذي جرّبته.\n"
               "- بعد ذلك تعرف هل تستطيع الوساطة بين الجيران مساعدتك."),
        "pl": ("Otrzymaliśmy Twoje zgłoszenie",
               "Otrzymaliśmy Twoje zgłoszenie do {name}.\n\n"
               "Co będzie dalej?\n"
               "- Koordynator skontaktuje się z Tobą w ciągu {term}.\n"
               "- Razem rozmawiacie o tym, co się dzieje i czego już próbowano.\n"
               "- Potem dowiesz się, czy mediacja sąsiedzka może Ci pomóc."),
    },
    "referral": {
        "nl": ("Wij hebben uw verwijzing ontvangen",
               "Wij hebben uw verwijzing naar {name} goed ontvangen.\n\n"
               "Binnen {term} neemt de coördinator contact op met u en met de bewoner. "
               "U hoort van ons of de zaak is aangenomen, en later hoe die is afgelopen."),
        "en": ("We have received your referral",
               "We have received your referral to {name}.\n\n"
               "Within {term}, the coordinator contacts you and the resident. "
               "You will hear whether the case has been accepted, and later how it ended."),
    },
    "application": {
        "nl": ("Wij hebben uw aanmelding als vrijwilliger ontvangen",
               "Wat leuk dat u buurtbemiddelaar wilt worden! Wij hebben uw aanmelding goed ontvangen.\n\n"
               "Binnen 10 werkdagen belt de coördinator u voor een kennismakingsgesprek."),
        "en": ("We have received your application as a volunteer",
               "How nice that you want to become a mediator! We have received your application.\n\n"
               "Within 10 working days, the coordinator will call you for an introductory talk."),
    },
}

_SAFETY = {
    "nl": ("U gaf aan dat er sprake is van geweld of bedreiging. Bent u in gevaar? Bel dan direct 112. "
           "Geen spoed? Bel de politie: 0900-8844. De coördinator belt u om te kijken welke hulp past."),
    "en": ("You told us there is violence or there are threats. Are you in danger? Call 112 now. "
           "Not an emergency? Call the police: 0900-8844. The coordinator will call you to find the right help."),
    "tr": ("Şiddet veya tehdit olduğunu yazdınız. Tehlikede misiniz? Hemen 112'yi arayın. "
           "Acil değil mi? Polisi arayın: 0900-8844. Koordinatör size uygun yardımı bulmak için sizi arar."),
    "ar": ("كتبت أنه يوجد عنف أو تهديد. هل أنت في خطر؟ اتصل فورًا بالرقم 112. "
           "ليست حالة طارئة؟ اتصل بالشرطة: \u20660900-8844\u2069. سيتصل بك المنسّق ليجد معك المساعدة المناسبة."),
    "pl": ("Napisano, że jest przemoc lub groźby. Jesteś w niebezpieczeństwie? Zadzwoń od razu pod 112. "
           "To nie jest pilne? Zadzwoń na policję: 0900-8844. Koordynator zadzwoni, żeby znaleźć właściwą pomoc."),
}

_GREETING = {"nl": "Beste {who},", "en": "Dear {who},", "tr": "Sayın {who},", "ar": "مرحبًا {who}،",
             "pl": "Dzień dobry {who},"}

_SIGN_OFF = {
    "nl": "Met vriendelijke groet,\n{name}\n\nTelefoon: {phone}\nE-mail: {email}\n\n"
          "Dit is een automatisch bericht. U kunt op deze e-mail antwoorden.",
    "en": "Kind regards,\n{name}\n\nPhone: {phone}\nEmail: {email}\n\n"
          "This is an automatic message. You can reply to this email.",
    "tr": "Saygılarımızla,\n{name}\n\nTelefon: {phone}\nE-posta: {email}\n\n"
          "Bu otomatik bir mesajdır. Bu e-postayı cevaplayabilirsiniz.",
    "ar": "مع أطيب التحيات،\n{name}\n\nالهاتف: \u2066{phone}\u2069\nالبريد الإلكتروني: {email}\n\n"
          "هذه رسالة تلقائية. يمكنك الرد على هذا البريد الإلكتروني.",
    "pl": "Z poważaniem\n{name}\n\nTelefon: {phone}\nE-mail: {email}\n\n"
          "To jest automatyczna wiadomość. Możesz odpowiedzieć na tego e-maila.",
}

_NOTIFICATION = {
    "report": "Nieuwe melding via de website",
    "referral": "Nieuwe verwijzing via de website",
    "application": "Nieuwe aanmelding als vrijwilliger",
}


def confirmation(form_name: str, cleaned: Mapping[str, Any], lang: str, site: Mapping[str, Any],
                 flags: list[str], *, intake_days: int) -> Mail | None:
    address = cleaned.get(SUBMITTER_EMAIL.get(form_name, "email"))
    texts = _CONFIRMATION.get(form_name)
    if not texts or not is_address(address):
        return None
    lang = lang if lang in texts else "nl"
    subject, body = texts[lang]
    parts = [_GREETING[lang].format(
                 who=cleaned.get(SUBMITTER_NAME.get(form_name, "name")) or ""),
             body.format(name=site["name"], term=intake_term.in_words(intake_days, lang))]
    if "veiligheid" in flags:
        parts.append(_SAFETY[lang])
    parts.append(_SIGN_OFF[lang].format(name=site["name"], phone=site["phone"], email=site["email"]))
    return Mail(to=str(address), subject=f"{subject} - {site['name']}", body="\n\n".join(parts),
                kind="confirmation", reply_to=site["email"])


def notification(form_name: str, record_id: int, flags: list[str], coordinator: str | None,
                 admin_url: str) -> Mail | None:
    if not is_address(coordinator):
        return None
    subject = f"{_NOTIFICATION.get(form_name, 'Nieuw formulier')} (nr. {record_id})"
    lines = [f"{_NOTIFICATION.get(form_name, 'Nieuw formulier')} is opgeslagen als nummer {record_id}."]
    if "veiligheid" in flags:
        subject = "LET OP, geweld of bedreiging: " + subject
        lines.append("De melder geeft aan dat er sprake is van geweld of bedreiging. Bel zo snel mogelijk.")
    lines.append(f"Bekijk de gegevens in het beheer: {admin_url}")
    lines.append("Om privacyredenen staan de gegevens niet in deze e-mail.")
    return Mail(to=str(coordinator), subject=subject, body="\n\n".join(lines), kind="notification")


def mails_for(form_name: str, record_id: int, cleaned: Mapping[str, Any], lang: str, flags: list[str], *,
              site: Mapping[str, Any], coordinator: str | None, admin_url: str, intake_days: int) -> list[Mail]:
    mails = [confirmation(form_name, cleaned, lang, site, flags, intake_days=intake_days),
             notification(form_name, record_id, flags, coordinator, admin_url)]
    return [m for m in mails if m is not None]
