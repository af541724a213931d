"""The Atom feed of published good examples at /goda-exempel/feed/ (no personal data)."""

from django.contrib.syndication.views import Feed
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from examples import selectors


class GoodExampleFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("Sveriges Ekokommuner – goda exempel")
    link = reverse_lazy("good_example_bank")
    subtitle = gettext_lazy("Vad medlemmarna gjort för sina gröna nyckeltal.")

    def items(self):
        return selectors.feed_examples()

    def item_title(self, item: dict) -> str:
        # Plain text: the feed generator escapes it for XML, readers show it as text.
        return f"{item['organisation_name']}: {item['title']}"

    def item_description(self, item: dict) -> str:
        # Atom's summary is type="html": readers parse it as HTML, so the member's text is
        # escaped here (the generator then escapes it once more for XML).
        return escape(
            _("%(code)s %(name)s, %(years)s. %(text)s")
            % {
                "code": item["indicator_code"],
                "name": item["indicator_name"],
                "years": item["years"],
                "text": item["text"],
            }
        )

    def item_link(self, item: dict) -> str:
        return reverse("good_example_detail", args=[item["id"]])

    def item_pubdate(self, item: dict):
        return item["published_at"]

    def item_updateddate(self, item: dict):
        return item["published_at"]

    def item_author_name(self, item: dict) -> str:
        return item["organisation_name"]

    def item_categories(self, item: dict) -> list[str]:
        return [item["indicator_code"]]
