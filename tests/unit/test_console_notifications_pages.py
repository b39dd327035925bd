"""The console's notifications pages with a stand-in for the services (no broker): the delivery
log with its status filter and "resend", the e-mails and their wording, the live preview htmx
asks for (only the preview's markup), saving and resetting a wording; an auditor sees no form."""

from coop_shared.errors import BusinessRuleViolation, Conflict, NotFound
from tests.unit.test_console_payroll_pages import Services, client, csrf

DELIVERY_ID = "9e3f0c11-7d2a-4b6e-8c41-2a5d6e7f0001"
DELIVERIES = {
    "items": [
        {
            "id": DELIVERY_ID,
            "event_id": "9e3f0c11-7d2a-4b6e-8c41-2a5d6e7f0002",
            "event": "invoice_issued",
            "channel": "email",
            "recipient": "compta@client.example",
            "address": "compta@client.example",
            "template": "invoice_issued",
            "language": "fr",
            "status": "failed",
            "attempts": 5,
            "last_error": "550 mailbox unavailable",
            "last_response": None,
            "next_attempt_at": None,
            "sent_at": None,
            "created_at": "2026-11-30T08:12:00+00:00",
        }
    ],
    "total": 1,
}
TEMPLATE = {
    "event": "payslip_issued",
    "channel": "email",
    "language": "fr",
    "subject": "Votre fiche de paie {{ period }}",
    "body": "Bonjour,\n\nVotre fiche de paie de {{ period }} est prête.\n",
    "overridden": False,
}
PREVIEW = {
    "event": "payslip_issued",
    "language": "fr",
    "overridden": True,
    "subject": "Votre fiche de paie 2026-11",
    "text": "Bonjour,\n\nVotre fiche de paie de 2026-11 est prête.\n",
    "html": "<p>Bonjour,</p><p>Votre fiche de paie de 2026-11 est prête.</p>",
}
PAGE = "/console/notifications/templates/payslip_issued/fr"


def test_the_deliveries_are_listed_with_their_status_in_words_and_a_resend_button():
    services = Services({"notifications.list_deliveries": DELIVERIES})
    page = client(services).get("/console/notifications?lang=nl&status=failed")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Factuur verzonden naar de klant" in html and "compta@client.example" in html
    assert '<td class="status-failed">Mislukt</td>' in html and "550 mailbox unavailable" in html
    assert f'action="/console/notifications/deliveries/{DELIVERY_ID}/resend"' in html
    assert services.payloads("notifications.list_deliveries") == [
        {"limit": 50, "offset": 0, "status": "failed"}
    ]


def test_a_delivery_is_resent_and_the_log_says_so():
    services = Services(
        {
            "notifications.list_deliveries": DELIVERIES,
            "notifications.resend": dict(DELIVERIES["items"][0], status="pending"),
        }
    )
    c = client(services)
    token = csrf(c.get("/console/notifications").get_data(as_text=True))
    resent = c.post(
        f"/console/notifications/deliveries/{DELIVERY_ID}/resend",
        data={"csrf_token": token, "status": "failed"},
    )
    assert (
        resent.status_code == 303
        and resent.headers["Location"] == "/console/notifications?status=failed&notice=resent"
    )
    assert services.payloads("notifications.resend") == [{"id": DELIVERY_ID}]
    assert "The delivery is queued again." in c.get(resent.headers["Location"]).get_data(as_text=True)

    services.answers["notifications.resend"] = Conflict("This delivery is being sent right now.")
    busy = c.post(f"/console/notifications/deliveries/{DELIVERY_ID}/resend", data={"csrf_token": token})
    assert busy.status_code == 409 and "This delivery is being sent right now." in busy.get_data(as_text=True)


def test_an_auditor_reads_the_log_and_the_wording_without_any_form():
    services = Services(
        {
            "notifications.list_deliveries": DELIVERIES,
            "notifications.get_template": TEMPLATE,
            "notifications.preview": PREVIEW,
        },
        "auditor",
    )
    c = client(services)
    assert "/resend" not in c.get("/console/notifications").get_data(as_text=True)
    html = c.get(PAGE).get_data(as_text=True)
    assert 'id="save"' not in html and 'id="reset"' not in html and 'id="preview-button"' in html


def test_the_templates_page_links_each_e_mail_in_each_language():
    html = client(Services()).get("/console/notifications/templates?lang=fr").get_data(as_text=True)
    assert "Fiche de paie émise" in html
    for language in ("fr", "nl", "en"):
        assert f'href="/console/notifications/templates/payslip_issued/{language}"' in html


def test_a_template_page_shows_the_wording_in_force_and_its_rendered_e_mail():
    services = Services(
        {"notifications.get_template": TEMPLATE, "notifications.preview": dict(PREVIEW, overridden=False)}
    )
    html = client(services).get(PAGE + "?lang=en").get_data(as_text=True)
    assert "The suite's default wording is in force." in html
    assert 'value="Votre fiche de paie {{ period }}"' in html
    assert 'hx-post="/console/notifications/templates/payslip_issued/fr/preview"' in html
    assert "Votre fiche de paie 2026-11" in html
    assert 'srcdoc="&lt;p&gt;Bonjour,&lt;/p&gt;' in html and "sandbox" in html  # the e-mail's HTML, never run
    assert services.payloads("notifications.preview") == [
        {
            "event": "payslip_issued",
            "language": "fr",
            "subject": TEMPLATE["subject"],
            "body": TEMPLATE["body"],
        }
    ]


def test_the_live_preview_renders_the_draft_as_typed_as_markup_for_htmx():
    services = Services({"notifications.get_template": TEMPLATE, "notifications.preview": PREVIEW})
    c = client(services)
    token = csrf(c.get(PAGE).get_data(as_text=True))
    draft = {"csrf_token": token, "subject": "Fiche {{ period }}", "body": "Voici {{ period }}."}
    fragment = c.post(PAGE + "/preview", data=draft, headers={"HX-Request": "true", "X-CSRFToken": token})
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in html and 'id="preview-subject"' in html
    assert services.payloads("notifications.preview")[-1] == {
        "event": "payslip_issued",
        "language": "fr",
        "subject": "Fiche {{ period }}",
        "body": "Voici {{ period }}.",
    }
    services.answers["notifications.preview"] = BusinessRuleViolation(
        "The template does not render: unknown filter 'nope'."
    )
    broken = c.post(PAGE + "/preview", data=dict(draft, body="{{ x|nope }}"), headers={"HX-Request": "true"})
    assert broken.status_code == 200 and "unknown filter" in broken.get_data(as_text=True)
    whole = c.post(PAGE + "/preview", data=draft)  # without script: the whole page
    assert "<html" in whole.get_data(as_text=True)


def test_a_wording_is_saved_refused_with_its_reason_or_reset():
    saved = dict(TEMPLATE, subject="Fiche {{ period }}", overridden=True)
    services = Services(
        {
            "notifications.get_template": TEMPLATE,
            "notifications.preview": PREVIEW,
            "notifications.set_template": saved,
            "notifications.reset_template": TEMPLATE,
        }
    )
    c = client(services)
    token = csrf(c.get(PAGE).get_data(as_text=True))
    page = c.post(PAGE, data={"csrf_token": token, "subject": "Fiche {{ period }}", "body": "Voici."})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "The wording is saved." in html and 'id="reset"' in html
    assert services.payloads("notifications.set_template") == [
        {"event": "payslip_issued", "language": "fr", "subject": "Fiche {{ period }}", "body": "Voici."}
    ]
    services.answers["notifications.set_template"] = BusinessRuleViolation("The template does not render.")
    refused = c.post(PAGE, data={"csrf_token": token, "subject": "x", "body": "{{"})
    assert refused.status_code == 422 and "The template does not render." in refused.get_data(as_text=True)
    reset = c.post(PAGE + "/reset", data={"csrf_token": token})
    assert "The default wording is back in force." in reset.get_data(as_text=True)
    assert services.payloads("notifications.reset_template") == [
        {"event": "payslip_issued", "language": "fr"}
    ]


def test_an_unknown_e_mail_is_the_404_page():
    page = client(Services()).get("/console/notifications/templates/nothing/fr")
    assert page.status_code == 404 and "<main" in page.get_data(as_text=True)
    services = Services({"notifications.resend": NotFound("No delivery.")})
    c = client(services)
    token = csrf(c.get("/console/notifications/templates").get_data(as_text=True))
    assert (
        c.post(
            f"/console/notifications/deliveries/{DELIVERY_ID}/resend", data={"csrf_token": token}
        ).status_code
        == 404
    )


def test_the_console_names_every_template_notifications_accepts_and_no_other():
    """The console lists the templates from its own table (no method lists them): a template
    added to notifications without a name here fails this test, not a staff person's search."""
    from coop_web.console.notifications import TEMPLATES

    from coop_notifications.schemas import TEMPLATE_KEYS

    assert sorted(event for event, _label in TEMPLATES) == sorted(TEMPLATE_KEYS)
