"""Default e-mails in three languages, strict and escaped rendering, checks at save time."""

import pytest

from coop_notifications.domain.templates import (
    DEFAULTS,
    LANGUAGES,
    SAMPLES,
    Text,
    default,
    email,
    render,
)
from coop_notifications.rendering import check  # the save-time check, in a bounded worker
from coop_shared.errors import ValidationError


@pytest.mark.parametrize("event", sorted(DEFAULTS))
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_default_renders_with_its_sample(event, language):
    text = render(default(event, language), SAMPLES[event])
    assert text.subject and "{{" not in text.subject + text.body


def test_dutch_invoice_mail_reads_dutch_amounts():
    text = render(default("invoice_issued", "nl"), SAMPLES["invoice_issued"])
    assert text.subject == "Factuur DIES-2026-00001"
    assert "1.180,01 €" in text.body and "+++260/0000/00170+++" in text.body


def test_values_are_escaped():
    text = render(Text("Hi", "{{ first_name }}"), {"first_name": "<script>x</script>"})
    assert text.body == "&lt;script&gt;x&lt;/script&gt;"


def test_a_broken_template_is_refused_naming_the_part():
    with pytest.raises(ValidationError) as error:
        check("invoice_issued", Text("Facture {{ numero }}", "ok"))
    assert "subject" in error.value.fields
    with pytest.raises(ValidationError) as error:
        check("invoice_issued", Text("ok", "{% if %}"))
    assert "body" in error.value.fields
    with pytest.raises(ValidationError):
        check("invoice_issued", Text("ok", "{{ ''.__class__.__mro__ }}"))  # the sandbox refuses


def test_an_email_has_an_escaped_html_part_and_a_plain_text_part_as_typed():
    mail = email(
        Text("Facture {{ number }}", "Bonjour {{ name }},\n\nMerci.\nÀ bientôt"),
        {"number": "A&B-1", "name": "Peeters & Zonen <BV>"},
    )
    assert mail.subject == "Facture A&B-1"
    assert mail.text == "Bonjour Peeters & Zonen <BV>,\n\nMerci.\nÀ bientôt"
    assert "<p>Bonjour Peeters &amp; Zonen &lt;BV&gt;,</p><p>Merci.<br>À bientôt</p>" in mail.html


def test_the_staff_reminder_of_an_expiring_document_names_the_member():
    text = render(default("document_expiring_staff", "nl"), SAMPLES["document_expiring_staff"])
    assert text.subject == "Document van Amina Diallo te vernieuwen"
