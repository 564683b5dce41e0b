"""schema.org data for search engines: a certification as an EducationalOccupationalCredential."""

import json

from django.utils.safestring import SafeString, mark_safe

from .models import Certification

# The same escapes as Django's json_script: "<", ">" and "&" cannot end the script block.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def credential(cert: Certification, *, base_url: str) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "EducationalOccupationalCredential",
        "name": cert.name,
        "url": base_url + cert.get_absolute_url(),
        "sameAs": cert.official_url,
        "credentialCategory": "certification" if cert.format == "exam" else "certificate",
        "educationalLevel": cert.difficulty_display,
        "recognizedBy": [
            {"@type": "Organization", "name": p.name, "url": p.website or None}
            for p in cert.providers.all()
        ],
        "dateModified": cert.verified_on.isoformat(),
    }
    if cert.summary:
        data["description"] = cert.summary
    if cert.exam_code:
        data["identifier"] = cert.exam_code
    if cert.validity_months:
        data["validFor"] = f"P{cert.validity_months}M"
    if cert.prerequisites:
        data["competencyRequired"] = cert.prerequisites
    if cert.cost_amount is not None:
        data["offers"] = {
            "@type": "Offer",
            "price": str(cert.cost_amount),
            "priceCurrency": cert.cost_currency,
            "category": cert.get_billing_display(),
        }
    if cert.retirement_date:
        data["expires"] = cert.retirement_date.isoformat()
    for org in data["recognizedBy"]:
        if org["url"] is None:
            del org["url"]
    return data


def as_script_data(data: dict) -> SafeString:
    """JSON safe to embed in a <script> data block (no "</script>" can close it early)."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES))
