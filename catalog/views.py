from django.shortcuts import get_object_or_404, render

from .lifecycle import Status
from .models import Certification


def certification_list(request):
    certifications = list(Certification.objects.listed())
    retired = [c for c in certifications if c.status is Status.RETIRED]
    current = [c for c in certifications if c.status is not Status.RETIRED]
    return render(
        request,
        "catalog/certification_list.html",
        {"current": current, "retired": retired, "nav": "catalogue"},
    )


def certification_detail(request, slug):
    certification = get_object_or_404(Certification.objects.listed(), slug=slug)
    return render(
        request,
        "catalog/certification_detail.html",
        {
            "certification": certification,
            "history": certification.public_history(),
            "nav": "catalogue",
        },
    )
