import pytest

from bench.generate import generate
from catalog.models import Certification

pytestmark = pytest.mark.django_db


def test_generated_certifications_have_issuers_topics_and_the_history_a_save_leaves():
    generate(count=60)
    certs = Certification.objects.filter(slug__startswith="bench-")
    assert certs.count() == 60
    assert not certs.filter(providers=None).exists()
    assert not certs.filter(focus_areas=None).exists()
    history = Certification.history.filter(id__in=certs.values("pk"))
    assert history.filter(history_type="+").count() == 60
    changed = history.filter(history_type="~")
    assert changed.count() == 6  # one in ten
    for record in changed:
        # The last snapshot is what the certification says now, as after a real save.
        current = Certification.objects.get(pk=record.id)
        assert (record.cost_amount, record.retirement_date) == (
            current.cost_amount,
            current.retirement_date,
        )
        added = history.get(id=record.id, history_type="+")
        assert added.history_date < record.history_date
        assert (added.cost_amount, added.retirement_date) != (
            current.cost_amount,
            current.retirement_date,
        )


def test_public_history_of_a_changed_certification_lists_the_change():
    generate(count=30)
    record = Certification.history.filter(history_type="~").first()
    entries = Certification.objects.get(pk=record.id).public_history()
    assert len(entries) == 2
    assert entries[0].reason == record.history_change_reason
    assert entries[0].changes
