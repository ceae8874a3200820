"""The inbox page (views, search, sort, paging, selection, bulk actions) against a real server,
and its logic module ``dashboard.inbox_rows`` on its own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dashboard import inbox_rows as ir
from tests.conftest import RunningServer
from tests.test_dashboard import make_agent, new_ticket, shared_server, signed_in, token_for
from widget_api.contracts.inbox import ViewCounts
from widget_api.contracts.tickets import CustomerBrief, TicketSummary


def _refs(at) -> list[str]:
    return list(at.dataframe[0].value["ref"]) if at.dataframe else []


def _select(at, refs: list[str]):
    """Tick rows of the ticket table as a click would (AppTest writes the selection state)."""
    shown = at.session_state["inbox_refs"]
    rows = [shown.index(ref) for ref in refs]
    at.session_state[at.session_state["inbox_table_key"]] = {
        "selection": {"rows": rows, "columns": []}
    }
    return at.run()


@pytest.fixture(scope="module")
def server(request, tmp_path_factory) -> RunningServer:
    """The dashboard tests' shared server (``shared_server``)."""
    return shared_server(request, tmp_path_factory)


@pytest.fixture(scope="module")
def admin_token(server) -> str:
    return token_for(server.url)


@pytest.fixture
def inbox(server, admin_token):
    """The admin, signed in, on the inbox."""
    return signed_in(server.url, admin_token)


# -- views, search, sort, paging ---------------------------------------------------------------
def test_views_show_live_counts_and_switch_the_list(server, inbox, admin_api):
    mine = new_ticket(server.url, body="vue-dash Ma mitaine est décousue")
    other = new_ticket(server.url, body="vue-dash Question sur les bottes")
    me = admin_api.get("/api/v1/me").json()
    admin_api.patch(f"/api/v1/tickets/{mine}", json={"assignee_id": me["id"]})
    at = inbox.run()
    at.text_input(key="inbox_q").input("vue-dash").run()
    counts = admin_api.get("/api/v1/views").json()["views"]
    mine_button = at.button(key="inbox_view_view_mine")
    assert mine_button.label.endswith(f":gray-badge[{counts['mine']}]")

    at = mine_button.click().run()
    assert not at.exception
    assert at.session_state["inbox_view"] == "view:mine"
    assert mine in _refs(at) and other not in _refs(at)
    assert "Mes billets" in [h.value for h in at.subheader]

    at = at.button(key="inbox_view_view_unassigned").click().run()
    assert other in _refs(at) and mine not in _refs(at)


def test_problem_type_views_list_the_exception_queues(server, inbox, admin_api):
    wrong = new_ticket(server.url, body="exception-dash J'ai reçu la mauvaise taille")
    admin_api.patch(f"/api/v1/tickets/{wrong}", json={"problem_type": "wrong_item"})
    at = inbox.run()
    at.text_input(key="inbox_q").input("exception-dash").run()
    at = at.button(key="inbox_view_ptype_wrong_item").click().run()
    assert not at.exception
    assert wrong in _refs(at)
    assert "Mauvais article" in [h.value for h in at.subheader]
    at = at.button(key="inbox_view_view_exceptions").click().run()
    assert wrong in _refs(at)


def test_search_narrows_the_list(server, inbox):
    wanted = new_ticket(server.url, body="Le zipper de ma veste Kamouraska est brisé")
    new_ticket(server.url, body="Autre chose complètement")
    at = inbox.run()
    at.text_input(key="inbox_q").input("kamouraska").run()
    assert not at.exception
    assert _refs(at) == [wanted]
    at.text_input(key="inbox_q").input("introuvable-xyz").run()
    assert _refs(at) == []
    assert "Aucun billet" in at.info[0].value


def test_sort_by_newest_puts_the_latest_first(server, inbox):
    first = new_ticket(server.url, body="tri-test premier")
    last = new_ticket(server.url, body="tri-test dernier")
    at = inbox.run()
    at.text_input(key="inbox_q").input("tri-test").run()
    assert _refs(at) == [first, last]  # default: longest waiting first
    at.selectbox(key="inbox_sort").set_value("newest").run()
    assert _refs(at) == [last, first]


def test_pages_go_forward_and_back_with_the_cursor_stack(server, inbox):
    refs = [new_ticket(server.url, body=f"pagination-dash {i}") for i in range(ir.PAGE_SIZE + 2)]
    at = inbox.run()
    at.text_input(key="inbox_q").input("pagination-dash").run()
    first_page = _refs(at)
    assert first_page == refs[: ir.PAGE_SIZE]
    at = at.button(key="inbox_next").click().run()
    assert _refs(at) == refs[ir.PAGE_SIZE :]
    assert len(at.session_state["inbox_cursors"]) == 1
    assert at.button(key="inbox_next").disabled
    at = at.button(key="inbox_prev").click().run()
    assert _refs(at) == first_page
    assert at.session_state["inbox_cursors"] == []


# -- selection and bulk actions ----------------------------------------------------------------
def test_selection_follows_the_tickets_when_the_list_changes(server, inbox):
    kept = new_ticket(server.url, body="selection-suit A")
    new_ticket(server.url, body="selection-suit B")
    at = inbox.run()
    at.text_input(key="inbox_q").input("selection-suit").run()
    at = _select(at, [kept])
    old_key = at.session_state["inbox_table_key"]
    new_ticket(server.url, body="selection-suit C")  # arrives while the agent looks at the list
    at.selectbox(key="inbox_sort").set_value("newest").run()  # and the order changes too
    assert at.session_state["inbox_table_key"] != old_key
    assert at.session_state["inbox_selected"] == [kept]


def test_bulk_assign_and_tag_through_the_bar(server, inbox, admin_api):
    paul = make_agent(server.url, "paul.bulk@shop.test", "Paul Bulk")
    refs = [new_ticket(server.url, body=f"vague de froid {i}") for i in range(3)]
    at = inbox.run()
    at.text_input(key="inbox_q").input("vague de froid").run()
    at = _select(at, refs[:2])
    assert at.session_state["inbox_selected"] == refs[:2]
    assert any(m.value.startswith("**2** billet(s)") for m in at.markdown)

    at.selectbox(key="inbox_bulk_assignee").set_value(paul["id"])
    at = at.button(key="inbox_bulk_assign").click().run()
    assert not at.exception
    at.text_input(key="inbox_bulk_tag").input("vague-froid, VIP")
    at = at.button(key="inbox_bulk_add_tag").click().run()
    assert not at.exception
    at.selectbox(key="inbox_bulk_priority").set_value("urgent")
    at = at.button(key="inbox_bulk_set_priority").click().run()

    for ref in refs[:2]:
        ticket = admin_api.get(f"/api/v1/tickets/{ref}").json()
        assert ticket["assignee_name"] == "Paul Bulk"
        assert ticket["tags"] == ["vague-froid", "vip"]
        assert ticket["priority"] == "urgent"
    untouched = admin_api.get(f"/api/v1/tickets/{refs[2]}").json()
    assert untouched["assignee_id"] is None and untouched["tags"] == []
    assert "2 billet(s) mis à jour." in [t.value for t in at.toast]

    at.text_input(key="inbox_bulk_tag").input("vip")
    at = at.button(key="inbox_bulk_remove_tag").click().run()
    assert admin_api.get(f"/api/v1/tickets/{refs[0]}").json()["tags"] == ["vague-froid"]


def test_bulk_status_moves_tickets_out_of_the_view(server, inbox, admin_api):
    refs = [new_ticket(server.url, body=f"statut-lot {i}") for i in range(2)]
    at = inbox.run()
    at.text_input(key="inbox_q").input("statut-lot").run()
    at = _select(at, refs)
    at.selectbox(key="inbox_bulk_status").set_value("solved")
    at = at.button(key="inbox_bulk_set_status").click().run()
    assert not at.exception
    assert {admin_api.get(f"/api/v1/tickets/{r}").json()["status"] for r in refs} == {"solved"}
    assert _refs(at) == []  # "All open" no longer lists them
    assert at.session_state["inbox_selected"] == []


def test_merge_folds_the_selection_into_the_oldest(server, inbox, admin_api):
    email = "doublon.dash@example.com"
    oldest = new_ticket(server.url, email=email, body="fusion-dash parka trop petite")
    newer = new_ticket(server.url, email=email, body="fusion-dash je renvoie mon message")
    at = inbox.run()
    at.text_input(key="inbox_q").input("fusion-dash").run()
    at = _select(at, [newer, oldest])
    merge = at.button(key="inbox_bulk_merge")
    assert not merge.disabled and oldest in merge.label
    at = merge.click().run()
    assert not at.exception
    assert admin_api.get(f"/api/v1/tickets/{newer}").json()["merged_into"] == oldest
    assert at.session_state["inbox_selected"] == [oldest]


def test_merge_is_offered_only_for_one_customer(server, inbox):
    refs = [new_ticket(server.url, body=f"fusion-refus {i}") for i in range(2)]
    at = inbox.run()
    at.text_input(key="inbox_q").input("fusion-refus").run()
    at = _select(at, refs)
    assert at.button(key="inbox_bulk_merge").disabled


def test_open_takes_the_selected_ticket_to_the_workspace(server, inbox):
    ref = new_ticket(server.url, subject="Ouvre-moi", body="ouvrir-dash")
    at = inbox.run()
    at.text_input(key="inbox_q").input("ouvrir-dash").run()
    at = _select(at, [ref])
    at = at.button(key="inbox_bulk_open").click().run()
    assert not at.exception
    assert at.session_state["ticket_ref"] == ref
    assert "Ouvre-moi" in [t.value for t in at.title]


# -- the logic module --------------------------------------------------------------------------
def _summary(ref: str, customer_id: int = 1, minutes_ago: int = 0, **fields) -> TicketSummary:
    at = datetime(2026, 11, 20, 15, 0, tzinfo=UTC) - timedelta(minutes=minutes_ago)
    base = {
        "ref": ref, "subject": "Sujet", "status": "new", "priority": "normal", "channel": "web",
        "language": "fr", "customer": CustomerBrief(id=customer_id, email="c@x.ca", name=None),
        "assignee_id": None, "assignee_name": None, "problem_type": None,
        "problem_confidence": None, "tags": [], "order_number": None, "message_count": 1,
        "created_at": at, "updated_at": at, "first_response_at": None,
        "last_customer_message_at": at, "snoozed_until": None, "solved_at": None,
    }  # fmt: skip
    return TicketSummary(**{**base, **fields})


@pytest.mark.parametrize(
    ("choice", "filters"),
    [
        ("view:mine", {"view": "mine"}),
        ("channel:amazon", {"channel": ["amazon"], "status": ir.ACTIVE_STATUSES}),
        ("ptype:wrong_item", {"problem_type": "wrong_item", "status": ir.ACTIVE_STATUSES}),
    ],
)
def test_filters_follow_the_view_choice(choice, filters):
    assert ir.filters_for(choice) == filters


def test_unknown_view_choice_is_refused():
    with pytest.raises(ValueError):
        ir.filters_for("color:blue")


def test_nav_lists_views_then_busy_channels_and_types():
    counts = ViewCounts(
        views={v: 1 for v in ir.VIEWS},
        by_channel={"web": 4, "amazon": 0, "etsy": 2},
        by_problem_type={"wrong_item": 3, "untyped": 5},
    )
    entries = ir.nav_entries(counts)
    assert [e.choice for e in entries][: len(ir.VIEWS)] == [f"view:{v}" for v in ir.VIEWS]
    assert [e.choice for e in entries if e.group != "views"] == [
        "channel:web", "channel:etsy", "ptype:wrong_item",
    ]  # fmt: skip


def test_rows_show_labels_in_the_agents_language():
    ticket = _summary("C1", status="pending", priority="urgent", problem_type="wrong_item",
                      sla_state="at_risk", assignee_name="Paul")  # fmt: skip
    now = datetime(2026, 11, 20, 15, 5, tzinfo=UTC)
    fr = ir.rows([ticket], "fr", now=now).iloc[0]
    assert list(fr.index) == list(ir.COLUMNS)
    assert (fr["status"], fr["priority"], fr["sla"]) == (
        ["En attente du client"], ["Urgente"], ["À risque"],
    )  # fmt: skip
    assert (fr["problem_type"], fr["channel"], fr["waiting"]) == (
        "Mauvais article", "Formulaire web", "il y a 5 minutes",
    )  # fmt: skip
    en = ir.rows([ticket], "en", now=now).iloc[0]
    assert (en["problem_type"], en["waiting"]) == ("Wrong item", "5 minutes ago")


def test_anonymous_chat_visitors_have_a_name_in_the_list():
    visitor = _summary("C9", customer=CustomerBrief(id=9, email=None, name=None))
    assert ir.rows([visitor], "fr").iloc[0]["customer"] == "Visiteur anonyme"


def test_table_key_changes_with_the_rows_or_their_order():
    key = ir.table_key("view:mine", ["C1", "C2"])
    assert key == ir.table_key("view:mine", ["C1", "C2"])
    assert key != ir.table_key("view:mine", ["C2", "C1"])
    assert key != ir.table_key("view:all_open", ["C1", "C2"])


def test_selection_maps_between_refs_and_positions():
    refs = ["C3", "C1", "C2"]
    assert ir.positions(["C2", "C9", "C3"], refs) == [0, 2]
    assert ir.selected_refs([2, 0, 7], refs) == ["C3", "C2"]


@pytest.mark.parametrize(
    ("stack", "shown", "expected"),
    [([], 25, (1, 25)), (["a"], 3, (26, 28)), ([], 0, (0, 0))],
)
def test_page_range(stack, shown, expected):
    assert ir.page_range(stack, shown) == expected


def test_tags_are_split_cleaned_and_deduplicated():
    assert ir.parse_tags(" VIP, vague-froid  #retour,vip ") == ["vip", "vague-froid", "retour"]
