"""The attribute facts that value checks need, beyond what ``attio_cli.schema.Attribute`` stores."""

from __future__ import annotations

from dataclasses import dataclass, field

from attio_cli.schema import Attribute

# Objects that each standard record-reference attribute may point to, per Attio's standard-object
# docs. Keyed by (object slug, attribute slug).
STANDARD_REFERENCE_TARGETS: dict[tuple[str, str], tuple[str, ...]] = {
    ("people", "company"): ("companies",),
    ("companies", "team"): ("people",),
    ("users", "person"): ("people",),
    ("users", "workspace"): ("workspaces",),
    ("workspaces", "users"): ("users",),
    ("workspaces", "company"): ("companies",),
    ("deals", "associated_people"): ("people",),
    ("deals", "associated_company"): ("companies",),
}


def fold_title(title: str) -> str:
    """Fold an option title for a loose match: no surrounding spaces, single inner spaces, no case."""
    return " ".join(title.split()).casefold()


@dataclass(frozen=True, slots=True)
class AttributeSpec:
    """One attribute as the value checks see it.

    ``targets`` lists the objects (slugs or object ids) a record-reference attribute may point to.
    ``options`` lists the active option titles of a select attribute or the status titles of a
    status attribute, and ``option_ids`` their ids. ``None`` means not known, and then that part
    of the check is skipped. ``currency_code`` is the attribute's default currency (ISO 4217).
    """

    slug: str
    type: str
    is_multiselect: bool = False
    is_unique: bool = False
    is_writable: bool = True
    is_required: bool = False
    targets: tuple[str, ...] | None = None
    options: tuple[str, ...] | None = None
    option_ids: tuple[str, ...] = ()
    currency_code: str | None = None

    # Lookups built once from `options`, because select values are checked per event.
    option_titles: frozenset[str] = field(init=False, repr=False, compare=False)
    folded_options: dict[str, str | None] = field(init=False, repr=False, compare=False)
    option_id_set: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        titles = self.options or ()
        folded: dict[str, str | None] = {}
        for title in titles:
            key = fold_title(title)
            # Two titles that fold to the same text are ambiguous, so neither is suggested.
            folded[key] = None if key in folded and folded[key] != title else title
        object.__setattr__(self, "option_titles", frozenset(titles))
        object.__setattr__(self, "folded_options", folded)
        object.__setattr__(self, "option_id_set", frozenset(option_id.lower() for option_id in self.option_ids))

    @classmethod
    def from_attribute(
        cls,
        attribute: Attribute,
        *,
        object_slug: str | None = None,
        is_required: bool = False,
        targets: tuple[str, ...] | None = None,
        options: tuple[str, ...] | None = None,
        option_ids: tuple[str, ...] = (),
        currency_code: str | None = None,
    ) -> AttributeSpec:
        """Build a spec from a schema attribute.

        Without explicit ``targets``, a standard record-reference attribute of ``object_slug``
        gets its standard targets, e.g. ``people.company`` may point to ``companies``.
        """
        if targets is None and object_slug is not None:
            targets = STANDARD_REFERENCE_TARGETS.get((object_slug, attribute.slug))
        return cls(
            slug=attribute.slug,
            type=attribute.type,
            is_multiselect=attribute.is_multiselect,
            is_unique=attribute.is_unique,
            is_writable=attribute.is_writable,
            is_required=is_required,
            targets=targets,
            options=options,
            option_ids=option_ids,
            currency_code=currency_code,
        )
