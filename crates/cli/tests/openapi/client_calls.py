"""Calls the API through a client generated from its OpenAPI document (openapi-python-client).

Usage: client_calls.py BASE_URL  (the generated package `xuequ_client` on PYTHONPATH)
"""
import sys

from xuequ_client import AuthenticatedClient, Client
from xuequ_client.api.assessment import assess
from xuequ_client.api.clusters import get_cluster, list_clusters
from xuequ_client.api.registry import create_school, get_school, list_schools
from xuequ_client.api.session import create_session, me
from xuequ_client.api.bookings import create_booking, free_facilities
from xuequ_client.api.running import add_expenditure, create_activity, list_budgets
from xuequ_client.models import (
    ActivityBody,
    ActivityBodyKind,
    AssessStage,
    Credentials,
    ErrorBody,
    NewBooking,
    SchoolInput,
    SchoolInputLocality,
    SchoolInputSchoolType,
    SpendBody,
    SpendBodyCategory,
)
import datetime

base = sys.argv[1]
calls = 0


def check(condition, what):
    if not condition:
        raise SystemExit(f"generated client: {what}")


token = create_session.sync(client=Client(base_url=base), body=Credentials(username="admin", password="xuequ-demo"))
calls += 1
check(token is not None and len(token.token) > 20, "sign-in returns a token")
client = AuthenticatedClient(base_url=base, token=token.token)

who = me.sync(client=client)
calls += 1
check(who.user.username == "admin" and who.county == "云岭县", f"me: {who}")

juniors = list_schools.sync(client=client, school_type="junior", per_page=3, sort="name")
calls += 1
check(len(juniors.items) == 3 and juniors.total >= 25, f"junior schools: {juniors.total}")
check(all(s.school_type == "junior" for s in juniors.items), "the filter holds")

first = get_school.sync(id=juniors.items[0].id, client=client)
calls += 1
check(first.name == juniors.items[0].name, "one school by id")

districts = list_clusters.sync(client=client, form="district")
calls += 1
detail = get_cluster.sync(id=districts.items[0].id, client=client)
calls += 1
check(len(detail.members) >= 2 and detail.cluster.id == districts.items[0].id, "a district with its members")

made = create_school.sync(
    client=client,
    body=SchoolInput(
        code="PY0001",
        name="生成客户端小学",
        school_type=SchoolInputSchoolType.PRIMARY,
        locality=SchoolInputLocality.RURAL,
        latitude=34.6,
        longitude=110.4,
    ),
)
calls += 1
check(not isinstance(made, ErrorBody) and made.code == "PY0001", f"created: {made}")

report = assess.sync(client=client, stage=AssessStage.JUNIOR)
calls += 1
check(report.year >= 2022 and report.source == "registry", "the assessment")

# Times go out as RFC 3339 with an offset, as the document's date-time says, and come back so.
beijing = datetime.timezone(datetime.timedelta(hours=8))
day = datetime.date.today() + datetime.timedelta(days=14)
while day.weekday() > 3:  # a Monday to Thursday two weeks on: inside the term, the notice and the horizon
    day += datetime.timedelta(days=1)
start = datetime.datetime.combine(day, datetime.time(14, 0), tzinfo=beijing)
end = start + datetime.timedelta(hours=1)
free = free_facilities.sync(client=client, free_from=start, free_to=end, school_id=detail.members[0].school.id, per_page=200)
calls += 1
check(not isinstance(free, ErrorBody) and free.total > 0, f"free facilities: {free}")
open_ones = [f for f in free.items if f.free]
check(open_ones, "a facility is free that afternoon")
booked = create_booking.sync(
    client=client,
    body=NewBooking(facility_id=open_ones[0].facility_id, school_id=detail.members[0].school.id, start=start, end=end, purpose="生成客户端预约"),
)
calls += 1
check(not isinstance(booked, ErrorBody) and len(booked.bookings) == 1, f"booked: {booked}")
check(booked.bookings[0].start == start and booked.bookings[0].start.utcoffset() == datetime.timedelta(hours=8), f"the booking's start: {booked.bookings[0].start}")

activity = create_activity.sync(
    client=client,
    body=ActivityBody(
        kind=ActivityBodyKind.JOINT_RESEARCH,
        title="生成客户端联合教研",
        cluster_id=detail.cluster.id,
        host_school_id=detail.members[0].school.id,
        starts_at=(start + datetime.timedelta(days=1)).astimezone(datetime.timezone.utc),
        ends_at=(end + datetime.timedelta(days=1)).astimezone(datetime.timezone.utc),
    ),
)
calls += 1
check(not isinstance(activity, ErrorBody) and activity.title == "生成客户端联合教研", f"scheduled: {activity}")
check(activity.starts_at == start + datetime.timedelta(days=1), f"the activity starts when asked: {activity.starts_at}")

budgets = list_budgets.sync(client=client, per_page=200)
calls += 1
check(not isinstance(budgets, ErrorBody) and budgets.total > 0, f"budgets: {budgets}")
spent = add_expenditure.sync(
    id=budgets.items[0].id,
    client=client,
    body=SpendBody(
        category=SpendBodyCategory.TRAINING,
        spent_on=datetime.date.today(),
        amount="1280.50",
        payee="生成客户端书店",
        purpose="教研用书",
    ),
)
calls += 1
check(not isinstance(spent, ErrorBody) and spent.amount == "1280.50", f"expenditure: {spent}")

print(f"generated client: {calls} calls answered as documented")
