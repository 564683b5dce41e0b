"""The guide's pages: which article table each shows, in our own words around it."""

from dataclasses import dataclass


@dataclass(frozen=True)
class GuidePage:
    slug: str
    title: str
    short_title: str
    description: str
    intro: str


GUIDE_PAGES = {
    p.slug: p
    for p in [
        GuidePage(
            "when-to-certify",
            "When a certification pays off, and when to skip it",
            "When to certify",
            "Four common situations, when a certification helps in each and when it does not.",
            "A certification is worth its cost in some situations and wasted in others. These are "
            "the four situations people ask about most, with the reason to go for it and the "
            "sign that you can skip it.",
        ),
        GuidePage(
            "pitfalls",
            "Common pitfalls and how to avoid them",
            "Pitfalls",
            "Overpaying, theory without practice, ignoring the cloud and expecting instant offers: "
            "why they happen and what helps.",
            "Most disappointments with certifications come from a handful of avoidable traps. Each "
            "one below says why it happens and what to do instead, with the certifications it "
            "most often concerns.",
        ),
        GuidePage(
            "mistakes",
            "Mistakes almost everyone makes",
            "Common mistakes",
            "Choosing by brand, skipping prerequisites, ignoring version updates and neglecting "
            "soft skills.",
            "These mistakes are easy to make even when you have chosen a good certification. "
            "Knowing them in advance saves months.",
        ),
        GuidePage(
            "troubleshooting",
            "Troubleshooting: when certification gets hard",
            "Troubleshooting",
            "Failed attempts, outdated material, concepts that will not stick, unclear "
            "prerequisites: causes and fixes.",
            "Stuck? Find the problem that looks like yours: each comes with its likely cause and a "
            "fix that works.",
        ),
        GuidePage(
            "portfolio",
            "Turn a certification into a portfolio project",
            "Portfolio project",
            "Four steps from a certification syllabus to a project you can show, and where the "
            "field is heading.",
            "A certificate says you studied; a project shows you can build. These four steps turn "
            "what an exam like Google Cloud's Professional Machine Learning Engineer covers into "
            "a working, monitored model you can show an employer.",
        ),
        GuidePage(
            "sources",
            "Sources",
            "Sources",
            "Where certsite's facts come from: the source article, its references and each "
            "certification's official page.",
            "Every fact on certsite has a source. The catalogue started from the article below "
            "(24 February 2026); since then each certification has been checked against its "
            "provider's own page, and every later change is kept in its public history.",
        ),
    ]
}
