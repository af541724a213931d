from members.models import DemoDataset


def site(request) -> dict:
    # One cheap query per page: the banner must never be missing on demo data.
    return {"showing_demo_data": DemoDataset.objects.exists()}
