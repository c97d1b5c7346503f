"""Calls the API through a client generated from its OpenAPI document (openapi-python-client).

Usage: client_calls.py BASE_URL  (the generated package `xuequ_client` on PYTHONPATH)
"""
import sys

from xuequ_client import AuthenticatedClient, Client
from xuequ_client.api.assessment import assess
from xuequ_client.api.clusters import get_cluster, list_clusters
from xuequ_client.api.registry import create_school, get_school, list_schools
from xuequ_client.api.session import create_session, me
from xuequ_client.models import Credentials, SchoolInput, SchoolInputLocality, SchoolInputSchoolType

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
check(made is not None and made.code == "PY0001", f"created: {made}")

report = assess.sync(client=client, stage="junior")
calls += 1
check(report.year >= 2022 and report.source == "registry", "the assessment")

print(f"generated client: {calls} calls answered as documented")
