import pytest

from catalog.models import Certification
from catalog.seed import seed_all

SKIP_ALL = "budget=any&topics=any&provider=any&format=any"
RESULTS = {
    "entry-level": "experience=no&career_change=yes",
    "free": "experience=no&career_change=no",
    "advanced": "experience=yes&recognition=yes",
    "projects": "experience=yes&recognition=no",
}


@pytest.fixture
def seeded(db):
    seed_all()


def test_first_step_asks_about_experience(client, seeded):
    response = client.get("/advisor/")
    html = response.content.decode()
    assert "Do you have prior AI/ML experience?" in html
    assert "Step 1 of 6" in html
    assert 'name="experience"' in html and 'type="radio"' in html


def test_second_step_carries_the_first_answer_and_goes_back(client, seeded):
    html = client.get("/advisor/?experience=no").content.decode()
    assert "Are you changing careers?" in html and "Step 2 of 6" in html
    assert '<input type="hidden" name="experience" value="no">' in html
    assert 'class="back-link" href="/advisor/"' in html


def test_refinement_steps_can_be_skipped(client, seeded):
    html = client.get("/advisor/?experience=yes&recognition=yes").content.decode()
    assert "What can you spend on it in all?" in html and "optional" in html
    assert 'href="/advisor/?experience=yes&amp;recognition=yes&amp;budget=any"' in html
    skip_all = SKIP_ALL.replace("&", "&amp;")
    assert f'href="/advisor/result/?experience=yes&amp;recognition=yes&amp;{skip_all}"' in html


def test_topics_step_allows_several(client, seeded):
    html = client.get("/advisor/?experience=yes&recognition=yes&budget=any").content.decode()
    assert "Which topics interest you?" in html
    assert 'type="checkbox" name="topics"' in html


def test_empty_submission_asks_again_with_a_message(client, seeded):
    html = client.get("/advisor/?experience=no&step=career_change").content.decode()
    assert "Choose an answer" in html


def test_finishing_the_steps_redirects_to_the_result(client, seeded):
    response = client.get(f"/advisor/?{RESULTS['advanced']}&{SKIP_ALL}")
    assert response.status_code == 302
    assert response["Location"] == f"/advisor/result/?{RESULTS['advanced']}&{SKIP_ALL}"


def test_htmx_step_is_a_fragment_and_the_last_step_redirects(client, seeded):
    response = client.get("/advisor/?experience=no&step=experience", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html and "Are you changing careers?" in html
    assert response["HX-Push-Url"] == "/advisor/?experience=no"
    done = client.get(f"/advisor/?{RESULTS['free']}&{SKIP_ALL}", headers={"HX-Request": "true"})
    assert done["HX-Redirect"] == f"/advisor/result/?{RESULTS['free']}&{SKIP_ALL}"


@pytest.mark.parametrize(
    ("query", "back_to"),
    [
        ("experience=maybe", "/advisor/?problem=1"),
        ("experience=no&recognition=yes", "/advisor/?experience=no&problem=1"),
        (
            "experience=no&career_change=yes&budget=-5",
            "/advisor/?experience=no&career_change=yes&problem=1",
        ),
        (
            "experience=no&career_change=yes&budget=lots",
            "/advisor/?experience=no&career_change=yes&problem=1",
        ),
        (
            "experience=no&career_change=yes&budget=any&topics=nonsense",
            "/advisor/?experience=no&career_change=yes&budget=any&problem=1",
        ),
        (
            "experience=no&career_change=yes&format=exam",
            "/advisor/?experience=no&career_change=yes&problem=1",
        ),
        ("budget=any", "/advisor/?problem=1"),
    ],
)
def test_tampered_links_return_to_the_first_step_that_needs_an_answer(
    client, seeded, query, back_to
):
    response = client.get(f"/advisor/?{query}")
    assert response.status_code == 302
    assert response["Location"] == back_to
    html = client.get(back_to).content.decode()
    assert "did not match the questions" in html


def test_incomplete_result_link_goes_to_the_next_step(client, seeded):
    response = client.get("/advisor/result/?experience=yes")
    assert response["Location"] == "/advisor/?experience=yes"


@pytest.mark.parametrize("outcome", RESULTS)
def test_each_outcome_has_a_result_page(client, seeded, outcome):
    response = client.get(f"/advisor/result/?{RESULTS[outcome]}&{SKIP_ALL}")
    assert response.status_code == 200
    html = response.content.decode()
    title = response.context["outcome"].title
    assert f"<h1>{title}</h1>" in html
    assert f'<meta property="og:title" content="{title}: certsite’s certification advisor">' in html
    assert "flowchart__box--current" in html and "How you got here" in html
    assert response.context["share_url"].endswith(f"/advisor/result/?{RESULTS[outcome]}&{SKIP_ALL}")


def test_retired_certifications_are_never_recommended(client, seeded):
    for query in RESULTS.values():
        response = client.get(f"/advisor/result/?{query}&{SKIP_ALL}")
        recs = response.context["recommendations"]
        for rec in recs.picks + recs.unknown_cost + recs.later:
            assert rec.certification.status.value != "retired"


def test_budget_is_respected_and_unknown_cost_shown_apart(client, seeded):
    response = client.get(
        "/advisor/result/?experience=no&career_change=yes&budget=120&topics=any&provider=any&format=any"
    )
    recs = response.context["recommendations"]
    assert recs.picks
    assert all(r.certification.estimated_total <= 120 for r in recs.picks)
    assert all(r.certification.estimated_total is None for r in recs.unknown_cost)
    assert "Cost not published" in response.content.decode()


def test_result_links_onward(client, seeded):
    response = client.get(
        "/advisor/result/?experience=yes&recognition=yes&budget=500&topics=mlops&provider=any&format=exam"
    )
    html = response.content.decode()
    assert "/compare/?c=" in html or len(response.context["recommendations"].picks) < 2
    assert (
        'href="/certifications/?level=advanced&amp;max_cost=500&amp;focus=mlops&amp;format=exam"'
        in html
    )
    assert 'href="/advisor/">Start over</a>' in html


def test_result_queries_do_not_grow_with_the_catalogue(
    client, seeded, django_assert_max_num_queries
):
    from tests.conftest import bulk_certifications

    bulk_certifications(200)
    with django_assert_max_num_queries(14):
        client.get(f"/advisor/result/?{RESULTS['advanced']}&{SKIP_ALL}")
    assert Certification.objects.count() > 200
