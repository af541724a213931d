import factory

from conversations.models import Question, QuestionPause
from indicators.models import Indicator
from tests.members.factories import MunicipalityFactory, UserFactory


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    asker = factory.SubFactory(UserFactory)
    asking_organisation = factory.SubFactory(MunicipalityFactory)
    receiver = factory.SubFactory(MunicipalityFactory)
    indicator = factory.LazyFunction(
        lambda: Indicator.objects.get(revision__is_current=True, code="GN.6a")
    )
    year = 2024
    message = "Hur fick ni ner mängden hushållsavfall så mycket?"


class QuestionPauseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestionPause

    organisation = factory.SubFactory(MunicipalityFactory)
    until = factory.Faker("future_date")
    message = "Semester, tillbaka i augusti."
