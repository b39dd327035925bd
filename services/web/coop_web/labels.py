"""Names shown for the codes the services answer with, where the console and the portal name a
thing the same way (each side keeps its own wording where its readers differ: the portal speaks
to the entrepreneur, the console to staff)."""

from coop_web.i18n import N_

# members' kinds of identity and work documents (members.record_document)
DOCUMENT_KINDS = {
    "id_card": N_("Identity card"),
    "residence_card": N_("Residence card"),
    "work_authorisation": N_("Work authorisation"),
    "professional_card": N_("Professional card"),
    "annex_26": N_("Annex 26"),
    "orange_card": N_("Orange card"),
}
