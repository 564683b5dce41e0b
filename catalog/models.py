import datetime as dt
from decimal import Decimal

from django.db import models, router, transaction
from django.db.models import Case, Count, Exists, F, Max, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from . import history as change_history
from . import lifecycle, pricing
from . import version as catalogue_version
from .lifecycle import Status


class SlugManager(models.Manager):
    """Looks rows up by slug so fixtures can use natural keys."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class ProviderQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def issuing(self):
        """Providers that issue at least one certification: an index probe per provider,
        not a join over every certification's issuers."""
        issued = Certification.providers.through.objects.filter(provider=OuterRef("pk"))
        return self.filter(Exists(issued))


class Provider(models.Model):
    class Kind(models.TextChoices):
        CLOUD = "cloud", "Cloud vendor"
        UNIVERSITY = "university", "University"
        PLATFORM = "platform", "Course platform"
        BOOTCAMP = "bootcamp", "Bootcamp"
        COMPANY = "company", "Company"

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True)
    website = models.URLField(blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)

    objects = ProviderQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class FocusArea(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True)

    objects = SlugManager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class Level(models.IntegerChoices):
    BEGINNER = 1, "Beginner"
    INTERMEDIATE = 2, "Intermediate"
    ADVANCED = 3, "Advanced"


class Recognition(models.IntegerChoices):
    LOW = 1, "Low"
    MEDIUM = 2, "Medium"
    MEDIUM_HIGH = 3, "Medium–High"
    HIGH = 4, "High"
    VERY_HIGH = 5, "Very high"


class Format(models.TextChoices):
    EXAM = "exam", "Proctored exam"
    COURSE_SERIES = "course-series", "Course series"
    NANODEGREE = "nanodegree", "Nanodegree"
    PROGRAMME = "programme", "Certificate programme"
    GRADUATE = "graduate", "Graduate programme"


class Confidence(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed"
    UNCONFIRMED = "unconfirmed", "Unconfirmed"


BILLING_CHOICES = [(b.value, pricing.BILLING_LABELS[b]) for b in pricing.Billing]


class SourcedHistory(models.Model):
    """Adds the editor's source to every historical record."""

    history_source_url = models.URLField("source", max_length=500, blank=True)
    # Set when the snapshot is written (catalog.signals): listed on "What changed".
    history_announced = models.BooleanField(default=False, editable=False)

    class Meta:
        abstract = True

    @property
    def source(self) -> str:
        return self.history_source_url


class EditConflict(Exception):
    """A save from a copy of a certification that someone else has saved since."""

    def __init__(self, certification: "Certification", expected_version: int):
        self.certification = certification
        self.expected_version = expected_version
        super().__init__(
            f"{certification} was saved by someone else after version {expected_version} "
            "was loaded; this save was refused"
        )


def status_q(status: Status, today: dt.date) -> Q:
    """Rows with ``status`` on ``today``, as plain date conditions (the rules of ``lifecycle``).

    Unlike the ``status_code`` CASE, the planner can estimate these and use an index on
    ``retirement_date``.
    """
    soon = today + dt.timedelta(days=lifecycle.RETIRING_SOON_DAYS)
    if status is Status.RETIRED:
        return Q(retirement_date__lt=today)
    if status is Status.RETIRING:
        return Q(retirement_date__gte=today, retirement_date__lte=soon)
    return Q(retirement_date__isnull=True) | Q(retirement_date__gt=soon)


def current_q(today: dt.date) -> Q:
    """Active or retiring on ``today``: one date range the planner estimates well."""
    return Q(retirement_date__isnull=True) | Q(retirement_date__gte=today)


class CertificationQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def update(self, **kwargs):
        # A bulk update is an edit too: copies loaded before it must not save over it,
        # and cached pages must not outlive it (signals do not see bulk writes).
        kwargs.setdefault("version", F("version") + 1)
        with transaction.atomic(using=self.db):
            catalogue_version.bump(self.db)
            return super().update(**kwargs)

    def bulk_create(self, *args, **kwargs):
        with transaction.atomic(using=self.db):
            catalogue_version.bump(self.db)
            return super().bulk_create(*args, **kwargs)

    def bulk_update(self, *args, **kwargs):
        with transaction.atomic(using=self.db):
            catalogue_version.bump(self.db)
            return super().bulk_update(*args, **kwargs)

    def listed(self):
        """Everything a catalogue row shows, in a constant number of queries."""
        return (
            self.select_related("platform")
            .prefetch_related("providers", "focus_areas", "replacements")
            .order_by("name")
        )

    def with_status(self, today: dt.date | None = None):
        """Annotates ``status_code`` in SQL, by the rules of ``lifecycle``."""
        today = today or timezone.localdate()
        soon = today + dt.timedelta(days=lifecycle.RETIRING_SOON_DAYS)
        return self.annotate(
            status_code=Case(
                When(retirement_date__isnull=True, then=Value(Status.ACTIVE.value)),
                When(retirement_date__lt=today, then=Value(Status.RETIRED.value)),
                When(retirement_date__lte=soon, then=Value(Status.RETIRING.value)),
                default=Value(Status.ACTIVE.value),
                output_field=models.CharField(),
            )
        )

    def with_costs(self):
        """Annotates ``total_cost`` in SQL, by the rules of ``pricing.estimated_total``."""
        months = Coalesce("typical_months", Value(pricing.DEFAULT_SUBSCRIPTION_MONTHS))
        return self.annotate(
            total_cost=Case(
                When(billing=pricing.Billing.FREE.value, then=Value(Decimal(0))),
                When(billing=pricing.Billing.PER_MONTH.value, then=F("cost_amount") * months),
                default=F("cost_amount"),
                output_field=models.DecimalField(max_digits=12, decimal_places=2),
            )
        )

    def for_browsing(self, today: dt.date | None = None):
        """What the catalogue page filters and sorts on, rows ready to show."""
        return self.listed().with_status(today).with_costs()

    def not_retired(self, today: dt.date | None = None):
        return self.filter(current_q(today or timezone.localdate()))

    def retiring_next(self, today: dt.date | None = None):
        """Current certifications with an announced retirement, soonest first."""
        today = today or timezone.localdate()
        return self.filter(retirement_date__gte=today).order_by("retirement_date", "name")

    def retired_since(self, start: dt.date, today: dt.date | None = None):
        """Certifications retired from ``start`` to yesterday, latest first."""
        today = today or timezone.localdate()
        return self.filter(retirement_date__gte=start, retirement_date__lt=today).order_by(
            "-retirement_date", "name"
        )

    def current_by_cost_and_recognition(self, uppers, today: dt.date | None = None) -> dict:
        """{(band, recognition): count} of current certifications in one grouped pass.

        ``band`` is the index of the first of ``uppers`` (US$, ascending, None for no
        limit) that the estimated total does not exceed, or None when the total is not
        known; ``recognition`` is None when not rated.
        """
        band = Case(
            When(total_cost__isnull=True, then=Value(None)),
            *(
                When(total_cost__lte=upper, then=Value(i))
                for i, upper in enumerate(uppers)
                if upper is not None
            ),
            default=Value(len(uppers) - 1),
            output_field=models.IntegerField(),
        )
        rows = (
            self.with_costs()
            .filter(current_q(today or timezone.localdate()))
            .annotate(band=band)
            .order_by()
            .values_list("band", "recognition")
            .annotate(n=Count("*"))
        )
        return {(b, r): n for b, r, n in rows}

    def latest_verified(self) -> dt.date | None:
        return self.aggregate(latest=Max("verified_on"))["latest"]


class Certification(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    providers = models.ManyToManyField(
        Provider, related_name="certifications", help_text="Who issues the credential."
    )
    platform = models.ForeignKey(
        Provider,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_certifications",
        help_text="Where it is delivered, when that is not the issuer (e.g. Coursera).",
    )
    exam_code = models.CharField(max_length=20, blank=True)
    format = models.CharField(max_length=20, choices=Format.choices)
    focus = models.CharField(
        max_length=200,
        blank=True,
        help_text="Its focus in a few words, e.g. “ML pipelines, MLOps”.",
    )
    summary = models.TextField(blank=True, help_text="What it covers, in our words.")
    focus_areas = models.ManyToManyField(FocusArea, related_name="certifications", blank=True)
    syllabus = models.TextField(blank=True, help_text="Exam domains or courses, one per line.")

    difficulty_min = models.PositiveSmallIntegerField(choices=Level.choices)
    difficulty_max = models.PositiveSmallIntegerField(choices=Level.choices)
    recognition = models.PositiveSmallIntegerField(
        choices=Recognition.choices, null=True, blank=True
    )
    recognition_note = models.CharField(max_length=200, blank=True)

    cost_amount = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Leave empty when the price is not published; never enter 0 for unknown.",
    )
    cost_currency = models.CharField(max_length=3, default="USD")
    billing = models.CharField(
        max_length=20, choices=BILLING_CHOICES, default=pricing.Billing.UNKNOWN.value
    )
    cost_approximate = models.BooleanField(default=False)
    cost_note = models.CharField(max_length=300, blank=True)
    typical_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="For subscriptions: months a typical learner pays for.",
    )
    free_to_audit = models.BooleanField(
        default=False, help_text="The course material can be studied free of charge."
    )

    exam_duration_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    question_count = models.CharField(max_length=40, blank=True)
    passing_score = models.CharField(max_length=200, blank=True)
    validity_months = models.PositiveSmallIntegerField(null=True, blank=True)
    validity_note = models.CharField(max_length=200, blank=True)
    renewal = models.TextField(blank=True)
    prerequisites = models.TextField(blank=True)
    languages = models.CharField(max_length=300, blank=True)

    official_url = models.URLField(max_length=500)
    verified_on = models.DateField()
    confidence = models.CharField(
        max_length=20, choices=Confidence.choices, default=Confidence.UNCONFIRMED
    )
    unconfirmed_fields = models.JSONField(
        default=list,
        blank=True,
        help_text="Fields whose values research could not confirm.",
    )

    retirement_date = models.DateField(
        null=True, blank=True, help_text="The last day on which the exam can be taken."
    )
    replacements = models.ManyToManyField(
        "self", symmetrical=False, related_name="replaces", blank=True
    )
    notice = models.TextField(blank=True, help_text="Shown as a banner, e.g. a retirement.")

    # Optimistic locking: every save bumps it and succeeds only if the row still has the
    # version this copy was loaded with, so no editor saves over another's change unseen.
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(
        bases=[SourcedHistory], history_change_reason_field=models.TextField(null=True)
    )

    objects = CertificationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        # The catalogue's default order, the home page's retirements and latest check; the
        # trigram indexes for search are PostgreSQL-only, in migration 0004.
        indexes = [
            models.Index(fields=["name"], name="certification_name"),
            models.Index(fields=["retirement_date", "name"], name="certification_retirement"),
            models.Index(fields=["verified_on"], name="certification_verified"),
            # Every column the catalogue's facets count on: the counting passes read this
            # narrow index instead of the wide rows (index-only on PostgreSQL, covering on
            # SQLite).
            models.Index(
                fields=[
                    "retirement_date",
                    "billing",
                    "format",
                    "difficulty_min",
                    "difficulty_max",
                    "recognition",
                    "cost_amount",
                    "typical_months",
                    "platform",
                    "id",
                ],
                name="certification_facets",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(cost_amount__isnull=True) | Q(cost_amount__gte=0),
                name="cost_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(difficulty_min__lte=F("difficulty_max")),
                name="difficulty_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(difficulty_min__gte=Level.BEGINNER)
                & Q(difficulty_max__lte=Level.ADVANCED),
                name="difficulty_in_scale",
            ),
            models.CheckConstraint(
                condition=Q(recognition__isnull=True)
                | Q(recognition__gte=Recognition.LOW, recognition__lte=Recognition.VERY_HIGH),
                name="recognition_in_scale",
            ),
            models.CheckConstraint(
                condition=Q(typical_months__isnull=True) | Q(typical_months__gte=1),
                name="typical_months_positive",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.exam_code})" if self.exam_code else self.name

    def save(self, *args, **kwargs):
        """Saves, or raises EditConflict if the row changed since this copy was loaded.

        The check is part of the UPDATE itself (``WHERE version = loaded``), so it holds
        between concurrent requests on SQLite and PostgreSQL alike, without row locks.
        """
        if self._state.adding:
            return super().save(*args, **kwargs)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        self._loaded_version = self.version
        self.version += 1
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        try:
            # A savepoint, so a caller that catches EditConflict can go on in its transaction.
            with transaction.atomic(using=using):
                return super().save(*args, **kwargs)
        except BaseException:
            self.version = self._loaded_version
            raise
        finally:
            del self._loaded_version

    def get_absolute_url(self):
        return reverse("catalog:detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update, *args):
        expected = getattr(self, "_loaded_version", None)
        if expected is None:
            return super()._do_update(
                base_qs, using, pk_val, values, update_fields, forced_update, *args
            )
        updated = super()._do_update(
            base_qs.filter(version=expected),
            using,
            pk_val,
            values,
            update_fields,
            forced_update,
            *args,
        )
        if not updated:
            # Changed (or deleted) since loaded: never fall through to Django's INSERT.
            raise EditConflict(self, expected)
        return updated

    # Lifecycle
    @property
    def status(self) -> Status:
        return lifecycle.status_on(retirement_date=self.retirement_date, today=timezone.localdate())

    # Display helpers
    @property
    def difficulty_display(self) -> str:
        low, high = Level(self.difficulty_min).label, Level(self.difficulty_max).label
        return low if low == high else f"{low}–{high}"

    @property
    def cost_display(self) -> str:
        return pricing.format_cost(
            amount=self.cost_amount,
            currency=self.cost_currency,
            billing=self.billing,
            approximate=self.cost_approximate,
        )

    @property
    def estimated_total(self) -> Decimal | None:
        return pricing.estimated_total(
            amount=self.cost_amount, billing=self.billing, typical_months=self.typical_months
        )

    @property
    def validity_display(self) -> str:
        if self.validity_months:
            years, months = divmod(self.validity_months, 12)
            if months == 0:
                return f"{years} year{'s' if years != 1 else ''}"
            return f"{self.validity_months} months"
        return self.validity_note or ""

    def provider_names(self) -> str:
        """ "Stanford / DeepLearning.AI (via Coursera)": uses prefetched providers."""
        names = " / ".join(p.name for p in self.providers.all())
        if self.platform_id and self.platform not in self.providers.all():
            names = f"{names} (via {self.platform.name})"
        return names

    def is_unconfirmed(self, field: str) -> bool:
        return field in (self.unconfirmed_fields or [])

    def public_history(self) -> list[change_history.HistoryEntry]:
        """What changed and when, newest first, back to the article's baseline."""
        return change_history.build_history(self.history.all())


class GuideEntry(models.Model):
    """A row of one of the article's guide tables, editable by editors."""

    slug = models.SlugField(max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = SlugManager()

    class Meta:
        abstract = True
        ordering = ["position", "slug"]

    def natural_key(self):
        return (self.slug,)


class Pitfall(GuideEntry):
    pitfall = models.CharField(max_length=200)
    why = models.TextField("why it happens")
    solution = models.TextField()
    certifications = models.ManyToManyField(Certification, related_name="pitfalls", blank=True)

    class Meta(GuideEntry.Meta):
        pass

    def __str__(self):
        return self.pitfall


class TroubleshootingItem(GuideEntry):
    problem = models.CharField(max_length=200)
    cause = models.TextField("possible cause")
    fix = models.TextField()

    class Meta(GuideEntry.Meta):
        verbose_name = "troubleshooting item"

    def __str__(self):
        return self.problem


class CertifyScenario(GuideEntry):
    scenario = models.CharField(max_length=200)
    go_for_it = models.TextField("go for certification because")
    skip_if = models.TextField("skip certification if")

    class Meta(GuideEntry.Meta):
        verbose_name = "when-to-certify scenario"

    def __str__(self):
        return self.scenario


class CommonMistake(GuideEntry):
    mistake = models.CharField(max_length=200)
    explanation = models.TextField()

    class Meta(GuideEntry.Meta):
        pass

    def __str__(self):
        return self.mistake


class PortfolioStep(GuideEntry):
    title = models.CharField(max_length=200)
    body = models.TextField()
    certifications = models.ManyToManyField(
        Certification, related_name="portfolio_steps", blank=True
    )

    class Meta(GuideEntry.Meta):
        pass

    def __str__(self):
        return self.title


class IndustryTrend(GuideEntry):
    trend = models.CharField(max_length=300)
    explanation = models.TextField(blank=True)

    class Meta(GuideEntry.Meta):
        pass

    def __str__(self):
        return self.trend


class Source(GuideEntry):
    """The article's footnotes, and the article itself."""

    title = models.CharField(max_length=300)
    url = models.URLField(max_length=500)
    note = models.TextField(blank=True)

    class Meta(GuideEntry.Meta):
        pass

    def __str__(self):
        return self.title


class CatalogueVersion(models.Model):
    """One row whose number every change to public data raises (see ``catalog.version``).

    Cached pages are valid for one version and one day; raising it in the same
    transaction as the change means no page built before the change outlives it.
    """

    number = models.PositiveBigIntegerField(default=1)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="catalogue_version_single")]

    def __str__(self):
        return f"catalogue version {self.number}"
